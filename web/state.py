"""What the app holds for its lifetime: settings, the store, the query helpers."""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app

from kg.errors import StoreError
from kg.ids import Minter
from kg.query import Queries
from kg.store import Store, open_from_settings

log = logging.getLogger(__name__)


class KGState:
    """The store is opened on first use, so that building the app stays cheap."""

    def __init__(self, settings: dict[str, Any], *, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self.read_only = False
        self.minter = Minter(settings["base_iri"])

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self._open()
        return self._store

    def _open(self) -> Store:
        try:
            return open_from_settings(self.settings)
        except StoreError as e:
            # Another process (an ingest) holds the embedded store: keep serving reads from
            # a read-only view rather than refusing to start.
            if "in use by another process" not in e.message:
                raise
            log.warning("%s; serving it read-only", e.message)
            self.read_only = True
            return open_from_settings(self.settings, read_only=True)

    @property
    def queries(self) -> Queries:
        return Queries(self.store)


def state() -> KGState:
    return current_app.extensions["kg"]
