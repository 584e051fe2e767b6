"""Production modules of the example catalog: every dialect renders like the preview.

For every example moment, locale and dialect, the production output is rendered by the real
engine of that dialect (python-liquid, pybars3, jinja2, and our implementation of Mailchimp's
merge-tag rules) with the sample data and with the missing data, and its visible text must equal
the preview's. What a dialect cannot express must be a diagnostic instead.
"""

from __future__ import annotations

import email
import email.policy
import html
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
import liquid
import pybars
import pytest

from conftest import REPO
from mailchimp_engine import render as mailchimp_render
from micromoments.build import CatalogBuild, build_catalog
from micromoments.config import DIALECTS, ProjectConfig
from micromoments.render.dialects import mailchimp_tags
from micromoments.render.fill import SCENARIOS
from micromoments.render.outputs import Rendition


class _Visible(HTMLParser):
    """The text a reader sees: no tags, comments, <style>, <title> or <head> content."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "title", "head", "script"):
            self.skip += 1
        for name, value in attrs:  # link targets and image alts are visible too
            if name in ("href", "alt", "src") and value:
                self.parts.append(f" [{name}={value}] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title", "head", "script"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible(markup: str) -> str:
    """Whitespace-normalised visible text (and link/image targets) of an HTML document."""
    parser = _Visible()
    parser.feed(markup)
    return " ".join("".join(parser.parts).split())


def text_lines(text: str) -> str:
    """Plain text compared line by line, ignoring trailing whitespace."""
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def run_engine(
    dialect: str, template: str, values: dict[str, Any], data: Any, *, escape: bool
) -> str:
    if dialect == "jinja":
        env = jinja2.sandbox.SandboxedEnvironment(
            autoescape=escape, undefined=jinja2.ChainableUndefined
        )
        return env.from_string(template).render(**values)
    if dialect == "liquid":
        return liquid.Environment().from_string(template).render(**values)
    if dialect == "handlebars":
        return str(pybars.Compiler().compile(template)(values))
    tags = mailchimp_tags(data)
    return mailchimp_render(
        template, {tags[k]: v for k, v in values.items() if k in tags}, escape=escape
    )


@pytest.fixture(scope="module")
def builds() -> dict[str, CatalogBuild]:
    config = ProjectConfig(root=REPO)
    return {dialect: build_catalog(config, dialect=dialect) for dialect in DIALECTS}


def cases(build: CatalogBuild) -> list[tuple[str, str, str | None]]:
    return [(mid, loc, var) for mid, b in build.moments.items() for (loc, var) in b.production]


def test_every_example_moment_and_locale_builds(builds: dict[str, CatalogBuild]) -> None:
    build = builds["liquid"]
    assert len(build.moments) >= 10
    assert not build.has_errors, [d.format() for d in build.report.sorted()]
    for mid, built in build.moments.items():
        assert built.rendered, mid
        for locale in built.moment.locale_ids():
            assert (
                locale,
                built.moment.spec.experiment and next(iter(built.moment.spec.experiment.variants)),
            ) in built.production or (locale, None) in built.production  # type: ignore[union-attr]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_production_renders_like_the_preview(builds: dict[str, CatalogBuild], dialect: str, scenario: str) -> None:  # fmt: skip
    build = builds[dialect]
    unexpressible = {d.moment for d in build.report if d.rule == "MM910"}
    compared = 0
    for mid, locale, variant in cases(builds["jinja"]):
        built = build.moments[mid]
        if mid in unexpressible:
            assert dialect == "mailchimp", f"{dialect} could not express {mid}"
            assert not built.artifacts, "a moment a dialect cannot express must not ship modules"
            continue
        production = built.production[(locale, variant)]
        preview = built.previews[(locale, variant, scenario)]
        values = SCENARIOS[scenario](production.data)
        _compare(dialect, production, preview, values)
        compared += 1
    assert compared >= (10 if dialect == "mailchimp" else 25)


def _compare(
    dialect: str, production: Rendition, preview: Rendition, values: dict[str, Any]
) -> None:
    where = f"{production.moment}/{production.locale}/{production.variant}"

    def html_of(template: str) -> str:
        return run_engine(dialect, template, values, production.data, escape=True)

    def text_of(template: str) -> str:
        return run_engine(dialect, template, values, production.data, escape=False)

    if production.email is not None and preview.email is not None:
        assert visible(html_of(production.email.html)) == visible(preview.email.html), where
        assert text_lines(text_of(production.email.text)) == text_lines(preview.email.text), where
        assert text_of(production.email.subject) == preview.email.subject, where
        assert text_of(production.email.preheader) == preview.email.preheader, where
    if production.sms is not None:
        assert text_lines(text_of(production.sms)) == text_lines(preview.sms or ""), where
    if production.push is not None and preview.push is not None:
        assert text_of(production.push.title) == preview.push.title, where
        assert text_lines(text_of(production.push.body)) == text_lines(preview.push.body), where
        assert text_of(production.push.link) == preview.push.link, where
    if production.web is not None and preview.web is not None:
        assert visible(html_of(production.web.html)) == visible(preview.web.html), where


def test_mailchimp_reports_what_it_cannot_express(builds: dict[str, CatalogBuild]) -> None:
    problems = [d for d in builds["mailchimp"].report if d.rule == "MM910"]
    assert problems, "the example catalog loops over order lines; Mailchimp cannot"
    for d in problems:
        assert d.path.startswith("moments/") and d.line > 0 and "mailchimp" in d.message


def test_each_eml_parses_into_text_and_html_with_the_subject(
    builds: dict[str, CatalogBuild],
) -> None:
    build = builds["liquid"]
    count = 0
    for name, data in build.artifacts.items():
        if not name.endswith("email.eml"):
            continue
        mid, locale = name.split("/")[:2]
        variant = name.split("/")[2] if name.count("/") == 3 else None
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = [p.get_content_type() for p in message.walk()]
        assert parts == ["multipart/alternative", "text/plain", "text/html"], name
        sample = build.moments[mid].previews[(locale, variant, "sample")]
        assert sample.email is not None
        assert message["Subject"] == sample.email.subject
        text = message.get_body(("plain",))
        assert text is not None and text.get_content().replace("\r\n", "\n") == sample.email.text
        kind = sample.email.kind
        assert ("List-Unsubscribe" in message) == (kind == "marketing"), name
        if kind == "marketing":
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        count += 1
    assert count >= 20


def test_preview_has_no_merge_tags_and_production_no_tokens(
    builds: dict[str, CatalogBuild],
) -> None:
    for dialect, build in builds.items():
        for name, data in build.artifacts.items():
            if name.endswith((".html", ".txt", ".mjml", ".json", ".eml")):
                assert b"MMSLOT" not in data, f"{dialect}: {name} still holds a slot token"
    for built in builds["liquid"].moments.values():
        for preview in built.previews.values():
            if preview.email is not None:
                assert "{{" not in preview.email.html and "{%" not in preview.email.text


def test_values_are_escaped_in_html_in_every_dialect(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "moments", tmp_path / "moments")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    spec = tmp_path / "moments" / "support" / "password-reset.md"
    text = spec.read_text(encoding="utf-8")
    payload = '<img src=x onerror=alert(1)>"'
    assert "    example: Mette\n" in text
    text = text.replace("    example: Mette\n", f"    example: {payload!r}\n", 1)
    spec.write_text(text, encoding="utf-8")
    for dialect in DIALECTS:
        build = build_catalog(
            ProjectConfig(root=tmp_path), dialect=dialect, only={"password-reset"}
        )
        built = build.moments["password-reset"]
        production = built.production[("da", None)]
        values = SCENARIOS["sample"](production.data)
        assert production.email is not None
        rendered = run_engine(dialect, production.email.html, values, production.data, escape=True)
        assert "<img src=x" not in rendered
        assert html.escape("<img src=x", quote=True) in rendered or "&lt;img src=x" in rendered
