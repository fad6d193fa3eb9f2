"""Linked Data: every IRI minted under the base dereferences at /id/<path>.

A browser gets the HTML page, a program Turtle, JSON-LD or N-Triples by `Accept` (or a
`.ttl`, `.jsonld`, `.nt` suffix), and `.json` gives the page's JSON twin.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request
from rdflib import Graph

from kg.errors import NotFound
from kg.ns import PREFIXES
from web.state import state
from web.views import page

bp = Blueprint("ld", __name__)

RDF_TYPES = {"text/turtle": "turtle", "application/ld+json": "json-ld",
             "application/n-triples": "nt"}
SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
            ".nt": "application/n-triples"}
PAGES = {"doc": "document.html", "docset": "document.html", "body": "body.html",
         "source": "source.html", "person": "person.html"}


def _negotiate(path: str) -> tuple[str, str | None]:
    for suffix, mime in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], mime
    best = request.accept_mimetypes.best_match(["text/html", "application/json", *RDF_TYPES])
    return path, best if best in RDF_TYPES else None


@bp.route("/id/<path:path>")
def resource(path: str):  # noqa: ANN201
    st = state()
    path, rdf_mime = _negotiate(path)
    json_twin = path.endswith(".json")
    path = path.removesuffix(".json")
    node = st.minter.base + path
    kind = path.split("/", 1)[0]
    if rdf_mime:
        triples = st.queries.describe(node)
        if not triples:
            raise NotFound(f"nothing is known about {node}")
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        for t in triples:
            g.add(t)
        return Response(g.serialize(format=RDF_TYPES[rdf_mime]), mimetype=rdf_mime,
                        headers={"Vary": "Accept"})
    if kind not in PAGES:
        abort(404)
    q = st.queries
    if kind in ("doc", "docset"):
        data = q.document(node)
    elif kind == "body":
        data = q.body(node)
    elif kind == "source":
        data = q.source(node)
    else:
        triples = q.describe(node)
        if not triples:
            raise NotFound(f"no {kind} {node}")
        data = {"iri": node, "facts": [{"p": str(p), "o": str(o)} for _, p, o in triples]}
    data["kind"] = kind
    if json_twin:
        from flask import jsonify

        return jsonify({"ok": True, **data})
    resp = page(PAGES[kind], data)
    return resp
