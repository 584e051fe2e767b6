"""Client support: the caniemail snapshot, feature detection in HTML, and MM401/MM402."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import mrml
import pytest

from micromoments.checks import clients as client_checks
from micromoments.checks.clients import (
    DEFAULT_CLIENTS,
    ClientFinding,
    check_client_support,
    report_client_findings,
)
from micromoments.clients import data as cdata
from micromoments.clients.data import Dataset, DatasetError, load_dataset, parse_dataset
from micromoments.clients.features import Detection, detect_features
from micromoments.diagnostics import Position, Report, Rule, Severity

DATA_FILE = Path(cdata.__file__).parent.parent / "data" / "caniemail.json"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def found(html: str, dataset: Dataset | None = None) -> dict[str, Detection]:
    return {d.slug: d for d in detect_features(html, dataset)}


def position_of(html: str, needle: str, start: int = 0) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``html`` (from ``start``)."""
    offset = html.index(needle, start)
    line = html.count("\n", 0, offset) + 1
    return line, offset - (html.rfind("\n", 0, offset) + 1) + 1


def expected_clients(
    dataset: Dataset, slug: str, kind: str, clients: tuple[str, ...]
) -> tuple[str, ...]:
    feature = dataset.features[slug]
    return tuple(
        dataset.client_name(c)
        for c in dataset.resolve_clients(clients)
        if c in feature.support and feature.support[c].kind == kind
    )


def by_slug(findings: list[ClientFinding], kind: str) -> dict[str, ClientFinding]:
    return {f.slug: f for f in findings if f.kind == kind}


# -- the snapshot and its index -------------------------------------------------------------


def test_snapshot_is_the_pinned_package_data(dataset: Dataset) -> None:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    assert len(dataset.features) == len(raw["data"])
    assert dataset.api_version == raw["api_version"]
    licence = DATA_FILE.with_name("CANIEMAIL-LICENSE.md").read_text(encoding="utf-8")
    assert f"caniemail@{cdata.PINNED_VERSION}" in licence
    assert "Copyright (c) 2019 HTeuMeuLeu" in licence
    assert raw["last_update_date"] in licence


def test_every_html_css_and_image_feature_is_detectable(dataset: Dataset) -> None:
    detectable = dataset.index.indexed_slugs()
    matchable = {s for s, f in dataset.features.items() if f.category in ("html", "css", "image")}
    assert matchable - detectable == set()
    # Only slugs the data has are ever reported, whatever the hand-written tables name.
    assert detectable <= set(dataset.features)


def test_hand_written_tables_name_real_features(dataset: Dataset) -> None:
    tables: list[Mapping[str, object]] = [
        cdata._EXTRA_ELEMENTS,
        cdata._EXTRA_ATTRIBUTES,
        cdata._EXTRA_PROPERTIES,
        cdata._EXTRA_PROPERTY_VALUES,
        cdata._EXTRA_FUNCTIONS,
        cdata._EXTRA_IMAGE_FORMATS,
    ]
    named = {slug for table in tables for slug in table}
    named |= cdata._KEYWORD_ELEMENTS | cdata._KEYWORD_PROPERTIES | cdata.SPECIAL
    assert named - set(dataset.features) == set()


def test_support_is_taken_at_the_last_listed_version() -> None:
    raw = {
        "api_version": "1",
        "last_update_date": "today",
        "nicenames": {"family": {"outlook": "Outlook"}, "platform": {"windows": "Windows"}},
        "data": [
            {
                "slug": "css-display-flex",
                "title": "display:flex",
                "category": "css",
                "stats": {"outlook": {"windows": {"2016": "n", "2019": "a #2", "2021": "y"}}},
                "notes_by_num": {"2": "Partly."},
            },
            {
                "slug": "css-gap",
                "title": "gap, column-gap, row-gap",
                "category": "css",
                "stats": {"outlook": {"windows": {"2019": "y", "2021": "a #1 #2"}}},
                "notes_by_num": {"1": "One [see](https://example.org/x).", "2": "Two."},
            },
        ],
    }
    dataset = parse_dataset(raw)
    assert dataset.features["css-display-flex"].support["outlook.windows"].kind == "y"
    gap = dataset.features["css-gap"].support["outlook.windows"]
    assert (gap.kind, gap.version) == ("a", "2021")
    assert gap.notes == ("One see (https://example.org/x).", "Two.")
    assert dataset.index.properties["row-gap"] == ("css-gap",)
    assert dataset.client_name("outlook.windows") == "Outlook (Windows)"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw.pop("data"), "non-empty list"),
        (lambda raw: raw["data"][0].pop("slug"), "'slug'"),
        (
            lambda raw: raw["data"][0]["stats"]["outlook"]["windows"].update({"2024": "x"}),
            "y/n/a/u",
        ),
        (lambda raw: raw["data"].append(dict(raw["data"][0])), "appears twice"),
    ],
)
def test_a_wrongly_shaped_dataset_is_refused(
    mutate: Callable[[dict[str, Any]], object], message: str
) -> None:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    raw["data"] = [f for f in raw["data"] if f["slug"] == "css-display-flex"]
    mutate(raw)
    with pytest.raises(DatasetError, match=message):
        parse_dataset(raw)


def test_the_validator_accepts_the_snapshot_and_refuses_junk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cdata.main([str(DATA_FILE)]) == 0
    count = len(json.loads(DATA_FILE.read_text(encoding="utf-8"))["data"])
    assert f"{count} features" in capsys.readouterr().out
    junk = tmp_path / "caniemail.json"
    junk.write_text('{"data": []}', encoding="utf-8")
    assert cdata.main([str(junk)]) == 1
    assert "invalid caniemail data" in capsys.readouterr().err


def test_clients_resolve_families_and_single_platforms(dataset: Dataset) -> None:
    resolved = dataset.resolve_clients(DEFAULT_CLIENTS)
    assert "outlook.windows" in resolved and "gmail.android" in resolved
    assert {c.split(".")[0] for c in resolved} == set(DEFAULT_CLIENTS)
    assert dataset.resolve_clients(["outlook.windows", "Outlook.Windows"]) == ("outlook.windows",)
    with pytest.raises(ValueError, match=r"unknown email client 'outlok'.*did you mean 'outlook'"):
        dataset.resolve_clients(["outlok"])


# -- detection ------------------------------------------------------------------------------

EMAIL = """<!doctype html>
<html lang="da">
<head>
<style>
  .card > p { margin: 0 }
  @media (prefers-color-scheme: dark) { .card { background-color: #111 !important } }
</style>
</head>
<body>
<div class="card"
     style="display:flex; padding:8px">
  <p style="background-image:url('https://cdn.example/hero.webp?v=2')">Hej</p>
</div>
</body>
</html>
"""


def test_inline_and_style_block_features_with_positions() -> None:
    result = found(EMAIL)
    assert (result["css-display-flex"].line, result["css-display-flex"].col) == position_of(
        EMAIL, "flex;"
    )
    assert (result["css-selector-child"].line, result["css-selector-child"].col) == position_of(
        EMAIL, "> p"
    )
    assert (result["css-at-media"].line, result["css-at-media"].col) == position_of(EMAIL, "@media")
    dark = result["css-at-media-prefers-color-scheme"]
    assert (dark.line, dark.col) == position_of(EMAIL, "prefers-color-scheme")
    assert (result["css-important"].line, result["css-important"].col) == position_of(
        EMAIL, "!important"
    )
    image = result["css-background-image"]
    assert (image.line, image.col) == position_of(EMAIL, "background-image")
    assert (result["image-webp"].line, result["image-webp"].col) == position_of(
        EMAIL, "https://cdn"
    )
    assert (result["html-lang"].line, result["html-lang"].col) == position_of(EMAIL, "lang=")
    assert (result["html-style"].line, result["html-style"].col) == position_of(EMAIL, "<style>")
    # margin in the <style> block, padding inline: both are seen, and counted.
    assert result["css-margin"].line == 5
    assert result["css-padding"].line == 11
    assert result["css-display"].count == 1
    assert result["css-selector-class"].count == 2
    assert result["html-doctype"].line == 1


def test_display_values_are_matched_exactly() -> None:
    block = found('<div style="display:block">x</div>')
    assert "css-display" in block
    assert "css-display-flex" not in block and "css-display-none" not in block
    assert "css-display-flex" in found('<div style="display: inline-flex">x</div>')
    assert "css-display-none" in found('<div style="DISPLAY:None">x</div>')
    assert "css-display-grid" in found("<style>.a{display:grid}</style>")
    # A value in a string is no value: neither a display mode nor a unit.
    quoted = found("<p style=\"font-family:'flex 3em'\">x</p>")
    assert "css-display-flex" not in quoted and "css-unit-em" not in quoted


def test_values_functions_units_and_custom_properties() -> None:
    html = (
        '<p style="color:rgba(0,0,0,.5); width:calc(100% - 2rem); --brand:#1e90ff;'
        " border-color:var(--brand); background:linear-gradient(red, blue);"
        ' font-family:system-ui; margin:initial">x</p>'
    )
    result = found(html)
    for slug in (
        "css-rgba",
        "css-unit-calc",
        "css-unit-percent",
        "css-unit-rem",
        "css-variables",
        "css-linear-gradient",
        "css-sytem-ui",
        "css-unit-initial",
        "css-background",
        "css-border",
    ):
        assert slug in result, slug
    assert result["css-variables"].count == 2  # the declaration and the var()
    # A hex colour is not a number with a unit.
    assert "css-unit-em" not in found('<p style="color:#1e90ff">x</p>')
    assert "css-unit-px" in found('<p style="margin:-8px">x</p>')


def test_selectors_pseudo_classes_at_rules_and_nesting() -> None:
    css = """
    * { box-sizing: border-box }
    a:hover, a:visited { color: red }
    p::first-line { font-weight: bold }
    p:after { content: "" }
    h1 + p ~ ul li { color: red }
    td.cta[data-x] { color: red }
    .card { color: red; & .title { color: blue } }
    @supports (display: grid) { .a { color: red } }
    @font-face { font-family: Brand; font-weight: 700; src: url(brand.woff2) }
    @media screen and (-webkit-min-device-pixel-ratio: 2), (orientation: landscape) { .b { color: red } }
    @import url("x.css");
    """
    result = found(f"<style>{css}</style>")
    for slug in (
        "css-selector-universal",
        "css-pseudo-class-hover",
        "css-pseudo-class-visited",
        "css-selector-grouping",
        "css-pseudo-element-first-line",
        "css-pseudo-element-after",
        "css-selector-adjacent-sibling",
        "css-selector-general-sibling",
        "css-selector-descendant",
        "css-selector-chaining",
        "css-selector-attribute",
        "css-nesting",
        "css-at-supports",
        "css-at-font-face",
        "css-at-media-device-pixel-ratio",
        "css-at-media-orientation",
        "css-at-import",
    ):
        assert slug in result, slug
    # @font-face descriptors and @supports conditions are not uses of the properties.
    assert "css-font-weight" in result and result["css-font-weight"].count == 1
    assert "css-display-grid" not in result


def test_style_sheet_wrappers_and_nested_conditions() -> None:
    wrapped = found("<style><!--\n.a { color: red }\n--></style>")
    assert "css-selector-class" in wrapped
    assert "css-selector-type" not in wrapped and "css-selector-descendant" not in wrapped
    nested = found("<style>.a { color: red; @media (min-width: 600px) { width: 1px } }</style>")
    assert {"css-nesting", "css-at-media", "css-width"} <= set(nested)
    keyframes = found("<style>@keyframes s { from { opacity: 0 } 50% { top: 1px } }</style>")
    assert {"css-at-keyframes", "css-opacity", "css-left-right-top-bottom"} <= set(keyframes)
    assert "css-selector-type" not in keyframes  # "from" and "50%" are keyframe selectors


def test_html_elements_attributes_and_links() -> None:
    html = """<table role="presentation" dir="rtl"><tr><td valign="top">
    <a href="#top">Top</a> <a href="MAILTO:kundeservice@shop.example">Mail</a>
    <img src="data:image/png;base64,iVBORw0KGgo=" srcset="logo@2x.avif 2x" alt="">
    <svg width="10" height="10"></svg><video src="a.mp4"></video>
    <button>Send</button><input type="checkbox"><meta name="color-scheme" content="light dark">
    <h2>Hej</h2><ul><li>x</li></ul>
    </td></tr></table>"""
    result = found(html)
    for slug in (
        "html-table",
        "html-role",
        "html-dir",
        "html-valign",
        "html-anchor-links",
        "html-mailto-links",
        "image-base64",
        "image-png",
        "image-avif",
        "html-srcset",
        "html-svg",
        "html-width",
        "html-video",
        "html-button-submit",
        "html-input-checkbox",
        "html-meta-color-scheme",
        "html-h1-h6",
        "html-lists",
    ):
        assert slug in result, slug
    assert (result["html-mailto-links"].line, result["html-mailto-links"].col) == position_of(
        html, '<a href="MAILTO'
    )


def test_outlook_conditional_comments_are_not_walked() -> None:
    html = (
        '<!--[if mso]><div style="display:flex">Outlook only</div><![endif]-->\n'
        '<!--[if !mso]><!--><div style="opacity:.5">x</div><!--<![endif]-->'
    )
    result = found(html)
    assert "css-display-flex" not in result
    assert "css-opacity" in result
    assert result["html-comments"].count == 3


def test_broken_html_never_raises() -> None:
    assert "css-margin" in found("<style>p { margin: 0")  # unclosed <style>
    found("<![foo[ bar <p style='")
    result = found('<p style="font-family:&quot;A&quot;;display:flex">x</p>')
    assert "css-display-flex" in result  # entities shift offsets, not detection


# -- the check ------------------------------------------------------------------------------


def test_seeded_unsupported_feature_names_its_clients_and_line(dataset: Dataset) -> None:
    html = '<html>\n<body>\n<div style="display:flex">\n<p>Hej</p></div>\n</body></html>'
    findings = check_client_support(html, DEFAULT_CLIENTS)
    flex = by_slug(findings, "n")["css-display-flex"]
    assert "Outlook (Windows)" in flex.clients
    assert flex.clients == expected_clients(dataset, "css-display-flex", "n", DEFAULT_CLIENTS)
    assert (flex.line, flex.col) == position_of(html, "flex")
    assert flex.url == "https://www.caniemail.com/features/css-display-flex/"
    assert flex.title == "display:flex"


def test_partial_support_gives_notes(dataset: Dataset) -> None:
    html = (
        '<table><tr><td style="background-image:url(https://cdn.example/a.png)">x</td></tr></table>'
    )
    findings = check_client_support(html, DEFAULT_CLIENTS)
    partial = by_slug(findings, "a")["css-background-image"]
    assert partial.clients == expected_clients(
        dataset, "css-background-image", "a", DEFAULT_CLIENTS
    )
    assert partial.clients and all(name.startswith("Yahoo") for name in partial.clients)
    assert any("multiple values" in note for note in partial.notes)
    unsupported = by_slug(findings, "n")["css-background-image"]
    assert "Outlook (Windows)" in unsupported.clients
    # A note that applies to only some of the clients says which.
    assert any("VML" in n and n.endswith("(Outlook (Windows))") for n in unsupported.notes)


def test_a_well_supported_email_has_no_unsupported_findings() -> None:
    html = (
        '<table cellpadding="0" cellspacing="0"><tr><td valign="top"'
        ' style="background-color:#ffffff; vertical-align:top; border-collapse:collapse">'
        "<h1>Tak for din ordre</h1><p>Hej <strong>Mette</strong>, <span>vi har den.</span></p>"
        '<img src="https://cdn.example/logo.png" alt="Shop"><hr></td></tr></table>'
    )
    findings = check_client_support(html, DEFAULT_CLIENTS)
    assert [f for f in findings if f.kind == "n"] == []
    assert "html-table" in found(html)  # the features are seen, they are just fine


def test_the_client_list_changes_the_outcome() -> None:
    html = '<div style="display:flex">x</div>'
    assert "css-display-flex" not in by_slug(check_client_support(html, ["apple-mail"]), "n")
    only_windows = by_slug(check_client_support(html, ["outlook.windows"]), "n")
    assert only_windows["css-display-flex"].clients == ("Outlook (Windows)",)
    with pytest.raises(ValueError, match="unknown email client"):
        check_client_support(html, ["hotmial"])


@pytest.mark.parametrize("rule", [client_checks.UNSUPPORTED, client_checks.PARTIAL])
def test_rule_examples_behave_as_documented(rule: Rule) -> None:
    kind = "n" if rule is client_checks.UNSUPPORTED else "a"
    bad_html = rule.bad.split("\n->")[0]  # the rest is the message it gives
    assert any(f.kind == kind for f in check_client_support(bad_html))
    assert check_client_support(rule.good) == []


def test_report_maps_positions_and_severities() -> None:
    html = '<div style="display:flex">\n<p style="background:#fff">x</p></div>'
    findings = check_client_support(html, ["outlook"])
    report = Report()
    report_client_findings(
        findings,
        "templates/email/layouts/x.mjml",
        lambda line, col: Position(line + 10, col),
        report,
        "order-confirmation",
    )
    by_rule = {(d.rule, d.message.split(" is ")[0]): d for d in report}
    flex = by_rule[("MM401", "display:flex")]
    assert flex.severity is Severity.WARNING
    assert (flex.line, flex.col) == (11, position_of(html, "flex")[1])
    assert "Outlook (Windows)" in flex.message
    assert flex.hint.endswith("https://www.caniemail.com/features/css-display-flex/")
    assert flex.moment == "order-confirmation"
    background = by_rule[("MM402", "background")]
    assert background.severity is Severity.INFO
    assert background.line == 12
    assert "background-color" in background.hint  # the note says what works
    quiet = Report(severities={"MM402": Severity.OFF})
    report_client_findings(findings, "x.mjml", lambda line, col: Position(line, col), quiet)
    assert {d.rule for d in quiet} == {"MM401"}


def test_repeated_use_is_counted_in_the_message() -> None:
    html = "".join('<div style="display:flex">x</div>' for _ in range(3))
    report = Report()
    report_client_findings(
        check_client_support(html, ["outlook.windows"]),
        "x",
        lambda line, col: Position(line, col),
        report,
    )
    (diagnostic,) = [d for d in report if "display:flex" in d.message]
    assert "(used 3 times)" in diagnostic.message


def test_mjml_output_lists_the_features_it_really_uses() -> None:
    mjml = """<mjml><mj-head><mj-style>@media (prefers-color-scheme: dark) { .x { color: #fff } }</mj-style></mj-head>
    <mj-body><mj-section><mj-column>
    <mj-button href="https://shop.example/ordre" border-radius="6px">Se din ordre</mj-button>
    </mj-column></mj-section></mj-body></mjml>"""
    html = mrml.to_html(mjml).content
    findings = check_client_support(html, DEFAULT_CLIENTS)
    unsupported = by_slug(findings, "n")
    assert "css-at-media-prefers-color-scheme" in unsupported
    assert (
        "css-border-radius" in unsupported
    )  # mj-button's rounded corners: not in Outlook (Windows)
    assert "Outlook (Windows)" in unsupported["css-border-radius"].clients
    lines = html.split("\n")
    for finding in findings:  # every position points at real text of the email
        assert 1 <= finding.line <= len(lines)
        assert 1 <= finding.col <= len(lines[finding.line - 1])
