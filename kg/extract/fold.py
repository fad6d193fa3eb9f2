"""Offset-preserving views of a text: every view has exactly the length of the original.

Matching runs on these views so that damage real texts carry (Ð for Đ, odd dashes and
spaces, line breaks inside references, wrong case, misplaced tone marks) is folded away
while every match still maps one-to-one back to a span of the text as given.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# One character in, one character out: look-alikes and typographic variants.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f" \
          "\u205f\u3000\t\r\x0b\x0c\u200b\ufeff"
_FIX = {ord(c): "-" for c in _DASHES}
_FIX.update({ord(c): " " for c in _SPACES})
_FIX.update({0x00D0: "Đ", 0x0110: "Đ", 0x00F0: "đ", 0x2044: "/", 0x2215: "/", 0xFF0F: "/",
             0x201C: '"', 0x201D: '"', 0x201E: '"', 0x2018: "'", 0x2019: "'"})


_FIX_RX = re.compile("[" + re.escape("".join(chr(k) for k in _FIX)) + "]")


def _fix_one(m: re.Match[str]) -> str:
    return _FIX[ord(m.group())]


@lru_cache(maxsize=4096)
def _bare(ch: str) -> str:
    """The base letter of one character, lower case, without diacritics (đ → d)."""
    if ch in "đĐ":
        return "d"
    low = ch.lower()
    if len(low) != 1:
        low = ch
    base = unicodedata.normalize("NFD", low)[0]
    return base if base.isascii() or not base.isalpha() else low


@dataclass(frozen=True)
class Views:
    """The text and its folded views (same length, same offsets).

    `flat`: look-alikes fixed, dashes → "-", every space-like character and line break → " ".
    `low`: `flat` in lower case. `bare`: `low` without diacritics ("nghị quyết" → "nghi quyet").
    """

    text: str
    flat: str
    low: str
    bare: str


def views(text: str) -> Views:
    """Build the folded views of `text`.

    >>> v = views("Nghị quyết số\\n97/2019/QH14 – Ðảng")
    >>> v.flat
    'Nghị quyết số 97/2019/QH14 - Đảng'
    >>> v.bare
    'nghi quyet so 97/2019/qh14 - dang'
    >>> len(v.bare) == len(v.text)
    True
    """
    flat = _FIX_RX.sub(_fix_one, text).replace("\n", " ")
    low = flat.lower()
    if len(low) != len(flat):  # rare: a character whose lower case is two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in flat)
    bare = low.translate(_bare_table())
    return Views(text, flat, low, bare)


@lru_cache(maxsize=1)
def _bare_table() -> dict[int, str]:
    """Latin letters with diacritics (Latin-1 to Latin Extended Additional) → base letter."""
    chars = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    return {i: _bare(chr(i)) for i in chars if _bare(chr(i)) != chr(i)}


def bare(s: str) -> str:
    """The bare view of a short string (see `views`).

    >>> bare("Đức Giang")
    'duc giang'
    """
    low = s.translate(_FIX).lower()
    return low.translate(_bare_table())


def phrase_rx(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a table of folded phrases, longest first, ending at a word end.

    The start boundary is checked by `words()` rather than by a look-behind, which keeps
    the pattern's literal prefixes visible to the regex engine (twice as fast).
    """
    alts = sorted(set(phrases), key=len, reverse=True)
    return re.compile("(" + "|".join(re.escape(p) for p in alts) + r")(?![a-z0-9])")


def words(rx: re.Pattern[str], bare_text: str, start: int = 0,
          end: int | None = None) -> Iterator[re.Match[str]]:
    """Matches of a `phrase_rx` pattern that start at a word start.

    >>> [m.group(1) for m in words(phrase_rx(["ke hoach"]), "ke hoach; phoke hoach")]
    ['ke hoach']
    """
    end = len(bare_text) if end is None else end
    for m in rx.finditer(bare_text, start, end):
        i = m.start()
        if i == 0 or not (bare_text[i - 1].isalnum() and bare_text[i - 1].isascii()):
            yield m
