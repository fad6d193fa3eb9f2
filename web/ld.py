"""Linked Data: every IRI minted under the base dereferences at /id/<path>.

A browser gets the HTML page, a program Turtle, JSON-LD or N-Triples by `Accept` (or a
`.ttl`, `.jsonld`, `.nt` suffix), and `.json` (or `?format=json`) gives the page's JSON
twin. Documents, sets, bodies and sources have their own pages; any other node minted
under the base (a person, a post, a link, a mention, an event) gets the generic page of
its statements.
"""
from __future__ import annotations

from flask import Blueprint, Response, request
from rdflib import Graph

from kg.errors import NotFound
from kg.ns import PREFIXES
from web import pages
from web.state import state
from web.views import page

bp = Blueprint("ld", __name__)

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
             "application/n-triples": "nt"}
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
            ".nt": "application/n-triples"}
PAGES = {"doc": "document.html", "docset": "document.html", "body": "body.html",
         "source": "source.html"}


def _negotiate(path: str) -> tuple[str, str | None]:
    for suffix, mime in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], mime
    if request.args.get("format") in ("ttl", "jsonld", "nt"):
        return path, SUFFIXES["." + request.args["format"]]
    best = request.accept_mimetypes.best_match(["text/html", "application/json", *RDF_TYPES])
    return path, best if best in RDF_TYPES else None


def _rdf(node: str, mime: str) -> Response:
    triples = state().queries.describe(node)
    if not triples:
        raise NotFound(f"nothing is known about {node}")
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for t in triples:
        g.add(t)
    return Response(g.serialize(format=RDF_TYPES[mime]), mimetype=mime,
                    headers={"Vary": "Accept"})


@bp.route("/id/<path:path>")
def resource(path: str) -> Response:
    st = state()
    path, rdf_mime = _negotiate(path)
    path = path.removesuffix(".json")
    node = st.minter.base + path
    if rdf_mime:
        return _rdf(node, rdf_mime)
    kind = path.split("/", 1)[0]
    if kind in ("doc", "docset"):
        data = pages.document(node)
        title = data.get("display") or data["label"]
    elif kind == "body":
        data = pages.body(node)
        title = data["label"]
    elif kind == "source":
        data = pages.source(node, pages.parse_span(request.args.get("hl")))
        title = data["label"]
    else:
        triples = st.queries.describe(node)
        if not triples:
            raise NotFound(f"nothing is known about {node}")
        label = st.queries.label(node)
        data = {"iri": node, "kind": kind, "label": label or path,
                "facts": [{"p": str(p), "o": str(o),
                           "iri": str(o).startswith(("http://", "https://"))}
                          for _, p, o in sorted(triples)]}
        return page("resource.html", data, title=data["label"])
    data["kind"] = data.get("kind") or kind
    return page(PAGES[kind], data, title=title, fact_sources=pages.FACT_SOURCES)
