"""What every analysis shares: documents gathered from query rows, lags, finding a node."""
from __future__ import annotations

import contextlib
import gc
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from kg.analytics import queries as q
from kg.errors import InputError, NotFound
from kg.extract.tables import LEVEL_LABELS, level_rank
from kg.ns import DOCTYPE
from kg.query import id_key, iri
from kg.store.base import Store

_DOCTYPE = str(DOCTYPE)
T = TypeVar("T")


_PAUSE_LOCK = threading.Lock()
_pauses = 0           # threads inside `gc_paused`
_resume = False       # whether the collector was on when the first of them came in


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large answer is built: a trace of thousands
    of documents makes ~100,000 dicts and lists, none of them garbage, and the collector
    walked them again and again as they aged (a tenth of a 7,847-document trace even
    with start-up's objects frozen, `kg.runtime.settle`). Collection resumes when the
    last thread leaves, unless it was off before."""
    global _pauses, _resume
    with _PAUSE_LOCK:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()


def level_label(level: str) -> dict[str, str]:
    vi, en = LEVEL_LABELS.get(level, ("Chưa rõ cấp", "Level not known"))
    return {"vi": vi, "en": en}


def to_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def lag_days(later: str | None, earlier: str | None) -> int | None:
    """Days from `earlier` to `later` (ISO dates), None when either is unknown."""
    a, b = to_date(later), to_date(earlier)
    return (a - b).days if a and b else None


def collect_docs(store: Store, facts: list[tuple[str, str, Any]],
                 nodes: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """Facts `(document, column, value)` → one record per document, issuers described
    (their label and level asked of the store); each of `nodes` gets a record even with no
    fact (a document known by its IRI only). See `records`."""
    found = _gather(facts, nodes)
    issuers = {i for f in found.values() for i in f.get("issuer", ())}
    return _records(found, q.body_facts(store, issuers, ("label", "level")))


def records(facts: list[tuple[str, str, Any]], bodies: Iterable[dict[str, Any]],
            nodes: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """`collect_docs` with the issuers' rows (`queries.body_facts`, label and level) given.

    Several sources may give several dates: the earliest is kept and the others listed.
    A document's level is the most central of its issuers' levels.
    """
    return _records(_gather(facts, nodes), bodies)


def documents(store: Store, nodes: Iterable[str], *, every: bool = False
              ) -> dict[str, dict[str, Any]]:
    """The records (`records`) of documents `nodes`, in that order: those the store's
    projection keeps when it is current, else built from the store's facts. With `every`,
    a node with no fact gets a record too (a document known by its IRI only)."""
    nodes = list(dict.fromkeys(nodes))
    kept = store.projection.records(nodes) if store.projection is not None else None
    if kept is None:
        found = collect_docs(store, q.doc_facts(store, nodes), nodes if every else ())
        return _in_order(found, nodes, every)
    return _in_order(kept, nodes, every)


def closure_documents(store: Store, start: str, rels: Sequence[str], *, direction: str,
                      limit: int | None = None
                      ) -> tuple[list[str], list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
    """`queries.closure` from `start` (up to `limit`), with the records of the documents
    reached (every one, as `documents(..., every=True)`): from the projection in one walk
    when current."""
    start = iri(start)
    kept = store.projection.closure([start], rels, direction, with_records=True,
                                    limit=limit) if store.projection is not None else None
    if kept is None:
        order, edges = q.closure(store, start, rels, direction=direction, limit=limit)
        return order, edges, documents(store, order, every=True)
    order, edges, found = kept
    return order, edges, _in_order(found, order, every=True)


def kept(store: Store, key: Any, compute: Callable[[], T], *,
         size: Callable[[T], int] | None = None) -> T:
    """`compute()`, or its answer kept by the store's projection while nothing changed
    (`Catalog.kept`: a fresh copy each time, or with `size` the one answer, shared)."""
    if store.projection is None:
        return compute()
    return store.projection.kept(key, compute, size=size)  # type: ignore[no-any-return]


def _in_order(found: dict[str, dict[str, Any]], nodes: list[str], every: bool
              ) -> dict[str, dict[str, Any]]:
    """The records of `nodes` in that order; with `every`, an empty one (a document
    known by its IRI only) for each that has none."""
    if every:
        found.update(records([], (), [n for n in nodes if n not in found]))
    return {n: found[n] for n in nodes if n in found}


def pack_record(d: dict[str, Any]) -> str:
    """A record (`records`) as compact JSON, for a projection to keep (`unpack_records`)."""
    return json.dumps([d["id"], d["label"], d["date"], d["count"], d["type"], d["status"],
                       [[i["iri"], i["label"], i["level"]] for i in d["issuers"]], d["level"],
                       d.get("other_dates")], ensure_ascii=False, separators=(",", ":"))


def unpack_records(packed: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The records that `pack_record` packed, by node, from `(node, text)` pairs: the texts
    decoded as one JSON array (one call instead of one per record: a third of the time)."""
    packed = list(packed)
    if not packed:
        return {}
    out: dict[str, dict[str, Any]] = {}
    texts = json.loads("[" + ",".join(text for _, text in packed) + "]")
    for (node, _), (ident, label, date_, count, type_, status, issuers, level, other) \
            in zip(packed, texts, strict=True):
        d = out[node] = {
            "iri": node, "id": ident, "label": label, "date": date_, "count": count,
            "type": type_, "status": status,
            "issuers": [{"iri": i, "label": lb, "level": lv} for i, lb, lv in issuers],
            "level": level}
        if other:
            d["other_dates"] = other
        d["is_set"] = ident is None
    return out


def _gather(facts: list[tuple[str, str, Any]], nodes: Iterable[str]
            ) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for n in nodes:
        found.setdefault(n, {})
    for n, k, v in facts:
        f = found.get(n)
        if f is None:
            f = found[n] = {}
        if k == "date":
            f.setdefault("date", set()).add(str(v)[:10])
        elif k == "issuer":
            f.setdefault("issuer", {})[v] = None     # ordered, no repeats
        elif k not in f:
            f[k] = v
    return found


def _records(found: dict[str, dict[str, Any]], body_rows: Iterable[dict[str, Any]]
             ) -> dict[str, dict[str, Any]]:
    bodies: dict[str, dict[str, Any]] = {}
    for r in body_rows:
        bodies.setdefault(r["b"], {"label": r.get("label"), "level": q.level_key(r.get("level"))})
    docs: dict[str, dict[str, Any]] = {}
    for n, f in found.items():
        dates = sorted(f.get("date", ()))
        issuers = [{"iri": i, **bodies.get(i, {"label": None, "level": None})}
                   for i in f.get("issuer", ())]
        issuers.sort(key=lambda i: (level_rank(i["level"]), i["label"] or i["iri"]))
        levels = [i["level"] for i in issuers if i["level"]]
        dtype = f.get("dtype")
        d = docs[n] = {"iri": n, "id": f.get("id"), "label": f.get("label"),
                       "date": dates[0] if dates else None, "count": f.get("count"),
                       "type": str(dtype).removeprefix(_DOCTYPE) if dtype else None,
                       "status": f.get("status"), "issuers": issuers,
                       "level": min(levels, key=level_rank) if levels else None}
        if len(dates) > 1:
            d["other_dates"] = dates[1:]
        d["is_set"] = d["id"] is None
    return docs


def doc_sort_key(d: dict[str, Any]) -> tuple:
    return (d.get("date") or "9999", d.get("label") or "", d["iri"])


def exists(store: Store, node: str) -> bool:
    return store.ask(q.P + f"ASK {{ <{iri(node)}> ?p ?o }}")


def _looks_like_iri(ref: str) -> bool:
    return ref.startswith(("http://", "https://", "urn:"))


def resolve_document(store: Store, ref: str) -> str:
    """The IRI of the document `ref` names: an IRI, or a number ("97/2019/QH14").

    A number shared by documents of several issuers is an error that lists them, so
    that the caller picks one by IRI.
    """
    ref = ref.strip()
    if not ref:
        raise InputError("no document given")
    if _looks_like_iri(ref):
        if not exists(store, ref):
            raise NotFound(f"no document {ref}")
        return iri(ref)
    rows = q.find_by_id(store, ref)
    if not rows:
        # Spelling-insensitive fallback ("nq 97/2019/qh14"): compares every number, so
        # it is only tried when the exact number is not there.
        rows = [r for r in q.select(store, """
            SELECT ?d ?id ?label ?date ?issuer ?ilabel WHERE { ?d eli:id_local ?id
              OPTIONAL { ?d rdfs:label ?label } OPTIONAL { ?d eli:date_document ?date }
              OPTIONAL { ?d eli:passed_by ?issuer OPTIONAL { ?issuer skos:prefLabel ?ilabel } }
            }""") if id_key(r["id"]) == id_key(ref)]
    found = sorted({r["d"] for r in rows})
    if not found:
        raise NotFound(f"no document numbered {ref}")
    if len(found) > 1:
        who = {r["d"]: r.get("ilabel") or "issuer unknown" for r in rows}
        listing = "; ".join(f"{d} ({who[d]})" for d in found)
        raise InputError(f"{ref} names {len(found)} documents, give one IRI: {listing}")
    return found[0]


def resolve_body(store: Store, ref: str) -> str:
    """The IRI of the body `ref` names: an IRI, or its name ("UBND phường Đức Giang")."""
    from rdflib import Literal

    ref = ref.strip()
    if not ref:
        raise InputError("no body given")
    if _looks_like_iri(ref):
        if not exists(store, ref):
            raise NotFound(f"no body {ref}")
        return iri(ref)
    rows = q.select(store, f"""
        SELECT DISTINCT ?b ?label WHERE {{ ?b a kg:Body ; skos:prefLabel ?label
          FILTER(LCASE(STR(?label)) = LCASE({Literal(ref).n3()})) }}""")
    if not rows:
        # a key as the extractor writes it ("ubnd/phuong-duc-giang")
        rows = q.select(store, f"""
            SELECT DISTINCT ?b ?label WHERE {{ ?b a kg:Body ; skos:prefLabel ?label
              FILTER(STRENDS(STR(?b), {Literal("/body/" + ref).n3()})) }}""")
    found = sorted({r["b"] for r in rows})
    if not found:
        raise NotFound(f"no body named {ref}")
    if len(found) > 1:
        raise InputError(f"{ref} names {len(found)} bodies, give one IRI: {'; '.join(found)}")
    return found[0]


def resolve_node(store: Store, ref: str) -> str:
    """A document or a body, by IRI, number or name."""
    try:
        return resolve_document(store, ref)
    except NotFound:
        return resolve_body(store, ref)


def public(d: dict[str, Any], *keys: str) -> dict[str, Any]:
    """A document record without bookkeeping keys, for JSON."""
    return {k: v for k, v in d.items() if not k.startswith("_") and (not keys or k in keys)}
