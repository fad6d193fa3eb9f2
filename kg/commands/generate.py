"""`kg generate`: a realistic synthetic corpus (texts or an N-Quads dump) from a seed."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import Context, main, pass_ctx


@main.command("generate")
@click.option("--documents", "n", type=click.IntRange(min=1), required=True,
              help="How many official documents (news articles come on top: a fifth as many).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed gives the same corpus.")
@click.option("--format", "fmt", type=click.Choice(["nq", "texts"]), default="nq",
              show_default=True, help="An N-Quads dump, or one .txt file per source.")
@click.option("--out", type=click.Path(path_type=Path),
              help="File (nq) or folder (texts); default: stdout for nq, ./generated for texts.")
@click.option("--news-ratio", type=click.FloatRange(min=0), default=0.2, show_default=True,
              help="News articles per document.")
@pass_ctx
def generate_cmd(c: Context, n: int, seed: int, fmt: str, out: Path | None,
                 news_ratio: float) -> None:
    """Generate Vietnam's documents: cascades down the administrative tree, and news."""
    from kg.generate import generate, write_nquads, write_texts

    corpus = generate(n, seed, news_ratio=news_ratio)
    if fmt == "texts":
        folder = out or Path("generated")
        stats = write_texts(corpus, folder)
        click.echo(f"wrote {stats.sources} texts ({stats.documents} documents, {stats.news} "
                   f"news) to {folder}/", err=True)
        return
    if out is None:
        stats = write_nquads(corpus, sys.stdout.buffer, base_iri=c.settings["base_iri"])
    else:
        tmp = out.with_name(out.name + ".part")
        with tmp.open("wb") as f:
            stats = write_nquads(corpus, f, base_iri=c.settings["base_iri"])
        tmp.replace(out)  # a half-written dump never carries the final name
    click.echo(f"wrote {stats.quads} quads of {stats.sources} sources ({stats.documents} "
               f"documents, {stats.news} news) to {out or 'stdout'}", err=True)
