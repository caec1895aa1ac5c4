"""Training ahead of readiness, asked of the database in one query (readiness_warnings.not_ready_rows, the
overview's whole region) and through the agreements' pages (not_ready_lines): both must say what a plain
reading of the rule says, on hand-built rows with the awkward cases: an assessment re-done on another day,
two on the same day, a deleted one, a draft one, a line replaced by a signed amendment, a line added by an
amendment not yet signed, a deleted line, a line already performed, an agreement no longer watched."""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.connection import database
from hospitaldesk.db.migrations import WATCHED_LINES_WHERE
from hospitaldesk.db.models import Agreement, AgreementTechnique, Amendment, Assessment, Technique
from hospitaldesk.services import agreement_lifecycle as life
from hospitaldesk.services import agreements, amendments, assessments, overview, readiness_warnings
from hospitaldesk.services.readiness_warnings import WATCHED_PROGRESS, WATCHED_STATUSES
from tests.unit.conftest import agreement_line, facility_by_code, technique_id
from tests.unit.test_readiness import CRRT, answer_all, ca_mau, small_starter  # noqa: F401 (an autouse fixture)

Key = tuple[uuid.UUID, uuid.UUID, uuid.UUID]


def reference() -> dict[Key, Any]:
    """The rule read plainly, row by row: {(agreement, facility, technique): the latest final assessment or None}
    for every watched line not ready. The latest: the newest assessed_on, then created_at, then the larger id."""
    found: dict[Key, Any] = {}
    for agreement in Agreement.select().where(Agreement.deleted == False):  # noqa: E712
        if agreement.status not in WATCHED_STATUSES:
            continue
        lines = list(AgreementTechnique.select().where(AgreementTechnique.agreement == agreement.id,
                                                       AgreementTechnique.deleted == False))  # noqa: E712

        def in_force(line: AgreementTechnique) -> bool:
            if line.amendment_id is None:
                return True
            amendment = Amendment.get_by_id(line.amendment_id)
            return amendment.status == "signed" and not amendment.deleted

        live = [line for line in lines if in_force(line)]
        replaced = {line.replaces_id for line in live if line.replaces_id is not None}
        for line in live:
            if line.id in replaced or line.progress not in WATCHED_PROGRESS:
                continue
            finals = [a for a in Assessment.select().where(Assessment.facility == agreement.party_b_id,
                                                           Assessment.technique == line.technique_id)
                      if a.status == "final" and not a.deleted]
            latest = max(finals, key=lambda a: (a.assessed_on, a.created_at, a.id.hex), default=None)
            if latest is None or not latest.ready:
                found[(agreement.id, agreement.party_b_id, line.technique_id)] = latest
    return found


def finished(day: str, missing: dict[str, str], created_at: str) -> uuid.UUID:
    """A finalised CRRT assessment at Cà Mau on `day`, made at `created_at` (set by hand: two on one day)."""
    made = assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": day, "assessors": "BS. A"})
    answer_all(made, missing)
    assessments.finalise(made)
    database.execute_sql("UPDATE assessment SET created_at = ? WHERE id = ?", (created_at, uuid.UUID(made).hex))
    return uuid.UUID(made)


def compare() -> dict[Key, Any]:
    expected = reference()
    rows = readiness_warnings.not_ready_rows(Agreement.select(Agreement.id, Agreement.party_b, Agreement.number).where(
        Agreement.deleted == False, Agreement.status.in_(WATCHED_STATUSES)))  # noqa: E712
    assert sorted((uuid.UUID(a), uuid.UUID(f), uuid.UUID(t)) for a, f, t, _n in rows) == sorted(expected)
    lines = readiness_warnings.not_ready_lines([a.id for a in Agreement.select(Agreement.id)])
    assert {(l.agreement_id, l.facility_id, l.technique_id): l.latest and l.latest.assessed_on for l in lines} == {
        key: latest and latest.assessed_on for key, latest in expected.items()}
    assert {(l.agreement_id, l.facility_id, l.technique_id): l.latest and l.latest.ready for l in lines} == {
        key: latest and latest.ready for key, latest in expected.items()}
    for first in (1, 2, 100):  # the count, and the lines of the `first` smallest numbers, ties included
        total, cut = readiness_warnings.not_ready_first(Agreement.select(Agreement.id, Agreement.party_b, Agreement.number).where(
            Agreement.deleted == False, Agreement.status.in_(WATCHED_STATUSES)), None, first)  # noqa: E712
        numbers = sorted(n for _a, _f, _t, n in rows)
        assert total == len(rows) and sorted(cut) == sorted(r for r in rows if numbers and r[3] <= numbers[min(first, len(numbers)) - 1])
    pci = Technique.select(Technique.id).where(Technique.code == "PT-TIM-HO")
    total, cut = readiness_warnings.not_ready_first(Agreement.select(Agreement.id, Agreement.party_b, Agreement.number).where(
        Agreement.deleted == False, Agreement.status.in_(WATCHED_STATUSES)), pci, 100)  # noqa: E712
    assert total == len(cut) == sum(1 for _a, _f, t, _n in rows if t == uuid.UUID(technique_id("PT-TIM-HO")).hex)
    shown = overview.readiness_not_met(overview.Scope())
    assert shown.total == len(expected)
    assert sorted(item.record_id for item in shown.items) == sorted(a.hex for a, _f, _t in expected)
    return expected


@pytest.fixture
def lines(agreement_form: Any) -> dict[str, str]:
    cm = ca_mau()
    # Signed: CRRT (to be replaced by a signed amendment), open-heart surgery in training, PCI performed already.
    signed = agreements.save_draft(agreement_form(party_a=str(facility_by_code("HCM-NHIDONG1").id), party_b=cm, number="02/HĐ-CGKT"),
                                   [agreement_line(CRRT), agreement_line("PT-TIM-HO"), agreement_line("TM-PCI")])
    life.change_status(signed, "signed", "15/03/2024")
    progress = {row["technique"]: row["id"] for row in amendments.technique_progress(signed)}
    life.set_progress(progress[technique_id("PT-TIM-HO")], "training", "01/04/2024")
    life.set_progress(progress[technique_id("TM-PCI")], "independent", "01/05/2024")
    values = dict(amendments.new_amendment(signed), subject="Điều chỉnh", clauses="Kéo dài thời gian đào tạo.")
    replacing = amendments.save_amendment(signed, values, [agreement_line(CRRT, end="31/07/2026", replaces=progress[technique_id(CRRT)])])
    amendments.sign_amendment(replacing, "01/06/2024")
    unsigned = dict(amendments.new_amendment(signed), subject="Bổ sung", clauses="Bổ sung kỹ thuật.")
    amendments.save_amendment(signed, unsigned, [agreement_line("TM-MAY-TAO-NHIP")])
    # A draft with training planned is watched too; its second line is deleted.
    draft = agreements.save_draft(agreement_form(party_b=cm, number="03/HĐ-CGKT"), [agreement_line(CRRT), agreement_line("TM-PCI")])
    database.execute_sql("UPDATE agreement_technique SET deleted = 1 WHERE agreement_id = ? AND technique_id = ?",
                         (uuid.UUID(draft).hex, uuid.UUID(technique_id("TM-PCI")).hex))
    # Accepted: no longer watched, whatever its lines say.
    done = agreements.save_draft(agreement_form(party_b=cm, number="04/HĐ-CGKT"), [agreement_line("TM-MAY-TAO-NHIP")])
    database.execute_sql("UPDATE agreement SET status = 'accepted' WHERE id = ?", (uuid.UUID(done).hex,))
    return {"signed": signed, "draft": draft, "done": done}


def test_never_assessed_lines_are_all_flagged(lines: dict[str, str]) -> None:
    expected = compare()
    # CRRT (the amendment's line) and open-heart surgery of the signed one, CRRT of the draft.
    assert len(expected) == 3 and all(latest is None for latest in expected.values())


def test_the_latest_assessment_decides_on_dates_and_ties(lines: dict[str, str]) -> None:
    not_ready = {"HR-01": "no"}
    finished("01/03/2024", not_ready, "2024-03-01 08:00:00")
    ready = finished("01/05/2024", {}, "2024-05-01 08:00:00")
    assert {key[2] for key in compare()} == {uuid.UUID(technique_id("PT-TIM-HO"))}  # CRRT ready on its latest
    # Re-assessed the same day, entered later, not ready: the later one counts.
    later = finished("01/05/2024", not_ready, "2024-05-01 16:00:00")
    assert {latest.id for latest in compare().values() if latest is not None} == {later}
    # The same day and the same instant: the larger id counts, whichever of the two it is.
    database.execute_sql("UPDATE assessment SET created_at = '2024-05-01 08:00:00' WHERE id = ?", (later.hex,))
    flagged = compare()
    assert (max(ready.hex, later.hex) == later.hex) == any(latest is not None for latest in flagged.values())
    # A deleted one and a draft one, both newer, change nothing.
    database.execute_sql("UPDATE assessment SET created_at = '2024-05-01 09:00:00' WHERE id = ?", (ready.hex,))
    assert {key[2] for key in compare()} == {uuid.UUID(technique_id("PT-TIM-HO"))}
    gone = finished("01/08/2024", not_ready, "2024-08-01 08:00:00")
    database.execute_sql("UPDATE assessment SET deleted = 1 WHERE id = ?", (gone.hex,))
    assessments.start(technique_id(CRRT), {"facility": ca_mau(), "assessed_on": "01/09/2024", "assessors": "BS. B"})
    assert {key[2] for key in compare()} == {uuid.UUID(technique_id("PT-TIM-HO"))}
    # A deleted agreement leaves the overview (the pages are only ever asked about live ones).
    database.execute_sql("UPDATE agreement SET deleted = 1 WHERE id = ?", (uuid.UUID(lines["signed"]).hex,))
    assert overview.readiness_not_met(overview.Scope()).total == 0


def test_latest_assessments_reads_the_newest_of_each_pair(lines: dict[str, str]) -> None:
    first = finished("01/03/2024", {"HR-01": "no"}, "2024-03-01 08:00:00")
    pair = (uuid.UUID(ca_mau()), uuid.UUID(technique_id(CRRT)))
    latest = readiness_warnings.latest_assessments([pair])
    assert latest[pair].assessed_on == dt.date(2024, 3, 1) and not latest[pair].ready and latest[pair].critical_missing == 1
    finished("02/03/2024", {}, "2024-03-01 07:00:00")
    assert readiness_warnings.latest_assessments([pair])[pair].ready
    assert readiness_warnings.latest_assessments([]) == {}
    assert first != uuid.UUID(int=0)


def test_the_overview_query_walks_its_indexes(site_store: Path) -> None:
    """The region's query reads the covering indexes of migration 13, never the agreement table's rows
    (each holds its signed text) nor a scan of the assessments."""
    watched = Agreement.select(Agreement.id, Agreement.party_b, Agreement.number).where(
        Agreement.deleted == False, Agreement.status.in_(WATCHED_STATUSES))  # noqa: E712
    sql, params = watched.sql()
    plan = " | ".join(row[3] for row in database.execute_sql(
        "EXPLAIN QUERY PLAN " + readiness_warnings._not_ready_sql(sql), params).fetchall())
    assert "COVERING INDEX agreement_overview" in plan, plan
    assert "COVERING INDEX agreement_technique_watch" in plan, plan
    assert "COVERING INDEX assessment_final_latest" in plan, plan
    assert "INDEX agreement_technique_replaces_id (replaces_id>?)" in plan, plan
    # The partial index's WHERE says what WATCHED_PROGRESS says.
    assert WATCHED_LINES_WHERE == f"deleted = 0 AND progress IN ({', '.join(repr(p) for p in WATCHED_PROGRESS)})"
    # Reading an agreement's lines otherwise (unordered, as Agreement.search_parts does) keeps its old plan.
    other = " | ".join(row[3] for row in database.execute_sql(
        "EXPLAIN QUERY PLAN SELECT technique_id FROM agreement_technique WHERE agreement_id = ? AND deleted = 0", ["x"]).fetchall())
    assert "agreement_technique_watch" not in other, other
