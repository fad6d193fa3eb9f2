"""The SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/)."""
from __future__ import annotations

import pyoxigraph as ox

from kg.sparql.execute import GRAPHS, serialized

SD = "http://www.w3.org/ns/sparql-service-description#"
FMT = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

# Result formats by their W3C format IRIs (https://www.w3.org/ns/formats/).
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                  "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG",
                  "N-Quads")


def describe(endpoint: str, *, fmt: str, update: bool,
             service_allow: tuple[str, ...] = ()) -> bytes:
    """The description of the endpoint at `endpoint`, serialized as `fmt` (a graph format)."""
    sd = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(SD + local)

    triples = [
        ox.Triple(sd, RDF_TYPE, n("Service")),
        ox.Triple(sd, n("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(sd, n("supportedLanguage"), n("SPARQL11Query")),
        # The default graph is the union of all named graphs (one per source).
        ox.Triple(sd, n("feature"), n("UnionDefaultGraph")),
        ox.Triple(sd, n("feature"), n("BasicFederatedQuery"))
        if service_allow else None,
        ox.Triple(sd, n("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, n("Dataset")),
        ox.Triple(dataset, n("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, n("Graph")),
    ]
    if update:
        triples.append(ox.Triple(sd, n("supportedLanguage"), n("SPARQL11Update")))
    triples += [ox.Triple(sd, n("resultFormat"), ox.NamedNode(FMT + f)) for f in RESULT_FORMATS]
    prefixes = {"sd": SD, "format": FMT} if fmt in ("turtle", "trig", "rdfxml") else None
    return serialized(ox.serialize([t for t in triples if t is not None], format=GRAPHS[fmt],
                                   prefixes=prefixes))
