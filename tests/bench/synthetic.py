"""A big, realistic, deterministic database for benchmarks.

    python -m tests.bench.synthetic OUT.sqlite3 [--facilities N] [--techniques N] [--seed N]

`generate()` opens the store through the app's own `open_store`, names the site with
`init_site` (which loads the shipped reference data), then adds synthetic rows step by
step. Rows are built from Vietnamese name parts, spread over the shipped provinces and
specialties, and carry the same `search_key` the catalogue services would compute.

Extending it (a later capability adds agreements, trainees...): write a step
`def _agreements(ctx: Context, count: int) -> int`, add it to STEPS, and pass its count
through `generate(..., extra={"agreements": 500})`. Each step draws from its own random
stream (seeded by seed + step name), so adding a step never changes the rows of the
steps before it; earlier steps' ids are in `ctx.ids[name]` for foreign keys.

Determinism: the same seed and counts give the same rows (ids, names, timestamps,
change numbers). Only the site's own id differs between runs, because `init_site`
draws it with uuid4; synthetic rows name that site in `last_site`, as rows created
on this installation would.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hospitaldesk import text  # noqa: E402
from hospitaldesk.db import connection, stamping  # noqa: E402
from hospitaldesk.db.models import Facility, Province, Record, Specialty, Technique  # noqa: E402
from hospitaldesk.db.store import close_store, open_store  # noqa: E402
from hospitaldesk.errors import StoreError  # noqa: E402

SITE_NAME = "Bệnh viện Đa khoa tỉnh Sóc Trăng"
BATCH = 500
# Synthetic timestamps fall in this window (UTC), so they do not depend on today's date.
EPOCH = dt.datetime(2024, 1, 1, 7, 0, 0)
SPAN_SECONDS = 600 * 24 * 3600

# --- name parts ------------------------------------------------------------------------

PLACES = [
    "Mỹ Xuyên", "Ngã Năm", "Năm Căn", "Long Phú", "Kế Sách", "Châu Thành", "Trần Đề", "Vĩnh Châu",
    "Thạnh Trị", "Cù Lao Dung", "Mỹ Tú", "Cái Nước", "Đầm Dơi", "Ngọc Hiển", "Trần Văn Thời", "U Minh",
    "Thới Bình", "Phú Tân", "Giá Rai", "Hồng Dân", "Phước Long", "Vĩnh Lợi", "Đông Hải", "Hòa Bình",
    "Phụng Hiệp", "Long Mỹ", "Vị Thủy", "Châu Thành A", "Ngã Bảy", "Cái Răng", "Ô Môn", "Thốt Nốt",
    "Cờ Đỏ", "Phong Điền", "Vĩnh Thạnh", "Thới Lai", "Bình Thủy", "Ninh Kiều", "Tân Châu", "Châu Đốc",
    "Long Xuyên", "An Phú", "Tịnh Biên", "Tri Tôn", "Chợ Mới", "Thoại Sơn", "Rạch Giá", "Hà Tiên",
    "Phú Quốc", "Kiên Lương", "Hòn Đất", "Tân Hiệp", "Giồng Riềng", "Gò Quao", "An Biên", "Cao Lãnh",
    "Sa Đéc", "Hồng Ngự", "Tam Nông", "Tháp Mười", "Lấp Vò", "Lai Vung", "Mỹ Tho", "Cai Lậy", "Cái Bè",
    "Gò Công", "Chợ Gạo", "Ba Tri", "Bình Đại", "Mỏ Cày", "Giồng Trôm", "Thạnh Phú", "Cầu Kè",
    "Tiểu Cần", "Cầu Ngang", "Duyên Hải", "Trà Cú", "Bình Minh", "Tam Bình", "Trà Ôn", "Vũng Liêm",
    "Long Hồ", "Mang Thít", "Tân An", "Đức Hòa", "Bến Lức", "Cần Giuộc", "Cần Đước", "Mộc Hóa",
    "Thủ Thừa", "Đức Huệ", "Củ Chi", "Hóc Môn", "Bình Chánh", "Nhà Bè", "Cần Giờ", "Thủ Đức",
    "Dĩ An", "Thuận An", "Bến Cát", "Tân Uyên", "Biên Hòa", "Long Thành", "Nhơn Trạch", "Bà Rịa",
    "Long Điền", "Đất Đỏ", "Xuyên Mộc", "Tây Ninh", "Trảng Bàng", "Gò Dầu", "Đồng Xoài", "Bình Long",
    "Phan Thiết", "La Gi", "Đà Lạt", "Bảo Lộc", "Buôn Ma Thuột", "Pleiku", "Kon Tum", "Quy Nhơn",
    "Tuy Hòa", "Nha Trang", "Cam Ranh", "Phan Rang", "Quảng Ngãi", "Tam Kỳ", "Hội An", "Huế",
    "Đông Hà", "Đồng Hới", "Hà Tĩnh", "Vinh", "Thanh Hóa", "Ninh Bình", "Nam Định", "Thái Bình",
    "Hải Dương", "Hưng Yên", "Bắc Ninh", "Phủ Lý", "Sơn Tây", "Việt Trì", "Thái Nguyên", "Lạng Sơn",
]
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Hùng Vương", "Lý Thường Kiệt", "30 Tháng 4",
    "Nguyễn Trãi", "Phan Đình Phùng", "Mậu Thân", "Trần Phú", "Điện Biên Phủ", "Nguyễn Văn Cừ", "Quang Trung",
    "Lê Duẩn", "Võ Văn Kiệt", "Tôn Đức Thắng", "Nguyễn Thị Minh Khai", "Lê Hồng Phong", "Phạm Ngũ Lão",
]
HOSPITAL_SPECIALTIES = [
    "Sản - Nhi", "Nhi", "Mắt", "Lao và Bệnh phổi", "Tâm thần", "Y học cổ truyền", "Phục hồi chức năng",
    "Da liễu", "Ung bướu", "Tim mạch", "Răng Hàm Mặt", "Tai Mũi Họng", "Chấn thương Chỉnh hình",
    "Nội tiết", "Truyền máu Huyết học", "Phổi", "Quân Dân y",
]
BRANDS = [
    "Phước Thiện", "Tâm Đức", "An Phước", "Hoàn Mỹ", "Thiện Tâm", "Minh Đức", "Hòa Hảo", "Phương Nam",
    "Mê Kông", "Sài Gòn", "Cửu Long", "Hồng Đức", "Thái Bình Dương", "Vạn Phúc", "Bình An", "Nhân Ái",
    "Gia An", "Trường Thọ", "Phúc Khang", "Đại Phước", "Quốc Tế", "Tân Hưng", "Ánh Dương", "Hạnh Phúc",
]
AREA_CODES = ["299", "292", "290", "291", "293", "294", "270", "271", "272", "273", "275", "276", "277", "28", "24"]

# (Vietnamese, English) parts of technique names: "{procedure} {organ} {method} {qualifier}".
PROCEDURES = [
    ("Phẫu thuật cắt", "resection of"), ("Phẫu thuật cắt một phần", "partial resection of"),
    ("Phẫu thuật cắt toàn bộ", "total resection of"), ("Phẫu thuật tạo hình", "reconstruction of"),
    ("Phẫu thuật khâu phục hồi", "repair of"), ("Phẫu thuật dẫn lưu", "surgical drainage of"),
    ("Phẫu thuật ghép", "transplantation of"), ("Phẫu thuật lấy sỏi", "stone removal from"),
    ("Phẫu thuật bóc u", "tumour enucleation of"), ("Vi phẫu", "microsurgery of"),
    ("Sinh thiết", "biopsy of"), ("Chọc hút", "aspiration of"), ("Nong", "dilatation of"),
    ("Đặt stent", "stenting of"), ("Nút mạch", "embolisation of"), ("Dẫn lưu", "drainage of"),
    ("Đốt sóng cao tần", "radiofrequency ablation of"), ("Cắt đốt", "ablation of"),
    ("Nội soi chẩn đoán", "diagnostic endoscopy of"), ("Nội soi can thiệp", "interventional endoscopy of"),
    ("Siêu âm", "ultrasound of"), ("Chụp cắt lớp vi tính", "CT of"), ("Chụp cộng hưởng từ", "MRI of"),
    ("Chụp mạch", "angiography of"), ("Xạ trị", "radiotherapy of"), ("Thay", "replacement of"),
    ("Cố định", "fixation of"), ("Tái tạo", "rebuilding of"), ("Cầm máu", "haemostasis of"),
    ("Bơm rửa", "irrigation of"), ("Lấy dị vật", "foreign body removal from"), ("Đo áp lực", "pressure study of"),
    ("Tiêm", "injection into"), ("Mở thông", "ostomy of"), ("Nối", "anastomosis of"),
    ("Phục hồi chức năng", "rehabilitation of"), ("Thăm dò điện sinh lý", "electrophysiology study of"),
    ("Điều trị", "treatment of"), ("Tầm soát", "screening of"), ("Ghép", "graft of"),
    ("Cắt bán phần", "subtotal resection of"), ("Khâu", "suture of"), ("Nạo vét", "clearance of"),
    ("Theo dõi", "monitoring of"), ("Giải áp", "decompression of"),
]
ORGANS = [
    ("gan", "the liver"), ("túi mật", "the gallbladder"), ("tụy", "the pancreas"), ("lách", "the spleen"),
    ("dạ dày", "the stomach"), ("tá tràng", "the duodenum"), ("ruột non", "the small bowel"),
    ("đại tràng", "the colon"), ("trực tràng", "the rectum"), ("thực quản", "the oesophagus"),
    ("thận", "the kidney"), ("niệu quản", "the ureter"), ("bàng quang", "the bladder"),
    ("tuyến tiền liệt", "the prostate"), ("tử cung", "the uterus"), ("buồng trứng", "the ovary"),
    ("vòi tử cung", "the fallopian tube"), ("tuyến giáp", "the thyroid"), ("tuyến cận giáp", "the parathyroid"),
    ("tuyến thượng thận", "the adrenal gland"), ("phổi", "the lung"), ("phế quản", "the bronchus"),
    ("màng phổi", "the pleura"), ("tim", "the heart"), ("van hai lá", "the mitral valve"),
    ("van động mạch chủ", "the aortic valve"), ("động mạch vành", "the coronary artery"),
    ("động mạch cảnh", "the carotid artery"), ("động mạch chủ bụng", "the abdominal aorta"),
    ("tĩnh mạch chi dưới", "the leg veins"), ("não", "the brain"), ("tuyến yên", "the pituitary"),
    ("tủy sống", "the spinal cord"), ("cột sống thắt lưng", "the lumbar spine"), ("cột sống cổ", "the cervical spine"),
    ("khớp gối", "the knee"), ("khớp háng", "the hip"), ("khớp vai", "the shoulder"),
    ("dây chằng chéo trước", "the anterior cruciate ligament"), ("xương đùi", "the femur"),
    ("xương chày", "the tibia"), ("mắt", "the eye"), ("giác mạc", "the cornea"), ("thủy tinh thể", "the lens"),
    ("võng mạc", "the retina"), ("tai giữa", "the middle ear"), ("xoang", "the sinuses"),
    ("thanh quản", "the larynx"), ("amidan", "the tonsils"), ("vú", "the breast"), ("da", "the skin"),
    ("hạch bạch huyết", "the lymph nodes"), ("ống mật chủ", "the common bile duct"),
    ("ruột thừa", "the appendix"), ("thoát vị bẹn", "an inguinal hernia"), ("răng", "the teeth"),
    ("hàm mặt", "the jaw and face"),
]
METHODS = [
    ("nội soi", "endoscopic"), ("qua da", "percutaneous"), ("dưới hướng dẫn siêu âm", "ultrasound-guided"),
    ("dưới hướng dẫn CT", "CT-guided"), ("dưới màn tăng sáng", "under fluoroscopy"), ("bằng robot", "robotic"),
    ("vi phẫu", "microsurgical"), ("mổ mở", "open"), ("bằng laser", "laser"), ("bằng sóng cao tần", "radiofrequency"),
    ("bằng vi sóng", "microwave"), ("qua đường tĩnh mạch", "transvenous"),
    ("qua đường động mạch đùi", "transfemoral"), ("qua đường động mạch quay", "transradial"),
    ("một lỗ", "single-port"), ("ít xâm lấn", "minimally invasive"), ("có định vị 3D", "3D-navigated"),
    ("dưới kính hiển vi", "under the microscope"), ("bằng dao gamma", "gamma knife"),
    ("có gây mê", "under general anaesthesia"), ("có gây tê tủy sống", "under spinal anaesthesia"),
    ("cấp cứu", "emergency"), ("theo chương trình", "elective"), ("ngoài cơ thể", "extracorporeal"),
    ("có hỗ trợ ECMO", "ECMO-assisted"),
]
QUALIFIERS = [
    ("", ""), ("ở trẻ em", "in children"), ("ở trẻ sơ sinh", "in newborns"),
    ("ở người cao tuổi", "in the elderly"), ("lần hai", "redo"),
]

# kind -> weight among synthetic facilities
FACILITY_KIND_WEIGHTS = {
    "district": 34, "other": 28, "specialty": 16, "regional": 10, "end_line": 5,
    "provincial_general": 4, "health_department": 3,
}


# --- the context steps share -----------------------------------------------------------


@dataclass
class Context:
    seed: int
    site_id: uuid.UUID
    provinces: list[dict[str, Any]]  # id, code, name, kind, now_name (its current successor, if merged)
    specialties: list[dict[str, Any]]  # id, code, name
    ids: dict[str, list[uuid.UUID]] = field(default_factory=dict)  # per step, for later steps' foreign keys

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step (str seeds hash with SHA-512: stable across runs)."""
        return random.Random(f"{self.seed}:{step}")

    @staticmethod
    def new_id(rng: random.Random) -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def bookkeeping(self, rng: random.Random, change_seq: int) -> dict[str, Any]:
        created = EPOCH + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        updated = created + dt.timedelta(seconds=rng.randrange(90 * 24 * 3600)) if rng.random() < 0.3 else created
        return {
            "id": self.new_id(rng),
            "created_at": created,
            "updated_at": updated,
            "last_site": self.site_id,
            "change_seq": change_seq,
            "deleted": False,
        }

    def insert(self, model: type[Record], rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), BATCH):
            model.insert_many(rows[start : start + BATCH]).execute()


Step = Callable[[Context, int], int]


# --- steps -----------------------------------------------------------------------------


def _province_phrase(province: dict[str, Any]) -> str:
    return ("thành phố " if province["kind"] == "city" else "tỉnh ") + province["name"]


def _facility_name(rng: random.Random, kind: str, province: dict[str, Any]) -> tuple[str, str, str]:
    """(name, short name, ownership)."""
    place = rng.choice(PLACES)
    if kind == "district":
        unit = rng.choices(["huyện", "thị xã", "thành phố", "khu vực"], weights=[6, 2, 1, 1])[0]
        return f"Trung tâm Y tế {unit} {place}", f"TTYT {place}", "public"
    if kind == "regional":
        return f"Bệnh viện Đa khoa khu vực {place}", f"BVĐKKV {place}", "public"
    if kind == "specialty":
        spec = rng.choice(HOSPITAL_SPECIALTIES)
        return f"Bệnh viện {spec} {_province_phrase(province)}", f"BV {spec} {province['name']}", "public"
    if kind == "provincial_general":
        return f"Bệnh viện Đa khoa {_province_phrase(province)}", f"BVĐK {province['name']}", "public"
    if kind == "health_department":
        return f"Sở Y tế {_province_phrase(province)}", f"SYT {province['name']}", "public"
    if kind == "end_line":
        spec = rng.choice(HOSPITAL_SPECIALTIES)
        return f"Bệnh viện {spec} Trung ương {place}", f"BV {spec} TƯ", "public"
    brand = rng.choice(BRANDS)
    template = rng.choice(["Phòng khám Đa khoa {b} {p}", "Bệnh viện Đa khoa tư nhân {b} {p}", "Phòng khám Chuyên khoa {s} {b}"])
    name = template.format(b=brand, p=place, s=rng.choice(HOSPITAL_SPECIALTIES))
    return name, f"PK {brand}", "private"


def _facilities(ctx: Context, count: int) -> int:
    rng = ctx.rng("facilities")
    kinds = list(FACILITY_KIND_WEIGHTS)
    weights = list(FACILITY_KIND_WEIGHTS.values())
    taken: set[tuple[str, Any]] = {(text.fold(f.name), f.province_id) for f in Facility.select(Facility.name, Facility.province)}
    first_seq = stamping.next_change_seq(count) if count else 0
    rows: list[dict[str, Any]] = []
    for i in range(count):
        province = rng.choice(ctx.provinces)
        kind = rng.choices(kinds, weights)[0]
        name, short_name, ownership = _facility_name(rng, kind, province)
        branch = 1
        base = name
        while (text.fold(name), province["id"]) in taken:  # the catalogue refuses same name + province
            branch += 1
            name = f"{base} cơ sở {branch}"
        taken.add((text.fold(name), province["id"]))
        code = f"SYN-F{i + 1:05d}"
        address = f"{rng.randint(1, 450)} đường {rng.choice(STREETS)}, {rng.choice(['phường', 'xã'])} {rng.choice(PLACES)}"
        area = rng.choice(AREA_CODES)
        phone = f"0{area} {rng.randint(100, 999)} {rng.randint(1000, 9999)}" if rng.random() < 0.8 else ""
        rows.append({
            **ctx.bookkeeping(rng, first_seq + i),
            "code": code, "name": name, "short_name": short_name, "kind": kind, "ownership": ownership,
            "province": province["id"], "address": address, "phone": phone, "notes": "",
            # = Facility.search_parts() (checked by check_search_keys)
            "search_key": text.search_key(name, short_name, code, province["name"], province["now_name"], address),
        })
    ctx.insert(Facility, rows)
    ctx.ids["facilities"] = [r["id"] for r in rows]
    return len(rows)


def technique_name(index: int) -> tuple[str, str]:
    """(Vietnamese, English) name number `index` of the combinations of parts (all distinct)."""
    rest, q = divmod(index, len(QUALIFIERS))
    rest, m = divmod(rest, len(METHODS))
    rest, o = divmod(rest, len(ORGANS))
    variant, p = divmod(rest, len(PROCEDURES))
    (p_vi, p_en), (o_vi, o_en), (m_vi, m_en), (q_vi, q_en) = PROCEDURES[p], ORGANS[o], METHODS[m], QUALIFIERS[q]
    vi = " ".join(x for x in (p_vi, o_vi, m_vi, q_vi) if x)
    en = " ".join(x for x in (m_en.capitalize(), p_en, o_en, q_en) if x)
    if variant:
        vi, en = f"{vi} (kỹ thuật {variant + 1})", f"{en} (variant {variant + 1})"
    return vi, en


TECHNIQUE_COMBINATIONS = len(PROCEDURES) * len(ORGANS) * len(METHODS) * len(QUALIFIERS)


def _techniques(ctx: Context, count: int) -> int:
    rng = ctx.rng("techniques")
    space = max(count, TECHNIQUE_COMBINATIONS)
    picks = rng.sample(range(space), count)
    first_seq = stamping.next_change_seq(count) if count else 0
    per_specialty: dict[Any, int] = {}
    rows: list[dict[str, Any]] = []
    for i, pick in enumerate(picks):
        name, name_en = technique_name(pick)
        specialty = rng.choice(ctx.specialties)
        code = f"SYN-KT{i + 1:06d}"
        n = per_specialty[specialty["id"]] = per_specialty.get(specialty["id"], 0) + 1
        moh_code = f"{ctx.specialties.index(specialty) + 1:02d}.{n:05d}" if rng.random() < 0.6 else ""
        rows.append({
            **ctx.bookkeeping(rng, first_seq + i),
            "code": code, "name": name, "name_en": name_en, "specialty": specialty["id"], "moh_code": moh_code,
            "needs_moh_approval": rng.random() < 0.2,
            "description": "" if rng.random() < 0.7 else f"Quy trình {name.lower()} theo hướng dẫn của Bộ Y tế.",
            # = Technique.search_parts() (checked by check_search_keys)
            "search_key": text.search_key(name, name_en, code, moh_code, specialty["name"]),
        })
    ctx.insert(Technique, rows)
    ctx.ids["techniques"] = [r["id"] for r in rows]
    return len(rows)


# Run in this order; later capabilities append theirs (their counts come through `extra`).
STEPS: dict[str, Step] = {"facilities": _facilities, "techniques": _techniques}


# --- entry points ----------------------------------------------------------------------


@dataclass
class GenerationReport:
    path: Path
    counts: dict[str, int]
    seconds: float
    site_id: uuid.UUID


def wait_for_reference(timeout: float, log: Callable[[str], None]) -> None:
    """The shipped reference files may still be being written: wait until all of them parse."""
    from hospitaldesk.db.reference import FILES, read_reference

    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            for name in FILES:
                if not read_reference(name):
                    raise StoreError(f"{name}.json has no rows yet")
            return
        except StoreError as exc:
            if time.monotonic() >= deadline:
                raise StoreError(f"Reference data still missing after {timeout:.0f} s: {exc}") from exc
            if not announced:
                log(f"waiting for the shipped reference data (assets/reference/*.json): {exc}")
                announced = True
            time.sleep(5)


def _load_context(seed: int, site_id: uuid.UUID) -> Context:
    provinces = list(Province.live().order_by(Province.code))
    by_id = {p.id: p for p in provinces}

    def now_name(p: Province) -> str:
        # provinces.current_successor, without a query per row
        seen, current = {p.id}, p
        while current.successor_id is not None and current.successor_id in by_id and current.successor_id not in seen:
            current = by_id[current.successor_id]
            seen.add(current.id)
        return current.name if current.id != p.id else ""

    return Context(
        seed=seed,
        site_id=site_id,
        provinces=[{"id": p.id, "code": p.code, "name": p.name, "kind": p.kind, "now_name": now_name(p)} for p in provinces],
        specialties=[{"id": s.id, "code": s.code, "name": s.name} for s in Specialty.live().order_by(Specialty.code)],
    )


def app_search_parts(name: str, record: Any) -> list[Any]:
    """The parts the app itself indexes for `record` (the model's search_parts(), or the catalogue's)."""
    if hasattr(record, "search_parts"):
        return list(record.search_parts())
    from hospitaldesk.services.catalogs import catalog

    return list(catalog(name).search_parts(record))  # type: ignore[attr-defined]


def check_search_keys(sample: int = 25) -> None:
    """Recompute a few rows' keys the app's way: they must agree with the generator's."""
    for name, model in (("facilities", Facility), ("techniques", Technique)):
        rows = model.select().where(model.code.startswith("SYN-")).order_by(model.code).limit(sample)
        for record in rows:
            expected = text.search_key(*app_search_parts(name, record))
            if record.search_key != expected:
                raise AssertionError(
                    f"{name} {record.code}: the synthetic search_key differs from the app's search_parts;"
                    f" update tests/bench/synthetic.py.\n  generator: {record.search_key}\n  app:       {expected}"
                )


def generate(
    db_path: Path | str,
    facilities: int = 2000,
    techniques: int = 100_000,
    seed: int = 1,
    *,
    extra: Mapping[str, int] | None = None,
    reference_timeout: float = 600.0,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> GenerationReport:
    """Create the database at `db_path` (which must not exist yet) and fill it; the store is closed after."""
    from hospitaldesk.services.site import init_site

    path = Path(db_path)
    if path.exists() and path.stat().st_size > 0:
        raise FileExistsError(f"{path} already exists; delete it or choose another file")
    counts = {"facilities": facilities, "techniques": techniques, **(extra or {})}
    unknown = set(counts) - set(STEPS)
    if unknown:
        raise ValueError(f"no generator step for {sorted(unknown)}; known: {sorted(STEPS)}")
    wait_for_reference(reference_timeout, log)
    started = time.perf_counter()
    open_store(path)
    try:
        site_id = init_site(SITE_NAME)
        ctx = _load_context(seed, site_id)
        if not ctx.provinces or not ctx.specialties:
            raise StoreError("the shipped reference data has no provinces or no specialties")
        added: dict[str, int] = {}
        with connection.atomic():
            for name, step in STEPS.items():
                t = time.perf_counter()
                added[name] = step(ctx, counts.get(name, 0))
                log(f"  {name}: {added[name]:,} rows in {time.perf_counter() - t:.1f} s")
        # No ANALYZE here: the app never runs it, and query plans differ a lot with and without
        # sqlite_stat1, so the benchmark database must not be better maintained than a real one.
        check_search_keys()
    finally:
        close_store()
    return GenerationReport(path=path, counts=added, seconds=time.perf_counter() - started, site_id=site_id)


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.synthetic", description="Write a big synthetic HospitalDesk database.")
    parser.add_argument("out", type=Path, metavar="OUT.sqlite3")
    parser.add_argument("--facilities", type=_positive, default=2000)
    parser.add_argument("--techniques", type=_positive, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--wait", type=float, default=600.0, metavar="SECONDS", help="how long to wait for the reference data")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.force:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.out) + suffix).unlink(missing_ok=True)
    try:
        report = generate(args.out, args.facilities, args.techniques, args.seed, reference_timeout=args.wait)
    except (FileExistsError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
    print(f"{report.path}: {summary} in {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
