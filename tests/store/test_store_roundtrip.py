"""Re-ingest, remove and export → import leave the store as it was, on every backend."""
from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rdflib import URIRef

from kg.store import open_store
from kg.store.base import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
BASE = "https://w3id.org/vnkg/id/"
WHEN = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)


def pipeline(store: Store):  # noqa: ANN201
    from kg.ingest import Pipeline

    return Pipeline(store, base_iri=BASE, clock=lambda: WHEN)


def quads(store: Store) -> set[tuple]:
    return {(s, p, o, g) for g in store.graphs() for s, p, o in store.iter_graph(URIRef(g))}


def test_reingest_and_remove_round_trip(any_store: Store, tmp_path: Path) -> None:
    p = pipeline(any_store)
    assert not p.ingest_paths([SAMPLES]).failed
    before = quads(any_store)
    assert before
    # Ingesting the same texts again changes nothing.
    assert not p.ingest_paths([SAMPLES]).failed
    assert quads(any_store) == before
    # A new source, then removed: back to before.
    extra = tmp_path / "extra.txt"
    extra.write_text((SAMPLES / "02-ke-hoach-171-kh-tu.txt").read_text(encoding="utf-8")
                     + "\nGhi chú thêm.\n", encoding="utf-8")
    r = p.ingest_paths([extra])
    assert not r.failed
    assert quads(any_store) > before
    p.remove_source(r.ok[0].graph)
    assert quads(any_store) == before


def test_removing_a_source_keeps_what_other_sources_also_state(any_store: Store) -> None:
    from kg.query import Queries

    p = pipeline(any_store)
    assert not p.ingest_paths([SAMPLES]).failed
    q = Queries(any_store)
    hits = q.find_documents("97/2019/QH14")
    assert hits
    doc = hits[0]["doc"]
    stating = [str(r["g"]) for r in any_store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{doc}> ?p ?o }} }}")]
    assert len(stating) >= 2, "the samples mention 97/2019/QH14 in several texts"
    only_first = {(s, pr, o) for s, pr, o in any_store.iter_graph(URIRef(stating[0]))}
    others = {t for g in stating[1:] for t in any_store.iter_graph(URIRef(g))}
    p.remove_source(stating[0])
    left = {t for g in any_store.graphs() for t in any_store.iter_graph(URIRef(g))}
    assert others <= left                      # facts also stated elsewhere stay
    assert not (only_first - others) & left    # facts of the removed source alone go
    assert q.find_documents("97/2019/QH14")


def test_export_import_of_ingested_store_is_isomorphic(any_store: Store) -> None:
    assert not pipeline(any_store).ingest_paths([SAMPLES]).failed
    before = quads(any_store)
    for fmt in ("nq", "trig"):
        out = io.BytesIO()
        any_store.dump(out, fmt)
        fresh = open_store("memory")
        fresh.load(io.BytesIO(out.getvalue()), fmt)
        assert quads(fresh) == before, fmt


def test_backup_of_a_running_embedded_store_restores(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "kgdata"))
    assert not pipeline(store).ingest_paths([SAMPLES]).failed
    before = quads(store)
    store.backup(str(tmp_path / "backup"))       # while the store stays open
    sha = next(iter((tmp_path / "kgdata" / "originals").iterdir())).name
    store.close()
    restored = open_store(str(tmp_path / "backup"))
    try:
        assert quads(restored) == before
        assert restored.get_original(sha) is not None
    finally:
        restored.close()
