"""A catalogue of records (facilities, provinces, ...): list, search, get, save, delete.

Each concrete catalogue declares its columns, form fields and how a record maps
to a table row; paging, diacritic-insensitive search, sorting, validation and
the one-transaction write live here once.
"""
from __future__ import annotations

import uuid
from typing import Any, ClassVar, Generic, TypeVar, cast

from peewee import Expression, Field

from hospitaldesk import text
from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import CatalogRecord, Record
from hospitaldesk.db.search import where_matches
from hospitaldesk.errors import FieldError, NotFoundError, ValidationError
from hospitaldesk.i18n import _
from hospitaldesk.services.forms import Column, FieldSpec, FilterSpec, ListQuery, Page, validate
from hospitaldesk.services import authority

R = TypeVar("R", bound=CatalogRecord)
M = TypeVar("M", bound=Record)

MAX_PAGE_SIZE = 1000
SEARCH_COUNT_CAP = 1000  # a search with more matches says "more than 1,000": refine it


class Catalog(Generic[R]):
    model: ClassVar[type[CatalogRecord]]
    kind: ClassVar[str]  # "facility": used in messages and the CLI
    title: ClassVar[str]  # msgid, plural ("Facilities")
    singular: ClassVar[str]  # msgid ("Facility")
    columns: ClassVar[list[Column]]
    fields: ClassVar[list[FieldSpec]]
    filters: ClassVar[list[FilterSpec]] = []
    default_sort: ClassVar[str] = "name"

    # --- hooks each catalogue fills in -------------------------------------------------
    def base_query(self) -> Any:
        """The rows a list shows (a Peewee select; joins allowed)."""
        return self.model.live()

    def sort_fields(self) -> dict[str, Field]:
        fields = {c.key: getattr(self.model, c.key) for c in self.columns if c.sortable and hasattr(self.model, c.key)}
        # The folded key starts with the folded name: "Bệnh" sorts before "Bình" as a
        # Vietnamese reader expects (raw UTF-8 order would not), and it is indexed.
        fields["name"] = self.model.search_key
        return fields

    def filter_expression(self, name: str, value: str) -> Expression | None:
        return None

    def to_row(self, record: R) -> dict[str, Any]:
        raise NotImplementedError

    def to_form(self, record: R) -> dict[str, Any]:
        # __data__ holds foreign keys as ids: no query per related record.
        return {spec.name: _form_value(record.__data__.get(spec.name)) for spec in self.fields}

    def apply(self, record: R, values: dict[str, Any]) -> None:
        for name, value in values.items():
            setattr(record, name, value)

    def check_rules(self, values: dict[str, Any], record_id: uuid.UUID | None) -> list[FieldError]:
        """Rules across fields or rows (duplicates...). Empty when all is well."""
        return []

    # --- the shared machinery ------------------------------------------------------------
    def count_base_query(self) -> Any | None:
        """The rows of base_query() without its joins, when the joins never drop a row (required
        foreign keys, filters on the model's own columns): counting is then an index walk.
        None: count base_query() itself."""
        return None

    def _narrowed(self, query: Any, filters: dict[str, str]) -> Any:
        for name, value in filters.items():
            if value:
                expression = self.filter_expression(name, value)
                if expression is not None:
                    query = query.where(expression)
        return query

    def list_page(self, q: ListQuery) -> Page:
        query = self._narrowed(self.base_query(), q.filters)
        counted = self.count_base_query()
        counted = query if counted is None else self._narrowed(counted, q.filters)
        terms = text.search_terms(q.search)
        capped = False
        if terms:
            # Counting 24,000 matches of "trẻ em" costs more than showing them: stop at the cap.
            matched = where_matches(counted, self.model, terms)
            total = matched.limit(SEARCH_COUNT_CAP + 1).count()
            capped = total > SEARCH_COUNT_CAP
            total = min(total, SEARCH_COUNT_CAP)
            query = where_matches(query, self.model, terms, many_hits=capped)
        else:
            total = counted.count()
        sort_key = q.sort if q.sort in self.sort_fields() else self.default_sort
        order = self.sort_fields()[sort_key]
        page_size = max(1, min(q.page_size, MAX_PAGE_SIZE))
        page = max(0, min(q.page, max(0, (total - 1) // page_size)))
        ordered = query.order_by(order.desc() if q.descending else order, self.model.id)
        records = ordered.offset(page * page_size).limit(page_size)
        return Page(rows=[self.to_row(cast(R, r)) for r in records], total=total, page=page, page_size=page_size, capped=capped)

    def get_record(self, record_id: str | uuid.UUID) -> R:
        record = self.model.live().where(self.model.id == parse_id(record_id)).first()
        if record is None:
            raise NotFoundError(_("No such record: {id}").format(id=record_id))
        return record

    def get(self, record_id: str | uuid.UUID) -> dict[str, Any]:
        """Form values (strings/bools) for editing one record."""
        return self.to_form(self.get_record(record_id))

    def validate(self, raw: dict[str, Any], record_id: str | uuid.UUID | None = None) -> dict[str, Any]:
        values = validate(self.fields, raw)
        key = parse_id(record_id) if record_id else None
        errors = self.check_rules(values, key)
        if errors:
            raise ValidationError(errors)
        return values

    def save(self, raw: dict[str, Any], record_id: str | uuid.UUID | None = None) -> str:
        """Create (record_id None) or update; one transaction; returns the id."""
        with atomic():
            values = self.validate(raw, record_id)
            if record_id:
                record = self.get_record(record_id)
                self.apply(record, values)
                record.refresh_search_key()
                record.save()
                reindex(record.dependents())
            else:
                record = cast(R, self.model(id=uuid.uuid4()))
                self.apply(record, values)
                record.refresh_search_key()
                record.save(force_insert=True)
        return str(record.id)

    def delete(self, record_id: str | uuid.UUID) -> None:
        """Soft delete (a tombstone other sites will receive)."""
        authority.require("delete")
        with atomic():
            record = self.get_record(record_id)
            blocker = self.delete_blocker(record)
            if blocker:
                raise ValidationError([FieldError("id", _(self.singular), blocker)])
            record.deleted = True
            record.save()

    def delete_blocker(self, record: R) -> str | None:
        """Why this record may not be deleted (still used elsewhere), or None."""
        return None

    def duplicate_error(self, field: str, label: str, value: str) -> FieldError:
        return FieldError(field, _(label), _("'{value}' is already used by another record.").format(value=value))

    def is_taken(self, field: Field, value: Any, record_id: uuid.UUID | None, include_deleted: bool = False) -> bool:
        """Whether another record has this value. Codes count deleted rows too (a unique index
        covers them); names count only live ones, so a deleted record's name can be reused."""
        query = self.model.select(self.model.id).where(field == value)
        if not include_deleted:
            query = query.where(self.model.deleted == False)  # noqa: E712
        if record_id is not None:
            query = query.where(self.model.id != record_id)
        return query.exists()


def parse_id(record_id: str | uuid.UUID) -> uuid.UUID:
    try:
        return uuid.UUID(str(record_id))
    except ValueError as exc:
        raise NotFoundError(_("No such record: {id}").format(id=record_id)) from exc


def live_by_id(model: type[M], record_id: Any) -> M | None:
    """The live record of `model` with this id (text or UUID); None when there is none, or the id is not one."""
    try:
        key = uuid.UUID(str(record_id))
    except ValueError:
        return None
    return cast(M | None, model.live().where(model.id == key).first())


def get_live(model: type[M], record_id: Any) -> M:
    """The live record of `model` with this id, or NotFoundError saying which id was asked for."""
    record = live_by_id(model, record_id)
    if record is None:
        raise NotFoundError(_("No such record: {id}").format(id=record_id))
    return record


def tombstone(model: type[M], record_id: Any) -> None:
    """Delete a record the way other sites learn of it: the row stays, marked deleted, and travels."""
    authority.require("delete")
    with atomic():
        record = get_live(model, record_id)
        record.deleted = True
        record.save()


def reindex(records: list[CatalogRecord]) -> None:
    """Recompute derived search keys. Not a user's change: no stamp, nothing to sync."""
    for record in records:
        old = record.search_key
        if record.refresh_search_key() != old:
            type(record).update(search_key=record.search_key).where(type(record).id == record.id).execute()


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value) if not isinstance(value, str) else value
