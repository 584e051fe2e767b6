"""Inline suppressions: ignore with a reason, ignore-file, YAML comments, unused and invalid ones.

Spec files are written to a temporary project and loaded (``micromoments check``) or built
(every render check); positions of the directive diagnostics are asserted.
"""

from __future__ import annotations

import json
from pathlib import Path

from micromoments.build import CatalogBuild
from micromoments.checks.render_checks import check_renditions
from micromoments.config import ProjectConfig
from micromoments.diagnostics import Diagnostic, Report, Severity
from micromoments.load.loader import load_catalog
from micromoments.output import format_json
from micromoments.suppress import comment_lines, is_directive_line, parse_suppressions, phase_of
from support_specs import moment_file, position_of
from test_checks_email import build, spec

DATA = {
    "order_url": {"type": "url", "source": "Webshop", "required": True,
                  "example": "https://shop.example/ordre/100234"},
}  # fmt: skip
HEAD = """\
## Email

Subject: Din ordre 100234 er modtaget
Preheader: Vi pakker den nu og skriver, så snart den er på vej til dig.

### Tak for din ordre
"""
VAGUE = (
    HEAD
    + """
<!-- micromoments: ignore MM319 -- "her" er navnet på vores udleveringssted -->
Hent pakken [her]({{ order_url }}).

Læs [vilkårene](http://shop.example/vilkaar).
"""
)


def rules_at(diagnostics: list[Diagnostic], rule: str) -> list[tuple[str, int, int]]:
    return [(d.path, d.line, d.col) for d in diagnostics if d.rule == rule]


def built(root: Path, copy: str, **files: str) -> tuple[CatalogBuild, str]:
    text = spec(copy, data=DATA)
    moments = {"order.md": text, **{k.replace("_", "."): v for k, v in files.items()}}
    return build(root, moments), text


# --- render-time rules ------------------------------------------------------------------------


def test_an_html_comment_silences_the_rule_on_the_next_paragraph(tmp_path: Path) -> None:
    result, text = built(tmp_path, VAGUE)
    diagnostics = result.report.sorted()
    assert rules_at(diagnostics, "MM319") == []
    assert rules_at(diagnostics, "MM141") == []
    # the other rule on the next paragraph is untouched, at the line as written
    assert rules_at(diagnostics, "MM316") == [("moments/order.md",
                                               *position_of(text, "http://shop"))]  # fmt: skip


def test_suppressed_render_diagnostics_are_kept_with_their_reason(tmp_path: Path) -> None:
    result, text = built(tmp_path, VAGUE)
    built_moment = result.moments["order"]
    report = Report()
    check_renditions(built_moment.moment, result.catalog.context, built_moment.previews, report)
    assert [d.rule for d in report.diagnostics if d.rule == "MM319"] == []
    [silenced] = [d for d in report.suppressed if d.rule == "MM319"]
    assert (silenced.line, silenced.col) == position_of(text, "[her]")
    assert silenced.suppressed == '"her" er navnet på vores udleveringssted'
    payload = json.loads(format_json([silenced], 1))["diagnostics"][0]
    assert payload["suppressed"] == silenced.suppressed


def test_the_comment_never_reaches_the_email(tmp_path: Path) -> None:
    result, _ = built(tmp_path, VAGUE)
    email = result.moments["order"].previews[("da", None, "sample")].email
    assert email is not None
    assert "micromoments" not in email.html and "micromoments" not in email.text
    assert "udleveringssted" not in email.html
    assert "Hent pakken" in email.text


def test_ordinary_comments_never_reach_any_channel(tmp_path: Path) -> None:
    copy = (
        HEAD
        + "\n<!-- note til oversætteren -->\nHej.\n\n<!--\n  en længere note\n  over to linjer\n-->\n"
        + "[Se din ordre]({{ order_url }})\n\n"
        + "## SMS\n\n<!-- kort! -->\nDin ordre er modtaget: {{ order_url }}\n"
    )
    text = moment_file(copy, channels=("email", "sms"), data=DATA, front={"locales": ["da"]})
    result = build(tmp_path, {"order.md": text})
    preview = result.moments["order"].previews[("da", None, "sample")]
    assert preview.email is not None and preview.sms is not None
    for output in (preview.email.html, preview.email.text, preview.sms):
        assert "oversætteren" not in output and "længere" not in output and "kort!" not in output
        assert "&lt;!--" not in output and "<!-- " not in output
    assert preview.sms == "Din ordre er modtaget: https://shop.example/ordre/100234"
    assert "Hej." in preview.email.text


def test_a_multi_line_directive_is_invalid(tmp_path: Path) -> None:
    copy = HEAD + "\n<!-- micromoments: ignore MM319\n  -- forklaring -->\n[her]({{ order_url }})\n"
    text = spec(copy, data=DATA)
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    [invalid] = [d for d in catalog.report.sorted() if d.rule == "MM142"]
    assert (invalid.line, invalid.col) == position_of(text, "<!-- micromoments")
    assert "one line" in invalid.message


def test_a_comment_among_the_fields_keeps_them_fields(tmp_path: Path) -> None:
    copy = (
        "## Email\n\nSubject: Din ordre 100234 er modtaget\n"
        "<!-- micromoments: ignore MM307 -- kort med vilje, testes mod en lang -->\n"
        "Preheader: Kort og godt\n\n### Tak for din ordre\n\n[Se din ordre]({{ order_url }})\n"
    )
    result, _ = built(tmp_path, copy)
    email = result.moments["order"].previews[("da", None, "sample")].email
    assert email is not None and email.preheader == "Kort og godt"
    diagnostics = result.report.sorted()
    assert rules_at(diagnostics, "MM307") == [] and rules_at(diagnostics, "MM141") == []
    assert rules_at(diagnostics, "MM306") == []


def test_ignore_file_covers_the_whole_file_only(tmp_path: Path) -> None:
    copy = HEAD + (
        "\nSe [her]({{ order_url }}).\n\nEller [her](https://shop.example/x).\n\n"
        "<!-- micromoments: ignore-file MM319 -- vores udleveringssted hedder Her -->\n"
    )
    english = (
        "## Email\n\nSubject: Your order 100234 is in\n"
        "Preheader: We are packing it now and will write when it is on its way.\n\n"
        "### Thanks\n\nSee [here]({{ order_url }}).\n"
    )
    text = spec(copy, data=DATA, locales=("da", "en"))
    result = build(tmp_path, {"order.md": text, "order.en.md": english})
    assert rules_at(result.report.sorted(), "MM319") == [
        ("moments/order.en.md", *position_of(english, "[here]"))
    ]


def test_unused_render_suppression_is_a_warning_only_after_rendering(tmp_path: Path) -> None:
    copy = HEAD + (
        "\n<!-- micromoments: ignore MM319 -- gammel undtagelse -->\nSe [din ordre]({{ order_url }}).\n"
    )
    result, text = built(tmp_path, copy)
    pos = position_of(text, "<!-- micromoments")
    [unused] = [d for d in result.report.sorted() if d.rule == "MM141"]
    assert (unused.path, unused.line, unused.col) == ("moments/order.md", *pos)
    assert unused.severity is Severity.WARNING and "MM319" in unused.message
    # `micromoments check` only loads: it cannot know, so it says nothing
    checked = load_catalog(ProjectConfig(root=tmp_path)).report.sorted()
    assert rules_at(checked, "MM141") == []


# --- load-time rules (front-matter) -------------------------------------------------------------


def _with_extra_variable(comment: str, own_line: bool = False) -> str:
    data = {**DATA, "loyalty": {"type": "integer", "source": "CRM", "example": 3,
                                "fallback": 0}}  # fmt: skip
    text = spec(HEAD + "\n[Se din ordre]({{ order_url }})\n", data=data)
    key = "  loyalty:"
    if own_line:
        return text.replace(key, f"  {comment}\n{key}", 1)
    line = next(line for line in text.split("\n") if line.startswith(key))
    return text.replace(line, f"{line}  {comment}", 1)


def test_a_yaml_comment_silences_a_front_matter_rule(tmp_path: Path) -> None:
    plain = _with_extra_variable("")
    loud = build(tmp_path / "loud", {"order.md": plain})
    assert rules_at(loud.report.sorted(), "MM202") == [
        ("moments/order.md", *position_of(plain, "loyalty:"))
    ]
    text = _with_extra_variable("# micromoments: ignore MM202 -- bruges i næste version")
    result = build(tmp_path / "quiet", {"order.md": text})
    assert rules_at(result.report.sorted(), "MM202") == []
    catalog = load_catalog(ProjectConfig(root=tmp_path / "quiet"))
    assert rules_at(catalog.report.sorted(), "MM202") == []
    [silenced] = catalog.report.suppressed
    assert silenced.rule == "MM202" and silenced.suppressed == "bruges i næste version"


def test_a_yaml_comment_on_its_own_line_covers_the_next_line(tmp_path: Path) -> None:
    text = _with_extra_variable("# micromoments: ignore unused-variable -- næste version", True)
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    assert rules_at(catalog.report.sorted(), "MM202") == []
    assert [d.rule for d in catalog.report.suppressed] == ["MM202"]


def _write(root: Path, text: str) -> Path:
    build(root, {"order.md": text})
    return root


def test_a_suppression_without_reason_is_an_error_and_silences_nothing(tmp_path: Path) -> None:
    text = _with_extra_variable("# micromoments: ignore MM202")
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    diagnostics = catalog.report.sorted()
    [error] = [d for d in diagnostics if d.rule == "MM140"]
    assert (error.path, error.line, error.col) == ("moments/order.md",
                                                   *position_of(text, "# micromoments"))  # fmt: skip
    assert error.severity is Severity.ERROR
    assert rules_at(diagnostics, "MM202") != []
    assert catalog.report.suppressed == []


def test_an_html_comment_without_reason_is_an_error(tmp_path: Path) -> None:
    copy = VAGUE.replace(' -- "her" er navnet på vores udleveringssted', "")
    text = spec(copy, data=DATA)
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    assert rules_at(catalog.report.sorted(), "MM140") == [
        ("moments/order.md", *position_of(text, "<!-- micromoments"))
    ]


def test_unused_front_matter_suppression(tmp_path: Path) -> None:
    text = spec(HEAD + "\n[Se din ordre]({{ order_url }})\n", data=DATA).replace(
        "  order_url:", "  order_url:  # micromoments: ignore MM202 -- for en sikkerheds skyld", 1
    )
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    assert rules_at(catalog.report.sorted(), "MM141") == [
        ("moments/order.md", *position_of(text, "# micromoments"))
    ]


def test_unknown_rules_and_words(tmp_path: Path) -> None:
    copy = HEAD + (
        "\n<!-- micromoments: ignore MM999 -- findes ikke -->\nA.\n"
        "\n<!-- micromoments: ignore unclear-link-txt -- stavefejl -->\nB.\n"
        "\n<!-- micromoments: skip MM319 -- forkert ord -->\nC.\n"
        "\n<!-- micromoments: ignore MM141 -- kan ikke tie sig selv -->\nD.\n"
        "\n[Se din ordre]({{ order_url }})\n"
    )
    text = spec(copy, data=DATA)
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    found = [d for d in catalog.report.sorted() if d.rule == "MM142"]
    assert [(d.line, d.col) for d in found] == [
        position_of(text, "<!-- micromoments", n) for n in (1, 2, 3, 4)
    ]
    assert "unknown rule 'MM999'" in found[0].message
    assert "did you mean 'unclear-link-text'" in found[1].message
    assert "unknown directive 'skip'" in found[2].message
    assert "cannot be suppressed" in found[3].message


def test_directives_in_code_fences_are_examples(tmp_path: Path) -> None:
    text = spec(HEAD + "\n[Se din ordre]({{ order_url }})\n", data=DATA).replace(
        "Why the moment exists.",
        "Why.\n\n```markdown\n<!-- micromoments: ignore MM319 -->\n```\n",
    )
    catalog = load_catalog(ProjectConfig(root=_write(tmp_path, text)))
    assert [d.rule for d in catalog.report.sorted() if d.rule.startswith("MM14")] == []


# --- the parser -----------------------------------------------------------------------------------


def test_parse_block_and_file_scopes() -> None:
    text = (
        "---\ntitle: x  # micromoments: ignore MM101 -- test\n---\n\n"
        "<!-- micromoments: ignore MM319, MM316 -- to regler -->\n\nLinje 1\nLinje 2\n\nLinje 3\n"
        "<!-- micromoments: ignore-file MM702 -- lange sætninger -->\n"
    )
    parsed = parse_suppressions(text, "x.md")
    assert parsed.problems == []
    front, block, whole = parsed.suppressions
    assert front.lines == frozenset({2}) and front.rules == ("MM101",)
    assert block.rules == ("MM319", "MM316") and block.lines == frozenset({7, 8})
    assert whole.lines is None and whole.reason == "lange sætninger"


def test_hash_inside_a_quoted_value_is_not_a_comment() -> None:
    text = '---\ntitle: "Tilbud # micromoments: ignore MM101 -- nej"\n---\n'
    assert parse_suppressions(text, "x.md").suppressions == []


def test_directive_lines_and_phases() -> None:
    assert is_directive_line("<!-- micromoments: ignore MM319 -- grund -->")
    assert is_directive_line("   <!--micromoments:ignore MM319 -- grund-->  ")
    assert not is_directive_line("Tekst <!-- micromoments: ignore MM319 -- grund -->")
    assert not is_directive_line("<!-- en almindelig kommentar -->")
    assert phase_of("MM319") == "render" and phase_of("MM401") == "render"
    assert phase_of("MM501") == "render" and phase_of("MM905") == "render"
    assert phase_of("MM202") == "load" and phase_of("MM702") == "load"


def test_json_lists_suppressed_only_when_suppressed() -> None:
    plain = Diagnostic("MM202", Severity.WARNING, "x.md", 3, 1, "m")
    assert "suppressed" not in plain.to_json()
    report = Report()
    report.extend([plain, Diagnostic("MM202", Severity.WARNING, "x.md", 4, 1, "m",
                                     suppressed="why")])  # fmt: skip
    assert [d.line for d in report.diagnostics] == [3]
    assert [d.line for d in report.suppressed] == [4]
    assert not report.has_errors


def test_comment_lines_skip_fenced_code_and_fence_markers_inside_comments() -> None:
    lines = [
        "<!-- one line -->",  # 0
        "```",  # 1 a code block opens
        "<!-- shown as code -->",  # 2
        "```",  # 3
        "<!-- a comment over",  # 4
        "```",  # 5 not a fence: it is inside the comment
        "lines -->",  # 6
        "<!-- still a comment: no code block was opened -->",  # 7
    ]
    assert comment_lines(lines) == {0, 4, 5, 6, 7}
