"""Result formats of the SPARQL endpoint and their negotiation (Accept header or `format`)."""
from __future__ import annotations

from kg.errors import KGError


class NotAcceptable(KGError):
    """No format the client accepts can carry this kind of result."""

    status = 406
    exit_code = 2


# name → (media type, kind); kind "results" serves SELECT/ASK, "graph" CONSTRUCT/DESCRIBE.
FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/sparql-results+json", "results"),
    "xml": ("application/sparql-results+xml", "results"),
    "csv": ("text/csv", "results"),
    "tsv": ("text/tab-separated-values", "results"),
    "turtle": ("text/turtle", "graph"),
    "ntriples": ("application/n-triples", "graph"),
    "jsonld": ("application/ld+json", "graph"),
    "rdfxml": ("application/rdf+xml", "graph"),
    "trig": ("application/trig", "graph"),
    "nquads": ("application/n-quads", "graph"),
}
DEFAULT = {"results": "json", "graph": "turtle"}

# Other names clients send for the same formats (`format=` values and media types).
ALIASES: dict[str, str] = {
    "srj": "json", "application/json": "json", "srx": "xml", "application/xml": "xml",
    "text/xml": "xml", "ttl": "turtle", "application/x-turtle": "turtle", "nt": "ntriples",
    "n-triples": "ntriples", "text/plain": "ntriples", "json-ld": "jsonld", "rdf": "rdfxml",
    "rdf+xml": "rdfxml", "nq": "nquads", "n-quads": "nquads", "text/x-nquads": "nquads",
    "application/x-trig": "trig", "text/json": "json",
    # Turtle is N3 without its extensions: N3 clients read it.
    "n3": "turtle", "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",
}
_BY_TYPE = {mime: name for name, (mime, _) in FORMATS.items()}


def _name(value: str) -> str | None:
    value = value.strip().lower()
    if value in FORMATS:
        return value
    if value in _BY_TYPE:
        return _BY_TYPE[value]
    return ALIASES.get(value)


def negotiate(kind: str, *, accept: str | None, format_param: str | None = None) -> str:
    """The format name for a result of `kind` ("results" or "graph"); NotAcceptable if none.

    A `format` parameter wins over the Accept header (as on Wikidata and Virtuoso); a
    missing or wildcard Accept gets SPARQL JSON for results and Turtle for graphs.
    """
    if format_param:
        name = _name(format_param)
        if name is None or FORMATS[name][1] != kind:
            raise NotAcceptable(f"format {format_param!r} cannot carry "
                                f"{'query results' if kind == 'results' else 'an RDF graph'}; "
                                f"use one of {', '.join(offer_names(kind))}")
        return name
    if not accept or not accept.strip():
        return DEFAULT[kind]
    offers = [FORMATS[DEFAULT[kind]][0]] + [m for n, (m, k) in FORMATS.items()
                                             if k == kind and n != DEFAULT[kind]]
    offers += [a for a, n in ALIASES.items() if "/" in a and FORMATS[n][1] == kind]
    best = _best_match(accept, offers)
    if best is None:
        raise NotAcceptable(f"cannot answer in {accept!r}; this result can be "
                            + ", ".join(FORMATS[n][0] for n in offer_names(kind)))
    return _name(best) or DEFAULT[kind]


def _best_match(accept: str, offers: list[str]) -> str | None:
    """RFC 9110 §12.5.1: the offer with the highest q; more specific ranges win ties."""
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q))
    best, best_q = None, 0.0
    for offer in offers:
        major = offer.split("/")[0]
        q, spec = 0.0, -1
        for rng, rq in ranges:
            s = 2 if rng == offer else 1 if rng == f"{major}/*" else 0 if rng == "*/*" else -1
            if s > spec:
                q, spec = rq, s
        if spec >= 0 and q > best_q:
            best, best_q = offer, q
    return best


def offer_names(kind: str) -> list[str]:
    return [n for n, (_, k) in FORMATS.items() if k == kind]


def media_type(name: str) -> str:
    """The Content-Type header for a format name (text types say their charset)."""
    mime = FORMATS[name][0]
    return f"{mime}; charset=utf-8" if mime.startswith("text/") else mime
