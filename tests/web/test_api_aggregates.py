"""Whole-store aggregates of the JSON API (/api/stats, /api/sources): many clients asking
at once cost one computation, and a change in the store is never answered from before."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from kg.ingest import Pipeline
from kg.query import Queries
from tests.web.conftest import BASE


def test_aggregates_are_computed_once_per_state_of_the_store(web_app, web_store, monkeypatch,
                                                             tmp_path):
    calls = []
    real = Queries.stats

    def slow_stats(self):  # noqa: ANN001, ANN202
        calls.append(1)
        time.sleep(0.3)          # long enough for the other requests to arrive meanwhile
        return real(self)

    monkeypatch.setattr(Queries, "stats", slow_stats)
    web_app.test_client().get("/")                       # the catalog is built and current
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: web_app.test_client().get("/api/stats").get_json(),
                                range(8)))
    assert len(calls) == 1, calls
    assert all(a == answers[0] for a in answers) and answers[0]["documents"] >= 4
    sources = web_app.test_client().get("/api/sources").get_json()["sources"]

    new = tmp_path / "moi.txt"
    new.write_text("Ủy ban nhân dân phường Ngọc Lâm ban hành Kế hoạch số 77/KH-UBND ngày "
                   "02/3/2022 thực hiện Nghị quyết số 97/2019/QH14.\n", encoding="utf-8")
    assert not Pipeline(web_store, base_iri=BASE).ingest_paths([new]).failed
    after = web_app.test_client().get("/api/stats").get_json()
    assert after["documents"] > answers[0]["documents"] and len(calls) == 2
    again = web_app.test_client().get("/api/sources").get_json()["sources"]
    assert len(again) == len(sources) + 1
