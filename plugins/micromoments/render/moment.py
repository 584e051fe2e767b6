"""Rendering one moment: every locale, experiment variant and channel, with slot tokens.

Everything per moment happens here and depends on nothing but the moment, the shared context
and the brand, so moments render independently (in parallel, and cached by content hash).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..context import Context
from ..diagnostics import Diagnostic, Position, Report
from ..model import Channel, DataField, Moment
from ..model.moment import CopySection
from .brand import Brand
from .document import Problem
from .email import check_assets, render_email
from .markdown import parse_copy
from .messages import push_message, sms_text
from .mjml import to_mjml
from .outputs import EmailOut, Rendition, WebOut
from .plaintext import email_text
from .protect import Slots
from .web import to_web_html

PLATFORM_UNSUBSCRIBE = "unsubscribe_url"


@dataclass
class MomentRender:
    """The renditions of one moment and the problems found while rendering it."""

    renditions: list[Rendition] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def variants(moment: Moment) -> list[str | None]:
    """Experiment variant ids (control first), or ``[None]`` without an experiment."""
    if moment.spec is not None and moment.spec.experiment is not None:
        return list(moment.spec.experiment.variants)
    return [None]


def pick_section(
    moment: Moment, locale: str, channel: Channel, variant: str | None
) -> tuple[CopySection | None, bool]:
    """The copy for a channel: the variant's own section, else the unmarked (control) one.

    Returns the section and whether it was borrowed from the default locale.
    """
    keys: list[str | None] = [variant, None] if variant is not None else [None]
    for locale_tried in dict.fromkeys([locale, moment.default_locale]):
        translation = moment.translations.get(locale_tried)
        if translation is None:
            continue
        for key in keys:
            found = translation.sections.get((channel, key))
            if found is not None:
                return found, locale_tried != locale
    return None, False


def platform_data(moment: Moment, brand: Brand) -> dict[str, DataField]:
    """Variables the ESP provides to the layout (the unsubscribe link of marketing mail)."""
    spec = moment.spec
    if spec is None or spec.email.kind != "marketing" or "{{" not in brand.unsubscribe_url:
        return {}
    if PLATFORM_UNSUBSCRIBE in spec.data:
        return {}
    site = brand.website or "https://example.com/"
    return {
        PLATFORM_UNSUBSCRIBE: DataField(
            type="url",
            source="ESP",
            required=True,
            description="The one-click unsubscribe link your ESP provides.",
            example=f"{site.rstrip('/')}/afmeld?token=eksempel",
            merge_tags={"mailchimp": "UNSUB"},
        )
    }


def render_moment(moment: Moment, ctx: Context, brand: Brand) -> MomentRender:
    """Render every locale × variant of a moment with a valid spec."""
    out = MomentRender()
    spec = moment.spec
    if spec is None:
        return out
    report = Report(ctx.config.rules)
    extra = platform_data(moment, brand)
    for locale in moment.translations:
        data = {**moment.data_in(locale), **extra}
        direction = ctx.journey.direction(locale) if ctx.journey else "ltr"
        for variant in variants(moment):
            slots = Slots()
            borrowed: list[str] = []
            parts: dict[str, object] = {}
            for channel in spec.channels:
                section, was_borrowed = pick_section(moment, locale, channel, variant)
                if section is None:
                    continue  # reported by the copy checks (MM130)
                if was_borrowed:
                    borrowed.append(channel.value)
                parts[channel.value] = _render_channel(
                    channel, section, moment, ctx, brand, slots, locale, direction, report
                )
            out.renditions.append(
                Rendition(
                    moment=moment.id,
                    locale=locale,
                    variant=variant,
                    direction=direction,
                    slots=slots.slots,
                    data=data,
                    email=parts.get("email"),  # type: ignore[arg-type]
                    sms=parts.get("sms"),  # type: ignore[arg-type]
                    push=parts.get("push"),  # type: ignore[arg-type]
                    web=parts.get("web"),  # type: ignore[arg-type]
                    in_app=parts.get("in-app"),  # type: ignore[arg-type]
                    borrowed=tuple(borrowed),
                )
            )
    out.diagnostics = report.diagnostics
    return out


def _render_channel(
    channel: Channel,
    section: CopySection,
    moment: Moment,
    ctx: Context,
    brand: Brand,
    slots: Slots,
    locale: str,
    direction: str,
    report: Report,
) -> object:
    if channel is Channel.SMS:
        return sms_text(section, slots)
    if channel in (Channel.PUSH, Channel.IN_APP):
        return push_message(section, slots)
    doc = parse_copy(slots.protect(section.body))
    problems: list[Problem] = list(doc.problems)
    templates = ctx.config.templates_path
    if channel is Channel.WEB:
        title = slots.protect(section.field_value("title") or moment.title_in(locale)).text
        html = to_web_html(doc, brand, locale=locale, direction=direction, title=title,
                           asset_base=brand.asset_base_url)  # fmt: skip
        problems.extend(check_assets(doc, templates))
        _report(problems, section, moment, report, ctx.config.root)
        return WebOut(title, html)
    assert moment.spec is not None
    settings = moment.spec.email
    subject = slots.protect(section.field_value("subject")).text
    preheader = slots.protect(section.field_value("preheader")).text
    unsubscribe = (
        slots.protect(brand.unsubscribe_url).text if settings.kind == "marketing" else None
    )
    content = to_mjml(doc, brand, asset_base=brand.asset_base_url)
    email = render_email(
        settings.template,
        content,
        subject=subject,
        preheader=preheader,
        locale=locale,
        direction=direction,
        kind=settings.kind,
        brand=brand,
        templates_path=templates,
        asset_base=brand.asset_base_url,
        unsubscribe_url=unsubscribe,
        root=ctx.config.root,
    )
    problems.extend(email.problems)
    problems.extend(check_assets(doc, templates))
    _report(problems, section, moment, report, ctx.config.root)
    text = email_text(doc, brand, kind=settings.kind, locale=locale, unsubscribe_url=unsubscribe)
    return EmailOut(
        subject=subject,
        preheader=preheader,
        html=email.html,
        text=text,
        mjml=email.mjml,
        template=settings.template,
        kind=settings.kind,
    )


def _report(
    problems: list[Problem], section: CopySection, moment: Moment, report: Report, root: Path
) -> None:
    for p in problems:
        if p.path is None:
            line = section.body_line + p.line - 1 if p.line else section.heading.line
            report.add(p.rule, section.path, Position(line, p.col or 1), p.message, p.hint,
                       moment=moment.id)  # fmt: skip
        else:
            report.add(p.rule, p.path, Position(p.line, p.col) if p.line else Position(),
                       p.message, p.hint, moment=moment.id)  # fmt: skip
