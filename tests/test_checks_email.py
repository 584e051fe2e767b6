"""The email checks (MM3xx) on real builds: each rule fails and passes, positions asserted.

Copy problems point at the moment file (line and column of the words); layout problems point
at the template file and line, once, with no moment. Projects are written to a temporary
folder and built with the real pipeline (MJML, previews, checks).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from micromoments.build import CatalogBuild, build_catalog
from micromoments.checks.email import (
    EmailOptions,
    check_subject,
    check_unsubscribe,
    vague_texts,
)
from micromoments.clients.tree import contrast, parse_color, parse_email
from micromoments.config import ProjectConfig
from micromoments.diagnostics import Diagnostic, Severity
from micromoments.layouts import BUILTIN_TEMPLATES
from support_specs import JOURNEY, TONES, moment_file, position_of

ORDER_DATA: dict[str, dict[str, Any]] = {
    "order_url": {"type": "url", "source": "Webshop", "required": True,
                  "example": "https://shop.example/ordre/100234"},
    "tracking_url": {"type": "url", "source": "GLS", "example": "https://gls.example/t/1",
                     "fallback": ""},
}  # fmt: skip

GOOD_COPY = """\
## Email

Subject: Din ordre 100234 er modtaget
Preheader: Vi pakker den nu og skriver, så snart den er på vej til dig.

### Tak for din ordre

Vi har modtaget din ordre og går i gang med det samme.

[Se din ordre]({{ order_url }}){.button}

{% if tracking_url %}
Du kan [følge pakken hos GLS]({{ tracking_url }}).
{% endif %}

![Lunden](assets/logo.png)

Spørgsmål? Læs [https://shop.example/hjaelp](https://shop.example/hjaelp).

{.muted}
Du får denne mail, fordi du har handlet hos os.
"""

BAD_COPY = """\
## Email

Subject: Re: Tak for din ordre
Preheader: Kort

### Tak for din ordre

Se din ordre [her]({{ order_url }}).

Læs [vilkårene](http://shop.example/vilkaar) og [din side](/min-side).

[Tom]()

[Følg pakken]({{ tracking_url }})

![](assets/logo.png)
"""

# A user layout that gets many things wrong; every line number below is asserted.
BARE_LAYOUT = """\
<mjml>
  <mj-head>
    <mj-preview>{{ preheader }}</mj-preview>
    <mj-style>
      @media (prefers-color-scheme: dark) { .dark-bad { background-color: #222222 !important; } .dark-bad div { color: #333333 !important; } }
    </mj-style>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
{{ content }}
        <mj-text color="#aaaaaa">Grå layouttekst</mj-text>
        <mj-text css-class="dark-bad">Mørk tekst</mj-text>
        <mj-button inner-padding="10px 16px" line-height="20px" href="https://shop.example/a">Mellem</mj-button>
        <mj-button inner-padding="2px 4px" line-height="14px" font-size="12px" href="https://shop.example/b">OK</mj-button>
        <mj-raw><table width="100%"><tr><td>Layout</td></tr></table></mj-raw>
        <mj-raw><table role="presentation"><tr><th>Vare</th></tr></table></mj-raw>
        <mj-raw><div style="display:none">Skjult tekst</div></mj-raw>
        <mj-raw><img src="https://cdn.example/x.png" width="10"></mj-raw>
        <mj-raw><img src="https://cdn.example/pynt.png" width="40" alt="" role="presentation"></mj-raw>
        <mj-raw><img src="https://cdn.example/tom.png" width="40" alt=""></mj-raw>
        <mj-text><a href="">Tom</a> <a href="http://example.com/x">Eksempel</a> <a href="/hjaelp">Hjælp</a> <a href="https://example.com">klik her</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
WRONG_LAYOUT = """\
<mjml lang="en" dir="rtl">
  <mj-head><mj-title>{{ subject }}</mj-title><mj-preview>{{ preheader }}</mj-preview></mj-head>
  <mj-body><mj-section><mj-column>
{{ content }}
  </mj-column></mj-section></mj-body>
</mjml>
"""
SIMPLE_COPY = """\
## Email

Subject: Din ordre 100234 er modtaget
Preheader: Vi pakker den nu og skriver, så snart den er på vej til dig.

### Tak for din ordre

[Se din ordre]({{ order_url }}){.button}
"""

ECHO = "Din ordre 100234 er modtaget og pakket"
ECHO_COPY = SIMPLE_COPY.replace("Din ordre 100234 er modtaget", ECHO).replace(
    "Vi pakker den nu og skriver, så snart den er på vej til dig.", ECHO
)


def spec(copy: str, *, template: str = "transactional", kind: str = "transactional",
         data: Mapping[str, Mapping[str, Any]] | None = None, locales: tuple[str, ...] = ("da",),
         ) -> str:  # fmt: skip
    """A moment with only an email channel."""
    return moment_file(
        copy,
        channels=("email",),
        data=ORDER_DATA if data is None else data,
        front={"locales": list(locales), "email": {"template": template, "kind": kind}},
    )


def build(
    root: Path,
    moments: Mapping[str, str],
    templates: Mapping[str, str] | None = None,
    *,
    options: Mapping[str, Any] | None = None,
) -> CatalogBuild:
    """Write a project (moments/NAME.md, templates/...) and build it."""
    folder = root / "moments"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "journey.yml").write_text(JOURNEY, encoding="utf-8")
    (folder / "tones.yml").write_text(TONES, encoding="utf-8")
    for name, text in moments.items():
        (folder / name).write_text(text, encoding="utf-8")
    for name, text in (templates or {}).items():
        target = root / "templates" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return build_catalog(ProjectConfig(root=root, options=dict(options or {})))


def at(result: CatalogBuild, rule: str) -> list[tuple[str, int, int]]:
    """(path, line, column) of every diagnostic of ``rule``, sorted and without duplicates."""
    return [(d.path, d.line, d.col) for d in result.report.sorted() if d.rule == rule]


def of(result: CatalogBuild, rule: str) -> list[Diagnostic]:
    return [d for d in result.report.sorted() if d.rule == rule]


def mm3(result: CatalogBuild) -> list[Diagnostic]:
    return [d for d in result.report.sorted() if d.rule.startswith("MM3")]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> CatalogBuild:
    root = tmp_path_factory.mktemp("good")
    return build(root, {
        "order.md": spec(GOOD_COPY),
        "welcome.md": spec(GOOD_COPY, template="marketing", kind="marketing"),
    })  # fmt: skip


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> CatalogBuild:
    root = tmp_path_factory.mktemp("bad")
    return build(
        root,
        {
            "order.md": spec(BAD_COPY),
            "bare.md": spec(SIMPLE_COPY, template="bare"),
            "bare-too.md": spec(SIMPLE_COPY, template="bare"),
            "wrong.md": spec(SIMPLE_COPY, template="wrong"),
            "long.md": spec(SIMPLE_COPY.replace(
                "Din ordre 100234 er modtaget",
                "Din ordre 100234 er modtaget, og vi pakker den allerede nu til dig")),
            "short.md": spec(SIMPLE_COPY.replace("Din ordre 100234 er modtaget", "Hej")),
            "nopre.md": spec(SIMPLE_COPY.replace(
                "Preheader: Vi pakker den nu og skriver, så snart den er på vej til dig.\n", "")),
            "echo.md": spec(ECHO_COPY),
            "marketing.md": spec(SIMPLE_COPY, template="wrong", kind="marketing"),
        },
        {"email/layouts/bare.mjml": BARE_LAYOUT, "email/layouts/wrong.mjml": WRONG_LAYOUT},
    )  # fmt: skip


def layout_pos(needle: str, occurrence: int = 1, text: str = BARE_LAYOUT) -> tuple[int, int]:
    return position_of(text, needle, occurrence)


BARE = "templates/email/layouts/bare.mjml"
ORDER = "moments/order.md"


# --- the passing catalog -------------------------------------------------------------------------


def test_good_copy_in_the_built_in_layouts_passes_every_email_rule(good: CatalogBuild) -> None:
    assert mm3(good) == []
    assert not good.has_errors
    assert [d for d in good.report.sorted() if d.severity >= Severity.WARNING] == []


def test_example_catalog_passes_the_email_and_client_checks() -> None:
    repo = Path(__file__).resolve().parents[1]
    result = build_catalog(ProjectConfig(root=repo))
    loud = [d.format() for d in result.report.sorted()
            if d.rule[:3] in ("MM3", "MM4") and d.severity >= Severity.WARNING]  # fmt: skip
    assert loud == []
    assert mm3(result) == []


# --- subject and preheader (copy) ----------------------------------------------------------------


def test_fake_reply_prefix_points_at_the_subject(bad: CatalogBuild) -> None:
    text = spec(BAD_COPY)
    assert at(bad, "MM305") == [(ORDER, *position_of(text, "Re: Tak"))]
    assert of(bad, "MM305")[0].severity is Severity.ERROR
    assert of(bad, "MM305")[0].moment == "order"


def test_subject_length(bad: CatalogBuild) -> None:
    long = spec(SIMPLE_COPY.replace("Din ordre 100234 er modtaget",
                                    "Din ordre 100234 er modtaget, og vi pakker den allerede nu til dig"))  # fmt: skip
    assert at(bad, "MM303") == [("moments/long.md", *position_of(long, "Din ordre 100234 er"))]
    assert "66 characters" in of(bad, "MM303")[0].message
    short = spec(SIMPLE_COPY.replace("Din ordre 100234 er modtaget", "Hej"))
    assert at(bad, "MM304") == [("moments/short.md", *position_of(short, "Hej\n"))]
    assert of(bad, "MM304")[0].severity is Severity.INFO


def test_subject_thresholds_are_options() -> None:
    sixty = "x" * 60
    assert check_subject(sixty, "p" * 40, EmailOptions()) == []
    assert [f.rule for f in check_subject(sixty + "y", "p" * 40, EmailOptions())] == ["MM303"]
    assert check_subject(sixty + "y", "p" * 40, EmailOptions(subject_max=70)) == []
    assert check_subject("Reolen er på vej", "p" * 40, EmailOptions()) == []  # not "Re:"
    rules = [f.rule for f in check_subject("SV: Din ordre 100234", "p" * 40, EmailOptions())]
    assert rules == ["MM305"]


def test_missing_preheader_points_at_the_heading(bad: CatalogBuild) -> None:
    text = spec(SIMPLE_COPY.replace(
        "Preheader: Vi pakker den nu og skriver, så snart den er på vej til dig.\n", ""))  # fmt: skip
    assert at(bad, "MM306") == [("moments/nopre.md", *position_of(text, "## Email"))]


def test_preheader_length_points_at_the_preheader(bad: CatalogBuild) -> None:
    assert at(bad, "MM307") == [(ORDER, *position_of(spec(BAD_COPY), "Kort"))]
    assert "4 characters" in of(bad, "MM307")[0].message
    long = check_subject("Din ordre er på vej", "p" * 111, EmailOptions())
    assert [f.rule for f in long] == ["MM307"] and "at most 110" in long[0].message


def test_preheader_repeating_the_subject(bad: CatalogBuild) -> None:
    text = spec(ECHO_COPY)
    preheader_line = text.split("\n").index(f"Preheader: {ECHO}") + 1
    assert at(bad, "MM308") == [("moments/echo.md", preheader_line, len("Preheader: ") + 1)]
    assert at(bad, "MM307") == [(ORDER, *position_of(spec(BAD_COPY), "Kort"))]


# --- size ------------------------------------------------------------------------------------------


def test_size_warning_and_error_point_at_the_email_heading(tmp_path: Path) -> None:
    text = spec(GOOD_COPY)
    heading = position_of(text, "## Email")
    warned = build(tmp_path / "w", {"order.md": text}, options={"email_size_warn": 5_000})
    assert at(warned, "MM301") == [(ORDER, *heading)] and at(warned, "MM302") == []
    assert "KB" in of(warned, "MM301")[0].message
    clipped = build(tmp_path / "e", {"order.md": text},
                    options={"email_size_warn": 4_000, "email_size_error": 5_000})  # fmt: skip
    assert at(clipped, "MM302") == [(ORDER, *heading)] and at(clipped, "MM301") == []
    assert of(clipped, "MM302")[0].severity is Severity.ERROR


# --- links, images (copy) ---------------------------------------------------------------------------


def test_vague_link_text_points_at_the_link(bad: CatalogBuild) -> None:
    text = spec(BAD_COPY)
    assert (ORDER, *position_of(text, "[her]")) in at(bad, "MM319")


def test_vague_link_texts_are_per_locale() -> None:
    assert "klik her" in vague_texts("da") and "læs mere" in vague_texts("da")
    assert "les mer" in vague_texts("nb") and "trykk her" in vague_texts("nb")
    assert "click here" in vague_texts("da")  # English is always included
    assert "les mer" not in vague_texts("da")


def test_english_click_here_in_a_translation(tmp_path: Path) -> None:
    main = spec(SIMPLE_COPY, locales=("da", "en"))
    english = "## Email\n\nSubject: Your order 100234 is in\nPreheader: We are packing it now and will write when it is on its way.\n\n### Thanks\n\nSee your order [click here]({{ order_url }}).\n"
    result = build(tmp_path, {"order.md": main, "order.en.md": english})
    assert at(result, "MM319") == [("moments/order.en.md", *position_of(english, "[click here]"))]


def test_http_and_relative_links_point_at_the_link(bad: CatalogBuild) -> None:
    text = spec(BAD_COPY)
    # the position is the URL's first character
    assert (ORDER, *position_of(text, "http://shop.example")) in at(bad, "MM316")
    assert (ORDER, *position_of(text, "/min-side)")) in at(bad, "MM317")
    assert of(bad, "MM317")[0].severity is Severity.ERROR


def test_empty_link_with_sample_data_and_with_missing_data(bad: CatalogBuild) -> None:
    text = spec(BAD_COPY)
    found = at(bad, "MM318")
    assert (ORDER, *position_of(text, "[Tom]")) in found
    assert (ORDER, *position_of(text, "[Følg pakken]")) in found
    missing = [d for d in of(bad, "MM318") if d.path == ORDER and "missing data" in d.message]
    assert [d.line for d in missing] == [position_of(text, "[Følg pakken]")[0]]


def test_links_from_url_variables_are_absolute(good: CatalogBuild) -> None:
    # {{ order_url }} and {{ tracking_url }} are links; a guarded optional link is fine
    assert at(good, "MM317") == [] and at(good, "MM318") == []


def test_copy_image_without_alt_text(bad: CatalogBuild) -> None:
    text = spec(BAD_COPY)
    assert (ORDER, *position_of(text, "![](assets/logo.png)")) in at(bad, "MM311")


# --- the layout --------------------------------------------------------------------------------------


def test_layout_problems_are_reported_once_at_the_template(bad: CatalogBuild) -> None:
    layout = [d for d in mm3(bad) if d.path == BARE]
    assert layout and all(d.moment is None for d in layout)
    # two moments use the layout; each problem appears once
    assert len({(d.rule, d.line, d.col, d.message) for d in layout}) == len(layout)


def test_missing_lang_and_wrong_lang(bad: CatalogBuild) -> None:
    assert (BARE, *layout_pos("<mjml>")) in at(bad, "MM312")
    assert (BARE, *layout_pos("<mj-body>")) in at(bad, "MM312")
    wrong = "templates/email/layouts/wrong.mjml"
    assert (wrong, 1, 1) in at(bad, "MM312")
    messages = [d.message for d in of(bad, "MM312") if d.path == wrong]
    assert any('lang="en" on <html>' in m for m in messages)


def test_dir_that_is_not_the_locales(bad: CatalogBuild) -> None:
    wrong = "templates/email/layouts/wrong.mjml"
    assert (wrong, 1, 1) in at(bad, "MM313")
    assert any('dir="rtl"' in d.message for d in of(bad, "MM313"))
    assert (BARE, *layout_pos("<mjml>")) in at(bad, "MM313")  # MJML's default dir="auto"


def test_missing_title(bad: CatalogBuild) -> None:
    assert at(bad, "MM309") == [(BARE, *layout_pos("<mj-head>"))]


def test_table_roles(bad: CatalogBuild) -> None:
    assert at(bad, "MM314") == [(BARE, *layout_pos('<table width="100%">'))]
    assert at(bad, "MM315") == [(BARE, *layout_pos('<table role="presentation">'))]


def test_layout_images(bad: CatalogBuild) -> None:
    assert at(bad, "MM310") == [(BARE, *layout_pos("<img"))]
    # alt="" is fine with role="presentation" (the second <img>), not without (the third)
    assert (BARE, *layout_pos("<img", 3)) in at(bad, "MM311")
    assert (BARE, *layout_pos("<img", 2)) not in at(bad, "MM311")


def test_layout_links(bad: CatalogBuild) -> None:
    assert (BARE, *layout_pos('href=""')) in at(bad, "MM318")
    assert (BARE, *layout_pos('href="http://example.com/x')) in at(bad, "MM316")
    assert (BARE, *layout_pos('href="/hjaelp')) in at(bad, "MM317")
    assert (BARE, *layout_pos("klik her")) in at(bad, "MM319")


def test_light_contrast_in_the_layout(bad: CatalogBuild) -> None:
    assert at(bad, "MM320") == [(BARE, *layout_pos("Grå layouttekst"))]
    message = of(bad, "MM320")[0].message
    assert "#aaaaaa on #ffffff" in message and "2.3:1" in message and "needs 4.5:1" in message


def test_dark_contrast_in_the_layout(bad: CatalogBuild) -> None:
    assert at(bad, "MM321") == [(BARE, *layout_pos("Mørk tekst"))]
    assert "#333333 on #222222" in of(bad, "MM321")[0].message


def test_tap_targets(bad: CatalogBuild) -> None:
    assert at(bad, "MM322") == [(BARE, *layout_pos("Mellem</mj-button>"))]
    assert "x40 px" in of(bad, "MM322")[0].message
    assert at(bad, "MM323") == [(BARE, *layout_pos("OK</mj-button>"))]
    assert of(bad, "MM323")[0].severity is Severity.ERROR


def test_copy_buttons_are_big_enough(good: CatalogBuild) -> None:
    assert at(good, "MM322") == [] and at(good, "MM323") == []


def test_hidden_text(bad: CatalogBuild) -> None:
    assert at(bad, "MM325") == [(BARE, *layout_pos("display:none"))]
    assert "Skjult tekst" in of(bad, "MM325")[0].message


def test_preheader_and_dark_logo_are_not_hidden_text(tmp_path: Path) -> None:
    # the project brand has a dark logo (hidden in light mode, shown in dark mode)
    brand = (BUILTIN_TEMPLATES / "email" / "brand.yml").read_text(encoding="utf-8")
    brand = brand.replace("logo: {src: logo.png,", "logo: {src: logo.png, dark_src: logo.png,")
    assert "dark_src" in brand
    result = build(tmp_path, {"order.md": spec(GOOD_COPY)}, {"email/brand.yml": brand})
    assert at(result, "MM325") == []
    html = result.moments["order"].previews[("da", None, "sample")].email
    assert html is not None and "mm-logo-dark" in html.html


# --- brand colours ----------------------------------------------------------------------------------


def _brand(**colours: str) -> str:
    text = (BUILTIN_TEMPLATES / "email" / "brand.yml").read_text(encoding="utf-8")
    for key, value in colours.items():
        scheme, name = key.split("_", 1)
        lines = text.split("\n")
        inside = False
        for n, line in enumerate(lines):
            if line.strip() == f"{scheme}:":
                inside = True
            elif inside and line.strip().startswith(f"{name}:"):
                lines[n] = line.split(":")[0] + f': "{value}"'
                break
        text = "\n".join(lines)
    return text


def test_low_contrast_of_muted_copy_points_at_the_paragraph(tmp_path: Path) -> None:
    text = spec(GOOD_COPY)
    result = build(tmp_path, {"order.md": text}, {"email/brand.yml": _brand(light_muted="#b0b0b0")})
    found = at(result, "MM320")
    assert (ORDER, *position_of(text, "Du får denne mail")) in found
    copy = [d for d in of(result, "MM320") if d.path == ORDER]
    assert copy[0].moment == "order" and "#b0b0b0" in copy[0].message
    # the footer uses the same colour: reported once, at the footer template, for no moment
    footer = [d for d in of(result, "MM320") if d.path.endswith("partials/footer.mjml")]
    assert len(footer) == 1 and footer[0].moment is None and footer[0].line > 0


def test_low_contrast_in_dark_mode(tmp_path: Path) -> None:
    text = spec(GOOD_COPY)
    result = build(tmp_path, {"order.md": text}, {"email/brand.yml": _brand(dark_text="#3a3a3a")})
    assert (ORDER, *position_of(text, "Vi har modtaget")) in at(result, "MM321")
    assert at(result, "MM320") == []


def test_contrast_math() -> None:
    white, black = parse_color("#fff"), parse_color("black")
    assert white is not None and black is not None
    assert round(contrast(white, black), 1) == 21.0
    grey = parse_color("rgb(118, 118, 118)")
    assert grey is not None and 4.5 <= contrast(grey, white) < 4.6


def test_contrast_is_computed_from_inherited_styles() -> None:
    html = (
        '<html><body style="background-color:#000000"><div style="color:#ffffff">'
        '<p style="color:#555555">Grå på sort</p><p>Hvid på sort</p></div></body></html>'
    )
    doc = parse_email(html)
    p1, p2 = doc.find_all("p")
    assert p1.light is not None and p2.light is not None
    assert p1.light.color == (85.0, 85.0, 85.0, 1.0) and p1.light.background == (0, 0, 0, 1.0)
    assert p2.light.color == (255.0, 255.0, 255.0, 1.0)


# --- marketing ----------------------------------------------------------------------------------------


def test_marketing_mail_without_unsubscribe_in_the_html(bad: CatalogBuild) -> None:
    text = spec(SIMPLE_COPY, template="wrong", kind="marketing")
    found = [d for d in of(bad, "MM324") if d.path == "moments/marketing.md"]
    assert [(d.line, d.col) for d in found] == [position_of(text, "email:")]
    assert "HTML" in found[0].message and found[0].severity is Severity.ERROR


def test_marketing_mail_with_the_marketing_layout_passes(good: CatalogBuild) -> None:
    assert at(good, "MM324") == []


def test_unsubscribe_in_the_plain_text_part() -> None:
    doc = parse_email('<html><body><a href="https://x.example/afmeld">Afmeld</a></body></html>')
    assert check_unsubscribe(doc, "Afmeld: https://x.example/afmeld", "") == []
    missing = check_unsubscribe(doc, "Tak for din ordre.", "")
    assert [f.rule for f in missing] == ["MM324"] and "plain-text" in missing[0].message


# --- the gate in pre-commit ----------------------------------------------------------------------


def test_pre_commit_hook_runs_the_strict_check() -> None:
    import re

    import yaml

    repo = Path(__file__).resolve().parents[1]
    [hook] = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "micromoments-check"
    assert hook["entry"] == "micromoments check --strict"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("moments/purchase/order.md") and files.search("templates/email/x.mjml")
    assert not files.search("docs/index.md")
