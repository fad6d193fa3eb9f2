"""Inspect a SPARQL request before any engine sees it: what it is, and whether we run it.

The inspection is lexical analysis by the SPARQL 1.1 grammar's own terminals (§19.8:
IRIREF, PNAME_NS/PNAME_LN, VAR1/VAR2, the four STRING_LITERAL forms, LANGTAG, comments),
so that `"SERVICE"` in a string, `<http://x/LOAD>` in an IRI, `ex:service` as a prefixed
name or `?load` as a variable are data, while the keyword `service` in any case is caught.
Keywords are the only bare words in SPARQL, so a bare word SERVICE *is* the SERVICE
keyword: no parse tree is needed to decide, and the check stays linear in the query's
length (a 100 kB query inspects in milliseconds; pyparsing-based parsers take seconds).
The engine's own parser (pyoxigraph) then gives the syntax errors, in the worker.

SPARQL §19.2 lets `\\uXXXX` escapes stand anywhere in a query. Whether an engine expands
them before parsing differs between engines, so a query holding one is inspected twice,
raw and expanded, and refused if either reading calls for it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from kg.errors import Forbidden, LimitExceeded, QueryError

# Deeper nesting than this crashes some engines' recursive parsers (pyoxigraph overflows
# its stack near 5000 levels); real queries stay well under 30.
MAX_DEPTH = 100

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD",
                          "MOVE", "COPY", "WITH", "USING"})

_PN_CHARS_BASE = (r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D"
                  r"\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF"
                  r"\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00B7\u0300-\u036F\u203F-\u2040"

# One master pattern; the order of the alternatives is the lexer's priority.
_TOKEN = re.compile(
    rf"""
    (?P<ws>[\s]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
              | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              | '(?:[^'\\\n\r]|\\.)*'
              | "(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN_CHARS}]+)
  | (?P<bnode>_:[{_PN_CHARS}.]*)
  | (?P<pname>(?:[{_PN_CHARS_BASE}][{_PN_CHARS}.]*)?:(?:[{_PN_CHARS}.:%]|\\.)*)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[({{\[])
  | (?P<close>[)}}\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class Inspection:
    """What the lexer learned about one query or update."""

    form: str = ""                      # SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE
    has_dataset: bool = False           # FROM / FROM NAMED in the query itself
    has_using: bool = False             # USING / WITH in an update
    services: list[str] = field(default_factory=list)   # SERVICE endpoints named
    service_vars: bool = False          # SERVICE ?var (endpoint chosen at run time)
    words: set[str] = field(default_factory=set)        # keywords seen, upper case
    depth: int = 0


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(text)
            if m.lastgroup not in ("ws", "comment")]


def _expand_escapes(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else m.group()
    return _ESCAPE.sub(one, text)


def _scan(text: str) -> Inspection:
    info = Inspection()
    toks = _tokens(text)
    prefixes: dict[str, str] = {}
    base = ""
    depth = 0
    for i, (kind, value) in enumerate(toks):
        if kind == "open":
            depth += 1
            info.depth = max(info.depth, depth)
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            word = value.upper()
            info.words.add(word)
            if not info.form and word in QUERY_FORMS:
                info.form = word
            elif not info.form and word in UPDATE_WORDS:
                info.form = "UPDATE"
            if word == "PREFIX" and i + 2 < len(toks) and toks[i + 2][0] == "iri":
                prefixes[toks[i + 1][1].rstrip(":")] = toks[i + 2][1][1:-1]
            elif word == "BASE" and i + 1 < len(toks) and toks[i + 1][0] == "iri":
                base = urljoin(base, toks[i + 1][1][1:-1])
            elif word == "FROM":
                info.has_dataset = True
            elif word in ("USING", "WITH"):
                info.has_using = True
            elif word == "SERVICE":
                j = i + 1
                if j < len(toks) and toks[j][1].upper() == "SILENT":
                    j += 1
                target = toks[j] if j < len(toks) else ("other", "")
                if target[0] == "iri":
                    info.services.append(urljoin(base, target[1][1:-1]))
                elif target[0] == "pname" and target[1].split(":", 1)[0] in prefixes:
                    ns, local = target[1].split(":", 1)
                    info.services.append(urljoin(base, prefixes[ns] + local))
                else:
                    info.service_vars = True
    return info


# Texts up to this length have their inspection kept (the last CACHED of them): clients
# send the same queries again and again, and lexing is most of the endpoint's own work.
CACHED_LENGTH = 16_384
CACHED = 512


def inspect(text: str, *, max_length: int) -> Inspection:
    """Lex `text` (a query or an update) and report what it asks; over-long text is refused.

    The answer may be shared between callers (it is kept for short texts): do not change it.
    """
    if len(text) > max_length:
        raise LimitExceeded(f"the query is {len(text):,} characters long; the limit is "
                            f"{max_length:,} (KG_MAX_QUERY_LENGTH)")
    if len(text) <= CACHED_LENGTH:
        return _inspect_kept(text)
    return _inspect(text)


@functools.lru_cache(maxsize=CACHED)
def _inspect_kept(text: str) -> Inspection:
    return _inspect(text)


def _inspect(text: str) -> Inspection:
    info = _scan(text)
    if "\\u" in text or "\\U" in text:
        other = _scan(_expand_escapes(text))
        info.words |= other.words
        info.services += other.services
        info.service_vars |= other.service_vars
        info.has_dataset |= other.has_dataset
        info.has_using |= other.has_using
        info.depth = max(info.depth, other.depth)
        if other.form != info.form and "UPDATE" in (other.form, info.form):
            info.form = "UPDATE"
    if info.depth > MAX_DEPTH:
        raise QueryError(f"the query nests {info.depth} levels deep; the limit is {MAX_DEPTH}")
    return info


def _check_remote(info: Inspection, service_allow: tuple[str, ...]) -> None:
    if "LOAD" in info.words:
        raise Forbidden("LOAD is not allowed: this endpoint never fetches data from the web")
    if info.service_vars:
        raise Forbidden("SERVICE with a variable or unknown endpoint is not allowed")
    allowed = {s.rstrip("/") for s in service_allow}
    for endpoint in info.services:
        if endpoint.rstrip("/") not in allowed:
            raise Forbidden(f"SERVICE <{endpoint}> is not allowed (KG_SERVICE_ALLOW lists the "
                            "endpoints a query may call)")
    if "SERVICE" in info.words and not info.services and not info.service_vars:
        raise Forbidden("SERVICE is not allowed here")


def check_query(text: str, *, max_length: int, service_allow: tuple[str, ...] = ()) -> Inspection:
    """Inspect a query for the query endpoint; raise if it must not run.

    Refused: over-long text (413), updates (403: the query endpoint never writes), LOAD
    and SERVICE to endpoints outside `service_allow` (403), nesting past MAX_DEPTH (400).
    """
    info = inspect(text, max_length=max_length)
    if info.form == "UPDATE" or info.words & (UPDATE_WORDS - {"WITH", "USING"}):
        raise Forbidden("the query endpoint runs queries only; send updates to /sparql/update")
    _check_remote(info, service_allow)
    return info


def check_update(text: str, *, max_length: int,
                 service_allow: tuple[str, ...] = ()) -> Inspection:
    """Inspect an update; LOAD and SERVICE outside the allow-list are refused."""
    info = inspect(text, max_length=max_length)
    _check_remote(info, service_allow)
    return info


def add_using(text: str, *, using: list[str], using_named: list[str]) -> str:
    """Add the protocol's using-graph-uri / using-named-graph-uri to each DELETE/INSERT … WHERE.

    SPARQL 1.1 Protocol §2.2.3: they act as USING / USING NAMED clauses; an update that
    names its own USING or WITH as well is an error (400).
    """
    if not using and not using_named:
        return text
    info = inspect(text, max_length=len(text) + 1)
    if info.has_using:
        raise QueryError("using-graph-uri / using-named-graph-uri cannot be combined with "
                         "USING or WITH in the update")
    clause = " ".join([f"USING <{g}>" for g in using] +
                      [f"USING NAMED <{g}>" for g in using_named]) + " "
    out: list[str] = []
    pos = 0
    depth = 0
    modify = False
    prev = ""
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif depth == 0 and kind == "word":
            word = value.upper()
            if word in ("INSERT", "DELETE"):
                modify = True
            elif word == "DATA":
                modify = False
            elif word == "WHERE" and modify and prev.upper() != "DELETE":
                out.append(text[pos:m.start()])
                out.append(clause)
                pos = m.start()
                modify = False
        elif depth == 0 and value == ";":
            modify = False
        prev = value
    out.append(text[pos:])
    return "".join(out)
