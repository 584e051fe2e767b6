"""``micromoments build``: the production modules of every moment, written to a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..build import CATALOG_ZIP, CatalogBuild, MomentBuild, build_catalog
from ..config import DIALECTS
from ..diagnostics import Severity
from ..output import format_text, summary
from ..write.atomic import staged_folder, write_bytes
from ..write.zips import ZipMerger
from .common import project_config, style_for


class _Failed(Exception):
    """The build found problems; the staged output is thrown away."""


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
    target = out if out.is_absolute() else config.root / out
    failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
    written = 0
    try:
        with staged_folder(target) as staging, (staging / CATALOG_ZIP).open("wb") as catalog_zip:
            merger = ZipMerger(catalog_zip)

            def sink(_result: CatalogBuild, built: MomentBuild) -> None:
                # each moment goes to disk as soon as it is built: memory stays flat
                nonlocal written
                mid = built.moment.id
                for name, data in built.artifacts.items():
                    write_bytes(staging / mid / name, data)
                if built.zip:
                    write_bytes(staging / f"{mid}.zip", built.zip)
                    merger.add_zip(built.zip)
                    written += len(built.artifacts) + 1

            if sys.stderr.isatty():
                with click.progressbar(length=1, label="Rendering moments", file=sys.stderr) as bar:

                    def step(done: int, total: int) -> None:
                        bar.length = total
                        bar.update(1)

                    result = build_catalog(config, dialect=dialect, progress=step, sink=sink)  # type: ignore[arg-type]
            else:
                result = build_catalog(config, dialect=dialect, sink=sink)  # type: ignore[arg-type]
            diagnostics = result.report.sorted()
            shown = [d for d in diagnostics if d.severity is not Severity.INFO]
            text = format_text(shown, root=config.root, style=style_for(sys.stdout.isatty()))
            if text:
                click.echo(text + "\n")
            click.echo(summary(diagnostics, len(result.catalog.moments), infos_shown=False))
            if any(d.severity in failing for d in diagnostics):
                merger.discard()
                raise _Failed
            catalog = result.artifacts["catalog.json"]
            write_bytes(staging / "catalog.json", catalog)
            merger.add("catalog.json", catalog)
            merger.close()
            written += 2
    except _Failed:
        click.echo(f"Nothing written; {out} is unchanged.", err=True)
        return 1
    moments = sum(1 for b in result.moments.values() if b.sizes)
    shown_target = target.relative_to(config.root) if target.is_relative_to(config.root) else target
    click.echo(f"Wrote {written} files for {moments} moments to {shown_target} ({result.dialect}).")
    return 0
