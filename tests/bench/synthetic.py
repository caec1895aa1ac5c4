"""A big, realistic, deterministic database for benchmarks.

    python -m tests.bench.synthetic OUT.sqlite3 [--facilities N] [--techniques N] [--agreements N]
                                                [--assessments N] [--seed N] [--as-of YYYY-MM-DD]

`generate()` opens the store through the app's own `open_store`, names the site with
`init_site` (which loads the shipped reference data), then adds synthetic rows step by
step. Rows are built from Vietnamese name parts, spread over the shipped provinces and
specialties, and carry the same `search_key` the catalogue services would compute.

Extending it (a later capability adds trainees...): write a step
`def _trainees(ctx: Context, count: int) -> int`, add it to STEPS, and pass its count
through `generate(..., extra={"trainees": 500})`, as `_agreements` does. Each step draws
from its own random stream (seeded by seed + step name), so adding a step never changes
the rows of the steps before it; earlier steps' ids are in `ctx.ids[name]` for foreign keys.

Agreements are dated relative to `as_of` (default: today): they are drawn up, signed,
reviewed every 6 months and closed before that day, and a fixed share of the running
ones has missed a review, so "overdue" means the same share whenever the benchmark runs.

Readiness (`extra={"assessments": N}`): a 60-item checklist for each technique assessed,
N assessments of the agreements' receiving facilities for the techniques they are taught
(some re-assessed later), each with its 60 answers scored by the app's own
`readiness_score.score`, and a gap action for every item a finalised one found missing.
Its million rows go in through `Context.insert_rows` (one executemany per batch): Peewee's
insert_many renders SQL value by value, minutes for that many.

Determinism: the same seed, counts and as-of date give the same rows (ids, names,
timestamps, change numbers). Only the site's own id differs between runs, because
`init_site` draws it with uuid4; synthetic rows name that site in `last_site` (and
agreements in `origin_site`), as rows created on this installation would.
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
from types import SimpleNamespace
from typing import Any, cast

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hospitaldesk import text  # noqa: E402
from hospitaldesk.db import connection, stamping  # noqa: E402
from hospitaldesk.db.models import (  # noqa: E402
    Agreement,
    AgreementEvent,
    AgreementTechnique,
    Assessment,
    AssessmentAnswer,
    CaseLog,
    ChecklistTemplate,
    Enrollment,
    Facility,
    GapAction,
    Network,
    NetworkHub,
    NetworkMember,
    Province,
    Record,
    Specialty,
    Staff,
    StaffDeparture,
    TemplateItem,
    Technique,
)
from hospitaldesk.db import audit  # noqa: E402
from hospitaldesk.months import month_after  # noqa: E402
from hospitaldesk.db.rows import date_value, raw_rows  # noqa: E402
from hospitaldesk.db.store import close_store, current_database, open_store  # noqa: E402
from hospitaldesk.errors import StoreError  # noqa: E402
from hospitaldesk.services import authority  # noqa: E402

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
    as_of: dt.date = dt.date(2025, 9, 1)  # the day the agreements' story stops (generate() passes today)

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
            "vector": "{}",  # NOT NULL since migration 11 (sync); insert_rows writes every key it is given
        }

    def insert(self, model: type[Record], rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), BATCH):
            model.insert_many(rows[start : start + BATCH]).execute()

    def insert_rows(self, model: type[Record], rows: list[dict[str, Any]]) -> None:
        """The same rows as `insert`, for the readiness step's million: one prepared INSERT run with
        executemany, each value converted by its field's own db_value (as insert_many converts it).
        Peewee's insert_many renders its SQL value by value (~15 µs each): minutes for a million rows."""
        if not rows:
            return
        fields = [model._meta.fields[name] for name in rows[0]]
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(fields))})'
        converters = [(name, f.db_value) for name, f in zip(rows[0], fields)]
        cursor = connection.database.cursor()
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, [[convert(row[name]) for name, convert in converters] for row in rows[start : start + BATCH]])


Step = Callable[[Context, int], int]
BENCH_PASSWORD = "mat-khau-thu-nghiem"  # the synthetic administrator's; nothing secret lives here


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


# --- agreements ----------------------------------------------------------------------------

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Thạch", "Lâm", "Châu", "Trương", "Danh", "Kim"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Hữu", "Ngọc", "Hoàng", "Thành", "Kim", "Đức", "Anh", "Thu", "Bảo"]
GIVEN_NAMES = ["An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Hùng", "Khoa", "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn",
               "Tâm", "Thảo", "Trung", "Tuấn", "Uyên", "Vinh", "Yến", "Khánh", "Lộc", "Nhân", "Phương", "Hiếu"]
POSITIONS = ["Giám đốc", "Giám đốc", "Giám đốc", "Phó Giám đốc", "Quyền Giám đốc"]
BANKS = ["Kho bạc Nhà nước", "Ngân hàng TMCP Công Thương Việt Nam, chi nhánh", "Ngân hàng Nông nghiệp và Phát triển Nông thôn, chi nhánh",
         "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam, chi nhánh"]
# Titles people give agreements of a specialty (codes of the shipped specialties); others get the generic ones.
SPECIALTY_TITLES = {
    "TM-CAN-THIEP": ["Phát triển Trung tâm Tim mạch: can thiệp tim mạch và điện sinh lý tim", "Can thiệp động mạch vành qua da",
                     "Tim mạch can thiệp cho bệnh viện tuyến tỉnh"],
    "PT-TIM": ["Phẫu thuật tim hở với tuần hoàn ngoài cơ thể", "Phát triển Trung tâm Tim mạch: phẫu thuật tim hở và bắc cầu động mạch vành"],
    "HSTC-NHI": ["Lọc máu liên tục và hồi sức tích cực nhi khoa", "Hồi sức tích cực nhi: thở máy rung tần số cao và ECMO"],
    "HSTC-CD": ["Hồi sức tích cực: lọc máu liên tục và ECMO ở người lớn", "Hồi sức tích cực – chống độc"],
    "THAN-LOC-MAU": ["Lọc máu và chạy thận nhân tạo chu kỳ", "Phát triển đơn nguyên thận nhân tạo"],
    "TK-DOT-QUY": ["Điều trị đột quỵ não cấp: tiêu sợi huyết và lấy huyết khối cơ học", "Xây dựng đơn vị điều trị đột quỵ"],
    "SAN": ["Xử trí băng huyết sau sinh trong mạng lưới sản khoa", "Phẫu thuật sản khoa nguy cơ cao"],
    "SO-SINH": ["Chăm sóc sơ sinh non tháng: thở CPAP và bơm surfactant", "Hồi sức sơ sinh"],
    "HTSS": ["Hỗ trợ sinh sản: bơm tinh trùng vào buồng tử cung và thụ tinh trong ống nghiệm"],
    "TIEU-HOA": ["Nội soi mật tụy ngược dòng can thiệp", "Nội soi tiêu hóa can thiệp: cắt tách dưới niêm mạc"],
    "XA-TRI": ["Xạ trị ngoài bằng máy gia tốc tuyến tính"],
    "UNG-THU": ["Phát triển Trung tâm Ung bướu: hóa trị và chăm sóc giảm nhẹ"],
    "CDHA": ["Chẩn đoán hình ảnh: cắt lớp vi tính, cộng hưởng từ và can thiệp", "Nút mạch hóa chất điều trị ung thư gan"],
    "NGOAI-NIEU": ["Tán sỏi tiết niệu nội soi bằng laser", "Phẫu thuật nội soi tiết niệu"],
    "NGOAI-TK-CTCH": ["Thay khớp háng, khớp gối và phẫu thuật cột sống", "Vi phẫu thuật thần kinh"],
    "NGOAI-TQ": ["Phẫu thuật nội soi tiêu hóa", "Phẫu thuật nội soi đại trực tràng"],
    "GHEP-TANG": ["Ghép thận từ người hiến sống"],
}
GENERIC_TITLES = {
    "responsibility": ["Chuyển giao kỹ thuật chuyên khoa {spec}", "Phát triển chuyên khoa {spec} tại {b}", "Gói kỹ thuật {spec} năm {year}"],
    "rotation_1816": ["Luân phiên cán bộ chuyên khoa {spec} theo Đề án 1816"],
    "satellite": ["Bệnh viện vệ tinh chuyên khoa {spec}"],
    "line_direction": ["Chỉ đạo tuyến chuyên khoa {spec} năm {year}"],
}
PROGRAMME_WEIGHTS = {"responsibility": 60, "rotation_1816": 15, "satellite": 15, "line_direction": 10}
STATUS_WEIGHTS = {"draft": 8, "signed": 12, "in_progress": 40, "accepted": 20, "closed": 12, "terminated": 8}
OVERDUE_SHARE = 0.2  # of the running agreements that have had a review due: the latest one (or two) not held
LINE_COUNT_WEIGHTS = {1: 30, 2: 30, 3: 20, 4: 12, 5: 8}
SUPPORT_MODE_WEIGHTS = {"onsite": 55, "at_a": 35, "remote": 10}
PAYER_WEIGHTS = {"b": 60, "a": 10, "shared": 20, "other": 10}
DURATION_MONTHS = [2, 3, 3, 4, 6, 6, 9, 12]
TERMINATION_NOTES = [
    "Bên B chưa đủ trang thiết bị để triển khai kỹ thuật.",
    "Hai bên thống nhất chấm dứt do Bên B chưa bố trí được nhân lực.",
    "Chấm dứt theo đề nghị của Bên B; sẽ ký lại khi đủ điều kiện.",
]
A_KINDS_LEVEL2 = ("regional", "provincial_general", "specialty")  # a province's network transfers to its districts
B_KINDS = ("district", "regional", "provincial_general", "specialty", "other")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of office hours (07:30-17:00 in Vietnam) on `day`, in UTC like every stored timestamp."""
    return dt.datetime.combine(day, dt.time(0, 30)) + dt.timedelta(seconds=rng.randrange(int(9.5 * 3600)))


def _timeline(rng: random.Random, status: str, as_of: dt.date) -> dict[str, Any]:
    """Drafted, signed and status-change dates, and the next review, as they stand on `as_of`."""
    from hospitaldesk.services.agreement_terms import REVIEW_MONTHS, add_months, review_after

    def before(day: dt.date) -> dt.date:
        return min(day, as_of)

    signed: dt.date | None = None
    changed: dt.date | None = None
    if status == "draft":
        created = as_of - _days(rng, 0, 180)
    else:
        low, high = {"signed": (0, 120), "in_progress": (45, 1100), "accepted": (400, 1800),
                     "closed": (700, 2500), "terminated": (90, 1800)}[status]
        signed = as_of - _days(rng, low, high)
        created = signed - _days(rng, 7, 90)
        changed = signed
        if status == "in_progress":
            changed = before(signed + _days(rng, 7, 45))
        elif status in ("accepted", "closed"):
            changed = before(signed + _days(rng, 300, 900))
            if status == "closed":
                changed = before(changed + _days(rng, 30, 365))
        elif status == "terminated":
            changed = before(signed + _days(rng, 30, 600))
    review: dt.date | None = None
    last_review: dt.date | None = None  # the last review held, if any
    if status in ("signed", "in_progress") and signed is not None:
        due = [add_months(signed, REVIEW_MONTHS * k) for k in range(1, 40)]
        past = [d for d in due if d < as_of]  # reviews that fell due before as_of
        missed = 0
        if past and rng.random() < OVERDUE_SHARE:
            missed = 2 if len(past) >= 2 and rng.random() < 0.3 else 1
        if missed:
            review = past[len(past) - missed]  # the oldest review not held: overdue since then
            held = past[: len(past) - missed]
        else:
            review = review_after(signed, as_of)  # every due review held (one due on as_of too): the next one
            held = [d for d in due if d <= as_of]
        assert review == review_after(signed, held[-1] if held else None)  # what record_review would leave
        last_review = held[-1] if held else None
    return {"created": created, "signed": signed, "changed": changed, "review": review, "last_review": last_review}


@dataclass
class _Pools:
    """What agreements are drawn from, in a stable order (facilities and techniques by code)."""

    end_line: list[dict[str, Any]]  # Party A of level 1
    end_line_weights: list[int]  # the shipped, well-known ones more often than synthetic ones
    network: list[dict[str, Any]]  # Party A of level 2: a province's own hospitals
    receivers: list[dict[str, Any]]  # Party B
    specialty_ids: list[Any]
    specialty_weights: list[int]
    shipped: dict[Any, list[dict[str, Any]]]  # specialty id -> the reference data's techniques
    synthetic: dict[Any, list[dict[str, Any]]]  # specialty id -> synthetic techniques
    technique_count: int


def _pools(ctx: Context) -> _Pools:
    facilities: list[dict[str, Any]] = list(cast(Iterable[dict[str, Any]], (
        Facility.select(Facility.id, Facility.code, Facility.name, Facility.short_name, Facility.kind,
                        Facility.province, Facility.address, Facility.phone)
        .where(Facility.deleted == False)  # noqa: E712
        .order_by(Facility.code).dicts()
    )))
    techniques: list[dict[str, Any]] = list(cast(Iterable[dict[str, Any]], (
        Technique.select(Technique.id, Technique.code, Technique.name, Technique.specialty)
        .where(Technique.deleted == False)  # noqa: E712
        .order_by(Technique.code).dicts()
    )))
    if len(facilities) < 2 or not techniques:
        raise StoreError("agreements need at least two facilities and one technique")
    shipped: dict[Any, list[dict[str, Any]]] = {}
    synthetic: dict[Any, list[dict[str, Any]]] = {}
    for t in techniques:
        (synthetic if t["code"].startswith("SYN-") else shipped).setdefault(t["specialty"], []).append(t)
    specialty_ids = [s["id"] for s in ctx.specialties if s["id"] in shipped or s["id"] in synthetic]
    end_line = [f for f in facilities if f["kind"] == "end_line"] or facilities
    return _Pools(
        end_line=end_line,
        end_line_weights=[1 if f["code"].startswith("SYN-") else 3 for f in end_line],
        network=[f for f in facilities if f["kind"] in A_KINDS_LEVEL2] or facilities,
        receivers=[f for f in facilities if f["kind"] in B_KINDS] or facilities,
        specialty_ids=specialty_ids,
        specialty_weights=[3 if s in shipped else 1 for s in specialty_ids],
        shipped=shipped,
        synthetic=synthetic,
        technique_count=len(techniques),
    )


def _weighted(rng: random.Random, weights: Mapping[Any, int]) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def _plan(rng: random.Random, pools: _Pools, as_of: dt.date) -> dict[str, Any]:
    """One agreement's parties, specialty, techniques and story (no row yet)."""
    status = _weighted(rng, STATUS_WEIGHTS)
    level = 2 if rng.random() < 0.25 else 1
    a = rng.choices(pools.end_line, pools.end_line_weights)[0] if level == 1 else rng.choice(pools.network)
    b = rng.choice(pools.receivers)
    while b["id"] == a["id"]:
        b = rng.choice(pools.receivers)
    specialty = rng.choices(pools.specialty_ids, pools.specialty_weights)[0]
    wanted = _weighted(rng, LINE_COUNT_WEIGHTS)
    chosen: list[dict[str, Any]] = []
    seen: set[Any] = set()
    while len(chosen) < wanted and len(seen) < pools.technique_count:
        pool_spec = specialty if rng.random() < 0.9 else rng.choice(pools.specialty_ids)  # now and then a mixed package
        # Half the lines are well-known shipped techniques of the specialty, when it has some.
        use_shipped = rng.random() < 0.5 or pool_spec not in pools.synthetic
        t = rng.choice(pools.shipped[pool_spec] if use_shipped and pool_spec in pools.shipped else pools.synthetic[pool_spec])
        if t["id"] not in seen:  # a technique appears once per contract (agreements.validate_lines)
            seen.add(t["id"])
            chosen.append(t)
    return {"status": status, "level": level, "a": a, "b": b, "specialty": specialty, "techniques": chosen,
            "programme": _weighted(rng, PROGRAMME_WEIGHTS), **_timeline(rng, status, as_of)}


def _title(rng: random.Random, plan: dict[str, Any], specialty: dict[str, Any]) -> str:
    if len(plan["techniques"]) == 1 and rng.random() < 0.5:
        name = plan["techniques"][0]["name"]
        return f"Chuyển giao kỹ thuật {name[:1].lower()}{name[1:]}"
    usual = SPECIALTY_TITLES.get(specialty["code"], [])
    if usual and rng.random() < 0.6:
        return rng.choice(usual)
    b = plan["b"]
    return rng.choice(GENERIC_TITLES[plan["programme"]]).format(
        spec=specialty["name"], b=b["short_name"] or b["name"], year=(plan["signed"] or plan["created"]).year)


def _lines(ctx: Context, rng: random.Random, plan: dict[str, Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    """The contract's technique lines, with schedules and the progress the story allows."""
    from hospitaldesk.services.agreement_terms import add_months

    status, signed, created_at = plan["status"], plan["signed"], record["created_at"]
    first_start = (signed or plan["created"] + dt.timedelta(days=30)) + _days(rng, 0, 45)
    # Progress is recorded once signed, while running or until the agreement ended (agreement_lifecycle.set_progress).
    last_day = ctx.as_of if status == "in_progress" else plan["changed"]
    lines: list[dict[str, Any]] = []
    for position, t in enumerate(plan["techniques"]):
        months = rng.choice(DURATION_MONTHS)
        start = first_start + _days(rng, 0, 120) if position else first_start
        mode = _weighted(rng, SUPPORT_MODE_WEIGHTS)
        progress = {"accepted": "accepted", "closed": "accepted",
                    "in_progress": rng.choice(["not_started", "training", "training", "supported", "independent"]),
                    "terminated": rng.choice(["not_started", "training"])}.get(status, "not_started")
        if last_day is None or start > last_day:
            progress = "not_started"  # the line had not started yet
        progress_on = start + _days(rng, 0, (last_day - start).days) if progress != "not_started" else None
        lines.append({
            "id": ctx.new_id(rng), "created_at": created_at,
            "updated_at": max(created_at, _at(rng, progress_on)) if progress_on else created_at,
            "last_site": ctx.site_id, "change_seq": record["change_seq"] + 1 + position, "deleted": False,
            "agreement": record["id"], "amendment": None, "replaces": None, "technique": t["id"],
            "position": position, "start": start, "end": add_months(start, months) - dt.timedelta(days=1),
            "trainees_planned": rng.randint(2, 10),
            "training_place": {"onsite": "Tại Bên B", "at_a": plan["a"]["name"], "remote": "Hội chẩn từ xa, thực hành tại Bên B"}[mode],
            "duration": f"{months} tháng", "support_mode": mode, "cost": rng.randrange(5, 250) * 10_000_000,
            "payer": _weighted(rng, PAYER_WEIGHTS), "progress": progress, "progress_changed_on": progress_on,
        })
    return lines


def _signed_content(ctx: Context, record: dict[str, Any], lines: list[dict[str, Any]], plan: dict[str, Any]) -> dict[str, Any]:
    """= contract_content.agreement_content() at signing, from the rows (checked by check_agreements)."""
    from hospitaldesk.services import agreement_terms as terms
    from hospitaldesk.services.contract_content import CONTENT_VERSION

    specialty_names = {s["id"]: s["name"] for s in ctx.specialties}
    fields = ("representative", "position", "phone", "address", "tax_code", "bank_account")
    return {
        "content_version": CONTENT_VERSION, "record_id": str(record["id"]), "number": record["number"],
        "title": record["title"], "level": str(record["level"]), "programme": record["programme"],
        "sign_place": record["sign_place"], "signed_on": record["signed_on"].isoformat(),
        "term_end": record["term_end"].isoformat() if record["term_end"] else None,
        "party_a": {"name": plan["a"]["name"], **{k: record[f"a_{k}"] for k in fields}},
        "party_b": {"name": plan["b"]["name"], **{k: record[f"b_{k}"] for k in fields}},
        "legal_bases": terms.split_lines(record["legal_bases"]),
        "obligations_a": terms.split_lines(record["obligations_a"]),
        "obligations_b": terms.split_lines(record["obligations_b"]),
        "acceptance_criteria": terms.split_lines(record["acceptance_criteria"]),
        "retention": terms.split_lines(record["retention_terms"]),
        **terms.fixed_clauses(record["term_end"]),
        "techniques": [{
            "technique_id": str(line["technique"]), "name": t["name"], "specialty": specialty_names.get(t["specialty"], ""),
            "start": line["start"].isoformat(), "end": line["end"].isoformat(),
            "trainees_planned": line["trainees_planned"], "training_place": line["training_place"],
            "duration": line["duration"], "support_mode": line["support_mode"], "cost": line["cost"], "payer": line["payer"],
        } for line, t in zip(lines, plan["techniques"])],
    }


def _agreement(ctx: Context, rng: random.Random, plan: dict[str, Any], seq: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The agreement's row and its lines' rows; `seq` is its change number, its lines take the next ones."""
    from hospitaldesk.services import agreement_terms as terms
    from hospitaldesk.services import contract_content

    provinces = {p["id"]: p for p in ctx.provinces}
    specialty = next(s for s in ctx.specialties if s["id"] == plan["specialty"])
    a, b, status, signed = plan["a"], plan["b"], plan["status"], plan["signed"]
    created_at = _at(rng, plan["created"])
    last_change = max(d for d in (plan["created"], plan["changed"], plan["last_review"]) if d is not None)
    record: dict[str, Any] = {
        "id": ctx.new_id(rng), "created_at": created_at, "updated_at": max(created_at, _at(rng, last_change)),
        "last_site": ctx.site_id, "change_seq": seq, "deleted": False,
        "number": plan["number"], "year": plan["year"], "origin_site": ctx.site_id, "title": _title(rng, plan, specialty),
        "level": plan["level"], "programme": plan["programme"], "party_a": a["id"], "party_b": b["id"],
    }
    incomplete = status == "draft" and rng.random() < 0.4  # a draft still missing Party A's people and the bank details
    for side, facility in (("a", a), ("b", b)):
        province = provinces[facility["province"]]
        record.update({
            f"{side}_representative": "" if incomplete and side == "a" else _person(rng),
            f"{side}_position": "" if incomplete and side == "a" else rng.choice(POSITIONS),
            f"{side}_phone": facility["phone"], f"{side}_address": facility["address"],  # = agreements.party_details
            f"{side}_tax_code": "" if incomplete else str(rng.randrange(10**9, 10**10)),
            f"{side}_bank_account": "" if incomplete else
            f"{rng.randrange(10**11, 10**12)} tại {rng.choice(BANKS)} {province['now_name'] or province['name']}",
        })
    b_province = provinces[b["province"]]
    record.update({
        **terms.default_clauses(str(plan["level"])),  # new_agreement() fills them; most people keep them
        "term_end": dt.date((signed or plan["created"]).year + rng.randint(1, 3), 12, 31) if rng.random() < 0.7 else None,
        "sign_place": b_province["now_name"] or b_province["name"],
        "signed_on": signed, "status": status, "status_changed_on": plan["changed"], "next_review": plan["review"],
        "frozen_json": "", "content_hash": "",
        "notes": rng.choice(TERMINATION_NOTES) if status == "terminated" else "",
    })
    lines = _lines(ctx, rng, plan, record)
    if signed is not None:
        frozen = SimpleNamespace()
        contract_content.freeze(frozen, _signed_content(ctx, record, lines, plan))  # type: ignore[arg-type]
        record["frozen_json"], record["content_hash"] = frozen.frozen_json, frozen.content_hash
    # = Agreement.search_parts() (checked by check_agreements): each party's own province name
    parts: list[Any] = [record["number"], record["title"]]
    for facility in (a, b):
        parts += [facility["name"], facility["short_name"], provinces[facility["province"]]["name"]]
    record["search_key"] = text.search_key(*parts, *(t["name"] for t in plan["techniques"]))
    return record, lines


def _agreements(ctx: Context, count: int) -> int:
    if count <= 0:
        return 0
    from hospitaldesk.services.agreement_terms import NUMBER_SUFFIX

    rng = ctx.rng("agreements")
    pools = _pools(ctx)
    plans = [_plan(rng, pools, ctx.as_of) for _ in range(count)]
    # Numbers restart every year at this site; a signed agreement is numbered in the year it was
    # signed (agreement_lifecycle.change_status), a draft in the year it was drawn up.
    per_year: dict[int, int] = {}
    for plan in sorted(plans, key=lambda p: (p["signed"] or p["created"], p["created"])):
        year = (plan["signed"] or plan["created"]).year
        per_year[year] = per_year.get(year, 0) + 1
        plan["year"], plan["number"] = year, f"{per_year[year]:02d}/{NUMBER_SUFFIX}"
    plans.sort(key=lambda p: p["created"])  # rows are added as they were drawn up (rowid order = creation order)

    seq = stamping.next_change_seq(count + sum(len(p["techniques"]) for p in plans))
    ids: list[uuid.UUID] = []
    for start in range(0, len(plans), BATCH):  # built batch by batch: frozen contracts take ~5 KB each
        records, lines = [], []
        for plan in plans[start : start + BATCH]:
            record, its_lines = _agreement(ctx, rng, plan, seq)
            seq += 1 + len(its_lines)
            records.append(record)
            lines += its_lines
        Agreement.insert_many(records).execute()
        ctx.insert(AgreementTechnique, lines)
        ids += [r["id"] for r in records]
    ctx.ids["agreements"] = ids
    _events(ctx)
    return len(ids)


def _events(ctx: Context) -> int:
    """The agreements' lives as agreement_lifecycle writes them: a status event for each step from draft to
    the status they stand at (on the signing day, the status day, and in between), and the 6-monthly
    reviews held (each one due before the next review still to hold, or before the agreement ended).
    Read back from the agreements written, with a random stream of its own (the agreements' rows stay as they were)."""
    from hospitaldesk.services.agreement_terms import REVIEW_MONTHS, add_months

    rng = ctx.rng("events")
    rows: list[dict[str, Any]] = []
    query = Agreement.select(Agreement.id, Agreement.status, Agreement.signed_on, Agreement.status_changed_on, Agreement.next_review)
    agreements = [(a, status, date_value(signed), date_value(changed), date_value(review))
                  for a, status, signed, changed, review in raw_rows(query.where(Agreement.signed_on.is_null(False)).order_by(Agreement.id))]
    seq = stamping.next_change_seq(len(agreements) * 12)
    for agreement, status, signed, changed, review in agreements:
        assert signed is not None
        changed = changed or signed
        steps = [("draft", "signed", signed)]
        middle = signed + (changed - signed) / 3
        if status in ("in_progress", "accepted", "closed"):
            steps.append(("signed", "in_progress", changed if status == "in_progress" else middle))
        if status in ("accepted", "closed"):
            steps.append(("in_progress", "accepted", changed if status == "accepted" else signed + 2 * (changed - signed) / 3))
        if status == "closed":
            steps.append(("accepted", "closed", changed))
        if status == "terminated":
            steps.append(("signed", "terminated", changed))
        until = review if status in ("signed", "in_progress") and review is not None else changed
        due = add_months(signed, REVIEW_MONTHS)
        while due < until and due <= ctx.as_of:
            steps.append((status, "review", due))
            due = add_months(due, REVIEW_MONTHS)
        for before, after, day in steps:
            kind = "review" if after == "review" else "status"
            rows.append({**ctx.bookkeeping(rng, seq), "agreement": agreement, "kind": kind, "from_status": before,
                         "to_status": before if kind == "review" else after, "on_date": day, "reason": ""})
            seq += 1
    ctx.insert_rows(AgreementEvent, rows)
    return len(rows)


# --- readiness: checklists, assessments, gap actions ------------------------------------------

# Items per domain of a synthetic 60-item checklist (readiness_terms.DOMAINS order).
DOMAIN_QUOTAS = {"equipment": 14, "infrastructure": 10, "human_resources": 12, "medicines_supplies": 10, "procedures": 14}
CHECKLIST_ITEMS = sum(DOMAIN_QUOTAS.values())  # 60
CRITICAL_ITEMS = 9  # 15 %
ASSESSMENTS_PER_PAIR = {1: 55, 2: 27, 3: 12, 4: 6}  # a facility re-assessed for the same technique
WATCHED_WEIGHT = 3  # lines whose training is at stake are assessed more often (readiness_warnings)
DRAFT_SHARE = 0.075  # of the pairs, the latest assessment still being entered (about 5 % of assessments)
GAP_OWNERS = {
    "equipment": ["Phòng Vật tư – Thiết bị y tế", "Phòng Vật tư – Thiết bị y tế", "Khoa Gây mê hồi sức"],
    "infrastructure": ["Phòng Hành chính quản trị", "Phòng Hành chính quản trị", "Phòng Vật tư – Thiết bị y tế"],
    "human_resources": ["Phòng Tổ chức cán bộ", "Phòng Điều dưỡng", "Phòng Chỉ đạo tuyến"],
    "medicines_supplies": ["Khoa Dược", "Khoa Dược", "Phòng Vật tư – Thiết bị y tế"],
    "procedures": ["Phòng Kế hoạch tổng hợp", "Phòng Quản lý chất lượng", "Hội đồng Khoa học kỹ thuật"],
}
# VND: (low, high, step) of the estimated cost of closing a gap, per domain
GAP_COSTS = {"equipment": (2, 400, 5_000_000), "infrastructure": (1, 200, 5_000_000), "human_resources": (5, 80, 1_000_000),
             "medicines_supplies": (1, 50, 1_000_000), "procedures": (0, 10, 1_000_000)}
FUNDING_WEIGHTS = {"hospital": 40, "province": 25, "moh": 5, "party_a": 10, "project": 10, "other": 5, "": 5}
# Gaps of the latest final assessment of a facility and technique are being worked on; those of an
# assessment done again since were mostly closed or dropped.
GAP_STATUS_LATEST = {"open": 55, "in_progress": 25, "done": 15, "cancelled": 5}
GAP_STATUS_SUPERSEDED = {"done": 60, "cancelled": 25, "open": 10, "in_progress": 5}
GAP_DUE_DAYS = [30, 60, 90, 90, 180, 180, 365]
ANSWER_NOTES = ["Đang chờ mua sắm", "Hỏng, chờ sửa chữa", "Chưa được đào tạo", "Đã lập dự trù", "Dùng chung với khoa khác",
                "Chờ Sở Y tế phê duyệt", "Còn thiếu so với yêu cầu"]
ASSESSOR_TITLES = ["BS.CKII.", "ThS.BS.", "BS.CKI.", "TS.BS.", "ĐD.", "KS."]
ASSESSOR_UNITS = ["Phòng Kế hoạch tổng hợp", "Phòng Chỉ đạo tuyến", "Phòng Điều dưỡng", "Phòng Vật tư – Thiết bị y tế",
                  "Bên A (bệnh viện chuyển giao)"]


def _item_pool() -> dict[str, list[dict[str, Any]]]:
    """The shipped starter items by domain (distinct texts, in file order): what synthetic checklists draw from."""
    from hospitaldesk.services.readiness_terms import starter_templates

    pool: dict[str, list[dict[str, Any]]] = {d: [] for d in DOMAIN_QUOTAS}
    seen: set[str] = set()
    for template in starter_templates().get("templates", []):
        for item in template["items"]:
            if item["domain"] in pool and item["text"] not in seen:
                seen.add(item["text"])
                pool[item["domain"]].append(item)
    return pool


def _checklist(ctx: Context, rng: random.Random, technique: dict[str, Any], starters: dict[str, list[dict[str, Any]]],
               pool: dict[str, list[dict[str, Any]]], seq: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A 60-item checklist: the technique's own starter items first (when it has some), then items of the
    same domains drawn from the other starters; 9 critical, weights 1-3 and quantities as shipped."""
    from hospitaldesk.services.readiness_templates import CODE_PREFIX

    own = starters.get(technique["code"], [])
    chosen: dict[str, list[dict[str, Any]]] = {}
    for domain, quota in DOMAIN_QUOTAS.items():
        mine = [i for i in own if i["domain"] == domain][:quota]
        texts = {i["text"] for i in mine}
        others = [i for i in pool[domain] if i["text"] not in texts]
        chosen[domain] = mine + rng.sample(others, quota - len(mine))
    items = [i for domain in DOMAIN_QUOTAS for i in chosen[domain]]
    flagged = [n for n, i in enumerate(items) if i.get("critical")]
    plain = [n for n, i in enumerate(items) if not i.get("critical")]
    critical = set(rng.sample(flagged, min(CRITICAL_ITEMS, len(flagged))))
    critical |= set(rng.sample(plain, CRITICAL_ITEMS - len(critical)))
    template = {**ctx.bookkeeping(rng, seq), "technique": technique["id"], "version": 1, "notes": ""}
    rows: list[dict[str, Any]] = []
    per_domain: dict[str, int] = {}
    for position, item in enumerate(items):
        n = per_domain[item["domain"]] = per_domain.get(item["domain"], 0) + 1
        rows.append({
            **ctx.bookkeeping(rng, seq + 1 + position), "created_at": template["created_at"], "updated_at": template["updated_at"],
            "template": template["id"], "position": position, "code": f"{CODE_PREFIX[item['domain']]}-{n:02d}",
            "domain": item["domain"], "text": text.nfc(item["text"]), "quantity": int(item.get("quantity", 1)),
            "critical": position in critical, "weight": int(item.get("weight", 1)) or 1,
            "available_means": text.nfc(item.get("available_means", "")), "equipment_category": item.get("equipment_category", ""),
        })
    return template, rows


def _assessment_pairs(ctx: Context, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Which facility is assessed for which technique, how often and when: pairs come from the agreements'
    lines (Party B, technique), those whose training is at stake (the list's readiness flag) three times
    as often; dates start around the agreement's drawing-up, repeat every 4-13 months, stop at as_of."""
    from hospitaldesk.services.readiness_warnings import WATCHED_PROGRESS, WATCHED_STATUSES

    query = (AgreementTechnique.select(AgreementTechnique.agreement, AgreementTechnique.technique, AgreementTechnique.progress,
                                       Agreement.party_b, Agreement.status, Agreement.created_at)
             .join(Agreement, on=(AgreementTechnique.agreement == Agreement.id))
             .where(AgreementTechnique.deleted == False)  # noqa: E712
             .order_by(Agreement.created_at, Agreement.id, AgreementTechnique.position))
    lines = cast(Iterable[tuple[Any, ...]], query.tuples())
    pairs: dict[tuple[Any, Any], dict[str, Any]] = {}
    for agreement, technique, progress, party_b, status, created_at in lines:
        watched = status in WATCHED_STATUSES and progress in WATCHED_PROGRESS
        pair = pairs.setdefault((party_b, technique), {"facility": party_b, "technique": technique, "agreement": agreement,
                                                       "since": created_at.date(), "watched": False})
        pair["watched"] |= watched
    # A weighted random order (Efraimidis-Spirakis keys): watched pairs come first more often.
    ordered = sorted(pairs.values(), key=lambda p: -(rng.random() ** (1 / (WATCHED_WEIGHT if p["watched"] else 1))))
    chosen: list[dict[str, Any]] = []
    total = 0
    for pair in ordered:
        if total >= count:
            break
        wanted = _weighted(rng, ASSESSMENTS_PER_PAIR)
        day = min(ctx.as_of, pair["since"] - _days(rng, 0, 60))
        dates = [day]
        while len(dates) < wanted:
            day = day + _days(rng, 120, 400)
            if day > ctx.as_of:
                break
            dates.append(day)
        draft_day: dt.date | None = None
        if rng.random() < DRAFT_SHARE and (ctx.as_of - dates[-1]).days > 30:  # being entered now
            draft_day = ctx.as_of - _days(rng, 0, min(45, (ctx.as_of - dates[-1]).days - 30))
        finals = len(dates)
        dates = (dates + ([draft_day] if draft_day else []))[: count - total]
        draft = len(dates) > finals
        total += len(dates)
        chosen.append({**pair, "dates": dates, "draft": draft, "maturity": rng.uniform(0.72, 0.97),
                       "linked": rng.random() < 0.7})
    return chosen


def _answers_of(rng: random.Random, items: list[dict[str, Any]], maturity: float, answered: int) -> list[tuple[str, int | None, str]]:
    """(answer, quantity found, note) per item: mostly yes, the rest partly or no, a few not applicable;
    critical items more often there (they are what a hospital fixes first). Items past `answered` are
    not answered yet (a draft entered in checklist order)."""
    out: list[tuple[str, int | None, str]] = []
    critical_yes = maturity ** 0.35
    for n, item in enumerate(items):
        if n >= answered:
            out.append(("", None, ""))
            continue
        required = item["quantity"]
        counted = required > 1 or item["domain"] in ("equipment", "human_resources")
        if not item["critical"] and rng.random() < 0.03:
            out.append(("na", None, ""))
            continue
        if rng.random() < (critical_yes if item["critical"] else maturity):
            answer = "yes"
            found = required if rng.random() < 0.85 else required + rng.randint(1, 2)
            if required > 1 and rng.random() < 0.08:
                found = rng.randint(1, required - 1)  # "yes", but fewer than required: scored as partly
        else:
            answer = "partly" if rng.random() < 0.55 else "no"
            found = (rng.randint(0, required - 1) if required > 1 and answer == "partly" else 0 if answer == "no" else required)
        note = rng.choice(ANSWER_NOTES) if answer != "yes" and rng.random() < 0.3 else ""
        out.append((answer, found if counted else None, note))
    return out


def _assessments(ctx: Context, count: int) -> int:
    """Checklists of 60 items for the techniques assessed, `count` assessments of facilities that receive
    them (each with its 60 answers, scored by the app's own readiness_score.score), and a gap action
    for each item a finalised assessment found missing."""
    if count <= 0:
        return 0
    from hospitaldesk.services.readiness_score import ScoredItem, score
    from hospitaldesk.services.readiness_terms import DEFAULT_THRESHOLD, starter_templates

    rng = ctx.rng("assessments")
    pairs = _assessment_pairs(ctx, rng, count)
    pool = _item_pool()
    starters = {t["technique"]: t["items"] for t in starter_templates().get("templates", [])}
    technique_ids = sorted({p["technique"] for p in pairs}, key=str)
    techniques = {t["id"]: t for t in cast(Iterable[dict[str, Any]],
                                           Technique.select(Technique.id, Technique.code).where(Technique.id.in_(technique_ids)).dicts())}
    seq = stamping.next_change_seq(len(technique_ids) * (1 + CHECKLIST_ITEMS))
    templates: dict[Any, tuple[Any, list[dict[str, Any]]]] = {}
    template_rows, item_rows = [], []
    for technique_id in technique_ids:
        template, items = _checklist(ctx, rng, techniques[technique_id], starters, pool, seq)
        seq += 1 + len(items)
        templates[technique_id] = (template["id"], items)
        template_rows.append(template)
        item_rows += items
    ctx.insert_rows(ChecklistTemplate, template_rows)
    ctx.insert_rows(TemplateItem, item_rows)

    # One plan per assessment, added in the order they were made (rowid order = creation order).
    plans: list[dict[str, Any]] = []
    for pair in pairs:
        maturity = pair["maturity"]
        for n, day in enumerate(pair["dates"]):
            draft = pair["draft"] and n == len(pair["dates"]) - 1
            latest_final = n == len(pair["dates"]) - (2 if pair["draft"] else 1)
            plans.append({"pair": pair, "day": day, "draft": draft, "latest_final": latest_final,
                          "maturity": min(0.995, maturity)})
            maturity += rng.uniform(0.02, 0.08)  # each visit finds more in place
    plans.sort(key=lambda p: p["day"])

    ids: list[uuid.UUID] = []
    for start in range(0, len(plans), BATCH):
        batch = plans[start : start + BATCH]
        assessment_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        gap_rows: list[dict[str, Any]] = []
        pending: list[tuple[dict[str, Any], list[dict[str, Any]], list[tuple[str, int | None, str]], Any]] = []
        for plan in batch:
            pair = plan["pair"]
            template_id, items = templates[pair["technique"]]
            answered = rng.randint(0, len(items) - 1) if plan["draft"] else len(items)
            answers = _answers_of(rng, items, plan["maturity"], answered)
            threshold = DEFAULT_THRESHOLD if rng.random() < 0.9 else 0.85
            result = score([ScoredItem(domain=i["domain"], answer=a, weight=i["weight"], critical=i["critical"],
                                       quantity_required=i["quantity"], quantity_found=q, key=str(i["id"]))
                            for i, (a, q, _note) in zip(items, answers)], threshold)
            created = _at(rng, plan["day"])
            assessors = "\n".join(f"{rng.choice(ASSESSOR_TITLES)} {_person(rng)} – {rng.choice(ASSESSOR_UNITS)}"
                                  for _ in range(rng.randint(1, 3)))
            record = {
                "id": ctx.new_id(rng), "created_at": created, "updated_at": created + dt.timedelta(minutes=rng.randint(20, 600)),
                "last_site": ctx.site_id, "change_seq": 0, "deleted": False, "vector": "{}",
                "facility": pair["facility"], "technique": pair["technique"], "template": template_id,
                "agreement": pair["agreement"] if pair["linked"] else None, "assessed_on": plan["day"], "assessors": assessors,
                "status": "draft" if plan["draft"] else "final", "readiness_index": result.index, "ready": result.ready,
                "threshold": threshold, "critical_missing": len(result.critical_missing), "notes": "",
            }
            assessment_rows.append(record)
            pending.append((record, items, answers, result))
        rows_in_batch = sum(1 + len(items) + (0 if r["status"] == "draft" else len(res.missing)) for r, items, _a, res in pending)
        seq = stamping.next_change_seq(rows_in_batch)
        for (record, items, answers, result), plan in zip(pending, batch):
            record["change_seq"] = seq
            seq += 1
            stamp = {"created_at": record["created_at"], "updated_at": record["updated_at"], "last_site": ctx.site_id, "deleted": False,
                     "vector": "{}"}
            for item, (answer, found, note) in zip(items, answers):
                answer_rows.append({**stamp, "id": ctx.new_id(rng), "change_seq": seq, "assessment": record["id"], "item": item["id"],
                                    "answer": answer, "quantity": found, "note": note})
                seq += 1
            if record["status"] == "draft":
                continue
            missing = set(result.missing)
            statuses = GAP_STATUS_LATEST if plan["latest_final"] else GAP_STATUS_SUPERSEDED
            for item in items:
                if str(item["id"]) not in missing:
                    continue
                status = _weighted(rng, statuses)
                due = plan["day"] + dt.timedelta(days=rng.choice(GAP_DUE_DAYS)) if rng.random() < 0.9 else None
                low, high, step = GAP_COSTS[item["domain"]]
                closed = min(ctx.as_of, plan["day"] + _days(rng, 10, 400)) if status in ("done", "cancelled") else None
                gap_rows.append({
                    **stamp, "id": ctx.new_id(rng), "change_seq": seq,
                    "updated_at": max(record["updated_at"], _at(rng, closed)) if closed else record["updated_at"],
                    "assessment": record["id"], "item": item["id"],
                    "owner": rng.choice(GAP_OWNERS[item["domain"]]) if rng.random() < 0.9 else "",
                    "due": due, "cost": rng.randint(low, high) * step, "funding_source": _weighted(rng, FUNDING_WEIGHTS),
                    "status": status, "closed_on": closed,
                    "note": "Đã trình Ban Giám đốc" if rng.random() < 0.1 else "",
                })
                seq += 1
        ctx.insert_rows(Assessment, assessment_rows)
        ctx.insert_rows(AssessmentAnswer, answer_rows)
        ctx.insert_rows(GapAction, gap_rows)
        ids += [r["id"] for r in assessment_rows]
    ctx.ids["assessments"] = ids
    return len(ids)


PROFESSION_WEIGHTS = {"nurse": 45, "doctor": 30, "technician": 15, "midwife": 7, "pharmacist": 3}
DEPARTURE_SHARE = 0.12  # of the staff: left at least once
RETURN_SHARE = 0.2  # of those who left: came back
LEAVE_REASON_WEIGHTS = {"income": 50, "family": 20, "study": 12, "transfer": 8, "retirement": 5, "other": 5}
DESTINATION_WEIGHTS = {"private": 55, "public": 30, "abroad": 5, "other": 10}


def _trainees(ctx: Context, count: int) -> int:
    """`count` staff across the facilities, twice as many training enrollments (each facility trains its
    people in the 3 to 15 techniques it receives, most with a checklist, so "at risk" has a requirement to
    compare with), and a departure for about one in eight (a fifth of them came back), dated after the
    person's trainings ended."""
    if count <= 0:
        return 0
    rng = ctx.rng("trainees")
    facilities = ctx.ids.get("facilities") or [f.id for f in Facility.select(Facility.id)]
    checked = [row.technique_id for row in ChecklistTemplate.select(ChecklistTemplate.technique).distinct()]
    others = ctx.ids.get("techniques") or [t.id for t in Technique.select(Technique.id)]
    seq = stamping.next_change_seq(count * 3 + count // 4)
    staff_rows: list[dict[str, Any]] = []
    starts: dict[uuid.UUID, dt.date] = {}
    for i in range(count):
        name = _person(rng)
        national_id = f"0{rng.randint(1, 96):02d}{rng.randint(0, 1)}{i:08d}"
        start = dt.date(2000, 1, 1) + _days(rng, 0, 8000)
        row = {**ctx.bookkeeping(rng, seq), "facility": rng.choice(facilities), "full_name": name,
               "birth_date": start - _days(rng, 22 * 365, 40 * 365), "sex": rng.choice(("female", "male")),
               "profession": _weighted(rng, PROFESSION_WEIGHTS), "qualification": "", "department": "",
               "phone": "", "national_id": national_id, "employment_start": start, "status": "working", "notes": "",
               "search_key": text.search_key(name, national_id)}
        seq += 1
        starts[row["id"]] = start
        staff_rows.append(row)
    # A hospital receives a handful of techniques, and its people are trained in those: 3 to 15 a facility.
    pool = checked or others
    offered = {f: rng.sample(pool, min(len(pool), rng.randint(3, 15))) for f in facilities}
    enrollment_rows: list[dict[str, Any]] = []
    last_end: dict[uuid.UUID, dt.date] = {}
    for _ in range(count * 2):
        person = rng.choice(staff_rows)
        technique = rng.choice(offered[person["facility"]]) if rng.random() < 0.95 else rng.choice(others)
        start = max(person["employment_start"], dt.date(2018, 1, 1)) + _days(rng, 0, 2500)
        end = start + _days(rng, 60, 365)
        if end > ctx.as_of:
            status = "in_training" if start <= ctx.as_of else "planned"
        else:
            status = _weighted(rng, {"certified": 70, "completed": 20, "dropped": 10})
        certified = status == "certified"
        enrollment_rows.append({
            **ctx.bookkeeping(rng, seq), "staff": person["id"], "agreement": None, "technique": technique,
            "place": _weighted(rng, SUPPORT_MODE_WEIGHTS), "start_on": start, "end_on": end if status != "planned" else None,
            "status": status, "result": "Đạt" if certified else "", "certificate_number": f"{seq % 1000}/CN" if certified else "",
            "certificate_date": end if certified else None, "commitment_years": rng.randint(2, 5) if rng.random() < 0.8 else None,
            "commitment_signed_on": start, "reimbursement": "", "training_cost": rng.randint(10, 200) * 1_000_000, "notes": ""})
        seq += 1
        if status in ("certified", "completed"):
            last_end[person["id"]] = max(end, last_end.get(person["id"], end))
    departure_rows: list[dict[str, Any]] = []
    for person in rng.sample(staff_rows, int(count * DEPARTURE_SHARE)):
        earliest = last_end.get(person["id"], person["employment_start"]) + dt.timedelta(days=30)
        if earliest >= ctx.as_of:
            continue
        left = earliest + _days(rng, 0, max(0, (ctx.as_of - earliest).days))
        back = left + _days(rng, 60, 700) if rng.random() < RETURN_SHARE else None
        if back is not None and back > ctx.as_of:
            back = None
        kind = _weighted(rng, DESTINATION_WEIGHTS)
        departure_rows.append({
            **ctx.bookkeeping(rng, seq), "staff": person["id"], "left_on": left, "reason": _weighted(rng, LEAVE_REASON_WEIGHTS),
            "destination_facility": None, "destination_name": "Bệnh viện tư nhân" if kind == "private" else "",
            "destination_kind": kind, "still_performs": rng.random() < 0.5, "returned_on": back, "notes": ""})
        seq += 1
        if back is None:
            person["status"] = "left"
    ctx.insert_rows(Staff, staff_rows)
    ctx.insert_rows(Enrollment, enrollment_rows)
    ctx.insert_rows(StaffDeparture, departure_rows)
    ctx.ids["trainees"] = [r["id"] for r in staff_rows]
    return count


CASE_LOG_MONTHS = 24  # each pair logs the two years before as_of's month
NETWORK_MEMBERS = 25  # members (facility and technique) per network


def _case_logs(ctx: Context, count: int) -> int:
    """Case logs for `count` (receiving facility, technique) pairs of the agreements' lines, 24 months each up
    to the month before as_of: referrals to HCMC fall once the transfer starts (a month drawn in the first
    year) and independent cases overtake supported ones; one month in ten is not logged (unknown)."""
    if count <= 0:
        return 0
    rng = ctx.rng("case_logs")
    pairs = sorted({(b, t) for b, t in raw_rows(AgreementTechnique.select(Agreement.party_b, AgreementTechnique.technique)
                    .join(Agreement, on=(AgreementTechnique.agreement == Agreement.id)).where(Agreement.status != "draft"))})
    chosen = rng.sample(pairs, min(count, len(pairs)))
    last = ctx.as_of.replace(day=1)
    months = [month_after(last, k - CASE_LOG_MONTHS) for k in range(CASE_LOG_MONTHS)]
    seq = stamping.next_change_seq(len(chosen) * CASE_LOG_MONTHS)
    rows: list[dict[str, Any]] = []
    for facility, technique in chosen:
        start = rng.randrange(12)
        referred = rng.randint(3, 25)
        for k, month in enumerate(months):
            if rng.random() < 0.1:
                continue
            after = max(0, k - start)
            supported = 0 if k < start else max(0, rng.randint(2, 8) - after // 3)
            independent = 0 if k < start else min(after, rng.randint(0, 3) + after)
            rows.append({**ctx.bookkeeping(rng, seq), "facility": facility, "technique": technique, "month": month,
                         "cases_with_support": supported, "cases_independent": independent,
                         "referred_to_hcmc": max(0, referred - after + rng.randint(-2, 2))})
            seq += 1
    ctx.insert_rows(CaseLog, rows)
    return len(rows)


def _networks(ctx: Context, count: int) -> int:
    """`count` regional networks (a specialty each, in turn), one or two HCMC hubs, 25 members each: a facility
    outside HCMC and a technique of the specialty it offers or plans (a planned one has a year)."""
    if count <= 0:
        return 0
    rng = ctx.rng("networks")
    hcmc = [f for (f,) in raw_rows(Facility.select(Facility.id).join(Province, on=(Facility.province == Province.id))
            .where(Province.code.in_(("79", "79/2025"))).order_by(Facility.code))]
    others = [f for (f,) in raw_rows(Facility.select(Facility.id).where(Facility.id.not_in(hcmc)).order_by(Facility.code))]
    by_specialty: dict[Any, list[Any]] = {}
    for technique, specialty in raw_rows(Technique.select(Technique.id, Technique.specialty).order_by(Technique.code)):
        by_specialty.setdefault(specialty, []).append(technique)
    specialties = sorted(by_specialty)
    seq = stamping.next_change_seq(count * (NETWORK_MEMBERS + 3))
    networks, hubs, members = [], [], []
    for n in range(count):
        specialty = specialties[n % len(specialties)]
        network = {**ctx.bookkeeping(rng, seq), "specialty": specialty, "name": f"Mạng lưới tổng hợp {n + 1:03d}", "level": 2, "notes": ""}
        seq += 1
        networks.append(network)
        for hub in rng.sample(hcmc, min(len(hcmc), rng.randint(1, 2))):
            hubs.append({**ctx.bookkeeping(rng, seq), "network": network["id"], "facility": hub})
            seq += 1
        seen = set()
        for _m in range(NETWORK_MEMBERS):
            key = (rng.choice(others), rng.choice(by_specialty[specialty]))
            if key in seen:
                continue
            seen.add(key)
            plans = rng.random() < 0.3
            members.append({**ctx.bookkeeping(rng, seq), "network": network["id"], "facility": key[0], "technique": key[1],
                            "status": "plans" if plans else "offers", "planned_year": ctx.as_of.year + rng.randint(0, 2) if plans else None})
            seq += 1
    ctx.insert_rows(Network, networks)
    ctx.insert_rows(NetworkHub, hubs)
    ctx.insert_rows(NetworkMember, members)
    return len(networks) + len(hubs) + len(members)


# Run in this order; later capabilities append theirs (their counts come through `extra`).
STEPS: dict[str, Step] = {"facilities": _facilities, "techniques": _techniques, "agreements": _agreements,
                          "assessments": _assessments, "trainees": _trainees, "case_logs": _case_logs, "networks": _networks}


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


def check_agreements(sample: int = 25) -> None:
    """The app's own search_parts() and signed content must agree with the generator's rows."""
    from hospitaldesk.services import contract_content
    from hospitaldesk.services.agreements import contract_lines

    for record in Agreement.select().order_by(Agreement.id).limit(sample):  # ids are random: a random sample
        expected = text.search_key(*record.search_parts())
        if record.search_key != expected:
            raise AssertionError(
                f"agreement {record.number}: the synthetic search_key differs from Agreement.search_parts();"
                f" update tests/bench/synthetic.py.\n  generator: {record.search_key}\n  app:       {expected}"
            )
        if record.signed_on is not None:
            content = contract_content.agreement_content(record, contract_lines(record.id), record.signed_on)
            if contract_content.content_hash(content) != record.content_hash:
                raise AssertionError(f"agreement {record.number}: the synthetic frozen_json differs from"
                                     " contract_content.agreement_content(); update tests/bench/synthetic.py.")


def check_assessments(sample: int = 25) -> None:
    """The app's own scoring of a sample of assessments must agree with the stored verdicts, and each
    finalised one must have a gap action for every item it found missing (= assessments.finalise)."""
    from hospitaldesk.services import assessments

    for record in Assessment.select().order_by(Assessment.id).limit(sample):  # ids are random: a random sample
        result = assessments._scored(assessments._answers(record.id), record.threshold)
        stored = (record.readiness_index, bool(record.ready), record.critical_missing)
        if stored != (result.index, result.ready, len(result.critical_missing)):
            raise AssertionError(f"assessment {record.id}: stored {stored} but the app scores it"
                                 f" {(result.index, result.ready, len(result.critical_missing))}; update tests/bench/synthetic.py.")
        gaps = {str(g.item_id) for g in GapAction.select(GapAction.item).where(GapAction.assessment == record.id)}
        expected = set(result.missing) if record.status == "final" else set()
        if gaps != expected:
            raise AssertionError(f"assessment {record.id} ({record.status}): {len(gaps)} gap actions for"
                                 f" {len(expected)} items missing; update tests/bench/synthetic.py.")


def generate(
    db_path: Path | str,
    facilities: int = 2000,
    techniques: int = 100_000,
    seed: int = 1,
    *,
    extra: Mapping[str, int] | None = None,
    as_of: dt.date | None = None,
    reference_timeout: float = 600.0,
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> GenerationReport:
    """Create the database at `db_path` (which must not exist yet) and fill it; the store is closed after.

    `extra` gives the counts of the later steps ({"agreements": 20_000}); `as_of` is the day the
    agreements' story stops (default: today)."""
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
        ctx.as_of = as_of or dt.date.today()
        if not ctx.provinces or not ctx.specialties:
            raise StoreError("the shipped reference data has no provinces or no specialties")
        added: dict[str, int] = {}
        with connection.atomic():
            # Loaded as records moved in from an older system: one audit log entry for the load, not
            # one per row (1.3 million), with the triggers back in place for everything after.
            audited = audit.audited_models()
            for model in audited:
                audit.drop_triggers(current_database(), model)
            for name, step in STEPS.items():
                t = time.perf_counter()
                added[name] = step(ctx, counts.get(name, 0))
                log(f"  {name}: {added[name]:,} rows in {time.perf_counter() - t:.1f} s")
            for model in audited:
                audit.create_triggers(current_database(), model)
            audit.record("bulk_load", details={"generator": "tests/bench/synthetic.py", **added})
        # One administrator on a single-user PC: the window opens straight away, as a real one set up that way.
        authority.add_account("quan.tri", "Quản trị viên", "administrator", BENCH_PASSWORD)
        authority.sign_in("quan.tri", BENCH_PASSWORD)
        authority.set_accounts_off(True)
        authority.sign_out()
        # No ANALYZE here: the app never runs it, and query plans differ a lot with and without
        # sqlite_stat1, so the benchmark database must not be better maintained than a real one.
        check_search_keys()
        check_agreements()
        if added.get("assessments"):
            check_assessments()
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
    parser.add_argument("--agreements", type=_positive, default=20_000)
    parser.add_argument("--assessments", type=_positive, default=10_000)
    parser.add_argument("--case-log-pairs", type=_positive, default=5_000, help="facility-technique pairs with 24 months of case logs")
    parser.add_argument("--networks", type=_positive, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="the day the agreements' story stops (default: today)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--wait", type=float, default=600.0, metavar="SECONDS", help="how long to wait for the reference data")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.force:
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.out) + suffix).unlink(missing_ok=True)
    try:
        report = generate(args.out, args.facilities, args.techniques, args.seed, extra={"agreements": args.agreements,
                                                                                      "assessments": args.assessments,
                                                                                      "case_logs": args.case_log_pairs,
                                                                                      "networks": args.networks},
                          as_of=args.as_of, reference_timeout=args.wait)
    except (FileExistsError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
    print(f"{report.path}: {summary} in {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
