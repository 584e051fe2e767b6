"""A moment's page: why it exists, how it is triggered, its copy, previews and downloads."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ...model.moment import FALLBACK_EVENTS
from ..structure import CHANNEL_TITLES, SCENARIO_TITLES, CatalogSite, MomentView, rule_anchor

TEMPLATE = "moment.html"


def fallback_steps(view: MomentView) -> list[dict[str, Any]]:
    """The fallback chain as steps: from channel, on which event, after how long, to channel."""
    spec = view.spec
    if spec is None:
        return []
    steps = []
    for step in spec.fallback:
        channel, _dot, event = step.when.partition(".")
        steps.append({
            "from": channel,
            "event": event.replace("_", " "),
            "known": event in FALLBACK_EVENTS,
            "after": step.after.describe() if step.after else "",
            "to": step.then.value,
        })  # fmt: skip
    return steps


@dataclass
class CopyBlock:
    """One locale's (and variant's) copy as text: label, text, and whether it keeps lines."""

    locale: str
    title: str
    entries: list[tuple[str, str, bool]] = field(default_factory=list)
    note: str = ""

    @property
    def anchor(self) -> str:
        """The heading id of the block."""
        return "copy-" + "".join(c if c.isalnum() else "-" for c in self.title.lower())


class _Text(HTMLParser):
    """The visible text of an HTML fragment (the web channel), without its stylesheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag in ("p", "li", "h1", "h2", "h3", "tr", "br", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(fragment: str) -> str:
    """The text a reader sees in ``fragment``, one block per line."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def copies(view: MomentView) -> list[CopyBlock]:
    """The copy of every locale and variant as text, so the site's search finds its words.

    Rendered with sample data when the moment builds; as written when it has errors.
    """
    blocks: list[CopyBlock] = []
    for state in view.previews:
        if state.scenario != "sample":
            continue
        r = state.rendition
        title = state.locale_name + (f" · variant {state.variant}" if state.variant else "")
        block = CopyBlock(state.locale, title)
        if r.borrowed:
            block.note = (
                f"Not yet translated: {', '.join(r.borrowed)} use the default locale's copy."
            )
        if r.email:
            block.entries += [("Email subject", r.email.subject, False),
                              ("Email preheader", r.email.preheader, False),
                              ("Email text", r.email.text, True)]  # fmt: skip
        if r.sms is not None:
            block.entries.append(("SMS", r.sms, True))
        for label, message in (("Push", r.push), ("In-app", r.in_app)):
            if message is not None:
                block.entries += [(f"{label} title", message.title, False),
                                  (f"{label} text", message.body, True)]  # fmt: skip
        if r.web:
            block.entries += [("Web title", r.web.title, False),
                              ("Web text", visible_text(r.web.html), True)]  # fmt: skip
        blocks.append(block)
    if blocks:
        return blocks
    for locale, translation in view.moment.translations.items():
        block = CopyBlock(locale, locale, note="As written: the moment has errors, so it is not "
                          "rendered.")  # fmt: skip
        for (channel, variant), section in translation.sections.items():
            label = channel.heading + (f" [{variant}]" if variant else "")
            for copy_field in section.fields.values():
                block.entries.append((f"{label} {copy_field.name}", copy_field.value, False))
            block.entries.append((label, section.body.strip(), True))
        if block.entries:
            blocks.append(block)
    return blocks


def preview_switches(view: MomentView) -> dict[str, Any]:
    """What the preview's switches offer: locales, variants, and which channels show."""
    locales: dict[str, str] = {}
    variants: list[str] = []
    for state in view.previews:
        locales.setdefault(state.locale, state.locale_name)
        if state.variant and state.variant not in variants:
            variants.append(state.variant)
    renditions = [s.rendition for s in view.previews]
    return {
        "locales": list(locales.items()),
        "variants": variants,
        "email": any(r.email for r in renditions),
        "web": any(r.web for r in renditions),
        "messages": any(r.sms is not None or r.push or r.in_app for r in renditions),
    }


def context(site: CatalogSite, view: MomentView) -> dict[str, Any]:
    """Everything the moment template shows."""
    moment = view.moment
    event = None
    if view.spec is not None:
        event = next((e for e in site.events if e.name == view.spec.trigger.event), None)
    rationales = [
        (locale, t.rationale) for locale, t in moment.translations.items()
        if t.rationale.strip() and locale != moment.default_locale
    ]  # fmt: skip
    journey = site.journey
    locale_names = {code: loc.name for code, loc in journey.locales.items()} if journey else {}
    metrics = journey.metrics if journey else {}
    return {
        "view": view,
        "moment": moment,
        "spec": view.spec,
        "event": event,
        "rationale": moment.translations[moment.default_locale].rationale
        if moment.default_locale in moment.translations else "",
        "other_rationales": rationales,
        "locale_names": locale_names,
        "fallbacks": fallback_steps(view),
        "preview": preview_switches(view),
        "copies": copies(view),
        "channel_titles": CHANNEL_TITLES,
        "scenario_titles": SCENARIO_TITLES,
        "metrics": metrics,
        "anchor": rule_anchor,
        "brand": site.build.brand,
    }  # fmt: skip
