"""Helpers shared by the CLI commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..config import ConfigError, ProjectConfig, load_project_config


def project_config(start: Path, **overrides: Any) -> ProjectConfig:
    """The project's configuration, or a clean CLI error naming the problem."""
    try:
        return load_project_config(start, **overrides)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


def style_for(stream_is_tty: bool) -> Any:
    """click.style when writing to a terminal, plain text otherwise."""
    if stream_is_tty:
        return click.style
    return lambda text, **_: text
