"""How a long-running kg process sets up its interpreter once start-up is done."""
from __future__ import annotations

import gc


def settle() -> None:
    """Call when start-up is over (app built, store and catalog open): what exists then
    (modules, the app, caches) lives as long as the process, so the cyclic collector stops
    walking it (`gc.freeze`). A trace of thousands of documents allocates ~10⁵ objects and
    sets off several collections; each full one walked the whole heap again (~15 % of such
    a trace at 100k documents). `kg serve` calls it, and the benchmarks that time what
    `kg serve` does."""
    gc.collect()
    gc.freeze()
