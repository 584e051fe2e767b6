"""Merge-tag dialects: production output rendered by each real engine equals the preview."""

from __future__ import annotations

import html
from typing import Any

import jinja2
import jinja2.sandbox
import liquid
import pybars
import pytest

from mailchimp_engine import render as mailchimp_render
from micromoments.model import DataField
from micromoments.render.dialects import mailchimp_tags, render_slots
from micromoments.render.fill import Filler, missing_values, sample_values
from micromoments.render.protect import Slots, substitute

DATA = {
    "first_name": DataField(type="string", source="CRM", example="Mette", fallback="der"),
    "order_number": DataField(type="string", source="Webshop", example="100234", required=True),
    "order_url": DataField(
        type="url", source="Webshop", example="https://x.example/o?a=1&b=2", required=True
    ),
    "points": DataField(type="integer", source="CRM", example=120, fallback=0),
    "note": DataField(
        type="string", source="CRM", example='Ring <på> "døren"', fallback="Ingen 'note'"
    ),
    "tracking_url": DataField(type="url", source="Carrier", example="https://track.example/1"),
    "pickup": DataField(type="string", source="Carrier", example="Netto, Vestergade"),
}
LOOP_DATA = {
    **DATA,
    "order_lines": DataField(type="list", source="Webshop", required=True, items={
        "title": DataField(type="string", source="Webshop", example="Stol", fallback="Vare"),
        "quantity": DataField(type="integer", source="Webshop", example=2),
    }, example=[{"title": "Havestol <teak>", "quantity": 2}, {"title": "", "quantity": 1}]),
}  # fmt: skip

COPY = (
    'Hej {{ first_name }}, ordre {{ order_number }}. <a href="{{ order_url }}">se</a>\n'
    "Point: {{ points }}. Note: {{ note }}\n"
    "{% if tracking_url %}Følg: {{ tracking_url }}{% elif pickup %}Hent: {{ pickup }}{% else %}Snart.{% endif %}\n"
    "{% if not first_name %}Hej!{% endif %}{% if points %}Du har point.{% endif %}\n"
)
BLOCK_COPY = (
    "Hej {{ first_name }}\n{% if tracking_url %}\nFølg: {{ tracking_url }}\n{% else %}\nSnart.\n{% endif %}\n"
    "{% for line in order_lines %}\n- {{ line.title }}\n{% endfor %}\nTak."
)
LOOP_COPY = (
    COPY
    + "{% for line in order_lines %}- {{ line.quantity }} x {{ line.title }} ({{ first_name }})\n{% endfor %}\nTak."
)


def jinja_render(template: str, values: dict[str, Any], escape: bool) -> str:
    env = jinja2.sandbox.SandboxedEnvironment(
        autoescape=escape, undefined=jinja2.ChainableUndefined
    )
    return env.from_string(template).render(**values)


def liquid_render(template: str, values: dict[str, Any], escape: bool) -> str:
    return liquid.Environment().from_string(template).render(**values)


def handlebars_render(template: str, values: dict[str, Any], escape: bool) -> str:
    return str(pybars.Compiler().compile(template)(values))


def mailchimp(template: str, values: dict[str, Any], escape: bool) -> str:
    tags = mailchimp_tags(DATA)
    return mailchimp_render(
        template, {tags[k]: v for k, v in values.items() if k in tags}, escape=escape
    )


ENGINES = {"jinja": jinja_render, "liquid": liquid_render, "handlebars": handlebars_render,
           "mailchimp": mailchimp}  # fmt: skip
SCENARIOS = {"sample": sample_values, "missing": missing_values}


def variants() -> list[dict[str, Any]]:
    """Sample, missing, and a few hand-made edge cases (empty strings, zero)."""
    return [
        sample_values(LOOP_DATA),
        missing_values(LOOP_DATA),
        {
            **sample_values(LOOP_DATA),
            "first_name": "",
            "points": 0,
            "tracking_url": "",
            "pickup": None,
        },
        {**sample_values(LOOP_DATA), "tracking_url": None, "note": "<script>alert(1)</script>"},
    ]


@pytest.mark.parametrize("dialect", sorted(ENGINES))
@pytest.mark.parametrize("escape", [True, False], ids=["html", "text"])
@pytest.mark.parametrize("case", range(4))
@pytest.mark.parametrize("copy", ["inline", "block"])
def test_engine_output_equals_preview(dialect: str, escape: bool, case: int, copy: str) -> None:
    uses_loop = dialect != "mailchimp"
    data = LOOP_DATA if uses_loop else DATA
    slots = Slots()
    text = (BLOCK_COPY if copy == "block" else LOOP_COPY) if uses_loop else COPY
    protected = slots.protect(text, join_lines=True)
    values = variants()[case]
    preview = Filler(protected.slots, data, values).fill(protected.text, escape=escape)
    rendered = render_slots(protected.slots, data, dialect, html=escape)  # type: ignore[arg-type]
    assert rendered.problems == []
    production = substitute(protected.text, rendered.syntax)
    output = ENGINES[dialect](production, values, escape)
    if escape:  # equivalent HTML: jinja writes &#34; where html.escape writes &quot;
        output, preview = html.unescape(output), html.unescape(preview)
    assert output.rstrip("\n") == preview.rstrip("\n")
    if copy == "block" and case == 0 and uses_loop:
        assert "Følg: https://track.example/1\n- Havestol" in html.unescape(preview)


def test_preview_escapes_in_html_only() -> None:
    protected = Slots().protect("{{ note }}")
    values = {"note": "<b>&"}
    filler = Filler(protected.slots, DATA, values)
    assert filler.fill(protected.text, escape=True) == "&lt;b&gt;&amp;"
    assert filler.fill(protected.text, escape=False) == "<b>&"


def test_missing_scenario_uses_fallbacks_and_else_branches() -> None:
    protected = Slots().protect(COPY)
    text = Filler(protected.slots, DATA, missing_values(DATA)).fill(protected.text, escape=False)
    assert "Hej der," in text and "Snart." in text and "Hej!" in text
    assert "Note: Ingen 'note'" in text


def test_dialect_syntax_examples() -> None:
    protected = Slots().protect("{{ first_name }}")
    syntax = {d: next(iter(render_slots(protected.slots, DATA, d, html=True).syntax.values()))  # type: ignore[arg-type]
              for d in ENGINES}  # fmt: skip
    assert syntax["liquid"] == "{{ first_name | default: 'der' | escape }}"
    assert syntax["handlebars"] == "{{#if first_name}}{{first_name}}{{else}}der{{/if}}"
    assert syntax["mailchimp"] == "*|IF:FIRST_NAME|**|FIRST_NAME|**|ELSE:|*der*|END:IF|*"
    assert syntax["jinja"] == "{{ first_name|default('der', true)|e }}"


def test_mailchimp_cannot_loop() -> None:
    protected = Slots().protect("{% for line in order_lines %}{{ line.title }}{% endfor %}")
    rendered = render_slots(protected.slots, LOOP_DATA, "mailchimp", html=True)
    assert rendered.problems and "loop" in rendered.problems[0].message


def test_liquid_cannot_hold_both_quotes() -> None:
    data = {"x": DataField(type="string", source="CRM", fallback='it\'s "odd"')}
    protected = Slots().protect("{{ x }}")
    rendered = render_slots(protected.slots, data, "liquid", html=True)
    assert "both" in rendered.problems[0].message
    assert render_slots(protected.slots, data, "handlebars", html=True).problems == []


def test_merge_tag_overrides() -> None:
    data = {
        "first_name": DataField(
            type="string",
            source="CRM",
            merge_tags={"mailchimp": "FNAME", "liquid": "customer.first_name"},
        )
    }
    protected = Slots().protect("{{ first_name }}")
    assert list(render_slots(protected.slots, data, "mailchimp", html=True).syntax.values()) == [
        "*|FNAME|*"
    ]
    assert list(render_slots(protected.slots, data, "liquid", html=False).syntax.values()) == [
        "{{ customer.first_name }}"
    ]
