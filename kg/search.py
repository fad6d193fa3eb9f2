"""Search over documents, bodies and sources: any spelling of a number, any accents.

Design: an in-memory index built from the store on first use (one pass of a few SELECTs)
and rebuilt when the sources change. Whether they changed is a cheap question (how many
source graphs, the latest extraction time), asked at most every `check_every` seconds.
Each entry keeps three bags of folded tokens (``kg.normalize.fold``: no tones, đ = d, lower
case): the parts of its number and symbol plus its type codes ("97", "2019", "qh14", "qh",
"14", "nq"), the words of its label and title, and the words of its issuers' names. A query
is folded and split the same way; every token must match somewhere (AND), a number part
counts most, a whole-number match ("97/2019/QH14" in any spelling) ranks first, then the
score, the number of documents that implement or cite the entry, and the newest date.
Facets (type, issuer, level, year, kind) count the matches with the other facets applied.
"""
from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.extract.tables import DOC_TYPES
from kg.normalize import fold
from kg.ns import DOCTYPE, KG, LEVEL, sparql_prefixes
from kg.query import value
from kg.store.base import Store

P = sparql_prefixes()
KG_NS = str(KG._NS)
_SPLIT = re.compile(r"[^0-9a-z]+")
_PARTS = re.compile(r"[0-9]+|[a-z]+")
# Words too common to narrow a search: "số 97", "nghị quyết của Quốc hội về…".
STOP = frozenset("so cua ve va ngay thang nam tai the cac nhung".split())
# Type codes ("nq", "kh", "nd") → type keys, for queries such as "nq 97 2019".
CODES: dict[str, set[str]] = {}
for _t in DOC_TYPES.values():
    for _c in _t.codes:
        CODES.setdefault(fold(_c), set()).add(_t.key)


def id_key(text: str) -> str:
    """A number's spelling-free key: "32/2021/NĐ-CP", "32 2021 nd cp" → "322021ndcp"."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def tokens(text: str | None) -> list[str]:
    """Folded word tokens of `text` ("Đảng ủy phường" → ["dang", "uy", "phuong"])."""
    return [t for t in _SPLIT.split(fold(text or "")) if t]


def id_tokens(ident: str) -> set[str]:
    """Every piece of a number-and-symbol a person may type: "97/2019/QH14" → 97 2019 qh14 qh 14."""
    out: set[str] = set()
    for t in tokens(ident):
        out.add(t)
        out.update(_PARTS.findall(t))
    return out


@dataclass
class Entry:
    """One searchable thing: a document, a document set, a body or a source."""

    node: str
    kind: str                      # document | docset | body | source
    label: str
    title: str | None = None
    ident: str | None = None
    type: str | None = None        # document-type key ("nghi-quyet")
    date: str | None = None
    year: int | None = None
    count: int | None = None       # documents known only by count
    level: str | None = None       # of the body, or of the document's issuer
    issuers: list[str] = field(default_factory=list)
    issuer_labels: list[str] = field(default_factory=list)
    cited: int = 0                 # in-degree: documents implementing, citing… this one
    key: str = ""                  # id_key of the number, for exact matches
    id_toks: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    issuer_words: set[str] = field(default_factory=set)
    text: str = ""                 # folded label + title, for phrase matches

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("key", "id_toks", "words", "issuer_words", "text"):
            d.pop(k)
        return d


@dataclass(frozen=True)
class Edge:
    """A typed link between two documents, with where its evidence is (not the quote)."""

    a: str
    rel: str                       # relation key ("implements")
    b: str
    link: str
    source: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class Hit:
    entry: Entry
    score: float
    exact: bool


@dataclass
class Results:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[dict[str, Any]]
    facets: dict[str, list[dict[str, Any]]]
    filters: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


FACETS = ("kind", "type", "issuer", "level", "year")


class SearchIndex:
    """The in-memory index of one store; `search()` refreshes it when sources change."""

    def __init__(self, store: Store, *, check_every: float = 2.0) -> None:
        self.store = store
        self.check_every = check_every
        self.entries: list[Entry] = []
        self.by_node: dict[str, Entry] = {}
        self.edges: list[Edge] = []
        self.out_edges: dict[str, list[Edge]] = {}
        self.in_edges: dict[str, list[Edge]] = {}
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = {}
        self.issued: dict[str, list[str]] = {}
        self.signature: tuple[Any, ...] | None = None
        self.built_at = 0.0
        self._checked = 0.0
        self._lock = threading.Lock()

    # -- building ----------------------------------------------------------------------

    def _signature(self) -> tuple[Any, ...]:
        rows = self.store.select(P + """
            SELECT (COUNT(DISTINCT ?g) AS ?n) (MAX(STR(?t)) AS ?last) WHERE {
              GRAPH ?g { ?g a kg:Source ; prov:wasGeneratedBy ?a .
                         OPTIONAL { ?a prov:endedAtTime ?t } } }""")
        row = rows[0] if rows else {}
        return (value(row.get("n")), value(row.get("last")))

    def fresh(self) -> SearchIndex:
        """Rebuild when the store's sources changed since the last build; returns self."""
        now = time.monotonic()
        if self.signature is not None and now - self._checked < self.check_every:
            return self
        with self._lock:
            if self.signature is not None and time.monotonic() - self._checked < self.check_every:
                return self
            sig = self._signature()
            if sig != self.signature:
                self._build()
                self.signature = sig
            self._checked = time.monotonic()
        return self

    def _rows(self, query: str) -> list[dict[str, Any]]:
        return [{k: value(v) for k, v in r.items()} for r in self.store.select(P + query)]

    def _build(self) -> None:
        entries: dict[str, Entry] = {}
        for r in self._rows("""
            SELECT ?b (SAMPLE(?l) AS ?label) (SAMPLE(?lv) AS ?level) WHERE {
              ?b a kg:Body . OPTIONAL { ?b skos:prefLabel ?l }
              OPTIONAL { ?b kg:level ?lv } } GROUP BY ?b"""):
            level = _local(r.get("level"), str(LEVEL))
            entries[r["b"]] = Entry(r["b"], "body", r.get("label") or r["b"], level=level)
        bodies = dict(entries)
        for r in self._rows("""
            SELECT ?d ?set (SAMPLE(?i) AS ?id) (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title)
                   (SAMPLE(?ty) AS ?type) (MIN(STR(?dt)) AS ?date) (SAMPLE(?y) AS ?year)
                   (SAMPLE(?c) AS ?count) WHERE {
              { ?d a kg:Document BIND(false AS ?set) }
              UNION { ?d a kg:DocumentSet BIND(true AS ?set) }
              OPTIONAL { ?d eli:id_local ?i } OPTIONAL { ?d rdfs:label ?l }
              OPTIONAL { ?d eli:title ?t } OPTIONAL { ?d kg:documentType ?ty }
              OPTIONAL { ?d eli:date_document ?dt } OPTIONAL { ?d kg:year ?y }
              OPTIONAL { ?d kg:count ?c } } GROUP BY ?d ?set"""):
            date = r.get("date")
            year = r.get("year") or (int(date[:4]) if date and date[:4].isdigit() else None)
            entries[r["d"]] = Entry(
                r["d"], "docset" if r.get("set") else "document", r.get("label") or r["d"],
                title=r.get("title"), ident=r.get("id"), type=_local(r.get("type"), str(DOCTYPE)),
                date=date, year=int(year) if year else None, count=r.get("count"))
        for r in self._rows("SELECT DISTINCT ?d ?b WHERE { ?d eli:passed_by ?b }"):
            e, b = entries.get(r["d"]), bodies.get(r["b"])
            if e is not None and b is not None and r["b"] not in e.issuers:
                e.issuers.append(r["b"])
                e.issuer_labels.append(b.label)
                e.level = e.level or b.level
        for r in self._rows("""
            SELECT ?d (COUNT(DISTINCT ?o) AS ?n) WHERE {
              ?l a kg:Link ; kg:linkTo ?d ; kg:linkFrom ?o } GROUP BY ?d"""):
            if r["d"] in entries:
                entries[r["d"]].cited = int(r["n"])
        for r in self._rows("""
            SELECT ?g (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?title) (MIN(STR(?i)) AS ?date)
            WHERE { GRAPH ?g { ?g a kg:Source . OPTIONAL { ?g rdfs:label ?l }
                    OPTIONAL { ?g dcterms:title ?t } OPTIONAL { ?g dcterms:issued ?i } } }
            GROUP BY ?g"""):
            date = r.get("date")
            entries[r["g"]] = Entry(r["g"], "source", r.get("label") or r["g"],
                                    title=r.get("title"), date=date,
                                    year=int(date[:4]) if date and date[:4].isdigit() else None)
        for e in entries.values():
            _prepare(e)
        edges = [Edge(r["a"], _local(r["rel"], KG_NS) or "", r["b"], r["l"], r.get("src"),
                      r.get("start"), r.get("end"))
                 for r in self._rows("""
            SELECT ?l ?a ?rel ?b ?src ?start ?end WHERE {
              ?l a kg:Link ; kg:linkFrom ?a ; kg:relation ?rel ; kg:linkTo ?b .
              OPTIONAL { ?l kg:inSource ?src } OPTIONAL { ?l kg:startOffset ?start }
              OPTIONAL { ?l kg:endOffset ?end } } ORDER BY ?l""")]
        out_e: dict[str, list[Edge]] = {}
        in_e: dict[str, list[Edge]] = {}
        for ed in edges:
            out_e.setdefault(ed.a, []).append(ed)
            in_e.setdefault(ed.b, []).append(ed)
        parents: dict[str, list[str]] = {}
        children: dict[str, list[str]] = {}
        for r in self._rows("""SELECT DISTINCT ?c ?p WHERE {
                ?c org:subOrganizationOf ?p }"""):
            parents.setdefault(r["c"], []).append(r["p"])
            children.setdefault(r["p"], []).append(r["c"])
        issued: dict[str, list[str]] = {}
        for e in entries.values():
            for b in e.issuers:
                issued.setdefault(b, []).append(e.node)
        self.entries = sorted(entries.values(), key=lambda e: (e.kind, e.label))
        self.by_node = entries
        self.edges, self.out_edges, self.in_edges = edges, out_e, in_e
        self.parents, self.children, self.issued = parents, children, issued
        self.built_at = time.time()

    # -- searching ---------------------------------------------------------------------

    def search(self, text: str, *, filters: dict[str, str] | None = None, page: int = 1,
               per_page: int = 20) -> Results:
        """Ranked, paged hits for `text` with facet counts; empty text lists everything."""
        self.fresh()
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        matched = [h for e in self.entries if (h := _match(e, text)) is not None]
        matched.sort(key=lambda h: (not h.exact, -h.score, -h.entry.cited,
                                    _neg_date(h.entry.date), h.entry.label))
        hits = [h for h in matched if _passes(h.entry, filters)]
        facets = {name: _facet(matched, filters, name, self.by_node) for name in FACETS}
        page = max(1, page)
        per_page = max(1, min(per_page, 100))
        start = (page - 1) * per_page
        return Results(text, len(hits), page, per_page,
                       [{**h.entry.public(), "score": round(h.score, 2), "exact": h.exact}
                        for h in hits[start:start + per_page]], facets, filters)

    def get(self, node: str) -> Entry | None:
        """The entry of `node` (after a freshness check), for labels, types and levels."""
        return self.fresh().by_node.get(node)


def _local(iri: str | None, ns: str) -> str | None:
    if iri and iri.startswith(ns):
        return iri[len(ns):]
    return iri


def _neg_date(date: str | None) -> str:
    """Sort key placing newer dates first (character-wise complement of the ISO date)."""
    if not date:
        return "~"
    return "".join(chr(0x7E - ord(c) + 0x20) if c.isdigit() else c for c in date)


def _prepare(e: Entry) -> None:
    if e.ident:
        e.key = id_key(e.ident)
        e.id_toks = id_tokens(e.ident)
        if e.type in DOC_TYPES:
            e.id_toks.update(fold(c) for c in DOC_TYPES[e.type].codes)
    words = tokens(e.label) + tokens(e.title)
    if e.type in DOC_TYPES:
        words += tokens(DOC_TYPES[e.type].vi) + tokens(DOC_TYPES[e.type].en)
    e.words = set(words)
    e.issuer_words = {w for label in e.issuer_labels for w in tokens(label)}
    e.text = " ".join(tokens(e.label) + ["|"] + tokens(e.title))


def _match(e: Entry, text: str) -> Hit | None:
    toks = [t for t in tokens(text) if t not in STOP] or tokens(text)
    if not toks:
        return Hit(e, 0.0, False)
    exact = bool(e.key) and id_key(text) == e.key
    if exact:
        return Hit(e, 100.0, True)
    # A token "97/2019/qh14" inside a longer query ("nghị quyết 97/2019/QH14") is exact too.
    for raw in text.split():
        if e.key and len(raw) > 4 and any(c.isdigit() for c in raw) and id_key(raw) == e.key:
            exact = True
    score = 0.0
    for t in toks:
        if t in e.id_toks:
            score += 10.0 if t.isdigit() else 4.0
        elif t in e.words:
            score += 3.0
        elif t in e.issuer_words:
            score += 2.0
        elif len(t) >= 3 and not t.isdigit() and any(w.startswith(t) for w in e.words):
            score += 1.0
        elif exact and t in id_tokens(text):
            continue
        else:
            return None
    phrase = " ".join(toks)
    if len(toks) > 1 and phrase in e.text:
        score += 5.0
    return Hit(e, score + (50.0 if exact else 0.0), exact)


def _value(e: Entry, name: str) -> list[str]:
    if name == "kind":
        return [e.kind]
    if name == "type":
        return [e.type] if e.type else []
    if name == "issuer":
        return list(e.issuers)
    if name == "level":
        return [e.level] if e.level else []
    return [str(e.year)] if e.year else []


def _passes(e: Entry, filters: dict[str, str], skip: str | None = None) -> bool:
    return all(v in _value(e, k) for k, v in filters.items() if k != skip)


def _facet(hits: list[Hit], filters: dict[str, str], name: str,
           by_node: dict[str, Entry]) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    for h in hits:
        if _passes(h.entry, filters, skip=name):
            counts.update(_value(h.entry, name))
    out = []
    for v, n in counts.most_common(30 if name == "issuer" else None):
        label = v
        if name == "type" and v in DOC_TYPES:
            label = DOC_TYPES[v].vi
        elif name == "issuer" and v in by_node:
            label = by_node[v].label
        out.append({"value": v, "label": label, "n": n, "selected": filters.get(name) == v})
    if name == "year":
        out.sort(key=lambda f: f["value"], reverse=True)
    return out


__all__ = ["FACETS", "Edge", "Entry", "Results", "SearchIndex", "id_tokens", "tokens"]
