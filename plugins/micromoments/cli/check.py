"""``micromoments check``: validate every moment and print diagnostics like a compiler."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..build import build_catalog
from ..config import ProjectConfig
from ..diagnostics import Diagnostic, Severity
from ..load import load_catalog
from ..output import format_json, format_text, summary
from .common import project_config, style_for


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path), default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (for pre-commit and CI).")
@click.option("--no-source", is_flag=True, help="Do not print the source line under each problem.")
@click.option("--watch", is_flag=True, help="Check again whenever a spec changes (Ctrl-C stops).")
@click.option(
    "--infos",
    "show_infos",
    is_flag=True,
    help="Print info diagnostics too (client notes, partial support).",
)
@click.option(
    "--specs-only",
    is_flag=True,
    help="Check the specs without rendering (skips the email, SMS, push and client rules).",
)
def check(
    path: Path | None,
    fmt: str,
    strict: bool,
    no_source: bool,
    watch: bool,
    show_infos: bool,
    specs_only: bool,
) -> int:
    """Check the moments in PATH (a moments folder, a spec file, or the project).

    Prints `file:line:col: RULE message` with a hint for every problem in every file, then a
    summary. Exits 1 when there are errors (or warnings, with --strict).
    """
    target = (path or Path.cwd()).resolve()
    if not target.exists():
        raise click.ClickException(f"{path}: no such file or folder")
    config = project_config(target if target.is_dir() else target.parent)
    if not watch:
        return _check_once(config, target, fmt, strict, no_source, specs_only, show_infos)
    seen = None
    try:
        while True:
            state = _snapshot(config)
            if state != seen:
                seen = state
                click.echo(f"micromoments: checking {config.moments_dir}/")
                _check_once(config, target, fmt, strict, no_source, specs_only, show_infos)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0


def _check_once(config: ProjectConfig, target: Path, fmt: str, strict: bool,
                no_source: bool, specs_only: bool, show_infos: bool = False) -> int:  # fmt: skip
    if specs_only:
        catalog = load_catalog(config)
        report = catalog.report
    else:  # render too: the email, SMS, push and client-support rules need the output
        built = build_catalog(config, package_files=False)
        catalog, report = built.catalog, built.report
    diagnostics = _within_target(report.sorted(), config, target)
    suppressed = _within_target(sorted(report.suppressed, key=Diagnostic.sort_key), config, target)
    if fmt == "json":
        click.echo(format_json(diagnostics, len(catalog.moments), suppressed))
    else:
        shown = [d for d in diagnostics if show_infos or d.severity is not Severity.INFO]
        text = format_text(shown, root=config.root, style=style_for(sys.stdout.isatty()),
                           show_source=not no_source)  # fmt: skip
        if text:
            click.echo(text)
            click.echo("")
        click.echo(summary(diagnostics, len(catalog.moments), infos_shown=show_infos))
    failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
    return 1 if any(d.severity in failing for d in diagnostics) else 0


def _within_target(diagnostics: list[Diagnostic], config: ProjectConfig,
                   target: Path) -> list[Diagnostic]:  # fmt: skip
    if target in (config.root, config.moments_path.resolve()):
        return diagnostics
    kept = []
    for d in diagnostics:
        try:
            (config.root / d.path).resolve().relative_to(target)
        except ValueError:
            continue
        kept.append(d)
    return kept


def _snapshot(config: ProjectConfig) -> tuple[tuple[str, float, int], ...]:
    files: list[Path] = []
    for folder in (config.moments_path, config.templates_path):
        if folder.is_dir():
            files.extend(p for p in folder.rglob("*") if p.is_file())
    mkdocs_yml = config.root / "mkdocs.yml"
    if mkdocs_yml.is_file():
        files.append(mkdocs_yml)
    out = []
    for p in sorted(files):
        try:
            stat = p.stat()
        except OSError:
            continue
        out.append((str(p), stat.st_mtime, stat.st_size))
    return tuple(out)
