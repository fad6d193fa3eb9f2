"""`kg bench`: the benchmark table (and JSON under bench-results/)."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import main


def _sizes(value: str | None) -> list[int] | None:
    if not value:
        return None
    try:
        return [int(x.replace("_", "")) for x in value.split(",") if x.strip()]
    except ValueError as e:
        raise click.BadParameter(f"sizes are numbers separated by commas: {value!r}") from e


@main.command("bench")
@click.option("--quick", is_flag=True, help="Small sizes and short runs (under 5 minutes).")
@click.option("--sizes", help="Generated corpus sizes in documents, e.g. 10000,100000,1000000.")
@click.option("--json", "json_path", type=click.Path(path_type=Path),
              help="Where to write the JSON (default bench-results/bench-<time>.json).")
@click.option("--markdown", type=click.Path(path_type=Path),
              help="Also write the table, with the command, to this Markdown file.")
@click.option("--repeats", type=click.IntRange(min=1), help="Runs per measure (median kept).")
@click.option("--mix-seconds", type=float, help="Seconds per concurrency level of the mix.")
@click.option("--ingest-docs", type=click.IntRange(min=1),
              help="Documents of the generated corpus ingested end to end.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--virtuoso/--no-virtuoso", default=True, help="Compare with Virtuoso.")
@click.option("--rdflib/--no-rdflib", "rdflib_sparql", default=True,
              help="Compare with rdflib behind the same endpoint.")
def bench_cmd(quick: bool, sizes: str | None, json_path: Path | None, markdown: Path | None,
              repeats: int | None, mix_seconds: float | None, ingest_docs: int | None,
              seed: int, virtuoso: bool, rdflib_sparql: bool) -> None:
    """Measure extraction, ingest, bulk import, SPARQL, analytics, pages and memory."""
    import sys

    from kg.bench import Config, run, save, table

    cfg = Config.quick_config() if quick else Config()
    for key, value in (("sizes", _sizes(sizes)), ("repeats", repeats),
                       ("mix_seconds", mix_seconds), ("ingest_docs", ingest_docs)):
        if value is not None:
            setattr(cfg, key, value)
    cfg.seed, cfg.virtuoso, cfg.rdflib_sparql = seed, virtuoso, rdflib_sparql
    report = run(cfg, log=lambda s: click.echo(s, err=True))
    text = table(report)
    click.echo(text)
    path = save(report, json_path)
    click.echo(f"JSON: {path}", err=True)
    if markdown:
        command = "kg " + " ".join(sys.argv[1:])
        markdown.write_text(f"Made with `{command}`.\n\n{text}", encoding="utf-8")
