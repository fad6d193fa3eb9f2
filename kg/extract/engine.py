"""The extraction pipeline for one text: views → places → bodies → documents → relations.

`extract(text)` is linear in the length of the text: every scanner is a regular expression
with bounded repetitions, and every later step works on the (few) mentions found.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from kg.extract.bodies import BodyFinder, Form, Home, find_home
from kg.extract.catalogue import Catalogue
from kg.extract.dates import date_after
from kg.extract.documents import (
    Docs,
    Mention,
    doc_date,
    find_mentions,
    header_date,
    self_header,
    type_name,
)
from kg.extract.fold import Views, bare_line, views
from kg.extract.model import DocumentRef, Extraction
from kg.extract.people import find_events, find_people
from kg.extract.places import Unit, lookup, places_in_source
from kg.extract.relations import Linker, find_cues
from kg.extract.rules import ISSUE_VERBS, ISSUER_CODES

_FRONT_LINE = re.compile(r"[A-Za-z_][\w-]{0,30}: ?.*")
_TITLE_STOP = re.compile(r"(?:Căn cứ|Thực hiện|Xét|Ngày|Theo|\(|Kính gửi|[IVX]+\.|\d+\.)")
_ISSUE_BEFORE = re.compile(r" {0,3}(?:da {1,3})?(?:" + "|".join(
    re.escape(views(k).bare) for k in ISSUE_VERBS) + r") {1,3}$")
_OF = re.compile(r"[ ,]{0,3}(?:\([^)]{0,40}\) {0,2})?cua {1,3}")
_ABOUT = re.compile(r"[ ,]{0,3}(?:cua [^;]{0,80}? )?(?:ve viec|v/v|ve) {1,3}")
_NAMED_TYPES = ("luat", "bo-luat", "phap-lenh", "hien-phap")
_ANNEX = re.compile(r"\( {0,2}(?:ban hanh |duoc ban hanh )?kem theo")
_STOPWORDS = {"cua", "va", "ve", "viec", "tai", "cac", "nhung", "trong", "theo", "thuc",
              "hien", "to", "chuc", "tren", "dia", "ban", "nam", "so", "o", "voi", "cho"}


@dataclass
class Context:
    """What is known about a text from outside it: its source address or title, places.

    `places` are names of administrative units the text is about ("Long Biên",
    "phường Đức Giang"); `source` an address or title whose words may name places too.
    """

    source: str = ""
    places: list[str] = field(default_factory=list)
    title: str | None = None

    def units(self) -> list[Unit]:
        out: list[Unit] = []
        for p in self.places:
            words = p.split(" ")
            for k in (2, 1, 0):
                units = lookup(" ".join(words[k:])) if len(words) > k else []
                if units:
                    out.append(units[0])
                    break
        if self.source:
            out.extend(places_in_source(self.source))
        if self.title:
            out.extend(u for u, _, _ in _title_places(self.title))
        return out


def _title_places(title: str) -> list[tuple[Unit, int, int]]:
    from kg.extract.bodies import place_mentions
    return place_mentions(views(title))


def _front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Blank a corpus-style header ("source: …", "kind: …", then "---") keeping offsets."""
    head = text[:4000].split("\n")
    meta: dict[str, str] = {}
    for i, line in enumerate(head[:20]):
        if line.strip() == "---" and i > 0:
            n = sum(len(x) + 1 for x in head[:i + 1])
            return " " * n + text[n:], meta
        if not _FRONT_LINE.fullmatch(line):
            break
        k, _, val = line.partition(":")
        meta[k.strip()] = val.strip()
    return text, {}


def extract(text: str, *, source: str = "", catalogue: Catalogue | None = None,
            context: Context | None = None) -> Extraction:
    """Find the documents, relations, bodies, people and events of one text."""
    masked, meta = _front_matter(text)
    ctx = context or Context()
    if meta.get("source") and not ctx.source:
        ctx = Context(meta["source"], list(ctx.places), ctx.title)
    v = views(masked)
    home = find_home(v, ctx.units())
    bf = BodyFinder(v, home)
    bf.run()
    if _complete_home(home, bf):     # "Huyện ủy Văn Yên" places a later bare "Huyện ủy"
        bf = BodyFinder(v, home)
        bf.run()
    run = _Run(v, home, bf, catalogue)
    run.documents()
    rels = run.relations()
    people = find_people(v, bf)
    events = find_events(v, bf, run.docs)
    used = {r.source for r in rels} | {r.target for r in rels}
    documents = [d for d in run.docs.refs.values()
                 if d.id or d.count is not None or d.number or d.self or d.key in used]
    documents.sort(key=lambda d: d.start)
    return Extraction(source, documents, rels, list(bf.bodies.values()), people, events)


def _complete_home(home: Home, bf: BodyFinder) -> bool:
    """Fill the text's missing levels from places that named bodies resolved."""
    changed = False
    for body in bf.bodies.values():
        if body.mention is None or body.place is None or body.level is None:
            continue
        if home.at(body.level) is None:
            units = lookup(body.place.split(" ", 1)[-1] if " " in body.place else body.place,
                           body.level)
            units = [u for u in units if u.full == body.place] or units
            if units:
                setattr(home, body.level, units[0])
                changed = True
    if changed and home.district and home.province is None and home.district.parent:
        home.province = home.district.parent
    return changed


def _head_end(text: str) -> int:
    m = re.search(r"\n *(?:Căn cứ|Điều 1|Chương I\b)", text)
    return m.start() if m else min(len(text), 3000)


def _unnumbered(issuer: str, mention: str) -> str:
    """The key of a document without a number: "unnumbered: <issuer>, <mention>"."""
    mention = " ".join(mention.split())
    return f"unnumbered: {issuer}, {mention}" if issuer else f"unnumbered: {mention}"


class _Run:
    def __init__(self, v: Views, home: Home, bf: BodyFinder, cat: Catalogue | None) -> None:
        self.v, self.home, self.bf, self.cat = v, home, bf, cat
        self.docs = Docs(v)
        self.mentions: list[Mention] = []
        self.title_span: tuple[int, int] | None = None
        self.aliases: dict[str, str] = {}   # folded name of a named document → key
        self._cue_cache: list | None = None
        self._by_number: dict[str, list[Mention]] = {}
        self._m_starts: list[int] = []

    # --- documents ----------------------------------------------------------------
    def documents(self) -> None:
        v = self.v
        self.mentions = ms = find_mentions(v)
        selfm = self_header(v, ms)
        for m in ms:
            if m.kind == "id":
                self._id_doc(m)
        self._check_repairs(ms)
        if selfm is not None:
            self._self_doc(selfm)
        for i, m in enumerate(ms):
            if m.kind == "number":
                self._number_doc(m, ms[:i])
            elif m.kind == "count":
                self._count_doc(m)
            elif m.kind == "this" and self.docs.self_key:
                m.key = self.docs.self_key
            elif m.kind == "typed":
                self._apposition(m, ms[i + 1:i + 2])
                if m.key is None and self.cat is not None and m.type in _NAMED_TYPES:
                    key = self._typed_doc(m)
                    if key and not key.startswith("unnumbered"):
                        m.key = key

    def _id_doc(self, m: Mention) -> None:
        p = m.parsed
        assert p is not None
        ref = DocumentRef(p.id, p.id, m.type, p.number, p.year, p.symbol,
                          mention=self.v.text[m.start:m.end], start=m.start, end=m.end,
                          corrections=list(p.corrections))
        ref = self.docs.add(ref)
        m.key = ref.key
        if ref.date is None:
            ref.date = doc_date(self.v, m)
        if ref.issuer is None:
            ref.issuer = self._issuer_after(m) or self._issuer_before(m) or self._issuer_code(p)
        if ref.title is None:
            ref.title = self._title_after(m)

    def _check_repairs(self, ms: list[Mention]) -> None:
        """A repaired symbol is trusted when the text also writes it correctly."""
        clean = {m.parsed.id for m in ms if m.parsed and not m.parsed.repaired}
        for m in ms:
            if m.parsed and m.parsed.repaired:
                ref = self.docs.refs[m.parsed.id]
                ref.confidence = min(ref.confidence, 1.0 if m.parsed.id in clean else 0.7)
                for c in m.parsed.corrections:
                    c.reason = ("the same number is written correctly elsewhere in the text"
                                if m.parsed.id in clean else c.reason)

    def _self_doc(self, m: Mention) -> None:
        ref = self.docs.refs[m.key] if m.key else None
        if ref is None:
            return
        ref.self = True
        self.docs.self_key = ref.key
        hd = header_date(self.v, m.start)
        if hd:      # the document's own header date wins over one met in its text
            ref.date = hd
        if ref.year is None and ref.date:
            ref.year = int(ref.date[:4])
        typ, title, span = self._self_title(m)
        if typ:
            ref.type = typ
        if title:
            ref.title = title
        self.title_span = span
        issuer = self._header_issuer(m)
        if issuer:
            ref.issuer = issuer

    def _self_title(self, m: Mention) -> tuple[str | None, str | None, tuple[int, int] | None]:
        from kg.extract.documents import _TYPE_BARE
        text = self.v.text
        pos = text.find("\n", m.end)
        limit = min(len(text), m.end + 900)
        while 0 <= pos < limit:
            nxt = text.find("\n", pos + 1)
            nxt = len(text) if nxt < 0 else nxt
            line = text[pos + 1:min(nxt, pos + 80)].strip(" |\t")
            if line and line.isupper() and bare_line(line).strip() in _TYPE_BARE:
                key = bare_line(line).strip()
                typ = _TYPE_BARE[key]
                lines: list[str] = []
                start = end = nxt + 1
                p = nxt
                while p < len(text) and len(lines) < 8:
                    q = text.find("\n", p + 1)
                    q = len(text) if q < 0 else q
                    ln = text[p + 1:min(q, p + 300)].strip(" |\t")
                    if not ln:
                        if lines:
                            break
                        p = q
                        continue
                    if _TITLE_STOP.match(ln) or (lines and ln.isupper() and
                                                 self.bf.at(p + 1 + text[p + 1:q].find(ln[:3]))):
                        break
                    lines.append(ln)
                    end = q
                    p = q
                title = " ".join(lines) or None
                return typ, title, (start, end) if lines else None
            pos = nxt if nxt > pos else -1
        return None, None, None

    def _header_issuer(self, m: Mention) -> str | None:
        """The body named in capitals above the number in a header."""
        for s, e, k in self.bf.ending_in(m.start - 400, m.start + 1):
            if m.start - 400 <= s < m.start and self.v.text[s:e].isupper():
                return k
        return None

    def _issuer_after(self, m: Mention) -> str | None:
        pos = m.end
        d = date_after(self.v.bare, pos)
        if d:
            pos = d.end
        of = _OF.match(self.v.bare, pos)
        if of:
            return self.bf.at(of.end())
        return None

    def _issuer_before(self, m: Mention) -> str | None:
        for _s, e, k in self.bf.ending_in(m.start - 40, m.start):
            if m.start - 40 <= e <= m.start and _ISSUE_BEFORE.fullmatch(self.v.bare[e:m.start]):
                return k
        return None

    def _issuer_code(self, p) -> str | None:  # noqa: ANN001 - ParsedId
        code = p.issuer_code
        if code is None or code not in ISSUER_CODES:
            return None
        iss = ISSUER_CODES[code]
        if iss.level == "central":
            return self.bf.add(Form(iss.kind, "central", iss.name), "central", None, None,
                               None, None)
        unit = self.home.at(iss.level) if iss.level else None
        if unit is None or iss.kind in ("ubnd", "hdnd"):
            return None
        label = {"TU": "Thành ủy", "QU": "Quận ủy", "HU": "Huyện ủy"}.get(code, iss.name)
        return self.bf.add(Form(iss.kind, iss.level, label), iss.level, unit, None, None, None)

    def _title_after(self, m: Mention) -> str | None:
        pos = m.end
        d = date_after(self.v.bare, pos)
        if d:
            pos = d.end
        a = _ABOUT.match(self.v.bare, pos)
        if not a:
            return None
        end = a.end()
        text = self.v.text
        stop = end
        while stop < len(text) and stop < end + 250 and text[stop] not in ";\n|" and not (
                text[stop] in ".," and text[stop + 1:stop + 2] in (" ", "\n", "") and (
                    text[stop] == "." or self.bf.at(stop + 2) is not None)):
            stop += 1
        title = " ".join(text[a.start():stop].split()).strip(" ,")
        title = re.sub(r"^(?:của .*? )?(?=về|v/v)", "", title)
        return title or None

    def _number_doc(self, m: Mention, before: list[Mention]) -> None:
        """"Nghị quyết 97", "Kế hoạch số 155": the full number seen in the text, else a
        document with a number but no symbol (never an invented id)."""
        v = self.v
        if re.search(r"goi tat la {0,3}$", v.bare[max(0, m.start - 20):m.start]):
            m.key = self.docs.self_key
            return
        if not self._by_number:
            for x in self.mentions:
                if x.kind == "id" and x.parsed:
                    self._by_number.setdefault(x.parsed.number.lstrip("0"), []).append(x)
        cands = [x for x in self._by_number.get((m.number or "").lstrip("0"), [])
                 if x.type == m.type or x.type is None]
        if cands:
            near = [x for x in cands if x.start < m.start] or cands
            m.key = near[-1].key
            return
        issuer = self._issuer_after(m) or self._issuer_before(m)
        name = f"{type_name(m.type)} số {m.number}"
        key = _unnumbered(self._body_name(issuer), name)
        ref = self.docs.add(DocumentRef(key, None, m.type, m.number, mention=v.text[m.start:m.end],
                                        start=m.start, end=m.end, issuer=issuer,
                                        date=doc_date(v, m), title=self._title_after(m)))
        if ref.date and ref.year is None:
            ref.year = int(ref.date[:4])
        m.key = ref.key

    def _count_doc(self, m: Mention) -> None:
        issuer = None
        for _s, e, k in self.bf.ending_in(m.start - 120, m.start):
            if m.start - 120 <= e <= m.start:
                gap = self.v.bare[e:m.start]
                if re.search(r"(?<![a-z])(?:ban hanh|xay dung|ky)(?![a-z])", gap) and \
                        "." not in gap and ";" not in gap:
                    issuer = k
        mention = self.v.text[m.start:m.end]
        key = _unnumbered(self._body_name(issuer), mention)
        ref = self.docs.add(DocumentRef(key, None, m.type, mention=mention, start=m.start,
                                        end=m.end, issuer=issuer, count=int(m.number or 0)))
        m.key = ref.key

    def _apposition(self, m: Mention, nxt: list[Mention]) -> None:
        """"Luật Thủ đô (Luật số 39/2024/QH15)", "Luật Tổ chức Quốc hội số 57/2014/QH13":
        the name is another mention of the numbered document."""
        if not nxt or nxt[0].kind != "id":
            return
        gap = self.v.bare[m.end:nxt[0].start]
        if re.fullmatch(r" {0,2}(?:\( {0,2})?(?:(?:luat|bo luat|phap lenh) {1,2})?(?:so {0,2})?",
                        gap):
            m.key = nxt[0].key
            self.aliases[self._name_key(m)] = nxt[0].key or ""
            ref = self.docs.refs.get(nxt[0].key or "")
            if ref and ref.title is None:
                ref.title = self.v.text[m.typed_word_end or m.start:m.end].strip() or None

    def _name_key(self, m: Mention) -> str:
        return " ".join(self.v.bare[m.start:m.end].split())

    def _body_name(self, key: str | None) -> str:
        if key and key in self.bf.bodies:
            return self.bf.bodies[key].name
        return key or ""

    def _typed_doc(self, m: Mention) -> str | None:
        """Materialise a typed phrase ("Quyết định phân công nhiệm vụ") used in a relation."""
        v, docs = self.v, self.docs
        name = self._name_key(m)
        for alias, key in self.aliases.items():
            if name.startswith(alias) and key:
                return key
        selfref = docs.refs.get(docs.self_key or "")
        if selfref is not None:
            gap = v.bare[max(0, m.start - 25):m.start]
            if selfref.type == m.type and (re.search(r"(?:ban hanh|xay dung) {1,3}$", gap) or (
                    self.title_span and self.title_span[0] <= m.start < self.title_span[1])):
                return selfref.key
        if m.end - (m.typed_word_end or m.end) < 3:
            return None  # a bare type word names no document
        mention = " ".join(v.text[m.start:m.end].split())
        issuer = self._issuer_after(m) or self._issuer_before(m)
        if issuer is None and m.type in ("luat", "bo-luat", "hien-phap", "phap-lenh"):
            issuer = self.bf.add(Form("quoc-hoi", "central", "Quốc hội"), "central", None, None,
                                 None, None)
        if issuer is None:
            lo = max(0, m.start - 400)     # the sentence, at most 400 characters back
            line_start = max(v.text.rfind(".", lo, m.start), v.text.rfind("\n", lo, m.start),
                             lo - 1)
            for s, _, k in self.bf.ending_in(line_start, m.start):
                if line_start < s < m.start:
                    issuer = k
                    break
        date = doc_date(v, m)
        known = None
        if self.cat is not None and m.type in ("luat", "bo-luat", "phap-lenh", "hien-phap"):
            known = self.cat.find(m.type, v.text[m.typed_word_end or m.start:m.end], date)
        if known is not None:
            ref = docs.add(DocumentRef(known.id, known.id, m.type, mention=mention, start=m.start,
                                       end=m.end, issuer=issuer, date=date or known.date,
                                       title=known.title, confidence=0.8))
        else:
            key = _unnumbered(self._body_name(issuer), mention)
            ref = docs.add(DocumentRef(key, None, m.type, mention=mention, start=m.start,
                                       end=m.end, issuer=issuer, date=date))
        self.aliases.setdefault(name, ref.key)
        return ref.key

    # --- relations ----------------------------------------------------------------
    def relations(self) -> list:
        linker = Linker(self.v, self.mentions, self.docs.refs, self.docs.self_key,
                        self.title_span, self._typed_doc, self._topic_of,
                        [(s, e) for s, e, _ in self.bf.spans], self._annexes(), self._cues())
        self._topics: dict[str, set[str]] | None = None
        return linker.run() + self._consolidated()

    def _consolidated(self) -> list:
        """A consolidated text (văn bản hợp nhất) consolidates the documents its opening
        lists: the original and those that amended it."""
        from kg.extract.model import Relation
        own = self.docs.refs.get(self.docs.self_key or "")
        if own is None or own.type != "van-ban-hop-nhat":
            return []
        head_end = _head_end(self.v.text)
        out, seen = [], set()
        for m in self.mentions:
            if m.kind == "id" and m.start < head_end and m.key and m.key != own.key \
                    and m.key not in seen:
                seen.add(m.key)
                out.append(Relation(own.key, "consolidates", m.key,
                                    self.v.text[m.start:m.end], m.start, m.end, 0.9))
        return out

    def _cues(self) -> list:
        if self._cue_cache is None:
            self._cue_cache = find_cues(self.v)
        return self._cue_cache

    def _starts(self) -> list[int]:
        if len(self._m_starts) != len(self.mentions):
            self._m_starts = [m.start for m in self.mentions]
        return self._m_starts

    def _annexes(self) -> list[tuple[int, str]]:
        """Annexes: "(Ban hành kèm theo Nghị quyết số …)" under a typed heading starts the
        text of another document (the programme, the regulation) that acts from there on."""
        out = []
        own = self.docs.refs.get(self.docs.self_key or "")
        if own is not None and own.type == "van-ban-hop-nhat":
            # a consolidated text opens with the original's "Căn cứ": they are the original's
            head = [m for m in self.mentions if m.kind == "id" and m.key != own.key
                    and m.start < _head_end(self.v.text)]
            if head and head[0].key:
                out.append((0, head[0].key))
        for m in _ANNEX.finditer(self.v.bare):
            if self.v.text[:m.start()].rstrip(" \t")[-1:] not in ("\n", ""):
                continue
            lo = bisect.bisect_right(self._starts(), m.start() - 800)
            hi = bisect.bisect_left(self._starts(), m.start())
            heads = [x for x in self.mentions[lo:hi] if x.kind == "typed"
                     and self.v.text[x.start:x.end].isupper()]
            if heads:
                key = self._typed_doc(heads[-1])
                if key and key != self.docs.self_key:
                    heads[-1].key = key
                    out.append((heads[-1].start, key))
        return out

    def _topic_of(self, start: int, stop: int, subject: str | None = None) -> str | None:
        words = [w for w in re.findall(r"[a-z]+", self.v.bare[start:stop])[:12]
                 if w not in _STOPWORDS]
        if len(words) < 3:
            return None
        if self._topics is None:
            self._topics = self._doc_topics()
        best, best_score, tie = None, 0.0, False
        for key, bag in self._topics.items():
            if key == subject:
                continue
            score = sum(w in bag for w in words) / len(words)
            if score > best_score:
                best, best_score, tie = key, score, False
            elif score == best_score:
                tie = True
        return best if best_score >= 0.75 and not tie else None

    def _doc_topics(self) -> dict[str, set[str]]:
        """Words that name what a document is about: its title, and the phrase before
        "theo <document>" ("thí điểm … chính quyền đô thị theo Nghị quyết 97/2019/QH14")."""
        bags: dict[str, set[str]] = {}
        bare = self.v.bare
        cue_ends = sorted(c.end for c in self._cues())
        for m in self.mentions:
            if m.kind != "id" or not m.key:
                continue
            first = m.key not in bags       # a document's title counts once, not per mention
            bag = bags.setdefault(m.key, set())
            ref = self.docs.refs[m.key]
            if first and ref.title and not re.search(r"(?<![a-z])(thuc hien|thi hanh)(?![a-z])",
                                                     bare_line(ref.title)):
                bag.update(re.findall(r"[a-z]+", bare_line(ref.title)))
            pre = re.search(r"(?:theo|tai) {1,3}$", bare[max(0, m.start - 8):m.start])
            if pre:
                i = bisect.bisect_right(cue_ends, m.start)
                lo = max(cue_ends[i - 1] if i else 0, m.start - 120)
                bag.update(re.findall(r"[a-z]+", bare[lo:m.start]))
        return {k: b - _STOPWORDS for k, b in bags.items() if b}
