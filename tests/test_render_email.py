"""Layouts + brand + MRML: the compiled email, its accessibility basics, and every way a user's
template, brand.yml or asset can go wrong (each a problem naming the file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from micromoments.diagnostics import Report
from micromoments.layouts import available_layouts
from micromoments.load.yaml_rules import BAD_VALUE, UNKNOWN_KEY, WRONG_TYPE
from micromoments.render.brand import Brand, default_brand, load_brand
from micromoments.render.document import Document
from micromoments.render.email import (
    LAYOUT_ERROR,
    MJML_ERROR,
    MJML_WARNING,
    UNKNOWN_ASSET,
    EmailOutput,
    check_assets,
    render_email,
)
from micromoments.render.markdown import parse_copy
from micromoments.render.mjml import to_mjml
from micromoments.render.protect import Slots
from render_helpers import REPO, Node, html_tree, parse

COPY = """\
### Tak for din ordre, {{ first_name }}!

Vi har modtaget ordre **{{ order_number }}** og går i gang med det samme.

| Vare | Antal | Pris |
|:--|:-:|--:|
{% for line in lines %}
| {{ line.title }} | {{ line.qty }} | {{ line.price }} |
{% endfor %}

[Se din ordre]({{ order_url }}){.button}

---

- Levering på 1-3 hverdage
- Fri retur i 30 dage
"""
CDN = "https://cdn.example.com/email/"


def render(
    templates: Path,
    *,
    kind: str = "transactional",
    template: str | None = None,
    brand: Brand | None = None,
    locale: str = "da",
    direction: str = "ltr",
    copy: str = COPY,
    subject: str = "Tak for din ordre, {{ first_name }}",
) -> tuple[EmailOutput, Slots]:
    slots = Slots()
    brand = brand or default_brand()
    subject_text = slots.protect(subject).text
    preheader = slots.protect("Ordre {{ order_number }} er bekræftet og pakkes nu.").text
    doc = parse_with(slots, copy)
    content = to_mjml(doc, brand, asset_base=CDN)
    unsubscribe = slots.protect(brand.unsubscribe_url).text if kind == "marketing" else None
    out = render_email(
        template or kind, content, subject=subject_text, preheader=preheader, locale=locale,
        direction=direction, kind=kind, brand=brand, templates_path=templates, asset_base=CDN,
        unsubscribe_url=unsubscribe, root=templates.parent,
    )  # fmt: skip
    return out, slots


def parse_with(slots: Slots, copy: str) -> Document:
    """Parse copy with slots shared with the subject and preheader (as the pipeline does)."""
    return parse_copy(slots.protect(copy))


def token_for(slots: Slots, name: str) -> str:
    return next(t for t, s in slots.slots.items() if s.var is not None and s.var.name == name)


@pytest.fixture
def no_project(tmp_path: Path) -> Path:
    """A templates folder that does not exist: only the built-in layouts apply."""
    return tmp_path / "templates"


def write(folder: Path, relative: str, text: str) -> Path:
    path = folder / "email" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def body_wrapper(tree: Node) -> Node:
    return tree.find("body").find("div", role="article")


@pytest.mark.parametrize("kind", ["transactional", "marketing"])
def test_layouts_carry_lang_dir_title_preheader_and_colour_scheme(
    no_project: Path, kind: str
) -> None:
    out, slots = render(no_project, kind=kind)
    assert out.problems == ()
    tree = html_tree(out.html)
    html = tree.find("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("da", "ltr")
    wrapper = body_wrapper(tree)
    assert (wrapper.attrs["lang"], wrapper.attrs["dir"]) == ("da", "ltr")
    name = token_for(slots, "first_name")
    assert tree.find("title").text() == f"Tak for din ordre, {name}"
    hidden = tree.find("body").find("div")
    assert "display:none" in hidden.attrs["style"]
    assert hidden.text().startswith(f"Ordre {token_for(slots, 'order_number')} er bekræftet")
    metas = {m.attrs.get("name"): m.attrs.get("content") for m in tree.find_all("meta")}
    assert metas["color-scheme"] == "light dark"
    assert metas["supported-color-schemes"] == "light dark"
    styles = " ".join(s.text() for s in tree.find_all("style"))
    assert "@media (prefers-color-scheme: dark)" in styles
    assert default_brand().colors.dark.surface in styles
    assert "[data-ogsc]" in styles
    assert "max-width:600px" in out.html


@pytest.mark.parametrize("kind", ["transactional", "marketing"])
def test_layout_tables_are_presentational_and_data_tables_are_not(
    no_project: Path, kind: str
) -> None:
    out, _ = render(no_project, kind=kind)
    tree = html_tree(out.html)
    data = tree.find("table", class_="mm-table")
    assert "role" not in data.attrs
    assert data.find("th").attrs["scope"] == "col"
    layout = [t for t in tree.find_all("table") if t is not data]
    assert len(layout) > 5
    assert all(t.attrs.get("role") == "presentation" for t in layout)


def test_marketing_footer_has_a_visible_unsubscribe_link(no_project: Path) -> None:
    out, slots = render(no_project, kind="marketing")
    tree = html_tree(out.html)
    link = tree.find("a", class_="mm-unsubscribe")
    assert link.attrs["href"] == token_for(slots, "unsubscribe_url")
    assert link.text() == "Afmeld"
    service, _ = render(no_project, kind="transactional")
    assert not html_tree(service.html).find_all("a", class_="mm-unsubscribe")
    assert "servicemail" in service.html


def test_marketing_needs_an_unsubscribe_url(no_project: Path) -> None:
    with pytest.raises(ValueError, match="unsubscribe_url"):
        render_email(
            "marketing", "", subject="s", preheader="p", locale="da", direction="ltr",
            kind="marketing", brand=default_brand(), templates_path=no_project, asset_base=CDN,
        )  # fmt: skip


def test_right_to_left(no_project: Path) -> None:
    out, _ = render(no_project, locale="ar", direction="rtl")
    tree = html_tree(out.html)
    assert tree.find("html").attrs["dir"] == "rtl"
    assert body_wrapper(tree).attrs["dir"] == "rtl"
    assert "text-align:right" in tree.find("td", class_="mm-copy").find("div").attrs["style"]


def test_subject_with_quotes_and_ampersand_is_escaped(no_project: Path) -> None:
    out, _ = render(no_project, subject='Fish & "chips" <nu>')
    tree = html_tree(out.html)
    assert tree.find("title").text() == 'Fish & "chips" <nu>'
    assert body_wrapper(tree).attrs["aria-label"] == 'Fish & "chips" <nu>'


def test_output_is_byte_identical_across_runs(no_project: Path) -> None:
    first, _ = render(no_project, kind="marketing")
    second, _ = render(no_project, kind="marketing")
    assert first.html == second.html
    assert first.mjml == second.mjml


def test_output_is_byte_identical_across_processes() -> None:
    """MRML and Jinja keep no per-process state (hash seeds) in the output."""
    script = (
        "import hashlib, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from pathlib import Path\n"
        "from test_render_email import render\n"
        "out, _ = render(Path(sys.argv[2]), kind='marketing')\n"
        "print(hashlib.sha256(out.html.encode()).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, str(REPO / "tests"), str(REPO / "templates")],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_images_point_at_the_asset_base(no_project: Path) -> None:
    out, _ = render(no_project, copy="![Bænk](assets/logo.png){width=120}")
    srcs = [img.attrs["src"] for img in html_tree(out.html).find_all("img")]
    assert srcs == [CDN + "logo.png", CDN + "logo.png"]  # the header logo, then the copy's


def test_lunden_project_brand_and_header_override() -> None:
    report = Report()
    brand = load_brand(REPO / "templates", report, root=REPO)
    assert report.diagnostics == []
    assert brand.name == "Lunden"
    out, _ = render(REPO / "templates", brand=brand)
    assert out.problems == ()
    tree = html_tree(out.html)
    logos = [img.attrs["src"] for img in tree.find_all("img")]
    assert logos == [CDN + "lunden-logo.png", CDN + "lunden-logo-dark.png"]
    assert "Hjem & have" in tree.find("body").text()
    assert "Lunden ApS · Vestergade 12 · 8000 Aarhus C · CVR 12345678" in tree.text()
    english, _ = render(REPO / "templates", brand=brand, locale="en")
    assert "Home & garden" in html_tree(english.html).text()


def test_overriding_one_partial_keeps_the_rest(no_project: Path) -> None:
    write(no_project, "partials/footer.mjml",
          '<mj-section><mj-column><mj-text css-class="mm-footer-text">Vores egen fod</mj-text>'
          "</mj-column></mj-section>\n")  # fmt: skip
    out, _ = render(no_project)
    text = html_tree(out.html).text()
    assert "Vores egen fod" in text
    assert "servicemail" not in text
    assert html_tree(out.html).find_all("td", class_="mm-logo")  # the built-in header


def test_a_user_layout_is_selectable_and_renders(no_project: Path) -> None:
    write(no_project, "layouts/newsletter.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block header %}{% endblock %}\n')  # fmt: skip
    assert {"newsletter", "transactional", "marketing"} <= available_layouts(no_project)
    assert "_base" not in available_layouts(no_project)
    out, _ = render(no_project, template="newsletter")
    assert out.problems == ()
    assert not html_tree(out.html).find_all("td", class_="mm-logo")


def test_jinja_syntax_error_names_file_and_line(no_project: Path) -> None:
    write(no_project, "layouts/broken.mjml",
          '{% extends "layouts/_base.mjml" %}\n\n{% block header %}\n{% if %}\n{% endblock %}\n')  # fmt: skip
    out, _ = render(no_project, template="broken")
    (problem,) = out.problems
    assert problem.rule == LAYOUT_ERROR.id
    assert problem.path == "templates/email/layouts/broken.mjml"
    assert problem.line == 4
    assert out.html == ""


def test_unknown_variable_in_a_partial_names_the_partial_and_line(no_project: Path) -> None:
    write(no_project, "partials/header.mjml",
          "<mj-section><mj-column>\n<mj-text>{{ brand.nmae }}</mj-text>\n"
          "</mj-column></mj-section>\n")  # fmt: skip
    out, _ = render(no_project)
    (problem,) = out.problems
    assert (problem.rule, problem.path, problem.line) == (
        LAYOUT_ERROR.id, "templates/email/partials/header.mjml", 2,
    )  # fmt: skip
    assert "nmae" in problem.message


def test_missing_partial_names_the_including_template(no_project: Path) -> None:
    write(no_project, "layouts/bare.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block footer %}\n'
          '{% include "partials/foter.mjml" %}\n{% endblock %}\n')  # fmt: skip
    out, _ = render(no_project, template="bare")
    (problem,) = out.problems
    assert problem.rule == LAYOUT_ERROR.id
    assert "partials/foter.mjml" in problem.message
    assert (problem.path, problem.line) == ("templates/email/layouts/bare.mjml", 3)


@pytest.mark.parametrize("name", ["nonexistent", "_base"])
def test_unknown_layout(no_project: Path, name: str) -> None:
    out, _ = render(no_project, template=name)
    (problem,) = out.problems
    assert problem.rule == LAYOUT_ERROR.id
    assert f"unknown email layout {name!r}" in problem.message
    assert "marketing, transactional" in problem.hint


def test_bad_mjml_in_a_user_layout_names_the_file(no_project: Path) -> None:
    write(no_project, "layouts/badxml.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block header %}\n'
          "    <mj-section><mj-column><mj-text>Fish <chips</mj-text></mj-column></mj-section>\n"
          "{% endblock %}\n")  # fmt: skip
    out, _ = render(no_project, template="badxml")
    (problem,) = out.problems
    assert problem.rule == MJML_ERROR.id
    assert problem.path == "templates/email/layouts/badxml.mjml"
    assert "'badxml'" in problem.message
    assert out.html == ""
    assert out.mjml  # the rendered MJML is kept for inspection


def test_unclosed_mjml_tag_names_the_layout(no_project: Path) -> None:
    write(no_project, "layouts/unclosed.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block header %}\n'
          "<mj-section><mj-column><mj-text>Hej</mj-column></mj-section>\n{% endblock %}\n")  # fmt: skip
    out, _ = render(no_project, template="unclosed")
    (problem,) = out.problems
    assert problem.rule == MJML_ERROR.id
    assert problem.path == "templates/email/layouts/unclosed.mjml"


def test_mj_include_is_an_error_at_its_template_line(no_project: Path) -> None:
    write(no_project, "layouts/included.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block header %}\n'
          '    <mj-include path="./header.mjml" />\n{% endblock %}\n')  # fmt: skip
    out, _ = render(no_project, template="included")
    (problem,) = out.problems
    assert problem.rule == MJML_ERROR.id
    assert (problem.path, problem.line) == ("templates/email/layouts/included.mjml", 3)
    assert "mj-include" in problem.message


def test_mrml_warnings_become_problems_with_the_template_line(no_project: Path) -> None:
    write(no_project, "layouts/warned.mjml",
          '{% extends "layouts/_base.mjml" %}\n{% block head %}\n'
          '    <mj-style media="print">.x { color: red; }</mj-style>\n{% endblock %}\n')  # fmt: skip
    out, _ = render(no_project, template="warned", subject="Æblegrød og blåbær på øen")
    assert out.html
    (problem,) = out.problems
    assert "media=" in problem.message  # offsets are bytes in MRML, characters here
    assert problem.rule == MJML_WARNING.id
    assert (problem.path, problem.line) == ("templates/email/layouts/warned.mjml", 3)


def test_copy_image_that_is_not_an_asset(no_project: Path) -> None:
    slots = Slots()
    doc = parse_with(slots, "Tekst\n\n![Logo](assets/logoo.png)\n\n![Kort](kort.png)")
    problems = check_assets(doc, no_project)
    assert [(p.rule, p.line, p.path) for p in problems] == [
        (UNKNOWN_ASSET.id, 3, None), (UNKNOWN_ASSET.id, 5, None),
    ]  # fmt: skip
    assert "did you mean 'logo.png'" in problems[0].hint
    ok, _ = parse("![Logo](assets/logo.png)\n\n![Kort](https://maps.example/k.png)")
    assert check_assets(ok, no_project) == []


def test_logo_missing_from_assets_points_at_brand_yml(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "brand.yml",
          (REPO / "templates/email/brand.yml").read_text(encoding="utf-8"))  # fmt: skip
    report = Report()
    brand = load_brand(templates, report, root=tmp_path)
    out, _ = render(templates, brand=brand)
    assert {(p.rule, p.path) for p in out.problems} == {
        (UNKNOWN_ASSET.id, "templates/email/brand.yml")
    }
    assert len(out.problems) == 2  # light and dark logo
    assert out.html  # still rendered, so every problem shows in one run


def test_invalid_brand_is_reported_at_its_lines_and_replaced(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "brand.yml",
          "name: Lunden\nsender: {name: Lunden, email: not-an-email}\n"
          "asset_base_url: http://cdn.example/\nfont_stack: Georgia\n"
          "colors:\n  light:\n    primry: '#fff'\ncompany: {legal_name: Lunden ApS}\n"
          "radius: round\n")  # fmt: skip
    report = Report()
    brand = load_brand(templates, report, root=tmp_path)
    assert brand == default_brand()
    found = {(d.rule, d.line) for d in report.diagnostics}
    assert (BAD_VALUE.id, 2) in found
    assert (BAD_VALUE.id, 3) in found
    assert (BAD_VALUE.id, 4) in found
    assert (UNKNOWN_KEY.id, 7) in found
    assert (WRONG_TYPE.id, 9) in found or (BAD_VALUE.id, 9) in found
    assert all(d.path == "templates/email/brand.yml" for d in report.diagnostics)
    unknown = next(d for d in report.diagnostics if d.rule == UNKNOWN_KEY.id)
    assert "did you mean 'primary'" in unknown.message


def test_british_colours_key_gets_a_suggestion(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    write(templates, "brand.yml",
          "name: X\nsender: {name: X, email: x@example.com}\n"
          "asset_base_url: https://cdn.example/\ncompany: {legal_name: X}\ncolours: {}\n")  # fmt: skip
    report = Report()
    load_brand(templates, report, root=tmp_path)
    (diagnostic,) = report.diagnostics
    assert (diagnostic.rule, diagnostic.line) == (UNKNOWN_KEY.id, 5)
    assert "did you mean 'colors'" in diagnostic.message


def test_brand_texts_fall_back_by_language_then_english() -> None:
    brand = default_brand()
    assert brand.text("unsubscribe", "nb-NO") == "Meld deg av"
    assert brand.text("unsubscribe", "fi") == "Unsubscribe"
    assert "Your brand" in brand.text("marketing_reason", "en")
