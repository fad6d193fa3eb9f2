"""Time kg.analytics on a store folder, in a process of its own (the parent can kill it).

`python -m kg.bench.analytics_job STORE PARAMS.json N [--catalog]` prints one JSON object:
for each function, the seconds of each call and the size of each answer. With `--catalog`
the store's catalog (built beforehand by `kg catalog`) is attached as its projection, as
`kg serve` does; every call computes its answer (and keeps it, as `kg serve` does), and
`trace_down_again` times a trace asked a second time (the answer `Catalog.kept` kept).
"""
from __future__ import annotations

import json
import sys
import time


def main(store_dir: str, params_file: str, n: int, catalog: bool) -> None:
    from kg.analytics import applies_to, trace_down, trace_up
    from kg.catalog import Catalog
    from kg.runtime import settle
    from kg.store.oxigraph import OxigraphStore

    p = json.loads(open(params_file, encoding="utf-8").read())
    store = OxigraphStore(store_dir, read_only=True)
    kept = None
    if catalog:
        kept = store.projection = Catalog(store).sync()
        if not kept.current():
            raise SystemExit("the catalog is not current")
    settle()      # as kg serve does once started
    out = {}
    for name, fn, args in (("trace_down", trace_down, p["roots"]),
                           ("trace_up", trace_up, p["leaves"]),
                           ("applies_to", applies_to, p["bodies"])):
        times, sizes = [], []
        for a in (args * n)[:n]:
            if kept is not None:
                kept.forget_kept()  # each call computes, as a first request (and keeps)
            res = None              # the answer before freed first (~20 ms: not this call's)
            t = time.perf_counter()
            res = fn(store, a)
            times.append(time.perf_counter() - t)
            sizes.append(len(res.get("nodes", res.get("documents", [])) or []))
            out[name] = {"seconds": times, "sizes": sizes}
            print(json.dumps(out), flush=True)
    if kept is not None:
        # a trace asked again while nothing was written (the API, the timeline, coverage,
        # exports) is the one the catalog kept
        times, sizes = [], []
        for root in (p["roots"] * n)[:n]:
            kept.forget_kept()
            res = None
            res = trace_down(store, root)
            t = time.perf_counter()
            trace_down(store, root)
            times.append(time.perf_counter() - t)
            sizes.append(len(res["nodes"]))
        out["trace_down_again"] = {"seconds": times, "sizes": sizes}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), "--catalog" in sys.argv[4:])
