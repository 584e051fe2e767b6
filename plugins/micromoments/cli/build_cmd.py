"""``micromoments build``: the production modules of every moment, written to a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import build_catalog
from ..config import DIALECTS
from ..diagnostics import Severity
from ..output import format_text, summary
from ..write.output import write_tree
from .common import project_config, style_for


@click.command()
@click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default=None,
    help="Merge-tag dialect (default: the one in mkdocs.yml).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder to write the modules into (replaced as a whole).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def build(dialect: str | None, out: Path, strict: bool) -> int:
    """Render, check and write every moment's modules (email, SMS, push, web) and zips.

    A failed build writes nothing: the previous output stays as it was.
    """
    config = project_config(Path.cwd())
    if sys.stderr.isatty():
        with click.progressbar(length=1, label="Rendering moments", file=sys.stderr) as bar:

            def step(done: int, total: int) -> None:
                bar.length = total
                bar.update(1)

            result = build_catalog(config, dialect=dialect, progress=step)  # type: ignore[arg-type]
    else:
        result = build_catalog(config, dialect=dialect)  # type: ignore[arg-type]
    diagnostics = result.report.sorted()
    shown = [d for d in diagnostics if d.severity is not Severity.INFO]
    text = format_text(shown, root=config.root, style=style_for(sys.stdout.isatty()))
    if text:
        click.echo(text + "\n")
    click.echo(summary(diagnostics, len(result.catalog.moments), infos_shown=False))
    failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
    if any(d.severity in failing for d in diagnostics):
        click.echo(f"Nothing written; {out} is unchanged.", err=True)
        return 1
    target = out if out.is_absolute() else config.root / out
    write_tree(result.artifacts, target)
    moments = sum(1 for b in result.moments.values() if b.artifacts)
    click.echo(f"Wrote {len(result.artifacts)} files for {moments} moments to "
               f"{target.relative_to(config.root) if target.is_relative_to(config.root) else target} "
               f"({result.dialect}).")  # fmt: skip
    return 0
