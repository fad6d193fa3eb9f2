"""The SPARQL query mix and the clients that send it, at 1, 8 and 32 at once.

The same query texts go to every server (this service's `kg serve`, Virtuoso, rdflib
behind our endpoint code): document by id, upstream trace, downstream trace, documents
that apply to a body, text search, counts by type and year. Parameters are drawn from the
generated corpus with a fixed seed, so every server is asked the same questions.
"""
from __future__ import annotations

import http.client
import random
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

from kg.bench.machine import median, percentile
from kg.generate.corpus import TOPICS, Corpus, Doc
from kg.ids import Minter, document_key
from kg.ns import sparql_prefixes

DOWN = "kg:implements|kg:details|kg:guides|kg:based_on"
UP = "kg:implements|kg:details|kg:guides|kg:based_on|kg:amends|kg:replaces"


def doc_iri(m: Minter, d: Doc) -> str:
    return str(m.document(document_key(d.id, year=d.year, place=d.issuer.place)))


@dataclass
class Params:
    """What the mix asks about: roots with many descendants, leaves, bodies, ids, words."""

    ids: list[str]
    roots: list[str]
    leaves: list[str]
    bodies: list[str]
    words: list[str]


def params(corpus: Corpus, base_iri: str, *, seed: int = 11, k: int = 50) -> Params:
    m = Minter(base_iri)
    rng = random.Random(seed)
    docs = [d for d in corpus.docs if d.id]
    by_root: dict[int, int] = {}
    for d in docs:
        if d.root is not None:
            by_root[d.root.idx] = by_root.get(d.root.idx, 0) + 1
    big = sorted(by_root, key=lambda i: -by_root[i])[:k]
    roots = [doc_iri(m, corpus.docs[i]) for i in big] or [doc_iri(m, docs[0])]
    deep = [d for d in docs if d.depth >= 2] or docs
    communes = [d.issuer for d in docs if d.issuer.level == "commune"] or \
        [d.issuer for d in docs]
    return Params(
        ids=[d.id for d in rng.sample(docs, min(k, len(docs)))],
        roots=roots,
        leaves=[doc_iri(m, d) for d in rng.sample(deep, min(k, len(deep)))],
        bodies=[str(m.body(b.key)) for b in rng.sample(communes, min(k, len(communes)))],
        words=[t.split(",")[0].split(" và ")[0] for t in TOPICS],
    )


KINDS = ("doc_by_id", "trace_up", "trace_down", "applies_to", "text_search", "counts")


def query(kind: str, p: Params, rng: random.Random) -> str:
    """One query of the mix, the same text for every engine."""
    pre = sparql_prefixes()
    if kind == "doc_by_id":
        ident = rng.choice(p.ids).replace('"', "")
        # Per graph, then DISTINCT: a document restated by many sources would otherwise
        # multiply its facts across the union of graphs (a bag, in pyoxigraph).
        return pre + f"""SELECT DISTINCT ?d ?label ?date ?issuer WHERE {{ GRAPH ?g {{
          ?d eli:id_local "{ident}" ; rdfs:label ?label .
          OPTIONAL {{ ?d eli:date_document ?date }} OPTIONAL {{ ?d eli:passed_by ?issuer }} }} }}"""
    if kind == "trace_up":
        return pre + f"SELECT DISTINCT ?up WHERE {{ <{rng.choice(p.leaves)}> ({UP})+ ?up }}"
    if kind == "trace_down":
        return pre + f"SELECT DISTINCT ?d WHERE {{ ?d ({DOWN})+ <{rng.choice(p.roots)}> }}"
    if kind == "applies_to":
        return pre + f"""SELECT DISTINCT ?doc WHERE {{
          <{rng.choice(p.bodies)}> org:subOrganizationOf* ?above . ?doc eli:passed_by ?above }}"""
    if kind == "text_search":
        word = rng.choice(p.words).lower().replace('"', "")
        return pre + f"""SELECT ?d ?t WHERE {{ ?d eli:title ?t
          FILTER(CONTAINS(LCASE(STR(?t)), "{word}")) }} LIMIT 50"""
    return pre + """SELECT ?type ?year (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?g {
      ?d a kg:Document ; kg:documentType ?type ; kg:year ?year } } GROUP BY ?type ?year"""


@dataclass
class MixResult:
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, object]:
        return {"clients": self.clients, "queries": self.ok, "errors": self.errors,
                "median_ms": round(median(self.latencies) * 1000, 2),
                "p99_ms": round(percentile(self.latencies, 99) * 1000, 2),
                "qps": round(self.throughput, 2), "first_error": self.first_error[:200],
                "median_ms_by_kind": {k: round(median(v) * 1000, 2)
                                      for k, v in sorted(self.by_kind.items())}}


def run_mix(url: str, p: Params, *, clients: int, seconds: float, seed: int = 5,
            timeout: float = 60) -> MixResult:
    """`clients` threads send the mix to the SPARQL endpoint `url` for `seconds`."""
    u = urllib.parse.urlsplit(url)
    host = u.hostname
    if host is None:
        raise ValueError(f"no host in the SPARQL endpoint's URL {url!r}")
    res = MixResult(clients)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        conn = http.client.HTTPConnection(host, u.port, timeout=timeout)
        i = n
        while time.perf_counter() < stop_at:
            kind = KINDS[i % len(KINDS)]
            i += 1
            body = urllib.parse.urlencode({"query": query(kind, p, rng)})
            t = time.perf_counter()
            try:
                conn.request("POST", u.path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json"})
                r = conn.getresponse()
                data = r.read()
                ok = r.status == 200
                err = "" if ok else f"{kind}: HTTP {r.status} {data[:160]!r}"
            except (OSError, http.client.HTTPException) as e:
                ok, err = False, f"{kind}: {type(e).__name__} {e}"
                conn.close()
                conn = http.client.HTTPConnection(host, u.port, timeout=timeout)
            dt = time.perf_counter() - t
            with lock:
                if ok:
                    res.latencies.append(dt)
                    res.by_kind.setdefault(kind, []).append(dt)
                else:
                    res.errors += 1
                    res.first_error = res.first_error or err
        conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + timeout + 5)
    res.seconds = time.perf_counter() - t0
    return res
