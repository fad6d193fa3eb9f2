"""The ontology at its namespace path, and its concepts, with content negotiation.

`/ontology` answers the HTML page made from the ontology's own labels for a browser and
Turtle, JSON-LD, N-Triples or RDF/XML by `Accept`; `/type/<key>`, `/level/<key>`,
`/body-kind/<key>` and `/status/<key>` (the SKOS concepts) answer their description or
send a browser to their place on the page.
"""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request
from rdflib import Graph, URIRef

from kg import ontology
from kg.errors import NotFound
from kg.ns import BODYKIND, DOCTYPE, LEVEL, STATUS
from web.views import lang

bp = Blueprint("ontology", __name__)

SCHEMES = {"type": DOCTYPE, "level": LEVEL, "body-kind": BODYKIND, "status": STATUS}


def _rdf_type() -> str | None:
    best = request.accept_mimetypes.best_match(["text/html", *ontology.MEDIA_TYPES])
    return best if best in ontology.MEDIA_TYPES else None


@bp.route("/ontology")
def page():  # noqa: ANN201
    mime = _rdf_type()
    if mime:
        return Response(ontology.serialize_ontology(mime), mimetype=mime,
                        headers={"Vary": "Accept"})
    html = render_template("ontology.html", data=ontology.html_page_context(), lang=lang())
    return Response(html, mimetype="text/html", headers={"Vary": "Accept"})


@bp.route("/<any(type, level, 'body-kind', status):scheme>/<key>")
def concept(scheme: str, key: str):  # noqa: ANN201
    iri = URIRef(str(SCHEMES[scheme]) + key)
    g = ontology.ontology_graph()
    if (iri, None, None) not in g:
        raise NotFound(f"no concept {iri}")
    mime = _rdf_type()
    if mime is None:
        return redirect(f"/ontology#{scheme}-{key}", code=303)
    out = Graph()
    for t in g.triples((iri, None, None)):
        out.add(t)
    return Response(out.serialize(format=ontology.MEDIA_TYPES[mime]), mimetype=mime,
                    headers={"Vary": "Accept"})
