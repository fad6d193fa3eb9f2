"""Every setting of the service, declared once.

The CLI options, the Flask config and the README's settings table all come from
`SETTINGS`; a test checks the README lists each one.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"KG_{self.name.upper()}"

    def parse(self, raw: str) -> Any:
        """Turn the environment's string into the default's type."""
        if isinstance(self.default, bool):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(self.default, int):
            return int(raw)
        if isinstance(self.default, float):
            return float(raw)
        if isinstance(self.default, tuple):
            return tuple(x.strip() for x in raw.split(",") if x.strip())
        return raw


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "./kgdata",
            "Where the graph lives: a folder (or oxigraph:PATH) for the embedded store, "
            "'memory' for a throw-away one, or sparql+http://host:port/sparql for a remote "
            "SPARQL 1.1 endpoint."),
    Setting("store_update_url", "",
            "Update URL of a remote store, when it differs from the query URL."),
    Setting("store_user", "", "User name for a remote store that needs one."),
    Setting("store_password", "", "Password for a remote store that needs one."),
    Setting("store_timeout", 60.0, "Seconds a request to a remote store may take."),
    Setting("store_originals", "",
            "Folder keeping a remote store's source originals (default: one per endpoint "
            "under ~/.local/share/vnkg/originals)."),
    Setting("base_iri", "https://w3id.org/vnkg/id/",
            "Base of the IRIs minted for documents, bodies, people and sources."),
    Setting("host", "127.0.0.1", "Address the web server binds to."),
    Setting("port", 5000, "Port the web server listens on."),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("max_rows", 10000, "Most rows a SPARQL SELECT returns; past it, a clear error."),
    Setting("max_query_length", 100_000, "Longest SPARQL query accepted, in characters."),
    Setting("service_allow", (), "Comma-separated endpoints a SPARQL SERVICE clause may call."),
    Setting("update_token", "",
            "Bearer token that enables SPARQL Update and write routes; empty keeps them off."),
    Setting("client_concurrency", 4, "Queries one client may run at once before a 429."),
    Setting("client_queue", 2, "Queries one client may have waiting for a free slot past "
            "KG_CLIENT_CONCURRENCY before a 429."),
    Setting("client_seconds_per_minute", 60.0,
            "Query seconds one client may use per minute before a 429."),
    Setting("query_workers", 3, "Worker processes that run SPARQL queries for the web server."),
    Setting("query_cache_mb", 32, "Memory for answers of costly SPARQL queries, kept until "
            "the next write (0: off)."),
    Setting("corpus", "../shared/corpus", "Folder of real texts and gold.jsonl used by `kg eval`."),
    Setting("lang", "vi", "Default language of the web UI (vi or en)."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def load(overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings as a dict: defaults, then `KG_*` environment variables, then overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        values[s.name] = s.parse(env[s.env]) if s.env in env else s.default
    for key, value in (overrides or {}).items():
        if key not in BY_NAME:
            raise KeyError(f"unknown setting {key!r}")
        if value is not None:
            values[key] = value
    return values


def markdown_table() -> str:
    """The README's settings table, made from `SETTINGS` (a test keeps the two equal)."""
    lines = ["| variable | default | what it sets |", "|---|---|---|"]
    for s in SETTINGS:
        default = ", ".join(s.default) if isinstance(s.default, tuple) else str(s.default)
        lines.append(f"| `{s.env}` | {f'`{default}`' if default else '(empty)'} | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # `python -m kg.settings` prints the README table
    print(markdown_table(), end="")
