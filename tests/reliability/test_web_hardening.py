"""Hostile requests to the web app: traversal, redirects, oversized bodies, writes, binding."""
from __future__ import annotations

import inspect

import pytest

from kg import settings

TRAVERSALS = [
    "/static/../kg/settings.py",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/id/../../etc/passwd",
    "/id/doc/..%2f..%2f..%2fetc%2fpasswd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reaches_no_file(client, path: str) -> None:
    resp = client.get(path)
    body = resp.get_data(as_text=True)
    assert resp.status_code in (400, 404)
    assert "root:x:0:0" not in body and "[project]" not in body and "KG_" not in body


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/",
                                    "/\\evil.example", "javascript:alert(1)"])
@pytest.mark.parametrize("param", ["next", "url", "redirect", "return", "back"])
def test_no_open_redirect(client, target: str, param: str) -> None:
    for path in ("/", "/search", "/lang/en", "/lang/vi"):
        resp = client.get(path, query_string={param: target},
                          headers={"Referer": target})
        location = resp.headers.get("Location", "")
        assert "evil.example" not in location and not location.startswith("javascript:")


def test_oversized_request_body_is_refused(client) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (3 * 1024 * 1024)
    resp = client.post("/sparql", data=big, content_type="application/sparql-query")
    assert resp.status_code == 413
    assert resp.get_json()["ok"] is False


def test_update_needs_the_token(client) -> None:
    update = 'INSERT DATA { <http://x/a> <http://x/p> "1" }'
    for resp in (client.post("/sparql", data={"update": update}),
                 client.post("/sparql/update", data=update,
                             content_type="application/sparql-update")):
        assert resp.status_code in (401, 403, 404, 405)
    ask = client.get("/sparql", query_string={"query": "ASK { <http://x/a> ?p ?o }"},
                     headers={"Accept": "application/sparql-results+json"})
    assert ask.get_json()["boolean"] is False


def test_server_binds_loopback_by_default() -> None:
    assert settings.BY_NAME["host"].default == "127.0.0.1"


def test_serve_runs_no_debug_mode() -> None:
    from kg import cli

    source = inspect.getsource(cli.serve.callback)
    assert "waitress" in source and "debug" not in source and "app.run" not in source


def test_every_page_sends_a_content_security_policy(client) -> None:
    for path in ("/", "/search?q=97", "/nope", "/sparql"):
        csp = client.get(path).headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "object-src 'none'" in csp


def test_hostile_file_name_and_person_name_are_escaped(tmp_path) -> None:
    from kg.ingest import Pipeline
    from kg.store import open_store
    from tests.conftest import BASE
    from web import create_app

    payload = '<img src=x onerror="alert(1)">'
    path = tmp_path / f"{payload}.txt"
    path.write_text("Đồng chí <b>Trần Văn A</b><script>alert(2)</script> – Chủ tịch UBND "
                    "phường ban hành Kế hoạch số 12/KH-UBND ngày 05/01/2022 thực hiện "
                    "Nghị quyết số 97/2019/QH14.\n", encoding="utf-8")
    store = open_store("memory")
    Pipeline(store, base_iri=BASE).ingest_paths([path])
    client = create_app({"TESTING": True, "KG_STORE_OBJECT": store,
                         "KG": {"store": "memory", "base_iri": BASE}}).test_client()
    pages = ["/", "/search?q=12/KH-UBND"]
    source = store.graphs()
    pages += ["/id/" + g[len(BASE):] for g in source if g.startswith(BASE)]
    shown = 0
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert "<img src=x" not in html and "<script>alert" not in html, page
        assert "<b>Trần" not in html, page
        shown += "&lt;img src=x" in html
    assert shown, "the hostile file name was shown nowhere: nothing was tested"
