"""The tone checks (MM7xx) on real spec files: each rule fails and passes, positions asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from micromoments.checks.tone import RULE_OF_KIND, check_tone, tone_settings
from micromoments.diagnostics import RULES, Report, Severity
from micromoments.load.loader import Catalog
from micromoments.model import Channel, ToneRules
from micromoments.text.tone import analyse_tone
from support_specs import SAMPLE_DATA, moment_file, position_of, write_project

TONES = """\
reassuring:
  title: Beroligende
  description: Rolig, klar og venlig.
  do: ["Din ordre er på vej."]
  dont: ["Desværre!!!"]
  rules:
    formality: du
    max_sentence_words: 12
    lix: {email: [0, 40], sms: [0, 40], push: [0, 40]}
    max_exclamations: 1
    max_emoji: 0
    min_you_we_ratio: 1
    banned_words: {desværre: vi beklager, "kære kunde": "Hej {{ first_name }}", "beklag*": null}
    no_surveillance: true
formal:
  title: Formel
  rules: {formality: De}
"""

DATA = {k: SAMPLE_DATA[k] for k in ("first_name", "order_url")}

CLEAN = """\
## Email
Subject: Tak for din ordre, {{ first_name }}
Preheader: Du får besked, når den er på vej.

### Din ordre er modtaget

Hej {{ first_name }}. Du får besked, når din pakke er på vej.

[Se din ordre]({{ order_url }}){.button}

## SMS

Tak for din ordre, {{ first_name }}. Du kan følge den her: {{ order_url }}

## Push
Title: Din ordre er modtaget

Tak, {{ first_name }}. Du får besked, når den er sendt.
"""


def run(
    tmp_path: Path,
    sections: str,
    *,
    channels: tuple[str, ...] = ("sms",),
    tone: str = "reassuring",
    extra: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    data: dict[str, dict[str, Any]] | None = None,
) -> tuple[str, Report, Catalog]:
    text = moment_file(sections, channels=channels, tone=tone, data=data or DATA)
    catalog = write_project(tmp_path, {"order.md": text, **(extra or {})}, tones=TONES,
                            options=options)  # fmt: skip
    report = Report()
    check_tone(catalog.moments["order"], catalog.context, report)
    return text, report, catalog


def found(report: Report, rule: str | None = None) -> list[tuple[str, str, int, int]]:
    return [(d.rule, d.path, d.line, d.col) for d in report if rule is None or d.rule == rule]


def at(
    text: str, needle: str, rule: str, path: str = "moments/order.md", n: int = 1
) -> tuple[str, str, int, int]:
    return (rule, path, *position_of(text, needle, n))


def test_rules_are_declared_with_examples() -> None:
    for rule_id in ("MM701", "MM702", "MM703", "MM704", "MM705", "MM706", "MM707", "MM708"):
        declared = RULES[rule_id]
        assert declared.family == "tone"
        assert declared.bad and declared.good and declared.fix
        assert declared.severity is Severity.WARNING


def test_clean_copy_in_every_channel_passes(tmp_path: Path) -> None:
    _text, report, catalog = run(tmp_path, CLEAN, channels=("email", "sms", "push"))
    assert not [d for d in catalog.report if d.severity is Severity.ERROR]
    assert found(report) == []


def test_banned_word_in_the_body(tmp_path: Path) -> None:
    text, report, _ = run(
        tmp_path, "## SMS\n\nHej {{ first_name }}. Din pakke er desværre forsinket."
    )
    assert found(report) == [at(text, "desværre", "MM701")]
    assert "vi beklager" in next(iter(report)).hint


def test_banned_prefix_word(tmp_path: Path) -> None:
    text, report, _ = run(tmp_path, "## SMS\n\nDin pakke er forsinket. Det beklager vi.")
    assert found(report) == [at(text, "beklager", "MM701")]


def test_banned_word_in_the_subject_points_into_the_subject(tmp_path: Path) -> None:
    sections = CLEAN.replace("Subject: Tak for din ordre,", "Subject: Tak, desværre er din ordre")
    text, report, catalog = run(tmp_path, sections, channels=("email", "sms", "push"))
    subject = catalog.moments["order"].translations["da"].sections[(Channel.EMAIL, None)]
    value = subject.fields["subject"]
    line, _ = position_of(text, "Subject:")
    assert found(report) == [("MM701", "moments/order.md", line, value.pos.col + len("Tak, "))]


def test_banned_phrase_from_sample_data_points_at_the_variable(tmp_path: Path) -> None:
    data = {"first_name": {**SAMPLE_DATA["first_name"], "example": "kære kunde"}}
    text, report, _ = run(
        tmp_path, "## SMS\n\nHej {{ first_name }}, din ordre er sendt.", data=data
    )
    assert found(report) == [at(text, "{{ first_name }}", "MM701")]


def test_long_sentence_points_at_its_start(tmp_path: Path) -> None:
    sms = (
        "## SMS\n\nTak for din ordre. Du får den i morgen, og du kan følge den hele vejen "
        "hjem til din dør."
    )
    text, report, _ = run(tmp_path, sms)
    assert found(report) == [at(text, "Du får", "MM702")]
    assert "16 words" in next(iter(report)).message


def test_lix_out_of_range_points_at_the_body(tmp_path: Path) -> None:
    email = (
        "## Email\nSubject: Din ordre\n\n### Ordrebekræftelse\n\n"
        "Leveringsbekræftelsen indeholder oplysninger vedrørende forsendelsesmetoden. "
        "Du modtager transportørens kontaktinformationer separat."
    )
    text, report, _ = run(tmp_path, email, channels=("email",))
    assert found(report) == [at(text, "Ordrebekræftelse\n", "MM703")]
    assert "above the email range 0-40" in next(iter(report)).message


def test_lix_is_not_judged_on_too_few_words(tmp_path: Path) -> None:
    email = (
        "## Email\nSubject: Din ordre\n\n"
        "Leveringsbekræftelsen indeholder oplysninger vedrørende forsendelsesmetoden. "
        "Du modtager transportørens kontaktinformationer separat."
    )
    _text, report, _ = run(tmp_path, email, channels=("email",),
                           options={"tone_lix_min_words": 50})  # fmt: skip
    assert found(report) == []


def test_exclamations_point_at_the_one_over_the_limit(tmp_path: Path) -> None:
    text, report, _ = run(tmp_path, "## SMS\n\nTak for din ordre! Du får den i morgen!")
    assert found(report) == [at(text, "!", "MM704", n=2)]


def test_one_exclamation_passes(tmp_path: Path) -> None:
    _text, report, _ = run(tmp_path, "## SMS\n\nTak for din ordre! Du får den i morgen.")
    assert found(report) == []


def test_emoji_over_the_limit(tmp_path: Path) -> None:
    push = "## Push\nTitle: Din ordre\n\nDu får den i morgen 🚚"
    text, report, _ = run(tmp_path, push, channels=("push",))
    assert found(report) == [at(text, "🚚", "MM705")]


def test_formal_address_in_a_du_tone(tmp_path: Path) -> None:
    text, report, _ = run(tmp_path, "## SMS\n\nTak for Deres ordre. Vi sender den til Dem i dag.")
    assert found(report, "MM706") == [at(text, "Deres", "MM706"), at(text, "Dem ", "MM706")]


def test_informal_address_in_a_de_tone(tmp_path: Path) -> None:
    text, report, _ = run(
        tmp_path, "## SMS\n\nTak for Deres ordre. Du får den i morgen.", tone="formal"
    )
    assert found(report) == [at(text, "Du får", "MM706")]
    _text, clean, _ = run(tmp_path, "## SMS\n\nTak for Deres ordre. De får den i morgen.",
                          tone="formal")  # fmt: skip
    assert found(clean) == []


def test_low_customer_focus_points_at_the_first_we_word(tmp_path: Path) -> None:
    sms = "## SMS\n\nOrdren er modtaget. Vi pakker den, og vi sender den i morgen."
    text, report, _ = run(tmp_path, sms)
    assert found(report) == [at(text, "Vi pakker", "MM707")]


def test_surveillance_in_a_translation_points_into_that_file(tmp_path: Path) -> None:
    english = "## SMS\n\nHi! We noticed you looked at these shoes. They are back in stock."
    _text, report, _ = run(
        tmp_path, "## SMS\n\nSkoene er tilbage på lager i din størrelse.",
        extra={"order.en.md": english},
    )  # fmt: skip
    assert found(report) == [at(english, "We noticed", "MM708", path="moments/order.en.md")]


def test_surveillance_in_danish(tmp_path: Path) -> None:
    sms = "## SMS\n\nHej {{ first_name }}. Vi kan se, at du har kigget på skoene 7 gange."
    text, report, _ = run(tmp_path, sms)
    assert found(report, "MM708") == [at(text, "Vi kan se", "MM708")]


def test_norwegian_translation_uses_norwegian_rules(tmp_path: Path) -> None:
    norwegian = "## SMS\n\nTakk for bestillingen. Vi sender den til Dem i morgen."
    _text, report, _ = run(
        tmp_path, "## SMS\n\nTak for din ordre.", extra={"order.nb.md": norwegian}
    )
    assert found(report) == [at(norwegian, "Dem", "MM706", path="moments/order.nb.md")]


def test_unknown_tone_is_left_to_the_spec_checks(tmp_path: Path) -> None:
    _text, report, _ = run(tmp_path, "## SMS\n\nDesværre!!! 🎉🎉", tone="missing")
    assert found(report) == []


def test_tone_settings_from_options() -> None:
    settings = tone_settings({"tone_lix_min_words": 20, "tone_focus_min_words": "x"})
    assert settings.lix_min_words == 20
    assert settings.focus_min_words == 2


def test_every_rule_example_is_true() -> None:
    """The docs' bad example breaks its rule; the good example passes it."""
    for kind, rule_id in RULE_OF_KIND.items():
        declared = RULES[rule_id]
        head, sep, bad = declared.bad.partition("\n---\n")
        rules = ToneRules(**yaml.safe_load(head)) if sep else ToneRules()
        bad = bad if sep else declared.bad

        def kinds(text: str, rules: ToneRules = rules) -> set[str]:
            return {f.kind for f in analyse_tone(text, rules, lang="da", channel="sms")}

        assert kind in kinds(bad), rule_id
        assert kind not in kinds(declared.good), rule_id


def test_findings_in_several_sections_each_point_into_their_own_lines(tmp_path: Path) -> None:
    sections = (
        CLEAN.replace("Subject: Tak for din ordre,", "Subject: Tak, desværre er din ordre")
        .replace("Hej {{ first_name }}. Du får", "Hej {{ first_name }}, De får")
        .replace("Du kan følge den her", "Du kan følge den her 🚚")
    )
    text, report, catalog = run(tmp_path, sections, channels=("email", "sms", "push"))
    email = catalog.moments["order"].translations["da"].sections[(Channel.EMAIL, None)]
    subject = email.fields["subject"].pos
    assert found(report) == [
        ("MM701", "moments/order.md", subject.line, subject.col + len("Tak, ")),
        at(text, "De får", "MM706"),
        at(text, "🚚", "MM705"),
    ]
    # The same check again gives the same report.
    again = Report()
    check_tone(catalog.moments["order"], catalog.context, again)
    assert found(again) == found(report)
