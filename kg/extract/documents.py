"""Document mentions: numbered, number-only, by count, named laws, "<type> này", typed phrases.

Each mention is resolved to a `DocumentRef` (one per document in a text); relations are
built on mentions by `kg.extract.relations`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.dates import date_after, date_at
from kg.extract.fold import Views, bare_line, hits, register
from kg.extract.ids import ParsedId, scan
from kg.extract.model import DocumentRef
from kg.extract.rules import ISSUE_DATE_LABELS, TYPE_WORDS
from kg.extract.tables import DOC_TYPES


def _bare(s: str) -> str:
    return bare_line(s)


_TYPE_BARE = {_bare(k): v for k, v in TYPE_WORDS.items()}
_TYPE_ALT = "|".join(re.escape(k) for k in sorted(_TYPE_BARE, key=len, reverse=True))
# a type word, then "số"/"số:" → the number that follows
_TYPE_BEFORE = re.compile(rf"(?<![a-z0-9])({_TYPE_ALT})(?: {{1,3}}so)? {{0,2}}:? {{0,3}}$")
TYPE_TABLE = register("type", _TYPE_BARE)
_NUMBER_ONLY = re.compile(r"( {1,3}so)? {0,2}:? {0,3}(\d{1,4})(?![\d/\-]| ?[-/] ?[a-z])")
_COUNT_NUM = re.compile(r"(?<![\d/\-])(\d{1,3}) $")   # "01 " before a type word
_SO_BEFORE = re.compile(rf"(?<![a-z0-9])(?:(?:{_TYPE_ALT}) {{1,2}})?so {{0,2}}:? {{0,3}}$")
_PLACE_DATE = re.compile(r"[a-z], {0,2}ngay {0,3}")
_DETAIL_STOP = {"cho", "theo", "của", "tại", "ngày", "số", "và", "với", "để", "như", "trên", "đã",
                "được", "bị", "này", "thì", "là", "có", "từ", "do", "trong"}
_DATE_LABEL_RX = re.compile(r"[ ,:]{0,3}(?:" + "|".join(
    re.escape(_bare(x)) for x in sorted(ISSUE_DATE_LABELS, key=len, reverse=True))
    + r") {0,3}:? {0,3}")


_DATE_OPENS = re.compile(r"(?<![a-z])ngay {1,3}")
_ISSUED_BY = re.compile(r"[ ,]{0,3}(?:[^.;]{0,100} )?(?:da {1,3})?(?:ban hanh|thong qua) {1,3}"
                        r"(?:[^.;()]{0,60}\( {0,2})?")


@dataclass
class Mention:
    """A place in the text that names a document."""

    start: int
    end: int
    kind: str               # "id", "number", "count", "named", "this", "typed"
    type: str | None = None
    parsed: ParsedId | None = None
    number: str | None = None
    key: str | None = None  # the DocumentRef key, once resolved
    typed_word_end: int | None = None


@dataclass
class Docs:
    """The documents of one text and the mentions that name them."""

    v: Views
    refs: dict[str, DocumentRef] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    self_key: str | None = None

    def add(self, ref: DocumentRef) -> DocumentRef:
        old = self.refs.get(ref.key)
        if old is None:
            self.refs[ref.key] = ref
            return ref
        for f in ("type", "year", "issuer", "date", "title", "number", "symbol"):
            if getattr(old, f) is None and getattr(ref, f) is not None:
                setattr(old, f, getattr(ref, f))
        old.corrections.extend(c for c in ref.corrections if c not in old.corrections)
        return old


def type_before(bare: str, pos: int) -> tuple[str, int] | None:
    """The type word that ends right before `pos` ("Nghị quyết số "), with its start."""
    lo = max(0, pos - 40)
    m = _TYPE_BEFORE.search(bare, lo, pos)
    if m:
        return _TYPE_BARE[m.group(1)], m.start()
    return None


def typed_phrase(v: Views, pos: int, end_limit: int) -> int:
    """End of a typed phrase's descriptor: up to 10 words, stopping at function words."""
    i = pos
    flat, low = v.flat, v.low
    for _ in range(10):
        m = _PHRASE_WORD.match(flat, i, end_limit)
        if m is None:
            break
        j = m.end()
        if low[i + 1:j] in _DETAIL_STOP or flat[j:j + 1].isdigit():
            break
        i = j
        if flat[j:j + 1] in _PHRASE_END:
            break
    return i


_PHRASE_WORD = re.compile(r" [^\W\d_]{1,15}")
_PHRASE_END = set(",;.:()\"")


def find_mentions(v: Views) -> list[Mention]:
    """Every document mention, in text order (numbered, number-only, by count, typed)."""
    out: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for p in scan(v.flat):
        tb = type_before(v.bare, p.start)
        start = tb[1] if tb else p.start
        typ = tb[0] if tb else p.type
        if tb and tb[0] == "luat" and p.type and p.type != "luat":
            typ = p.type
        if tb and p.type == "thong-tri" and tb[0] == "thong-tu":
            typ = "thong-tri"
        out.append(Mention(start, p.end, "id", typ, p, p.number))
        taken.append((start, p.end))
    ti = 0
    bare, flat = v.bare, v.flat
    for ms, me in hits(v, TYPE_TABLE):
        typ = _TYPE_BARE[bare[ms:me]]
        if ms >= 2 and bare[ms - 1] == " " and bare[ms - 2].isdigit() and \
                not flat[ms].isupper():
            c = _COUNT_NUM.search(bare, max(0, ms - 4), ms)
            if c:
                out.append(Mention(c.start(), me, "count", typ, number=c.group(1)))
        while ti < len(taken) and taken[ti][1] <= ms:
            ti += 1
        if ti < len(taken) and taken[ti][0] <= ms < taken[ti][1]:
            continue
        n = _NUMBER_ONLY.match(bare, me)
        if n and (n.group(1) or not re.fullmatch(r"(19|20)\d\d", n.group(2))) and \
                not any(c in v.text[me:n.start(2)] for c in "\n|"):
            if bare[n.end():n.end() + 1].isalpha():
                continue
            out.append(Mention(ms, n.end(), "number", typ, number=n.group(2)))
            continue
        if bare.startswith(" nay", me) and not bare[me + 4:me + 5].isalpha():
            out.append(Mention(ms, me + 4, "this", typ))
            continue
        if flat[ms].isupper():
            end = typed_phrase(v, me, min(len(flat), me + 120))
            out.append(Mention(ms, end, "typed", typ, typed_word_end=me))
    out.sort(key=lambda x: (x.start, -x.end))
    for x, nxt in zip(out, out[1:], strict=False):
        if x.kind == "typed" and nxt.start < x.end and nxt.start > (x.typed_word_end or x.start):
            e = nxt.start           # a descriptor ends where another mention starts
            while e > x.start and v.text[e - 1].isspace():
                e -= 1
            x.end = e
    # a count mention ("01 nghị quyết") wins over the bare type word inside it
    dedup: list[Mention] = []
    for x in out:
        if dedup and x.start < dedup[-1].end and x.kind in ("typed", "this", "number") \
                and dedup[-1].kind in ("count", "id"):
            continue
        if dedup and x.kind == "count" and dedup[-1].start <= x.start < dedup[-1].end:
            continue
        dedup.append(x)
    return dedup


def doc_date(v: Views, m: Mention) -> str | None:
    """The issue date written right after a mention (or a label "Ngày ban hành:")."""
    line_start = v.text.rfind("\n", max(0, m.start - 300), m.start) + 1
    # "09/07/2013 Văn bản được ban hành 30/2013/…" (a table row of at most 300 characters)
    if (line_start or m.start <= 300) and \
            v.bare[line_start:m.start].rstrip().endswith("ban hanh"):
        d = date_at(v.bare, line_start)
        if d:
            return d.iso
    d = date_after(v.bare, m.end)
    if d and ("\n" not in v.text[m.end:d.start] or "ngay" in v.bare[m.end:d.start]):
        return d.iso
    lab = _DATE_LABEL_RX.match(v.bare, m.end)
    if lab:
        d = date_at(v.bare, lab.end())
        if d:
            return d.iso
    # "Ngày 04/7/2018, Quận ủy ban hành Kế hoạch số 149-KH/QU"
    lo = max(0, m.start - 160)   # the clause before, at most 160 characters
    lo = max(v.text.rfind(".", lo, m.start) + 1, v.text.rfind(";", lo, m.start) + 1,
             v.text.rfind("\n\n", lo, m.start) + 1, lo)
    pre = _DATE_OPENS.search(v.bare, lo, m.start)
    if pre:
        d = date_at(v.bare, pre.end())
        if d and _ISSUED_BY.fullmatch(v.bare, d.end, m.start):
            return d.iso
    return None


def self_header(v: Views, mentions: list[Mention]) -> Mention | None:
    """The text's own number: "Số: 115/KH-UBND" in the header, or a title line that is
    just a type and a number ("Nghị quyết 653/2019/UBTVQH14")."""
    head_end = min(len(v.text), 2500)
    for m in mentions:
        if m.kind != "id" or m.start >= head_end or m.parsed is None:
            continue
        h = _SO_BEFORE.search(v.bare, max(0, m.parsed.start - 40), m.parsed.start)
        if h and v.text[max(0, h.start() - 200):h.start()].rstrip(" \t")[-1:] in ("\n", "|", "") \
                and (h.group(0).startswith("so") or ":" in h.group(0)):
            return m
    # a consolidated text (văn bản hợp nhất) carries its own number at the end
    for m in reversed(mentions):
        if m.kind == "id" and m.parsed and m.parsed.type == "van-ban-hop-nhat":
            h = _SO_BEFORE.search(v.bare, max(0, m.parsed.start - 40), m.parsed.start)
            if h and h.group(0).startswith("so"):
                return m
    # a page whose first lines name one document: its own page
    lines = [ln for ln in v.text[:800].split("\n") if ln.strip()][:5]
    # a relation page ("Lược đồ": "Văn bản được căn cứ", …) is titled by its document
    relation_page = RELATION_LABEL_LINE.search(v.text, 0, 3000) is not None
    pos = 0
    for i, ln in enumerate(lines):
        pos = v.text.index(ln, pos)
        for m in mentions:
            if m.kind == "id" and m.parsed and pos <= m.start and m.end <= pos + len(ln):
                lead = _bare(v.text[pos:m.start]).strip()
                tail = v.text[m.end:pos + len(ln)].strip()
                typed = type_before(v.bare, m.parsed.start) and len(lead) < 40
                if (not tail and (lead == "" or typed)) or (relation_page and i == 0 and typed):
                    return m
        pos += len(ln)
    return None


# A label line of a legal database's relation page, alone on its line: "Văn bản được căn
# cứ", "Văn bản bị thay thế" (this page's document acts on the documents listed under it),
# "Văn bản hướng dẫn", "Văn bản sửa đổi bổ sung" (those act on it), "Văn bản liên quan …".
RELATION_LABEL = (r"văn bản (?:được |bị )?(?:căn cứ|hướng dẫn|sửa đổi,? bổ sung|thay thế|bãi bỏ|"
                  r"đính chính|dẫn chiếu|quy định chi tiết|liên quan[^\n]{0,40})")
RELATION_LABEL_LINE = re.compile(r"(?:^|\n)[ \t]*" + RELATION_LABEL + r"[ \t]*(?=\n|\Z)", re.I)
# The same lines, found by a pattern that opens with "\n": a literal the regex engine jumps to,
# where "(?:^|\n)" with re.I makes it try every position (eight times slower on a long text).
_LABEL_AFTER_NL = re.compile(r"\n[ \t]*" + RELATION_LABEL + r"[ \t]*(?=\n|\Z)", re.I)
_LABEL_AT_START = re.compile(r"[ \t]*" + RELATION_LABEL + r"[ \t]*(?=\n|\Z)", re.I)


def relation_label_starts(text: str) -> list[int]:
    """Where the lines that `RELATION_LABEL_LINE` finds start, in order.

    >>> relation_label_starts("Văn bản được căn cứ\\nLuật 1\\n  VĂN BẢN HƯỚNG DẪN\\n")
    [0, 27]
    """
    first = [0] if _LABEL_AT_START.match(text) else []
    return first + [m.start() + 1 for m in _LABEL_AFTER_NL.finditer(text)]




def header_date(v: Views, near: int) -> str | None:
    """The place-and-date line of a header ("Hà Nội, ngày 08 tháng 4 năm 2022")."""
    lo, hi = max(0, near - 300), min(len(v.bare), near + 700)
    for m in _PLACE_DATE.finditer(v.bare, lo, hi):
        d = date_at(v.bare, m.end())
        if d:
            return d.iso
    return None


def type_name(key: str | None) -> str:
    return DOC_TYPES[key].vi if key in DOC_TYPES else "Văn bản"
