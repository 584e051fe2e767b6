"""``micromoments check``: validate every moment and print diagnostics like a compiler."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import Severity
from ..load import load_catalog
from ..output import format_json, format_text, summary
from .common import project_config, style_for


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path), default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for tools.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (for pre-commit and CI).")
@click.option("--no-source", is_flag=True, help="Do not print the source line under each problem.")
def check(path: Path | None, fmt: str, strict: bool, no_source: bool) -> int:
    """Check the moments in PATH (a moments folder, a spec file, or the project).

    Prints `file:line:col: RULE message` with a hint for every problem in every file, then a
    summary. Exits 1 when there are errors (or warnings, with --strict).
    """
    target = (path or Path.cwd()).resolve()
    if not target.exists():
        raise click.ClickException(f"{path}: no such file or folder")
    config = project_config(target if target.is_dir() else target.parent)
    catalog = load_catalog(config)
    diagnostics = catalog.report.sorted()
    if target.is_file() or target != config.root and target != config.moments_path:
        diagnostics = [d for d in diagnostics
                       if _within(config.root / d.path, target)]  # fmt: skip
    if fmt == "json":
        click.echo(format_json(diagnostics, len(catalog.moments)))
    else:
        text = format_text(diagnostics, root=config.root, style=style_for(sys.stdout.isatty()),
                           show_source=not no_source)  # fmt: skip
        if text:
            click.echo(text)
            click.echo("")
        click.echo(summary(diagnostics, 0, len(catalog.moments)))
    failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
    return 1 if any(d.severity in failing for d in diagnostics) else 0


def _within(file: Path, target: Path) -> bool:
    try:
        file.resolve().relative_to(target)
    except ValueError:
        return False
    return True
