"""Every page answers HTML for a browser and the same data as JSON; resources negotiate RDF."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.ns import ELI
from tests.web.conftest import BASE
from web.pages import segments

ROOT = Path(__file__).resolve().parents[2]


def find(client, text: str, **filters: str) -> dict:
    """The first search hit for `text`, via the JSON twin of the search page."""
    resp = client.get("/search.json", query_string={"q": text, **filters})
    assert resp.status_code == 200
    hits = resp.get_json()["hits"]
    assert hits, text
    return hits[0]


def path_of(iri: str) -> str:
    return "/id/" + iri.split("/id/", 1)[1]


def html(resp) -> str:
    assert resp.status_code == 200, resp.data[:500]
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def _tree(node: dict) -> list[dict]:
    """Every node of a trace tree (its JSON), the root first."""
    out, todo = [], [node]
    while todo:
        n = todo.pop()
        out.append(n)
        todo += n.get("children", [])
    return out


def test_home_page_and_json_twin_say_the_same(wc):
    data = wc.get("/index.json").get_json()
    assert data["ok"] is True
    assert data["stats"]["documents"] >= 4
    page = html(wc.get("/"))
    assert f"<b>{data['stats']['documents']}</b>" in page
    assert "97/2019/QH14" in {t["label"].split()[-1] for t in data["top"]}
    assert wc.get("/?format=json").get_json() == data
    assert wc.get("/", headers={"Accept": "application/json"}).get_json() == data


def test_search_page_and_json_twin(wc):
    data = wc.get("/search.json?q=97/2019/QH14").get_json()
    assert data["hits"][0]["ident"] == "97/2019/QH14"
    page = html(wc.get("/search?q=97/2019/QH14"))
    assert f'href="{path_of(data["hits"][0]["node"])}"' in page


def test_search_says_when_its_counts_are_estimated(wc, monkeypatch):
    """Counts scaled from a sample (very many matches) are marked, in the page and JSON."""
    import kg.catalog

    data = wc.get("/search.json?q=ubnd").get_json()
    assert data["approximate"] is False and data["total"] > 2
    assert "≈" not in html(wc.get("/search?q=ubnd"))
    monkeypatch.setattr(kg.catalog, "SCORE_CAP", 0)
    monkeypatch.setattr(kg.catalog, "FACET_EXACT", 1)
    monkeypatch.setattr(kg.catalog, "FACET_SAMPLE", 2)
    data = wc.get("/search.json?q=ubnd&page=1&per_page=19").get_json()   # not kept before
    assert data["approximate"] is True
    page = html(wc.get("/search?q=ubnd&per_page=19"))
    assert f'≈</abbr> {data["total"]} ' in page


def test_a_much_cited_documents_page_lists_a_bounded_part_with_the_totals(wc, monkeypatch):
    """A founding law that ~50,000 documents rest on made a 40 MB page in 200 s: links,
    mentions and each fact's sources are listed up to `kg.query.LISTED`, with totals."""
    import kg.query

    doc = find(wc, "97/2019/QH14")["node"]
    whole = wc.get(path_of(doc) + ".json").get_json()
    assert whole["evidence_total"] == len(whole["evidence"]) > 2
    assert whole["mentions_total"] == len(whole["mentions"]) > 2
    many = [f for f in whole["facts"] if len(f["sources"]) > 2]
    assert many and all(f["sources_total"] == len(f["sources"]) for f in whole["facts"])
    monkeypatch.setattr(kg.query, "LISTED", 2)
    forget_kept(wc)
    cut = wc.get(path_of(doc) + ".json").get_json()
    assert (cut["evidence_total"], cut["mentions_total"]) == \
        (whole["evidence_total"], whole["mentions_total"])
    assert 0 < len(cut["evidence"]) <= 4 and 0 < len(cut["mentions"]) <= 2
    assert {e["link"] for e in cut["evidence"]} <= {e["link"] for e in whole["evidence"]}
    totals = {(f["p"], str(f["o"])): f["sources_total"] for f in whole["facts"]}
    for f in cut["facts"]:
        assert len(f["sources"]) <= 2 and f["sources_total"] == totals[(f["p"], str(f["o"]))]
    page = html(wc.get(path_of(doc)))
    assert f"Hiển thị {len(cut['mentions'])} trên tổng số {whole['mentions_total']}" in page
    # and each fact's sources are counted up to kg.query.COUNTED, "over" past it
    monkeypatch.setattr(kg.query, "COUNTED", 2)
    forget_kept(wc)
    capped = wc.get(path_of(doc) + ".json").get_json()
    for f in capped["facts"]:
        total = totals[(f["p"], str(f["o"]))]
        assert f["sources_total"] == min(total, 2)
        assert f.get("sources_over", False) == (total > 2)
    assert any(f.get("sources_over") for f in capped["facts"])
    # and so are its links and mentions
    assert capped["mentions_total"] == 2 and capped["mentions_over"] is True
    assert capped["evidence_over"] is True and capped["evidence_total"] <= 4
    forget_kept(wc)
    page = html(wc.get(path_of(doc)))
    assert "trên 2 nguồn" in page
    assert f"Hiển thị {len(capped['mentions'])} trên hơn 2." in page


def forget_kept(client) -> None:
    """Drop the answers the app's catalog keeps (a test changing what a page lists)."""
    from web import pages

    with client.application.app_context():
        pages.index().catalog.forget_kept()


def test_a_page_traces_a_founding_law_to_its_nearest_documents(wc, monkeypatch):
    """Past `TRACE_DOCS` documents the page's trace is cut to the nearest, says so and
    links the print view, which lists the same nearest documents row by row."""
    from web import pages

    doc = find(wc, "97/2019/QH14")["node"]
    whole = wc.get(path_of(doc) + ".json").get_json()["downstream"]
    assert whole["complete"] is True and whole["tree_nodes"]["total"] > 3
    monkeypatch.setattr(pages, "TRACE_DOCS", 1)
    forget_kept(wc)
    data = wc.get(path_of(doc) + ".json").get_json()
    down = data["downstream"]
    assert down["complete"] is False and data["trace_limit"] == 1
    assert down["tree_nodes"]["total"] == 3               # the document and 1 + 1 more
    assert down["stops"] is None and down["levels_not_reached"] is None
    plan = [c for c in down["tree"]["children"] if "171-KH/TU" in (c["label"] or "")]
    assert plan, down["tree"]               # the nearest: the plan, not the ward's documents
    page = html(wc.get(path_of(doc)))
    assert re.search(r'class="note cut">[^<]*vượt quá 1 văn bản[^<]*<a href="/trace\?doc=', page)
    full = wc.get("/trace.json", query_string={"doc": doc}).get_json()
    assert full["complete"] is False and full["total"] == 3
    assert {r["iri"] for r in full["rows"]} == {n["iri"] for n in _tree(down["tree"])}


def test_search_rejects_a_bad_page_number(wc):
    resp = wc.get("/search.json?q=97&page=abc")
    assert resp.status_code == 400
    assert resp.get_json()["ok"] is False


def test_document_downstream_tree_reaches_the_ward(wc):
    doc = find(wc, "97/2019/QH14")
    data = wc.get(path_of(doc["node"]) + ".json").get_json()
    tree = data["downstream"]["tree"]
    plan = [c for c in tree["children"] if "171-KH/TU" in (c["label"] or "")]
    assert plan, tree
    assert plan[0]["lag_days"] == 34          # 27/11/2019 → 31/12/2019
    circular = [c for c in plan[0]["children"] if "03-TT/QU" in (c["label"] or "")]
    assert circular
    wards = [c["display"] for c in circular[0]["children"]]
    assert any(re.search(r"Đức Giang.*: 04 văn bản", w) for w in wards), wards
    page = html(wc.get(path_of(doc["node"])))
    assert re.search(r"Đức Giang[^<]*: 04 văn bản", page)


def test_document_page_shows_upstream_to_the_root(wc):
    doc = find(wc, "03-TT/QU")
    data = wc.get(path_of(doc["node"]) + ".json").get_json()
    roots = {r["label"] for r in data["upstream"]["roots"]}
    assert any("97/2019/QH14" in r for r in roots), roots


def test_evidence_links_open_the_highlighted_sentence(wc):
    doc = find(wc, "171-KH/TU")
    data = wc.get(path_of(doc["node"]) + ".json").get_json()
    links = [e for e in data["evidence"] if e["href"]]
    assert links
    link = links[0]
    source = wc.get(link["href"], headers={"Accept": "application/json"}).get_json()
    text = source["text"]
    assert source["highlight"] == [link["start"], link["end"]]
    marked = "".join(s["text"] for s in source["segments"] if s["hl"])
    assert marked == text[link["start"]:link["end"]]
    page = html(wc.get(link["href"]))
    assert f'id="ev-{link["start"]}"' in page
    assert '<mark class="hl">' in page


def test_json_twin_forms_agree(wc):
    path = path_of(find(wc, "97/2019/QH14")["node"])
    a = wc.get(path + ".json").get_json()
    b = wc.get(path + "?format=json").get_json()
    c = wc.get(path, headers={"Accept": "application/json"}).get_json()
    assert a == b == c


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt")])
def test_resource_negotiates_rdf(wc, accept, fmt):
    node = find(wc, "97/2019/QH14")["node"]
    resp = wc.get(path_of(node), headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.mimetype == accept
    g = Graph().parse(data=resp.get_data(as_text=True), format=fmt)
    assert (URIRef(node), ELI.id_local, Literal("97/2019/QH14")) in g


def test_resource_suffix_gives_turtle(wc):
    node = find(wc, "97/2019/QH14")["node"]
    resp = wc.get(path_of(node) + ".ttl")
    assert resp.mimetype == "text/turtle"
    assert "97/2019/QH14" in resp.get_data(as_text=True)


def test_body_page_lists_what_applies_and_the_gaps(wc):
    body = find(wc, "UBND phường Đức Giang", kind="body")
    data = wc.get(path_of(body["node"]) + ".json").get_json()
    assert data["kind"] == "body"
    applies = {d["iri"] for d in data["applies"]}
    assert applies, data
    assert {d["iri"] for d in data["gaps"]} <= applies
    assert all(not d["acted"] for d in data["gaps"])
    page = html(wc.get(path_of(body["node"])))
    for section in ('id="hierarchy"', 'id="issued"', 'id="applies"', 'id="gaps"'):
        assert section in page


def test_source_page_marks_every_mention(wc):
    src = find(wc, "Đức Giang", kind="source")
    data = wc.get(path_of(src["node"]) + ".json").get_json()
    assert "".join(s["text"] for s in data["segments"]) == data["text"]
    starts = {s["start"] for s in data["segments"] if s["mention_start"]}
    assert starts == {m["start"] for m in data["mentions"]}
    page = html(wc.get(path_of(src["node"])))
    assert page.count('class="mention"') >= len(data["mentions"])


def test_segments_cut_at_every_boundary_and_keep_the_text():
    text = "abcdefghij"
    segs = segments(text, [{"node": "n1", "start": 2, "end": 4}],
                    [{"start": 1, "end": 6}], (3, 8))
    assert "".join(s["text"] for s in segs) == text
    by_text = {s["text"]: s for s in segs}
    assert by_text["c"]["node"] == "n1" and by_text["c"]["ev"] and not by_text["c"]["hl"]
    assert by_text["d"]["node"] == "n1" and by_text["d"]["hl"]
    assert by_text["gh"]["hl"] and not by_text["gh"]["ev"]
    assert by_text["b"]["anchor"] and by_text["d"]["anchor"]


def test_generic_resource_page_for_a_person(wc):
    body = find(wc, "UBND phường Đức Giang", kind="body")
    people = wc.get(path_of(body["node"]) + ".json").get_json()["people"]
    if not people:
        people = [{"person": p["node"]} for p in
                  wc.get("/search.json?q=Lương Hồng Điệp").get_json()["hits"]]
    assert people
    resp = wc.get(path_of(people[0]["person"]))
    assert "foaf:name" in html(resp)
    assert wc.get(path_of(people[0]["person"]) + ".json").get_json()["facts"]


def test_unknown_resource_is_404_in_both_forms(wc):
    assert wc.get("/id/doc/no-such-thing").status_code == 404
    resp = wc.get("/id/doc/no-such-thing.json")
    assert resp.status_code == 404 and resp.get_json()["ok"] is False


def test_trace_print_view(wc):
    page = html(wc.get("/trace?doc=97/2019/QH14"))
    assert 'data-action="print"' in page and "171-KH/TU" in page
    data = wc.get("/trace.json?doc=97/2019/QH14").get_json()
    labels = [r["label"] for r in data["rows"]]
    assert any("171-KH/TU" in (x or "") for x in labels)
    assert wc.get("/trace?doc=999/2099/XX").status_code == 404


def test_print_view_pages_through_every_document_of_the_trace(wc, web_app):
    from web import pages

    doc = find(wc, "97/2019/QH14")["node"]
    whole = wc.get("/trace.json", query_string={"doc": doc}).get_json()
    nodes = wc.get(path_of(doc) + ".json").get_json()["downstream"]["documents"]["nodes"]
    assert {r["iri"] for r in whole["rows"]} == {n["iri"] for n in nodes}
    with web_app.test_request_context():
        paged = [pages.trace_view(doc, k, per_page=2) for k in (1, 2, 3)]
    assert paged[0]["pages"] == -(-whole["total"] // 2) and "tree" not in paged[0]
    rows = [r["iri"] for p in paged for r in p["rows"]]
    assert rows == [r["iri"] for r in whole["rows"]][:len(rows)]   # same order, no repeats
    # depth first: each row's parent came before it, at one level less
    seen = {}
    for r in whole["rows"]:
        if r["depth"]:
            assert seen[r["parent"]] == r["depth"] - 1, r
        seen[r["iri"]] = r["depth"]
    assert wc.get("/trace?doc=97/2019/QH14&page=99").status_code == 400


def test_print_view_of_a_founding_law_prints_its_nearest_and_reads_back_one_page(
        wc, web_app, monkeypatch):
    """Past `TRACE_DOCS` the print view is cut to the nearest documents, says so and links
    the whole trace as JSON; a page asked again reads back its own rows, not the trace."""
    from web import pages

    doc = find(wc, "97/2019/QH14")["node"]
    whole = wc.get("/trace.json", query_string={"doc": doc}).get_json()
    assert whole["complete"] is True and whole["total"] > 3
    monkeypatch.setattr(pages, "TRACE_DOCS", 2)
    with web_app.app_context():
        pages.index().catalog.kept_min_seconds = 0     # the samples' traces are quick
    forget_kept(wc)
    traced = []
    real = pages.trace_down
    monkeypatch.setattr(pages, "trace_down",
                        lambda *a, **k: traced.append(k.get("limit")) or real(*a, **k))
    with web_app.test_request_context():
        paged = [pages.trace_view(doc, k, per_page=2) for k in (1, 2)]
        again = pages.trace_view(doc, 1, per_page=2)
    assert traced == [2]                                 # once, cut; then read back
    assert again == paged[0]
    rows = [r["iri"] for p in paged for r in p["rows"]]
    assert paged[0]["complete"] is False and paged[0]["total"] == 4 == len(rows)
    depth = {r["iri"]: r["depth"] for r in whole["rows"]}    # the nearest: none left out
    assert set(rows) <= set(depth) and len(set(rows)) == 4   # above the deepest one kept
    assert {n for n, d in depth.items() if d < max(depth[r] for r in rows)} <= set(rows)
    assert all(r.get("display") for p in paged for r in p["rows"])   # annotated per page
    page = html(wc.get("/trace", query_string={"doc": doc}))
    assert re.search(r'class="note cut">[^<]*vượt quá 2 văn bản[^<]*<a href="/api/trace\?doc=',
                     page)
    api = wc.get("/api/trace", query_string={"doc": doc}).get_json()
    assert len(api["nodes"]) == whole["total"]            # the API traces them all


def test_document_page_counts_what_it_leaves_out(wc, monkeypatch):
    from web import pages

    monkeypatch.setattr(pages, "TREE_NODES", 2)
    monkeypatch.setattr(pages, "LEVEL_GROUPS", 1)
    doc = find(wc, "97/2019/QH14")["node"]
    data = wc.get(path_of(doc) + ".json").get_json()["downstream"]
    assert data["tree_nodes"]["shown"] == 2 < data["tree_nodes"]["total"]
    cut = [lv for lv in data["levels"] if lv.get("more_issuers")]
    assert cut and all(len(lv["issuers"]) == 1 for lv in data["levels"])
    page = html(wc.get(path_of(doc)))
    assert page.count('href="/trace?doc=') >= 1 + len(cut)
    for lv in cut:
        assert f"+ {lv['more_issuers']} " in page


def test_document_page_keeps_its_trace_until_a_write(wc, web_app, web_store, monkeypatch):
    """Asked again, the document page reads its trace sections back instead of tracing
    anew, and says the same; a new source implementing the document shows at once."""
    from kg.ingest import Pipeline
    from web import pages

    with web_app.app_context():
        pages.index().catalog.kept_min_seconds = 0     # the samples' traces are quick
    traced = []
    real = pages.trace_down
    monkeypatch.setattr(pages, "trace_down",
                        lambda *a, **k: traced.append(a[1]) or real(*a, **k))
    doc = find(wc, "97/2019/QH14")["node"]
    first = wc.get(path_of(doc) + ".json").get_json()
    assert wc.get(path_of(doc) + ".json").get_json() == first
    html(wc.get(path_of(doc)))
    assert traced == [doc]
    text = ("Ngày 02/3/2022, UBND phường Việt Hưng ban hành Kế hoạch số 77/KH-UBND về triển "
            "khai thực hiện Nghị quyết số 97/2019/QH14 của Quốc hội.")
    result = Pipeline(web_store, base_iri=BASE).ingest_bytes(
        text.encode(), name="viet-hung.txt", locator="test:viet-hung")
    assert result.error is None and result.relations, result
    after = wc.get(path_of(doc) + ".json").get_json()
    assert traced == [doc, doc]
    assert after["downstream"]["tree_nodes"]["total"] > first["downstream"]["tree_nodes"]["total"]
    assert "77/KH-UBND" in str(after["downstream"]["tree"])
    # the page's own facts and evidence are kept too, and follow the write as well
    assert after["evidence_total"] == first["evidence_total"] + 1
    assert any("77/KH-UBND" in (e.get("label") or "") for e in after["evidence"])


def test_answers_say_their_server_time(wc, monkeypatch):
    """Server-Timing on every answer (pages, JSON, errors), measuring the app's work."""
    from kg.bench.machine import server_ms
    from web import pages

    for path in ("/", "/index.json", "/search?q=97", "/id/doc/nothing-here"):
        assert server_ms(wc.get(path).headers.get("Server-Timing")) is not None, path
    real = pages.document
    monkeypatch.setattr(pages, "document", lambda node: time.sleep(0.05) or real(node))
    doc = find(wc, "97/2019/QH14")["node"]
    assert server_ms(wc.get(path_of(doc)).headers["Server-Timing"]) >= 50


def test_explorer_page_and_its_data(wc):
    page = html(wc.get("/explore?q=97/2019/QH14"))
    assert "/static/vendor/cytoscape.min.js" in page
    assert "/static/js/explore.js" in page
    node = find(wc, "97/2019/QH14")["node"]
    assert wc.get("/explore.json?q=97/2019/QH14").get_json()["start"] == node
    data = wc.get("/explore/data", query_string={"node": node}).get_json()
    ids = {n["id"] for n in data["nodes"]}
    assert node in ids
    assert any(e["target"] == node and e["rel"] == "implements" for e in data["edges"])
    assert all(e["source"] in ids and e["target"] in ids for e in data["edges"])
    everything = wc.get("/explore/data?all=1&limit=5000").get_json()
    assert len(everything["nodes"]) >= len([n for n in data["nodes"] if n["kind"] != "body"])
    assert wc.get("/explore/data?node=https://example.org/x").status_code == 404


@pytest.mark.parametrize("cap,read", [(1, 1), (2, 2)])
def test_expanding_a_much_linked_node_draws_a_bounded_part(wc, monkeypatch, cap, read):
    """A founding law has ~50,000 neighbours: the explorer reads a few of its links (two
    per neighbour drawn, each way), draws NEIGHBOURS, and counts the rest."""
    from web import pages

    node = find(wc, "97/2019/QH14")["node"]
    whole = wc.get("/explore/data", query_string={"node": node}).get_json()
    assert whole["more"] == 0 and len(whole["nodes"]) > 3
    monkeypatch.setattr(pages, "NEIGHBOURS", cap)
    monkeypatch.setattr(pages, "LINKS_READ", read)
    cut = wc.get("/explore/data", query_string={"node": node}).get_json()
    ids = {n["id"] for n in cut["nodes"]}
    assert node in ids and len(ids) == cap + 1
    assert cut["more"] == len(whole["nodes"]) - cap - 1
    assert all(e["source"] in ids and e["target"] in ids for e in cut["edges"])


def test_query_editor_offers_the_example_queries(wc):
    page = html(wc.get("/query"))
    assert "/static/vendor/yasgui.min.js" in page
    data = wc.get("/query.json").get_json()
    files = sorted((ROOT / "ontology" / "examples").glob("*.rq"))
    if files:
        assert [e["name"] for e in data["examples"]] == [f.stem for f in files]
        for e, f in zip(data["examples"], files, strict=True):
            assert e["query"] == f.read_text(encoding="utf-8")
    assert all(e["query"].strip() for e in data["examples"])


@pytest.mark.parametrize("name", ["cytoscape.min.js", "cytoscape-dagre.min.js",
                                  "yasgui.min.js", "yasgui.min.css"])
def test_vendor_files_are_served_locally(wc, name):
    resp = wc.get(f"/static/vendor/{name}")
    assert resp.status_code == 200, "run `make frontend` (web/frontend/Makefile)"
    assert len(resp.data) > 10_000
    resp.close()


def test_language_switch_and_cookie(wc):
    vi = html(wc.get("/"))
    assert "Đồ thị đang có" in vi and '<html lang="vi">' in vi
    resp = wc.get("/?lang=en")
    assert "What the graph holds" in html(resp)
    assert "lang=en" in resp.headers.get("Set-Cookie", "")
    again = html(wc.get("/search?q=97"))
    assert '<html lang="en">' in again
    back = html(wc.get("/?lang=vi"))
    assert "Đồ thị đang có" in back


PAGES = ["/", "/search?q=97", "/search?q=onerror", "/explore", "/query",
         "/trace?doc=97/2019/QH14"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_a_strict_csp(wc, url):
    resp = wc.get(url)
    csp = resp.headers["Content-Security-Policy"]
    script = [d for d in csp.split(";") if d.strip().startswith("script-src")][0]
    assert "'self'" in script
    assert "unsafe-inline" not in script and "unsafe-eval" not in script


RAW = re.compile(r"<script>window|<img src=x onerror|<svg onload|href=\"javascript:",
                 re.IGNORECASE)


def test_hostile_text_is_escaped_on_every_page(wc):
    hits = wc.get("/search.json?q=onerror").get_json()["hits"]
    assert hits, "the hostile sources were not ingested"
    urls = ["/", "/search?q=onerror", "/search?q=97/2019/QH14"]
    urls += [path_of(h["node"]) for h in hits]
    urls.append(path_of(find(wc, "97/2019/QH14")["node"]))
    shown = 0
    for url in urls:
        page = html(wc.get(url))
        assert not RAW.search(page), (url, RAW.search(page))
        shown += page.count("onerror")
    assert shown > 0   # the text is there, escaped, not dropped


def test_search_and_home_say_so_while_the_catalog_is_first_built(sample_store, monkeypatch):
    """Until the first build is done, search finds nothing and says why, and the home page
    does not count the whole store on every request (a minute each at 100k documents)."""
    import threading

    from kg.catalog import Catalog
    from web import create_app

    release = threading.Event()
    real = Catalog.build

    def slow_build(self):  # noqa: ANN001, ANN202
        release.wait(30)
        return real(self)

    monkeypatch.setattr(Catalog, "build", slow_build)
    app = create_app({"TESTING": True, "KG_STORE_OBJECT": sample_store, "KG_SEARCH_WAIT": 0})
    client = app.test_client()
    try:
        data = client.get("/search.json?q=97/2019/QH14").get_json()
        assert data["building"] is True and data["total"] == 0
        assert "index is being built" in html(client.get("/search?q=97/2019/QH14&lang=en"))
        asked = []
        monkeypatch.setattr("kg.query.Queries.stats", lambda self: asked.append(1))
        home = client.get("/index.json").get_json()
        assert home["building"] is True and home["stats"] is None and not asked
        assert home["catalog"] == {"ready": False, "current": False}
        assert "index is being built" in html(client.get("/?lang=en"))
    finally:
        release.set()
    deadline = time.monotonic() + 30
    while client.get("/search.json?q=97/2019/QH14").get_json()["building"]:
        assert time.monotonic() < deadline, "the catalog never became ready"
        time.sleep(0.1)
    data = client.get("/search.json?q=97/2019/QH14").get_json()
    assert data["hits"][0]["ident"] == "97/2019/QH14"
    home = client.get("/index.json").get_json()     # from the catalog: still not asked
    assert home["building"] is False and home["stats"]["documents"] >= 4 and not asked
    assert home["catalog"] == {"ready": True, "current": True}


def test_warm_compiles_every_template_before_the_first_request(web_app, wc, monkeypatch):
    """`kg serve` warms the app: no page compiles a template on its first request."""
    from web import warm

    warm(web_app)

    def compile_(*a, **k):
        raise AssertionError("a template was compiled on a request")

    monkeypatch.setattr(web_app.jinja_env, "compile", compile_)
    for url in ("/", "/search?q=97", "/id/doc/97-2019-qh14", "/explore", "/query",
                "/trace?doc=https://w3id.org/vnkg/id/doc/97-2019-qh14", "/ontology"):
        assert wc.get(url).status_code == 200, url


def test_each_step_of_a_trace_tree_opens_the_sentence_that_states_it(wc):
    """Down and up, every step of the sample chain's trees links the source highlighted
    at the sentence that states that very link (its number is in the highlight)."""
    doc = find(wc, "97/2019/QH14")["node"]
    circular = find(wc, "03-TT/QU")["node"]
    down = wc.get(path_of(doc) + ".json").get_json()["downstream"]["tree"]
    up = wc.get(path_of(circular) + ".json").get_json()["upstream"]["tree"]
    checked = 0
    for tree, direction in ((down, "down"), (up, "up")):
        parent = {c["iri"]: n for n in _tree(tree) for c in n.get("children", [])}
        for n in _tree(tree)[1:]:
            assert n["evidence"], n
            m = re.match(r"(/id/[^?]+)\?hl=(\d+)-(\d+)#ev-\2$", n["evidence"])
            assert m, n["evidence"]
            text = wc.get(m[1] + ".json").get_json()["text"]
            said = text[int(m[2]):int(m[3])]
            # the sentence names the document acted on: down, the step's parent
            named = parent[n["iri"]] if direction == "down" else n
            if named.get("id"):
                number = named["id"].split("/")[0].split("-")[0]
                assert number in said, (said, named["id"])
                checked += 1
    assert checked >= 3
