"""Every spec, copy and data rule: a failing spec (rule, line and column asserted) and a passing one."""

from __future__ import annotations

import pytest

from conftest import VALID, Project, rules_of, where


def pos_of(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


# (rule, description, spec text, needle whose position the diagnostic must have)
CASES: list[tuple[str, str, str, str]] = [
    ("MM010", "tab indentation", VALID.replace("phase: purchase", "\tphase: purchase"), "\tphase"),
    ("MM010", "unquoted colon", VALID.replace("title: Ordrebekræftelse", "title: Tak: din ordre"), ": din"),
    ("MM011", "duplicate key", VALID.replace("status: live\n", "status: live\nstatus: ready\n"), "status: ready"),
    ("MM013", "python tag", VALID.replace("owner", "x").replace("status: live", "status: !!python/name:os.system live"), "!!python"),
    ("MM101", "missing phase", VALID.replace("phase: purchase\n", ""), "title:"),
    ("MM102", "misspelt key", VALID.replace("audiences: [private]", "audiences: [private]\nchanels: [email]"), "chanels"),
    ("MM103", "text for a list", VALID.replace("audiences: [private]", "audiences: private"), "private"),
    ("MM103", "text for a number", VALID.replace("locales: [da]", "locales: [da]\npriority: {impact: high, effort: 1}"), "high"),
    ("MM104", "status typo", VALID.replace("status: live", "status: liv"), "liv\n"),
    ("MM104", "impact out of range", VALID.replace("locales: [da]", "locales: [da]\npriority: {impact: 9, effort: 1}"), "9, effort"),
    ("MM105", "bad delay", VALID.replace("delay: 0m", "delay: 24 timer"), "24 timer"),
    ("MM110", "unknown phase", VALID.replace("phase: purchase", "phase: purchse"), "purchse"),
    ("MM111", "unknown tone", VALID.replace("tone: reassuring", "tone: reasuring"), "reasuring"),
    ("MM112", "unknown audience", VALID.replace("audiences: [private]", "audiences: [privat]"), "privat]"),
    ("MM113", "unknown template", VALID.replace("locales: [da]", "locales: [da]\nemail: {template: transactionel}"), "transactionel"),
    ("MM114", "unknown metric", VALID.replace("metric: open_rate", "metric: openrate"), "openrate"),
    ("MM115", "unknown locale", VALID.replace("locales: [da]", "locales: [da, dk]"), "dk]"),
    ("MM116", "unknown channel", VALID.replace("channels: [email, sms]", "channels: [email, sms, mail]"), "mail]"),
    ("MM117", "duplicate channel", VALID.replace("channels: [email, sms]", "channels: [email, sms, email]"), "email]"),
    ("MM120", "fallback to unused channel", VALID.replace("then: sms}", "then: push}"), "push}"),
    ("MM120", "fallback from unused channel", VALID.replace("when: email.bounced", "when: push.failed"), "push.failed"),
    ("MM121", "fallback cycle", VALID.replace("then: sms}\n", "then: sms}\n  - {when: sms.failed, then: email}\n"), "{when: sms.failed"),
    ("MM122", "unknown fallback event", VALID.replace("email.bounced", "email.bounce"), "email.bounce"),
    ("MM123", "fallback to itself", VALID.replace("then: sms}", "then: email}"), "email}"),
    ("MM130", "channel without copy", VALID.replace("channels: [email, sms]", "channels: [email, sms, push]").replace("then: sms}", "then: sms}"), "push]"),
    ("MM131", "copy without channel", VALID.replace("channels: [email, sms]", "channels: [email]").replace("  - {when: email.bounced, then: sms}\n", "").replace("fallback:\n", ""), "## SMS"),
    ("MM132", "duplicate section", VALID + "\n## SMS \n\nIgen.\n", "## SMS \n"),
    ("MM133", "misspelt section", VALID.replace("## SMS", "## Smss"), "Smss"),
    ("MM134", "misspelt field", VALID.replace("Preheader:", "Preheadr:"), "Preheadr"),
    ("MM135", "missing translation", VALID.replace("locales: [da]\n", ""), "title"),
    ("MM138", "empty section", VALID + "\n## Push\n", "## Push"),
    ("MM139", "email without subject", VALID.replace("Subject: Tak for din ordre, {{ first_name }}\n", ""), "## Email"),
    ("MM201", "undeclared variable", VALID.replace("Se den her: {{ order_url }}", "Se den her: {{ order_url }} {{ order_number }}"), "{{ order_number"),
    ("MM202", "unused variable", VALID.replace("kpis:", "  points: {type: integer, source: CRM, example: 5}\nkpis:"), "points"),
    ("MM203", "unclosed tag", VALID.replace("Hej {{ first_name }}.", "Hej {{ first_name }."), "{{ first_name }."),
    ("MM204", "filter", VALID.replace("Hej {{ first_name }}.", "Hej {{ first_name | upper }}."), "{{ first_name | upper"),
    ("MM205", "undeclared field", VALID.replace("Hej {{ first_name }}.", "Hej {{ first_name }}. {{ order_url.host }}"), "{{ order_url.host"),
    ("MM206", "example of wrong type", VALID.replace('example: "https://shop.example/o/1"', "example: ordre/1"), "ordre/1"),
    ("MM207", "loop over text", VALID.replace("Hej {{ first_name }}.", "{% for x in first_name %}{{ x }}{% endfor %}"), "{% for x in first_name"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "label", "text", "needle"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_rule_fires_at_the_right_place(project: Project, rule: str, label: str, text: str, needle: str) -> None:  # fmt: skip
    project.moment(text)
    found = project.diagnostics()
    assert pos_of(text, needle) in where(found, rule), [d.format() for d in found]


def test_valid_spec_has_no_diagnostics(project: Project) -> None:
    project.moment(VALID)
    assert project.diagnostics() == []


@pytest.mark.parametrize("rule", sorted({c[0] for c in CASES}))
def test_each_rule_is_silent_on_the_valid_spec(project: Project, rule: str) -> None:
    project.moment(VALID)
    assert rule not in rules_of(project.diagnostics())


def test_all_problems_of_a_file_are_reported_in_one_run(project: Project) -> None:
    text = (
        VALID.replace("phase: purchase", "phase: purchse")
        .replace("status: live", "status: liv")
        .replace("tone: reassuring", "tone: reasuring")
        .replace("Hej {{ first_name }}.", "Hej {{ fornavn }}.")
    )
    project.moment(text)
    assert {"MM110", "MM104", "MM111", "MM201"} <= rules_of(project.diagnostics())


def test_problems_of_all_files_are_reported(project: Project) -> None:
    project.moment(VALID.replace("phase: purchase", "phase: purchse"), "one")
    project.moment(VALID.replace("tone: reassuring", "tone: reasuring"), "two")
    found = project.diagnostics()
    assert {(d.path, d.rule) for d in found} >= {
        ("moments/one.md", "MM110"),
        ("moments/two.md", "MM111"),
    }


def test_did_you_mean_in_messages(project: Project) -> None:
    project.moment(VALID.replace("audiences: [private]", "audiences: [private]\nchanels: [email]"))
    message = next(d.message for d in project.diagnostics() if d.rule == "MM102")
    assert "did you mean 'channels'" in message


def test_duplicate_ids_in_subfolders(project: Project) -> None:
    project.write("moments/a/receipt.md", VALID)
    project.write("moments/b/receipt.md", VALID)
    assert "MM106" in rules_of(project.diagnostics())


def test_bad_file_name_is_reported(project: Project) -> None:
    project.moment(VALID, "Order Confirmation")
    found = project.diagnostics()
    assert [d.path for d in found if d.rule == "MM107"] == ["moments/Order Confirmation.md"]


def test_orphan_translation(project: Project) -> None:
    project.write("moments/receipt.en.md", "## Email\n\nSubject: Hi\n\nHello\n")
    assert where(project.diagnostics(), "MM108") == [(0, 0)]


def test_translation_may_not_set_structure(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    text = "---\ntitle: Order confirmation\nphase: deliver\n---\n\n## Email\n\nSubject: Thanks\n\nHi\n\n## SMS\n\nThanks\n"
    project.write("moments/order-confirmation.en.md", text)
    found = project.diagnostics()
    assert where(found, "MM109") == [pos_of(text, "phase")]


def test_translation_missing_a_section(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    project.write("moments/order-confirmation.en.md", "## Email\n\nSubject: Thanks\n\nHi\n")
    assert where(project.diagnostics(), "MM136") == [(1, 1)]


def test_translation_with_an_extra_section(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    text = "## Email\n\nSubject: Thanks\n\nHi\n\n## SMS\n\nThanks\n\n## Push\n\nTitle: Hi\n\nHi\n"
    project.write("moments/order-confirmation.en.md", text)
    assert where(project.diagnostics(), "MM137") == [pos_of(text, "## Push")]


def test_complete_translation_is_clean(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    text = "---\ntitle: Order confirmation\n---\n\n## Email\n\nSubject: Thanks, {{ first_name }}\n\nHi\n\n## SMS\n\nSee it: {{ order_url }}\n"
    project.write("moments/order-confirmation.en.md", text)
    catalog = project.load()
    assert catalog.report.sorted() == []
    moment = catalog.moments["order-confirmation"]
    assert moment.title_in("en") == "Order confirmation"
    assert moment.locale_ids() == ["da", "en"]


def test_missing_translation_falls_back_to_default_locale(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]\n", ""))
    catalog = project.load()
    moment = catalog.moments["order-confirmation"]
    assert moment.missing_locales == ["en"]
    section = moment.section("en", moment.spec.channels[0])  # type: ignore[union-attr]
    assert section is not None and section.locale == "da"


def test_missing_journey_file(project: Project) -> None:
    (project.root / "moments" / "journey.yml").unlink()
    project.moment(VALID)
    assert ("moments/journey.yml", "MM014") in {(d.path, d.rule) for d in project.diagnostics()}


def test_non_utf8_points_at_the_byte(project: Project) -> None:
    project.moment(VALID)
    raw = VALID.encode("utf-8").replace(
        "Ordrebekræftelse".encode(), "Ordrebekræftelse".encode("latin-1")
    )
    project.write("moments/order-confirmation.md", raw)
    assert where(project.diagnostics(), "MM001") == [(2, 17)]


def test_too_large_file(project: Project) -> None:
    project.moment(VALID + "x" * 1_100_000)
    assert where(project.diagnostics(), "MM002") == [(0, 0)]


def test_rule_severity_can_be_configured(project: Project) -> None:
    project.moment(VALID.replace("email.bounced", "email.bounce"))
    assert "MM122" in rules_of(project.diagnostics())
    assert "MM122" not in rules_of(project.diagnostics(rules={"MM122": "off"}))
    raised = project.diagnostics(rules={"MM122": "error"})
    assert [d.severity.label for d in raised if d.rule == "MM122"] == ["error"]


def test_translation_overrides_examples_and_fallbacks(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    text = (
        "---\ntitle: Order confirmation\ndata:\n  first_name: {fallback: there, example: Emma}\n---\n\n"
        "## Email\n\nSubject: Thanks, {{ first_name }}\n\nHi\n\n## SMS\n\nSee it: {{ order_url }}\n"
    )
    project.write("moments/order-confirmation.en.md", text)
    catalog = project.load()
    assert catalog.report.sorted() == []
    moment = catalog.moments["order-confirmation"]
    assert moment.data_in("en")["first_name"].fallback == "there"
    assert moment.data_in("en")["first_name"].example == "Emma"
    assert moment.data_in("da")["first_name"].example == "Mette"


def test_translation_data_for_an_undeclared_or_mistyped_variable(project: Project) -> None:
    project.moment(VALID.replace("locales: [da]", "locales: [da, en]"))
    text = (
        "---\ndata:\n  firstname: {fallback: there}\n  order_url: {example: not-a-url}\n---\n\n"
        "## Email\n\nSubject: Thanks\n\nHi\n\n## SMS\n\nSee it: {{ order_url }}\n"
    )
    project.write("moments/order-confirmation.en.md", text)
    found = project.diagnostics()
    assert where(found, "MM201") == [pos_of(text, "firstname")]
    assert where(found, "MM206") == [pos_of(text, "not-a-url")]
    assert {d.path for d in found if d.rule in ("MM201", "MM206")} == {
        "moments/order-confirmation.en.md"
    }


def test_broken_declaration_gives_no_follow_on_errors(project: Project) -> None:
    text = VALID.replace(
        'example: Mette, fallback: ""',
        'example: Mette, description: Navn, eller kaldenavn, fallback: ""',
    )
    project.moment(text)
    found = project.diagnostics()
    assert rules_of(found) == {"MM102"}
    assert "comma" in next(d.hint for d in found if d.rule == "MM102")


def test_file_rules_point_at_the_line(project: Project) -> None:
    project.moment("\n\n# Ordrebekræftelse\n\nTak.\n", "no-front")
    project.moment("---\ntitle: Hej\nphase: purchase\n\n## Email\n", "unclosed")
    bomb = (
        "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{c}: &{c} [{', '.join(['*' + chr(ord(c) - 1)] * 10)}]\n" for c in "bcde")
        + "---\n"
    )
    project.moment(bomb, "bomb")
    found = project.diagnostics()
    assert [(d.path, d.line, d.col) for d in found if d.rule == "MM003"] == [
        ("moments/no-front.md", 3, 1)
    ]
    assert [(d.path, d.line, d.col) for d in found if d.rule == "MM004"] == [
        ("moments/unclosed.md", 1, 1)
    ]
    bombs = [(d.path, d.line) for d in found if d.rule == "MM012"]
    assert bombs and bombs[0][0] == "moments/bomb.md" and 2 <= bombs[0][1] <= 6
