"""Bodies (organisations) named in a text, placed in the hierarchy from the text's context.

A "Quận ủy" in an article about a ward of Long Biên is Quận ủy Long Biên; a "UBND phường"
is the UBND of the ward the article is about. Body keys are stable ASCII slugs
("quan-uy/long-bien", "ubnd/phuong-duc-giang", "quoc-hoi").
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from kg.extract.fold import Views, bare_line, hits, register, trie_pattern
from kg.extract.model import Body
from kg.extract.places import UNIT_WORDS, Unit, lookup, slug
from kg.extract.rules import ISSUER_CODES


@dataclass(frozen=True)
class Form:
    kind: str
    level: str | None          # fixed level, or None: from the unit word / the context
    label: str                 # how the name is written before a place ("Quận ủy")
    sub: str | None = None     # "ban-thuong-vu": the standing committee of the kind


# Surface forms (folded when compiled) → body form. Longest match wins.
BODY_FORMS: dict[str, Form] = {
    "Quốc hội": Form("quoc-hoi", "central", "Quốc hội"),
    "Ủy ban Thường vụ Quốc hội": Form("ubtvqh", "central", "Ủy ban Thường vụ Quốc hội"),
    "UBTVQH": Form("ubtvqh", "central", "Ủy ban Thường vụ Quốc hội"),
    "Văn phòng Quốc hội": Form("co-quan-trung-uong", "central", "Văn phòng Quốc hội"),
    "Chủ tịch nước": Form("chu-tich-nuoc", "central", "Chủ tịch nước"),
    "Chính phủ": Form("chinh-phu", "central", "Chính phủ"),
    "Thủ tướng Chính phủ": Form("thu-tuong", "central", "Thủ tướng Chính phủ"),
    "Bộ Chính trị": Form("bo-chinh-tri", "central", "Bộ Chính trị"),
    "Ban Bí thư": Form("ban-bi-thu", "central", "Ban Bí thư"),
    "Ban Chấp hành Trung ương": Form("ban-chap-hanh-trung-uong", "central",
                                     "Ban Chấp hành Trung ương Đảng"),
    "Ban Chấp hành Trung ương Đảng": Form("ban-chap-hanh-trung-uong", "central",
                                          "Ban Chấp hành Trung ương Đảng"),
    "Thành ủy": Form("thanh-uy", "province", "Thành ủy"),
    "Tỉnh ủy": Form("thanh-uy", "province", "Tỉnh ủy"),
    "Ban Thường vụ Thành ủy": Form("thanh-uy", "province", "Thành ủy", "ban-thuong-vu"),
    "Ban Thường vụ Tỉnh ủy": Form("thanh-uy", "province", "Tỉnh ủy", "ban-thuong-vu"),
    "BTV Thành ủy": Form("thanh-uy", "province", "Thành ủy", "ban-thuong-vu"),
    "BTV Tỉnh ủy": Form("thanh-uy", "province", "Tỉnh ủy", "ban-thuong-vu"),
    "Quận ủy": Form("quan-uy", "district", "Quận ủy"),
    "Huyện ủy": Form("quan-uy", "district", "Huyện ủy"),
    "Thị ủy": Form("quan-uy", "district", "Thị ủy"),
    "Ban Thường vụ Quận ủy": Form("quan-uy", "district", "Quận ủy", "ban-thuong-vu"),
    "Ban Thường vụ Huyện ủy": Form("quan-uy", "district", "Huyện ủy", "ban-thuong-vu"),
    "Đảng ủy": Form("dang-uy", None, "Đảng ủy"),
    "Đảng ủy Khối": Form("dang-uy-khoi", None, "Đảng ủy Khối"),
    "Ủy ban nhân dân": Form("ubnd", None, "UBND"),
    "UBND": Form("ubnd", None, "UBND"),
    "Hội đồng nhân dân": Form("hdnd", None, "HĐND"),
    "HĐND": Form("hdnd", None, "HĐND"),
    "Ủy ban Mặt trận Tổ quốc Việt Nam": Form("mttq", None, "UBMTTQ"),
    "Ủy ban Mặt trận Tổ quốc": Form("mttq", None, "UBMTTQ"),
    "UBMTTQ": Form("mttq", None, "UBMTTQ"),
    "Ủy ban MTTQ": Form("mttq", None, "UBMTTQ"),
    "MTTQ": Form("mttq", None, "UBMTTQ"),
    **{i.name: Form(i.kind, "central", i.name) for i in ISSUER_CODES.values()
       if i.kind in ("bo", "toa-an", "vien-kiem-sat") or i.name.startswith(("Văn phòng", "Ban"))},
}

# The parent kind of place-bound kinds, one level up.
PARENT_KIND = {"dang-uy": "quan-uy", "quan-uy": "thanh-uy", "ubnd": "ubnd", "hdnd": "hdnd",
               "mttq": "mttq", "thanh-uy": "ban-chap-hanh-trung-uong"}
CENTRAL_PARENT = {"thanh-uy": "ban-chap-hanh-trung-uong", "ubnd": "chinh-phu",
                  "hdnd": "quoc-hoi", "thu-tuong": "chinh-phu", "bo": "chinh-phu",
                  "ubtvqh": "quoc-hoi", "bo-chinh-tri": "ban-chap-hanh-trung-uong",
                  "ban-bi-thu": "ban-chap-hanh-trung-uong"}
_FIXED_LEVEL_NAMES = {"quan-uy": {"quan": "Quận ủy", "huyen": "Huyện ủy", "thi-xa": "Thị ủy",
                                  "thanh-pho": "Thành ủy"},
                      "thanh-uy": {"thanh-pho": "Thành ủy", "tinh": "Tỉnh ủy"}}


def _fold_key(s: str) -> str:
    return bare_line(s)


_FORMS_BARE = {_fold_key(k): v for k, v in BODY_FORMS.items()}
FORM_TABLE = register("form", _FORMS_BARE)
_UNIT_BARE = {_fold_key(k): v for k, v in UNIT_WORDS.items()}
_UNIT_RX = re.compile(r" {1,3}(" + trie_pattern(_UNIT_BARE) + r")(?![a-z0-9])")
UNIT_TABLE = register("unit", _UNIT_BARE)


@cache
def _label_slug(label: str) -> str:
    """`slug` of a body form's label, once a process: labels come from the fixed tables
    above and `ISSUER_CODES`, and a text names its central bodies again and again."""
    return slug(label)


@dataclass
class Home:
    """Where the text is: the lowest places it is about, found in the text or given."""

    commune: Unit | None = None
    district: Unit | None = None
    province: Unit | None = None

    def at(self, level: str | None) -> Unit | None:
        return {"commune": self.commune, "district": self.district,
                "province": self.province}.get(level or "")


def _name_after(v: Views, pos: int) -> tuple[str, int] | None:
    """A capitalised name right after `pos` ("Đức Giang"), with its end."""
    stop = {"Thành", "Tỉnh", "Quận", "Huyện", "Phường", "Xã", "Về", "Của", "Và", "Khóa", "Khoá",
            "Ngày", "Số", "Lần"}
    i = pos
    while i < len(v.flat) and i < pos + 3 and v.flat[i] == " ":
        i += 1
    keep: list[str] = []
    end = i
    j = i
    while len(keep) < 4:
        k = j
        while k < len(v.flat) and k < j + 15 and v.flat[k].isalpha():
            k += 1
        w = v.flat[j:k]
        if not w or not w[0].isupper() or (keep and w in stop):
            break
        keep.append(w)
        end = k
        if k < len(v.flat) and v.flat[k] == " " and k + 1 < len(v.flat):
            j = k + 1
        else:
            break
    if not keep:
        return None
    return " ".join(keep), end


def _units_after(v: Views, pos: int, level: str | None, prefix: str | None
                 ) -> tuple[list[Unit], int]:
    """Units named right after `pos`, trying the longest run of capitalised words first."""
    got = _name_after(v, pos)
    if not got:
        return [], pos
    name, end = got
    words = name.split(" ")
    start = end - len(name)
    for k in range(len(words), 0, -1):
        sub = " ".join(words[:k])
        units = lookup(sub, None, prefix)
        if level == "province":
            units = [u for u in units if u.level in ("province", "district")]
        elif level:
            units = [u for u in units if u.level == level]
        if units:
            return units, start + len(sub)
    return [], pos


def place_mentions(v: Views) -> list[tuple[Unit, int, int]]:
    """Places written with their unit word ("phường Đức Giang", "Quận Long Biên")."""
    out = []
    bare = v.bare
    for s, e in hits(v, UNIT_TABLE):
        if bare[e:e + 1] != " " or not v.flat[e + 1:e + 5].lstrip(" ")[:1].isupper():
            continue    # "xã hội", "thành phố trực thuộc": no name follows
        level, prefix = _UNIT_BARE[bare[s:e]]
        units, end = _units_after(v, e + 1, level, prefix)
        if units:
            out.append((units[0], s, end))
    return out


def _province_slug(u: Unit) -> str | None:
    p = u.up("province")
    return p.slug if p else None


def find_home(v: Views, given: list[Unit]) -> Home:
    """The text's own place: the most mentioned commune, then its district and province."""
    mentions = place_mentions(v)
    given_prov = {_province_slug(u) for u in given} - {None}
    # re-resolve ambiguous names toward given or mentioned provinces
    counts: Counter[Unit] = Counter()
    for u, _, _ in mentions:
        if given_prov and _province_slug(u) not in given_prov:
            alt = [x for x in lookup(u.name, u.level) if _province_slug(x) in given_prov]
            u = alt[0] if alt else u
        counts[u] += 1
    home = Home()
    for level in ("commune", "district", "province"):
        best = [u for u, _ in counts.most_common() if u.level == level]
        if best:
            setattr(home, level, best[0])
    for u in given:
        if getattr(home, u.level) is None:
            setattr(home, u.level, u)
    if home.commune and home.commune.parent:
        if home.district is None or home.district != home.commune.parent:
            home.district = home.commune.parent
    if home.district and home.district.parent:
        home.province = home.district.parent
    if home.province is None:
        for u, _ in counts.most_common():
            if u.up("province"):
                home.province = u.up("province")
                break
    return home


@dataclass
class BodyFinder:
    """Recognise body mentions and turn them into `Body`s keyed in the hierarchy."""

    v: Views
    home: Home
    bodies: dict[str, Body] = field(default_factory=dict)
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    _starts: dict[int, str] | None = None
    _ends: list[tuple[int, int, str]] = field(default_factory=list)
    _end_keys: list[int] = field(default_factory=list)

    def run(self) -> list[tuple[int, int, str]]:
        for ms, end in hits(self.v, FORM_TABLE):
            form = _FORMS_BARE[self.v.bare[ms:end]]
            unit: Unit | None = None
            level = form.level
            um = _UNIT_RX.match(self.v.bare, end)
            if um and form.level not in ("central",):
                ulevel, prefix = _UNIT_BARE[um.group(1)]
                cands, uend = _units_after(self.v, um.end(), ulevel, prefix)
                if cands:
                    unit = self._prefer(cands)
                    end = uend
                    level = unit.level
                else:
                    level = ulevel if form.level is None else form.level
                    unit = self.home.at(level)
                    end = um.end()
            elif form.level != "central":
                cands, uend = _units_after(self.v, end, form.level, None)
                if cands:
                    unit = self._prefer(cands)
                    end = uend
                    level = unit.level
                else:
                    level = form.level or self._default_level()
                    unit = self.home.at(level)
            key = self.add(form, level, unit, self.v.text[ms:end], ms, end)
            self.spans.append((ms, end, key))
        return self.spans

    def _prefer(self, cands: list[Unit]) -> Unit:
        for u in cands:
            for h in (self.home.district, self.home.province):
                if h is not None and (u == h or u.up(h.level) == h):
                    return u
        return cands[0]

    def _default_level(self) -> str | None:
        for level in ("commune", "district", "province"):
            if self.home.at(level):
                return level
        return None

    def add(self, form: Form, level: str | None, unit: Unit | None, mention: str | None,
            start: int | None, end: int | None) -> str:
        """Add (once) the body of `form` at `unit`, and its parents; return its key."""
        key, name = self._key_name(form, level, unit)
        if key not in self.bodies:
            parent = self._parent(form, level, unit)
            place = unit.full if unit else None
            self.bodies[key] = Body(key, name, form.kind, level, place, parent, mention, start, end)
        return key

    def _key_name(self, form: Form, level: str | None, unit: Unit | None) -> tuple[str, str]:
        if form.level == "central":
            label = form.label[3:] if form.kind == "bo" and form.label.startswith("Bộ ") \
                else form.label
            k = form.kind if form.kind in ("quoc-hoi", "ubtvqh", "chu-tich-nuoc", "chinh-phu",
                                           "thu-tuong", "bo-chinh-tri", "ban-bi-thu",
                                           "ban-chap-hanh-trung-uong") else \
                f"{form.kind}/{_label_slug(label)}"
            return k, form.label
        if unit is None:
            key = form.kind + (f"/{form.sub}" if form.sub else "")
            return key, ("Ban Thường vụ " if form.sub else "") + form.label
        if form.kind in _FIXED_LEVEL_NAMES:
            label = _FIXED_LEVEL_NAMES[form.kind].get(unit.prefix, form.label)
            key, name = f"{form.kind}/{unit.slug}", f"{label} {unit.name}"
        else:
            unit_word = {"thanh-pho": "thành phố", "tinh": "tỉnh", "quan": "quận",
                         "huyen": "huyện", "thi-xa": "thị xã", "phuong": "phường", "xa": "xã",
                         "thi-tran": "thị trấn"}.get(unit.prefix, "")
            key, name = f"{form.kind}/{unit.unit_slug}", f"{form.label} {unit_word} {unit.name}"
        if form.sub:
            return f"{key}/{form.sub}", f"Ban Thường vụ {name}"
        return key, name

    def _parent(self, form: Form, level: str | None, unit: Unit | None) -> str | None:
        if form.sub:
            return self._key_name(Form(form.kind, form.level, form.label), level, unit)[0]
        if form.level == "central" or unit is None:
            return CENTRAL_PARENT.get(form.kind)
        up = unit.parent
        pk = PARENT_KIND.get(form.kind)
        if up is None or pk is None:
            return CENTRAL_PARENT.get(form.kind)
        pform = next(f for f in BODY_FORMS.values() if f.kind == pk and f.sub is None)
        return self.add(pform, up.level, up, None, None, None)

    def at(self, pos: int) -> str | None:
        """The key of the body whose mention starts at `pos`."""
        if self._starts is None or len(self._starts) != len(self.spans):
            self._starts = {s: k for s, _, k in reversed(self.spans)}
            self._ends = sorted((e, s, k) for s, e, k in self.spans)
            self._end_keys = [e for e, _, _ in self._ends]
        return self._starts.get(pos)

    def ending_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Body mentions that end in [lo, hi], in text order (bisect: no scan of all)."""
        self.at(-1)
        i = bisect.bisect_left(self._end_keys, lo)
        j = bisect.bisect_right(self._end_keys, hi)
        return sorted((s, e, k) for e, s, k in self._ends[i:j])
