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


def diff(store: Store, doc: str, since: str, *, by: str = "ingested",
         limit: int | None = None) -> dict[str, Any]:
    """Links of a document's neighbourhood (one step, both directions) new since `since`.

    `by="ingested"`: a link is new when the source stating it was extracted (its
    prov:endedAtTime) on or after `since`; a link stated by several sources counts from
    the first. `by="document"`: when the document at the other end is dated (eli:
    date_document) on or after `since`. The store keeps no history, so links removed
    since then cannot be listed.

    `added` lists the newest first, `undated` those with no date to tell; with `limit`,
    only the first `limit` of each (`added_total`, `undated_total` count them all, and
    `complete` says whether they are all listed): a founding law has ~46,600 links, and
    each listed one carries its sources' quotes.
    """
    doc = iri(doc)
    when = to_date(since)
    if when is None:
        raise InputError(f"not a date: {since!r} (use YYYY-MM-DD)")
    if by not in ("ingested", "document"):
        raise InputError(f"by must be ingested or document, not {by!r}")
    links: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in q.link_stamps(store, doc):
        key = (r["from"], r["rel"] or "", r["to"])
        cur = links.get(key)
        if cur is None:
            cur = links[key] = {"from": r["from"], "rel": key[1], "to": r["to"], "links": {},
                                "other": r["to"] if r["from"] == doc else r["from"],
                                "other_date": r.get("other_date")}
        # a source ingested again has its latest time, as in the catalog (kg.catalog)
        times = (cur["links"].get(r["link"]), r.get("ended"))
        cur["links"][r["link"]] = max(filter(None, times), default=None)
    for lk in links.values():
        lk["first_ingested"] = min(filter(None, lk["links"].values()), default=None)
    stamp_of = "first_ingested" if by == "ingested" else "other_date"
    added, before, unknown = [], 0, []
    for lk in links.values():
        stamp = to_date(lk[stamp_of])
        if stamp is None:
            unknown.append(lk)
        elif stamp >= when:
            added.append(lk)
        else:
            before += 1
    unknown.sort(key=_link_order)
    added.sort(key=_link_order)
    added.sort(key=lambda x: str(x[stamp_of])[:10], reverse=True)     # newest first, stable
    listed = (added, unknown) if limit is None else (added[:limit], unknown[:limit])
    _with_sources(store, [lk for part in listed for lk in part])
    return {"document": doc, "since": when.isoformat(), "by": by,
            "basis": "prov:endedAtTime of the stating source" if by == "ingested"
            else "eli:date_document of the linked document",
            "added": listed[0], "added_total": len(added), "unchanged": before,
            "undated": listed[1], "undated_total": len(unknown),
            "complete": len(listed[0]) == len(added) and len(listed[1]) == len(unknown)}


def _link_order(lk: dict[str, Any]) -> tuple[str, str, str]:
    return lk["from"], lk["rel"], lk["to"]


def _with_sources(store: Store, links: list[dict[str, Any]]) -> None:
    """Give each listed link its `sources` (IRI, label, quote, when ingested), asked of
    the store for these links only."""
    evidence: dict[str, list[dict[str, Any]]] = {}
    for r in q.link_evidence(store, (link for lk in links for link in lk["links"])):
        evidence.setdefault(r["link"], []).append(r)
    for lk in links:
        lk["sources"] = sorted(({"source": r["source"], "label": r.get("slabel"),
                                 "quote": r.get("quote"), "ingested": ended}
                                for link, ended in lk.pop("links").items()
                                for r in evidence.get(link, ())),
                               key=lambda x: (x["ingested"] or "", x["source"], x["quote"] or ""))
