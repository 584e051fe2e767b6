"""Push checks: how much of the title and body the lock screen shows, and the payload size."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..diagnostics import Position, Report, Severity, rule
from ..model import Channel, Moment
from ..text.push import MAX_PAYLOAD_BYTES, PushLimits, PushMessage, analyse_push

TITLE_LENGTH = rule(
    "MM601", "push-title-length", Severity.WARNING, "push",
    "The push title is longer than a platform shows (defaults: iOS 50, Android 65 characters; "
    "options push_ios_title, push_android_title); the end is cut off.",
    bad="Title: Din ordre er nu pakket og afsendt fra vores lager i Kolding",
    good="Title: Din ordre er på vej",
    fix="put the news first and keep the title short; details go in the body",
)  # fmt: skip
BODY_LENGTH = rule(
    "MM602", "push-body-length", Severity.WARNING, "push",
    "The push body is longer than a platform shows (defaults: iOS 178 characters on the lock "
    "screen, Android 55 when collapsed; options push_ios_body, push_android_body).",
    bad="Vi har pakket din ordre, og den bliver afleveret af GLS i morgen mellem 8 og 16.",
    good="GLS afleverer den i morgen mellem 8 og 16.",
    fix="say the one thing the customer needs in the first 55 characters",
)  # fmt: skip
PAYLOAD_SIZE = rule(
    "MM603", "push-payload-size", Severity.ERROR, "push",
    f"The push payload is larger than {MAX_PAYLOAD_BYTES:,} bytes, which APNs and FCM reject.",
    bad="A push body with a whole order summary pasted in.",
    good="A short body and a deep link to the order.",
    fix="shorten the title and body; link to the details",
)  # fmt: skip


def _lengths(over: Mapping[str, int]) -> str:
    return ", ".join(f"{platform} shows about {limit}" for platform, limit in over.items())


def check_push(
    moment: Moment,
    rendered: Mapping[tuple[str, str | None], PushMessage],
    options: Mapping[str, Any],
    report: Report,
) -> None:
    """Check each rendered push message ((locale, variant) → message) of ``moment``."""
    limits = PushLimits.from_options(options)
    for (locale, variant), message in rendered.items():
        section = moment.section(locale, Channel.PUSH, variant)
        path = section.path if section else moment.path
        heading = section.heading if section else Position(0, 0)
        analysis = analyse_push(message)
        title_over = analysis.title_over(limits)
        if title_over:
            title = section.fields.get("title") if section else None
            report.add(
                TITLE_LENGTH.id, path, title.pos if title else heading,
                f"the title has {analysis.title_length} characters; {_lengths(title_over)}",
                moment=moment.id,
            )  # fmt: skip
        body_over = analysis.body_over(limits)
        if body_over:
            report.add(
                BODY_LENGTH.id, path, Position(section.body_line, 1) if section else heading,
                f"the body has {analysis.body_length} characters; {_lengths(body_over)}",
                moment=moment.id,
            )  # fmt: skip
        payload_over = analysis.payload_over()
        if payload_over:
            sizes = " and ".join(
                f"{size:,} bytes for {name}" for name, size in payload_over.items()
            )
            report.add(
                PAYLOAD_SIZE.id, path, heading,
                f"the payload is {sizes}; the limit is {MAX_PAYLOAD_BYTES:,}",
                moment=moment.id,
            )  # fmt: skip
