"""``micromoments schema`` and ``micromoments rules``: reference material from the code."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..allrules import all_rules
from ..rules_doc import rules_markdown
from ..schema import SCHEMAS, render_schema, write_schemas


@click.command()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write moment/journey/tones.schema.json into.",
)
@click.option(
    "--print",
    "print_name",
    type=click.Choice(sorted(SCHEMAS)),
    default=None,
    help="Print one schema to stdout instead of writing files.",
)
def schema(out: Path, print_name: str | None) -> int:
    """Write JSON Schemas of the spec files (for editors and CI)."""
    if print_name:
        click.echo(render_schema(print_name), nl=False)
        return 0
    for file in write_schemas(out):
        click.echo(f"Wrote {file}")
    return 0


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
def rules(fmt: str) -> int:
    """List every rule with its id, default severity and summary."""
    ordered = sorted(all_rules().values(), key=lambda r: r.id)
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "severity": r.severity.label,
                                "family": r.family, "summary": r.summary} for r in ordered],
                              indent=2, ensure_ascii=False))  # fmt: skip
    elif fmt == "markdown":
        click.echo(rules_markdown(), nl=False)
    else:
        for r in ordered:
            click.echo(f"{r.id}  {r.severity.label:<7}  {r.name:<28} {r.summary}")
    return 0
