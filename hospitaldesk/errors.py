"""Errors a user can cause. Their messages are already translated and say what to do."""
from __future__ import annotations

from dataclasses import dataclass


class HospitalDeskError(Exception):
    """Base for every error that is shown to a person instead of a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    field: str
    label: str
    message: str
    row: int | None = None

    def describe(self) -> str:
        from hospitaldesk.i18n import _

        if self.row is not None:
            return _("Row {row}, {label}: {message}").format(row=self.row, label=self.label, message=self.message)
        return _("{label}: {message}").format(label=self.label, message=self.message)


class ValidationError(HospitalDeskError):
    """One or more fields are wrong; nothing was written."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.describe() for e in errors))

    def for_field(self, field: str) -> str | None:
        for error in self.errors:
            if error.field == field:
                return error.message
        return None


class StoreError(HospitalDeskError):
    """The database file cannot be used as asked (damaged, newer, locked, read-only...)."""


class NotFoundError(HospitalDeskError):
    """A record asked for by id does not exist (or was deleted)."""
