"""The Store interface behaves the same on every backend: embedded (memory, disk) and Virtuoso."""
from __future__ import annotations

import io
import threading

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from kg.store.base import Store

EX = "https://example.org/"
G1, G2, G3 = URIRef(EX + "source/one"), URIRef(EX + "source/two"), URIRef(EX + "source/ba")
DOC = URIRef(EX + "doc/97-2019-QH14")


def u(name: str) -> URIRef:
    return URIRef(EX + name)


def dataset() -> dict[URIRef, list[tuple]]:
    """Three sources; one fact (DOC's label) is stated by two of them."""
    shared = (DOC, RDFS.label, Literal("Nghị quyết 97/2019/QH14", lang="vi"))
    return {
        G1: [shared,
             (DOC, u("date"), Literal("2019-11-27", datatype=XSD.date)),
             (u("src/one"), u("text"), Literal('Dòng một\n"trích dẫn" \\ tab\t end')),
             (u("src/one"), u("count"), Literal(4)),
             (u("body/qh"), RDFS.label, Literal("Quốc hội", lang="vi"))],
        G2: [shared,
             (u("doc/171-KH-TU"), u("implements"), DOC),
             (u("doc/171-KH-TU"), u("date"), Literal("2019-12-31", datatype=XSD.date)),
             (u("doc/171-KH-TU"), RDFS.label, Literal("Kế hoạch 171-KH/TU"))],
        G3: [(u("doc/03-TT-QU"), u("implements"), u("doc/171-KH-TU")),
             (u("doc/03-TT-QU"), u("score"), Literal("0.75", datatype=XSD.decimal)),
             (u("doc/03-TT-QU"), RDFS.label, Literal("Thông tri 03-TT/QU", lang="vi"))],
    }


def fill(store: Store) -> dict[URIRef, list[tuple]]:
    data = dataset()
    for g, triples in data.items():
        store.replace_graph(g, triples)
    return data


def quads(store: Store) -> set[tuple]:
    return {(s, p, o, URIRef(g)) for g in store.graphs() for s, p, o in
            store.iter_graph(URIRef(g))}


def expected_quads(data: dict[URIRef, list[tuple]]) -> set[tuple]:
    return {(s, p, o, g) for g, triples in data.items() for s, p, o in triples}


def test_replace_graph_holds_exactly_the_new_triples(any_store: Store) -> None:
    fill(any_store)
    new = [(DOC, RDFS.label, Literal("Nghị quyết 97", lang="vi")),
           (DOC, u("new"), Literal("mới"))]
    any_store.replace_graph(G1, new)
    assert {t for t in any_store.iter_graph(G1)} == set(new)
    assert any_store.count(G1) == 2
    data = dataset()
    data[G1] = new
    assert quads(any_store) == expected_quads(data)


def test_remove_source_keeps_facts_other_sources_state(any_store: Store) -> None:
    data = fill(any_store)
    label = data[G1][0]
    any_store.remove_graph(G1)
    assert str(G1) not in any_store.graphs()
    # Stated by G2 too: still there. Stated by G1 only: gone.
    assert any_store.ask(f"ASK {{ <{DOC}> <{RDFS.label}> {label[2].n3()} }}")
    assert not any_store.ask(f"ASK {{ <{DOC}> <{EX}date> ?d }}")
    assert any_store.count() == len(data[G2]) + len(data[G3])
    del data[G1]
    assert quads(any_store) == expected_quads(data)


def test_graphs_and_count_list_only_the_sources(any_store: Store) -> None:
    data = fill(any_store)
    assert any_store.graphs() == sorted(str(g) for g in data)
    assert any_store.count() == sum(len(t) for t in data.values())
    assert any_store.count(G3) == len(data[G3])


def test_select_gives_the_same_terms_on_every_backend(any_store: Store) -> None:
    fill(any_store)
    reference = fill_memory()
    # DISTINCT: the embedded store's default graph is the merge (a set); a remote server's
    # is its own (Virtuoso ranges over every graph and repeats a triple once per graph)
    q = ("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"" + EX +
         "\")) } ORDER BY ?s ?p ?o")
    assert sorted(map(_row, any_store.select(q))) == sorted(map(_row, reference.select(q)))
    agg = ("SELECT ?doc (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?doc ?p ?o } "
           f"FILTER(STRSTARTS(STR(?doc), \"{EX}\")) }} GROUP BY ?doc ORDER BY ?doc")
    assert any_store.select(agg) == reference.select(agg)
    c = f"CONSTRUCT {{ <{DOC}> ?p ?o }} WHERE {{ <{DOC}> ?p ?o }}"
    assert set(any_store.construct(c)) == set(reference.construct(c))


def fill_memory() -> Store:
    from kg.store import open_store

    s = open_store("memory")
    fill(s)
    return s


def _row(row: dict) -> tuple:
    return tuple(sorted((k, v.n3()) for k, v in row.items()))


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_export_import_round_trip_is_isomorphic(any_store: Store, fmt: str) -> None:
    data = fill(any_store)
    out = io.BytesIO()
    any_store.dump(out, fmt)
    for g in list(data):
        any_store.remove_graph(g)
    assert any_store.count() == 0
    any_store.load(io.BytesIO(out.getvalue()), fmt)
    assert quads(any_store) == expected_quads(data)
    # The dump itself holds the data, read back by a parser of its own.
    import pyoxigraph as ox

    from kg.store.oxigraph import to_rdflib

    parsed = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS if fmt == "nq"
                           else ox.RdfFormat.TRIG))
    assert {tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
            for q in parsed if isinstance(q.graph_name, ox.NamedNode)} == expected_quads(data)
    # An embedded store's dump also carries the merge, as the default graph.
    merged = {tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object))
              for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)}
    assert merged in (set(), {(s, p, o) for s, p, o, _ in expected_quads(data)})


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_one_graph_export_import_round_trip(any_store: Store, fmt: str) -> None:
    data = fill(any_store)
    out = io.BytesIO()
    any_store.dump(out, fmt, G1)
    copy = URIRef(EX + "source/copy")
    any_store.load(io.BytesIO(out.getvalue()), fmt, copy)
    assert set(any_store.iter_graph(copy)) == set(data[G1])


def test_dump_of_one_graph_format_needs_a_graph(any_store: Store) -> None:
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="one graph"):
        any_store.dump(io.BytesIO(), "ttl")


def test_import_of_a_broken_dump_is_a_store_error(any_store: Store) -> None:
    from kg.errors import StoreError

    with pytest.raises(StoreError, match="does not parse"):
        any_store.load(io.BytesIO(b"<a> <b> this is not n-quads .\n"), "nq")


def test_originals_are_kept_by_content_hash(any_store: Store) -> None:
    import hashlib

    data = "Nghị quyết 97/2019/QH14".encode()
    sha = hashlib.sha256(data).hexdigest()
    assert any_store.get_original(sha) is None
    any_store.put_original(sha, data)
    any_store.put_original(sha, data)
    assert any_store.get_original(sha) == data


def test_cross_backend_dump_loads_into_the_embedded_store(remote_store: Store) -> None:
    from kg.store import open_store

    data = fill(remote_store)
    out = io.BytesIO()
    remote_store.dump(out, "nq")
    local = open_store("memory")
    local.load(io.BytesIO(out.getvalue()), "nq")
    assert quads(local) == expected_quads(data)


def test_readers_never_see_half_a_replaced_graph(concurrent_store: Store) -> None:
    """Replace a graph over and over while readers count its versions: one version only."""
    any_store = concurrent_store
    n = 5000  # three INSERT DATA chunks on Virtuoso
    g = URIRef(EX + "source/big")

    def version(v: str) -> list[tuple]:
        return [(u(f"s{i}"), u("v"), Literal(v)) for i in range(n)]

    any_store.replace_graph(g, version("A"))
    seen: list[dict] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        q = f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} GROUP BY ?o"
        try:
            while not stop.is_set():
                seen.append({str(r["o"]): int(r["n"]) for r in any_store.select(q)})
        except BaseException as e:  # noqa: BLE001 - handed to the main thread
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(8):
            any_store.replace_graph(g, version("AB"[(i + 1) % 2]))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors, errors
    assert seen
    assert all(s in ({"A": n}, {"B": n}) for s in seen), [s for s in seen
                                                          if s not in ({"A": n}, {"B": n})][:3]


def test_plain_values_are_the_same_on_every_backend(any_store: Store) -> None:
    """`iter_values` (a fast path on the embedded store) gives what `base.value` gives of
    `select`'s rdflib terms: numbers as numbers, dateTimes in Python's ISO form, odd
    lexical forms as rdflib normalizes them."""
    from kg.store.base import value

    odd = [Literal("2026-11-26T18:12:24.355845Z", datatype=XSD.dateTime),
           Literal("2019-11-27", datatype=XSD.date), Literal("007", datatype=XSD.integer),
           Literal("-3", datatype=XSD.int), Literal("1.50", datatype=XSD.decimal),
           Literal("2.5E0", datatype=XSD.double), Literal("true", datatype=XSD.boolean),
           Literal("chữ", lang="vi"), Literal("plain"),
           u("an/iri")]
    any_store.replace_graph(G1, [(u(f"s{i}"), u("p"), o) for i, o in enumerate(odd)])
    query = f"SELECT ?s ?o ?none WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?none }} }}"
    expected = {str(r["s"]): {k: value(v) for k, v in r.items()}
                for r in any_store.select(query)}
    got = {r["s"]: r for r in any_store.iter_values(query)}
    assert got == expected and len(got) == len(odd)
    for s, row in got.items():
        assert type(row["o"]) is type(expected[s]["o"]), row
    assert isinstance(got[EX + "s2"]["o"], int) and got[EX + "s2"]["o"] == 7
    assert got[EX + "s0"]["o"].endswith("+00:00")       # what the pages have always shown
