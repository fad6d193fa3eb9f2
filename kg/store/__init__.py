"""Stores: the embedded pyoxigraph store (default) or a remote SPARQL 1.1 endpoint."""
from __future__ import annotations

from kg.errors import StoreError
from kg.store.base import Store


def open_store(location: str, *, read_only: bool = False, update_url: str = "",
               user: str = "", password: str = "", timeout: float = 60.0,
               originals: str | None = None) -> Store:
    """Open the store named by `location` (the KG_STORE setting).

    `memory` → a throw-away in-memory store; `sparql+http(s)://…` → a remote endpoint
    (`timeout` seconds per request; sources' originals kept in the folder `originals`, by
    default one per endpoint under ~/.local/share/vnkg/originals);
    `oxigraph:PATH` or a plain PATH → the embedded store on disk.
    """
    if location.startswith(("sparql+http://", "sparql+https://")):
        try:
            from kg.store.remote import RemoteStore
        except ImportError as e:  # pragma: no cover - the module ships with the package
            raise StoreError(f"remote store support is missing: {e}") from e
        return RemoteStore(location.removeprefix("sparql+"), update_url=update_url or None,
                           user=user or None, password=password or None, timeout=timeout,
                           originals_dir=originals)
    from kg.store.oxigraph import OxigraphStore

    if location == "memory":
        return OxigraphStore(None)
    return OxigraphStore(location.removeprefix("oxigraph:"), read_only=read_only)


__all__ = ["Store", "open_from_settings", "open_store"]


def open_from_settings(values: dict, *, read_only: bool = False) -> Store:
    """Open the store the settings name (`kg.settings.load()`), with its remote options."""
    return open_store(values["store"], read_only=read_only,
                      update_url=values["store_update_url"], user=values["store_user"],
                      password=values["store_password"], timeout=values["store_timeout"],
                      originals=values["store_originals"] or None)
