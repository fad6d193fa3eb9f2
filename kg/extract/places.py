"""Administrative units (province → district → commune) before the 2025 reform.

Read from the `vietnam-provinces` package (0.6: the three-level list of 63 provinces),
which is what old documents' issuers belong to. Used to place a body named without its
place ("Quận ủy" in an article about a ward of Long Biên).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract.fold import bare

# Unit words as written before a name → level, and the prefix of a slug.
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "phường": ("commune", "phuong"), "xã": ("commune", "xa"), "thị trấn": ("commune", "thi-tran"),
    "quận": ("district", "quan"), "huyện": ("district", "huyen"), "thị xã": ("district", "thi-xa"),
    "thành phố": ("province", "thanh-pho"), "tp": ("province", "thanh-pho"),
    "tp.": ("province", "thanh-pho"), "tỉnh": ("province", "tinh"),
}


@dataclass(frozen=True)
class Unit:
    name: str            # short name: "Đức Giang"
    full: str            # "Phường Đức Giang"
    level: str           # province, district, commune
    prefix: str          # slug prefix: "phuong", "quan", "thanh-pho"…
    parent: Unit | None = None

    @property
    def slug(self) -> str:
        return slug(self.name)

    @property
    def unit_slug(self) -> str:
        return f"{self.prefix}-{self.slug}"

    def up(self, level: str) -> Unit | None:
        u: Unit | None = self
        while u is not None and u.level != level:
            u = u.parent
        return u


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(s: str) -> str:
    """ASCII slug: "Đức Giang" → "duc-giang".

    >>> slug("Hai Bà Trưng")
    'hai-ba-trung'
    """
    return _NOT_SLUG.sub("-", bare(s)).strip("-")


_PREFIXES = sorted(((w, v) for w, v in UNIT_WORDS.items() if not w.startswith("tp")),
                   key=lambda kv: -len(kv[0]))


def _short(full: str) -> tuple[str, str, str]:
    low = full.lower()
    for w, (level, prefix) in _PREFIXES:
        if low.startswith(w + " "):
            return full[len(w) + 1:], level, prefix
    return full, "", ""


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, list[Unit]]:
    """Units by the slug of their short name ("duc-giang" → [Phường Đức Giang, …])."""
    try:
        import vietnam_provinces
        path = vietnam_provinces.NESTED_DIVISIONS_JSON_PATH
    except (ImportError, AttributeError):  # the package is optional at run time
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    index: dict[str, list[Unit]] = {}

    def add(u: Unit) -> None:
        index.setdefault(u.slug, []).append(u)

    for p in data:
        name, _, prefix = _short(p["name"])
        prov = Unit(name, p["name"], "province", prefix or "tinh")
        add(prov)
        for d in p.get("districts", []):
            dname, _, dprefix = _short(d["name"])
            dist = Unit(dname, d["name"], "district", dprefix or "huyen", prov)
            add(dist)
            for w in d.get("wards", []):
                wname, _, wprefix = _short(w["name"])
                add(Unit(wname, w["name"], "commune", wprefix or "xa", dist))
    return index


def lookup(name: str, level: str | None = None, prefix: str | None = None) -> list[Unit]:
    """Units named `name` (any case, any diacritics damage), optionally of one level."""
    units = gazetteer().get(slug(name), [])
    if prefix and level != "province":
        units = [u for u in units if u.prefix == prefix] or units
    if level:
        units = [u for u in units if u.level == level]
    return units


def places_in_source(source: str) -> list[Unit]:
    """Provinces and districts named in a source address ("longbien.hanoi.gov.vn")."""
    tokens = set(re.split(r"[^a-z0-9]+", source.lower()))
    found = []
    for units in gazetteer().values():
        for u in units:
            if u.level != "commune" and len(u.slug) >= 6 and u.slug.replace("-", "") in tokens:
                found.append(u)
    return found
