"""Graph analytics: traces, what applies to a body, gaps, coverage, paths, influence, exports.

Traces and lookups run as SPARQL from a bound node (so they work on a remote store too);
networkx only ever sees a projection selected with SPARQL, never the whole store.
"""
from __future__ import annotations

from kg.analytics.applies import applies_to, coverage, gaps
from kg.analytics.common import resolve_body, resolve_document, resolve_node
from kg.analytics.exports import document_graph, export_graph, write_graph
from kg.analytics.paths import path
from kg.analytics.rank import level_lags, rank
from kg.analytics.timeline import diff, timeline
from kg.analytics.trace import trace, trace_down, trace_up

__all__ = [
    "applies_to", "coverage", "diff", "document_graph", "export_graph", "gaps", "level_lags",
    "path", "rank", "resolve_body", "resolve_document", "resolve_node", "timeline", "trace",
    "trace_down", "trace_up", "write_graph",
]
