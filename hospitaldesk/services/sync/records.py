"""What travels in a bundle: the synced tables in the order their references need, each record as
one JSON object of its stored column values, and the version vectors that decide what an incoming
record means (new, newer, older, or made without knowing ours: a conflict).

A record's vector maps a site id to that site's change number at its last edit of the record. The
stored `vector` column is the vector as it last arrived; the vector in force adds this site's own
last edit (`change_seq` when `last_site` is this site), so a local save needs no extra write.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
    UUIDField,
)
from peewee import sort_models  # type: ignore[attr-defined]  # public, but not in its stubs

from hospitaldesk.db.models import RECORD_TABLES, Record
from hospitaldesk.i18n import _

Vector = dict[str, int]
# Columns that say where and when a record changed, not what it holds: two versions that differ only
# here carry the same data. `change_seq` never travels (it is this site's own counter).
BOOKKEEPING = frozenset({"created_at", "updated_at", "last_site", "change_seq", "vector", "search_key"})
LOCAL_ONLY = frozenset({"change_seq"})
VECTOR = "vector"  # travels as a JSON object, checked by parse_incoming_vector
# A signed contract's or amendment's text, frozen at signing: it never changes through sync.
FROZEN = {"agreement": ("frozen_json", "content_hash"), "amendment": ("frozen_json", "content_hash")}


def synced_models() -> list[type[Record]]:
    """Every table whose records travel, parents before the children that point to them."""
    candidates = [m for m in RECORD_TABLES if issubclass(m, Record) and getattr(m, "synced", False)]
    return [m for m in sort_models(candidates) if m in candidates]


def table_label(table: str) -> str:
    """What a table holds, as a person would say it (the audit log's names)."""
    from hospitaldesk.services.audit_log import TABLES  # it pulls in the PDF stamp's code: only when a label is shown

    return _(TABLES[table]) if table in TABLES else table


def model_for(table: str) -> type[Record] | None:
    for model in synced_models():
        if model._meta.table_name == table:
            return model
    return None


# --- version vectors -------------------------------------------------------------------------------


class Order(Enum):
    SAME = "same"
    NEWER = "newer"  # the incoming version has seen everything ours has, and more
    OLDER = "older"  # ours has already seen the incoming one
    CONCURRENT = "concurrent"  # each has edits the other has not seen


def parse_vector(raw: str | None) -> Vector:
    if not raw:
        return {}
    data = json.loads(raw)
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def in_force(stored: str | None, last_site: str | None, change_seq: int, local_site: str) -> Vector:
    vector = parse_vector(stored)
    if last_site == local_site and change_seq > 0:
        vector[local_site] = max(vector.get(local_site, 0), change_seq)
    return vector


def compare(incoming: Vector, ours: Vector) -> Order:
    sites = incoming.keys() | ours.keys()
    ahead = any(incoming.get(s, 0) > ours.get(s, 0) for s in sites)
    behind = any(incoming.get(s, 0) < ours.get(s, 0) for s in sites)
    if ahead and behind:
        return Order.CONCURRENT
    if ahead:
        return Order.NEWER
    return Order.OLDER if behind else Order.SAME


def merged(a: Vector, b: Vector) -> Vector:
    return {s: max(a.get(s, 0), b.get(s, 0)) for s in a.keys() | b.keys()}


def parse_incoming_vector(value: Any) -> Vector:
    """A vector as a bundle carries it; ValueError when it is not one."""
    if not isinstance(value, dict) or not value:
        raise ValueError(_("version vector expected"))
    vector: Vector = {}
    for site, counter in value.items():
        if not isinstance(site, str) or not _HEX32.match(site) or isinstance(counter, bool) or not isinstance(counter, int) or counter < 0:
            raise ValueError(_("version vector expected"))
        vector[site] = counter
    return vector


_VECTOR_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"))  # made once: a sync stores one per record


def dumps_vector(vector: Vector) -> str:
    """json.dumps(vector, sort_keys=True, separators=(",", ":"))."""
    return _VECTOR_JSON.encode(vector)


def winner_is_theirs(mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """The version shown until a person decides: the later edit, and on a tie the larger site id.
    Every site computes the same answer from the same two versions, so they agree without talking."""
    return (str(theirs.get("updated_at") or ""), str(theirs.get("last_site") or "")) > \
        (str(mine.get("updated_at") or ""), str(mine.get("last_site") or ""))


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = (a.keys() | b.keys()) - BOOKKEEPING
    return all(a.get(k) == b.get(k) for k in keys)


# --- columns and their rules -----------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEX32 = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Column:
    name: str
    check: Callable[[Any], Any]  # returns the value to store, or raises ValueError saying why
    required: bool  # no default and not nullable: a record without it is refused
    default: Any


def _text(limit: int | None) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(_("text expected"))
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if limit is not None and len(value) > limit:
            raise ValueError(_("longer than {limit} characters").format(limit=limit))
        return value
    return check


def _integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("whole number expected"))
    return value


def _boolean(value: Any) -> Any:
    if value not in (0, 1) or isinstance(value, float):
        raise ValueError(_("0 or 1 expected"))
    return int(value)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(_("number expected"))
    return value


def _date(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError(_("date expected (YYYY-MM-DD)"))
    dt.date.fromisoformat(value)
    return value


def _timestamp(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(_("date and time expected"))
    dt.datetime.fromisoformat(value)
    return value


def _uuid(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(_("record id expected"))
    if _HEX32.match(value):
        return value
    return uuid.UUID(value).hex


# Field type -> its rule, most specific first (a DateTimeField is not a DateField, a UUID key is checked as a UUID).
_RULES: tuple[tuple[type[Field] | tuple[type[Field], ...], Callable[[Any], Any]], ...] = (
    ((ForeignKeyField, UUIDField), _uuid), (BooleanField, _boolean), (DateTimeField, _timestamp), (DateField, _date),
    (IntegerField, _integer), (FloatField, _number),
)


def _checker(field: Field) -> Callable[[Any], Any]:
    for kinds, rule in _RULES:
        if isinstance(field, kinds):
            return rule
    if isinstance(field, CharField):
        return _text(field.max_length)
    if isinstance(field, TextField):
        return _text(None)
    raise TypeError(f"no sync rule for {type(field).__name__} {field.name}")


def _nullable(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


def columns_of(model: type[Record]) -> list[Column]:
    """The columns a bundle carries for `model` (all but this site's own counter), with their rules."""
    found = []
    for field in model._meta.sorted_fields:
        if field.column_name in LOCAL_ONLY or field.column_name == VECTOR:
            continue
        check = _checker(field)
        default = field.default() if callable(field.default) else field.default
        if field.null:
            check = _nullable(check)
        required = field.primary_key or (not field.null and field.default is None)
        stored_default = field.db_value(default) if default is not None else None
        found.append(Column(field.column_name, check, required, stored_default))
    return found


def stored_columns(model: type[Record]) -> list[str]:
    return [f.column_name for f in model._meta.sorted_fields]


def rows_as_dicts(names: list[str], rows: Iterable[tuple[Any, ...]]) -> Iterable[dict[str, Any]]:
    for row in rows:
        yield dict(zip(names, row))
