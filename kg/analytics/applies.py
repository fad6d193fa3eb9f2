"""What binds a body, what it has not acted on yet, and who has acted on a resolution.

A document binds a body when it is issued by a body above it in the org:subOrganizationOf
hierarchy (or by that body's standing organ), by another body of its own unit (the
ward's Party committee binds the ward's UBND) or by the bodies above those, and, through
chains, when such a document implements, details, guides or is based on it. A body has
acted on a document when one of its own documents reaches it along those relations.
"""
from __future__ import annotations

from typing import Any

from kg.analytics import queries as q
from kg.analytics.common import doc_sort_key, documents, exists, level_label, public
from kg.errors import NotFound
from kg.extract.tables import level_rank
from kg.query import iri
from kg.store.base import Store


def _body_exists(store: Store, body: str) -> None:
    if not exists(store, body):
        raise NotFound(f"no body {body}")


def acted_on(store: Store, body: str) -> dict[str, list[str]]:
    """Documents the body's own documents reach (directly or down a chain) → which of its own."""
    mine = [r["d"] for r in q.issued_by(store, [body])]
    acted: dict[str, set[str]] = {}
    for r in q.upstream_of(store, mine, q.DOWN_RELATIONS):
        acted.setdefault(r["up"], set()).add(r["d"])
    return {d: sorted(v) for d, v in acted.items()}


def applies_to(store: Store, body: str) -> dict[str, Any]:
    """The documents that bind `body`, each with why, through which issuer and its status.

    Each document carries `why` ("above": issued above the body; "level": issued by a
    body of its own unit or above that; "chain": reached from such a document),
    `via` (the binding issuer or the binding document the chain starts from),
    `status` (kg:validityStatus when known), `acted` and `acted_by` (the body's own
    documents that reach it).
    """
    body = iri(body)
    _body_exists(store, body)
    issuers = q.binding_issuers(store, body)
    why_issuer: dict[str, str] = {}
    for r in issuers:
        # "above" is the stronger reason when an issuer is reached both ways
        if why_issuer.get(r["issuer"]) != "above":
            why_issuer[r["issuer"]] = r["why"]
    direct: dict[str, dict[str, Any]] = {}
    for r in q.issued_by(store, why_issuer):
        reason = why_issuer[r["issuer"]]
        cur = direct.get(r["d"])
        if cur is None or (reason == "above" and cur["why"] != "above"):
            direct[r["d"]] = {"why": reason, "via": [r["issuer"]]}
        elif r["issuer"] not in cur["via"]:
            cur["via"].append(r["issuer"])
    chained: dict[str, list[str]] = {}
    for r in q.upstream_of(store, direct, q.DOWN_RELATIONS):
        if r["up"] not in direct:
            chained.setdefault(r["up"], []).append(r["d"])
    # the body's own documents never bind it, even when a chain comes back to them
    own = {r["d"] for r in q.issued_by(store, [body])}
    acted = acted_on(store, body)
    docs = documents(store, [*direct, *chained])
    out = []
    for d in docs.values():
        if d["iri"] in own:
            continue
        rec = public(d)
        if d["iri"] in direct:
            rec.update(why=direct[d["iri"]]["why"], via=sorted(direct[d["iri"]]["via"]))
        else:
            rec.update(why="chain", via=sorted(chained[d["iri"]]))
        rec["acted_by"] = acted.get(d["iri"], [])
        rec["acted"] = bool(rec["acted_by"])
        out.append(rec)
    out.sort(key=lambda r: (level_rank(r["level"]), doc_sort_key(r)))
    return {"body": body, "documents": out,
            "counts": {"binding": len(out), "acted": sum(r["acted"] for r in out),
                       "gaps": sum(not r["acted"] for r in out)}}


def gaps(store: Store, body: str) -> dict[str, Any]:
    """The documents that bind `body` and that no document of the body implements yet."""
    applied = applies_to(store, body)
    missing = [d for d in applied["documents"] if not d["acted"]]
    return {"body": applied["body"], "documents": missing, "count": len(missing),
            "binding": applied["counts"]["binding"]}


def coverage(store: Store, doc: str, *, scope: str = "cascade") -> dict[str, Any]:
    """Which bodies at each level have acted on `doc` (issued a document of its trace down).

    The bodies expected to act are, with `scope="cascade"`, those directly below a body
    that acted (the committee whose standing organ acted counts as having acted), and
    with `scope="all"`, every body the graph knows at the levels below the issuer's.
    """
    from kg.analytics.trace import trace_down

    if scope not in ("cascade", "all"):
        raise ValueError(f"scope must be cascade or all, not {scope!r}")
    tr = trace_down(store, doc)
    root = tr["root"]
    actors: dict[str, list[str]] = {}
    for n in tr["nodes"].values():
        if n["iri"] == root:
            continue
        for i in n["issuers"]:
            actors.setdefault(i["iri"], []).append(n["iri"])
    root_issuers = {i["iri"] for i in tr["nodes"][root]["issuers"]}
    facts = {r["b"]: r for r in q.body_facts(store, [*actors, *root_issuers])}
    acted = set(actors)
    # a standing organ (Ban Thường vụ) acts for its committee; the parents' facts read at
    # once (one query per acting body took 4 s for a national resolution's 2,000)
    parents = {f["parent"] for b in actors if (f := facts.get(b)) and f.get("parent")}
    parent_facts = {r["b"]: r for r in q.body_facts(store, sorted(parents))}
    for b in list(actors):
        f = facts.get(b, {})
        par = f.get("parent")
        if par:
            pf = parent_facts.get(par, {})
            if pf.get("level") == f.get("level") and pf.get("place") == f.get("place") \
                    and f.get("place"):
                acted.add(par)
                actors.setdefault(par, []).extend(actors[b])
                facts[par] = pf
    root_level = tr["nodes"][root]["level"]
    if scope == "cascade":
        candidates = q.children_of(store, acted | root_issuers)
        expected = {r["b"]: r for r in candidates
                    if level_rank(q.level_key(r.get("level"))) >
                    level_rank(q.level_key(facts.get(r["parent"], {}).get("level")))}
    else:
        expected = {r["b"]: r for r in q.bodies_by_level(store)
                    if level_rank(q.level_key(r.get("level"))) > level_rank(root_level)}
    facts.update({b: r for b, r in expected.items() if b not in facts})
    levels: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for b in acted | set(expected):
        if b in root_issuers:
            continue
        f = facts.get(b, {})
        level = q.level_key(f.get("level")) or "unknown"
        entry = {"body": b, "label": f.get("label"), "place": f.get("place"),
                 "documents": sorted(set(actors.get(b, [])))}
        key = "acted" if b in acted else "not_acted"
        levels.setdefault(level, {"acted": [], "not_acted": []})[key].append(entry)
    out = []
    for level in sorted(levels, key=level_rank):
        g = levels[level]
        for k in g:
            g[k].sort(key=lambda e: (e["label"] or "", e["body"]))
        out.append({"level": level, "label": level_label(level), **g})
    return {"document": root, "scope": scope, "issuers": sorted(root_issuers), "levels": out}
