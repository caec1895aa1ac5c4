"""Regional networks: the province adjacency data, the neighbour rule across the 2025 merger, the
duplication and coverage rules on facts written by hand, the services' checks, and the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hospitaldesk.db.models import Network, NetworkHub, NetworkMember, Province
from hospitaldesk.db.reference import read_reference
from hospitaldesk.errors import ValidationError
from hospitaldesk.services import networks
from hospitaldesk.services.adjacency import border_pairs, province_map
from hospitaldesk.services.network_rules import MemberFact, coverage, duplications
from tests.unit.conftest import facility_by_code, technique_id
from tests.unit.test_cli import Runner, demo_db, run  # noqa: F401  (the fixtures)

# --- the shipped adjacency ----------------------------------------------------------------------


def test_adjacency_names_only_shipped_provinces_once_each() -> None:
    provinces = {p["code"]: p for p in read_reference("provinces")}
    rows = read_reference("province_adjacency")
    pairs = [frozenset((r["a"], r["b"])) for r in rows]
    assert len(pairs) == len(set(pairs)) == 38 + 12
    for r in rows:
        former = r["map"] == "former"
        assert all((provinces[c]["successor"] is not None) == former for c in (r["a"], r["b"])), r


def test_todays_map_is_the_former_map_with_each_unit_replaced_by_its_successor() -> None:
    successor = {p["code"]: p["successor"] for p in read_reference("provinces") if p["successor"]}
    projected = {frozenset((successor[a], successor[b])) for a, b in (tuple(p) for p in border_pairs()["former"])
                 if successor[a] != successor[b]}
    assert projected == set(border_pairs()["current"])


def test_vinh_long_borders_seven_units_before_the_merger() -> None:
    former = border_pairs()["former"]
    names = {p["code"]: p["name"] for p in read_reference("provinces")}
    around = {names[code] for pair in former if "86" in pair for code in pair if code != "86"}
    assert around == {"Tiền Giang", "Bến Tre", "Trà Vinh", "Đồng Tháp", "Cần Thơ", "Hậu Giang", "Sóc Trăng"}


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("94", "93", True),  # Sóc Trăng – Hậu Giang: a border (and both now Cần Thơ)
    ("94", "92", True),  # Sóc Trăng – Cần Thơ: no border of their own, but one province today
    ("94", "96", False),  # Sóc Trăng – Cà Mau: former units without a border, though today's Cần Thơ and Cà Mau have one
    ("84", "94", True),  # Trà Vinh – Sóc Trăng, across the Hậu River
    ("80", "96", False),  # Long An – Cà Mau
    ("92/2025", "96/2025", True),  # today's Cần Thơ – Cà Mau
    ("94", "96/2025", True),  # a former unit against today's: today's map (Cần Thơ – Cà Mau)
    ("83", "91/2025", False),  # Bến Tre (now Vĩnh Long) – today's An Giang: no border
    ("95", "96/2025", True),  # Bạc Liêu is part of today's Cà Mau
])
def test_neighbours_across_the_merger(site_store: Path, a: str, b: str, expected: bool) -> None:
    assert province_map().neighbours(a, b) is expected
    assert province_map().neighbours(b, a) is expected


# --- duplication and coverage, on facts written by hand -----------------------------------------


def fact(facility: str, province: str, status: str = "plans", technique: str = "PCI", specialty: str = "cardio",
         facility_id: str = "") -> MemberFact:
    return MemberFact(member_id=f"{facility}:{technique}", network_id=specialty, network=f"net {specialty}", specialty_id=specialty,
                      facility_id=facility_id or facility, facility=facility, province=province, technique_id=technique,
                      technique=technique, status=status)


def test_duplication_is_two_neighbouring_provinces_planning_the_same_technique(site_store: Path) -> None:
    facts = [
        fact("A Sóc Trăng", "94"), fact("B Bạc Liêu", "95"), fact("C Cà Mau", "96"),
        fact("D Tiền Giang", "82", specialty="other"),  # another specialty's network
        fact("E Cần Thơ", "92", status="offers"),  # offers: not a plan
        fact("A Sóc Trăng again", "94", facility_id="A Sóc Trăng", specialty="cardio"),  # the same hospital twice
        fact("F Hậu Giang", "93", technique="ECMO"),  # alone with its technique
    ]
    found = [(d.first.facility, d.second.facility, d.same_province) for d in duplications(facts, province_map())]
    # A–B share a border; B–C are one province today; A–C are former units without a border.
    assert found == [("A Sóc Trăng", "B Bạc Liêu", False), ("B Bạc Liêu", "C Cà Mau", True)]
    first = duplications(facts, province_map())[0]
    assert first.message == ("A Sóc Trăng (Sóc Trăng, now Cần Thơ) and B Bạc Liêu (Bạc Liêu, now Cà Mau) both plan PCI, "
                             "in neighbouring provinces: one of them could serve both.")


def test_a_facility_recorded_under_todays_province_is_compared_on_todays_map(site_store: Path) -> None:
    facts = [fact("A Sóc Trăng", "94"), fact("G new Cà Mau", "96/2025")]
    [found] = duplications(facts, province_map())  # Sóc Trăng is in today's Cần Thơ, which borders today's Cà Mau
    assert (found.first_province, found.second_province, found.same_province) == ("Sóc Trăng, now Cần Thơ", "Cà Mau", False)


def test_coverage_counts_offering_members_in_the_province_or_a_neighbour(site_store: Path) -> None:
    facts = [fact("Cà Mau hospital", "96", status="offers"), fact("An Giang hospital", "89", status="offers"),
             fact("Sóc Trăng hospital", "94", status="plans"), fact("Trà Vinh hospital", "84", status="offers", technique="ECMO")]
    rows = {r.code: r for r in coverage("PCI", facts, province_map())}
    assert len(rows) == 13
    # By hand: Cà Mau covers itself, Bạc Liêu (border, and one province today) and Kiên Giang (border);
    # An Giang covers itself, Kiên Giang (one province today), Đồng Tháp and Cần Thơ (borders).
    assert sorted(code for code, r in rows.items() if not r.access) == ["80", "82", "83", "84", "86", "93", "94"]
    assert rows["91"].offered_by == ["An Giang hospital (An Giang)", "Cà Mau hospital (Cà Mau)"]
    assert rows["95"].as_dict() == {"code": "95", "province": "Bạc Liêu, now Cà Mau", "access": True,
                                    "offered_by": ["Cà Mau hospital (Cà Mau)"]}


def test_coverage_tells_the_province_itself_from_a_neighbour(site_store: Path) -> None:
    facts = [fact("Cà Mau hospital", "96", status="offers"), fact("Cần Thơ hospital", "92", status="offers")]
    rows = {r.code: r for r in coverage("PCI", facts, province_map())}
    # Bạc Liêu is part of Cà Mau today: offered there; Hậu Giang and Sóc Trăng are part of Cần Thơ today.
    assert {code: r.level for code, r in rows.items() if r.level == "here"} == {"92": "here", "93": "here", "94": "here", "95": "here",
                                                                                 "96": "here"}
    assert rows["91"].level == "near" and rows["91"].offered_here == []  # Kiên Giang borders both
    assert rows["95"].offered_here == ["Cà Mau hospital (Cà Mau)"]
    assert rows["80"].level == "none" and not rows["80"].access


# --- the services ----------------------------------------------------------------------------------


def specialty_id(code: str) -> str:
    from hospitaldesk.db.models import Specialty

    return str(Specialty.get(Specialty.code == code).id)


def cardiology(hubs: tuple[str, ...] = ("HCM-CHORAY",)) -> str:
    return networks.save_network({"specialty": specialty_id("TM-CAN-THIEP"), "name": "Mạng lưới Tim mạch", "notes": ""},
                                 hubs=[str(facility_by_code(code).id) for code in hubs])


def member(facility: str, technique: str = "TM-PCI", status: str = "plans", year: str = "") -> dict[str, str]:
    return {"facility": str(facility_by_code(facility).id), "technique": technique_id(technique), "status": status, "planned_year": year}


def test_hubs_are_at_hcmc_and_members_are_not(site_store: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        cardiology(("HCM-CHORAY", "ST-BVDK", "HCM-DHYD"))
    [error] = caught.value.errors
    assert (error.field, error.row) == ("hubs", 2)
    assert error.message == "Bệnh viện Đa khoa tỉnh Sóc Trăng is not in Ho Chi Minh City: a hub is an HCMC end-line hospital."
    network = cardiology(("HCM-CHORAY", "HCM-DHYD"))
    with pytest.raises(ValidationError) as caught:
        networks.save_member(network, member("HCM-CHORAY", status="offers"))
    assert caught.value.for_field("facility") == ("Bệnh viện Chợ Rẫy is in Ho Chi Minh City: HCMC hospitals are a network's hubs, "
                                                  "not its members.")
    assert not Network.select().where(Network.name == "Mạng lưới Tim mạch", Network.deleted == False).count() > 1  # noqa: E712


def test_member_rules_and_one_row_per_hospital_and_technique(site_store: Path) -> None:
    network = cardiology()
    with pytest.raises(ValidationError) as caught:
        networks.save_member(network, member("ST-BVDK", status="offers", year="2026"))
    assert caught.value.for_field("planned_year") == "Only a planned technique has a planned year."
    with pytest.raises(ValidationError) as caught:
        networks.save_member(network, member("ST-BVDK", status="maybe"))
    assert caught.value.for_field("status") == "Choose one of the values in the list."
    first = networks.save_member(network, member("ST-BVDK", year="2026"))
    with pytest.raises(ValidationError) as caught:
        networks.save_member(network, member("ST-BVDK", status="offers"))
    assert caught.value.for_field("technique") == ("Bệnh viện Đa khoa tỉnh Sóc Trăng already has Chụp và can thiệp động mạch vành "
                                                   "qua da in this network.")
    networks.save_member(network, member("ST-BVDK", status="offers"), first)  # the same row, now offered
    assert NetworkMember.get_by_id(first).status == "offers" and NetworkMember.get_by_id(first).planned_year is None


def test_a_network_listed_with_its_warning_then_deleted_with_its_hubs_and_members(site_store: Path) -> None:
    network = cardiology(("HCM-CHORAY", "HCM-DHYD"))
    networks.save_member(network, member("BL-BVDK", year="2026"))
    networks.save_member(network, member("ST-BVDK", year="2027"))
    [listed] = networks.listing()
    assert listed["hubs"] == ["Bệnh viện Chợ Rẫy", "Bệnh viện Đại học Y Dược Thành phố Hồ Chí Minh"]
    assert [(m["facility"], m["province"], m["planned_year"]) for m in listed["members"]] == [
        ("Bệnh viện Đa khoa tỉnh Bạc Liêu", "Bạc Liêu, now Cà Mau", 2026), ("Bệnh viện Đa khoa tỉnh Sóc Trăng", "Sóc Trăng, now Cần Thơ", 2027)]
    assert [[f["facility"] for f in d["facilities"]] for d in listed["duplications"]] == [
        ["Bệnh viện Đa khoa tỉnh Bạc Liêu", "Bệnh viện Đa khoa tỉnh Sóc Trăng"]]
    networks.save_network({"specialty": specialty_id("TM-CAN-THIEP"), "name": "Mạng lưới Tim mạch", "notes": ""}, network,
                          hubs=[str(facility_by_code("HCM-DHYD").id)])
    assert networks.listing()[0]["hubs"] == ["Bệnh viện Đại học Y Dược Thành phố Hồ Chí Minh"]
    networks.delete_network(network)
    assert networks.listing() == [] and networks.duplication_warnings() == []
    assert NetworkHub.live().count() == 0 and NetworkMember.live().count() == 0
    assert NetworkMember.select().count() == 2  # tombstones, to travel to the other sites


def test_the_forms_choices_and_values(site_store: Path) -> None:
    hubs = {c.label for c in networks.hub_choices()}
    members = {c.label for c in networks.member_facility_choices()}
    assert "Bệnh viện Chợ Rẫy" in hubs and "Bệnh viện Đa khoa tỉnh Sóc Trăng" not in hubs
    assert "Sở Y tế Thành phố Hồ Chí Minh" not in hubs  # a Department of Health leads no network
    assert "Bệnh viện Đa khoa tỉnh Sóc Trăng" in members and not hubs & members
    network = cardiology(("HCM-CHORAY", "HCM-DHYD"))
    form = networks.network_form(network)
    assert form["name"] == "Mạng lưới Tim mạch" and form["specialty"] == specialty_id("TM-CAN-THIEP")
    assert sorted(form["hubs"]) == sorted(str(facility_by_code(code).id) for code in ("HCM-CHORAY", "HCM-DHYD"))
    values = member("ST-BVDK", year="2026")
    assert networks.member_form(networks.save_member(network, values)) == values
    [listed] = networks.listing()[0]["members"]
    assert (listed["facility_id"], listed["technique_id"]) == (values["facility"], values["technique"])


def test_no_hub_gives_a_delta_province_access(site_store: Path) -> None:
    cardiology(("HCM-CHORAY", "HCM-DHYD"))
    rows = networks.technique_coverage(technique_id("TM-PCI"))
    assert [r.access for r in rows] == [False] * 13
    assert Province.live().count() == 27


# --- the demo and the command line -----------------------------------------------------------------


def test_list_networks_json_on_the_demo(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "list", "networks", "--json")
    assert result.code == 0, result.err
    rows = json.loads(result.out)
    assert [r["name"] for r in rows] == ["Mạng lưới Hồi sức tích cực Nhi vùng Đồng bằng sông Cửu Long",
                                         "Mạng lưới Tim mạch vùng Đồng bằng sông Cửu Long"]
    paediatric, cardiac = rows
    assert paediatric["hubs"] == ["Bệnh viện Nhi Đồng 1"] and cardiac["hubs"][0] == "Bệnh viện Chợ Rẫy"
    crrt = {(m["facility"], m["status"]) for m in paediatric["members"] if m["technique"] == "Lọc máu liên tục ở trẻ em"}
    assert ("Bệnh viện Sản – Nhi Cà Mau", "offers") in crrt
    assert ("Bệnh viện Đa khoa tỉnh Sóc Trăng", "Phẫu thuật tim hở với tuần hoàn ngoài cơ thể", "offers") in {
        (m["facility"], m["technique"], m["status"]) for m in cardiac["members"]}
    warnings = [d for r in rows for d in r["duplications"]]
    assert len(warnings) == 1  # exactly one, as the demo promises
    assert {f["facility"] for f in warnings[0]["facilities"]} == {"Bệnh viện Đa khoa Cà Mau", "Bệnh viện Đa khoa tỉnh Bạc Liêu"}
    text = run("--lang", "en", "--db", str(demo_db), "list", "networks")
    assert text.out.count("Warning: ") == 1 and "Plans 2026" in text.out


def test_report_cases_on_the_demo(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "report", "cases", "--facility", "CM-SANNHI", "--json")
    assert result.code == 0, result.err
    [crrt] = json.loads(result.out)
    assert (crrt["technique_code"], crrt["transfer_start"], crrt["independence_month"]) == ("NHI-LOC-MAU-LIEN-TUC", "2024-04", "2024-12")
    # The demo's rows: 5+6+4+7+5+6 = 33 referred in the 6 months before April 2024, 20 in the 12 from it.
    assert crrt["referrals_before"] == {"months": 6, "total": 33, "per_month": 5.5}
    assert crrt["referrals_after"]["total"] == 20 and crrt["referrals_falling"] is True
    text = run("--lang", "en", "--db", str(demo_db), "report", "cases", "--facility", "ST-BVDK", "--technique", "TM-PCI")
    assert "Independence reached: 03/2024" in text.out
    assert "16.83 before the transfer start (08/2023), 4.83 since" in text.out
    missing = run("--lang", "en", "--db", str(demo_db), "report", "cases")
    assert missing.code == 1 and missing.err.strip() == "Error: Say which facility: --facility CODE."


def test_report_coverage_on_the_demo(run: Runner, demo_db: Path) -> None:  # noqa: F811
    result = run("--lang", "en", "--db", str(demo_db), "report", "coverage", "--technique", "NHI-LOC-MAU-LIEN-TUC", "--json")
    rows = json.loads(result.out)
    # CRRT is offered in Cà Mau and Cần Thơ: Long An, Tiền Giang, Bến Tre and Trà Vinh are too far.
    assert [r["code"] for r in rows if not r["access"]] == ["80", "82", "83", "84"]
