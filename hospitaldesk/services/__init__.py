"""The domain. Plain functions and classes over the models; no tkinter here.

Services return plain data (dicts, dataclasses) so the UI and the CLI never
touch a Peewee object or build a query."""
