"""The SPARQL the analytics needs, as named queries that run on any SPARQL 1.1 store.

Every query starts from a bound node (a document, a body) and walks property paths from
it, so that its cost follows the size of the answer and not the size of the store.
Results come back as plain dicts of str / int / float, converted straight from
pyoxigraph's terms on the embedded store (rdflib terms cost more than the query itself
on a trace of thousands of documents) and through `Store.select` on any other store.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kg.extract.tables import IMPLEMENTATION_RELATIONS, LEVELS, RELATIONS, level_rank
from kg.ns import KG, LEVEL, sparql_prefixes
from kg.query import iri
from kg.rdf import LINKED_RELATIONS
from kg.store.base import Store

P = sparql_prefixes()
_KG = str(KG._NS)
_LEVEL = str(LEVEL)
#: Relations along which a document carries out another (the edges of a downstream trace).
DOWN_RELATIONS: tuple[str, ...] = IMPLEMENTATION_RELATIONS
#: Every relation between documents (the edges of an upstream trace).
ALL_RELATIONS: tuple[str, ...] = tuple(RELATIONS)


def rel_path(rels: Sequence[str]) -> str:
    """A SPARQL alternative path over relation keys: `kg:implements|kg:details`."""
    for r in rels:
        if r not in RELATIONS:
            raise ValueError(f"unknown relation {r!r}")
    return "|".join(f"kg:{r}" for r in rels)


def rel_key(term: str | None) -> str | None:
    """`kg:implements` as an IRI → "implements"."""
    if term and term.startswith(_KG):
        return term[len(_KG):]
    return term


def level_key(term: str | None) -> str | None:
    """A level IRI (…/level/district) → "district"."""
    if term and term.startswith(_LEVEL):
        return term[len(_LEVEL):]
    return term


def values(var: str, iris: Iterable[str]) -> str:
    """A VALUES block binding `?var` to each IRI (each checked by `kg.query.iri`)."""
    return f"VALUES ?{var} {{ " + " ".join(f"<{iri(i)}>" for i in iris) + " }"


def select(store: Store, query: str) -> list[dict[str, Any]]:
    """Run a SELECT (prefixes added); rows of plain values, unbound variables left out.
    The default graph is the merge of the sources."""
    return list(store.iter_values(P + query))


# -- named queries -----------------------------------------------------------------------

def closure(store: Store, start: str | Sequence[str], rels: Sequence[str], *,
            direction: str, limit: int | None = None
            ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The documents reachable from `start` (itself first) and the edges among them.

    With `limit`, the walk stops once more than `limit` documents besides the starts are
    reached: the nearest, breadth first (`nearest`); more than `limit` in the answer says
    that there are more.

    `start` may be several documents: the walk then starts from all of them at once.
    Edges are (acting document, relation key, object). `direction` "down" follows the
    edges backwards (the implementers of `start`), "up" forwards (its authorities). From
    the store's projection when current; on the embedded store a breadth-first walk over
    the store's index (one lookup per document and relation: the cost follows the size
    of the answer); elsewhere one SPARQL query per start (a property path from it, then
    each reached document's edges).
    """
    from kg.store.oxigraph import OxigraphStore

    rel_path(rels)
    starts = [iri(start)] if isinstance(start, str) else [iri(s) for s in start]
    if store.projection is not None:
        walked = store.projection.closure(starts, rels, direction, limit=limit)
        if walked is not None:
            return walked[0], walked[1]
    if isinstance(store, OxigraphStore):
        return nearest(*_walk_index(store, starts, rels, direction), starts, direction, limit)
    path = rel_path(rels)
    unions = " UNION ".join(f"{{ ?d kg:{r} ?o BIND(kg:{r} AS ?rel) }}" for r in rels)
    rows = []
    for s in starts:
        # one query per start, from a constant: Virtuoso refuses a transitive path whose
        # start is bound by VALUES, and a UNION of them runs for minutes
        walk = f"<{s}> ({path})* ?d" if direction == "up" else f"?d ({path})* <{s}>"
        rows += select(store, f"""SELECT ?d ?rel ?o WHERE {{
            {{ {walk} }} OPTIONAL {{ {unions} }} }}""")
    order = list(dict.fromkeys(starts)) + sorted({r["d"] for r in rows} - set(starts))
    docs = set(order)
    found = {(r["d"], rel_key(r["rel"]) or "", r["o"]) for r in rows
             if r.get("o") in docs and r.get("rel")}
    return nearest(order, sorted(found), starts, direction, limit)


def nearest(order: list[str], edges: list[tuple[str, str, str]], starts: list[str],
            direction: str, limit: int | None
            ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """A closure (`order`, `edges`) cut to the starts and the first `limit` + 1 documents
    reached breadth first, with the edges among them (whole when no more than that)."""
    if limit is None or len(order) <= len(starts) + limit:
        return order, edges
    nxt: dict[str, list[str]] = {}
    for a, _, b in edges:
        u, v = (b, a) if direction == "down" else (a, b)
        nxt.setdefault(u, []).append(v)
    most = len(starts) + limit + 1
    seen = dict.fromkeys(starts)
    frontier = list(seen)
    while frontier and len(seen) < most:
        nxt_frontier = []
        for u in frontier:
            for v in sorted(nxt.get(u, ())):
                if v not in seen:
                    seen[v] = None
                    nxt_frontier.append(v)
        frontier = nxt_frontier
    kept = list(seen)[:most]
    inside = set(kept)
    return kept, [e for e in edges if e[0] in inside and e[2] in inside]


def _walk_index(store: Store, starts: list[str], rels: Sequence[str], direction: str
                ) -> tuple[list[str], list[tuple[str, str, str]]]:
    """`closure` on the embedded store: breadth-first over its quad index."""
    import pyoxigraph as ox

    preds = [(r, ox.NamedNode(_KG + r)) for r in rels]
    dg = ox.DefaultGraph()
    find = store.ox.quads_for_pattern  # type: ignore[attr-defined]
    seen = dict.fromkeys(starts)
    order = list(seen)
    edges: list[tuple[str, str, str]] = []
    frontier = list(seen)
    while frontier:
        nxt = []
        for n in frontier:
            node = ox.NamedNode(n)
            for key, p in preds:
                if direction == "down":
                    for quad in find(None, p, node, dg):
                        if not isinstance(quad.subject, ox.NamedNode):
                            continue
                        m = quad.subject.value
                        edges.append((m, key, n))
                        if m not in seen:
                            seen[m] = None
                            order.append(m)
                            nxt.append(m)
                else:
                    for quad in find(node, p, None, dg):
                        o = quad.object
                        if not isinstance(o, ox.NamedNode):
                            continue
                        edges.append((n, key, o.value))
                        if o.value not in seen:
                            seen[o.value] = None
                            order.append(o.value)
                            nxt.append(o.value)
        frontier = nxt
    return order, sorted(set(edges))


#: The facts the analytics read of documents and of bodies: the variable naming the node
#: in the rows, and the property each column comes from.
FACTS: dict[str, tuple[str, dict[str, str]]] = {
    "doc": ("d", {"id": "eli:id_local", "label": "rdfs:label", "date": "eli:date_document",
                  "count": "kg:count", "dtype": "kg:documentType",
                  "status": "kg:validityStatus", "issuer": "eli:passed_by"}),
    "body": ("b", {"label": "skos:prefLabel", "level": "kg:level", "place": "kg:place",
                   "parent": "org:subOrganizationOf"}),
}


def _facts(store: Store, kind: str, nodes: list[str], columns: Sequence[str] = ()
           ) -> list[tuple[str, str, Any]]:
    """One `(node, column, value)` row per fact of the given nodes (of `columns` only,
    when given).

    A UNION of one bound lookup per property rather than a chain of OPTIONALs: a node
    with three labels and two dates is five rows, not their six combinations. Plain
    tuples, not dicts: a large trace reads tens of thousands of them. The store's
    projection, when current, answers the same rows from its table.
    """
    if store.projection is not None:
        rows = store.projection.facts(kind, nodes, columns)
        if rows is not None:
            return rows
    return facts_from_store(store, kind, nodes, columns)


def facts_from_store(store: Store, kind: str, nodes: list[str], columns: Sequence[str] = ()
                     ) -> list[tuple[str, str, Any]]:
    """`_facts` asked of the store itself (what a projection keeps a copy of)."""
    var, props = FACTS[kind]
    keys = [k for k in props if not columns or k in columns]
    unions = " UNION ".join(f"{{ ?{var} {props[k]} ?o BIND({i} AS ?k) }}"
                            for i, k in enumerate(keys))
    out: list[tuple[str, str, Any]] = []
    for i in range(0, len(nodes), 5000):
        out += [(r[var], keys[int(r["k"])], r["o"]) for r in select(store, f"""
                SELECT ?{var} ?k ?o WHERE {{ {values(var, nodes[i:i + 5000])} {unions} }}""")]
    return out


def doc_facts(store: Store, docs: Iterable[str], columns: Sequence[str] = ()
              ) -> list[tuple[str, str, Any]]:
    """Facts of the given documents, `(document, column, value)` (columns of
    `FACTS["doc"]`, or those of them given)."""
    docs = list(docs)
    if not docs:
        return []
    return _facts(store, "doc", docs, columns)


def find_by_id(store: Store, ident: str) -> list[dict[str, Any]]:
    """Documents whose eli:id_local is exactly `ident` (several issuers may share it)."""
    from rdflib import Literal

    return select(store, f"""
        SELECT ?d ?id ?label ?date ?issuer ?ilabel WHERE {{
          ?d eli:id_local {Literal(ident).n3()} .
          BIND({Literal(ident).n3()} AS ?id)
          OPTIONAL {{ ?d rdfs:label ?label }} OPTIONAL {{ ?d eli:date_document ?date }}
          OPTIONAL {{ ?d eli:passed_by ?issuer OPTIONAL {{ ?issuer skos:prefLabel ?ilabel }} }}
        }}""")


def body_facts(store: Store, bodies: Iterable[str], columns: Sequence[str] = ()
               ) -> list[dict[str, Any]]:
    """Label, level, place and parent of the given bodies (or `columns` of them): one row
    per body.

    A body with several labels or parents gets the first of each (in the store's order).
    """
    bodies = list(bodies)
    if not bodies:
        return []
    return merge_facts(_facts(store, "body", bodies, columns), "b")


def merge_facts(rows: Iterable[tuple[str, str, Any]], var: str) -> list[dict[str, Any]]:
    """Fact rows `(node, column, value)` → one dict per node (the node under `var`), with
    the first value of each column, and of a body stated at several levels by different
    sources the most central (what the store and its catalog both hold, whatever order
    the rows come in)."""
    merged: dict[str, dict[str, Any]] = {}
    for n, k, v in rows:
        m = merged.setdefault(n, {var: n})
        if k not in m:
            m[k] = v
        elif k == "level" and level_rank(level_key(str(v))) < level_rank(level_key(str(m[k]))):
            m[k] = v
    return list(merged.values())


def binding_issuers(store: Store, body: str) -> list[dict[str, Any]]:
    """Bodies whose documents bind `body`, with why.

    `above`: the bodies above it (org:subOrganizationOf+) and their standing organs (a Ban
    Thường vụ acts for its committee: below it, same place, same level). `level`: the
    other bodies of its own unit (same place and level, parents at the same place: the
    ward's Party committee for the ward's UBND), the bodies above those and their
    standing organs.
    """
    b = iri(body)
    siblings = [r["s"] for r in select(store, f"""SELECT DISTINCT ?s WHERE {{
        <{b}> kg:place ?p ; kg:level ?l ; org:subOrganizationOf/kg:place ?pp .
        ?s kg:place ?p ; kg:level ?l ; org:subOrganizationOf/kg:place ?pp .
        FILTER(?s != <{b}>) }}""")]
    why: dict[str, str] = {}
    # Small queries, each transitive path from a constant: Virtuoso times out on the
    # UNION of all five ways, and refuses a transitive path started from VALUES.
    for start, reason in [(b, "above"), *((s, "level") for s in siblings)]:
        above = [r["a"] for r in select(store, f"""SELECT DISTINCT ?a WHERE {{
            <{start}> org:subOrganizationOf+ ?a }}""")]
        for issuer in [*above, *standing_organs(store, above)]:
            if issuer != b and why.get(issuer) != "above":
                why[issuer] = reason
    for s in siblings:
        why.setdefault(s, "level")
    return [{"issuer": i, "why": w} for i, w in sorted(why.items())]


def standing_organs(store: Store, bodies: list[str]) -> list[str]:
    """Standing organs of the given bodies: below one, at its place and level (a Ban
    Thường vụ acts for its Party committee)."""
    if not bodies:
        return []
    return [r["o"] for r in select(store, f"""SELECT DISTINCT ?o WHERE {{
        {values("a", bodies)} ?o org:subOrganizationOf ?a ; kg:place ?ap ; kg:level ?al .
        ?a kg:place ?ap ; kg:level ?al . }}""")]


def issued_by(store: Store, bodies: Iterable[str]) -> list[dict[str, Any]]:
    """Documents (and document sets) passed by the given bodies."""
    bodies = list(bodies)
    if not bodies:
        return []
    return select(store, f"""
        SELECT ?d ?issuer WHERE {{ {values("issuer", bodies)} ?d eli:passed_by ?issuer }}""")


def upstream_of(store: Store, docs: Iterable[str], rels: Sequence[str]) -> list[dict[str, Any]]:
    """Every document the given documents reach along `rels` in one step or more (one row
    per pair): one walk up from all of them, then each one's reach in that small graph."""
    docs = list(dict.fromkeys(docs))
    if not docs:
        return []
    _, edges = closure(store, docs, rels, direction="up")
    up: dict[str, set[str]] = {}
    for a, _rel, b in edges:
        up.setdefault(a, set()).add(b)
    rows = []
    for d in docs:
        seen: set[str] = set()
        stack = list(up.get(d, ()))
        while stack:
            n = stack.pop()
            if n not in seen:
                seen.add(n)
                stack.extend(up.get(n, ()))
        rows += [{"d": d, "up": n} for n in sorted(seen)]
    return rows


def bodies_by_level(store: Store) -> list[dict[str, Any]]:
    """Every body known to the graph with its level, label and parent."""
    return select(store, """
        SELECT ?b ?label ?level ?place ?parent WHERE {
          ?b a kg:Body . OPTIONAL { ?b skos:prefLabel ?label } OPTIONAL { ?b kg:level ?level }
          OPTIONAL { ?b kg:place ?place } OPTIONAL { ?b org:subOrganizationOf ?parent }
        }""")


def children_of(store: Store, bodies: Iterable[str]) -> list[dict[str, Any]]:
    """Bodies directly below the given ones, with their facts: one row per (body, parent
    given). From the store's projection when current (a national resolution's coverage
    asks for the bodies below ~2,000: 1.5 s of SPARQL)."""
    bodies = list(bodies)
    if not bodies:
        return []
    pairs = store.projection.children(bodies) if store.projection is not None else None
    if pairs is not None:
        facts = {r["b"]: r for r in body_facts(store, sorted({c for c, _ in pairs}),
                                                ("label", "level", "place"))}
        return [{**facts.get(c, {}), "b": c, "parent": p} for c, p in pairs]
    return select(store, f"""
        SELECT ?b ?label ?level ?place ?parent WHERE {{
          {values("parent", bodies)} ?b org:subOrganizationOf ?parent .
          OPTIONAL {{ ?b skos:prefLabel ?label }} OPTIONAL {{ ?b kg:level ?level }}
          OPTIONAL {{ ?b kg:place ?place }}
        }}""")


def neighbours(store: Store, nodes: Iterable[str], preds: Sequence[str]) -> list[dict[str, Any]]:
    """Triples `?s ?p ?o` touching the given nodes through the given predicates (CURIEs)."""
    nodes = list(nodes)
    if not nodes:
        return []
    parts = []
    for p in preds:
        parts.append(f"{{ ?x {p} ?o BIND(?x AS ?s) BIND({p} AS ?p) }}")
        parts.append(f"{{ ?s {p} ?x BIND(?x AS ?o) BIND({p} AS ?p) }}")
    return select(store, f"""
        SELECT DISTINCT ?s ?p ?o WHERE {{ {values("x", nodes)} {" UNION ".join(parts)} }}""")


def edge_evidence(store: Store, s: str, p: str, o: str) -> list[dict[str, Any]]:
    """Where a triple comes from: the sources stating it, and for a typed link its quote."""
    s, p, o = iri(s), iri(p), iri(o)
    return select(store, f"""
        SELECT DISTINCT ?source ?slabel ?quote ?start ?end WHERE {{
          {{ GRAPH ?source {{ <{s}> <{p}> <{o}> }}
             OPTIONAL {{ ?link kg:linkFrom <{s}> ; kg:relation <{p}> ; kg:linkTo <{o}> ;
                              kg:inSource ?source ; kg:quote ?quote .
                        OPTIONAL {{ ?link kg:startOffset ?start }}
                        OPTIONAL {{ ?link kg:endOffset ?end }} }} }}
          OPTIONAL {{ ?source rdfs:label ?slabel }}
        }} ORDER BY ?source ?start""")


def relation_edges(store: Store, rels: Sequence[str]) -> list[tuple[str, str, str]]:
    """Every distinct (acting document, relation key, object) along `rels`, sorted: the
    projection networkx works on. From the store's projection when current, for the
    relations its links hold; SPARQL for the rest."""
    rel_path(rels)
    found = store.projection.relation_edges(rels) if store.projection is not None else None
    left = [r for r in rels if r not in LINKED_RELATIONS] if found is not None else list(rels)
    out = set(found or ())
    if left:
        unions = " UNION ".join(f"{{ ?s kg:{r} ?o BIND(kg:{r} AS ?rel) }}" for r in left)
        out.update((str(r["s"]), rel_key(r["rel"]) or "", str(r["o"]))
                   for r in select(store, f"SELECT DISTINCT ?s ?rel ?o WHERE {{ {unions} }}"))
    return sorted(out)


def steps(store: Store, rels: Sequence[str]) -> list[tuple[str, str, str, str]]:
    """(date of the object, of the acting document, level of the object, of the acting
    document) of each distinct pair of documents linked along `rels`, both dated and of
    known level: a document's earliest date, and the most central of its issuers' levels.
    From the store's projection when current (SPARQL took 80 s at 100k)."""
    path = rel_path(rels)
    found = store.projection.steps(rels) if store.projection is not None else None
    if found is not None:
        return found
    pairs = select(store, f"""SELECT ?s ?o (MIN(STR(?sd)) AS ?sdate) (MIN(STR(?od)) AS ?odate)
        WHERE {{ ?s ({path}) ?o . ?s eli:date_document ?sd . ?o eli:date_document ?od }}
        GROUP BY ?s ?o""")
    level: dict[str, str] = {}
    for r in select(store, """SELECT DISTINCT ?d ?l WHERE {
            ?d eli:passed_by ?b . ?b a kg:Body ; kg:level ?l }"""):
        lv = level_key(r["l"])
        if lv in LEVELS and (r["d"] not in level or level_rank(lv) < level_rank(level[r["d"]])):
            level[r["d"]] = lv
    return [(r["odate"], r["sdate"], level[r["o"]], level[r["s"]])
            for r in pairs if r["o"] in level and r["s"] in level]


def link_stamps(store: Store, doc: str) -> list[dict[str, Any]]:
    """The typed links touching `doc`: `link`, `from`, `rel` (a key), `to`, `source`,
    `ended` (when the source was ingested, as written: xsd:dateTime's lexical form) and
    `other_date` (the earliest date of the document at the other end); the last two absent
    when not known. From the store's projection when current: a founding law has ~46,600
    links (5 s of SPARQL at 100k)."""
    d = iri(doc)
    rows = store.projection.link_stamps(d) if store.projection is not None else None
    if rows is not None:
        return rows
    rows = [{**r, "rel": rel_key(r["rel"])} for r in select(store, f"""
        SELECT ?link ?from ?rel ?to ?source (STR(?t) AS ?ended) WHERE {{
          {{ ?link kg:linkFrom <{d}> }} UNION {{ ?link kg:linkTo <{d}> }}
          ?link kg:linkFrom ?from ; kg:relation ?rel ; kg:linkTo ?to ; kg:inSource ?source .
          OPTIONAL {{ ?source prov:wasGeneratedBy ?act . ?act prov:endedAtTime ?t }}
        }}""")]
    dates: dict[str, str] = {}
    for n, _, v in doc_facts(store, {r["to"] if r["from"] == d else r["from"] for r in rows},
                             ("date",)):
        if n not in dates or str(v)[:10] < dates[n]:
            dates[n] = str(v)[:10]
    for r in rows:
        other = dates.get(r["to"] if r["from"] == d else r["from"])
        if other:
            r["other_date"] = other
    return rows


def link_evidence(store: Store, links: Iterable[str]) -> list[dict[str, Any]]:
    """`link`, `source`, its label `slabel` and the `quote` of each of `links` (asked 500
    at a time: a founding law's diff lists thousands)."""
    links = list(links)
    out: list[dict[str, Any]] = []
    for i in range(0, len(links), 500):
        out += select(store, f"""
            SELECT ?link ?source ?slabel ?quote WHERE {{ {values("link", links[i:i + 500])}
              ?link kg:inSource ?source .
              OPTIONAL {{ ?link kg:quote ?quote }} OPTIONAL {{ ?source rdfs:label ?slabel }}
            }}""")
    return out


def events_reviewing(store: Store, docs: Iterable[str]) -> list[dict[str, Any]]:
    """Events (conferences, reviews) that review one of the given documents."""
    docs = list(docs)
    if not docs:
        return []
    return select(store, f"""
        SELECT ?ev ?label ?date ?kind ?d ?body ?blabel WHERE {{
          {values("d", docs)} ?ev kg:reviews ?d ; rdfs:label ?label .
          OPTIONAL {{ ?ev dcterms:date ?date }} OPTIONAL {{ ?ev kg:eventKind ?kind }}
          OPTIONAL {{ ?ev kg:heldBy ?body OPTIONAL {{ ?body skos:prefLabel ?blabel }} }}
        }}""")
