"""Peewee only: the database proxy, models, migrations, reference data, backup."""
