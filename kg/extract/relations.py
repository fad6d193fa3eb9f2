"""Typed relations between document mentions, driven by the cue table of `kg.extract.rules`.

A cue ("thực hiện", "căn cứ", "được sửa đổi, bổ sung tại"…) takes as subject the document
whose mention it follows inside the same clause ("Kế hoạch số 171-KH/TU ngày … về việc
thực hiện …": nested), or else the acting document of the sentence (the text's own in its
preamble and title, or the document a body "ban hành" in the main clause). Every document
after the cue, up to the next cue or a new clause, is its object; passive cues point from
the object to the subject. A document cannot implement, amend or review a later one.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.extract.documents import RELATION_LABEL_LINE, Mention, relation_label_starts
from kg.extract.fold import NO_LOWER, Views, bare_line, hits, register, word_start_alternation
from kg.extract.model import DocumentRef, Relation
from kg.extract.rules import CUES, ISSUE_VERBS, Cue


def _bare(s: str) -> str:
    return bare_line(s)


_CUES_BARE = {_bare(k): v for k, v in CUES.items()}
CUE_TABLE = register("cue", _CUES_BARE)
_ISSUE_RX = re.compile(word_start_alternation([_bare(k) for k in ISSUE_VERBS], "[a-z0-9]")
                       + r"(?![a-z0-9])")
_PREAMBLE_END = re.compile(r"\n *(?:Điều 1\b|Điều 1\.|QUYẾT NGHỊ|QUYẾT ĐỊNH *:|Chương I\b|I\. |"
                           r"PHẦN THỨ NHẤT|PHẦN I\b|1\. )")
_ABBREV = {"ts", "ths", "pgs", "gs", "tp", "bs", "ks", "v.v", "tt", "q", "đ/c", "st"}
# Relations where the acting document cannot be older than its object.
_ORDERED = {"implements", "based_on", "details", "guides", "amends", "replaces", "repeals",
            "reviews", "succeeds", "consolidates", "corrects"}


@dataclass
class CueHit:
    start: int
    end: int
    cue: Cue


def find_cues(v: Views) -> list[CueHit]:
    """Every relation cue, longest phrase first at a position."""
    bare = v.bare
    return [CueHit(s, e, _CUES_BARE[bare[s:e]]) for s, e in hits(v, CUE_TABLE)]


def sentences(text: str) -> list[tuple[int, int]]:
    """Clause-level sentences: ".", blank lines, table cells, headings and line starts that
    open a new clause ("Căn cứ", "Điều 2.", "- ", a date opening a table row).

    Regular expressions over the whole text find the cuts; Python looks only at the lines
    in capitals and at the periods: linear in the text.
    """
    pts = cut_points(text)
    return [(a, b) for a, b in zip(pts, pts[1:], strict=False) if not text[a:b].isspace()]


def cut_points(text: str) -> list[int]:
    """The sorted clause boundaries of `text`, 0 and len(text) included (see `sentences`)."""
    n = len(text)
    cuts = [0, n]
    cuts += _line_end_cuts(text)
    first = _BLANK_FIRST.match(text)
    if first:
        cuts.append(first.end())
    cuts += [m.end() for m in _LINE_START_CUT.finditer(text)]
    caps = {m.start(1) - 1 for m in _CAPS_CANDIDATE.finditer("\n" + text) if _caps(m.group(1))}
    for a in caps:        # a heading in capitals starts and ends a clause
        nl = text.find("\n", a)
        if nl >= 0 and (nl + 1 not in caps or nl - a < 30):
            cuts.append(nl + 1)
        if a > 0 and text.rfind("\n", 0, a - 1) + 1 not in caps:
            cuts.append(a)
    cuts += [m.end() for m in _BAR.finditer(text)]
    cuts += [m.start() + 1 for m in _PERIOD_CUT.finditer(text)]
    if "ản" in text:   # labels of a relation page: each starts a list of its own
        cuts += relation_label_starts(text)
    return sorted(set(cuts))


def _caps(s: str) -> bool:
    """A line in capitals (a heading or a header line)."""
    return s.upper() == s and len(_LETTER.findall(s)) >= 4


_BAR = re.compile(r"\|")
# A period that ends a sentence: not after a one-letter word or an abbreviation ("TS.",
# "đ/c."), followed by a space or a line break and then a capital, a digit, a dash or an
# opening bracket (or the end of the text). The cut is right after the period.
_L = r"(?:[^\W\d_]|/)"           # a letter of a word, or "/" ("đ/c")
_NOT_L = r"(?:[^\w/]|[\d_])"
_UPPER_OR_DIGIT = "".join(c for c in map(chr, (*range(0x10000), *range(0x1D400, 0x1D800)))
                          if c.isupper() or c.isdigit())   # with mathematical letters
_ABBR_BY_LEN = [sorted(a for a in _ABBREV if len(a) == n and "." not in a) for n in (2, 3)]
_PERIOD_CUT = re.compile(
    r"\.(?=[ \n]{1,11}[" + re.escape(_UPPER_OR_DIGIT) + r"\-•(\"“\[]|[ \n]{0,11}\Z)"
    + rf"(?<!\A{_L}\.)(?<!{_NOT_L}{_L}\.)"
    + "".join(rf"(?<!\A(?i:{'|'.join(map(re.escape, group))})\.)"
              rf"(?<!{_NOT_L}(?i:{'|'.join(map(re.escape, group))})\.)"
              for group in _ABBR_BY_LEN if group))
# a line with no lower-case letter in its first 200 characters may be a heading
_NO_LOWER = NO_LOWER
_CAPS_CANDIDATE = re.compile(rf"\n(?=({_NO_LOWER}{{200}}|{_NO_LOWER}{{4,199}}(?=\n|\Z)))")
# a line ending in punctuation, or a blank line: the cut is after the next "\n"
_LINE_END_CUT = re.compile(r"[.;:!?|\n][ \t]*(?=\n)")
# The same line ends read in the reversed text: a "\n" then, backwards, optional spaces and
# the punctuation. A pattern that opens with the literal "\n" lets the regex engine jump from
# line break to line break instead of stopping at every period (twice as fast).
_LINE_END_REVERSED = re.compile(r"\n(?=[ \t]*[.;:!?|\n])")


def _line_end_cuts(text: str) -> list[int]:
    """The cuts of `_LINE_END_CUT` (after the "\\n" of each match), in order.

    >>> _line_end_cuts("Điều 1.\\nA;  \\nb\\n\\nc")
    [8, 13, 16]
    """
    n = len(text)
    return [n - m.start() for m in _LINE_END_REVERSED.finditer(text[::-1])][::-1]


_BLANK_FIRST = re.compile(r"[ \t]*\n")
_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE_START = (r"(?:Căn cứ|Xét|Theo đề nghị|Thực hiện|Điều \d|Chương [IVX]|[-•+] |"
                           r"[a-zđ]\) |\d{1,2}\. |[IVX]{1,4}\. |\(|\d{1,2}/\d{1,2}/\d{4} )")
_LINE_START_CUT = re.compile(r"\n(?=[ \t]{0,79}" + _CLAUSE_START + ")")
# A purpose clause that opens a sentence: "Thực hiện", "Triển khai", "Căn cứ", "Để thực hiện".
_FRONT_RX = re.compile(r"(?<![a-z])(?:de {1,3})?(?:(can cu(?: vao)?)|thuc hien|"
                       r"trien khai(?: thuc hien| thi hanh)?|quan triet(?: va thuc hien)?)"
                       r"(?![a-z])")
# Every match of _FRONT_RX starts with one of these words, or with "de" and one to three
# spaces before one of them.
_FRONT_WORDS = ("can cu", "thuc hien", "trien khai", "quan triet")
_FRONT_CUES = {"implements": Cue("implements"), "based_on": Cue("based_on")}
# a document named as a reference, not issued: "theo Nghị quyết …", "của Kế hoạch …"
_REFERENCE_BEFORE = re.compile(r"(?<![a-z])(?:theo|tai|cua|voi|nhu|can cu) {1,3}$")
_LABEL_PASSIVE = re.compile(r"[ \t]*văn bản (?:được|bị) ", re.I)


def _front_matches(bare: str) -> Iterator[re.Match[str]]:
    """The matches of `_FRONT_RX.finditer(bare)`, found by trying the pattern only where
    its words occur: `str.find` jumps between them, where the regex engine would stop at
    every "c", "d", "q" and "t" of the text (the look-behind at its start defeats the
    engine's skipping, and these letters are frequent in Vietnamese).

    >>> [m.group() for m in _front_matches("de  thuc hien; can cu vao x, trien khai")]
    ['de  thuc hien', 'can cu vao', 'trien khai']
    """
    starts: list[int] = []
    for word in _FRONT_WORDS:
        i = bare.find(word)
        while i >= 0:
            starts.append(i)
            lead = bare[max(0, i - 5):i]
            spaces = len(lead) - len(lead.rstrip(" "))
            de = i - spaces - 2                 # "de" and one to three spaces before it
            if 1 <= spaces <= 3 and de >= 0 and bare.startswith("de", de):
                starts.append(de)
            i = bare.find(word, i + 1)
    end = 0
    for p in sorted(starts):
        if p < end:
            continue        # inside the previous match: finditer does not overlap
        m = _FRONT_RX.match(bare, p)
        if m:
            yield m
            end = m.end()


def preamble_end(text: str) -> int:
    m = _PREAMBLE_END.search(text)
    return m.start() if m else len(text)


@dataclass
class Linker:
    """Walks the sentences and emits relations between mention keys."""

    v: Views
    mentions: list[Mention]
    refs: dict[str, DocumentRef]
    self_key: str | None
    title_span: tuple[int, int] | None
    make_typed: Callable[[Mention], str | None]
    topic_of: Callable[[int, int, str | None], str | None]
    body_ends: list[tuple[int, int]]
    annexes: list[tuple[int, str]]
    cues: list[CueHit]

    def run(self) -> list[Relation]:
        self.out: dict[tuple[str, str, str], Relation] = {}
        cues = self.cues
        pre_end = preamble_end(self.v.text) if self.self_key else 0
        self._body_end_keys = sorted(e for _, e in self.body_ends)
        self._m_starts = m_starts = [m.start for m in self.mentions]
        if relation_label_starts(self.v.text):   # only a label line turns a cue round
            cues = [self._label_cue(c) for c in cues]
        c_starts = [c.start for c in cues]
        cuts = cut_points(self.v.text)   # sentences: between two cuts
        self._fronted_done: set[str] = set()
        self._fronted_pass(cuts, cues)
        done = -1
        for c in cues:        # only a sentence with a cue can state a relation
            i = bisect.bisect_right(cuts, c.start) - 1
            if i <= done or i < 0 or i + 1 >= len(cuts):
                continue
            done = i
            s, e = cuts[i], cuts[i + 1]
            ms = self.mentions[bisect.bisect_left(m_starts, s):bisect.bisect_left(m_starts, e)]
            if not ms:
                continue
            cs = cues[bisect.bisect_left(c_starts, s):bisect.bisect_left(c_starts, e)]
            cs = [c for c in cs if not self._inside(c)
                  and (not c.cue.opener or not self.v.text[s:c.start].strip(" \n-+•("))]
            if cs:
                self._sentence(s, e, ms, cs, pre_end)
        return list(self.out.values())

    def _fronted_pass(self, cuts: list[int], cues: list[CueHit]) -> None:
        """"Thực hiện Thông tri số 03-TT/QU của Quận ủy, Đảng ủy phường đã ban hành 01 nghị
        quyết và 01 kế hoạch; UBND phường ban hành 04 văn bản …": a purpose clause that
        opens the sentence ("Thực hiện", "Triển khai", "Căn cứ", "Để thực hiện" + documents,
        then ",") is the purpose of every document the main clauses issue, across ";" up to
        the end of the sentence."""
        bare = self.v.bare
        c_starts = [c.start for c in cues]
        last = -1
        for fm in _front_matches(bare):
            i = bisect.bisect_right(cuts, fm.start()) - 1
            if i <= last or i < 0 or i + 1 >= len(cuts):
                continue
            s, e = cuts[i], cuts[i + 1]
            if bare[s:fm.start()].strip(" \t\n-+•("):
                continue            # not where the sentence opens
            last = i
            cs = cues[bisect.bisect_left(c_starts, fm.end()):bisect.bisect_left(c_starts, e)]
            self._fronted(fm, e, cs)

    def _fronted(self, fm: re.Match[str], e: int, cs: list[CueHit]) -> None:
        bare = self.v.bare
        main = self._main_clause_start(fm.end(), e)
        if main is None:
            return
        lo = bisect.bisect_left(self._m_starts, fm.end())
        hi = bisect.bisect_left(self._m_starts, e)
        ms = self.mentions[lo:hi]
        # the fronted documents, each with the relation of the opener it follows
        rel = "based_on" if fm.group(1) else "implements"
        fronted: list[tuple[str, str]] = []
        accepting, prev = True, fm.end()
        cstarts = [c.start for c in cs]
        for m in (x for x in ms if x.start < main):
            for c in cs[bisect.bisect_left(cstarts, prev):bisect.bisect_left(cstarts, m.start)]:
                opens = bare[max(0, c.start - 3):c.start].rstrip().endswith((";", ","))
                if opens and c.cue.rel in ("implements", "based_on") and not c.cue.passive:
                    rel, accepting = c.cue.rel, True
                else:
                    accepting = False   # "… về việc thực hiện Nghị quyết …": not fronted
            prev = m.end
            if accepting and m.kind in ("id", "number", "typed", "this"):
                key = self._key(m)
                if key and all(k != key for k, _ in fronted):
                    fronted.append((key, rel))
        if not fronted:
            return
        # the documents the main clauses issue: after an issue verb, a list that a cue, a
        # reference word ("theo", "của") or a ";" ends
        verbs = [x.end() for x in _ISSUE_RX.finditer(bare, main, e)]
        issuing, prev = False, main
        for m in (x for x in ms if x.start >= main):
            gap_verbs = verbs[bisect.bisect_left(verbs, prev):bisect.bisect_right(verbs, m.start)]
            if ";" in bare[prev:m.start]:
                issuing = False
            if gap_verbs:
                issuing = ";" not in bare[gap_verbs[-1]:m.start]
            after = gap_verbs[-1] if gap_verbs else prev
            if bisect.bisect_left(cstarts, after) < bisect.bisect_left(cstarts, m.start):
                issuing = False     # a cue between: "… 04 văn bản thực hiện Nghị quyết …"
            if issuing and _REFERENCE_BEFORE.search(bare, max(prev, m.start - 12), m.start):
                issuing = False
            prev = m.end
            if not issuing or m.kind not in ("id", "number", "count", "typed", "this"):
                continue
            key = self._key(m)
            if key is None:
                continue
            for fkey, frel in fronted:
                if key != fkey and self._add(key, _FRONT_CUES[frel], fkey, fm.start(), m.end):
                    self._fronted_done.add(key)

    def _main_clause_start(self, a: int, e: int) -> int | None:
        """Where the main clause starts: the body that issues ("…, Đảng ủy phường đã ban
        hành"), right after a "," or ";"."""
        bare = self.v.bare
        if not hasattr(self, "_by_end"):
            self._by_end = sorted((be, bs) for bs, be in self.body_ends)
        for v in _ISSUE_RX.finditer(bare, a, e):
            lo = bisect.bisect_left(self._by_end, (v.start() - 20, -1))
            hi = bisect.bisect_right(self._by_end, (v.start(), len(bare)))
            starts = [bs for be, bs in self._by_end[lo:hi]
                      if a < bs and not bare[be:v.start()].replace("da", "").strip()]
            if starts:
                bs = min(starts)
                if bare[a:bs].rstrip().endswith((",", ";")):
                    return bs
        return None

    def _label_cue(self, c: CueHit) -> CueHit:
        """A cue in a relation page's label line ("Văn bản được hướng dẫn", "Văn bản thay
        thế") names how the page's document relates to those listed under it: a passive
        label ("được", "bị") means the page's document acts on them, an active one that
        they act on it."""
        text = self.v.text
        ls = text.rfind("\n", max(0, c.start - 30), c.start) + 1
        if not (ls or c.start <= 30):
            return c
        le = text.find("\n", c.end, c.end + 50)
        le = len(text) if le < 0 and len(text) - c.end <= 50 else le
        if le < 0 or not RELATION_LABEL_LINE.fullmatch(text, max(0, ls - 1) if ls else 0, le):
            return c
        passive_label = _LABEL_PASSIVE.match(text, ls) is not None or c.cue.passive
        return CueHit(c.start, c.end, Cue(c.cue.rel, passive=not passive_label,
                                          scope=c.cue.scope, also=c.cue.also))

    def _inside(self, c: CueHit) -> bool:
        """The cue's words are part of a numbered mention."""
        i = bisect.bisect_right(self._m_starts, c.start)
        return any(m.start <= c.start < m.end and m.kind in ("id", "number", "count")
                   for m in self.mentions[max(0, i - 3):i])

    def _key(self, m: Mention) -> str | None:
        if m.key is None and m.kind == "typed":
            m.key = self.make_typed(m)
        return m.key

    def _sentence(self, s: int, e: int, ms: list[Mention], cs: list[CueHit], pre_end: int) -> None:
        items: list[tuple[int, object]] = [(m.start, m) for m in ms] + [(c.start, c) for c in cs]
        items.sort(key=lambda x: x[0])
        outer: tuple[Cue, str | None, int] | None = None
        inner: tuple[Cue, str | None, int] | None = None
        pending_source: str | None = None
        prev_end = s
        last_doc: Mention | None = None
        for idx, (pos, it) in enumerate(items):
            gap = self.v.bare[prev_end:pos]
            if isinstance(it, Mention) and self._issues(prev_end, pos):
                outer = inner = None
                pending_source = None
            if ";" in gap and inner is not None and outer is not None:
                inner = None
            if isinstance(it, CueHit):
                subj = self._nested_subject(it, last_doc, s)
                in_title = self.title_span and self.title_span[0] <= it.start < self.title_span[1]
                if subj is not None:
                    inner = (it.cue, subj, it.start)
                    if in_title and self.self_key:   # the title says what the text does
                        outer = (it.cue, self.self_key, it.start)
                else:
                    subj = self._sentence_subject(it, s, e, ms, pre_end)
                    outer, inner = (it.cue, subj, it.start), None
                pending_source = None
                self._topic(it, items, idx, last_doc, e)
                prev_end = it.end
                continue
            m = it
            assert isinstance(m, Mention)
            if pos < prev_end:
                continue
            active = inner or outer
            key = self._key(m) if active else m.key
            if active and key:
                cue, subj, cstart = active
                if pending_source is not None and cue.passive:
                    if key != pending_source:
                        self._add(pending_source, cue, key, cstart, m.end)
                elif cue.passive and subj is None:
                    if pending_source is None:
                        pending_source = key
                    elif key != pending_source:
                        self._add(pending_source, cue, key, cstart, m.end)
                elif subj and key != subj:
                    src, dst = (key, subj) if cue.passive else (subj, key)
                    if cue.passive and subj == self.self_key and key == subj:
                        pass
                    elif not self._add(src, cue, dst, cstart, m.end) and inner and outer:
                        ocue, osubj, ostart = outer
                        if osubj and osubj != key:
                            o_src, o_dst = (key, osubj) if ocue.passive else (osubj, key)
                            self._add(o_src, ocue, o_dst, ostart, m.end)
                    in_title = bool(self.title_span and
                                    self.title_span[0] <= cstart < self.title_span[1])
                    if inner is not None and outer is not None and outer[1] is not None \
                            and outer[1] == self.self_key and in_title \
                            and not cue.passive and outer[1] != key:
                        self._add(outer[1], outer[0], key, outer[2], m.end)
                    if inner is not None and outer is not None and cue.passive and \
                            outer[1] is not None and not outer[0].passive and outer[1] != key:
                        self._add(outer[1], outer[0], key, outer[2], m.end)
                elif cue.passive and subj == key and pending_source is None:
                    pending_source = key
            last_doc = m
            prev_end = m.end

    def _nested_subject(self, c: CueHit, last: Mention | None, s: int) -> str | None:
        if last is not None and last.kind == "typed" and last.start < c.start <= last.end and \
                last.typed_word_end is not None and \
                not self.v.bare[last.typed_word_end:c.start].strip():
            return self._key(last)   # "Luật sửa đổi, bổ sung … của Luật …": the cue is its title
        if last is None or last.end > c.start:
            return None
        gap = self.v.text[last.end:c.start]
        if len(gap) > 220 or ";" in gap or ":" in gap.replace("ngày:", ""):
            return None
        if self._issues(last.end, c.start):
            return None
        return self._key(last)

    def _issues(self, a: int, b: int) -> bool:
        """A body issues something between `a` and `b` ("…, Quận ủy ban hành …"): a new
        clause with its own acting document."""
        for m in _ISSUE_RX.finditer(self.v.bare, a, b):
            i = bisect.bisect_left(self._body_end_keys, m.start() - 20)
            if i < len(self._body_end_keys) and self._body_end_keys[i] <= m.start():
                return True
        return False

    def _acting(self, pos: int) -> str | None:
        """The text's own document at `pos`: its annex after "(Ban hành kèm theo …)"."""
        key = self.self_key
        for start, k in self.annexes:
            if start <= pos:
                key = k
        return key

    def _sentence_subject(self, c: CueHit, s: int, e: int, ms: list[Mention],
                          pre_end: int) -> str | None:
        acting = self._acting(c.start)
        if acting != self.self_key:
            before = [m for m in ms if m.start < c.start]
            if not before and c.start - s < 40:
                return acting
            return self._main_clause_doc(c, e, ms) or None
        if self.self_key is None:
            return self._main_clause_doc(c, e, ms)
        if self.title_span and self.title_span[0] <= c.start < self.title_span[1]:
            return self.self_key
        if c.start < pre_end:
            return self.self_key
        before = [m for m in ms if m.start < c.start]
        if not before and c.start - s < 40:
            return self.self_key
        if any(m.kind == "this" for m in ms[:50]):
            return self.self_key
        return self._main_clause_doc(c, e, ms)

    def _main_clause_doc(self, c: CueHit, e: int, ms: list[Mention]) -> str | None:
        """"…, Đảng ủy Khối … xây dựng Kế hoạch …": the document the sentence issues."""
        i = bisect.bisect_right(self._m_starts, c.start)
        for m in self.mentions[i:i + 12]:
            if m.start >= e:
                break
            if m.start > c.start and m.kind in ("typed", "this", "id", "number"):
                gap = self.v.bare[max(c.start, m.start - 25):m.start]
                if _ISSUE_RX.search(gap) and (m.kind in ("typed", "this") or
                                              self._issues(max(c.start, m.start - 25), m.start)):
                    if m.kind in ("id", "number"):
                        return m.key
                    if m.kind == "this" or self.self_key:
                        return self.self_key
                    return self._key(m)
        return None

    def _topic(self, c: CueHit, items: list[tuple[int, object]], idx: int,
               last: Mention | None, e: int) -> None:
        """An implementing cue followed by a topic, not a document ("thực hiện thí điểm mô
        hình chính quyền đô thị"): link to the document that topic belongs to."""
        if c.cue.rel != "implements" or last is None:
            return
        if last.key is not None and last.key in self._fronted_done:
            return      # the sentence names what it implements: no guess by topic
        nxt = items[idx + 1] if idx + 1 < len(items) else None
        if nxt and isinstance(nxt[1], Mention) and nxt[1].kind != "typed" and \
                not self.v.bare[c.end:nxt[0]].strip(" :"):
            return
        subj = self._nested_subject(c, last, 0)
        if subj is None:
            return
        stop = min(nxt[0] if nxt else e, e, c.end + 200)
        for ch in ",;.":
            k = self.v.text.find(ch, c.end, stop)
            stop = k if k >= 0 else stop
        target = self.topic_of(c.end, stop, subj)
        if target and target != subj:
            self._add(subj, c.cue, target, last.start, stop, confidence=0.6)

    def _add(self, src: str, cue: Cue, dst: str, start: int, end: int,
             confidence: float = 1.0) -> bool:
        if src == dst:
            return False
        a, b = self.refs.get(src), self.refs.get(dst)
        if cue.rel in _ORDERED and a and b and a.date and b.date and a.date < b.date:
            return False
        k = (src, cue.rel, dst)
        if end - start > 400:
            start = max(start, end - 400)
        self.out.setdefault(k, Relation(src, cue.rel, dst, self.v.text[start:end], start, end,
                                        confidence, cue.scope))
        for rel, scope in cue.also:
            self.out.setdefault((src, rel, dst), Relation(
                src, rel, dst, self.v.text[start:end], start, end, confidence, scope))
        return True
