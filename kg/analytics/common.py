"""What every analysis shares: documents gathered from query rows, lags, finding a node."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from kg.analytics import queries as q
from kg.errors import InputError, NotFound
from kg.extract.tables import LEVEL_LABELS, LEVELS
from kg.ns import DOCTYPE
from kg.query import id_key, iri
from kg.store.base import Store

#: Levels from the centre down, then documents whose issuer's level is not known.
LEVEL_ORDER: tuple[str, ...] = (*LEVELS, "unknown")
_RANK = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
_DOCTYPE = str(DOCTYPE)


def level_rank(level: str | None) -> int:
    """Position of a level from the centre (central 0 … commune 3, unknown 4)."""
    return _RANK.get(level or "unknown", _RANK["unknown"])


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
    """Facts `(document, column, value)` → one record per document, issuers described;
    each of `nodes` gets a record even with no fact (a document known by its IRI only).

    Several sources may give several dates: the earliest is kept and the others listed.
    A document's level is the most central of its issuers' levels.
    """
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
    bodies: dict[str, dict[str, Any]] = {}
    for r in q.body_facts(store, {i for f in found.values() for i in f.get("issuer", ())},
                          ("label", "level")):
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
