"""``micromoments preview`` and ``micromoments send``: look at one moment, or mail it."""

from __future__ import annotations

import os
import smtplib
import webbrowser
from pathlib import Path

import click

from ..build import MomentBuild, build_catalog
from ..config import ProjectConfig
from ..diagnostics import Severity, suggestion
from ..render.assets import localise_assets
from ..render.brand import Brand
from ..render.fill import SCENARIOS
from ..write.artifacts import folder
from .common import project_config


def _one(moment_id: str) -> tuple[MomentBuild, ProjectConfig, Brand]:
    config = project_config(Path.cwd())
    result = build_catalog(config, only={moment_id})
    built = result.moments.get(moment_id)
    if built is None:
        raise click.ClickException(
            f"no moment {moment_id!r}{suggestion(moment_id, result.catalog.moments)}"
        )
    errors = [d for d in built.diagnostics if d.severity is Severity.ERROR]
    if errors or not built.rendered:
        lines = "\n".join(d.format() for d in errors[:10])
        raise click.ClickException(f"{moment_id} has errors; run `micromoments check`:\n{lines}")
    return built, config, result.brand


def _pick(built: MomentBuild, locale: str | None, variant: str | None) -> tuple[str, str | None]:
    locales = sorted({loc for loc, _v in built.renditions})
    chosen = locale or built.moment.default_locale
    if chosen not in locales:
        raise click.BadParameter(f"{chosen!r} is not rendered; locales: {', '.join(locales)}",
                                 param_hint="--locale")  # fmt: skip
    variants = [v for loc, v in built.renditions if loc == chosen]
    if variant not in variants:
        if variant is None:
            variant = variants[0]
        else:
            shown = ", ".join(str(v) for v in variants)
            raise click.BadParameter(f"no variant {variant!r}; variants: {shown}",
                                     param_hint="--variant")  # fmt: skip
    return chosen, variant


@click.command()
@click.argument("moment_id")
@click.option("--locale", default=None, help="Locale to show (default: the default locale).")
@click.option("--variant", default=None, help="Experiment variant (default: the control).")
@click.option(
    "--scenario",
    type=click.Choice(sorted(SCENARIOS)),
    default="sample",
    show_default=True,
    help="sample data, or missing-data to see every fallback.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the email in a browser.")
def preview(moment_id: str, locale: str | None, variant: str | None, scenario: str,
            open_browser: bool) -> int:  # fmt: skip
    """Show one moment as the customer gets it: email (HTML file), SMS and push in the terminal."""
    built, config, brand = _one(moment_id)
    root = config.root
    locale, variant = _pick(built, locale, variant)
    shown = built.previews[(locale, variant, scenario)]
    click.echo(click.style(f"{built.moment.title_in(locale)} · {locale}"
                           f"{' · ' + variant if variant else ''} · {scenario}", bold=True))  # fmt: skip
    if shown.email is not None:
        out = (
            root
            / ".cache"
            / "micromoments"
            / "preview"
            / f"{moment_id}.{locale}.{variant or 'main'}.{scenario}.html"
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        html, _files = localise_assets(shown.email.html, brand, config.templates_path,
                                       lambda file: Path(os.path.relpath(file, out.parent)).as_posix())  # fmt: skip
        out.write_text(html, encoding="utf-8")
        click.echo(f"\nEmail  Subject: {shown.email.subject}")
        click.echo(f"       Preheader: {shown.email.preheader}")
        click.echo(f"       HTML: {out.relative_to(root)}")
        click.echo("\n" + shown.email.text)
        if open_browser:
            webbrowser.open(out.as_uri())
    if shown.sms is not None:
        click.echo(click.style("SMS", bold=True) + "\n" + shown.sms + "\n")
    if shown.push is not None:
        click.echo(click.style("Push", bold=True) + f"\n{shown.push.title}\n{shown.push.body}"
                   + (f"\n→ {shown.push.link}" if shown.push.link else "") + "\n")  # fmt: skip
    if shown.in_app is not None:
        click.echo(
            click.style("In-app", bold=True) + f"\n{shown.in_app.title}\n{shown.in_app.body}\n"
        )
    if shown.web is not None:
        click.echo(
            click.style("Web", bold=True) + f" {shown.web.title} ({len(shown.web.html)} bytes)"
        )
    return 0


@click.command()
@click.argument("moment_id")
@click.option("--to", "to", required=True, help="Recipient address for the test send.")
@click.option("--smtp", default="localhost:25", show_default=True, help="SMTP server host:port.")
@click.option("--locale", default=None, help="Locale to send (default: the default locale).")
@click.option("--variant", default=None, help="Experiment variant (default: the control).")
@click.option("--starttls", is_flag=True, help="Upgrade the connection with STARTTLS.")
def send(moment_id: str, to: str, smtp: str, locale: str | None, variant: str | None,
         starttls: bool) -> int:  # fmt: skip
    """Send a moment's email.eml (the sample-data message) to an address over SMTP."""
    built, _config, _brand = _one(moment_id)
    locale, variant = _pick(built, locale, variant)
    name = folder(locale, variant) + "email.eml"
    message = built.artifacts.get(name)  # (preview and send build without a sink: all in memory)
    if message is None:
        raise click.ClickException(f"{moment_id} has no email")
    host, _, port = smtp.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("write it as host:port, e.g. localhost:1025", param_hint="--smtp")
    envelope_from = built.moment.id + "@micromoments.invalid"
    try:
        with smtplib.SMTP(host, int(port), timeout=30) as server:
            if starttls:
                server.starttls()
            server.sendmail(envelope_from, [to], message)
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(f"could not send through {smtp}: {error}") from None
    click.echo(f"Sent {moment_id} ({locale}{'/' + variant if variant else ''}) to {to} via {smtp}.")
    return 0
