"""The `kg` command line against a store on disk."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.conftest import SAMPLES


@pytest.fixture
def kg(tmp_path: Path):
    """Run `kg` with a fresh store folder; returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    store = str(tmp_path / "kgdata")

    def run(*args: str):
        result = runner.invoke(main, ["--store", store, *args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_ingest_then_stats_and_query(kg) -> None:
    code, out, _ = kg("ingest", str(SAMPLES))
    assert code == 0, out
    assert "ingested 3 source(s)" in out
    code, out, _ = kg("stats", "--json")
    stats = json.loads(out)
    assert stats["sources"] == 3 and stats["documents"] >= 4
    code, out, _ = kg("query", "--format", "csv",
                      "SELECT ?id WHERE { ?d eli:id_local ?id } ORDER BY ?id")
    assert code == 0
    assert "97/2019/QH14" in out.splitlines()


def test_ask_query_prints_boolean(kg) -> None:
    kg("ingest", str(SAMPLES))
    code, out, _ = kg("query", 'ASK { ?d eli:id_local "32/2021/NĐ-CP" }')
    assert (code, out.strip()) == (0, "true")


def test_extract_json_does_not_touch_the_store(kg, tmp_path: Path) -> None:
    code, out, _ = kg("extract", "--json", str(SAMPLES / "01-phuong-duc-giang-so-ket.txt"))
    assert code == 0
    doc = json.loads(out.splitlines()[0])
    assert {"97/2019/QH14", "171-KH/TU", "03-TT/QU", "32/2021/NĐ-CP"} <= \
        {d["id"] for d in doc["documents"]}
    assert not (tmp_path / "kgdata").exists()


def test_export_import_round_trip(kg, tmp_path: Path) -> None:
    kg("ingest", str(SAMPLES))
    dump = tmp_path / "dump.nq"
    assert kg("export", "--format", "nq", "-o", str(dump))[0] == 0
    import pyoxigraph as ox

    statements = {q for q in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS)
                  if isinstance(q.graph_name, ox.NamedNode)}  # the default graph is their merge
    runner = CliRunner()
    other = str(tmp_path / "other")
    result = runner.invoke(main, ["--store", other, "import", str(dump)])
    assert result.exit_code == 0, result.output
    assert f"imported {len(statements)} quads" in result.output


def test_bad_sparql_is_one_clear_line(kg) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--store", "memory", "query", "SELECT WHERE {"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_is_an_error(kg, tmp_path: Path) -> None:
    code, _, err = kg("ingest", str(tmp_path / "nope.txt"))
    assert code != 0
    assert "nope.txt" in err


def test_sources_lists_ingested_files(kg) -> None:
    kg("ingest", str(SAMPLES))
    code, out, _ = kg("sources", "--json")
    rows = json.loads(out)
    assert sorted(Path(r["locator"]).name for r in rows) == sorted(
        p.name for p in SAMPLES.glob("*.txt"))
    assert all(r["version"] and r["ingested"] for r in rows)


def test_catalog_command_builds_then_updates_beside_the_store(kg, tmp_path: Path) -> None:
    from kg.catalog import Catalog
    from kg.store import open_store

    assert kg("ingest", str(SAMPLES))[0] == 0
    code, out, _ = kg("catalog")
    assert code == 0 and "rebuilt" in out, out
    assert (tmp_path / "kgdata" / "catalog.sqlite").exists()
    code, out, _ = kg("catalog")
    assert code == 0 and "'added': 0" in out, out     # nothing new: an update, not a build
    store = open_store(str(tmp_path / "kgdata"), read_only=True)
    try:
        cat = Catalog(store)
        assert cat.ready
        assert cat.search("97/2019/QH14").hits[0]["ident"] == "97/2019/QH14"
        cat.close()
    finally:
        store.close()
