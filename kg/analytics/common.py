"""What every analysis shares: documents gathered from query rows, lags, finding a node."""
from __future__ import annotations

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


def collect_docs(store: Store, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Rows of (document, facts, issuer) → one record per document, issuers described.

    Several sources may give several dates: the earliest is kept and the others listed.
    A document's level is the most central of its issuers' levels.
    """
    bodies: dict[str, dict[str, Any]] = {}
    for r in q.body_facts(store, {r["issuer"] for r in rows if r.get("issuer")}):
        bodies.setdefault(r["b"], r)
    docs: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = docs.get(r["d"])
        if d is None:
            d = docs[r["d"]] = {"iri": r["d"], "id": None, "label": None, "date": None,
                                "count": None, "type": None, "status": None,
                                "issuers": [], "level": None, "_dates": set()}
        for k in ("id", "label", "count", "status"):
            if d[k] is None and r.get(k) is not None:
                d[k] = r[k]
        if r.get("dtype") and d["type"] is None:
            d["type"] = str(r["dtype"]).removeprefix(_DOCTYPE)
        if r.get("date"):
            d["_dates"].add(str(r["date"])[:10])
        if r.get("issuer") and all(i["iri"] != r["issuer"] for i in d["issuers"]):
            b = bodies.get(r["issuer"], {})
            d["issuers"].append({"iri": r["issuer"], "label": b.get("label"),
                                 "level": q.level_key(b.get("level"))})
    for d in docs.values():
        dates = sorted(d.pop("_dates"))
        d["date"] = dates[0] if dates else None
        if len(dates) > 1:
            d["other_dates"] = dates[1:]
        levels = [i["level"] for i in d["issuers"] if i["level"]]
        d["level"] = min(levels, key=level_rank) if levels else None
        d["is_set"] = d["id"] is None
        d["issuers"].sort(key=lambda i: (level_rank(i["level"]), i["label"] or i["iri"]))
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
