"""The domain. Plain functions and classes over the models; no tkinter here.

Services return plain data (dicts, dataclasses) so the UI and the CLI never
touch a Peewee object or build a query."""

# Importing any service puts the role check on every write transaction (authority._guard).
from hospitaldesk.services import authority as _authority  # noqa: E402,F401
