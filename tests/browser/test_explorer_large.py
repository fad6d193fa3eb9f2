"""The explorer with a large graph (the whole-graph view of a generated corpus): the fast
drawing options switch on past the threshold and off again, the tree layout of many nodes
is our own layering (dagre takes seconds there) with every edge outside a cycle pointing
down, and the explorer's features still work. Speed itself is measured by `kg bench`
(kg/bench/explorer.py), never asserted here."""
from __future__ import annotations

import io
from collections.abc import Iterator

import networkx as nx
import pytest

from tests.browser.conftest import BASE, serving, shot, wait_js

pytestmark = pytest.mark.browser

DOCS = 700          # the whole graph of 700 generated documents: ~1,000 nodes, ~1,700 edges
CY = "window.__explorer.cy"


@pytest.fixture(scope="module")
def big_server() -> Iterator[str]:
    from kg.generate import generate, write_nquads
    from kg.store import open_store

    dump = io.BytesIO()
    write_nquads(generate(DOCS, 1), dump, base_iri=BASE)
    dump.seek(0)
    store = open_store("memory")
    store.load(dump, "nq")
    with serving(store) as url:
        yield url


def load_whole_graph(page, server: str) -> None:
    page.goto(server + "/explore")
    wait_js(page, "window.__explorer !== undefined")
    # the first request may wait for the catalog's build; the button loads what is there
    wait_js(page, "fetch('/explore/data?all=1&limit=2000').then(r => r.json())"
                  ".then(j => j.nodes.length > 600)", timeout=60)
    page.click("#ex-all")
    wait_js(page, f"{CY}.nodes().length > 600 && window.__explorer.lastLoadMs !== undefined",
            timeout=60)


def edge_list(page) -> list[tuple[str, str]]:
    return [tuple(e) for e in page.evaluate(
        f"{CY}.edges().map(e => [e.data('source'), e.data('target')])")]


def test_a_large_graph_is_drawn_the_fast_way_and_a_small_one_is_not(big_server, page):
    load_whole_graph(page, big_server)
    n = page.evaluate(f"{CY}.elements().length")
    assert n > 800                                   # past the explorer's threshold
    assert page.evaluate("document.getElementById('cy').classList.contains('big')")
    styles = page.evaluate(f"""(() => {{ const e = {CY}.edges()[0], v = {CY}.nodes()[0];
        return [e.style('curve-style'), e.style('target-arrow-shape'),
                v.style('text-wrap'), v.style('label'), v.data('label')]; }})()""")
    curve, arrow, wrap, label, full = styles
    assert (curve, arrow, wrap) == ("haystack", "none", "none")
    assert len(label) <= 24 and (label == full or full.startswith(label[:-1]))
    # starting again from one document: a small graph, drawn with arrows again
    doc = page.evaluate(f"{CY}.nodes().filter(n => n.degree() <= 3)[0].id()")
    page.goto(big_server + "/explore?node=" + doc)
    wait_js(page, f"{CY}.nodes().length >= 2", timeout=30)
    assert page.evaluate(f"{CY}.elements().length") <= 800
    assert not page.evaluate("document.getElementById('cy').classList.contains('big')")
    assert page.evaluate(f"{CY}.edges()[0].style('curve-style')") == "straight"
    assert page.evaluate(f"{CY}.edges()[0].style('target-arrow-shape')") == "triangle"
    assert page.errors == []


def test_the_tree_of_many_nodes_is_layered_with_edges_pointing_down(big_server, page):
    load_whole_graph(page, big_server)
    assert page.evaluate(f"{CY}.nodes().length") > 500    # dagre's limit in explore.js
    page.check("input[name=layout][value=dagre]")
    wait_js(page, "window.__explorer.layout === 'tree'")
    ys = page.evaluate(f"Object.fromEntries({CY}.nodes().map(n => [n.id(), n.position('y')]))")
    xy = page.evaluate(f"{CY}.nodes().map(n => n.position('x') + ',' + n.position('y'))")
    assert len(set(xy)) == len(xy)                       # no two nodes on one spot
    g = nx.DiGraph(edge_list(page))
    cyclic = {v for c in nx.strongly_connected_components(g) if len(c) > 1 for v in c}
    acyclic = [(a, b) for a, b in g.edges if not (a in cyclic and b in cyclic) and a != b]
    assert len(acyclic) > 500
    assert all(ys[a] < ys[b] for a, b in acyclic)        # a source above its target
    shot(page, "explorer-large-tree", full=False)
    assert page.errors == []


def test_filters_path_and_export_still_work_on_a_large_graph(big_server, page):
    load_whole_graph(page, big_server)
    nodes = page.evaluate(f"{CY}.nodes().length")
    g = nx.Graph(edge_list(page))
    a = max(g.degree, key=lambda d: d[1])[0]
    far = max(nx.single_source_shortest_path_length(g, a).items(), key=lambda kv: kv[1])[0]
    page.select_option("#ex-from", value=a)
    page.select_option("#ex-to", value=far)
    page.click("#ex-path")
    want = nx.shortest_path_length(g, a, far) + 1
    assert page.evaluate(f"{CY}.$('node.path').length") == want
    # the edges of the path are drawn with their arrow and relation, the others are not
    path = page.evaluate(f"{CY}.edges('.path').map(e => [e.style('label'), "
                         "e.style('target-arrow-shape')])")
    assert path and all(label and arrow == "triangle" for label, arrow in path)
    assert page.evaluate(f"{CY}.edges().not('.path')[0].style('label')") == ""
    assert page.evaluate(f"{CY}.edges().not('.path')[0].style('target-arrow-shape')") == "none"
    rel = page.evaluate(f"{CY}.edges()[0].data('rel')")
    page.uncheck(f"#ex-rels input[value={rel}]")
    hidden = page.evaluate(f"{CY}.edges('.hidden').length")
    assert hidden == page.evaluate(f"{CY}.edges().filter(e => e.data('rel') === {rel!r}).length")
    assert page.evaluate("window.__explorer.graphml()").count("<node ") == nodes
    assert page.errors == []
