"""Exports load back with networkx; the CLI and the JSON API answer from the library."""
from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analytics import export_graph
from kg.cli import main
from kg.errors import InputError
from kg.store import open_store
from tests.analytics.conftest import BASE, KH171, ND32, NQ97, TT03, body_iri, build_chain, doc_iri


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_export_loads_back_with_same_nodes_and_edges(generated, fmt, read):
    g, store = generated
    buf = io.BytesIO()
    export_graph(store, fmt, buf)
    back = read(io.BytesIO(buf.getvalue()))
    linked = {a for a, _, _ in g.edges} | {b for _, _, b in g.edges}
    assert set(back.nodes) == linked
    got = sorted((u, d["rel"], v) for u, v, d in back.edges(data=True))
    assert got == sorted(g.edges)
    for n in linked:
        assert back.nodes[n]["number"] == g.docs[n]["id"]
        assert back.nodes[n]["date"] == g.docs[n]["date"]


def test_export_json_and_csv(generated):
    g, store = generated
    buf = io.BytesIO()
    export_graph(store, "json", buf)
    data = json.loads(buf.getvalue())
    back = nx.node_link_graph(data, edges="links")
    assert sorted((u, d["rel"], v) for u, v, d in back.edges(data=True)) == sorted(g.edges)
    buf = io.BytesIO()
    export_graph(store, "csv", buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode())))
    assert sorted((r["source"], r["relation"], r["target"]) for r in rows) == sorted(g.edges)
    with pytest.raises(InputError):
        export_graph(store, "dot", io.BytesIO())


def test_export_of_one_trace(chain_store):
    buf = io.BytesIO()
    g = export_graph(chain_store, "graphml", buf, root=doc_iri(NQ97))
    back = nx.read_graphml(io.BytesIO(buf.getvalue()))
    assert set(back.nodes) == set(g.nodes) and doc_iri(NQ97) in back.nodes
    assert back.number_of_edges() == g.number_of_edges() == 7   # the cite is not down


@pytest.fixture
def chain_dir(tmp_path):
    """The sample chain in an embedded store on disk, closed so that the CLI can open it."""
    s = open_store(str(tmp_path / "kg"))
    build_chain(s)
    s.close()
    return str(tmp_path / "kg")


def run(folder: str, *args: str):
    r = CliRunner().invoke(main, ["--store", folder, "--base-iri", BASE, *args])
    return r


def test_cli_trace_tree_json_csv(chain_dir):
    r = run(chain_dir, "trace", "97/2019/QH14")
    assert r.exit_code == 0, r.output
    assert "171-KH/TU  2019-12-31  Ban Thường vụ Thành ủy Hà Nội  +34 days" in r.output
    assert "04 văn bản (known by count: 4)" in r.output
    r = run(chain_dir, "trace", "97/2019/QH14", "--format", "json")
    assert json.loads(r.output)["counts"]["known_by_count"] == 6
    r = run(chain_dir, "trace", "03-TT/QU", "--up", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {(x["from_id"], x["rel"], x["to_id"]) for x in rows} == {
        ("03-TT/QU", "based_on", "97/2019/QH14"), ("03-TT/QU", "implements", "97/2019/QH14"),
        ("03-TT/QU", "implements", "171-KH/TU"), ("03-TT/QU", "cites", "32/2021/NĐ-CP"),
        ("171-KH/TU", "implements", "97/2019/QH14")}
    r = run(chain_dir, "trace", "1/2000/XX")
    assert r.exit_code == 3 and "no document numbered 1/2000/XX" in r.output
    # --limit: the nearest only (the plan, then the circular), said to be cut
    r = run(chain_dir, "trace", "97/2019/QH14", "--limit", "1", "--format", "json")
    cut = json.loads(r.output)
    assert cut["complete"] is False and cut["stops"] is None
    assert {n["id"] for n in cut["nodes"].values()} == {"97/2019/QH14", "171-KH/TU", "03-TT/QU"}
    r = run(chain_dir, "trace", "97/2019/QH14", "--limit", "1")
    assert r.exit_code == 0 and "cut at --limit" in r.output and "stops at" not in r.output
    r = run(chain_dir, "timeline", "97/2019/QH14", "--limit", "1")
    assert r.exit_code == 0 and "cut at --limit" in r.output and "+512" in r.output
    assert "cut at" not in run(chain_dir, "timeline", "97/2019/QH14").output
    r = run(chain_dir, "diff", "03-TT/QU", "--since", "2000-01-01", "--by", "document",
            "--limit", "1")
    assert r.exit_code == 0, r.output
    assert r.output.count("+ ") == 1 and "32-2021-nd-cp" in r.output    # the newest
    assert "4 new since 2000-01-01" in r.output and "only the newest 1" in r.output


def test_cli_applies_gaps_path_rank_export(chain_dir, tmp_path):
    r = run(chain_dir, "gaps", "Đảng ủy phường Bồ Đề")
    assert r.exit_code == 0, r.output
    assert "4 gap(s) of 4 binding document(s)" in r.output
    r = run(chain_dir, "applies", "UBND phường Đức Giang", "--json")
    assert json.loads(r.output)["counts"] == {"binding": 6, "acted": 3, "gaps": 3}
    r = run(chain_dir, "path", "171-KH/TU", "Quận ủy Long Biên")
    assert r.exit_code == 0, r.output
    assert "2 step(s)" in r.output
    assert "Thực hiện Kế hoạch số 171" in r.output
    r = run(chain_dir, "rank", "--json")
    assert json.loads(r.output)["cited"][0]["id"] == "32/2021/NĐ-CP"
    out = tmp_path / "g.gexf"
    r = run(chain_dir, "export-graph", "--format", "gexf", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert nx.read_gexf(out).number_of_edges() == 8
    r = run(chain_dir, "coverage", "97/2019/QH14")
    assert "not acted  Đảng ủy phường Bồ Đề" in r.output


@pytest.fixture
def chain_client(chain_store):
    from web import create_app

    app = create_app({"TESTING": True, "KG_STORE_OBJECT": chain_store,
                      "KG": {"store": "memory", "base_iri": BASE}})
    return app.test_client()


def test_api_routes(chain_client):
    r = chain_client.get("/api/trace", query_string={"doc": "97/2019/QH14"})
    assert r.status_code == 200 and r.json["ok"]
    assert r.json["nodes"][doc_iri(KH171)]["lag_days"] == 34
    r = chain_client.get("/api/trace", query_string={"doc": "03-TT/QU", "direction": "up"})
    assert {x["iri"] for x in r.json["roots"]} == {doc_iri(NQ97), doc_iri(ND32)}
    r = chain_client.get("/api/trace", query_string={"doc": "97/2019/QH14", "limit": "1"})
    assert r.json["complete"] is False and len(r.json["nodes"]) == 3
    assert doc_iri(KH171) in r.json["nodes"]
    r = chain_client.get("/api/gaps", query_string={"body": body_iri("dang-uy/phuong-bo-de")})
    assert r.json["count"] == 4
    r = chain_client.get("/api/applies", query_string={"body": "UBND phường Đức Giang"})
    assert r.json["counts"]["gaps"] == 3
    r = chain_client.get("/api/coverage", query_string={"doc": "97/2019/QH14"})
    assert r.json["levels"][-1]["not_acted"][0]["label"] == "Đảng ủy phường Bồ Đề"
    r = chain_client.get("/api/path", query_string={"a": "03-TT/QU", "b": "Quận ủy Long Biên"})
    assert r.json["length"] == 1
    r = chain_client.get("/api/timeline", query_string={"doc": "97/2019/QH14"})
    assert [e["days_from_start"] for e in r.json["entries"]] == [0, 34, 512]
    assert r.json["complete"] is True
    r = chain_client.get("/api/timeline", query_string={"doc": "97/2019/QH14", "limit": "0"})
    assert r.json["complete"] is False
    days = [e["days_from_start"] for e in r.json["entries"]]   # the root, one nearest
    assert days[0] == 0 and len(days) == 2 and days[1] in (34, 512)
    r = chain_client.get("/api/diff", query_string={"doc": doc_iri(TT03), "since": "2024-02-01"})
    assert len(r.json["added"]) == 3 == r.json["added_total"] and r.json["complete"] is True
    cut = chain_client.get("/api/diff", query_string={"doc": doc_iri(TT03), "since": "2024-02-01",
                                                      "limit": "1"}).json
    assert cut["added"] == r.json["added"][:1] and cut["added_total"] == 3
    assert cut["complete"] is False
    r = chain_client.get("/api/rank")
    assert r.json["documents"] == 7
    r = chain_client.get("/api/export-graph", query_string={"format": "graphml"})
    assert r.status_code == 200 and r.mimetype == "application/graphml+xml"
    assert nx.read_graphml(io.BytesIO(r.data)).number_of_edges() == 8
    assert chain_client.get("/api/stats").json["ok"]


@pytest.mark.parametrize("url,status", [
    ("/api/trace", 400), ("/api/trace?doc=1/2000/XX", 404),
    ("/api/trace?doc=97/2019/QH14&direction=sideways", 400),
    ("/api/trace?doc=97/2019/QH14&limit=many", 400),
    ("/api/diff?doc=97/2019/QH14&since=yesterday", 400),
    ("/api/diff?doc=97/2019/QH14&since=2024-01-01&limit=-1", 400),
    ("/api/export-graph?format=dot", 400), ("/api/rank?top=abc", 400),
    ("/api/gaps?body=nobody", 404),
])
def test_api_errors_have_the_one_shape(chain_client, url, status):
    r = chain_client.get(url)
    assert r.status_code == status
    assert r.json["ok"] is False and r.json["status"] == status and r.json["error"]
