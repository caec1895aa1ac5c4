"""Reading the audit log (db/audit.py writes it): entries filtered by user, record and date, and the
check of its hash chain in words a person can act on."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from hospitaldesk.db import audit
from hospitaldesk.db.connection import database
from hospitaldesk.i18n import N_, _
from hospitaldesk.reports.page import grouped_hash
from hospitaldesk.services import authority
from hospitaldesk.services.catalog import parse_id
from hospitaldesk.services.forms import code_label

ACTIONS = {
    "insert": N_("Created"), "update": N_("Changed"), "delete": N_("Deleted"), "restore": N_("Restored"),
    "erase": N_("Erased"), "sign_in": N_("Signed in"), "sign_in_failed": N_("Wrong password"),
    "log_started": N_("Log started"), "bulk_load": N_("Bulk load"), "export": N_("Exported"),
    "import": N_("Imported"), "print": N_("Printed"), "restore_backup": N_("Backup restored"), "setting": N_("Setting changed"),
    "trust": N_("Site trusted"), "untrust": N_("Site no longer trusted"),
}
# What each audited table holds, as a person would say it.
TABLES = {
    "site": N_("Site"), "province": N_("Province"), "specialty": N_("Specialty"), "facility": N_("Facility"),
    "technique": N_("Technique"), "agreement": N_("Agreement"), "amendment": N_("Amendment"),
    "agreement_technique": N_("Agreement technique"), "agreement_event": N_("Agreement history"), "attachment": N_("Attachment"),
    "checklist_template": N_("Checklist"), "template_item": N_("Checklist item"), "equipment_item": N_("Equipment"),
    "assessment": N_("Assessment"), "assessment_answer": N_("Assessment answer"), "gap_action": N_("Gap action"),
    "staff": N_("Staff member"), "staff_departure": N_("Departure"), "enrollment": N_("Training"), "account": N_("Account"),
    "retention": N_("Retention"), "local_state": N_("Setting of this computer"), "backup": N_("Backup"),
    "sync_bundle": N_("Sync bundle"), "sync_peer": N_("Trusted site"),
    "case_log": N_("Case log"), "network": N_("Network"), "network_hub": N_("Network hub"), "network_member": N_("Network member"),
    "review": N_("6-monthly review"),
}
PAGE = 500  # the newest entries first; a filter narrows further


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str  # UTC, ISO
    actor: str
    action: str
    table: str
    record_id: str  # as stored: 32 hex digits for a record, "" for an event
    changes: dict[str, Any]
    sealed: bool

    @property
    def action_label(self) -> str:
        return code_label(ACTIONS, self.action)

    @property
    def table_label(self) -> str:
        return code_label(TABLES, self.table) if self.table else ""

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "user": self.actor, "action": self.action, "table": self.table,
                "record_id": self.record_id, "changes": self.changes, "sealed": self.sealed}


def entries(user: str = "", record_id: str = "", since: dt.date | None = None, until: dt.date | None = None,
            limit: int = PAGE) -> list[Entry]:
    """The newest entries first, narrowed by user name, record (its id, with or without dashes) and days."""
    authority.require("read")
    where, params = ["1"], []
    if user:
        where.append("actor = ?")
        params.append(user)
    if record_id:
        where.append("record_id = ?")
        params.append(parse_id(record_id).hex)
    if since:
        where.append("at >= ?")
        params.append(since.isoformat())
    if until:
        where.append("at < ?")
        params.append((until + dt.timedelta(days=1)).isoformat())
    rows = database.execute_sql(
        f"SELECT seq, at, actor, action, table_name, record_id, changes, hash FROM audit_entry WHERE {' AND '.join(where)} "
        "ORDER BY seq DESC LIMIT ?", (*params, limit)).fetchall()
    return [Entry(seq, at, actor or "", action, table, record, json.loads(changes), stored is not None)
            for seq, at, actor, action, table, record, changes, stored in rows]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    message: str  # what was found, in words; the first problem named by its entry number


def verify() -> ChainReport:
    authority.require("read")
    result = audit.verify()
    if result.ok:
        message = _("The audit log is intact: {count} entries, the last is no. {seq} ({hash}).").format(
            count=result.entries, seq=result.head_seq, hash=grouped_hash(result.head_hash))
    else:
        first = result.findings[0]
        if first.problem == "unsealed":
            message = _("Entry no. {seq} was written by another program, not by HospitalDesk: the database was changed "
                        "outside the app.").format(seq=first.seq)
        else:
            message = _("The audit log was changed behind the app's back: entry no. {seq} is not as it was written "
                        "(it, or the entry before it, was edited or removed).").format(seq=first.seq)
        if len(result.findings) > 1:
            message += " " + _("{count} problems in all.").format(count=len(result.findings))
    return ChainReport(result.ok, result.entries, result.head_seq, result.head_hash, message)

