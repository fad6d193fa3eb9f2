"""Offset-preserving views of a text: every view has exactly the length of the original.

Matching runs on these views so that damage real texts carry (Ð for Đ, odd dashes and
spaces, line breaks inside references, wrong case, misplaced tone marks) is folded away
while every match still maps one-to-one back to a span of the text as given.

Phrase tables (type words, relation cues, body forms, posts…) are registered here and
found together by one compiled scan of the bare view (`hits`), done once a text.
"""
from __future__ import annotations

import _codecs  # charmap_build/charmap_encode: `codecs` re-exports them, but untyped
import codecs
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

# One character in, one character out: look-alikes and typographic variants.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f" \
          "\u205f\u3000\t\r\x0b\x0c\u200b\ufeff"
_FIX = {ord(c): "-" for c in _DASHES}
_FIX.update({ord(c): " " for c in _SPACES})
_FIX.update({0x00D0: "Đ", 0x0110: "Đ", 0x00F0: "đ", 0x2044: "/", 0x2215: "/", 0xFF0F: "/",
             0x201C: '"', 0x201D: '"', 0x201E: '"', 0x2018: "'", 0x2019: "'"})


# Entries that map a character to itself (Đ) stay out of the pattern: Đ is frequent, and
# each match costs a Python call that would change nothing.
_FIX_RX = re.compile("[" + re.escape("".join(chr(k) for k, c in _FIX.items() if c != chr(k)))
                     + "]")


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
    cache: dict = field(default_factory=dict, compare=False, repr=False)


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
    return Views(text, flat, low, _bare_view(low))


@lru_cache(maxsize=1)
def _bare_table() -> dict[int, str]:
    """Latin letters with diacritics (Latin-1 to Latin Extended Additional) → base letter."""
    chars = [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]
    return {i: _bare(chr(i)) for i in chars if _bare(chr(i)) != chr(i)}


# The bare view in C: lower-case letters whose bare form is one ASCII letter get a byte of
# a charmap codec (Vietnamese first), bytes.translate maps the byte to the bare letter;
# the few other characters (placeholder NUL) are patched from the slow table.
_VIET = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


@lru_cache(maxsize=1)
def _charmap() -> tuple[dict[int, int] | _codecs._EncodingMap, bytes]:
    tab = _bare_table()
    slots: list[str] = []
    for c in [*_VIET, *(chr(i) for i in range(0xC0, 0x250))]:
        b = tab.get(ord(c), c)
        if c not in slots and c != b and len(b) == 1 and b.isascii() and c.lower() == c:
            slots.append(c)
    slots = slots[:128]
    pad = 128 - len(slots)
    dec = "".join(map(chr, range(128))) + "".join(slots) + "".join(
        chr(0xE000 + i) for i in range(pad))
    to_bare = bytes([*range(128), *(ord(tab[ord(c)]) for c in slots), *([0] * pad)])
    return _codecs.charmap_build(dec), to_bare


def _placeholder(e: UnicodeError) -> tuple[bytes, int]:
    assert isinstance(e, UnicodeEncodeError)
    return b"\x00" * (e.end - e.start), e.end


codecs.register_error("kg-bare-fold", _placeholder)
# "\x00\x00*", not "\x00+": a pattern that opens with a literal lets the regex engine jump
# from one placeholder to the next ("\x00+" tries every position: six times slower).
_NUL_RUN = re.compile("\x00\x00*")


def _bare_view(low: str) -> str:
    """`low` without diacritics: same as `low.translate(_bare_table())`, ten times faster.

    >>> _bare_view("ðặng ß \\x00 ŋ 𝑾") == "ðặng ß \\x00 ŋ 𝑾".translate(_bare_table())
    True
    """
    enc, to_bare = _charmap()
    data = _codecs.charmap_encode(low, "kg-bare-fold", enc)[0]
    out = data.translate(to_bare).decode("latin-1")
    if "\x00" in out:
        tab = _bare_table()
        out = _NUL_RUN.sub(lambda m: low[m.start():m.end()].translate(tab), out)
    return out


@lru_cache(maxsize=8192)
def bare_line(s: str) -> str:
    """`views(s).bare` of a short string (a line, a title), cached: texts repeat them.

    >>> bare_line("NGHỊ\\nQUYẾT")
    'nghi quyet'
    """
    return views(s).bare


def bare(s: str) -> str:
    """The bare view of a short string (see `views`).

    >>> bare("Đức Giang")
    'duc giang'
    """
    low = s.translate(_FIX).lower()
    return low.translate(_bare_table())


# Letters by how often they start a word in the gazette texts (t, then d, c, n…). The
# engine tries the branches of a trie node one by one, so the frequent ones go first; any
# order finds the same matches, as the branches of a node start with different characters.
_LETTERS_BY_FREQUENCY = "tdcnhvblkqspgmxayruioefwzj"


def _branch_order(ch: str) -> tuple[int, str]:
    i = _LETTERS_BY_FREQUENCY.find(ch)
    return (i if i >= 0 else len(_LETTERS_BY_FREQUENCY), ch)


def trie_pattern(phrases: Iterable[str]) -> str:
    """One regular expression for a set of literal phrases, factored by common prefixes
    (the regex engine then tries a handful of branches at a position, not every phrase).
    Greedy optional tails make the longest phrase win, as longest-first alternation does.

    >>> rx = re.compile(trie_pattern(["ke hoach", "ke", "kem"]))
    >>> rx.pattern.count("ke"), rx.match("ke hoach").group(), rx.match("ke ho").group()
    (1, 'ke hoach', 'ke')
    """
    root: dict = {}
    for p in phrases:
        node = root
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted((k for k in node if k),
                                                                key=_branch_order)]
        if not alts:
            return ""
        if "" in node:
            return "(?:" + "|".join(alts) + ")?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


def word_start_alternation(words: Iterable[str], not_after: str) -> str:
    """`(?<!NOT_AFTER)(?:w1|w2|…)` (a word not preceded by `not_after`, a character class),
    written so that each branch opens with its first letter and only then looks behind.

    The regex engine skips in C to the first letters of a pattern that opens with them; a
    pattern that opens with a look-behind is tried at every position instead (five times
    slower). Words keep their order within each first letter, so matches are the same.

    >>> rx = re.compile(word_start_alternation(["ban hanh", "ban", "xay dung"], "[a-z]"))
    >>> [m.group() for m in rx.finditer("ban hanh; coban, xay dung")]
    ['ban hanh', 'xay dung']
    """
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    return "(?:" + "|".join(
        f"{re.escape(c)}(?<!{not_after}{re.escape(c)})(?:{'|'.join(rests)})"
        for c, rests in sorted(by_first.items())) + ")"


def phrase_rx(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a table of folded phrases, longest first, ending at a word end.

    The start boundary is checked by `words()` rather than by a look-behind, which keeps
    the pattern's literal prefixes visible to the regex engine (twice as fast).
    """
    return re.compile("(" + trie_pattern(set(phrases)) + r")(?![a-z0-9])")


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


# A character class: anything but a line break or a character that upper case changes
# (a lower-case letter). "NGHỊ QUYẾT" is made of these, "Nghị quyết" is not.
NO_LOWER = "[^\\n" + re.escape("".join(
    c for c in map(chr, range(0x10000)) if c.upper() != c)).replace("]", "\\]") + "]"


# --- phrase tables, found together --------------------------------------------------------

_TABLES: dict[str, frozenset[str]] = {}
_compiled: list = []     # [(version, pattern, {phrase: {table: longest table phrase}})]


def register(name: str, phrases: Iterable[str]) -> str:
    """Add a table of folded phrases (each starting with a letter) to the shared scan."""
    _TABLES[name] = frozenset(p for p in phrases if p)
    _compiled.clear()
    return name


def _scanner() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, tuple]]:
    if not _compiled:
        union = set().union(*_TABLES.values())
        body = "(" + trie_pattern(union) + r")(?![a-z0-9])"
        longest: dict[str, tuple] = {}
        for u in union:
            row = []
            for name, table in _TABLES.items():
                best = max((p for p in table if u.startswith(p) and (
                    len(p) == len(u) or not (u[len(p)].isascii() and u[len(p)].isalnum()))),
                    key=len, default=None)
                if best is not None:
                    row.append((name, len(best)))
            longest[u] = tuple(row)
        _compiled.append((re.compile(r"[^a-z0-9]" + body), re.compile(body), longest))
    return _compiled[0]


def hits(v: Views, name: str) -> list[tuple[int, int]]:
    """Spans of the phrases of table `name` in `v`: each at a word start, the longest of
    the table there, not overlapping an earlier one (as a longest-first scan finds them).

    >>> register("_doc", ["ke hoach", "ke"]) and None
    >>> hits(views("Kế hoạch; phokế kế"), "_doc")
    [(0, 8), (16, 18)]
    """
    found = v.cache.get("hits")
    if found is None:
        found = v.cache["hits"] = _scan(v.bare)
    return found.get(name, [])


def _scan(bare_text: str) -> dict[str, list[tuple[int, int]]]:
    at_space, at_start, longest = _scanner()
    out: dict[str, list[tuple[int, int]]] = {name: [] for name in _TABLES}
    ends = dict.fromkeys(_TABLES, -1)
    search = at_space.search
    m = at_start.match(bare_text) or search(bare_text, 0)
    while m is not None:
        p = m.start(1)
        for name, n in longest[m.group(1)]:
            if p >= ends[name]:
                out[name].append((p, p + n))
                ends[name] = p + n
        m = search(bare_text, p)
    return out
