"""A chain in time order, and what changed around a document since a date."""
from __future__ import annotations

from typing import Any

from kg.analytics import queries as q
from kg.analytics.common import doc_sort_key, lag_days, to_date
from kg.errors import InputError
from kg.query import iri
from kg.store.base import Store


def timeline(store: Store, doc: str, *, up: bool = False, limit: int | None = None
             ) -> dict[str, Any]:
    """The documents of a trace (down, or `up`; its nearest `limit`, given: `complete`
    says whether that was all) and the events reviewing them, by date.

    Each entry has its lag in days from the traced document; undated ones (documents
    known only by count, most often) are listed apart under `undated`.
    """
    from kg.analytics.trace import trace

    tr = trace(store, doc, up=up, limit=limit)
    root = tr["nodes"][tr["root"]]
    entries: list[dict[str, Any]] = []
    undated: list[dict[str, Any]] = []
    for n in sorted(tr["nodes"].values(), key=doc_sort_key):
        e = {"kind": "document", "iri": n["iri"], "id": n["id"], "label": n["label"],
             "date": n["date"], "count": n["count"], "level": n["level"],
             "issuers": [i["label"] or i["iri"] for i in n["issuers"]],
             "days_from_start": lag_days(n["date"], root["date"])}
        (entries if n["date"] else undated).append(e)
    for ev in q.events_reviewing(store, tr["nodes"]):
        e = {"kind": "event", "iri": ev["ev"], "label": ev["label"], "date": ev.get("date"),
             "event_kind": ev.get("kind"), "reviews": ev["d"],
             "issuers": [ev.get("blabel") or ev.get("body")] if ev.get("body") else [],
             "days_from_start": lag_days(ev.get("date"), root["date"])}
        (entries if e["date"] else undated).append(e)
    entries.sort(key=lambda e: (str(e["date"])[:10], e["kind"], e["label"] or "", e["iri"]))
    return {"root": tr["root"], "direction": tr["direction"], "entries": entries,
            "undated": undated, "complete": tr["complete"]}


def diff(store: Store, doc: str, since: str, *, by: str = "ingested") -> dict[str, Any]:
    """Links of a document's neighbourhood (one step, both directions) new since `since`.

    `by="ingested"`: a link is new when the source stating it was extracted (its
    prov:endedAtTime) on or after `since`; a link stated by several sources counts from
    the first. `by="document"`: when the document at the other end is dated (eli:
    date_document) on or after `since`. The store keeps no history, so links removed
    since then cannot be listed.
    """
    doc = iri(doc)
    when = to_date(since)
    if when is None:
        raise InputError(f"not a date: {since!r} (use YYYY-MM-DD)")
    if by not in ("ingested", "document"):
        raise InputError(f"by must be ingested or document, not {by!r}")
    rows = q.link_times(store, doc)
    links: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        key = (r["from"], q.rel_key(r["rel"]) or "", r["to"])
        cur = links.setdefault(key, {"from": r["from"], "rel": key[1], "to": r["to"],
                                     "sources": [], "first_ingested": None})
        cur["sources"].append({"source": r["source"], "label": r.get("slabel"),
                               "quote": r.get("quote"), "ingested": r.get("ended")})
        ended = r.get("ended")
        if ended and (cur["first_ingested"] is None or ended < cur["first_ingested"]):
            cur["first_ingested"] = ended
    others = {lk["to"] if lk["from"] == doc else lk["from"] for lk in links.values()}
    dates: dict[str, str] = {}
    for d, k, v in q.doc_facts(store, others):
        if k == "date" and (d not in dates or str(v)[:10] < dates[d]):
            dates[d] = str(v)[:10]
    added, before, unknown = [], [], []
    for lk in sorted(links.values(), key=lambda x: (x["from"], x["rel"], x["to"])):
        other = lk["to"] if lk["from"] == doc else lk["from"]
        lk["other"] = other
        lk["other_date"] = dates.get(other)
        stamp = to_date(lk["first_ingested"]) if by == "ingested" else to_date(dates.get(other))
        if stamp is None:
            unknown.append(lk)
        elif stamp >= when:
            added.append(lk)
        else:
            before.append(lk)
    return {"document": doc, "since": when.isoformat(), "by": by,
            "basis": "prov:endedAtTime of the stating source" if by == "ingested"
            else "eli:date_document of the linked document",
            "added": added, "unchanged": len(before), "undated": unknown}
