"""Dates as Vietnamese texts write them, read at a position of the folded (bare) view.

Forms: "27/11/2019", "15-5-2021", "08.07.2025", "ngày 27 tháng 11 năm 2019" (also broken
over lines), "tháng 11/2021" (month only). All patterns have bounded repetitions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMERIC = re.compile(r"(\d{1,2}) {0,2}([/.\-]) {0,2}(\d{1,2}) {0,2}\2 {0,2}((?:19|20)\d\d)(?!\d)")
_WORDS = re.compile(r"(?:ngay {1,3})?(\d{1,2}) {1,3}thang {1,3}(\d{1,2}) {1,3}nam {1,3}"
                    r"((?:19|20)\d\d)(?!\d)")
_MONTH = re.compile(r"thang {1,3}(\d{1,2}) {0,2}(?:/|nam) {0,2}((?:19|20)\d\d)(?!\d)")
_ANY = re.compile(r"(?<!\d)(?:\d{1,2} {0,2}[/.\-] {0,2}\d{1,2} {0,2}[/.\-] {0,2}(?:19|20)\d\d"
                  r"|\d{1,2} {1,3}thang {1,3}\d{1,2} {1,3}nam {1,3}(?:19|20)\d\d"
                  r"|thang {1,3}\d{1,2} {0,2}(?:/|nam) {0,2}(?:19|20)\d\d)(?!\d)")


@dataclass(frozen=True)
class DateMatch:
    iso: str        # "2019-11-27", or "2021-11" for a month
    start: int
    end: int


def _iso(y: str, m: str, d: str | None = None) -> str | None:
    yi, mi = int(y), int(m)
    if not 1 <= mi <= 12:
        return None
    if d is None:
        return f"{yi:04d}-{mi:02d}"
    di = int(d)
    if not 1 <= di <= 31:
        return None
    return f"{yi:04d}-{mi:02d}-{di:02d}"


def date_at(bare: str, pos: int) -> DateMatch | None:
    """The date that starts exactly at `pos` of the bare view, if any.

    >>> date_at("ngay 27 thang 11 nam 2019;", 0).iso
    '2019-11-27'
    >>> date_at("22/4/2021 ve", 0).iso
    '2021-04-22'
    >>> date_at("thang 11/2021", 0).iso
    '2021-11'
    """
    for rx in (_WORDS, _NUMERIC):
        m = rx.match(bare, pos)
        if m:
            g = m.groups()
            iso = _iso(g[2], g[1], g[0]) if rx is _WORDS else _iso(g[3], g[2], g[0])
            if iso:
                return DateMatch(iso, m.start(), m.end())
    m = _MONTH.match(bare, pos)
    if m:
        iso = _iso(m.group(2), m.group(1))
        if iso:
            return DateMatch(iso, m.start(), m.end())
    return None


def all_dates(bare: str, start: int = 0, end: int | None = None) -> list[DateMatch]:
    """Every date in `bare[start:end]`, in order."""
    out = []
    for m in _ANY.finditer(bare, start, len(bare) if end is None else end):
        d = date_at(bare, m.start())
        if d:
            out.append(d)
    return out


_AFTER = re.compile(r"[ ,]{0,3}(?:\(? {0,2})?(?:(?:ban hanh |ky )?ngay {0,3}:? {0,3})?")


def date_after(bare: str, pos: int) -> DateMatch | None:
    """A document's date right after its number: " ngày 31/12/2019", ", ngày 07/7/2019",
    " 22/4/2021", " ngày 08 tháng 6 năm 2010".

    >>> date_after(" 22/4/2021 ve", 0).iso
    '2021-04-22'
    >>> date_after(", ngay 07/7/2019 cua", 0).iso
    '2019-07-07'
    """
    m = _AFTER.match(bare, pos)
    return date_at(bare, m.end()) if m else None
