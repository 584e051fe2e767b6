"""Client support in the build: layout features once at the template, copy features at the copy.

The built-in layouts list the features they really use (as infos, every one of them an
enhancement or a partial support) and give no warning; a feature some clients lack, seeded into
a user layout or into the copy, is a warning that names those clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from micromoments.build import CatalogBuild
from micromoments.checks.clients import (
    DEFAULT_CLIENTS,
    DEFAULT_PROGRESSIVE,
    check_client_support,
    client_findings,
    is_progressive,
    progressive_patterns,
)
from micromoments.clients.data import Dataset, load_dataset
from micromoments.clients.tree import parse_email
from micromoments.diagnostics import Diagnostic, Severity
from micromoments.layouts import BUILTIN_TEMPLATES
from support_specs import position_of
from test_checks_email import GOOD_COPY, SIMPLE_COPY, build, spec

BASE = "email/layouts/_base.mjml"
FLEX_LAYOUT = """\
{% extends "layouts/_base.mjml" %}
{% block content %}
    <mj-section css-class="mm-surface">
      <mj-column>
{{ content }}
        <mj-raw><div style="display:flex">Fleksibel</div></mj-raw>
      </mj-column>
    </mj-section>
{% endblock %}
"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset()


def expected(dataset: Dataset, slug: str, kind: str, clients: tuple[str, ...]) -> list[str]:
    feature = dataset.features[slug]
    return [
        dataset.client_name(c)
        for c in dataset.resolve_clients(clients)
        if c in feature.support and feature.support[c].kind == kind
    ]


def client_diagnostics(result: CatalogBuild) -> list[Diagnostic]:
    return [d for d in result.report.sorted() if d.rule in ("MM401", "MM402", "MM403")]


@pytest.fixture(scope="module")
def builtin(tmp_path_factory: pytest.TempPathFactory) -> CatalogBuild:
    root = tmp_path_factory.mktemp("builtin")
    return build(root, {
        "order.md": spec(GOOD_COPY),
        "other.md": spec(SIMPLE_COPY),
        "welcome.md": spec(GOOD_COPY, template="marketing", kind="marketing"),
    })  # fmt: skip


def test_built_in_layouts_give_no_warning_but_list_their_features(builtin: CatalogBuild) -> None:
    found = client_diagnostics(builtin)
    assert [d for d in found if d.severity >= Severity.WARNING] == []
    assert {d.rule for d in found} == {"MM402", "MM403"}
    # every one belongs to the templates, none to a moment
    assert all(d.moment is None for d in found)
    assert all("/data/templates/email/" in d.path for d in found)


def test_dark_mode_media_query_is_listed_at_its_template_line(builtin: CatalogBuild) -> None:
    base = (BUILTIN_TEMPLATES / BASE).read_text(encoding="utf-8")
    line, col = position_of(base, "prefers-color-scheme: dark")
    dark = [d for d in client_diagnostics(builtin) if "prefers-color-scheme" in d.message]
    assert [(Path(d.path).name, d.line, d.col, d.rule) for d in dark] == [
        ("_base.mjml", line, col, "MM403")
    ]
    assert "degrades gracefully in" in dark[0].message and "Gmail" in dark[0].message


def test_layout_features_appear_once_for_many_moments(builtin: CatalogBuild) -> None:
    found = client_diagnostics(builtin)
    keys = [(d.rule, d.path, d.line, d.col, d.message) for d in found]
    assert len(keys) == len(set(keys))
    style = [d for d in found if "<style> element" in d.message and d.rule == "MM403"]
    assert len(style) == 1  # shared by the transactional and marketing layouts


def test_flex_in_a_user_layout_is_a_warning_naming_its_clients(
    tmp_path: Path, dataset: Dataset
) -> None:
    result = build(tmp_path, {"order.md": spec(SIMPLE_COPY, template="flex")},
                   {"email/layouts/flex.mjml": FLEX_LAYOUT})  # fmt: skip
    warnings = [d for d in result.report.sorted() if d.rule == "MM401"]
    line, col = position_of(FLEX_LAYOUT, "display:flex")
    assert [(d.path, d.line, d.col) for d in warnings] == [
        ("templates/email/layouts/flex.mjml", line, col + len("display:"))  # at the value
    ]
    names = expected(dataset, "css-display-flex", "n", DEFAULT_CLIENTS)
    assert names == ["Outlook (Windows)", "Outlook (Windows Mail)"]
    assert warnings[0].message == f"display:flex is not supported in {', '.join(names)}"
    assert warnings[0].moment is None and warnings[0].severity is Severity.WARNING


def test_svg_image_in_the_copy_is_reported_at_the_copy_heading(
    tmp_path: Path, dataset: Dataset
) -> None:
    copy = SIMPLE_COPY + "\n![Et ikon](assets/ikon.svg)\n"
    text = spec(copy)
    result = build(tmp_path, {"order.md": text}, {"email/assets/ikon.svg": SVG})
    svg = [d for d in result.report.sorted() if "SVG" in d.message and d.rule == "MM401"]
    assert [(d.path, d.line, d.col, d.moment) for d in svg] == [
        ("moments/order.md", *position_of(text, "## Email"), "order")
    ]
    names = expected(dataset, "image-svg", "n", DEFAULT_CLIENTS)
    assert names and all(n in svg[0].message for n in names)
    assert svg[0].message.startswith("the copy: ")


def test_progressive_list_is_an_option(tmp_path: Path) -> None:
    # an empty list: the enhancements are warnings again
    strict = build(tmp_path / "strict", {"order.md": spec(SIMPLE_COPY)},
                   options={"client_progressive": []})  # fmt: skip
    warned = {d.message.split(" is not")[0] for d in strict.report.sorted() if d.rule == "MM401"}
    assert "@media (prefers-color-scheme)" in warned and "<style> element" in warned
    # a project may call flex an enhancement
    lenient = build(
        tmp_path / "lenient",
        {"order.md": spec(SIMPLE_COPY, template="flex")},
        {"email/layouts/flex.mjml": FLEX_LAYOUT},
        options={"client_progressive": [*DEFAULT_PROGRESSIVE, "css-display-*"]},
    )
    assert [d for d in lenient.report.sorted() if d.rule == "MM401"] == []
    flex = [d for d in lenient.report.sorted() if d.message.startswith("display:flex")]
    assert sorted(d.rule for d in flex) == ["MM402", "MM403"]  # partial in Gmail apps: MM402


def test_configured_clients_decide(tmp_path: Path) -> None:
    config: Mapping[str, Any] = {}
    result = build(tmp_path, {"order.md": spec(SIMPLE_COPY, template="flex")},
                   {"email/layouts/flex.mjml": FLEX_LAYOUT}, options=config)  # fmt: skip
    assert any(d.rule == "MM401" for d in result.report.sorted())
    from micromoments.build import build_catalog
    from micromoments.config import ProjectConfig

    apple = build_catalog(ProjectConfig(root=tmp_path, clients=["apple-mail"]))
    assert [d for d in apple.report.sorted() if d.rule == "MM401"] == []


def test_progressive_patterns() -> None:
    assert progressive_patterns({}) == DEFAULT_PROGRESSIVE
    assert progressive_patterns({"client_progressive": "html-role"}) == ("html-role",)
    assert is_progressive("html-aria-label", DEFAULT_PROGRESSIVE)
    assert is_progressive("css-selector-descendant", DEFAULT_PROGRESSIVE)
    assert not is_progressive("css-display-flex", DEFAULT_PROGRESSIVE)
    assert not is_progressive("html-svg", DEFAULT_PROGRESSIVE)


def test_one_parse_gives_the_same_findings_as_the_client_check(dataset: Dataset) -> None:
    html = (
        '<!DOCTYPE html><html lang="da"><head><style>@media (prefers-color-scheme: dark) '
        '{ .x { color: #fff; } }</style></head><body><div style="display:flex">'
        "<svg></svg></div></body></html>"
    )
    once = client_findings(parse_email(html, dataset).features, DEFAULT_CLIENTS, dataset)
    assert once == check_client_support(html, DEFAULT_CLIENTS, dataset)
    assert {f.slug for f in once} >= {"css-display-flex", "html-svg"}
