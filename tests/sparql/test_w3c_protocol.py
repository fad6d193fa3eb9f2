"""The W3C SPARQL 1.1 Protocol tests, run by our runner against a live endpoint.

The manifest is read in place from $KG_SHARED/data/w3c-sparql11-protocol/ (see its
SOURCE.md): each test's requests are sent as written — method, path (with `/sparql/`
replaced by our endpoint's path), headers and body in the declared encoding — and the
answer's status, content type and (for ASK) boolean are compared with the expected ones.
Update requests go to /sparql/update with the bearer token, the one header we add: the
manifest allows a separate update path, and our updates need the token.
"""
from __future__ import annotations

import http.client
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection

from tests.sparql.live import TOKEN, Server

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
SUITE = SHARED / "data" / "w3c-sparql11-protocol" / "protocol"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

FORMATS = {
    "boolean": {"application/sparql-results+xml", "application/sparql-results+json"},
    "tabular": {"application/sparql-results+xml", "application/sparql-results+json",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples",
            "application/xhtml+xml"},
}


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]               # first digit of the accepted status classes
    fmt: str | None = None
    boolean: bool | None = None


@dataclass
class Case:
    name: str
    title: str
    data: list[tuple[Path, str]] = field(default_factory=list)
    requests: list[Req] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return "update" in self.name


def load_manifest() -> list[Case]:
    g = Graph().parse(SUITE / "manifest.ttl", format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for test in Collection(g, g.value(manifest, MF.entries)):
        case = Case(str(test).rsplit("#", 1)[-1], str(g.value(test, MF.name)))
        for gd in g.objects(test, UT.graphData):
            case.data.append((Path(urlsplit(str(g.value(gd, UT.graph))).path),
                              str(g.value(gd, RDFS.label))))
        action = g.value(test, MF.action)
        for r in Collection(g, g.value(action, HT.requests)):
            headers = {}
            hlist = g.value(r, HT.headers)
            for h in Collection(g, hlist) if hlist is not None else []:
                headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            body = None
            b = g.value(r, HT.body)
            if b is not None:
                enc = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(enc)
            resp = g.value(r, HT.resp)
            statuses = {int(str(s).rsplit("StatusCode", 1)[-1][0])
                        for s in g.objects(resp, MF.expectedStatus)}
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            case.requests.append(Req(str(g.value(r, HT.methodName)),
                                     str(g.value(r, HT.absolutePath)), headers, body,
                                     statuses, str(fmt) if fmt is not None else None,
                                     boolean.toPython() if boolean is not None else None))
        cases.append(case)
    return cases


if not (SUITE / "manifest.ttl").exists():
    pytest.skip(f"the W3C protocol tests are not at {SUITE} (KG_SHARED / ../shared)",
                allow_module_level=True)
CASES = load_manifest()
QUERY_CASES = [c for c in CASES if not c.is_update]


def _is_update(req: Req) -> bool:
    ctype = next((v for k, v in req.headers.items() if k.lower() == "content-type"), "")
    return (ctype.startswith("application/sparql-update") or "update=" in req.path
            or (req.body or b"").startswith(b"update="))


def run_case(server: Server, case: Case, *, updates: bool) -> None:
    """Load the case's data, send its requests, and assert each answer."""
    store = server.store
    for graph in store.graphs():
        store.remove_graph(URIRef(graph))
    for path, label in case.data:
        with open(SUITE / path.name, "rb") as f:
            store.load(f, "nt", URIRef(label))
    host = urlsplit(server.url)
    for i, req in enumerate(case.requests):
        update = _is_update(req)
        target = "/sparql/update" if update else "/sparql"
        path = target + req.path[len("/sparql/"):]
        headers = dict(req.headers)
        if update and updates:
            headers["Authorization"] = f"Bearer {TOKEN}"
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        conn.request(req.method, path, body=req.body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        where = f"{case.name} request {i + 1}: {req.method} {path} → {resp.status} {data[:300]!r}"
        assert resp.status // 100 in req.statuses, where
        ctype = (resp.getheader("Content-Type") or "").split(";")[0].strip()
        if req.fmt is not None:
            assert ctype in FORMATS[req.fmt], where
        if req.boolean is not None:
            assert _boolean(ctype, data) is req.boolean, where


def _boolean(ctype: str, data: bytes) -> bool:
    if ctype == "application/sparql-results+json":
        return json.loads(data)["boolean"]
    from xml.etree import ElementTree

    node = ElementTree.fromstring(data).find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None
    return node.text == "true"


def test_manifest_holds_34_tests() -> None:
    assert len(CASES) == 34
    assert sum(c.is_update for c in CASES) == 14


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory):
    """One live server with updates on, over an empty store folder, for the whole suite."""
    from kg.store import open_store
    from tests.sparql.live import serve

    store = open_store(str(tmp_path_factory.mktemp("w3c") / "kgdata"))
    with serve(store, update_token=TOKEN) as server:
        yield server
    store.close()


@pytest.fixture(scope="module")
def w3c_server_no_update(tmp_path_factory: pytest.TempPathFactory):
    """A live server with updates off (the default)."""
    from kg.store import open_store
    from tests.sparql.live import serve

    store = open_store(str(tmp_path_factory.mktemp("w3c-ro") / "kgdata"))
    with serve(store) as server:
        yield server
    store.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol_with_updates_on(w3c_server: Server, case: Case) -> None:
    run_case(w3c_server, case, updates=True)


@pytest.mark.parametrize("case", QUERY_CASES, ids=[c.name for c in QUERY_CASES])
def test_w3c_protocol_query_side_with_updates_off(w3c_server_no_update: Server,
                                                   case: Case) -> None:
    run_case(w3c_server_no_update, case, updates=False)


def test_update_requests_refused_when_updates_are_off(w3c_server_no_update: Server) -> None:
    """With KG_UPDATE_TOKEN unset, the manifest's valid updates are refused and change nothing."""
    case = next(c for c in CASES if c.name == "update_post_direct")
    req = case.requests[0]
    host = urlsplit(w3c_server_no_update.url)
    for path in ("/sparql/update", "/sparql"):
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        conn.request("POST", path, body=req.body, headers=req.headers)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 403
