"""Every query the rest of the code needs, as SPARQL that runs on any backend.

Views, the CLI and analytics call these methods; none of them writes SPARQL itself.
Results are plain dicts of strings and numbers, ready for JSON.
"""
from __future__ import annotations

import re
from typing import Any

from rdflib import Literal

from kg.errors import NotFound
from kg.extract.tables import RELATIONS
from kg.ns import KG, sparql_prefixes
from kg.store.base import SourceInfo, Store, value

P = sparql_prefixes()
_REL_BY_IRI = {str(KG[k]): k for k in RELATIONS}


def _rows(store: Store, query: str) -> list[dict[str, Any]]:
    return list(store.iter_values(P + query))


#: What a document's page lists at most: its links each way, its mentions, each fact's
#: sources (with their totals beside them). Past it, the first the store yields are
#: sorted here: sorting ~50,000 of them in SPARQL first costs seconds.
LISTED = 200
#: What a document's page counts at most (each fact's sources, its links each way, its
#: mentions); past it, the page says "over" (counting a founding law's ~46,000 sources
#: per fact took 0.3 s at 100k; up to 10,000 each, 70–110 ms of its first view: a
#: thousand tells the reader as much). `kg rank` gives the most linked exact in-degrees.
COUNTED = 1000


def _capped(n: int) -> tuple[int, bool]:
    """A count taken up to `COUNTED` + 1: what to show, and whether there are more."""
    return min(n, COUNTED), n > COUNTED


def iri(text: str) -> str:
    """Check an IRI before it is put into a query: no characters that could end it."""
    if not text or re.search(r'[\s<>"{}|\\^`]', text):
        raise NotFound(f"not a valid IRI: {text!r}")
    return text


def id_key(ident: str) -> str:
    """A spelling-insensitive key of a document number, for lookups ("nq 97/2019/qh14")."""
    s = ident.replace("Ð", "Đ").replace("đ", "Đ").upper()
    return re.sub(r"[\s\-–—/._]+", "", s)


class Queries:
    """The project's named queries over one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- overview ----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        counts = _rows(self.store, """
            SELECT
              (COUNT(DISTINCT ?d) AS ?documents) (COUNT(DISTINCT ?b) AS ?bodies)
              (COUNT(DISTINCT ?s) AS ?sources) (COUNT(DISTINCT ?l) AS ?links)
            WHERE {
              { ?d a kg:Document } UNION { ?b a kg:Body } UNION { ?s a kg:Source }
              UNION { ?l a kg:Link }
            }""")[0]
        by_type = _rows(self.store, """
            SELECT DISTINCT ?type ?label (COUNT(DISTINCT ?d) AS ?n) WHERE {
              ?d a kg:Document ; kg:documentType ?type .
              OPTIONAL { ?type skos:prefLabel ?label FILTER(lang(?label) = "vi") }
            } GROUP BY ?type ?label ORDER BY DESC(?n)""")
        counts["triples"] = self.store.count()
        counts["by_type"] = by_type
        return counts

    def top_documents(self, limit: int = 10) -> list[dict[str, Any]]:
        """Documents with the most incoming links (most implemented, cited, based on)."""
        return _rows(self.store, f"""
            SELECT DISTINCT ?doc ?label (COUNT(DISTINCT ?other) AS ?n) WHERE {{
              ?l a kg:Link ; kg:linkTo ?doc ; kg:linkFrom ?other .
              ?doc rdfs:label ?label .
            }} GROUP BY ?doc ?label ORDER BY DESC(?n) ?label LIMIT {int(limit)}""")

    def sources(self) -> list[SourceInfo]:
        rows = _rows(self.store, """
            SELECT DISTINCT ?g ?locator ?sha ?label ?ended ?version WHERE {
              GRAPH ?g { ?g a kg:Source ; kg:locator ?locator ; kg:sha256 ?sha ;
                            rdfs:label ?label ; prov:wasGeneratedBy ?act .
                         OPTIONAL { ?act prov:endedAtTime ?ended }
                         OPTIONAL { ?act kg:extractorVersion ?version } }
            } ORDER BY DESC(?ended) ?label""")
        return [SourceInfo(r["g"], r["locator"], r["sha"], r["label"], r.get("ended"),
                           r.get("version")) for r in rows]

    # -- documents ---------------------------------------------------------------------

    def find_documents(self, ident: str) -> list[dict[str, Any]]:
        """Documents whose number-and-symbol matches `ident` in any spelling."""
        key = id_key(ident)
        rows = _rows(self.store, """
            SELECT DISTINCT ?doc ?id ?label ?date WHERE {
              ?doc a kg:Document ; eli:id_local ?id ; rdfs:label ?label .
              OPTIONAL { ?doc eli:date_document ?date }
            }""")
        return [r for r in rows if id_key(r["id"]) == key]

    def document(self, doc: str) -> dict[str, Any]:
        """A document's facts (each with the sources stating it: at most `LISTED`, and
        their number in `n`), its links each way and its mentions (at most `LISTED` each,
        their numbers in `outgoing_total`, `incoming_total`, `sources_total`, counted up
        to `COUNTED`: `outgoing_over`, `incoming_over`, `sources_over` when there are
        more), corrections.
        """
        doc = iri(doc)
        facts = self._facts(doc)
        if not facts:
            raise NotFound(f"no document {doc}")
        out: dict[str, Any] = {"iri": doc, "facts": facts}
        for way in ("outgoing", "incoming"):
            out[way], n = self._listed_links(doc, "out" if way == "outgoing" else "in")
            out[f"{way}_total"], out[f"{way}_over"] = _capped(n)
        mention = f"""?m kg:mentionOf <{doc}> ; kg:inSource ?source ; kg:text ?mention ;
                 kg:startOffset ?start ; kg:endOffset ?end . ?source rdfs:label ?label ."""
        # counted on the mention alone: the whole pattern took 2.5 s for a founding law
        n = self._count("?m", f"?m kg:mentionOf <{doc}>")
        out["sources"] = _rows(self.store, f"""
            SELECT DISTINCT ?source ?label ?mention ?start ?end WHERE {{ {mention} }}
            {f"LIMIT {LISTED}" if n > LISTED else "ORDER BY ?label ?start"}""")
        if n > LISTED:
            out["sources"].sort(key=lambda r: (str(r.get("label")), r.get("start") or 0))
        out["sources_total"], out["sources_over"] = _capped(n)
        out["corrections"] = _rows(self.store, f"""
            SELECT DISTINCT ?field ?original ?corrected ?source WHERE {{
              <{doc}> kg:correction ?c . ?c kg:correctedField ?field ;
                 kg:originalValue ?original ; kg:correctedValue ?corrected ; kg:inSource ?source .
            }}""")
        return out

    def _facts(self, doc: str) -> list[dict[str, Any]]:
        """Rows (p, o, g, n, over): each fact of `doc` with up to `LISTED` of the graphs
        stating it and their number, counted up to `COUNTED` (`over` when there are more).

        A founding law is restated by ~46,000 sources: all of its rows were 466,122 (9 s);
        counting each fact's sources in full, 0.3 s. The facts come from the default
        graph (the sources' merge), then a few graphs per fact.
        """
        rows = []
        for c in self.store.select(P + f"SELECT DISTINCT ?p ?o WHERE {{ <{doc}> ?p ?o }}"):
            p, o = c["p"], c["o"]
            stated = f"GRAPH ?g {{ <{doc}> {p.n3()} {o.n3()} }}"
            graphs = [r["g"] for r in _rows(self.store, f"""
                SELECT ?g WHERE {{ {stated} }} LIMIT {LISTED + 1}""")]
            n = len(graphs)
            if n > LISTED:
                n = self._count("?g", stated)
            total, over = _capped(n)
            rows += [{"p": value(p), "o": value(o), "g": g, "n": total, "over": over}
                     for g in graphs[:LISTED]]
        return rows

    def _count(self, var: str, pattern: str) -> int:
        """How many `var` match `pattern`, counted up to `COUNTED` + 1 (more than
        `COUNTED`: "over"); counting a founding law's 140,000 links at 300k took 0.1 s."""
        return int(_rows(self.store, f"""SELECT (COUNT(*) AS ?n) WHERE {{
            SELECT DISTINCT {var} WHERE {{ {pattern} }} LIMIT {COUNTED + 1} }}""")[0]["n"])

    def _listed_links(self, doc: str, direction: str) -> tuple[list[dict[str, Any]], int]:
        """`links`, at most `LISTED` of them, and how many there are (`_count`)."""
        here = "kg:linkFrom" if direction == "out" else "kg:linkTo"
        n = self._count("?link", f"?link {here} <{iri(doc)}>")
        return self.links(doc, direction=direction, limit=LISTED if n > LISTED else None), n

    def links(self, doc: str, *, direction: str, limit: int | None = None
              ) -> list[dict[str, Any]]:
        """Typed links of a document with their evidence, by the other document's date
        and label; `direction` is "out" or "in". With `limit`, that many of them, taken
        as the store yields them (sorting them all first costs seconds at ~50,000)."""
        doc = iri(doc)
        here, there = ("kg:linkFrom", "kg:linkTo") if direction == "out" else \
            ("kg:linkTo", "kg:linkFrom")
        rows = _rows(self.store, f"""
            SELECT DISTINCT ?link ?rel ?other ?label ?date ?quote ?start ?end ?source ?count
            WHERE {{
              ?link {here} <{doc}> ; {there} ?other ; kg:relation ?rel ; kg:quote ?quote ;
                    kg:startOffset ?start ; kg:endOffset ?end ; kg:inSource ?source .
              OPTIONAL {{ ?other rdfs:label ?label }}
              OPTIONAL {{ ?other eli:date_document ?date }}
              OPTIONAL {{ ?other kg:count ?count }}
            }} {f"LIMIT {limit}" if limit else "ORDER BY ?date ?label"}""")
        if limit:
            rows.sort(key=lambda r: ("date" in r, str(r.get("date")), str(r.get("label"))))
        for r in rows:
            r["rel"] = _REL_BY_IRI.get(r["rel"], r["rel"])
        return rows

    def label(self, node: str) -> str | None:
        rows = _rows(self.store, f"""
            SELECT DISTINCT ?l WHERE {{ {{ <{iri(node)}> rdfs:label ?l }}
                              UNION {{ <{iri(node)}> skos:prefLabel ?l }} }} LIMIT 1""")
        return rows[0]["l"] if rows else None

    def describe(self, node: str) -> list[tuple]:
        """Every triple with `node` as subject, for Linked Data answers."""
        return self.store.construct(f"CONSTRUCT {{ <{iri(node)}> ?p ?o }} "
                                    f"WHERE {{ <{iri(node)}> ?p ?o }}")

    # -- bodies and sources ------------------------------------------------------------

    def body(self, body: str) -> dict[str, Any]:
        body = iri(body)
        facts = _rows(self.store, f"SELECT DISTINCT ?p ?o WHERE {{ <{body}> ?p ?o }}")
        if not facts:
            raise NotFound(f"no body {body}")
        return {
            "iri": body,
            "facts": facts,
            "parents": _rows(self.store, f"""
                SELECT DISTINCT ?parent ?label WHERE {{ <{body}> org:subOrganizationOf+ ?parent .
                  OPTIONAL {{ ?parent skos:prefLabel ?label }} }}"""),
            "children": _rows(self.store, f"""
                SELECT DISTINCT ?child ?label WHERE {{ ?child org:subOrganizationOf <{body}> .
                  OPTIONAL {{ ?child skos:prefLabel ?label }} }} ORDER BY ?label"""),
            "issued": _rows(self.store, f"""
                SELECT DISTINCT ?doc ?label ?date ?count WHERE {{ ?doc eli:passed_by <{body}> ;
                  rdfs:label ?label . OPTIONAL {{ ?doc eli:date_document ?date }}
                  OPTIONAL {{ ?doc kg:count ?count }} }} ORDER BY ?date ?label"""),
            "people": _rows(self.store, f"""
                SELECT DISTINCT ?person ?name ?role WHERE {{ ?post org:postIn <{body}> ;
                  skos:prefLabel ?role . ?person org:holds ?post ; foaf:name ?name }}
                ORDER BY ?role ?name"""),
        }

    def source(self, source: str) -> dict[str, Any]:
        source = iri(source)
        meta = _rows(self.store, f"""
            SELECT DISTINCT ?p ?o WHERE {{ GRAPH <{source}> {{ <{source}> ?p ?o }} }}""")
        if not meta:
            raise NotFound(f"no source {source}")
        mentions = _rows(self.store, f"""
            SELECT DISTINCT ?node ?label ?text ?start ?end WHERE {{ GRAPH <{source}> {{
              ?m kg:mentionOf ?node ; kg:text ?text ; kg:startOffset ?start ;
                 kg:endOffset ?end . OPTIONAL {{ ?node rdfs:label ?label }} }} }}
            ORDER BY ?start""")
        links = _rows(self.store, f"""
            SELECT DISTINCT ?link ?from ?rel ?to ?quote ?start ?end WHERE {{ GRAPH <{source}> {{
              ?link a kg:Link ; kg:linkFrom ?from ; kg:relation ?rel ; kg:linkTo ?to ;
                    kg:quote ?quote ; kg:startOffset ?start ; kg:endOffset ?end }} }}
            ORDER BY ?start""")
        for r in links:
            r["rel"] = _REL_BY_IRI.get(r["rel"], r["rel"])
        return {"iri": source, "meta": meta, "mentions": mentions, "links": links}

    def search_labels(self, text: str, limit: int = 50) -> list[dict[str, Any]]:
        """Documents and bodies whose label contains `text` (case-insensitive)."""
        lit = Literal(text).n3()
        return _rows(self.store, f"""
            SELECT DISTINCT ?node ?label WHERE {{
              {{ ?node a kg:Document ; rdfs:label ?label }}
              UNION {{ ?node a kg:Document ; eli:title ?label }}
              UNION {{ ?node a kg:Body ; skos:prefLabel ?label }}
              FILTER(CONTAINS(LCASE(STR(?label)), LCASE({lit})))
            }} LIMIT {int(limit)}""")
