"""Browser pages: home, search, the print view of a trace, the graph explorer, the SPARQL
editor. Resource pages (documents, bodies, sources…) live under /id/ (see ld.py).

Every page answers JSON too: a `.json` path, `?format=json`, or `Accept: application/json`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from kg.errors import InputError, NotFound
from kg.extract.tables import LEVELS
from kg.search import FACETS
from web import pages
from web.views import page

bp = Blueprint("ui", __name__)

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "examples"
# Shown when ontology/examples/ holds no query yet, so the editor is never empty.
DEFAULT_EXAMPLE = {"name": "documents", "title": "Văn bản và ngày ban hành / Documents and dates",
                   "query": """PREFIX kg: <https://w3id.org/vnkg/ontology#>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?doc ?label ?date WHERE {
  ?doc a kg:Document ; rdfs:label ?label .
  OPTIONAL { ?doc eli:date_document ?date }
} ORDER BY ?date LIMIT 100
"""}


@bp.route("/")
@bp.route("/index.json")
def home() -> Response:
    ix = pages.index()
    # whether the analytics read the catalog yet (after a start it first checks the store
    # for changes made meanwhile: seconds at 100k documents, when they ask the store)
    state_ = {"ready": ix.catalog.ready, "current": ix.catalog.current()}
    if not ix.catalog.ready:
        # The first build of a large store's catalog: the same counts asked of the store
        # take a minute and hundreds of MB per request (at 100k documents), so the page
        # says the index is being built instead; small stores are built before it answers.
        return page("home.html", {"building": True, "catalog": state_, "stats": None,
                                  "by_level": [], "top": [], "sources": [],
                                  "last_ingest": None})
    data = ix.catalog.summary()
    levels = data.pop("by_level")
    data["by_level"] = [{"level": lv, "n": levels.get(lv, 0)} for lv in LEVELS] if levels else []
    return page("home.html", {"building": False, "catalog": state_, **data})


def _int_arg(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if not raw:
        return default
    if not raw.isdigit():
        raise InputError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


@bp.route("/search")
@bp.route("/search.json")
def search() -> Response:
    text = request.args.get("q", "").strip()
    if len(text) > 500:
        raise InputError("the search text is longer than 500 characters")
    filters = {k: request.args.get(k, "") for k in FACETS}
    res = pages.index().search(text, filters=filters, page=_int_arg("page", 1),
                               per_page=_int_arg("per_page", 20))
    for h in res.hits:
        if h["kind"] == "docset":
            h["label"] = pages.set_label({"label": h["label"], "issuers": h["issuer_labels"]})
    data: dict[str, Any] = {"q": text, "total": res.total, "page": res.page,
                            "per_page": res.per_page, "pages": res.pages, "hits": res.hits,
                            "facets": res.facets, "filters": res.filters,
                            "building": res.building, "approximate": res.approximate}
    return page("search.html", data, title=text or None)


@bp.route("/trace")
@bp.route("/trace.json")
def trace() -> Response:
    """The print view of a document's trace: ?doc=<IRI or number>."""
    ref = request.args.get("doc", "").strip()
    if not ref:
        raise InputError("give a document: /trace?doc=97/2019/QH14")
    node = ref
    if not ref.startswith(("http://", "https://")):
        hits = pages.index().search(ref, filters={"kind": "document"}, per_page=1).hits
        if not hits or not hits[0]["exact"]:
            raise NotFound(f"no document numbered {ref}")
        node = hits[0]["node"]
    data = pages.trace_view(node, _int_arg("page", 1))
    return page("trace.html", data, title=data.get("display") or data["label"])


@bp.route("/explore")
@bp.route("/explore.json")
def explore() -> Response:
    """The graph explorer; ?node=<IRI> or ?q=<number or name> picks where it starts."""
    start = request.args.get("node", "")
    ref = request.args.get("q", "").strip()
    if not start and ref:
        hits = pages.index().search(ref, per_page=1).hits
        start = hits[0]["node"] if hits else ""
    data = {"start": start, "vocab": pages.explorer_vocab()}
    return page("explore.html", data, title=None)


@bp.route("/explore/data")
def explore_data() -> Response:
    """Nodes and edges for the explorer: ?node=<IRI> (its neighbours) or ?all=1&limit=N."""
    if request.args.get("all"):
        limit = min(_int_arg("limit", 2000), 20000)
        return jsonify({"ok": True, **pages.whole_graph(limit)})
    node = request.args.get("node", "")
    if not node:
        raise InputError("give ?node=<IRI> or ?all=1")
    data = pages.neighbourhood(node)
    if not data["nodes"]:
        raise NotFound(f"no document or body {node}")
    return jsonify({"ok": True, "node": node, **data})


def examples() -> list[dict[str, str]]:
    """The example queries of ontology/examples/*.rq, titled by their `# title:` lines."""
    out = []
    folder = Path(current_app.config.get("KG_EXAMPLES_DIR", EXAMPLES_DIR))
    for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        titles = [line.split(":", 1)[1].strip() for line in text.splitlines()
                  if line.lower().startswith("# title:")]
        out.append({"name": path.stem, "title": " / ".join(titles) or path.stem,
                    "query": text})
    return out or [DEFAULT_EXAMPLE]


@bp.route("/query")
@bp.route("/query.json")
def query_editor() -> Response:
    """The SPARQL editor (YASGUI, served locally) with the example queries as tabs."""
    return page("query.html", {"endpoint": "/sparql", "examples": examples()})
