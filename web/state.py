"""What the app holds for its lifetime: settings, the store, the query helpers."""
from __future__ import annotations

from typing import Any

from flask import current_app

from kg.ids import Minter
from kg.query import Queries
from kg.store import Store, open_store


class KGState:
    """The store is opened on first use, so that building the app stays cheap."""

    def __init__(self, settings: dict[str, Any], *, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self.minter = Minter(settings["base_iri"])

    @property
    def store(self) -> Store:
        if self._store is None:
            s = self.settings
            self._store = open_store(s["store"], update_url=s["store_update_url"],
                                     user=s["store_user"], password=s["store_password"])
        return self._store

    @property
    def queries(self) -> Queries:
        return Queries(self.store)


def state() -> KGState:
    return current_app.extensions["kg"]
