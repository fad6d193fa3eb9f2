"""Clean text and search keys: the "normalize" stage, between reading and recognizing.

`normalize` makes one spelling of the same text, so that every later stage (and every
character offset) works on one form. `fold` makes the key search compares on.

Tone placement policy: the *modern* style ("hòa", "thủy", "khỏe": the tone on the first
vowel of an open oa/oe/uy) is the one kept. It is what the national gazette, our registers
and most keyboards produce (on congbao-8chude about 24,700 modern against 1,900 old
forms), so converting the old style ("hoà", "thuỷ") changes the fewest texts. Search must
find both: `fold` drops tones altogether, so "hoà", "hòa" and "hoa" share one key.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Invisible characters that only carry layout hints (or hide text: bidi overrides), and the
# byte order mark that editors leave at the start or in the middle of pasted text.
_INVISIBLE = (
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufff9\ufffa\ufffb"
)
# C0/C1 controls other than tab and newline: never text, often debris of a bad conversion.
_CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F,
                                     *range(0x80, 0x85), *range(0x86, 0xA0)))
# Odd spaces (no-break, thin, ideographic…) become a plain space; hyphen look-alikes a hyphen.
# En and em dashes stay: they are punctuation in Vietnamese prose ("đồng chí X – Chủ tịch").
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
          "\u202f\u205f\u3000"
_HYPHENS = "\u2010\u2011\u2012\u2043\u2212\ufe63\uff0d"
_LINE_BREAKS = "\u000b\u000c\u0085\u2028\u2029"

_TABLE: dict[int, str | None] = {ord(c): None for c in _INVISIBLE + _CONTROLS}
_TABLE.update({ord(c): " " for c in _SPACES})
_TABLE.update({ord(c): "-" for c in _HYPHENS})
_TABLE.update({ord(c): "\n" for c in _LINE_BREAKS})
_REPLACE = {chr(k): v or "" for k, v in _TABLE.items()}
# str.translate visits every character in Python code for non-ASCII text; a regex over the
# few characters to replace is many times faster on real texts, where they are rare.
_SPECIAL = re.compile("[" + re.escape("".join(sorted(_REPLACE))) + "]")

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def _old_to_new_pairs() -> dict[str, str]:
    """Old-style vowel pairs ("oà", "uỷ", any case) mapped to the modern ones ("òa", "ủy")."""
    pairs: dict[str, str] = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for f in (first, first.upper()):
            for s in (second, second.upper()):
                for tone in _TONES:
                    old = f + unicodedata.normalize("NFC", s + tone)
                    new = unicodedata.normalize("NFC", f + tone) + s
                    pairs[old] = new
    return pairs


_OLD_TO_NEW = _old_to_new_pairs()
# The pair must close the syllable (no letter or stray mark after it: "hoàng", "khuỷu" are the
# same in both styles) and start it or follow a consonant; "uy" after q is "quý" in both styles.
_VOWELS = "aăâeêioôơuưy"
_LETTER_CLASS = r"[^\W\d_]|[\u0300-\u036f]"
_V = _VOWELS + _VOWELS.upper()
_SECOND_O = "".join(sorted({k[1] for k in _OLD_TO_NEW if k[0] in "oO"}))
_SECOND_U = "".join(sorted({k[1] for k in _OLD_TO_NEW if k[0] in "uU"}))
# Each branch opens with a plain character class, which lets the regex engine skip ahead.
_OLD_STYLE = re.compile(
    rf"(?:[oO](?<![{_V}][oO])[{_SECOND_O}]|[uU](?<![{_V}qQ][uU])[{_SECOND_U}])"
    rf"(?!{_LETTER_CLASS})"
)


def normalize(text: str) -> str:
    """One spelling for the same text: NFC, modern tone placement, \\n line ends, no invisibles.

    Offsets of later stages are taken on this output; its length may differ from the input's.

    >>> normalize("Ho\\u00e0 B\\u00ecnh\\r\\nthu\\u1ef7 l\\u1ee3i\\u00a0")
    'Hòa Bình\\nthủy lợi'
    >>> normalize("\\ufeffNghi\\u0323 quy\\u00ea\\u0301t 97")   # decomposed, BOM
    'Nghị quyết 97'
    >>> normalize("quý khách, hoàng hôn, khuỷu tay")                    # unchanged
    'quý khách, hoàng hôn, khuỷu tay'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPECIAL.sub(lambda m: _REPLACE[m.group()], text)
    text = unicodedata.normalize("NFC", text)
    text = _OLD_STYLE.sub(lambda m: _OLD_TO_NEW[m.group(0)], text)
    if " \n" in text or "\t\n" in text:
        text = re.sub(r"[ \t]+\n", "\n", text)
    return text.rstrip(" \t")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character's key: exactly one character, or none for a lone combining mark."""
    if unicodedata.combining(ch):
        return ""
    low = ch.lower() if len(ch.lower()) == 1 else ch
    base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    if len(base) != 1:
        base = low
    if base in ("đ", "ð"):
        return "d"
    return base.lower() if len(base.lower()) == 1 else base


def fold(text: str) -> str:
    """Accent- and case-insensitive search key: no tones, no diacritics, đ → d, lower case.

    Each character gives one character (a lone combining mark gives none), so the key of
    normalized Vietnamese text keeps its length: a match found in the folded text has the
    same offsets in the normalized one.

    >>> fold("Chính quyền đô thị")
    'chinh quyen do thi'
    >>> fold("ĐẢNG ỦY Phường Đức Giang") == fold("Đảng uỷ phường Đức Giang")
    True
    >>> fold("QÐ-UBND")            # Latin Eth, a look-alike of Đ in real registers
    'qd-ubnd'
    """
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)
