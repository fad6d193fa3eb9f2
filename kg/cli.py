"""The `kg` command line: a thin shell over the library.

Every command calls a public `kg` function; errors become one line and an exit code.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kg import __version__, settings
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.store.base import Store


def setting_option(name: str, *flags: str) -> Callable:
    """A click option for a declared setting: its help, default and KG_* variable."""
    s = settings.BY_NAME[name]
    flag = flags or (f"--{name.replace('_', '-')}",)
    return click.option(*flag, name, default=None, help=f"{s.help} [env {s.env}; "
                        f"default {s.default!r}]", show_default=False)


class Context:
    """What the group's options set: the settings, and the store opened on demand."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        self.settings = settings.load(overrides)
        self._store: Store | None = None

    def store(self, *, read_only: bool = False) -> Store:
        from kg.store import open_from_settings

        if self._store is None:
            self._store = open_from_settings(self.settings, read_only=read_only)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


class KGGroup(click.Group):
    """Turns KGError into one clear line and its exit code, never a stack trace."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as e:
            click.echo(f"error: {e.message}", err=True)
            sys.exit(e.exit_code)
        finally:
            obj = ctx.obj
            if isinstance(obj, Context):
                obj.close()


pass_ctx = click.make_pass_decorator(Context)


@click.group(cls=KGGroup)
@click.version_option(__version__, prog_name="kg")
@setting_option("store")
@setting_option("base_iri")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and decisions.")
@click.pass_context
def main(ctx: click.Context, store: str | None, base_iri: str | None, verbose: bool) -> None:
    """Knowledge graph of Vietnamese legal and policy documents."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(message)s")
    ctx.obj = Context({"store": store, "base_iri": base_iri})


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: when several files and a terminal).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes reading and extracting (default: one per core, for many files).")
@pass_ctx
def ingest(c: Context, paths: tuple[Path, ...], progress: bool | None,
           jobs: int | None) -> None:
    """Ingest files or folders (.txt, .html, .docx, .pdf) into the store."""
    from tqdm import tqdm

    from kg.ingest import Pipeline

    pipeline = Pipeline(c.store(), base_iri=c.settings["base_iri"])

    def bar(files: list[Path]) -> Iterable[Path]:
        show = progress if progress is not None else (len(files) > 1 and sys.stderr.isatty())
        return tqdm(files, desc="ingest", unit="file", disable=not show)

    report = pipeline.ingest_paths(paths, progress=bar, jobs=jobs)
    for r in report.failed:
        click.echo(f"error: {r.error}", err=True)
    click.echo(f"ingested {len(report.ok)} source(s), "
               f"{sum(r.documents for r in report.ok)} documents, "
               f"{sum(r.relations for r in report.ok)} links, "
               f"{sum(r.triples for r in report.ok)} triples; {len(report.failed)} failed")
    if report.failed:
        sys.exit(2)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a text (the scorer's form).")
def extract(paths: tuple[Path, ...], as_json: bool) -> None:
    """Extract documents, links, bodies and people from texts, without touching the store."""
    from kg.extract import extract_source
    from kg.read import iter_paths, read_path

    failed = 0
    for path in iter_paths(paths):
        try:
            source = read_path(path)
        except KGError as e:
            click.echo(f"error: {e.message}", err=True)
            failed += 1
            continue
        ex = extract_source(source)
        ex.source = str(path)
        if as_json:
            click.echo(json.dumps(ex.to_json(), ensure_ascii=False))
        else:
            click.echo(f"== {path}")
            for d in ex.documents:
                click.echo(f"  {d.id or d.key}  [{d.type}]  {d.date or ''}  {d.mention!r}")
            for r in ex.relations:
                click.echo(f"  {r.source} --{r.rel}--> {r.target}")
    if failed:
        sys.exit(2)


@main.command()
@setting_option("host")
@setting_option("port")
@click.option("--threads", default=8, show_default=True, help="Worker threads of the server.")
@pass_ctx
def serve(c: Context, host: str | None, port: int | None, threads: int) -> None:
    """Serve the web UI and the SPARQL endpoint (waitress, a production WSGI server)."""
    from waitress import serve as waitress_serve

    from kg.runtime import settle
    from web import create_app, warm  # the one place the core reaches the web layer, lazily

    c.settings.update({k: v for k, v in {"host": host, "port": port}.items() if v})
    app = create_app({"KG": c.settings})
    warm(app)  # query workers and templates ready now, not on the first requests
    settle()
    h, p = c.settings["host"], int(c.settings["port"])
    click.echo(f"serving on http://{h}:{p}/  (SPARQL endpoint http://{h}:{p}/sparql)")
    waitress_serve(app, host=h, port=p, threads=threads, ident="kg")


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "tsv"]),
              default="table", show_default=True)
@pass_ctx
def query(c: Context, sparql: str, fmt: str) -> None:
    """Run a SPARQL SELECT or ASK over the store (all sources' graphs as the default graph)."""
    from kg.results import format_rows

    store = c.store()
    if sparql.strip().startswith("@"):
        sparql = Path(sparql.strip()[1:]).read_text(encoding="utf-8")
    from kg.ns import sparql_prefixes

    text = sparql_prefixes() + sparql
    if _query_form(sparql) == "ASK":
        answer = store.ask(text)
        click.echo(json.dumps({"boolean": answer}) if fmt == "json" else str(answer).lower())
        return
    click.echo(format_rows(store.select(text), fmt), nl=False)


def _query_form(sparql: str) -> str:
    import re

    body = re.sub(r"(?im)^\s*(PREFIX|BASE)\s+\S*\s*<[^>]*>\s*", "", sparql)
    body = re.sub(r"(?m)#.*$", "", body).strip()
    return body.split(None, 1)[0].upper() if body else ""


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["nq", "trig", "ttl", "nt", "jsonld"]),
              default="nq", show_default=True)
@click.option("--graph", help="One source's graph IRI (needed for ttl, nt, jsonld).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (default stdout).")
@pass_ctx
def export_cmd(c: Context, fmt: str, graph: str | None, output: Path | None) -> None:
    """Stream the whole store (nq, trig) or one graph (ttl, nt, jsonld)."""
    from rdflib import URIRef

    store = c.store()
    g = URIRef(graph) if graph else None
    if output:
        with output.open("wb") as f:
            store.dump(f, fmt, g)
    else:
        store.dump(sys.stdout.buffer, fmt, g)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["nq", "trig", "ttl", "nt", "jsonld"]),
              default=None, help="Default: from the file's extension.")
@click.option("--graph", help="Target graph for a single-graph format.")
@pass_ctx
def import_cmd(c: Context, file: Path, fmt: str | None, graph: str | None) -> None:
    """Bulk-load a dump (streamed: memory does not grow with the file)."""
    from rdflib import URIRef

    fmt = fmt or {".nq": "nq", ".trig": "trig", ".ttl": "ttl", ".nt": "nt",
                  ".jsonld": "jsonld"}.get(file.suffix, "nq")
    store = c.store()
    before = store.count()
    with file.open("rb") as f:
        store.load(f, fmt, URIRef(graph) if graph else None)
    click.echo(f"imported {store.count() - before} quads from {file}")


@main.command()
@click.option("--rebuild", is_flag=True, help="Build from scratch.")
@pass_ctx
def catalog(c: Context, rebuild: bool) -> None:
    """Build or update the catalog beside the store now (search, pages, analytics index).

    `kg serve` keeps it current in the background; running this after a big import
    spares the server's first minutes.
    """
    from kg.catalog import Catalog

    logging.getLogger("kg.catalog").setLevel(logging.INFO)
    t = time.monotonic()
    cat = Catalog(c.store())
    try:
        done = cat.catch_up(rebuild=rebuild)
    finally:
        cat.close()
    if done is None:
        raise click.ClickException(f"another process is writing {cat.path}")
    click.echo(f"catalog {cat.path}: {done} in {time.monotonic() - t:.1f} s")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def stats(c: Context, as_json: bool) -> None:
    """Counts: documents, bodies, sources, links, triples, documents by type."""
    from kg.query import Queries

    s = Queries(c.store()).stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    for key in ("documents", "bodies", "sources", "links", "triples"):
        click.echo(f"{key:10s} {s[key]}")
    for row in s["by_type"]:
        click.echo(f"  {row.get('label') or row['type']:24s} {row['n']}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def sources(c: Context, as_json: bool) -> None:
    """List stored sources with their ingestion time and extractor version."""
    from dataclasses import asdict

    from kg.query import Queries

    rows = Queries(c.store()).sources()
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"{r.ingested or '-':32s} {r.version or '-':8s} {r.locator}  <{r.graph}>")


@main.command()
@click.argument("graphs", nargs=-1, required=True)
@pass_ctx
def remove(c: Context, graphs: tuple[str, ...]) -> None:
    """Remove sources by graph IRI (what `kg sources` lists): exactly their statements."""
    from kg.ingest import Pipeline

    pipeline = Pipeline(c.store(), base_iri=c.settings["base_iri"])
    for g in graphs:
        pipeline.remove_source(g)
    click.echo(f"removed {len(graphs)} source(s)")


@main.command()
@pass_ctx
def reindex(c: Context) -> None:
    """Extract every stored source again from its kept original, with this extractor."""
    from kg.ingest import Pipeline

    report = Pipeline(c.store(), base_iri=c.settings["base_iri"]).reindex()
    for r in report.failed:
        click.echo(f"error: {r.locator}: {r.error}", err=True)
    click.echo(f"reindexed {len(report.ok)} source(s); {len(report.failed)} failed")
    if report.failed:
        sys.exit(2)


@main.command()
@click.argument("target", type=click.Path(path_type=Path))
@pass_ctx
def backup(c: Context, target: Path) -> None:
    """Copy the embedded store to TARGET (works while the service runs)."""
    c.store().backup(str(target))
    click.echo(f"backed up {c.settings['store']} to {target}")


@main.command("eval")
@setting_option("corpus")
@click.option("--json", "as_json", is_flag=True)
def eval_cmd(corpus: str | None, as_json: bool) -> None:
    """Score extraction on the real corpus (KG_CORPUS) with the shared scorer."""
    from kg.evaluate import evaluate

    folder = Path(corpus or settings.load()["corpus"])
    summary = evaluate(folder)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    for k in ("documents", "relations", "links", "people"):
        s = summary[k]
        click.echo(f"{k:10s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    click.echo(f"dates      accuracy {summary['dates']['accuracy']} over {summary['dates']['n']}")


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, path_type=Path))
@pass_ctx
def validate(c: Context, file: Path | None) -> None:
    """Check the store (or a file) against the SHACL shapes: exit 0 conforms, 1 not, 2 error."""
    from kg import ontology

    if file is not None:
        code, report = ontology.validate_file(file)
    else:
        code, report = ontology.validate_store(c.store())
    click.echo(report)
    sys.exit(code)


from kg.commands import analytics, bench, generate  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    main()
