"""Regional specialty networks (level 2 of the 2023 plan): per specialty, the hub(s) at HCMC, the member
hospitals of the provinces and the techniques each offers or plans. The rules that read them
(duplication, coverage) are in network_rules.py."""
from __future__ import annotations

import uuid
from typing import Any

from hospitaldesk.db.connection import atomic
from hospitaldesk.db.models import Facility, Network, NetworkHub, NetworkMember, Province, Specialty, Technique
from hospitaldesk.db.rows import id_text, raw_rows
from hospitaldesk.errors import FieldError, ValidationError
from hospitaldesk.i18n import N_, _
from hospitaldesk.services import authority
from hospitaldesk.services.adjacency import ProvinceMap, province_map
from hospitaldesk.services.catalog import get_live, live_by_id, parse_id, tombstone
from hospitaldesk.services.forms import Choice, FieldSpec, code_choices, code_label, preferred_first, validate, with_choices
from hospitaldesk.services.network_rules import Duplication, MemberFact, ProvinceAccess, coverage, duplications
from hospitaldesk.services.specialties import specialty_choices
from hospitaldesk.services.techniques import technique_choices

MEMBER_STATUS = {"offers": N_("Offers"), "plans": N_("Plans")}
HCMC = "79"  # HCMC's code before the merger; province_map().today() gives today's
FIRST_YEAR, LAST_YEAR = 2000, 2100


def status_choices() -> list[Any]:
    return code_choices(MEMBER_STATUS)


def _check_year(value: str) -> str | None:
    return None if FIRST_YEAR <= int(value) <= LAST_YEAR else _("Write a year, e.g. 2026.")


NETWORK_FIELDS: list[FieldSpec] = [
    FieldSpec("specialty", N_("Specialty"), required=True),
    FieldSpec("name", N_("Name"), required=True, hint=N_("e.g. Mạng lưới Tim mạch vùng Đồng bằng sông Cửu Long.")),
    FieldSpec("notes", N_("Notes"), "multiline"),
]
MEMBER_FIELDS: list[FieldSpec] = [
    FieldSpec("facility", N_("Facility"), required=True),
    FieldSpec("technique", N_("Technique"), required=True),
    FieldSpec("status", N_("Status"), "choice", required=True, choices=status_choices),
    FieldSpec("planned_year", N_("Planned year"), "int", check=_check_year, hint=N_("When a planned technique should start.")),
]


def network_form_fields() -> list[FieldSpec]:
    """NETWORK_FIELDS as the window shows them: the specialty from a list."""
    return with_choices(NETWORK_FIELDS, {"specialty": specialty_choices})


def member_form_fields() -> list[FieldSpec]:
    """MEMBER_FIELDS as the window shows them: the hospital (outside HCMC) and the technique from lists."""
    return with_choices(MEMBER_FIELDS, {"facility": member_facility_choices, "technique": technique_choices})


def _at_hcmc(facility: Facility, provinces: ProvinceMap) -> bool:
    code = Province.get_by_id(facility.province_id).code
    return provinces.today(code) == provinces.today(HCMC)


def _live_or_error(model: type[Any], value: Any, field: str, label: str, row: int | None = None) -> Any:
    record = live_by_id(model, value)
    if record is None:
        raise ValidationError([FieldError(field, _(label), _("Choose one of the values in the list."), row)])
    return record


def get_network(network_id: str | uuid.UUID) -> Network:
    return get_live(Network, network_id)


def _facilities_by_place(at_hcmc: bool) -> list[Choice]:
    provinces = province_map()
    hcmc = provinces.today(HCMC)
    query = (Facility.select(Facility.id, Facility.name, Facility.kind, Province.code).join(Province, on=(Facility.province == Province.id))
             .where(Facility.deleted == False).order_by(Facility.search_key))  # noqa: E712
    return [Choice(str(f.id), f.name) for f in query
            if (provinces.today(f.province.code) == hcmc) == at_hcmc and f.kind != "health_department"]


def hub_choices() -> list[Choice]:
    """The hospitals a network's hubs are chosen from: those at HCMC (a Department of Health is no hub)."""
    return _facilities_by_place(at_hcmc=True)


def member_facility_choices() -> list[Choice]:
    """The hospitals a network's members are chosen from: every one outside HCMC."""
    return _facilities_by_place(at_hcmc=False)


def network_form(network_id: str | uuid.UUID) -> dict[str, Any]:
    """A network's values as its form shows them, with `hubs` the ids of its hub facilities."""
    authority.require("read")
    network = get_network(network_id)
    hubs = NetworkHub.live().where(NetworkHub.network == network.id)
    return {"specialty": str(network.specialty_id), "name": network.name, "notes": network.notes,
            "hubs": [str(hub.facility_id) for hub in hubs]}


def member_form(member_id: str | uuid.UUID) -> dict[str, Any]:
    """A member's values as its form shows them."""
    authority.require("read")
    member = get_member(member_id)
    return {"facility": str(member.facility_id), "technique": str(member.technique_id), "status": member.status,
            "planned_year": "" if member.planned_year is None else str(member.planned_year)}


def save_network(raw: dict[str, Any], network_id: str | uuid.UUID | None = None, hubs: list[str] | None = None) -> str:
    """Create or change a network; `hubs` (facility ids), when given, becomes its set of hubs."""
    authority.require("edit")
    values = validate(NETWORK_FIELDS, raw)
    specialty = _live_or_error(Specialty, values["specialty"], "specialty", N_("Specialty"))
    hub_facilities = _hub_facilities(hubs) if hubs is not None else None
    with atomic():
        record = Network() if network_id is None else get_network(network_id)
        same_name = Network.live().where(Network.name == values["name"], Network.id != record.id)
        if same_name.exists():
            raise ValidationError([FieldError("name", _("Name"), _("Another network has this name."))])
        record.specialty, record.name, record.notes, record.level = specialty.id, values["name"], values["notes"], 2
        record.save(force_insert=network_id is None)
        if hub_facilities is not None:
            _set_hubs(record, hub_facilities)
        return str(record.id)


def _hub_facilities(hubs: list[str]) -> list[Facility]:
    """Checked hubs: live facilities at HCMC, each once; every problem named by its row (from 1)."""
    provinces, found, errors = province_map(), [], []
    for row, facility_id in enumerate(hubs, start=1):
        facility = live_by_id(Facility, facility_id)
        if facility is None:
            errors.append(FieldError("hubs", _("Hubs"), _("Choose one of the values in the list."), row))
        elif not _at_hcmc(facility, provinces):
            errors.append(FieldError("hubs", _("Hubs"), _("{name} is not in Ho Chi Minh City: a hub is an HCMC end-line hospital.").format(
                name=facility.name), row))
        elif facility not in found:
            found.append(facility)
    if errors:
        raise ValidationError(errors)
    return found


def _set_hubs(network: Network, facilities: list[Facility]) -> None:
    wanted = {f.id for f in facilities}
    current = list(NetworkHub.live().where(NetworkHub.network == network.id))
    for hub in current:
        if hub.facility_id not in wanted:
            hub.deleted = True
            hub.save()
    have = {hub.facility_id for hub in current}
    for facility in facilities:
        if facility.id not in have:
            NetworkHub.create(network=network.id, facility=facility.id)


def delete_network(network_id: str | uuid.UUID) -> None:
    """The network, its hubs and its members, as tombstones (they travel to the other sites)."""
    authority.require("delete")
    with atomic():
        network = get_network(network_id)
        for model in (NetworkHub, NetworkMember):
            for row in model.live().where(model.network == network.id):
                row.deleted = True
                row.save()
        network.deleted = True
        network.save()


def save_member(network_id: str | uuid.UUID, raw: dict[str, Any], member_id: str | uuid.UUID | None = None) -> str:
    """Add a member hospital's technique to a network, or change one (`member_id`)."""
    authority.require("edit")
    values = validate(MEMBER_FIELDS, raw)
    facility = _live_or_error(Facility, values["facility"], "facility", N_("Facility"))
    technique = _live_or_error(Technique, values["technique"], "technique", N_("Technique"))
    if _at_hcmc(facility, province_map()):
        raise ValidationError([FieldError("facility", _("Facility"), _(
            "{name} is in Ho Chi Minh City: HCMC hospitals are a network's hubs, not its members.").format(name=facility.name))])
    if values["status"] != "plans" and values["planned_year"] is not None:
        raise ValidationError([FieldError("planned_year", _("Planned year"), _("Only a planned technique has a planned year."))])
    with atomic():
        network = get_network(network_id)
        record = NetworkMember() if member_id is None else get_member(member_id)
        twin = NetworkMember.live().where(NetworkMember.network == network.id, NetworkMember.facility == facility.id,
                                          NetworkMember.technique == technique.id, NetworkMember.id != record.id)
        if twin.exists():
            raise ValidationError([FieldError("technique", _("Technique"), _("{facility} already has {technique} in this network.").format(
                facility=facility.name, technique=technique.name))])
        record.network_id, record.facility_id, record.technique_id = network.id, facility.id, technique.id
        record.status, record.planned_year = values["status"], values["planned_year"]
        record.save(force_insert=member_id is None)
        return str(record.id)


def get_member(member_id: str | uuid.UUID) -> NetworkMember:
    return get_live(NetworkMember, member_id)


def delete_member(member_id: str | uuid.UUID) -> None:
    tombstone(NetworkMember, member_id)


# --- reading ------------------------------------------------------------------------------------


def member_facts() -> list[MemberFact]:
    """Every live member of a live network, as the rules read it. Raw rows of the columns the rules need: the
    overview reads these on every start, and a model per joined table cost 0.3 s for 1,000 members."""
    query = (NetworkMember.select(NetworkMember.id, NetworkMember.network, Network.name, Network.specialty, NetworkMember.facility,
                                  Facility.name, Province.code, NetworkMember.technique, Technique.name, NetworkMember.status,
                                  NetworkMember.planned_year)
             .join(Network, on=(NetworkMember.network == Network.id)).switch(NetworkMember)
             .join(Facility, on=(NetworkMember.facility == Facility.id))
             .join(Province, on=(Facility.province == Province.id)).switch(NetworkMember)
             .join(Technique, on=(NetworkMember.technique == Technique.id))
             .where(NetworkMember.deleted == False, Network.deleted == False))  # noqa: E712
    ids: dict[Any, str] = {}  # each distinct stored id formatted once

    def text(value: Any) -> str:
        return ids.get(value) or ids.setdefault(value, id_text(value))

    return [MemberFact(text(member), text(network), network_name, text(specialty), text(facility), facility_name, province, text(technique),
                       technique_name, status, planned_year)
            for (member, network, network_name, specialty, facility, facility_name, province, technique, technique_name, status,
                 planned_year) in raw_rows(query)]


def duplication_warnings() -> list[Duplication]:
    authority.require("read")
    return duplications(member_facts(), province_map())


def coverage_technique_choices() -> list[Choice]:
    """Every technique, those the networks' members offer or plan first (the ones a coverage map is asked for)."""
    return preferred_first(technique_choices(), {fact.technique_id for fact in member_facts()})


def technique_coverage(technique_id: str | uuid.UUID) -> list[ProvinceAccess]:
    authority.require("read")
    return coverage(str(parse_id(technique_id)), member_facts(), province_map())


def listing() -> list[dict[str, Any]]:
    """Every network with its hubs, members and the duplication warnings that concern it, by name."""
    authority.require("read")
    provinces, facts = province_map(), member_facts()
    warnings = duplications(facts, provinces)
    members: dict[str, list[dict[str, Any]]] = {}
    for member in facts:
        members.setdefault(member.network_id, []).append({
            "id": member.member_id, "facility_id": member.facility_id, "technique_id": member.technique_id,
            "facility": member.facility, "province": provinces.name_today(member.province),
            "technique": member.technique, "status": member.status, "status_label": code_label(MEMBER_STATUS, member.status),
            "planned_year": member.planned_year})
    out = []
    for network in Network.live().order_by(Network.name):
        hubs = (Facility.select(Facility.name).join(NetworkHub, on=(NetworkHub.facility == Facility.id))
                .where(NetworkHub.network == network.id, NetworkHub.deleted == False).order_by(Facility.search_key))  # noqa: E712
        mine = sorted(members.get(str(network.id), []), key=lambda m: (m["facility"], m["technique"]))
        out.append({"id": str(network.id), "name": network.name, "specialty": Specialty.get_by_id(network.specialty_id).name,
                    "level": network.level, "notes": network.notes, "hubs": [h.name for h in hubs], "members": mine,
                    "duplications": [w.as_dict() for w in warnings if str(network.id) in (w.first.network_id, w.second.network_id)]})
    return out
