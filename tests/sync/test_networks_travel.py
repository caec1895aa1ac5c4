"""A network (with its hub and a member) and a case log made at one site travel to another, and so
does a change to the case log."""
from __future__ import annotations

from hospitaldesk.db.models import CaseLog, Specialty, Technique
from hospitaldesk.services import case_logs, networks
from tests.sync.conftest import Sites, facility_id


def test_a_network_and_a_case_log_travel_between_sites(sites: Sites) -> None:
    with sites.at("A"):
        specialty = str(Specialty.get(Specialty.code == "HSTC-NHI").id)
        crrt = str(Technique.get(Technique.code == "NHI-LOC-MAU-LIEN-TUC").id)
        network = networks.save_network({"specialty": specialty, "name": "Mạng lưới Hồi sức tích cực Nhi", "notes": ""},
                                         hubs=[facility_id("HCM-NHIDONG1")])
        networks.save_member(network, {"facility": facility_id("CM-SANNHI"), "technique": crrt, "status": "offers"})
        logged = case_logs.save({"facility": facility_id("CM-SANNHI"), "technique": crrt, "month": "05/2024",
                                 "cases_with_support": "3", "cases_independent": "0", "referred_to_hcmc": "3"})
    result = sites.send("A", "B")
    assert {t: result.tables[t].new for t in ("network", "network_hub", "network_member", "case_log")} == {
        "network": 1, "network_hub": 1, "network_member": 1, "case_log": 1}
    with sites.at("B"):
        [listed] = networks.listing()
        assert listed["hubs"] == ["Bệnh viện Nhi Đồng 1"]
        assert [(m["facility"], m["status"]) for m in listed["members"]] == [("Bệnh viện Sản – Nhi Cà Mau", "offers")]
        case_logs.save({"facility": facility_id("CM-SANNHI"), "technique": crrt, "month": "05/2024", "cases_with_support": "3",
                        "cases_independent": "1", "referred_to_hcmc": "2"}, logged)
    back = sites.send("B", "A")
    assert back.tables["case_log"].updated == 1
    with sites.at("A"):
        assert (CaseLog.get_by_id(logged).cases_independent, CaseLog.get_by_id(logged).referred_to_hcmc) == (1, 2)
    for table in ("network", "network_hub", "network_member", "case_log"):
        assert sites.dump("A")[table] == sites.dump("B")[table]
