"""The catalog: an incremental update gives what a build from scratch gives, lookups and
search answer from it, pages work before the first build ends."""
from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from kg.catalog import Catalog
from kg.ingest import Pipeline
from kg.search import SearchIndex
from kg.store.base import Store
from kg.store.oxigraph import OxigraphStore
from tests.conftest import BASE, SAMPLES
from tests.web.conftest import HOSTILE

QUERIES = ["97/2019/QH14", "nq 97 2019", "171 KH TU", "chinh quyen do thi", "Đức Giang",
           "ke hoach", "quyet dinh", "onerror", "uy ban nhan dan", "2021", ""]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    """Texts of a small generated corpus (documents, news) on disk."""
    from kg.generate import write_texts
    from kg.generate.corpus import generate

    folder = tmp_path_factory.mktemp("gen")
    write_texts(generate(40, 7), folder)
    return sorted(folder.rglob("*.txt"))


def answers(c: Catalog) -> dict:
    out = {}
    for q in QUERIES:
        r = c.search(q, per_page=100)
        out[q] = (r.total, [(h["node"], h["score"], h["exact"]) for h in r.hits], r.facets)
    r = c.search("", filters={"kind": "document", "level": "district"})
    out["filtered"] = (r.total, [h["node"] for h in r.hits], r.facets)
    return out


def from_scratch(store) -> Catalog:
    c = Catalog(store, check_every=0)
    c.sync()
    return c


def test_incremental_updates_equal_a_build_from_scratch(store, generated):
    pipe = Pipeline(store, base_iri=BASE)
    samples = sorted(SAMPLES.glob("*.txt"))
    pipe.ingest_paths([samples[0], *generated[:15]])
    c = Catalog(store, check_every=0)
    c.sync()
    first = c.snapshot()
    assert first["entries"] and first["edges"] and first["members"]

    # more sources
    pipe.ingest_paths([*samples[1:], *HOSTILE, *generated[15:30]])
    counts = c.update()
    assert counts["added"] > 0 and "rebuilt" not in counts
    assert c.snapshot() != first
    assert c.snapshot() == from_scratch(store).snapshot()

    # a source changed: the plan now names another number and loses its title words
    plan = samples[1]
    text = plan.read_text(encoding="utf-8").replace("171-KH/TU", "172-KH/TU")
    text = text.replace("chính quyền đô thị", "đô thị thông minh")
    before = c.search("171 KH TU").hits[0]["ident"]
    pipe.ingest_bytes(text.encode("utf-8"), name=plan.name, locator=str(plan))
    counts = c.update()
    assert counts["changed"] == 1
    assert before == "171-KH/TU"
    assert c.search("172-KH/TU").hits[0]["ident"] == "172-KH/TU"

    # sources removed: the hostile texts and some generated ones
    graphs = {s["g"] for s in (store.select(
        "SELECT ?g ?l WHERE { GRAPH ?g { ?g <https://w3id.org/vnkg/ontology#locator> ?l } }"))
        for s in [{"g": str(s["g"]), "l": str(s["l"])}] if "hostile" in s["l"]
        or any(str(p) == s["l"] for p in generated[:5])}
    assert len(graphs) == 7
    for g in graphs:
        pipe.remove_source(g)
    counts = c.update()
    assert counts["removed"] == 7
    assert c.search("onerror").total == 0

    fresh = from_scratch(store)
    assert c.snapshot() == fresh.snapshot()
    assert answers(c) == answers(fresh)
    c.close()
    fresh.close()


def cited(c: Catalog) -> dict[str, int]:
    return {n: e["cited"] for n, e in c.snapshot()["entries"].items() if e["cited"]}


def test_cited_follows_links_added_and_removed(store):
    pipe = Pipeline(store, base_iri=BASE)
    samples = sorted(SAMPLES.glob("*.txt"))
    pipe.ingest_paths([samples[1]])
    c = from_scratch(store)
    before = cited(c)
    assert before                               # the plan implements the resolution
    res = pipe.ingest_paths([samples[0], samples[2]])
    c.update()
    after = cited(c)
    assert after != before
    assert after == cited(from_scratch(store))
    law = c.search("97/2019/QH14").hits[0]["node"]
    assert after[law] == len({e.a for e in c.edges_of(law, "in")})
    for r in res.ok:
        pipe.remove_source(r.graph)
    c.update()
    assert cited(c) == before
    c.close()


def test_most_linked_follows_the_store(store):
    """The whole-graph view's answer is kept per catalog version: never from before."""
    pipe = Pipeline(store, base_iri=BASE)
    samples = sorted(SAMPLES.glob("*.txt"))
    pipe.ingest_paths([samples[1]])
    c = from_scratch(store)
    first = c.most_linked(1000)
    assert first[0] and c.most_linked(1000) == first
    res = pipe.ingest_paths([samples[0], samples[2]])
    c.update()
    grown = c.most_linked(1000)
    assert set(grown[0]) > set(first[0])
    assert grown == from_scratch(store).most_linked(1000)
    for r in res.ok:
        pipe.remove_source(r.graph)
    c.update()
    assert c.most_linked(1000) == first
    c.close()


def test_catalog_persists_beside_an_on_disk_store(disk_store):
    Pipeline(disk_store, base_iri=BASE).ingest_paths([SAMPLES])
    c = from_scratch(disk_store)
    assert c.path == Path(disk_store.path) / "catalog.sqlite"
    snap = c.snapshot()
    c.close()
    again = Catalog(disk_store)
    assert again.ready                         # no build: the file is reused
    assert again.snapshot() == snap
    again.close()



def test_a_catalog_of_the_previous_schema_is_upgraded_in_place(disk_store, monkeypatch):
    """A catalog file of schema 7 (walks over the old, non-covering edge indexes; no
    narrow index of the facet columns) is brought to this version without a rebuild, and
    walks and searches answer as before."""
    import kg.catalog
    from kg.analytics import queries as q

    Pipeline(disk_store, base_iri=BASE).ingest_paths([SAMPLES])
    c = from_scratch(disk_store)
    snap = c.snapshot()
    root = Counter(e.b for e in c.all_edges()).most_common(1)[0][0]
    walk = c.closure([root], q.DOWN_RELATIONS, "down", with_records=True)
    assert walk is not None and len(walk[0]) > 2
    monkeypatch.setattr(kg.catalog, "SCORE_CAP", 0)        # the SQL facets, on the index
    found = c.search("nghị quyết")
    assert found.total > 0
    with c.db:               # as a catalog of schema 7 left it
        c.db.execute("DROP INDEX entries_cols")
        for index in ("edges_out", "edges_in"):
            c.db.execute(f"DROP INDEX {index}")
        c.db.execute("CREATE INDEX edges_a ON edges(a)")
        c.db.execute("CREATE INDEX edges_b ON edges(b, a)")
        c.db.execute("UPDATE meta SET v = '7' WHERE k = 'schema'")
    c.close()

    monkeypatch.setattr(kg.catalog.Catalog, "build", lambda *a, **k: pytest.fail("rebuilt"))
    again = Catalog(disk_store)
    assert again.ready and again.snapshot() == snap
    names = {r[0] for r in again.db.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'edges' AND type = 'index'")}
    assert {"edges_out", "edges_in"} <= names and not names & {"edges_a", "edges_b"}
    assert again.search("nghị quyết") == found
    assert again.db.execute("SELECT v FROM meta WHERE k = 'schema'").fetchone()[0] == \
        kg.catalog.SCHEMA_VERSION
    again.refresh(wait=0)
    assert again.current()
    assert again.closure([root], q.DOWN_RELATIONS, "down", with_records=True) == walk
    again.close()

def test_an_update_touching_most_sources_rebuilds(store, generated, monkeypatch):
    """More than half the sources new (and over REBUILD_MIN): the update builds from
    scratch, in the same call (it once waited for its own lock there, forever)."""
    import kg.catalog

    monkeypatch.setattr(kg.catalog, "REBUILD_MIN", 10)
    pipe = Pipeline(store, base_iri=BASE)
    pipe.ingest_paths(generated[:3])
    c = from_scratch(store)
    pipe.ingest_paths(generated[3:])
    out: dict = {}
    t = threading.Thread(target=lambda: out.update(c.update()), daemon=True)
    t.start()
    t.join(120)
    assert not t.is_alive(), "the update hung"
    assert out.get("rebuilt") == 1
    assert c.snapshot() == from_scratch(store).snapshot()
    c.close()


def test_a_restart_on_an_unwritten_store_needs_no_look_at_it(disk_store):
    """The store's generation token, kept by the catalog at its last sync, tells a new
    process that nothing changed: the catalog is current at once, no update is run. A
    write made while no catalog was open is seen at the next start."""
    pipe = Pipeline(disk_store, base_iri=BASE)
    samples = sorted(SAMPLES.glob("*.txt"))
    pipe.ingest_paths(samples[:2])
    from_scratch(disk_store).close()

    # a read-only process (the bench's analytics, a second reader) syncing it meanwhile
    # cannot read the token: it leaves the kept one alone
    reader = OxigraphStore(str(disk_store.path), read_only=True)
    Catalog(reader, check_every=0).sync().close()
    reader.close()

    again = Catalog(disk_store, check_every=0)
    again.refresh(wait=0)
    assert again._job is None and again.current()
    again.close()

    pipe.ingest_paths(samples[2:3])              # written while no catalog is open
    later = Catalog(disk_store, check_every=0)
    later.refresh(wait=0)
    assert later._job is not None                # it looks at the store
    assert later._job.done.wait(60) and later.current()
    assert later.snapshot() == from_scratch(disk_store).snapshot()
    later.close()


def test_lookups_before_the_first_build_come_from_the_store(sample_store):
    ready = from_scratch(sample_store)
    node = ready.search("171-KH/TU").hits[0]["node"]
    body = ready.search("UBND phường Đức Giang", filters={"kind": "body"}).hits[0]["node"]
    cold = Catalog(sample_store)               # never synced
    assert not cold.ready
    assert cold.entry(node) == ready.entry(node)
    assert cold.edges_of(node, "out") == ready.edges_of(node, "out")
    assert cold.edges_of(node, "in") == ready.edges_of(node, "in")
    for what in ("parents", "children", "issued"):
        assert cold.related(body, what) == ready.related(body, what)
    res = cold.search("171-KH/TU")
    assert res.building and res.total == 0
    cold.close()
    ready.close()


def test_index_views_answer_like_mappings(sample_store):
    ix = SearchIndex(sample_store, check_every=0)
    node = ix.search("97/2019/QH14").hits[0]["node"]
    assert ix.by_node[node].ident == "97/2019/QH14"
    assert node in ix.by_node and "https://example.org/none" not in ix.by_node
    assert ix.by_node.get("https://example.org/none") is None
    assert ix.out_edges.get("https://example.org/none", ()) == ()
    assert {e.b for e in ix.in_edges[node]} == {node}
    entries = list(ix.entries)
    assert len(entries) == ix.search("", per_page=1).total
    assert sum(ix.level_counts().values()) == sum(
        1 for e in entries if e.kind == "document" and e.level)
    ix.close()


class PlainStore:
    """A store offering only the Store interface (as a remote endpoint does): no embedded
    fast paths (quad patterns, streamed solutions)."""

    def __init__(self, store) -> None:
        self._store = store
        self.location = "plain"

    def select(self, query: str):
        return self._store.select(query)

    def iter_values(self, query: str):        # the interface's own, over `select`
        return Store.iter_values(self, query)  # type: ignore[arg-type]

    def generation(self):                     # the interface's own: no token
        return Store.generation(self)  # type: ignore[arg-type]


def test_a_plain_store_gives_the_same_catalog(sample_store):
    embedded = from_scratch(sample_store)
    plain = Catalog(PlainStore(sample_store), check_every=0)
    plain.refresh(wait=60)                     # the first build is waited for
    assert plain.ready
    assert plain.snapshot() == embedded.snapshot()
    assert answers(plain) == answers(embedded)
    # a remote store is checked for changes by the worker, without holding up requests
    Pipeline(sample_store, base_iri=BASE).ingest_paths(HOSTILE)
    assert plain.search("onerror").total == 0
    plain.refresh()
    plain._job.done.wait(60)
    assert plain.search("onerror").total > 0
    assert plain.snapshot() == from_scratch(sample_store).snapshot()
    plain.close()
    embedded.close()


@pytest.mark.parametrize("walk_rows", [0, 10**9])
def test_many_matches_are_ranked_and_faceted_in_sql(sample_store, monkeypatch, walk_rows):
    """Over the scoring cap, SQL ranks (exact number, in-degree, date, label) and counts
    facets: the same totals and facets as scoring each match, and the same order where
    the scores tie (the empty query)."""
    import kg.catalog

    c = from_scratch(sample_store)
    scored = {q: c.search(q, per_page=100) for q in ("", "97/2019/QH14", "duc giang")}
    filtered = c.search("", filters={"kind": "document", "level": "district"}, per_page=100)
    body = filtered.facets["issuer"][0]["value"]
    by_issuer = c.search("", filters={"issuer": body}, per_page=100)
    monkeypatch.setattr(kg.catalog, "SCORE_CAP", 0)
    monkeypatch.setattr(kg.catalog, "WALK_ROWS", walk_rows)
    c._cache.clear()
    for q, want in scored.items():
        got = c.search(q, per_page=100)
        assert got.total == want.total, q
        assert got.facets == want.facets, q
        assert {h["node"] for h in got.hits} == {h["node"] for h in want.hits}, q
    assert [h["node"] for h in c.search("", per_page=100).hits] == \
        [h["node"] for h in scored[""].hits]
    got = c.search("97/2019/QH14", per_page=100).hits
    assert got[0]["exact"] and got[0]["ident"] == "97/2019/QH14"
    again = c.search("", filters={"kind": "document", "level": "district"}, per_page=100)
    assert (again.total, again.facets) == (filtered.total, filtered.facets)
    assert [h["node"] for h in again.hits] == [h["node"] for h in filtered.hits]
    again = c.search("", filters={"issuer": body}, per_page=100)
    assert (again.total, again.facets) == (by_issuer.total, by_issuer.facets)
    assert by_issuer.total > 0
    paged = [h["node"] for p in (1, 2, 3) for h in c.search("", page=p, per_page=3).hits]
    assert paged == [h["node"] for h in scored[""].hits[:9]]
    c.close()


def test_facets_of_very_many_matches_are_counted_on_a_sample(store, generated, monkeypatch):
    """Over FACET_EXACT matches, facets (and a filtered total) are scaled from a hashed
    sample and marked approximate; the unfiltered total and the hits stay exact."""
    import kg.catalog
    from kg.search import FACETS

    Pipeline(store, base_iri=BASE).ingest_paths(generated)
    c = from_scratch(store)
    monkeypatch.setattr(kg.catalog, "SCORE_CAP", 0)
    exact = c.search("tỉnh", per_page=100)
    assert not exact.approximate and exact.total > 30
    kind = exact.facets["type"][0]["value"]
    exact_f = c.search("tỉnh", filters={"type": kind}, per_page=100)
    issuer = exact.facets["issuer"][0]["value"]
    exact_i = c.search("tỉnh", filters={"issuer": issuer}, per_page=100)
    monkeypatch.setattr(kg.catalog, "FACET_EXACT", 5)
    monkeypatch.setattr(kg.catalog, "FACET_SAMPLE", exact.total // 2)
    c._cache.clear()
    got = c.search("tỉnh", per_page=100)
    assert got.approximate
    assert got.total == exact.total
    assert [h["node"] for h in got.hits] == [h["node"] for h in exact.hits]
    for name in FACETS:     # only values the matches have, each seen at least once
        assert {f["value"] for f in got.facets[name]} <= {f["value"] for f in exact.facets[name]}
        assert all(f["n"] >= 1 for f in got.facets[name])
    # every match has one kind: the scaled counts add up to the matches, not to the sample
    kinds = got.facets["kind"]
    assert abs(sum(f["n"] for f in kinds) - exact.total) <= len(kinds)
    got_f = c.search("tỉnh", filters={"type": kind}, per_page=100)
    assert got_f.approximate
    assert [h["node"] for h in got_f.hits] == [h["node"] for h in exact_f.hits]
    assert got_f.total >= len(got_f.hits)
    got_i = c.search("tỉnh", filters={"issuer": issuer}, per_page=100)
    assert got_i.approximate
    assert [h["node"] for h in got_i.hits] == [h["node"] for h in exact_i.hits]
    types = {f["value"] for f in exact_i.facets["type"]}
    assert {f["value"] for f in got_i.facets["type"]} <= types
    c.close()


def test_home_summary_from_the_catalog_equals_the_stores(sample_store) -> None:
    """The home page reads the catalog once built and the store before: same numbers."""
    from kg.query import Queries

    catalog = Catalog(sample_store).sync()
    try:
        got = catalog.summary()
        q = Queries(sample_store)
        stats = q.stats()
        for key in ("documents", "bodies", "sources", "links"):
            assert got["stats"][key] == stats[key], key
        assert {(r["type"], r["n"]) for r in got["stats"]["by_type"]} == \
            {(r["type"], r["n"]) for r in stats["by_type"]}
        top = q.top_documents(10)
        assert {(r["doc"], r["n"]) for r in got["top"]} == {(r["doc"], r["n"]) for r in top}
        sources = q.sources()
        assert [s["graph"] for s in got["sources"]] == [s.graph for s in sources][:10]
        assert got["last_ingest"] == max(s.ingested for s in sources)
        assert sum(got["by_level"].values()) <= stats["documents"]
        assert got["by_level"].get("central", 0) >= 1
    finally:
        catalog.close()


def test_catalogs_opened_at_once_on_one_file_build_it_once_and_whole(disk_store) -> None:
    """A server's first requests arrive on several threads; `kg catalog` may run beside a
    server: opening and building the same file at once must neither fail nor mix halves."""
    import threading

    Pipeline(disk_store, base_iri=BASE).ingest_paths([SAMPLES])
    fresh = Catalog(disk_store, disk_store.path / "fresh.sqlite").sync()
    expected = fresh.snapshot()
    fresh.close()
    for round_ in range(6):             # the window is narrow: several rounds, 6 threads
        path = disk_store.path / f"catalog-{round_}.sqlite"
        errors: list[BaseException] = []
        made: list[Catalog] = []
        start = threading.Barrier(6)

        def open_and_build(path: Path = path, errors: list = errors, made: list = made,
                           start: threading.Barrier = start) -> None:
            try:
                start.wait()
                c = Catalog(disk_store, path)
                made.append(c)
                c.catch_up()
            except BaseException as e:  # noqa: BLE001 - reported by the assertion below
                errors.append(e)

        threads = [threading.Thread(target=open_and_build) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        try:
            assert errors == [], round_
            assert len(made) == 6 and all(c.ready for c in made)
            assert made[0].snapshot() == expected
        finally:
            for c in made:
                c.close()


def test_a_failed_build_leaves_the_catalog_usable(store, monkeypatch) -> None:
    Pipeline(store, base_iri=BASE).ingest_paths([SAMPLES])
    c = Catalog(store, check_every=0)
    try:
        real = c._stamps
        monkeypatch.setattr(c, "_stamps", lambda: (_ for _ in ()).throw(OSError("store gone")))
        with pytest.raises(OSError):
            c.build()
        assert not c.ready
        monkeypatch.setattr(c, "_stamps", real)
        c.build()                        # no "transaction within a transaction"
        assert c.ready and c.search("97/2019/QH14").hits
    finally:
        c.close()


def test_the_store_fingerprint_follows_every_kind_of_write(disk_store, tmp_path):
    """The on-disk fingerprint reads the names of the table files and stats only the files
    that change in place: a write (the log), a flush or compaction (new tables, the
    manifest) and a bulk load (tables ingested) each change it; reading does not."""
    import pyoxigraph

    c = Catalog(disk_store, check_every=0)
    try:
        fp = c._fingerprint()
        assert any(name.endswith(".log") for name, _, _ in fp)
        disk_store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 5")
        assert c._fingerprint() == fp                       # reading changes nothing
        pipe = Pipeline(disk_store, base_iri=BASE)
        for sample in sorted(SAMPLES.glob("*.txt"))[:3]:
            pipe.ingest_paths([sample])
            assert c._fingerprint() != fp, sample           # a write: the log grows
            fp = c._fingerprint()
        disk_store.ox.flush()                               # memtables → table files
        disk_store.ox.optimize()                            # compaction
        assert c._fingerprint() != fp
        fp = c._fingerprint()
        dump = tmp_path / "more.nq"
        dump.write_text('<https://example.org/s> <https://example.org/p> "o" '
                        '<https://example.org/g> .\n', encoding="utf-8")
        disk_store.ox.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
        assert c._fingerprint() != fp                       # tables ingested
    finally:
        c.close()
