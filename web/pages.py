"""What each page shows, gathered from the library: Queries, the analytics, the catalog.

No SPARQL here: this module only joins and shapes the library's answers for templates
and JSON twins (labels in the reader's language, evidence links, highlighted text).
"""
from __future__ import annotations

import pickle
import threading
from typing import Any
from urllib.parse import quote

from flask import current_app

from kg.analytics.applies import applies_to
from kg.analytics.common import kept
from kg.analytics.trace import trace_down, trace_up
from kg.errors import InputError
from kg.extract.tables import DOC_TYPES, LEVELS, RELATIONS
from kg.ns import DOCTYPE, LEVEL, PREFIXES
from kg.search import Edge, Entry, SearchIndex
from kg.store.base import Store
from web.state import state

# Facts a reader cares about first, in this order; the rest follow by property name.
_FACT_ORDER = ("eli:id_local", "kg:documentType", "eli:passed_by", "eli:date_document",
               "eli:title", "kg:validityStatus", "kg:count", "kg:signer", "rdfs:label")
_FACT_LABELS = {"eli:id_local": "number", "kg:documentType": "type", "eli:passed_by": "issuer",
                "eli:date_document": "date", "eli:title": "title",
                "kg:validityStatus": "validity"}
_HIDDEN = {"kg:correction"}


_INDEX_LOCK = threading.Lock()


def index() -> SearchIndex:
    """The app's search index (one per app): a catalog kept current in the background; a
    request waits at most KG_SEARCH_WAIT seconds for an update, once per update."""
    ext = current_app.extensions
    if "kg_search" not in ext:
        with _INDEX_LOCK:   # the first requests come on several threads at once
            if "kg_search" not in ext:
                every = float(current_app.config.get("KG_SEARCH_CHECK_EVERY", 2.0))
                wait = float(current_app.config.get("KG_SEARCH_WAIT", 5.0))
                ix = SearchIndex(state().store, check_every=every, wait=wait)
                # the analytics read facts and closures from the catalog while current
                state().store.projection = ix.catalog
                ext["kg_search"] = ix
    return ext["kg_search"].fresh()


def analytics_store() -> Store:
    """The store for the analytics, its catalog attached and checked for freshness."""
    return index().store


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def evidence_href(source: str | None, start: int | None, end: int | None) -> str | None:
    """The source page scrolled to (and highlighting) the sentence of a link."""
    base = state().minter.base
    if not source or not source.startswith(base) or start is None or end is None:
        return None
    return f"/id/{source[len(base):]}?hl={int(start)}-{int(end)}#ev-{int(start)}"


def set_label(node: dict[str, Any]) -> str:
    """A document known only by count, in place: "UBND phường Đức Giang: 04 văn bản"."""
    issuers = node.get("issuers") or []
    who = issuers[0] if issuers else None
    if isinstance(who, dict):
        who = who.get("label") or who.get("iri")
    label = node.get("label") or ""
    return f"{who}: {label}" if who else label


# -- documents ---------------------------------------------------------------------------

def _edge(edges: list[Edge], rel: str | None, b: str) -> Edge | None:
    """The first of `edges` (one node's links out) to `b` along `rel` (any, when None)."""
    for e in edges:
        if e.b == b and (rel is None or e.rel == rel):
            return e
    return None


def _annotate(node: dict[str, Any], parent: str | None, direction: str, depth: int,
              entry: Entry | None, out: dict[str, list[Edge]]) -> None:
    """Add kind, type, the in-place label of sets and the evidence link of the step from
    `parent` to one node of a trace tree (`entry`: the node's catalog entry; `out`: the
    links out of the acting documents of the steps)."""
    node["kind"] = entry.kind if entry else "document"
    node["type"] = entry.type if entry else None
    node["display"] = set_label(node) if node["kind"] == "docset" else node.get("label")
    node["depth"] = depth
    if parent is not None:
        a, b = (node["iri"], parent) if direction == "down" else (parent, node["iri"])
        e = _edge(out.get(a, []), node.get("rel"), b)
        node["evidence"] = evidence_href(e.source, e.start, e.end) if e else None


def _tree_steps(tree: dict[str, Any]) -> list[tuple[dict[str, Any], str | None, int]]:
    """Each node of a trace tree with its parent's IRI and its depth, depth first in the
    tree's order (without recursion: a chain may be thousands deep)."""
    steps: list[tuple[dict[str, Any], str | None, int]] = []
    stack: list[tuple[dict[str, Any], str | None, int]] = [(tree, None, 0)]
    while stack:
        n, parent, depth = stack.pop()
        steps.append((n, parent, depth))
        stack.extend((c, n["iri"], depth + 1) for c in reversed(n.get("children", ())))
    return steps


def _annotate_tree(ix: SearchIndex, tree: dict[str, Any], direction: str) -> None:
    """`_annotate` every node of a (capped) trace tree, their entries fetched at once."""
    _annotate_steps(ix, _tree_steps(tree), direction)


def _annotate_steps(ix: SearchIndex, steps: list[tuple[dict[str, Any], str | None, int]],
                    direction: str) -> None:
    entries = ix.catalog.entries(n["iri"] for n, _, _ in steps)
    out = ix.catalog.edges_of_each(
        ((n["iri"] if direction == "down" else parent) for n, parent, _ in steps if parent),
        "out")
    for n, parent, depth in steps:
        _annotate(n, parent, direction, depth, entries.get(n["iri"]), out)


class Labels:
    """Labels of nodes looked up in the index one at a time (documents' types by name),
    instead of a map of every label built on each request."""

    _TYPES = {str(DOCTYPE) + k: t.vi for k, t in DOC_TYPES.items()}

    def __init__(self, ix: SearchIndex) -> None:
        self.ix = ix

    def get(self, node: str, default: str | None = None) -> str | None:
        if node in self._TYPES:
            return self._TYPES[node]
        e = self.ix.by_node.get(node)
        return e.label if e is not None else default


def _facts(rows: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """Facts grouped by (property, value) with the sources (named graphs) saying each."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    named: dict[tuple[str, str], set[str]] = {}
    short = {p: _short(p) for p in {r["p"] for r in rows}}
    for r in rows:
        p = short[r["p"]]
        if p in _HIDDEN:
            continue
        o = r["o"]
        key = (p, str(o))
        f = grouped.get(key)
        if f is None:      # a founding law's facts come in thousands of rows, a few values
            is_iri = isinstance(o, str) and o.startswith("http")
            f = grouped[key] = {"p": p, "name": _FACT_LABELS.get(p), "o": o, "iri": is_iri,
                                "o_label": (labels.get(o) or _short(o)) if is_iri else None,
                                "sources": [], "sources_total": 0}
            named[key] = set()
        g = r.get("g")
        if g and g not in named[key]:
            named[key].add(g)
            f["sources"].append(g)
        f["sources_total"] = max(f["sources_total"], r.get("n") or 0, len(f["sources"]))
        if r.get("over"):
            f["sources_over"] = True          # more than `sources_total` (kg.query.COUNTED)
    order = {p: i for i, p in enumerate(_FACT_ORDER)}
    return sorted(grouped.values(), key=lambda f: (order.get(f["p"], 99), f["p"], str(f["o"])))


def document(node: str) -> dict[str, Any]:
    """A document or a set: facts with their sources, traces both ways, evidence, status."""
    q = state().queries
    ix = index()
    store = analytics_store()
    # kept too: a founding law's facts are restated by ~46,000 sources (0.5 s to count)
    data = kept(store, ("document-data", node), lambda: q.document(node))
    entry = ix.by_node.get(node)
    labels = Labels(ix)
    facts = _facts(data["facts"], labels)
    # only the sources this page names (the first of each fact's, corrections, evidence),
    # not every source: a national resolution is restated by hundreds
    named = {g for f in facts for g in f["sources"][:FACT_SOURCES]}
    named |= {c.get("source") for c in data["corrections"]}
    named |= {lk.get("source") for lk in (*data["outgoing"], *data["incoming"])}
    sources = {g: e.label for g, e in ix.catalog.entries(g for g in named if g).items()
               if e.kind == "source"}
    out: dict[str, Any] = {
        "iri": node,
        "kind": entry.kind if entry else "document",
        "label": entry.label if entry else node,
        "ident": entry.ident if entry else None,
        "type": entry.type if entry else None,
        "date": entry.date if entry else None,
        "count": entry.count if entry else None,
        "issuers": [{"iri": b, "label": labels.get(b, b)}
                    for b in (entry.issuers if entry else [])],
        "facts": facts,
        "source_labels": sources,
    }
    status = [f["o"] for f in out["facts"] if f["p"] == "kg:validityStatus"]
    out["status"] = _short(status[0]).split(":")[-1] if status else None
    if out["kind"] == "docset":
        out["display"] = set_label({"label": out["label"],
                                    "issuers": [i["label"] for i in out["issuers"]]})
    page = _page_arg()
    out.update(kept(store, ("document-page", node, page),
                    lambda: _trace_sections(store, ix, node, page)))
    out["evidence"] = []
    for direction in ("out", "in"):
        for link in data["outgoing" if direction == "out" else "incoming"]:
            link["direction"] = direction
            link["href"] = evidence_href(link.get("source"), link.get("start"), link.get("end"))
            link["source_label"] = sources.get(link.get("source"), link.get("source"))
            other = ix.by_node.get(link["other"])
            if other is not None and other.kind == "docset":
                link["label"] = set_label({"label": other.label,
                                           "issuers": other.issuer_labels})
            out["evidence"].append(link)
    out["evidence_total"] = data["outgoing_total"] + data["incoming_total"]
    out["evidence_over"] = data["outgoing_over"] or data["incoming_over"]
    out["mentions"] = [{**m, "href": evidence_href(m["source"], m["start"], m["end"])}
                       for m in data["sources"]]
    out["mentions_total"] = data["sources_total"]
    out["mentions_over"] = data["sources_over"]
    out["corrections"] = data["corrections"]
    return out


def _trace_sections(store: Store, ix: SearchIndex, node: str, page: int
                    ) -> dict[str, Any]:
    """The document page's `downstream` and `upstream`: trees and level summaries cut to
    what a page shows, annotated, and `page` of the downstream documents for the JSON twin.

    Kept whole by the caller until the store changes, rather than the traces they are cut
    from: a national resolution's trace of thousands of documents takes ~25 ms to keep
    and as long to read back, these sections a few.
    """
    down = trace_down(store, node, keep=False, limit=TRACE_DOCS)
    up = trace_up(store, node, keep=False, limit=TRACE_DOCS)
    shown = {"down": cap_tree(down["tree"], TREE_NODES), "up": cap_tree(up["tree"], TREE_NODES)}
    cap_levels(down["levels"], LEVEL_DOCS, LEVEL_GROUPS)
    cap_levels(up["levels"], LEVEL_DOCS, LEVEL_GROUPS)
    _annotate_tree(ix, down["tree"], "down")
    _annotate_tree(ix, up["tree"], "up")
    downstream = {k: down[k] for k in ("tree", "levels", "counts", "stops", "cycles",
                                       "deepest_level", "levels_not_reached", "complete")}
    upstream = {k: up[k] for k in ("tree", "levels", "counts", "roots", "cycles", "complete")}
    downstream["tree_nodes"] = {"shown": shown["down"], "total": len(down["nodes"])}
    upstream["tree_nodes"] = {"shown": shown["up"], "total": len(up["nodes"])}
    downstream["documents"] = node_page(down["nodes"], page)
    return {"downstream": downstream, "upstream": upstream, "trace_limit": TRACE_DOCS}


#: Documents of a trace a document page and its print view walk to, nearest first: a
#: founding law reaches most of the graph (77/2015/QH13: 64,529 documents at 100k, 5.7 s
#: to trace; 20,000 of them took the print view 2 s). Both say there are more; the whole
#: is at /api/trace and `kg trace --format csv`.
TRACE_DOCS = 3000
#: Nodes of a trace tree drawn on a page (breadth first); the rest are counted, and the
#: JSON twin pages through every document with ?page=.
TREE_NODES = 200
#: Documents listed per issuer in the by-level summary, and issuers per level; the rest
#: are counted (a national resolution reaches thousands of documents of thousands of
#: bodies: the print view lists them all, page by page).
LEVEL_DOCS = 20
LEVEL_GROUPS = 25
NODES_PER_PAGE = 500
#: Sources named beside each fact on the page (the JSON twin lists up to
#: `kg.query.LISTED`, with `sources_total`).
FACT_SOURCES = 5


def cap_tree(tree: dict[str, Any], limit: int) -> int:
    """Keep the first `limit` nodes of `tree` breadth first; a node whose children were
    cut says how many in `more`. Returns the number of nodes kept."""
    kept = 1
    queue = [tree]
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        children = n.get("children") or []
        room = max(0, limit - kept)
        if len(children) > room:
            n["more"] = len(children) - room
            n["children"] = children = children[:room]
        kept += len(children)
        queue.extend(children)
    return kept


def cap_levels(levels: list[dict[str, Any]], limit: int, groups: int) -> None:
    """List at most `groups` issuers in each level and `limit` documents per issuer;
    `more` counts the documents left out of a group, `more_issuers` and
    `more_documents` the groups left out of a level."""
    for lv in levels:
        if len(lv["issuers"]) > groups:
            hidden = lv["issuers"][groups:]
            lv["more_issuers"] = len(hidden)
            lv["more_documents"] = sum(len(g["documents"]) for g in hidden)
            lv["issuers"] = lv["issuers"][:groups]
        for g in lv["issuers"]:
            if len(g["documents"]) > limit:
                g["more"] = len(g["documents"]) - limit
                g["documents"] = g["documents"][:limit]


def _page_arg() -> int:
    from flask import request

    raw = request.args.get("page", "1") if request else "1"
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def node_page(nodes: dict[str, dict[str, Any]], page: int,
              per_page: int = NODES_PER_PAGE) -> dict[str, Any]:
    """One page of a trace's documents (by depth, then date), for the JSON twin."""
    ordered = sorted(nodes.values(), key=lambda n: (n.get("depth") is None, n.get("depth") or 0,
                                                    n.get("date") or "9999", n["iri"]))
    total = len(ordered)
    pages = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    keys = ("iri", "id", "label", "date", "count", "level", "depth", "parent", "rel",
            "lag_days")
    return {"page": page, "pages": pages, "per_page": per_page, "total": total,
            "nodes": [{k: n.get(k) for k in keys} for n in ordered[start:start + per_page]]}


def trace_view(node: str, page: int, per_page: int = NODES_PER_PAGE) -> dict[str, Any]:
    """The print view of a document's downstream trace: every document in tree order
    (depth first), `per_page` rows a page, each with its step's lag and evidence; the
    tree itself drawn when it fits on a page. Past `TRACE_DOCS` documents, the nearest."""
    ix = index()
    entry = ix.by_node.get(node)
    view = kept(analytics_store(), ("trace-view", node, per_page, TRACE_DOCS),
                lambda: _print_pages(node, per_page))
    pages = len(view["pages"])
    if not 1 <= page <= pages:
        raise InputError(f"page {page} does not exist: the trace has {pages} pages")
    tree = view["tree"]
    shown = _tree_steps(tree) if tree is not None else pickle.loads(view["pages"][page - 1])
    _annotate_steps(ix, shown, "down")      # the tree's own nodes: drawn below as they are
    issuers = ix.catalog.entries(entry.issuers if entry else [])
    out: dict[str, Any] = {
        "iri": node, "label": entry.label if entry else node,
        "issuers": [{"iri": b, "label": issuers[b].label if b in issuers else b}
                    for b in (entry.issuers if entry else [])],
        "date": entry.date if entry else None, "counts": view["counts"],
        "complete": view["complete"], "trace_limit": TRACE_DOCS,
        "page": page, "pages": pages, "per_page": per_page, "total": view["total"],
        "rows": [{**{k: v for k, v in n.items() if k != "children"}, "parent": parent}
                 for n, parent, _ in shown],
    }
    if entry is not None and entry.kind == "docset":
        out["display"] = set_label({"label": out["label"],
                                    "issuers": [i["label"] for i in out["issuers"]]})
    if tree is not None:
        out["tree"] = tree
    return out


def _print_pages(node: str, per_page: int) -> dict[str, Any]:
    """The print view's trace cut into pages, each pickled on its own: asked again, a page
    reads back its rows only (a founding law's whole trace took seconds to read back), or
    the tree when the trace fits on one page."""
    down = trace_down(analytics_store(), node, keep=False, limit=TRACE_DOCS)
    steps = _tree_steps(down["tree"])
    head = {"counts": down["counts"], "complete": down["complete"], "total": len(steps)}
    if len(steps) <= per_page:
        return {**head, "tree": down["tree"], "pages": [b""]}
    rows = [({k: v for k, v in n.items() if k != "children"}, parent, depth)
            for n, parent, depth in steps]
    return {**head, "tree": None,
            "pages": [pickle.dumps(rows[i:i + per_page], protocol=pickle.HIGHEST_PROTOCOL)
                      for i in range(0, len(rows), per_page)]}


# -- bodies ------------------------------------------------------------------------------

def body(node: str) -> dict[str, Any]:
    """A body: its place in the hierarchy, what it issued, what applies to it, the gaps."""
    q = state().queries
    ix = index()
    data = q.body(node)
    entry = ix.by_node.get(node)
    level = entry.level if entry else None
    applied = applies_to(analytics_store(), node)
    for d in applied["documents"]:
        d["display"] = set_label(d) if d.get("is_set") else d.get("label")
    issued = []
    for d in data["issued"]:
        e = ix.by_node.get(d["doc"])
        d["kind"] = e.kind if e else "document"
        d["display"] = (set_label({"label": d["label"], "issuers": [entry.label]})
                        if e and e.kind == "docset" and entry else d["label"])
        issued.append(d)
    chain = []
    cur = node
    seen = {node}
    while ix.parents.get(cur):
        cur = ix.parents[cur][0]
        if cur in seen:
            break
        seen.add(cur)
        chain.append({"iri": cur, "label": ix.by_node[cur].label if cur in ix.by_node else cur,
                      "level": ix.by_node[cur].level if cur in ix.by_node else None})
    return {
        "iri": node, "kind": "body", "label": entry.label if entry else node, "level": level,
        "facts": _facts(data["facts"], Labels(ix)),
        "parents": list(reversed(chain)),
        "children": data["children"], "issued": issued, "people": data["people"],
        "applies": applied["documents"], "applies_counts": applied["counts"],
        "gaps": [d for d in applied["documents"] if not d["acted"]],
    }


# -- sources -----------------------------------------------------------------------------

def segments(text: str, mentions: list[dict[str, Any]], links: list[dict[str, Any]],
             highlight: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The text cut at every span boundary; each piece says what covers it.

    Pieces are plain text (the template escapes them): a piece inside a mention carries
    the mention's target, inside a link's sentence the `ev` flag, inside the asked
    span the `hl` flag; `anchor` marks where a sentence starts, for #ev-<start> links.
    """
    n = len(text)
    cuts = {0, n}
    spans_m = []
    for m in mentions:
        s, e = int(m["start"]), int(m["end"])
        if 0 <= s < e <= n:
            spans_m.append((s, e, m))
            cuts.update((s, e))
    spans_l = []
    for lk in links:
        s, e = int(lk["start"]), int(lk["end"])
        if 0 <= s < e <= n:
            spans_l.append((s, e))
            cuts.update((s, e))
    if highlight and 0 <= highlight[0] < highlight[1] <= n:
        cuts.update(highlight)
    starts = {s for s, _ in spans_l}
    if highlight:
        starts.add(highlight[0])
    bounds = sorted(cuts)
    out: list[dict[str, Any]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        mention = next((m for s, e, m in spans_m if s <= a and b <= e), None)
        out.append({
            "text": text[a:b], "start": a,
            "anchor": a in starts,
            "node": mention["node"] if mention else None,
            "mention_start": mention is not None and int(mention["start"]) == a,
            "ev": any(s <= a and b <= e for s, e in spans_l),
            "hl": bool(highlight and highlight[0] <= a and b <= highlight[1]),
        })
    return out


def source(node: str, highlight: tuple[int, int] | None) -> dict[str, Any]:
    """A source: its metadata, its text with every recognized mention marked, its links."""
    q = state().queries
    data = q.source(node)
    meta = {_short(f["p"]): f["o"] for f in data["meta"]}
    text = str(meta.pop("kg:text", ""))
    ix = index()
    for m in data["mentions"]:
        e = ix.by_node.get(m["node"])
        m["kind"] = e.kind if e else None
    for lk in data["links"]:
        lk["href"] = evidence_href(node, lk["start"], lk["end"])
        lk["from_label"] = ix.by_node[lk["from"]].label if lk["from"] in ix.by_node else lk["from"]
        lk["to_label"] = ix.by_node[lk["to"]].label if lk["to"] in ix.by_node else lk["to"]
    return {
        "iri": node, "kind": "source", "label": meta.get("rdfs:label") or node,
        "title": meta.get("dcterms:title"), "published": meta.get("dcterms:issued"),
        "url": meta.get("dcterms:source"), "locator": meta.get("kg:locator"),
        "sha256": meta.get("kg:sha256"), "text": text,
        "mentions": data["mentions"], "links": data["links"],
        "highlight": list(highlight) if highlight else None,
        "segments": segments(text, data["mentions"], data["links"], highlight),
    }


def parse_span(arg: str | None) -> tuple[int, int] | None:
    """"120-260" → (120, 260); anything else None."""
    if not arg or "-" not in arg:
        return None
    a, _, b = arg.partition("-")
    if a.isdigit() and b.isdigit() and int(a) < int(b):
        return int(a), int(b)
    return None


# -- the graph explorer ------------------------------------------------------------------

def _node_json(ix: SearchIndex, node: str, e: Entry | None = None) -> dict[str, Any] | None:
    e = e or ix.by_node.get(node)
    if e is None:
        return None
    label = e.label
    if e.kind == "docset":
        label = set_label({"label": e.label, "issuers": e.issuer_labels})
    return {"id": node, "label": label, "kind": e.kind, "type": e.type, "level": e.level,
            "date": e.date, "href": _local(node)}


def _local(node: str) -> str:
    base = state().minter.base
    return "/id/" + quote(node[len(base):], safe="/-._~") if node.startswith(base) else "#"


#: Neighbours the explorer draws on expanding a node (a founding law has ~50,000: a
#: browser would not draw them); the rest are counted in `more`.
NEIGHBOURS = 300
#: Links read each way per neighbour drawn (two links may join the same two documents);
#: the others are only counted.
LINKS_READ = 2


def neighbourhood(node: str) -> dict[str, Any]:
    """A node and its neighbours with the edges between: document links, issuers, hierarchy;
    at most `NEIGHBOURS` of them (its own issuers and parents first), `more` counts the
    rest."""
    ix = index()
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, Any]] = {}

    def add_node(n: str) -> bool:
        if n not in nodes:
            j = _node_json(ix, n)
            if j is None:
                return False
            nodes[n] = j
        return True

    def add_edge(a: str, rel: str, b: str, eid: str) -> None:
        if add_node(a) and add_node(b):
            edges[eid] = {"id": eid, "source": a, "target": b, "rel": rel}

    if not add_node(node):
        return {"nodes": [], "edges": []}
    e = ix.by_node[node]
    links: list[tuple[str, str, str]] = []     # (from, relation, to), the node at one end
    near = None
    if e.kind == "body":
        links += [(node, "sub_of", p) for p in ix.parents.get(node, ())]
        links += [(c, "sub_of", node) for c in ix.children.get(node, ())]
        links += [(d, "passed_by", node) for d in ix.issued.get(node, ())]
    else:
        links += [(node, "passed_by", b) for b in e.issuers]
        near = ix.catalog.first_edges(node, LINKS_READ * NEIGHBOURS)
        found = near[0] if near else (*ix.out_edges.get(node, ()), *ix.in_edges.get(node, ()))
        links += [(ed.a, ed.rel, ed.b) for ed in found]
    drawn: set[str] = set()
    more: set[str] = set()
    for a, rel, b in links:
        other = b if a == node else a
        if other in drawn or (len(drawn) < NEIGHBOURS and other not in more):
            drawn.add(other)
            add_edge(a, rel, b, f"{a}|{rel}|{b}")
        else:
            more.add(other)
    if near is not None:               # the links of a document not read, counted
        more_count = len(set(e.issuers)) + near[1] - len(drawn)
    else:
        more_count = len(more)
    return {"nodes": list(nodes.values()), "edges": list(edges.values()), "more": more_count}


def whole_graph(limit: int) -> dict[str, Any]:
    """Documents and their links, the most connected first, up to `limit` nodes."""
    ix = index()
    keep, truncated = ix.catalog.most_linked(limit)
    found = ix.catalog.entries(keep)
    nodes = [j for n in keep if (j := _node_json(ix, n, found.get(n))) is not None]
    have = {n["id"] for n in nodes}
    seen: set[str] = set()
    edges = []
    for ed in ix.catalog.edges_among(have):
        eid = f"{ed.a}|{ed.rel}|{ed.b}"
        if eid not in seen:
            seen.add(eid)
            edges.append({"id": eid, "source": ed.a, "target": ed.b, "rel": ed.rel})
    return {"nodes": nodes, "edges": edges, "truncated": truncated}


def explorer_vocab() -> dict[str, Any]:
    """Relations, document types and levels the explorer's filters offer."""
    from web.views import level_label, rel_label, t, type_label

    return {
        "relations": [{"key": k, "label": rel_label(k)} for k in RELATIONS] + [
            {"key": "passed_by", "label": t("rel_passed_by")},
            {"key": "sub_of", "label": t("rel_sub_of")}],
        "types": [{"key": k, "label": type_label(k)} for k in DOC_TYPES],
        "levels": [{"key": k, "label": level_label(k), "iri": str(LEVEL) + k} for k in LEVELS],
    }
