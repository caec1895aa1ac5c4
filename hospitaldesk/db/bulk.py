"""Many new records at once (imports, generators): stamped exactly as save() would stamp each one."""
from __future__ import annotations

from typing import Any

from hospitaldesk.db import stamping
from hospitaldesk.db.connection import database
from hospitaldesk.db.models import Record, utcnow


def insert_stamped(model: type[Record], records: list[Any]) -> None:
    """Insert new `records` of `model`, each with this site and a change number of its own, in one
    prepared statement (Peewee's insert_many builds SQL text per row: 3 s for 10,000). Must run
    inside the caller's write transaction; triggers (the search index) fire as for any insert."""
    if not records:
        return
    first = stamping.next_change_seq(len(records))
    now, site = utcnow(), stamping.local_site_id()
    fields = model._meta.sorted_fields
    stamp = {"created_at": now, "updated_at": now, "last_site": site, "deleted": False}
    rows = []
    for n, record in enumerate(records):
        data = {**record.__data__, **stamp, "change_seq": first + n}
        rows.append(tuple(f.db_value(data.get(f.name)) for f in fields))
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join("?" for _f in fields)
    database.cursor().executemany(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', rows)
