"""services/demo.py: demo data that is safe to load again."""
from __future__ import annotations

from pathlib import Path

from hospitaldesk.db import stamping
from hospitaldesk.db.models import Facility
from hospitaldesk.services import maintenance, site
from hospitaldesk.services.catalogs import catalog
from hospitaldesk.services.demo import DEMO_FACILITIES, DEMO_SITE_NAME, load_demo
from tests.conftest import SITE_NAME
from tests.unit.conftest import names


def test_demo_on_a_fresh_database_sets_up_the_demo_site(store: Path) -> None:
    load_demo()
    assert site.site_name() == DEMO_SITE_NAME
    assert maintenance.check().counts["provinces"] >= 27


def test_demo_adds_its_facilities(store: Path) -> None:
    added = load_demo()
    assert added["facilities"] == len(DEMO_FACILITIES)
    codes = {f.code for f in Facility.live()}
    assert {row["code"] for row in DEMO_FACILITIES} <= codes


def test_demo_a_second_time_adds_nothing(store: Path) -> None:
    load_demo()
    counts = maintenance.check().counts
    again = load_demo()
    assert set(again.values()) == {0}
    assert maintenance.check().counts == counts


def test_demo_keeps_an_existing_site_name(site_store: Path) -> None:
    load_demo()
    assert site.site_name() == SITE_NAME


def test_demo_facilities_are_searchable_without_accents(store: Path) -> None:
    load_demo()
    assert names(catalog("facilities"), "my xuyen") == ["Trung tâm Y tế huyện Mỹ Xuyên"]


def test_demo_facilities_of_soc_trang_are_found_under_can_tho(store: Path) -> None:
    load_demo()
    assert "Trung tâm Y tế huyện Mỹ Xuyên" in names(catalog("facilities"), "can tho")


def test_demo_rows_are_stamped_by_this_site(store: Path) -> None:
    load_demo()
    row = Facility.get(Facility.code == DEMO_FACILITIES[0]["code"])
    assert row.change_seq > 0
    assert row.last_site == stamping.local_site_id()


def test_demo_readiness_shows_one_ready_one_improving_one_blocked(store: Path) -> None:
    from hospitaldesk.services import agreements, assessments, gaps

    load_demo()
    rows = assessments.summaries()
    assert len(rows) == 4 and all(r["status"] == "final" for r in rows)
    crrt = next(r for r in rows if r["facility"] == "Bệnh viện Sản – Nhi Cà Mau")
    assert not crrt["ready"] and crrt["critical_missing"] > 0
    open_gaps = gaps.listing(status="open", facility_id=crrt["facility_id"])
    assert open_gaps, "the missing trained nurses became gap actions"
    flagged = agreements.resolve("03/HĐ-CGKT")
    assert agreements.summary(flagged.id)["readiness_warnings"]


def test_demo_trainees_tell_the_retention_story(store: Path) -> None:
    import datetime as dt

    from hospitaldesk.services import retention

    load_demo()
    left = retention.departures()
    private = [d for d in left if d["destination_kind"] == "A private hospital" and d["breaks_commitment"]]
    assert len(private) == 2  # two left for private hospitals within a year, before their commitment ended
    assert any(d["returned_on"] for d in left)  # and one nurse left and came back
    [ending] = retention.commitments_ending()
    assert 0 < ending["days_left"] <= 90
    assert retention.at_risk(dt.date.today())  # Cà Mau's CRRT team is below the checklist's 10


def test_demo_retention_per_agreement(store: Path) -> None:
    from hospitaldesk.services import agreements, retention

    load_demo()
    paediatrics = agreements.resolve("03/HĐ-CGKT")
    rows = retention.retention(agreement_id=paediatrics.id)
    assert {r.facility for r in rows} == {"Bệnh viện Sản – Nhi Cà Mau"}
    assert {r.technique for r in rows} == {"Lọc máu liên tục ở trẻ em", "Thở máy rung tần số cao (HFOV) ở trẻ em"}


def test_demo_networks_warn_once_and_referrals_fall(store: Path) -> None:
    from hospitaldesk.services import case_outcomes, networks

    load_demo()
    assert [n["name"] for n in networks.listing()] == ["Mạng lưới Hồi sức tích cực Nhi vùng Đồng bằng sông Cửu Long",
                                                         "Mạng lưới Tim mạch vùng Đồng bằng sông Cửu Long"]
    [warning] = networks.duplication_warnings()
    assert {warning.first.facility, warning.second.facility} == {"Bệnh viện Đa khoa Cà Mau", "Bệnh viện Đa khoa tỉnh Bạc Liêu"}
    for code in ("ST-BVDK", "CM-SANNHI"):
        [outcome] = case_outcomes.outcomes(Facility.get(Facility.code == code).id)
        assert len(outcome["months"]) == 18 and outcome["start_from_agreement"] and outcome["referrals_falling"]
        assert outcome["independence_month"] is not None


def test_demo_review_is_found_by_its_period_and_hospital(store: Path) -> None:
    import datetime as dt

    from hospitaldesk.reports.review_data import Period, ReviewScope
    from hospitaldesk.services import review_drafts

    load_demo()
    scope = ReviewScope(facility=str(Facility.get(Facility.code == "ST-BVDK").id))
    text = review_drafts.load(Period(dt.date(2024, 1, 1), dt.date(2024, 6, 30)), scope)
    assert text["id"] and "can thiệp động mạch vành" in text["results"] and text["issued_on"] == dt.date(2024, 7, 5)
