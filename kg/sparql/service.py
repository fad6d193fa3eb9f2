"""The SPARQL service over one store: check, limit, run, serialize (no HTTP here)."""
from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import Any

from kg.errors import Forbidden, QueryError, StoreError
from kg.sparql import formats, guard
from kg.sparql.execute import Job
from kg.sparql.limits import ClientLimiter
from kg.sparql.runner import Runner, make_runner


@dataclass
class Answer:
    body: bytes
    content_type: str


class SparqlService:
    """One endpoint's policy and machinery over one store."""

    def __init__(self, store: Any, settings: dict[str, Any], *,
                 runner: Runner | None = None) -> None:
        self.store = store
        self.settings = settings
        self.limiter = ClientLimiter(concurrency=int(settings["client_concurrency"]),
                                     seconds_per_minute=float(
                                         settings["client_seconds_per_minute"]),
                                     # queued: until a running query ends or is stopped
                                     queue=int(settings["client_queue"]),
                                     wait=2 * float(settings["query_timeout"]))
        self._runner = runner
        self._lock = threading.Lock()

    @property
    def runner(self) -> Runner:
        if self._runner is None:
            with self._lock:  # the first queries may come at once: start one runner only
                if self._runner is None:
                    self._runner = make_runner(self.store, self.settings)
        return self._runner

    def serving(self, client: str) -> contextlib.AbstractContextManager[None]:
        """Wrap the serving of a request of `client`: runaway queries stand still
        meanwhile (`kg.sparql.runner.Yielding`), unless the client is one whose queries
        ran into the time limit lately (its requests must not hold the others still, nor
        its own); nothing to do before the runner exists or without worker processes."""
        yielding = getattr(self._runner, "yielding", None)
        if yielding is None or self.limiter.marked("runaway", client):
            return contextlib.nullcontext()
        return yielding.serving()

    @property
    def updates_enabled(self) -> bool:
        return bool(self.settings["update_token"])

    def query(self, text: str, *, client: str, accept: str | None = None,
              format_param: str | None = None, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, base_iri: str | None = None) -> Answer:
        """Check, negotiate, and run a query for `client` (its address) under every limit."""
        info = guard.check_query(text, max_length=int(self.settings["max_query_length"]),
                                 service_allow=tuple(self.settings["service_allow"]))
        if info.form in guard.QUERY_FORMS:
            kind = "graph" if info.form in ("CONSTRUCT", "DESCRIBE") else "results"
            fmt = formats.negotiate(kind, accept=accept, format_param=format_param)
        else:
            # Not a query the lexer recognizes: the engine's parser says what is wrong.
            fmt = formats.DEFAULT["results"]
        job = Job(query=text, form=info.form, fmt=fmt, base_iri=base_iri,
                  default_graphs=default_graphs or None, named_graphs=named_graphs or None,
                  max_rows=int(self.settings["max_rows"]))
        if default_graphs or named_graphs:
            job.default_graphs = list(default_graphs or [])
            job.named_graphs = list(named_graphs or [])
        with self.limiter.slot(client):
            # marks read once its turn came: a query that waited in the client's queue
            # while another of its queries ran into the limit is a runaway's too
            job.yields = self.limiter.marked("runaway", client)
            job.low_priority = job.yields or self.limiter.marked("slow", client)
            try:
                body = self.runner.run(job)
            finally:
                if job.ran_long:
                    self.limiter.mark("slow", client)
                if job.timed_out:
                    self.limiter.mark("runaway", client)
        return Answer(body, formats.media_type(fmt))

    def update(self, text: str, *, token: str | None, using: list[str] | None = None,
               using_named: list[str] | None = None, base_iri: str | None = None) -> None:
        """Run a SPARQL Update; only with the configured bearer token, never LOAD."""
        if not self.updates_enabled:
            raise Forbidden("SPARQL Update is off on this server (set KG_UPDATE_TOKEN)")
        if not token or not _same(token, self.settings["update_token"]):
            raise Unauthorized("SPARQL Update needs 'Authorization: Bearer <token>'")
        guard.check_update(text, max_length=int(self.settings["max_query_length"]),
                           service_allow=tuple(self.settings["service_allow"]))
        text = guard.add_using(text, using=using or [], using_named=using_named or [])
        if getattr(self.store, "ox", None) is None:
            raise StoreError("SPARQL Update through this endpoint needs the embedded store")
        try:
            self.store.update(text, base_iri=base_iri)
        except SyntaxError as e:
            raise QueryError(str(e)) from e
        self.runner.changed()

    def description(self, *, endpoint: str, accept: str | None,
                    format_param: str | None = None) -> Answer:
        """The SPARQL 1.1 Service Description of this endpoint, in a negotiated RDF format."""
        from kg.sparql.description import describe

        fmt = formats.negotiate("graph", accept=accept, format_param=format_param)
        body = describe(endpoint, fmt=fmt, update=self.updates_enabled,
                        service_allow=tuple(self.settings["service_allow"]))
        return Answer(body, formats.media_type(fmt))

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()


class Unauthorized(Forbidden):
    """A write without the right bearer token."""

    status = 401


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())

