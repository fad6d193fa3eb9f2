"""`kg bench --quick` runs end to end on a tiny size and gives every row (no speed asserts)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.bench import Config, Report, Row, run, table
from kg.bench.machine import percentile, server_ms
from kg.bench.rdflib_store import RdflibStore
from kg.cli import main
from tests.conftest import shared_dir


def test_percentile_is_nearest_rank():
    xs = [float(i) for i in range(1, 101)]
    assert percentile(xs, 99) == 99.0
    assert percentile(xs, 50) == 50.0
    assert percentile([3.0], 99) == 3.0


def test_server_time_is_read_from_the_server_timing_header():
    assert server_ms("db;dur=2, app;dur=12.5;desc=\"page\"") == 12.5
    assert server_ms("app;desc=x") is None and server_ms(None) is None
    assert server_ms("app;dur=oops") is None


def test_rdflib_baseline_store_answers_like_a_store():
    from rdflib import Literal, URIRef

    s = RdflibStore()
    g, a, p = URIRef("urn:g"), URIRef("urn:a"), URIRef("urn:p")
    s.replace_graph(g, [(a, p, Literal("Hà Nội", lang="vi"))])
    s.replace_graph(g, [(a, p, Literal("Long Biên", lang="vi"))])
    rows = s.select("SELECT ?o WHERE { ?s <urn:p> ?o }")
    assert [str(r["o"]) for r in rows] == ["Long Biên"]
    assert s.count() == 1


def test_table_lists_every_row_and_marks_missing_parts():
    r = Report({"cpu": "x", "nproc": 2, "memory_gb": 1, "python": "3", "pyoxigraph": "0",
                "rdflib": "7"}, {}, "now")
    r.rows = [Row("a", "speed", value=12.5, unit="MB/s", bar="≥ 5", verdict="meets"),
              Row("b", "trace", verdict="not available", note="kg.analytics missing")]
    text = table(r)
    assert "| a | speed |" in text and "12.5 MB/s" in text
    assert "not available: kg.analytics missing" in text


@pytest.mark.slow
def test_bench_quick_runs_end_to_end_on_a_tiny_size(tmp_path: Path):
    gazette = shared_dir() / "data" / "vn-legal" / "congbao-8chude" / "docs"
    if not gazette.exists():
        pytest.skip("the gazette texts are not beside the repository")
    cfg = Config.quick_config(sizes=[150], repeats=1, mix_seconds=0.5, extract_files=3,
                              ingest_gazette_files=3, ingest_docs=20, page_repeats=1,
                              cold_starts=1, gazette=gazette, concurrency=(1, 2),
                              work=tmp_path, analytics_budget=5.0)
    report = run(cfg, log=lambda s: None)
    parts = {r.part for r in report.rows}
    assert {"extraction", "ingest", "data", "bulk import", "disk", "analytics", "serve",
            "pages", "sparql", "memory"} <= parts
    measures = " ".join(r.measure for r in report.rows)
    for expected in ("throughput, gazette texts", "ingest read → store, gazette texts",
                     "ingest read → store, generated texts", "store writes alone", "kg import",
                     "kg catalog", "trace down", "trace up", "applies to", "trace down (national "
                     "root), store alone", "trace down (national root), asked again",
                     "cold start", "home page",
                     "document page", "document (most cited) page",
                     "print view (most cited) page", "body page", "search page",
                     "search (broad words) page",
                     "mix, 1 clients, kg serve",
                     "mix, 2 clients, kg serve", "answer cache off", "peak RSS of `kg serve`"):
        assert expected in measures, expected
    assert all(r.verdict for r in report.rows)
    pages = [r for r in report.rows if r.part == "pages" and r.measure.endswith("page")]
    assert pages and all(r.note.startswith("server time") for r in pages)   # Server-Timing read
    assert json.loads(json.dumps(report.to_json()))["rows"]


def test_a_size_that_does_not_fit_the_disk_is_reported_not_attempted(tmp_path: Path,
                                                                     monkeypatch):
    """1M needs more disk than this machine has: one row saying so, at once, rather than
    a full disk an hour in (the 1M import of session 7)."""
    import shutil
    from collections import namedtuple

    import kg.bench.parts as parts

    usage = namedtuple("usage", "total used free")
    free = parts.disk_needed(1_000_000) // 2
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**13, 10**13 - free, free))
    monkeypatch.setattr("kg.generate.generate",
                        lambda *a, **k: pytest.fail("generated a corpus that cannot fit"))
    cfg = Config.quick_config(sizes=[1_000_000], work=tmp_path)
    rows = parts.at_size(cfg, tmp_path, lambda s: None, size=1_000_000)
    assert len(rows) == 1 and rows[0].verdict == "not available"
    assert "GB of disk" in rows[0].note and "GB free" in rows[0].note
    assert parts.disk_needed(1_000_000) > 100 * 2**30 > parts.disk_needed(100_000)


def test_bench_command_rejects_bad_sizes():
    result = CliRunner().invoke(main, ["bench", "--sizes", "ten"])
    assert result.exit_code != 0
    assert "sizes" in result.output
