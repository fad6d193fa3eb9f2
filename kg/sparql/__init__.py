"""The SPARQL service, independent of HTTP: check, limit, run, serialize.

`SparqlService(store, settings)` answers `query(...)` and `update(...)` with an `Answer`
(bytes and a Content-Type) or raises a KGError whose status the web layer answers with.
The pieces: `guard` (what a request asks, and refusals), `formats` (negotiation),
`limits` (per-client), `runner` (where queries run, with a real time limit), `execute`
(pyoxigraph answer → bytes, rows capped), `description` (the SPARQL service description).
"""
from __future__ import annotations

from typing import Any

__all__ = ["Answer", "SparqlService", "Unauthorized"]


def __getattr__(name: str) -> Any:
    # Lazy, so that a query worker (python -m kg.sparql.worker) imports only what it runs.
    if name in __all__:
        from kg.sparql import service

        return getattr(service, name)
    raise AttributeError(name)
