"""Spec checks: references to journey.yml, tones.yml and layouts; channels and fallbacks."""

from __future__ import annotations

from ..context import Context
from ..diagnostics import Position, Report, Severity, rule, suggestion
from ..model import Channel, Moment
from ..model.moment import FALLBACK_EVENTS

UNKNOWN_PHASE = rule(
    "MM110", "unknown-phase", Severity.ERROR, "spec",
    "The phase is not one of the phases in moments/journey.yml.",
    bad="phase: purchse", good="phase: purchase",
)  # fmt: skip
UNKNOWN_TONE = rule(
    "MM111", "unknown-tone", Severity.ERROR, "spec",
    "The tone is not a profile in moments/tones.yml.",
    bad="tone: reasuring", good="tone: reassuring",
)  # fmt: skip
UNKNOWN_AUDIENCE = rule(
    "MM112", "unknown-audience", Severity.ERROR, "spec",
    "An audience is not one of the audiences in moments/journey.yml.",
    bad="audiences: [privat]", good="audiences: [private]",
)  # fmt: skip
UNKNOWN_TEMPLATE = rule(
    "MM113", "unknown-template", Severity.ERROR, "spec",
    "The email template is not a layout in templates/email/layouts/ (or a built-in one).",
    bad="email: {template: transactionel}", good="email: {template: transactional}",
)  # fmt: skip
UNKNOWN_METRIC = rule(
    "MM114", "unknown-metric", Severity.ERROR, "spec",
    "A KPI names a metric that journey.yml does not define.",
    bad="kpis:\n  - {metric: openrate, baseline: 0.5, target: 0.6}",
    good="kpis:\n  - {metric: open_rate, baseline: 0.5, target: 0.6}",
)  # fmt: skip
UNKNOWN_LOCALE = rule(
    "MM115", "unknown-locale", Severity.ERROR, "spec",
    "A locale (in `locales:` or a translation file name) is not in journey.yml.",
    bad="locales: [da, dk]   # or a file order-confirmation.dk.md",
    good="locales: [da, en]  # order-confirmation.en.md",
)  # fmt: skip
DUPLICATE_CHANNEL = rule(
    "MM117", "duplicate-channel", Severity.ERROR, "spec",
    "A channel is listed twice.",
    bad="channels: [email, sms, email]", good="channels: [email, sms]",
)  # fmt: skip
FALLBACK_UNUSED = rule(
    "MM120", "fallback-unused-channel", Severity.ERROR, "spec",
    "A fallback starts from or goes to a channel the moment does not use.",
    bad="channels: [email]\nfallback:\n  - {when: email.bounced, then: sms}",
    good="channels: [email, sms]\nfallback:\n  - {when: email.bounced, then: sms}",
    fix="add the channel to `channels` (with a copy section), or change the fallback",
)  # fmt: skip
FALLBACK_CYCLE = rule(
    "MM121", "fallback-cycle", Severity.ERROR, "spec",
    "Fallbacks form a cycle, so a failing customer could be messaged forever.",
    bad="fallback:\n  - {when: email.bounced, then: sms}\n  - {when: sms.failed, then: email}",
    good="fallback:\n  - {when: email.bounced, then: sms}\n  - {when: sms.failed, then: push}",
    fix="end the chain in a channel that has no fallback of its own",
)  # fmt: skip
FALLBACK_EVENT = rule(
    "MM122", "fallback-unknown-event", Severity.WARNING, "spec",
    "A fallback condition uses an event name micromoments does not know.",
    bad="- {when: email.bounce, then: sms}", good="- {when: email.bounced, then: sms}",
)  # fmt: skip
FALLBACK_SELF = rule(
    "MM123", "fallback-same-channel", Severity.ERROR, "spec",
    "A fallback goes back to the channel that just failed.",
    bad="- {when: email.bounced, then: email}", good="- {when: email.bounced, then: sms}",
)  # fmt: skip
COPY_MISSING = rule(
    "MM130", "copy-missing", Severity.ERROR, "copy",
    "A channel is listed in `channels` but has no copy section.",
    bad="channels: [email, sms]\n---\n## Email\n...",
    good="channels: [email, sms]\n---\n## Email\n...\n## SMS\n...",
)  # fmt: skip
COPY_UNLISTED = rule(
    "MM131", "copy-unlisted", Severity.ERROR, "copy",
    "A copy section is written for a channel that `channels` does not list.",
    bad="channels: [email]\n---\n## Email\n...\n## Push\n...",
    good="channels: [email, push]\n---\n## Email\n...\n## Push\n...",
)  # fmt: skip
MISSING_TRANSLATION = rule(
    "MM135", "missing-translation", Severity.WARNING, "copy",
    "A locale has no translation file; the default locale's copy is used instead.",
    bad="moments/order-confirmation.md without order-confirmation.en.md",
    good="moments/order-confirmation.en.md with the English sections",
    fix="write ID.LOCALE.md with the channel sections, or narrow `locales:`",
)  # fmt: skip
INCOMPLETE_TRANSLATION = rule(
    "MM136", "incomplete-translation", Severity.WARNING, "copy",
    "A translation lacks a copy section that the default locale has.",
    bad="order-confirmation.en.md with ## Email but no ## SMS",
    good="order-confirmation.en.md with ## Email and ## SMS",
)  # fmt: skip
EXTRA_TRANSLATION_SECTION = rule(
    "MM137", "translation-extra-section", Severity.ERROR, "copy",
    "A translation has a copy section that the default-locale file does not have.",
    bad="order-confirmation.en.md with ## Push; order-confirmation.md has no ## Push",
    good="Add ## Push to the main file (and to `channels`) first.",
)  # fmt: skip


def check_spec(moment: Moment, ctx: Context, report: Report) -> None:
    """References, channels and fallbacks of one moment."""
    spec = moment.spec
    if spec is None:
        return
    path, mid = moment.path, moment.id
    journey = ctx.journey
    if journey is not None:
        if spec.phase not in journey.phases:
            report.add(
                UNKNOWN_PHASE.id, path, moment.pos("phase"),
                f"unknown phase {spec.phase!r}{suggestion(spec.phase, journey.phases)}",
                f"phases in journey.yml: {', '.join(journey.phases)}", moment=mid,
            )  # fmt: skip
        for i, audience in enumerate(spec.audiences):
            if audience not in journey.audiences:
                report.add(
                    UNKNOWN_AUDIENCE.id, path, moment.pos("audiences", i),
                    f"unknown audience {audience!r}{suggestion(audience, journey.audiences)}",
                    f"audiences in journey.yml: {', '.join(journey.audiences) or 'none'}",
                    moment=mid,
                )  # fmt: skip
        for i, kpi in enumerate(spec.kpis):
            if kpi.metric not in journey.metrics:
                report.add(
                    UNKNOWN_METRIC.id, path, moment.pos("kpis", i, "metric"),
                    f"unknown metric {kpi.metric!r}{suggestion(kpi.metric, journey.metrics)}",
                    "define it under `metrics:` in journey.yml, or use one of: "
                    + ", ".join(journey.metrics),
                    moment=mid,
                )  # fmt: skip
        for i, locale in enumerate(spec.locales or []):
            if locale not in journey.locales:
                report.add(
                    UNKNOWN_LOCALE.id, path, moment.pos("locales", i),
                    f"unknown locale {locale!r}{suggestion(locale, journey.locales)}",
                    f"locales in journey.yml: {', '.join(journey.locales)}", moment=mid,
                )  # fmt: skip
    if ctx.tones and spec.tone not in ctx.tones:
        report.add(
            UNKNOWN_TONE.id, path, moment.pos("tone"),
            f"unknown tone {spec.tone!r}{suggestion(spec.tone, ctx.tones)}",
            f"tones in tones.yml: {', '.join(ctx.tones)}", moment=mid,
        )  # fmt: skip
    if Channel.EMAIL in spec.channels and ctx.layouts and spec.email.template not in ctx.layouts:
        template = spec.email.template
        report.add(
            UNKNOWN_TEMPLATE.id, path, moment.pos("email", "template"),
            f"unknown email template {template!r}{suggestion(template, ctx.layouts)}",
            f"layouts: {', '.join(sorted(ctx.layouts))}", moment=mid,
        )  # fmt: skip
    seen: set[Channel] = set()
    for i, channel in enumerate(spec.channels):
        if channel in seen:
            report.add(DUPLICATE_CHANNEL.id, path, moment.pos("channels", i),
                       f"channel {channel.value!r} is listed twice", "remove the second one",
                       moment=mid)  # fmt: skip
        seen.add(channel)
    _check_fallbacks(moment, report)
    _check_copy_sections(moment, report)


def _check_fallbacks(moment: Moment, report: Report) -> None:
    spec = moment.spec
    assert spec is not None
    path, mid = moment.path, moment.id
    used = {c.value for c in spec.channels}
    edges: dict[str, set[str]] = {}
    for i, step in enumerate(spec.fallback):
        source, _, event = step.when.partition(".")
        if source not in used:
            report.add(
                FALLBACK_UNUSED.id, path, moment.pos("fallback", i, "when"),
                f"fallback from {source!r}, which is not in channels [{', '.join(sorted(used))}]",
                moment=mid,
            )  # fmt: skip
        if step.then.value not in used:
            report.add(
                FALLBACK_UNUSED.id, path, moment.pos("fallback", i, "then"),
                f"fallback to {step.then.value!r}, which is not in channels "
                f"[{', '.join(sorted(used))}]",
                moment=mid,
            )  # fmt: skip
        if event not in FALLBACK_EVENTS:
            report.add(
                FALLBACK_EVENT.id, path, moment.pos("fallback", i, "when"),
                f"unknown fallback event {event!r}{suggestion(event, FALLBACK_EVENTS)}",
                f"events: {', '.join(FALLBACK_EVENTS)}", moment=mid,
            )  # fmt: skip
        if step.then.value == source:
            report.add(FALLBACK_SELF.id, path, moment.pos("fallback", i, "then"),
                       f"the fallback for {step.when} goes back to {source}",
                       "fall back to another channel", moment=mid)  # fmt: skip
            continue
        edges.setdefault(source, set()).add(step.then.value)
    cycle = _find_cycle(edges)
    if cycle:
        index = next(
            (i for i, s in enumerate(spec.fallback)
             if s.when.partition(".")[0] == cycle[-2] and s.then.value == cycle[-1]),
            0,
        )  # fmt: skip
        report.add(
            FALLBACK_CYCLE.id, path, moment.pos("fallback", index),
            f"the fallbacks form a cycle: {' → '.join(cycle)}", moment=mid,
        )  # fmt: skip


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle in the fallback graph as a path that ends where it starts, or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt, stack)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start, [])
            if found:
                return found
    return None


def _check_copy_sections(moment: Moment, report: Report) -> None:
    spec = moment.spec
    assert spec is not None
    mid = moment.id
    main = moment.translations[moment.default_locale]
    listed = set(spec.channels)
    written = {channel for channel, _variant in main.sections}
    for i, channel in enumerate(spec.channels):
        if channel not in written:
            report.add(
                COPY_MISSING.id, moment.path, moment.pos("channels", i),
                f"channel {channel.value!r} has no copy section",
                f"add a `## {channel.heading}` section with its copy, or remove the channel",
                moment=mid,
            )  # fmt: skip
    for (channel, _variant), section in main.sections.items():
        if channel not in listed:
            report.add(
                COPY_UNLISTED.id, section.path, section.heading,
                f"copy for {channel.value!r}, which `channels` does not list",
                f"add {channel.value} to `channels`, or remove this section", moment=mid,
            )  # fmt: skip
    for locale in moment.missing_locales:
        report.add(
            MISSING_TRANSLATION.id, moment.path, moment.key_pos("title"),
            f"no {locale!r} translation; the {moment.default_locale!r} copy is used",
            f"write {moment.id}.{locale}.md with the channel sections", moment=mid,
        )  # fmt: skip
    for locale, translation in moment.translations.items():
        if locale == moment.default_locale:
            continue
        for key, section in translation.sections.items():
            if key not in main.sections:
                report.add(
                    EXTRA_TRANSLATION_SECTION.id, section.path, section.heading,
                    f"the {section.channel.heading} section has no counterpart in {moment.path}",
                    "add the section to the main file first", moment=mid,
                )  # fmt: skip
        for key, section in main.sections.items():
            if key not in translation.sections and key[0] in listed:
                heading = section.channel.heading + (f" [{key[1]}]" if key[1] else "")
                report.add(
                    INCOMPLETE_TRANSLATION.id, translation.path, Position(1, 1),
                    f"no ## {heading} section; the {moment.default_locale!r} copy is used",
                    moment=mid,
                )  # fmt: skip
