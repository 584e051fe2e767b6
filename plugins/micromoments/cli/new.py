"""``micromoments new``: scaffold a moment spec that passes the checks."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..diagnostics import Report, suggestion
from ..load.loader import load_context
from ..model import Channel
from ..scaffold import default_tone, scaffold
from .common import project_config


def _channels(value: str) -> list[Channel]:
    out: list[Channel] = []
    for name in (v.strip() for v in value.split(",") if v.strip()):
        try:
            out.append(Channel(name.lower()))
        except ValueError:
            raise click.BadParameter(
                f"unknown channel {name!r}{suggestion(name, [c.value for c in Channel])}; "
                "channels are email, sms, push, web, in-app"
            ) from None
    if not out:
        raise click.BadParameter("name at least one channel, e.g. --channels email,sms")
    return out


@click.command()
@click.argument("moment_id")
@click.option("--phase", required=True, help="A phase id from moments/journey.yml.")
@click.option(
    "--channels",
    "channels_text",
    default="email",
    show_default=True,
    help="Comma-separated: email, sms, push, web, in-app.",
)
@click.option("--tone", default=None, help="A tone id from tones.yml (default: the first).")
@click.option("--title", default=None, help="The moment's title (default: from the id).")
@click.option("--dir", "folder", default=None, help="Subfolder of moments/ to write into.")
def new(moment_id: str, phase: str, channels_text: str, tone: str | None, title: str | None,
        folder: str | None) -> int:  # fmt: skip
    """Create moments/MOMENT_ID.md with every key and placeholder copy."""
    if not re.match(r"^[a-z0-9][a-z0-9-]*$", moment_id):
        raise click.BadParameter("use lower-case letters, digits and dashes, e.g. order-shipped",
                                 param_hint="MOMENT_ID")  # fmt: skip
    channels = _channels(channels_text)
    config = project_config(Path.cwd())
    ctx = load_context(config, Report())
    if ctx.journey is not None and phase not in ctx.journey.phases:
        raise click.BadParameter(
            f"unknown phase {phase!r}{suggestion(phase, ctx.journey.phases)}; "
            f"phases: {', '.join(ctx.journey.phases)}", param_hint="--phase")  # fmt: skip
    tone = tone or default_tone(ctx)
    if ctx.tones and tone not in ctx.tones:
        raise click.BadParameter(
            f"unknown tone {tone!r}{suggestion(tone, ctx.tones)}; tones: {', '.join(ctx.tones)}",
            param_hint="--tone")  # fmt: skip
    target_dir = config.moments_path / (folder or "")
    existing = list(config.moments_path.rglob(f"{moment_id}.md"))
    if existing:
        raise click.ClickException(f"{existing[0].relative_to(config.root)} already exists")
    target = target_dir / f"{moment_id}.md"
    target_dir.mkdir(parents=True, exist_ok=True)
    text = scaffold(moment_id, phase=phase, channels=channels, tone=tone,
                    title=title or moment_id.replace("-", " ").capitalize())  # fmt: skip
    target.write_text(text, encoding="utf-8")
    click.echo(f"Created {target.relative_to(config.root)}")
    click.echo("Next: fill in the trigger, data and copy, then run `micromoments check`.")
    return 0
