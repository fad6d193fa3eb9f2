"""Search over documents, bodies and sources: any spelling of a number, any accents.

Design: the ranking rules live here; the entries live in a persistent SQLite catalog
(``kg.catalog``) kept current incrementally, with an FTS5 table finding the candidates
that these rules then score. Each entry keeps three bags of folded tokens
(``kg.normalize.fold``: no tones, đ = d, lower case): the parts of its number and symbol
plus its type codes ("97", "2019", "qh14", "qh", "14", "nq"), the words of its label and
title, and the words of its issuers' names. A query is folded and split the same way;
every token must match somewhere (AND), a number part counts most, a whole-number match
("97/2019/QH14" in any spelling) ranks first, then the score, the number of documents that
implement or cite the entry, and the newest date.
Facets (type, issuer, level, year, kind) count the matches with the other facets applied.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from kg.extract.tables import DOC_TYPES
from kg.normalize import fold
from kg.store.base import Store

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
    building: bool = False         # the first build of the catalog is still running
    approximate: bool = False      # total and facet counts scaled from a sample

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


FACETS = ("kind", "type", "issuer", "level", "year")


class _View:
    """A read-only mapping over catalog lookups (node → entry, edges, related nodes)."""

    def __init__(self, fetch: Callable[[str], Any], empty: Any = None) -> None:
        self._fetch = fetch
        self._empty = empty

    def get(self, node: str, default: Any = None) -> Any:
        found = self._fetch(node)
        return found if found else (default if default is not None else found)

    def __getitem__(self, node: str) -> Any:
        found = self._fetch(node)
        if found is None:
            raise KeyError(node)
        return found

    def __contains__(self, node: object) -> bool:
        return isinstance(node, str) and self._fetch(node) is not None


class SearchIndex:
    """The search index of one store, backed by a persistent SQLite catalog
    (``kg.catalog``): lookups are indexed, updates incremental, builds in the background.

    The attributes of the former in-memory index remain as views: ``by_node`` (node →
    Entry), ``out_edges``/``in_edges`` (node → [Edge]), ``parents``/``children``/``issued``
    (node → [node]); ``entries`` and ``edges`` iterate everything (slow on a big graph).
    """

    def __init__(self, store: Store, *, check_every: float = 2.0, wait: float = 30.0,
                 path: str | None = None) -> None:
        from kg.catalog import Catalog

        self.store = store
        self.catalog = Catalog(store, path, check_every=check_every, wait=wait)
        c = self.catalog
        self.by_node = _View(c.entry)
        self.out_edges = _View(lambda n: c.edges_of(n, "out"))
        self.in_edges = _View(lambda n: c.edges_of(n, "in"))
        self.parents = _View(lambda n: c.related(n, "parents"))
        self.children = _View(lambda n: c.related(n, "children"))
        self.issued = _View(lambda n: c.related(n, "issued"))

    @property
    def entries(self) -> Iterator[Entry]:
        return self.catalog.all_entries()

    @property
    def edges(self) -> Iterator[Edge]:
        return self.catalog.all_edges()

    @property
    def ready(self) -> bool:
        return self.catalog.ready

    def level_counts(self, kind: str = "document") -> dict[str, int]:
        return self.catalog.level_counts(kind)

    def fresh(self, wait: float | None = None) -> SearchIndex:
        """Start an update when the store's sources may have changed; wait a little for it."""
        self.catalog.refresh(wait)
        return self

    def search(self, text: str, *, filters: dict[str, str] | None = None, page: int = 1,
               per_page: int = 20) -> Results:
        """Ranked, paged hits for `text` with facet counts; empty text lists everything."""
        self.fresh()
        return self.catalog.search(text, filters=filters, page=page, per_page=per_page)

    def get(self, node: str) -> Entry | None:
        """The entry of `node` (after a freshness check), for labels, types and levels."""
        return self.fresh().catalog.entry(node)

    def close(self) -> None:
        self.catalog.close()


def _neg_date(date: str | None) -> str:
    """Sort key placing newer dates first (character-wise complement of the ISO date)."""
    if not date:
        return "~"
    return "".join(chr(0x7E - ord(c) + 0x20) if c.isdigit() else c for c in date)


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


__all__ = ["FACETS", "Edge", "Entry", "Results", "SearchIndex", "id_tokens", "tokens"]
