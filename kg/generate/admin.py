"""Vietnam's administrative tree before the 2025 reform, and the bodies at each level.

The units come from the `vietnam-provinces` package (data of 2025-01: 63 provinces,
696 districts, 10,051 communes, the three-level tree that pre-2025 documents' issuers belong
to). Each unit gets the bodies that issue documents there: the Party committee, the People's
Council (HĐND) and the People's Committee (UBND); the central level gets the National
Assembly, the Government, the Prime Minister, ministries and the Party's central organs.
Body keys follow the extractor's convention ("quan-uy/long-bien", "ubnd/phuong-duc-giang"),
with the parent unit appended when two units of a level share a name, so that keys and
document IRIs stay unique across the country.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from kg.ids import slug

# Unit words as the package writes them → (level, slug prefix, lower-case word in prose).
_UNIT_WORDS = (
    ("Thành phố", "thanh-pho", "thành phố"), ("Tỉnh", "tinh", "tỉnh"),
    ("Thị xã", "thi-xa", "thị xã"), ("Quận", "quan", "quận"), ("Huyện", "huyen", "huyện"),
    ("Thị trấn", "thi-tran", "thị trấn"), ("Phường", "phuong", "phường"), ("Xã", "xa", "xã"),
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class Unit:
    """One administrative unit: "Phường Đức Giang" under "Quận Long Biên"."""

    index: int
    name: str            # short name: "Đức Giang"
    full: str            # "Phường Đức Giang"
    word: str            # "phường"
    prefix: str          # "phuong"
    level: str           # province, district, commune
    parent: Unit | None = field(default=None, repr=False)
    children: list[Unit] = field(default_factory=list, repr=False)
    place: str = ""      # unique place string (full name, with the parent's when ambiguous)
    key: str = ""        # unique slug: "phuong-duc-giang" (+ "--quan-long-bien" if ambiguous)

    @property
    def province(self) -> Unit:
        u = self
        while u.parent is not None:
            u = u.parent
        return u


@dataclass
class Body:
    """A body that issues documents; `code` is its issuer code in symbols ("UBND", "TU")."""

    key: str
    name: str            # "Ủy ban nhân dân quận Long Biên"
    short: str           # "UBND quận Long Biên"
    kind: str            # a key of kg.extract.tables.BODY_KINDS
    level: str
    code: str
    family: str          # state or party
    unit: Unit | None = field(default=None, repr=False)
    parent: str | None = None
    header: tuple[str, ...] = ()   # the issuer lines at the top of its documents
    seat: str = "Hà Nội"           # the place name in "Hà Nội, ngày …"

    @property
    def place(self) -> str | None:
        return self.unit.place if self.unit else None


def _split(full: str) -> tuple[str, str, str]:
    full = nfc(full.replace("Thành Phố", "Thành phố"))
    for word, prefix, low in _UNIT_WORDS:
        if full.startswith(word + " "):
            return full[len(word) + 1:], prefix, low
    return full, "", ""


@dataclass(repr=False)
class Tree:
    provinces: list[Unit]
    districts: list[Unit]
    communes: list[Unit]

    def units(self, level: str) -> list[Unit]:
        return {"province": self.provinces, "district": self.districts,
                "commune": self.communes}[level]


@lru_cache(maxsize=1)
def tree() -> Tree:
    """The pre-2025 tree (63 provinces → 696 districts → 10,051 communes)."""
    import vietnam_provinces

    data = json.loads(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    provinces: list[Unit] = []
    districts: list[Unit] = []
    communes: list[Unit] = []
    for p in data:
        name, prefix, word = _split(p["name"])
        prov = Unit(len(provinces), name, f"{word.capitalize()} {name}", word, prefix or "tinh",
                    "province")
        provinces.append(prov)
        for d in p.get("districts", []):
            dname, dprefix, dword = _split(d["name"])
            dist = Unit(len(districts), dname, f"{dword.capitalize()} {dname}", dword,
                        dprefix or "huyen", "district", prov)
            prov.children.append(dist)
            districts.append(dist)
            for w in d.get("wards", []):
                wname, wprefix, wword = _split(w["name"])
                com = Unit(len(communes), wname, f"{wword.capitalize()} {wname}", wword,
                           wprefix or "xa", "commune", dist)
                dist.children.append(com)
                communes.append(com)
    for units in (provinces, districts, communes):
        seen = Counter(f"{u.prefix}-{slug(u.name)}" for u in units)
        for u in units:
            base = f"{u.prefix}-{slug(u.name)}"
            if seen[base] == 1 or u.parent is None:
                u.key, u.place = base, u.full
            else:
                # Ambiguous names ("Xã Tân Phú"): the parent makes them unique; a few
                # communes share both their name and their district's, so add the province.
                p = u.parent
                u.key = f"{base}--{p.prefix}-{slug(p.name)}"
                u.place = f"{u.full}, {p.full}"
        # Names that differ only by diacritics in one district ("Xã Minh Quán", "Xã Minh
        # Quân") slug alike: the later ones get a number.
        taken: Counter[str] = Counter()
        for u in units:
            taken[u.key] += 1
            if taken[u.key] > 1:
                u.key = f"{u.key}-{taken[u.key]}"
                u.place = f"{u.place} ({taken[u.key.rsplit('-', 1)[0]]})"
    return Tree(provinces, districts, communes)


# --- bodies -----------------------------------------------------------------------------

# Central bodies: key, name, short, kind, code, family, header lines.
_CENTRAL = (
    ("quoc-hoi", "Quốc hội", "Quốc hội", "quoc-hoi", "QH", "state"),
    ("ubtvqh", "Ủy ban Thường vụ Quốc hội", "UBTVQH", "ubtvqh", "UBTVQH", "state"),
    ("chinh-phu", "Chính phủ", "Chính phủ", "chinh-phu", "CP", "state"),
    ("thu-tuong", "Thủ tướng Chính phủ", "Thủ tướng Chính phủ", "thu-tuong", "TTg", "state"),
    ("ban-chap-hanh-trung-uong", "Ban Chấp hành Trung ương Đảng", "Ban Chấp hành Trung ương",
     "ban-chap-hanh-trung-uong", "TW", "party"),
    ("bo-chinh-tri", "Bộ Chính trị", "Bộ Chính trị", "bo-chinh-tri", "TW", "party"),
    ("ban-bi-thu", "Ban Bí thư", "Ban Bí thư", "ban-bi-thu", "TW", "party"),
)
# Ministries (name, code) whose circulars and decisions guide the provinces.
MINISTRIES = (
    ("Bộ Tài chính", "BTC"), ("Bộ Tư pháp", "BTP"), ("Bộ Nội vụ", "BNV"), ("Bộ Công an", "BCA"),
    ("Bộ Y tế", "BYT"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"),
    ("Bộ Tài nguyên và Môi trường", "BTNMT"), ("Bộ Xây dựng", "BXD"), ("Bộ Công Thương", "BCT"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "BNNPTNT"),
    ("Bộ Lao động - Thương binh và Xã hội", "BLĐTBXH"),
    ("Bộ Văn hóa, Thể thao và Du lịch", "BVHTTDL"), ("Bộ Khoa học và Công nghệ", "BKHCN"),
    ("Bộ Thông tin và Truyền thông", "BTTTT"), ("Bộ Kế hoạch và Đầu tư", "BKHĐT"),
    ("Bộ Giao thông vận tải", "BGTVT"),
)
_CENTRAL_PARENT = {"ubtvqh": "quoc-hoi", "thu-tuong": "chinh-phu",
                   "bo-chinh-tri": "ban-chap-hanh-trung-uong",
                   "ban-bi-thu": "ban-chap-hanh-trung-uong"}


@dataclass(repr=False)
class Bodies:
    """Every body of the generated country, by key and by unit."""

    by_key: dict[str, Body]
    ministries: list[Body]
    party: dict[int, Body]       # id(unit) → Party committee of the unit
    hdnd: dict[int, Body]
    ubnd: dict[int, Body]

    def central(self, key: str) -> Body:
        return self.by_key[key]


def _party_name(u: Unit) -> tuple[str, str, str]:
    """Name, symbol code and kind of the Party committee of a unit."""
    if u.level == "province":
        word = "Thành ủy" if u.prefix == "thanh-pho" else "Tỉnh ủy"
        return f"{word} {u.name}", "TU", "thanh-uy"
    if u.level == "district":
        word, code = {"quan": ("Quận ủy", "QU"), "huyen": ("Huyện ủy", "HU"),
                      "thi-xa": ("Thị ủy", "TU"), "thanh-pho": ("Thành ủy", "TU")}[u.prefix]
        return f"{word} {u.name}", code, "quan-uy"
    return f"Đảng ủy {u.word} {u.name}", "ĐU", "dang-uy"


def _upper_unit(u: Unit) -> str:
    return f"{u.word} {u.name}".upper()


@lru_cache(maxsize=1)
def bodies() -> Bodies:
    """The bodies of every unit of `tree()`, and the central ones."""
    t = tree()
    by_key: dict[str, Body] = {}
    for key, name, short, kind, code, family in _CENTRAL:
        header = ("BAN CHẤP HÀNH TRUNG ƯƠNG", "*") if family == "party" else (name.upper(),)
        by_key[key] = Body(key, name, short, kind, "central", code, family,
                           parent=_CENTRAL_PARENT.get(key), header=header)
    ministries = []
    for name, code in MINISTRIES:
        b = Body(f"bo/{slug(name)}", name, name, "bo", "central", code, "state",
                 parent="chinh-phu", header=(name.upper(),))
        by_key[b.key] = b
        ministries.append(b)
    party: dict[int, Body] = {}
    hdnd: dict[int, Body] = {}
    ubnd: dict[int, Body] = {}
    stripped = {level: Counter(u.key.removeprefix(u.prefix + "-") for u in t.units(level))
                for level in ("province", "district", "commune")}
    for level in ("province", "district", "commune"):
        for u in t.units(level):
            seat = u.name if level != "commune" else u.parent.name  # type: ignore[union-attr]
            pname, pcode, pkind = _party_name(u)
            # The extractor's keys: "thanh-uy/ha-noi", "quan-uy/long-bien", and the unit
            # word kept for communes: "dang-uy/phuong-duc-giang".
            # "Quận Hoàng Mai" and "Thị xã Hoàng Mai" keep their unit word to stay apart.
            short = u.key.removeprefix(u.prefix + "-")
            pkey = f"dang-uy/{u.key}" if pkind == "dang-uy" else \
                f"{pkind}/{short if stripped[level][short] == 1 else u.key}"
            parent_unit = u.parent
            pparent = party[id(parent_unit)].key if parent_unit else "ban-chap-hanh-trung-uong"
            hparent = hdnd[id(parent_unit)].key if parent_unit else "quoc-hoi"
            uparent = ubnd[id(parent_unit)].key if parent_unit else "chinh-phu"
            above = _upper_unit(parent_unit) if parent_unit else ""
            pb = Body(pkey, pname, pname, pkind, level, pcode, "party", u, pparent,
                      (f"ĐẢNG BỘ {above}".strip() if parent_unit else "ĐẢNG BỘ "
                       + _upper_unit(u), pname.upper(), "*"), seat)
            hb = Body(f"hdnd/{u.key}", f"Hội đồng nhân dân {u.word} {u.name}",
                      f"HĐND {u.word} {u.name}", "hdnd", level, "HĐND", "state", u, hparent,
                      ("HỘI ĐỒNG NHÂN DÂN", _upper_unit(u)), seat)
            ub = Body(f"ubnd/{u.key}", f"Ủy ban nhân dân {u.word} {u.name}",
                      f"UBND {u.word} {u.name}", "ubnd", level, "UBND", "state", u, uparent,
                      ("ỦY BAN NHÂN DÂN", _upper_unit(u)), seat)
            for b in (pb, hb, ub):
                by_key[b.key] = b
            party[id(u)], hdnd[id(u)], ubnd[id(u)] = pb, hb, ub
    return Bodies(by_key, ministries, party, hdnd, ubnd)
