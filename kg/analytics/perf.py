"""Time the analytics and the web pages on a store: `python -m kg.analytics.perf --store DIR`.

What it measures (medians after one warm-up call, so the numbers can be reproduced):

- `trace_down` and `trace_up` of a national document with thousands of descendants, and
  `trace_up` of a deep (ward-level) document of that cascade;
- `applies_to` of a ward's body;
- the web pages (home, document, the most cited and its print view, body, search) served
  by a `kg serve` subprocess: the server's time (its Server-Timing header) of the first
  request (which builds what the server builds lazily) apart, then the median, and the
  same over loopback HTTP; and the serving process's RSS (current and peak, with its
  workers).

Targets are picked from the store unless given: the central-level document with the
largest downstream closure among the most directly implemented ones, the deepest document
of its cascade, and the ward (`phường`) body with the most documents binding it among the
wards that issued the most. The benchmark (`kg bench`) is the reference; this module is
the quick, repeatable check behind docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.analytics import queries as q
from kg.bench.machine import median, server_ms, tree_rss
from kg.bench.parts import BROAD_WORDS
from kg.ns import LEVEL
from kg.store.base import Store

GB = 2**30


def _timed(fn: Callable[[], Any], n: int, store: Store | None = None
           ) -> tuple[list[float], Any]:
    """Times of `n` calls after a warm-up; each computes, as a first request does (the
    answers `store`'s catalog kept from the call before are dropped, and the answer
    before freed first: freeing a 7,848-document trace takes ~20 ms, not the call's)."""
    out = fn()                                   # warm-up: caches, lazy imports
    times = []
    for _ in range(n):
        if store is not None and store.projection is not None:
            store.projection.forget_kept()
        out = None
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def pick_root(store: Store, *, candidates: int = 20) -> tuple[str, int]:
    """The central-level document with the largest downstream closure (of the top few)."""
    central = [r["b"] for r in q.select(store, f"""
        SELECT ?b WHERE {{ ?b kg:level <{LEVEL}central> }}""")]
    if not central:
        raise SystemExit("no central-level body in the store")
    rows = q.select(store, f"""
        SELECT ?o (COUNT(?d) AS ?n) WHERE {{ {q.values("b", central)} ?o eli:passed_by ?b .
          ?d kg:implements ?o }} GROUP BY ?o ORDER BY DESC(?n) LIMIT {int(candidates)}""")
    best = ("", -1)
    for r in rows:
        n = q.select(store, f"""SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{
            ?d ({q.rel_path(q.DOWN_RELATIONS)})+ <{r["o"]}> }}""")[0]["n"]
        if n > best[1]:
            best = (r["o"], n)
    return best


def pick_most_cited(store: Store) -> str:
    """The document most others link to (the home page's first: a founding law)."""
    rows = q.select(store, """SELECT ?d (COUNT(?l) AS ?n) WHERE { ?l kg:linkTo ?d }
        GROUP BY ?d ORDER BY DESC(?n) ?d LIMIT 1""")
    if not rows:
        raise SystemExit("no links in the store")
    return str(rows[0]["d"])


def pick_ward(store: Store, *, candidates: int = 5) -> tuple[str, int]:
    """The ward body binding the most documents, of the wards that issued the most."""
    from kg.analytics.applies import applies_to

    rows = q.select(store, f"""
        SELECT ?b (COUNT(?d) AS ?n) WHERE {{ ?b kg:level <{LEVEL}commune> .
          FILTER(CONTAINS(STR(?b), "/phuong-")) ?d eli:passed_by ?b }}
        GROUP BY ?b ORDER BY DESC(?n) LIMIT {int(candidates)}""")
    best = ("", -1)
    for r in rows:
        n = len(applies_to(store, r["b"])["documents"])
        if n > best[1]:
            best = (r["b"], n)
    return best


def analytics(store: Store, *, root: str, body: str, leaf: str | None,
              repeats: int) -> tuple[list[dict[str, Any]], str]:
    """Median times of the traces and applies-to; returns rows and the leaf used."""
    from kg.analytics import applies_to, rank, trace_down, trace_up

    rows = []
    times, down = _timed(lambda: trace_down(store, root), repeats, store)
    rows.append({"what": "trace_down (national root)", "ms": median(times) * 1000,
                 "size": len(down["nodes"]) - 1, "bar_ms": 100})
    if leaf is None:
        leaf = max(down["nodes"].values(), key=lambda n: (n["depth"] or 0, n["iri"]))["iri"]
    times, up = _timed(lambda: trace_up(store, root), repeats, store)
    rows.append({"what": "trace_up (national root)", "ms": median(times) * 1000,
                 "size": len(up["nodes"]) - 1, "bar_ms": 100})
    times, up = _timed(lambda: trace_up(store, leaf), repeats, store)
    rows.append({"what": "trace_up (deepest document of the cascade)",
                 "ms": median(times) * 1000, "size": len(up["nodes"]) - 1, "bar_ms": 100})
    times, ap = _timed(lambda: applies_to(store, body), repeats, store)
    rows.append({"what": "applies_to (ward body)", "ms": median(times) * 1000,
                 "size": len(ap["documents"]), "bar_ms": 200})
    # the whole graph: seconds, so timed once (after the warm-up), without communities
    times, ranked = _timed(lambda: rank(store, communities=False), 1, store)
    rows.append({"what": "rank (whole graph, without communities)", "ms": times[0] * 1000,
                 "size": ranked["documents"]})
    return rows, leaf


def _get(url: str, timeout: float) -> tuple[float, float, int, int]:
    """Seconds over loopback HTTP, seconds the server says it spent (Server-Timing; the
    former without it), status and size of one request."""
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            body = r.read()
            status = r.status
            served = server_ms(r.headers.get("Server-Timing"))
    except urllib.error.HTTPError as e:
        body, status, served = e.read(), e.code, None
    took = time.perf_counter() - t
    return took, took if served is None else served / 1000, status, len(body)


def pages(store_dir: str, targets: dict[str, str], *, repeats: int,
          timeout: float = 900) -> list[dict[str, Any]]:
    """Serve the store with `kg serve` and time each page over loopback HTTP."""
    from kg.bench.parts import Server

    server = Server.kg_serve(Path(store_dir))
    rows: list[dict[str, Any]] = []
    try:
        rows.append({"what": "cold start (to the first SPARQL answer)",
                     "ms": server.wait(timeout) * 1000})
        rows.append({"what": "catalog checked against the store after the start",
                     "ms": server.wait_catalog(timeout) * 1000})
        for name, path in targets.items():
            first, first_server, status, size = _get(server.url + path, timeout)
            answers = [_get(server.url + path, timeout) for _ in range(repeats)]
            what = name if name.startswith("API") else f"{name} page"
            rows.append({"what": what, "path": path, "status": status,
                         "bytes": size, "first_ms": first_server * 1000,
                         "ms": median([a[1] for a in answers]) * 1000,
                         "http_first_ms": first * 1000,
                         "http_ms": median([a[0] for a in answers]) * 1000, "bar_ms": 300})
        rss, hwm = tree_rss(server.proc.pid)
        rows.append({"what": "serving process RSS (with its workers)", "rss_gb": rss / GB,
                     "peak_gb": hwm / GB, "bar_gb": 1.5})
    finally:
        server.stop()
    return rows


def _path(store: Store, node: str) -> str:
    from kg.ids import Minter
    from kg.settings import load

    local = Minter(load({})["base_iri"]).local_path(node)
    return "/id/" + (local or node)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.analytics.perf", description=__doc__.split(
        "\n")[0])
    ap.add_argument("--store", required=True, help="folder of an embedded store")
    ap.add_argument("--repeats", type=int, default=7, help="timed runs after the warm-up")
    ap.add_argument("--root", help="IRI of the document to trace (default: picked)")
    ap.add_argument("--body", help="IRI of the ward body (default: picked)")
    ap.add_argument("--leaf", help="IRI of a deep document to trace up (default: picked)")
    ap.add_argument("--no-pages", action="store_true", help="analytics only")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--catalog", action="store_true",
                    help="time the analytics with the store's catalog, as kg serve runs them")
    args = ap.parse_args(argv)

    from kg.runtime import settle
    from kg.store.oxigraph import OxigraphStore

    store = OxigraphStore(str(Path(args.store)))
    catalog = None
    if args.catalog:
        from kg.catalog import Catalog

        catalog = Catalog(store)
        catalog.catch_up()
        store.projection = catalog.sync()
    try:
        t = time.perf_counter()
        root, n_root = (args.root, -1) if args.root else pick_root(store)
        body, n_body = (args.body, -1) if args.body else pick_ward(store)
        picked_s = time.perf_counter() - t
        settle()                     # as kg serve does once started
        rows, leaf = analytics(store, root=root, body=body, leaf=args.leaf,
                               repeats=args.repeats)
        ident = q.select(store, f"SELECT ?id WHERE {{ <{q.iri(root)}> eli:id_local ?id }}")
        most = pick_most_cited(store)
        targets = {"home": "/", "document": _path(store, root),
                   "document JSON": _path(store, root) + ".json",
                   "document (most cited)": _path(store, most),
                   "print view (most cited)": "/trace?" + urllib.parse.urlencode({"doc": most}),
                   # the whole trace as JSON: built, kept, then written (orjson)
                   "API: trace down (national root)": "/api/trace?" + urllib.parse.urlencode(
                       {"doc": root}),
                   "body": _path(store, body),
                   "search": "/search?" + urllib.parse.urlencode(
                       {"q": ident[0]["id"] if ident else "nghị quyết"}),
                   "search (broad words)": "/search?" + urllib.parse.urlencode(
                       {"q": BROAD_WORDS}),
                   "search (words)": "/search?" + urllib.parse.urlencode(
                       {"q": "chinh quyen do thi"})}
    finally:
        if catalog is not None:
            catalog.close()
        store.close()
    if not args.no_pages:
        rows += pages(args.store, targets, repeats=args.repeats)
    out = {"store": args.store, "root": root, "root_descendants": n_root, "ward": body,
           "ward_binding": n_body, "leaf": leaf, "picking_s": round(picked_s, 2),
           "repeats": args.repeats, "rows": rows}
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print(f"store {args.store}; root {root} ({n_root} descendants); ward {body} "
          f"({n_body} binding); leaf {leaf}; median of {args.repeats} after a warm-up; "
          f"analytics {'with the catalog' if args.catalog else 'from the store alone'}")
    for r in rows:
        if "ms" in r:
            extra = ""
            if "first_ms" in r:
                extra = f"  (first {r['first_ms']:.0f} ms; over HTTP {r['http_ms']:.0f} ms, " \
                        f"first {r['http_first_ms']:.0f} ms; HTTP {r['status']}, " \
                        f"{r['bytes'] / 1024:.0f} KiB)"
            elif "size" in r:
                extra = f"  ({r['size']} documents)"
            bar = f"  bar ≤ {r['bar_ms']} ms" if "bar_ms" in r else ""
            print(f"{r['what']:<48} {r['ms']:>9.1f} ms{bar}{extra}")
        else:
            print(f"{r['what']:<48} {r['rss_gb']:>9.2f} GB  peak {r['peak_gb']:.2f} GB"
                  f"  bar ≤ {r['bar_gb']} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
