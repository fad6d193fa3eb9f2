"""Deterministic IRIs for documents, bodies, people, sources and evidence.

No blank nodes: remote stores cannot round-trip them, and the same document mentioned
by two sources must be one node. Identity follows Vietnamese numbering (see
../shared/docs/vn-documents.md): a number with a year and a central issuer is unique by
itself ("97/2019/QH14"); local issuers (UBND, HĐND, Party committees) need their place;
numbers without a year (administrative and Party ones) need the year too.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

# Issuer codes whose numbers repeat across provinces, districts and communes.
_LOCAL_ISSUERS = re.compile(r"(UBND|HĐND|/TU|/QU|/HU|/ĐU|/ĐUK|/TT|/BTV)\b", re.IGNORECASE)
_HAS_YEAR = re.compile(r"/(19|20)\d\d/")


def slug(text: str) -> str:
    """ASCII, lower-case, dash-separated form of `text` for use in an IRI path.

    >>> slug("32/2021/NĐ-CP")
    '32-2021-nd-cp'
    >>> slug("Phường Đức Giang")
    'phuong-duc-giang'
    """
    s = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d").replace("Ð", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def digest(*parts: str, length: int = 16) -> str:
    """A short stable hash of `parts`, for IRIs of things without a natural key."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def document_key(doc_id: str, *, year: int | None, place: str | None) -> str:
    """The path segment that identifies a numbered document.

    >>> document_key("97/2019/QH14", year=2019, place="Hà Nội")
    '97-2019-qh14'
    >>> document_key("171-KH/TU", year=2019, place="Hà Nội")
    '171-kh-tu/ha-noi/2019'
    """
    key = slug(doc_id)
    if _LOCAL_ISSUERS.search(doc_id) and place:
        key += "/" + slug(place)
    if not _HAS_YEAR.search(doc_id) and year:
        key += f"/{year}"
    return key


class Minter:
    """Mints IRIs under one base, so that the base is a setting and not a constant."""

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def _iri(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{key}")

    def document(self, key: str) -> URIRef:
        return self._iri("doc", key)

    def document_set(self, source_key: str, mention_key: str) -> URIRef:
        return self._iri("docset", digest(source_key, mention_key))

    def body(self, key: str) -> URIRef:
        return self._iri("body", key)

    def person(self, name: str, body_key: str | None) -> URIRef:
        return self._iri("person", slug(name) + ("--" + slug(body_key) if body_key else ""))

    def post(self, role: str, body_key: str | None) -> URIRef:
        return self._iri("post", slug(role) + ("--" + slug(body_key) if body_key else ""))

    def source(self, key: str) -> URIRef:
        return self._iri("source", key)

    def activity(self, source_key: str, version: str) -> URIRef:
        return self._iri("activity", digest(source_key, version))

    def node(self, kind: str, *parts: str) -> URIRef:
        """An IRI for a node owned by one source (mention, link, correction, event)."""
        return self._iri(kind, digest(*parts))

    def local_path(self, iri: str) -> str | None:
        """The path below the base for an IRI this minter made, else None."""
        return iri[len(self.base):] if iri.startswith(self.base) else None


def source_key(locator: str, name: str) -> str:
    """Key of a source: readable name plus a hash of where it came from."""
    return f"{slug(name)[:60]}-{digest(locator, length=10)}"
