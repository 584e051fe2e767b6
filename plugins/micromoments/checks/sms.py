"""SMS checks: characters that force UCS-2, and messages longer than the segment budget.

The check works on the SMS as rendered with sample data (so a long example name counts), but
points at the character in the copy when it is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..diagnostics import Position, Report, Severity, rule
from ..model import Channel, CopySection, Moment
from ..text.sms import SmsAnalysis, analyse_sms

DEFAULT_MAX_SEGMENTS = 2
OPTION_MAX_SEGMENTS = "sms_max_segments"

UCS2 = rule(
    "MM501", "sms-ucs2", Severity.WARNING, "sms",
    "A character outside the GSM-7 alphabet switches the whole SMS to UCS-2, which fits 70 "
    "characters per SMS instead of 160.",
    bad="Tak for din ordre – vi sender den i dag’",
    good="Tak for din ordre - vi sender den i dag'",
    fix="swap typographic quotes, dashes, ellipses and special spaces for plain ones; "
        "remove emoji",
)  # fmt: skip
SEGMENTS = rule(
    "MM502", "sms-segments", Severity.ERROR, "sms",
    "The SMS is split into more segments than the budget (option sms_max_segments, default 2); "
    "each segment is billed as one SMS.",
    bad="A 400-character SMS: 3 segments of 153 characters.",
    good="A 150-character SMS: 1 segment.",
    fix="shorten the text, or link to the details",
)  # fmt: skip


@lru_cache(maxsize=8192)
def _summary(text: str) -> tuple[tuple[str, Any], ...]:
    return tuple(_sms_summary(text).items())


def sms_summary(text: str) -> dict[str, Any]:
    """Encoding, segments and characters of an SMS, for the catalog's SMS bubble (cached)."""
    return dict(_summary(text))


def _sms_summary(text: str) -> dict[str, Any]:
    """What the catalog's SMS bubble shows: encoding, segments, characters, limits, and the
    characters that force UCS-2 with their swaps."""
    analysis = analyse_sms(text)
    return {
        "encoding": analysis.encoding,
        "segments": analysis.segments,
        "characters": analysis.characters,
        "units": analysis.units,
        "per_segment": analysis.per_segment,
        "single_limit": analysis.single_limit,
        "forcing": [
            {"index": f.index, "char": f.char, "swap": f.swap, "advice": f.advice}
            for f in analysis.forcing
        ],
    }


def _max_segments(options: Mapping[str, Any]) -> int:
    value = options.get(OPTION_MAX_SEGMENTS, DEFAULT_MAX_SEGMENTS)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return DEFAULT_MAX_SEGMENTS


def source_position(section: CopySection, needle: str) -> Position | None:
    """File position of the first ``needle`` in the section's body, or None."""
    index = section.body.find(needle)
    if index < 0:
        return None
    line = section.body_line + section.body.count("\n", 0, index)
    col = index - (section.body.rfind("\n", 0, index) + 1) + 1
    return Position(line, col)


def _forcing_position(section: CopySection, analysis: SmsAnalysis) -> Position:
    for item in analysis.forcing:
        found = source_position(section, item.char) or source_position(section, item.char[:1])
        if found is not None:
            return found
    return section.heading


def _describe_forcing(analysis: SmsAnalysis) -> str:
    seen: dict[str, str] = {}
    for item in analysis.forcing:
        seen.setdefault(item.char, item.advice)
    return ", ".join(seen.values())


def check_sms(
    moment: Moment,
    rendered: Mapping[tuple[str, str | None], str],
    options: Mapping[str, Any],
    report: Report,
) -> None:
    """Check each rendered SMS ((locale, variant) → text) of ``moment``."""
    budget = _max_segments(options)
    for (locale, variant), text in rendered.items():
        section = moment.section(locale, Channel.SMS, variant)
        path = section.path if section else moment.path
        analysis = analyse_sms(text)
        if analysis.forcing:
            pos = _forcing_position(section, analysis) if section else Position(0, 0)
            swapped = analyse_sms(analysis.swapped_text)
            report.add(
                UCS2.id, path, pos,
                f"the SMS is sent as UCS-2 (70 characters per SMS, not 160) because of: "
                f"{_describe_forcing(analysis)}",
                f"with these changes it is GSM-7: {swapped.segments} segment(s) instead of "
                f"{analysis.segments}",
                moment=moment.id,
            )  # fmt: skip
        if analysis.segments > budget:
            pos = Position(section.body_line, 1) if section else Position(0, 0)
            report.add(
                SEGMENTS.id, path, pos,
                f"the SMS takes {analysis.segments} segments ({analysis.encoding}, "
                f"{analysis.units} units, {analysis.per_segment} per segment); the budget is "
                f"{budget}",
                _segments_hint(analysis, budget),
                moment=moment.id,
            )  # fmt: skip


def _segments_hint(analysis: SmsAnalysis, budget: int) -> str:
    if analysis.forcing:
        swapped = analyse_sms(analysis.swapped_text)
        if swapped.segments <= budget:
            return f"swap the characters that force UCS-2: then it takes {swapped.segments}"
    limit = analysis.single_limit if budget == 1 else budget * (analysis.per_segment)
    over = analysis.units - limit
    return f"cut about {over} characters, or link to the details"
