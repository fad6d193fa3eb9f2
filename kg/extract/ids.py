"""Document numbers and symbols (số, ký hiệu): find them, read them, write them canonically.

Three families (Nghị định 30/2020/NĐ-CP Phụ lục I; Quy định 66-QĐ/TW):
state normative `n/yyyy/TYPE-ISSUER` (`97/2019/QH14`, `32/2021/NĐ-CP`), administrative
`n/TYPE-ISSUER` (`115/KH-UBND`) and Party `n-TYPE/ISSUER` (`171-KH/TU`). The scanner is
one regular expression with bounded repetitions only, so each match attempt costs a
constant and a scan is linear in the text; codes are checked against the tables of
`kg.extract.rules`, which also drive the repair of case, look-alikes and typos.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from kg.extract.model import Correction
from kg.extract.rules import (
    CODE_SPELLING,
    ISSUER_CODES,
    PARTY_TYPE_OVERRIDES,
    TERM_CODES,
    TYPE_CODES,
)

_L = "A-Za-zĐđƯưƠơ"
_SEG = f"[{_L}][{_L}0-9]{{0,11}}"
_SYM = f"{_SEG}(?: ?[-/] ?{_SEG}){{0,5}}"
# the look-behind follows the first digit so that the scan skips to digits in C
_ID = re.compile(
    rf"(\d(?<![\w/.\-]\d)\d{{0,4}}) {{0,2}}"
    rf"(?:/ {{0,2}}((?:19|20)\d\d) {{0,2}}/ {{0,2}}|([-/]) {{0,2}})"
    rf"({_SYM})"
)
_SPLIT = re.compile(r" ?([-/]) ?")
_TERM = re.compile(r"^(UBTVQH|QH)(\d{1,2})$")
_KNOWN = set(TYPE_CODES) | set(ISSUER_CODES)


@dataclass
class ParsedId:
    """A number and symbol read from text, in canonical form."""

    id: str
    number: str
    year: int | None
    symbol: str
    family: str                 # "state", "administrative", "party"
    type: str | None            # type key from the type code, if the symbol has one
    issuer_code: str | None     # "QH", "CP", "UBND", "TU"…
    start: int = 0
    end: int = 0
    corrections: list[Correction] = field(default_factory=list)
    repaired: bool = False      # a correction needs evidence from elsewhere to be trusted


def _upper(seg: str) -> str:
    """Upper case with look-alikes folded: "Ctr" → "CTR", "QƯ" → "QU"."""
    return seg.upper().replace("Ư", "U").replace("Ơ", "O")


def _spell(code: str) -> str:
    return CODE_SPELLING.get(code, code)


def _near(code: str, pool: set[str]) -> list[str]:
    """Codes of `pool` one substitution away from `code`."""
    return sorted(c for c in pool if len(c) == len(code)
                  and sum(a != b for a, b in zip(c, code, strict=True)) == 1)


def _split_glued(u: str) -> tuple[str, str] | None:
    """"NQHĐND" → ("NQ", "HĐND"): a type code and an issuer code written without hyphen."""
    if "D" in u and "Đ" not in u:
        u = u.replace("D", "Đ") if _split_glued(u.replace("D", "Đ")) else u
    for i in range(len(u) - 1, 0, -1):
        if u[:i] in TYPE_CODES and u[i:] in ISSUER_CODES:
            return u[:i], u[i:]
    return None


def _trim_tail(seg: str) -> str:
    """"TWngày" → "TW": a last segment glued to the next word keeps its code prefix."""
    u = _upper(seg)
    if u in _KNOWN or _TERM.match(u):
        return seg
    for i in range(len(seg) - 1, 0, -1):
        if _upper(seg[:i]) in _KNOWN and seg[i:i + 1].islower():
            return seg[:i]
    return seg


def parse(s: str) -> ParsedId | None:
    """Read one number-and-symbol; None when it is not one.

    >>> parse("97/2019/QH14").id
    '97/2019/QH14'
    >>> parse("171-KH/TU").family, parse("171-KH/TU").type
    ('party', 'ke-hoach')
    >>> parse("03-TT/QU").type
    'thong-tri'
    >>> parse("100 - KL/TW").id
    '100-KL/TW'
    >>> parse("06- CTr/QƯ").id
    '06-CTr/QU'
    >>> parse("20/2016/QĐ-TTG").id
    '20/2016/QĐ-TTg'
    >>> parse("21/2024/NQHĐND").id
    '21/2024/NQ-HĐND'
    >>> p = parse("97/2019/QL14"); p.id, p.corrections[0].corrected
    ('97/2019/QH14', '97/2019/QH14')
    >>> parse("06/07/2022") is None, parse("2005-2010") is None
    (True, True)
    """
    m = _ID.search(s.replace("\u00d0", "Đ"))
    return _read(m) if m else None


def scan(flat: str) -> list[ParsedId]:
    """Every number-and-symbol in `flat` (a folded view of the text), in order."""
    out = []
    for m in _ID.finditer(flat):
        p = _read_written(m.group())
        if p is not None:
            at = m.start()
            out.append(ParsedId(p.id, p.number, p.year, p.symbol, p.family, p.type,
                                p.issuer_code, at + p.start, at + p.end,
                                [replace(c) for c in p.corrections], p.repaired))
    return out


@lru_cache(maxsize=8192)
def _read_written(written: str) -> ParsedId | None:
    """`_read` of one matched string (a text repeats its references): offsets from 0."""
    m = _ID.match(written)
    return _read(m) if m else None


def _read(m: re.Match[str]) -> ParsedId | None:
    number, year, sep, sym = m.group(1), m.group(2), m.group(3), m.group(4)
    parts = _SPLIT.split(sym)
    segs, seps = parts[0::2], parts[1::2]
    trimmed = _trim_tail(segs[-1])
    end = m.end() - (len(segs[-1]) - len(trimmed))
    segs[-1] = trimmed
    family = "state" if year else ("party" if sep == "-" else "administrative")
    if family == "party" and "/" not in seps[:1]:
        return None
    if family == "administrative" and not seps and _split_glued(_upper(segs[0])) is None:
        return None
    corrections: list[Correction] = []
    repaired = False
    codes: list[str] = []
    for i, seg in enumerate(segs):
        u = _upper(seg)
        after_issuer = any(c in ISSUER_CODES and (j or c not in TYPE_CODES)
                           for j, c in enumerate(codes))
        if u in _KNOWN:
            codes.append(_spell(u))
            continue
        t = _TERM.match(u)
        if t:
            codes.append(t.group(1) + t.group(2))
            continue
        if "D" in u and u.replace("D", "Đ") in _KNOWN:   # ASCII-folded text: "ND-CP"
            codes.append(_spell(u.replace("D", "Đ")))
            continue
        glued = _split_glued(u)
        if glued:
            codes.extend(glued)
            continue
        if after_issuer and (seg.isupper() or all(not x.isupper() for x in segs[:i])):
            # "3652/BYT-DP": after the issuer's code an unknown code names its unit (Cục Y
            # tế dự phòng): kept as written, never "repaired" into another issuer's code
            codes.append(u)
            continue
        letters = u.rstrip("0123456789")
        digits = u[len(letters):]
        pool = set(TERM_CODES) if digits else (set(TYPE_CODES) if i == 0 else set(ISSUER_CODES))
        near = _near(letters, pool) if len(letters) >= 2 else []
        if len(near) == 1 and (family == "state" or not digits):
            codes.append(_spell(near[0]) + digits)
            repaired = True
            continue
        if not seg.isupper() and not u.isdigit():
            return None         # lower-case unknown word: not a symbol
        codes.append(u)
    if not any(c.rstrip("0123456789") in _KNOWN for c in codes):
        return None
    if family == "party":
        ident_sym = codes[0] + "/" + "/".join(codes[1:])
        ident = f"{number}-{ident_sym}"
    else:
        ident_sym = "-".join(codes)
        ident = f"{number}/{year}/{ident_sym}" if year else f"{number}/{ident_sym}"
    issuer_code = _issuer_code(codes)
    type_key = TYPE_CODES.get(_upper(codes[0]))
    if family == "party" and _upper(codes[0]) in PARTY_TYPE_OVERRIDES:
        type_key = PARTY_TYPE_OVERRIDES[_upper(codes[0])]
    elif _upper(codes[0]) == "TT" and issuer_code and ISSUER_CODES[issuer_code].family == "party":
        type_key = PARTY_TYPE_OVERRIDES["TT"]
    written = m.group(0)[: end - m.start()]
    if repaired:
        corrections.append(Correction("id", written, ident, "symbol code one letter from a "
                                                             "known code"))
    return ParsedId(ident, number, int(year) if year else None, ident_sym, family, type_key,
                    issuer_code, m.start(), end, corrections, repaired)


def _issuer_code(codes: list[str]) -> str | None:
    """The issuer's code: the first known issuer code after the type code (or a QH term)."""
    for c in codes:
        u = _upper(c)
        t = _TERM.match(u)
        if t:
            return t.group(1)
        if u in ISSUER_CODES and not (u in TYPE_CODES and c is codes[0]):
            return u
    return None


def family_of(ident: str) -> str | None:
    """The family of a canonical id.

    >>> family_of("171-KH/TU"), family_of("115/KH-UBND"), family_of("32/2021/NĐ-CP")
    ('party', 'administrative', 'state')
    """
    p = parse(ident)
    return p.family if p else None
