"""One error hierarchy for the whole service.

Each error carries the HTTP status the web layer answers with and the exit code the
CLI exits with, so that the edges translate errors without knowing every kind.
"""
from __future__ import annotations


class KGError(Exception):
    """Base of every error the service reports to a user."""

    status = 500
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict:
        return {"ok": False, "error": self.message, "status": self.status}


class InputError(KGError):
    """A source file or request the service cannot use (bad encoding, empty, wrong format)."""

    status = 400
    exit_code = 2


class NotFound(KGError):
    """A document, body, source or page that is not in the graph."""

    status = 404
    exit_code = 3


class QueryError(KGError):
    """A SPARQL query that does not parse or that the endpoint refuses."""

    status = 400
    exit_code = 2


class QueryTimeout(KGError):
    """A query stopped by the time limit."""

    status = 503
    exit_code = 4


class LimitExceeded(KGError):
    """A request past a cap (rows, query length, body size)."""

    status = 413
    exit_code = 2


class TooManyRequests(KGError):
    """A client past its per-client limits; `retry_after` seconds until it may retry."""

    status = 429
    exit_code = 4

    def __init__(self, message: str, *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Forbidden(KGError):
    """A write without the token, or a query form the endpoint never runs (LOAD, SERVICE)."""

    status = 403
    exit_code = 2


class StoreError(KGError):
    """The store cannot be opened, read or written (locked, read-only, remote down)."""

    status = 503
    exit_code = 5
