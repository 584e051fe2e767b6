"""The ``micromoments`` command line: a thin adapter over the core."""

from __future__ import annotations

import sys

import click

from .. import __version__
from .build_cmd import build
from .check import check
from .new import new
from .preview_cmd import preview, send
from .results_cmd import results
from .schema_cmd import rules, schema


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="micromoments")
def cli() -> None:
    """Build and check a micro-moment design system: specs in, catalog and modules out."""


cli.add_command(check)
cli.add_command(build)
cli.add_command(preview)
cli.add_command(send)
cli.add_command(new)
cli.add_command(schema)
cli.add_command(rules)
cli.add_command(results)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        result = cli.main(args=argv, prog_name="micromoments", standalone_mode=False)
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
