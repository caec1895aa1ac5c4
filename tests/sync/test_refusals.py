"""Bundles a site must refuse, each with a clear message and the database exactly as it was. (The
container's own refusals, damaged or hostile files, are in test_container.py.)"""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.migrations import LATEST_VERSION
from hospitaldesk.db.models import Agreement
from hospitaldesk.services.sync import container, export, identity, importing
from hospitaldesk.services.sync.container import BundleError
from tests.sync.conftest import Sites, add_staff, facility_id


def refused(sites: Sites, site: str, path: Path, **options: Any) -> importing.SyncImportError | BundleError:
    """Import `path` at `site`, expecting a refusal; check nothing changed."""
    before = sites.dump(site)
    with sites.at(site):
        with pytest.raises((importing.SyncImportError, BundleError)) as caught:
            importing.import_bundle(path, **options)
        assert caught.value.message
    assert sites.dump(site) == before
    return caught.value


def forged(sites: Sites, site: str, path: Path, records: dict[str, list[dict[str, Any]]], **manifest: Any) -> Path:
    """A bundle signed with `site`'s real key whose records and manifest say what the test wants."""
    with sites.at(site):
        me = identity.own_identity()
        body = {"format": container.FORMAT, "format_version": container.FORMAT_VERSION, "bundle_id": str(uuid.uuid4()),
                "app_version": "0.1.0", "schema_version": LATEST_VERSION, "created_at": "2026-12-03T08:00:00Z",
                "source": me.as_dict(), "target": None, "tables": {t: len(r) for t, r in records.items()}, **manifest}
        members = [(f"tables/{t}.jsonl", [("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n").encode()])
                   for t, rows in records.items()]
        container.write_bundle(path, body, members, identity.signing_key())
    return path


def a_staff_record(sites: Sites, site: str, **values: Any) -> dict[str, Any]:
    """A staff record exported by `site`, as a line of its bundle."""
    path = sites.folder / "one.hdsync"
    with sites.at(site):
        add_staff("Ngô Văn Khoa")
        export.export_bundle(path)
        with container.open_bundle(path) as opened:
            (record,) = list(opened.records("staff"))
    return {**record, **values}


def test_a_site_not_trusted_yet_is_refused_until_its_fingerprint_is_confirmed(sites: Sites) -> None:
    sites.add("D")
    path = sites.folder / "d.hdsync"
    with sites.at("D"):
        add_staff("Trịnh Thị Lan")
        export.export_bundle(path)
        fingerprint = identity.own_identity().fingerprint
    error = refused(sites, "A", path)
    assert isinstance(error, importing.UntrustedSiteError) and fingerprint in error.message
    refused(sites, "A", path, trust_fingerprint="00000 " + fingerprint[6:])  # one group wrong
    with sites.at("A"):
        result = importing.import_bundle(path, trust_fingerprint=fingerprint.replace(" ", ""))
        assert result.applied and result.newly_trusted and identity.peer(error.sender.site_id) is not None


def test_a_bundle_for_another_site_is_refused(sites: Sites) -> None:
    path = sites.folder / "for-b.hdsync"
    with sites.at("A"):
        add_staff("Mai Văn Long")
        export.export_bundle(path, "Bệnh viện B")
    error = refused(sites, "C", path)
    assert error.reason == "not_for_us"


def test_a_plain_bundle_naming_another_site_is_refused(sites: Sites) -> None:
    with sites.at("B"):
        target = {"site_id": identity.own_identity().site_id, "name": "Bệnh viện B"}
    path = forged(sites, "A", sites.folder / "x.hdsync", {}, target=target)
    assert refused(sites, "C", path).reason == "not_for_us"


def test_a_site_does_not_import_its_own_bundle(sites: Sites) -> None:
    path = sites.folder / "own.hdsync"
    with sites.at("A"):
        export.export_bundle(path)
    assert refused(sites, "A", path).reason == "own_bundle"


def test_a_bundle_from_a_newer_schema_says_which_version_to_install(sites: Sites) -> None:
    path = forged(sites, "A", sites.folder / "new.hdsync", {}, schema_version=LATEST_VERSION + 1, app_version="2.0.0")
    error = refused(sites, "B", path)
    assert error.reason == "newer_schema" and "2.0.0" in error.message


def test_a_record_breaking_a_field_rule_is_refused_naming_table_line_and_field(sites: Sites) -> None:
    record = a_staff_record(sites, "A", full_name=12345)
    path = forged(sites, "A", sites.folder / "bad.hdsync", {"staff": [record]})
    error = refused(sites, "B", path)
    assert error.reason == "bad_records" and "line 1" in error.message and "full_name" in error.message


def test_an_unknown_field_and_a_missing_one_are_refused(sites: Sites) -> None:
    record = a_staff_record(sites, "A")
    missing = {k: v for k, v in record.items() if k != "facility_id"} | {"id": uuid.uuid4().hex}
    record = {**record, "salary": 1}
    path = forged(sites, "A", sites.folder / "bad.hdsync", {"staff": [record, missing]})
    error = refused(sites, "B", path)
    assert "salary" in error.message and "facility_id" in error.message


def test_a_record_pointing_to_a_missing_record_is_refused(sites: Sites) -> None:
    record = a_staff_record(sites, "A", facility_id=uuid.uuid4().hex)
    path = forged(sites, "A", sites.folder / "orphan.hdsync", {"staff": [record]})
    error = refused(sites, "B", path)
    assert error.reason == "bad_records" and "Facility" in error.message


def test_a_record_pointing_to_one_the_bundle_brings_is_accepted(sites: Sites) -> None:
    with sites.at("A"):
        add_staff("Châu Thị Mỹ", facility=facility_id("CM-SANNHI"))
    result = sites.send("A", "B")
    assert result.tables["staff"].new == 1


def a_signed_text_altered(sites: Sites) -> str:
    """A's signed contracts, known at B; then one's signed text altered at A behind the app's back. Its number."""
    from hospitaldesk.services import demo_agreements

    with sites.at("A"):
        demo_agreements.demo_agreements()
        signed = Agreement.select().where(Agreement.content_hash != "").first()
        signed_id, number = signed.id.hex, signed.number
    sites.send("A", "B", full=True)
    with sites.at("A"):
        with atomic():
            Agreement.update(frozen_json='{"title": "khác"}', change_seq=10**6).where(Agreement.id == signed_id).execute()
    return str(number)


def test_a_signed_contracts_text_never_changes_through_sync(sites: Sites) -> None:
    number = a_signed_text_altered(sites)
    path = sites.folder / "tampered.hdsync"
    with sites.at("A"):
        export.export_bundle(path, "Bệnh viện B")
    error = refused(sites, "B", path)
    assert error.reason == "frozen" and number in error.message



def test_a_table_holding_other_than_the_count_its_manifest_declares_is_refused(sites: Sites) -> None:
    record = a_staff_record(sites, "A")
    path = forged(sites, "A", sites.folder / "count.hdsync", {"staff": [record]}, tables={"staff": {"count": 2, "seq_from": 1, "seq_to": 9}})
    error = refused(sites, "B", path)
    assert error.reason == "bad_records" and "2" in error.message
