"""Splitting a moment's Markdown body into the rationale and one copy section per channel.

Free Markdown here is the rationale, shown to stakeholders.

## Email            <- a channel heading starts a copy section
Subject: ...        <- fields: `Name: value` lines right below the heading
Preheader: ...

### Tak for din ordre!   <- the body: Markdown with {{ variables }}

## SMS [B]          <- the copy of variant B of an experiment
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..diagnostics import Position, Report, Severity, rule, suggestion
from ..fences import fence_mask
from ..model.moment import Channel, CopyField, CopySection
from ..suppress import comment_lines

DUPLICATE_SECTION = rule(
    "MM132", "duplicate-section", Severity.ERROR, "copy",
    "The same channel (and variant) has two copy sections in one file.",
    bad="## Email\n...\n## Email\n...",
    good="## Email\n...\n## SMS\n...",
    fix="merge the two sections or remove one",
)  # fmt: skip
UNKNOWN_SECTION = rule(
    "MM133", "unknown-section", Severity.ERROR, "copy",
    "A level-2 heading that looks like a channel but is not one (usually a typo).",
    bad="## Emial\nSubject: Tak for din ordre",
    good="## Email\nSubject: Tak for din ordre",
    fix="channel headings are: ## Email, ## SMS, ## Push, ## Web, ## In-app",
)  # fmt: skip
UNKNOWN_FIELD = rule(
    "MM134", "unknown-field", Severity.WARNING, "copy",
    "A `Name: value` line at the top of a section that looks like a misspelt field.",
    bad="## Email\nSubjekt: Tak for din ordre",
    good="## Email\nSubject: Tak for din ordre",
)  # fmt: skip
EMPTY_SECTION = rule(
    "MM138", "empty-section", Severity.ERROR, "copy",
    "A copy section has no body text.",
    bad="## SMS\n\n## Push",
    good="## SMS\nTak for din ordre {{ order_number }}. Følg den her: {{ order_url }}",
    fix="write the message below the heading, or remove the heading",
)  # fmt: skip
MISSING_FIELD = rule(
    "MM139", "missing-field", Severity.ERROR, "copy",
    "A field the channel cannot do without is missing (Subject for email, Title for push).",
    bad="## Email\n\nHej {{ first_name }}",
    good="## Email\nSubject: Tak for din ordre\n\nHej {{ first_name }}",
)  # fmt: skip

FIELDS: dict[Channel, tuple[str, ...]] = {
    Channel.EMAIL: ("subject", "preheader"),
    Channel.SMS: (),
    Channel.PUSH: ("title", "link"),
    Channel.WEB: ("title",),
    Channel.IN_APP: ("title", "link"),
}
REQUIRED_FIELDS: dict[Channel, tuple[str, ...]] = {
    Channel.EMAIL: ("subject",),
    Channel.PUSH: ("title",),
}
ALL_FIELDS = sorted({f for fs in FIELDS.values() for f in fs})

_HEADING = re.compile(
    r"^##[ \t]+(?P<name>[^\[\n]*?)[ \t]*(?:\[(?P<variant>[^\]\n]*)\])?[ \t]*#*[ \t]*$"
)
_FIELD = re.compile(r"^(?P<name>[A-Za-z][A-Za-z -]{0,20}?)[ \t]*:[ \t]*(?P<value>.*)$")
_CHANNEL_NAMES = {
    "email": Channel.EMAIL,
    "e-mail": Channel.EMAIL,
    "sms": Channel.SMS,
    "push": Channel.PUSH,
    "web": Channel.WEB,
    "in-app": Channel.IN_APP,
    "inapp": Channel.IN_APP,
    "in app": Channel.IN_APP,
}


@dataclass
class ParsedBody:
    """The rationale and the copy sections of one file."""

    rationale: str
    rationale_line: int
    sections: dict[tuple[Channel, str | None], CopySection] = field(default_factory=dict)


def _channel_of(name: str) -> Channel | None:
    return _CHANNEL_NAMES.get(name.strip().lower())


def _looks_like_channel(name: str) -> str | None:
    import difflib

    match = difflib.get_close_matches(name.strip().lower(), list(_CHANNEL_NAMES), n=1, cutoff=0.7)
    return match[0] if match else None


def parse_body(
    body: str,
    body_line: int,
    *,
    path: str,
    locale: str,
    report: Report,
    moment: str | None = None,
) -> ParsedBody:
    """Split ``body`` (which starts on file line ``body_line``) into rationale and sections."""
    lines = body.split("\n")
    starts: list[tuple[int, Channel, str | None, str]] = []  # (index, channel, variant, name)
    fenced = fence_mask(lines)
    for index, line in enumerate(lines):
        if fenced[index]:
            continue
        heading = _HEADING.match(line)
        if not heading:
            continue
        name = heading.group("name")
        channel = _channel_of(name)
        variant = heading.group("variant")
        if channel is not None:
            starts.append((index, channel, variant.strip() if variant else None, name))
        elif _looks_like_channel(name):
            headings = [c.heading for c in Channel]
            report.add(
                UNKNOWN_SECTION.id, path, Position(body_line + index, 4),
                f"unknown copy section {name.strip()!r}{suggestion(name.strip(), headings)}",
                moment=moment,
            )  # fmt: skip

    first = starts[0][0] if starts else len(lines)
    parsed = ParsedBody(rationale="\n".join(lines[:first]).strip("\n"), rationale_line=body_line)
    for n, (index, channel, variant, _name) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        heading_pos = Position(body_line + index, 1)
        if (channel, variant) in parsed.sections:
            other = parsed.sections[(channel, variant)].heading.line
            report.add(
                DUPLICATE_SECTION.id, path, heading_pos,
                f"a second {channel.heading} section (the first is on line {other})",
                moment=moment,
            )  # fmt: skip
            continue
        section = _parse_section(
            lines[index + 1 : end], body_line + index + 1, channel, variant, heading_pos,
            path=path, locale=locale, report=report, moment=moment,
        )  # fmt: skip
        parsed.sections[(channel, variant)] = section
    return parsed


def _parse_section(
    lines: list[str],
    first_line: int,
    channel: Channel,
    variant: str | None,
    heading: Position,
    *,
    path: str,
    locale: str,
    report: Report,
    moment: str | None,
) -> CopySection:
    known = FIELDS[channel]
    fields: dict[str, CopyField] = {}
    index = 0
    # HTML comments on lines of their own (notes, suppressions) are never copy; they may stand
    # among the fields
    hidden = comment_lines(lines)
    while index < len(lines) and (not lines[index].strip() or index in hidden):
        index += 1
    while index < len(lines):
        if index in hidden:
            index += 1
            continue
        match = _FIELD.match(lines[index])
        if not match:
            break
        name = match.group("name").strip().lower()
        if name not in known:
            close = suggestion(name, known) or suggestion(name, ALL_FIELDS)
            if close:
                report.add(
                    UNKNOWN_FIELD.id, path, Position(first_line + index, 1),
                    f"unknown {channel.heading} field {match.group('name')!r}{close}",
                    f"{channel.heading} fields: {', '.join(f.title() for f in known) or 'none'}",
                    moment=moment,
                )  # fmt: skip
                index += 1
                continue
            break  # an ordinary sentence with a colon: the body starts here
        value = match.group("value").strip()
        col = match.start("value") + 1
        fields[name] = CopyField(name, value, Position(first_line + index, col))
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    # a blank line in place of a comment keeps every line number as written
    body_lines = ["" if n in hidden else lines[n] for n in range(index, len(lines))]
    while body_lines and not body_lines[-1].strip():
        body_lines.pop()
    body = "\n".join(body_lines)
    if not body.strip():
        report.add(
            EMPTY_SECTION.id, path, heading,
            f"the {channel.heading} section has no text", moment=moment,
        )  # fmt: skip
    for required in REQUIRED_FIELDS.get(channel, ()):
        if not fields.get(required) or not fields[required].value:
            report.add(
                MISSING_FIELD.id, path, heading,
                f"the {channel.heading} section has no {required.title()}",
                f"add a line `{required.title()}: ...` right below the heading",
                moment=moment,
            )  # fmt: skip
    return CopySection(
        channel=channel,
        locale=locale,
        path=path,
        heading=heading,
        fields=fields,
        body=body,
        body_line=first_line + index,
        variant=variant,
    )
