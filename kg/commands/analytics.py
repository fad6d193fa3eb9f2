"""`kg trace`, `kg applies`, `kg gaps`, `kg coverage`, `kg path`, `kg rank`, `kg timeline`,
`kg diff`, `kg export-graph`: thin shells over `kg.analytics`."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli import Context, main, pass_ctx

LIMIT_HELP = ("Only the nearest N documents (breadth first); a founding law reaches most "
              "of the graph.")


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _doc_line(n: dict[str, Any]) -> str:
    name = n.get("id") or n.get("label") or n["iri"]
    if n.get("count") is not None and not n.get("id"):
        name = f"{n.get('label') or 'documents'} (known by count: {n['count']})"
    date = n.get("date") or "date unknown"
    who = ", ".join(n.get("issuers") or []) or "issuer unknown"
    lag = f"  +{n['lag_days']} days" if n.get("lag_days") is not None else ""
    rel = f"[{n['rel']}] " if n.get("rel") else ""
    return f"{rel}{name}  {date}  {who}{lag}"


def render_tree(result: dict[str, Any]) -> str:
    """A trace as indented text: the tree, then the levels, stops and cycles."""
    lines: list[str] = []
    stack = [(result["tree"], 0)]
    while stack:
        node, depth = stack.pop()
        lines.append("  " * depth + ("└ " if depth else "") + _doc_line(node))
        for a in node.get("also", []):
            tag = "cycle back to" if a["cycle"] else "also"
            lines.append("  " * (depth + 1) + f"· {tag} [{a['rel']}] {a['iri']}")
        for child in reversed(node["children"]):
            stack.append((child, depth + 1))
    lines.append("")
    for lv in result["levels"]:
        lines.append(f"{lv['label']['vi']} ({lv['level']}): {lv['documents']} document(s)")
        for g in lv["issuers"]:
            lines.append(f"  {g['label'] or g['issuer'] or 'issuer unknown'}: " + ", ".join(
                d["id"] or f"{d['label']}" for d in g["documents"]))
    c = result["counts"]
    lines.append(f"{c['documents']} numbered document(s), {c['document_sets']} known by count "
                 f"({c['known_by_count']} documents)")
    if not result["complete"]:
        lines.append("more documents lie beyond these: the trace was cut at --limit")
    elif result["direction"] == "down":
        stops = ", ".join(f"{s['label']} ({s['level'] or 'level unknown'})"
                          for s in result["stops"])
        lines.append(f"stops at: {stops}")
        if result["levels_not_reached"]:
            lines.append("levels not reached: " + ", ".join(result["levels_not_reached"]))
    else:
        lines.append("roots: " + (", ".join(r["label"] or r["iri"] for r in result["roots"])
                                  or "none"))
    for cyc in result["cycles"]:
        lines.append("cycle: " + " → ".join(cyc + cyc[:1]))
    return "\n".join(lines)


def trace_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["from", "from_id", "rel", "to", "to_id", "lag_days", "from_level", "to_level"])
    nodes = result["nodes"]
    for e in result["edges"]:
        a, b = nodes[e["from"]], nodes[e["to"]]
        w.writerow([e["from"], a["id"] or "", e["rel"], e["to"], b["id"] or "",
                    "" if e["lag_days"] is None else e["lag_days"], a["level"] or "",
                    b["level"] or ""])
    return buf.getvalue()


@main.command("trace")
@click.argument("ident")
@click.option("--up", is_flag=True, help="Trace up to the roots instead of down the levels.")
@click.option("--format", "fmt", type=click.Choice(["tree", "json", "csv"]), default="tree",
              show_default=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help=LIMIT_HELP)
@pass_ctx
def trace_cmd(c: Context, ident: str, up: bool, fmt: str, limit: int | None) -> None:
    """How a document cascaded down the levels (or, with --up, what it rests on).

    IDENT is a number ("97/2019/QH14") or an IRI.
    """
    from kg.analytics import resolve_document, trace

    store = c.store()
    result = trace(store, resolve_document(store, ident), up=up, limit=limit)
    if fmt == "json":
        _json(result)
    elif fmt == "csv":
        click.echo(trace_csv(result), nl=False)
    else:
        click.echo(render_tree(result))


def _docs_table(docs: list[dict[str, Any]]) -> None:
    for d in docs:
        mark = "acted " if d["acted"] else "GAP   "
        status = f"  [{d['status']}]" if d.get("status") else ""
        click.echo(f"{mark} {d['level'] or '?':9s} {d['date'] or '-':10s}  "
                   f"{d['id'] or d['label']}  ({d['why']}){status}")


@main.command("applies")
@click.argument("body")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def applies_cmd(c: Context, body: str, as_json: bool) -> None:
    """Documents that bind BODY (a name or an IRI), with whether it has acted on each."""
    from kg.analytics import applies_to, resolve_body

    store = c.store()
    result = applies_to(store, resolve_body(store, body))
    if as_json:
        _json(result)
        return
    _docs_table(result["documents"])
    n = result["counts"]
    click.echo(f"{n['binding']} binding, {n['acted']} acted on, {n['gaps']} gap(s)")


@main.command("gaps")
@click.argument("body")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def gaps_cmd(c: Context, body: str, as_json: bool) -> None:
    """Documents that bind BODY and that no document of BODY implements yet."""
    from kg.analytics import gaps, resolve_body

    store = c.store()
    result = gaps(store, resolve_body(store, body))
    if as_json:
        _json(result)
        return
    _docs_table(result["documents"])
    click.echo(f"{result['count']} gap(s) of {result['binding']} binding document(s)")


@main.command("coverage")
@click.argument("ident")
@click.option("--scope", type=click.Choice(["cascade", "all"]), default="cascade",
              show_default=True, help="Expected bodies: those below one that acted, or all.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def coverage_cmd(c: Context, ident: str, scope: str, as_json: bool) -> None:
    """Which bodies at each level have acted on a document, and which have not."""
    from kg.analytics import coverage, resolve_document

    store = c.store()
    result = coverage(store, resolve_document(store, ident), scope=scope)
    if as_json:
        _json(result)
        return
    for lv in result["levels"]:
        click.echo(f"{lv['label']['vi']} ({lv['level']})")
        for e in lv["acted"]:
            click.echo(f"  acted      {e['label'] or e['body']}")
        for e in lv["not_acted"]:
            click.echo(f"  not acted  {e['label'] or e['body']}")


@main.command("path")
@click.argument("a")
@click.argument("b")
@click.option("--directed", is_flag=True, help="Follow relations from acting document to object.")
@click.option("--max-hops", default=12, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def path_cmd(c: Context, a: str, b: str, directed: bool, max_hops: int, as_json: bool) -> None:
    """The shortest path between two documents or bodies, edge by edge with evidence."""
    from kg.analytics import path, resolve_node

    store = c.store()
    result = path(store, resolve_node(store, a), resolve_node(store, b), directed=directed,
                  max_hops=max_hops)
    if as_json:
        _json(result)
        return
    for s in result["steps"]:
        arrow = f"--{s['predicate']}-->" if s["direction"] == "forward" else \
            f"<--{s['predicate']}--"
        click.echo(f"{s['from_label'] or s['from']} {arrow} {s['to_label'] or s['to']}")
        for e in s.get("evidence", []):
            quote = f' "{e["quote"]}"' if e.get("quote") else ""
            span = f" [{e['start']}:{e['end']}]" if e.get("start") is not None else ""
            click.echo(f"    {e.get('slabel') or e['source']}{span}{quote}")
    click.echo(f"{result['length']} step(s)")


@main.command("rank")
@click.option("--top", default=20, show_default=True)
@click.option("--no-communities", is_flag=True, help="Skip community detection.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def rank_cmd(c: Context, top: int, no_communities: bool, as_json: bool) -> None:
    """Most implemented and cited documents, PageRank, communities, usual lag between levels."""
    from kg.analytics import rank

    result = rank(c.store(), top=top, communities=not no_communities)
    if as_json:
        _json(result)
        return
    click.echo(f"{result['documents']} documents, {result['edges']} links")
    for key, title in (("implemented", "most implemented"), ("cited", "most cited"),
                       ("pagerank", "PageRank")):
        click.echo(f"{title}:")
        for d in result[key]:
            click.echo(f"  {d.get('score', d.get('count'))!s:10}  {d.get('id') or d.get('label')}")
    for i, cm in enumerate(result["communities"], 1):
        click.echo(f"community {i} ({cm['size']}): " + ", ".join(
            d.get("id") or d.get("label") or d["iri"] for d in cm["top"]))
    for lag in result["level_lags"]:
        click.echo(f"{lag['from_level']} → {lag['to_level']}: median {lag['median_days']} days "
                   f"over {lag['steps']} step(s)")


@main.command("timeline")
@click.argument("ident")
@click.option("--up", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--limit", type=click.IntRange(min=0), default=None, help=LIMIT_HELP)
@pass_ctx
def timeline_cmd(c: Context, ident: str, up: bool, as_json: bool, limit: int | None) -> None:
    """The documents of a chain and the events reviewing them, in time order."""
    from kg.analytics import resolve_document, timeline

    store = c.store()
    result = timeline(store, resolve_document(store, ident), up=up, limit=limit)
    if as_json:
        _json(result)
        return
    for e in result["entries"]:
        days = e["days_from_start"]
        click.echo(f"{e['date']}  {'+' + str(days) if days is not None else '':>6}  "
                   f"{e['kind']:8s} {e.get('id') or e['label']}")
    for e in result["undated"]:
        click.echo(f"{'undated':10s}  {'':>6}  {e['kind']:8s} {e.get('id') or e['label']}")
    if not result["complete"]:
        click.echo("more documents lie beyond these: the chain was cut at --limit")


@main.command("diff")
@click.argument("ident")
@click.option("--since", required=True, help="YYYY-MM-DD")
@click.option("--by", type=click.Choice(["ingested", "document"]), default="ingested",
              show_default=True, help="Date of a link: its source's ingestion, or the document's.")
@click.option("--limit", type=click.IntRange(min=0),
              help="List only the newest N new links (and N undated ones); all are counted.")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def diff_cmd(c: Context, ident: str, since: str, by: str, limit: int | None,
             as_json: bool) -> None:
    """Links around a document that are new since a date, the newest first."""
    from kg.analytics import diff, resolve_document

    store = c.store()
    result = diff(store, resolve_document(store, ident), since, by=by, limit=limit)
    if as_json:
        _json(result)
        return
    for lk in result["added"]:
        click.echo(f"+ {lk['from']} --{lk['rel']}--> {lk['to']}")
    click.echo(f"{result['added_total']} new since {result['since']} ({result['basis']}), "
               f"{result['unchanged']} before, {result['undated_total']} undated")
    if not result["complete"]:
        click.echo(f"only the newest {limit} are listed: --limit")


@main.command("export-graph")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv"]),
              default="graphml", show_default=True)
@click.option("--root", help="Only this document's trace (number or IRI).")
@click.option("--up", is_flag=True, help="With --root: its trace up instead of down.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
@pass_ctx
def export_graph_cmd(c: Context, fmt: str, root: str | None, up: bool,
                     output: Path | None) -> None:
    """The document graph for Gephi and other tools (GraphML, GEXF, node-link JSON, CSV)."""
    from kg.analytics import export_graph, resolve_document

    store = c.store()
    doc = resolve_document(store, root) if root else None
    if output is None:
        export_graph(store, fmt, sys.stdout.buffer, root=doc, up=up)
        return
    tmp = output.with_name(output.name + ".part")
    with tmp.open("wb") as f:
        g = export_graph(store, fmt, f, root=doc, up=up)
    tmp.replace(output)
    click.echo(f"wrote {g.number_of_nodes()} documents and {g.number_of_edges()} links "
               f"to {output}", err=True)
