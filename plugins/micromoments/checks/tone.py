"""Tone-of-voice checks: the moment's profile from tones.yml applied to every copy section.

Each section is read as the customer reads it (:mod:`micromoments.text.prose`): its prose
fields (Subject, Preheader, Title) and its body, with examples in place of variables. A
"message" for the exclamation and emoji limits is the whole section. LIX is computed on the
body alone: subject lines and titles are short headlines, judged by the email and push length
rules, and would make any text look easy.

Thresholds that are not part of a tone live in the project's options (mkdocs.yml):
``tone_lix_min_words`` (default 10) and ``tone_focus_min_words`` (default 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..context import Context
from ..diagnostics import Report, Severity, rule
from ..model import Moment
from ..text import tone as t
from ..text.prose import section_prose
from ..text.words import language_of

OPTION_LIX_MIN_WORDS = "tone_lix_min_words"
OPTION_FOCUS_MIN_WORDS = "tone_focus_min_words"

BANNED_WORD = rule(
    "MM701", "banned-word", Severity.WARNING, "tone",
    "The copy uses a word the tone profile lists under banned_words.",
    bad="banned_words: {desværre: beklager}\n---\nDesværre er pakken forsinket.",
    good="Pakken er forsinket. Vi beklager.",
    fix="use the suggested swap, or rephrase",
)  # fmt: skip
LONG_SENTENCE = rule(
    "MM702", "long-sentence", Severity.WARNING, "tone",
    "A sentence has more words than the tone's max_sentence_words.",
    bad="max_sentence_words: 12\n---\nVi har modtaget din ordre, og vi går i gang med at pakke "
        "den, så den kan sendes i morgen.",
    good="Vi har modtaget din ordre. Vi pakker den nu, så den kan sendes i morgen.",
    fix="split the sentence in two",
)  # fmt: skip
LIX_RANGE = rule(
    "MM703", "lix-out-of-range", Severity.WARNING, "tone",
    "The body's readability (LIX) is outside the tone's range for the channel (bodies with "
    "fewer words than option tone_lix_min_words, default 10, are not judged).",
    bad="lix: {sms: [0, 40]}\n---\nOrdrebekræftelsen indeholder leveringsinformationer "
        "vedrørende forsendelsesmetoden og transportørens kontaktoplysninger til "
        "afhentningsstedet.",
    good="Tak for din ordre. Vi sender den i dag, og du får et link, når den er på vej.",
    fix="shorter sentences and shorter words lower LIX",
)  # fmt: skip
EXCLAMATIONS = rule(
    "MM704", "too-many-exclamations", Severity.WARNING, "tone",
    "The message has more exclamation marks than the tone's max_exclamations.",
    bad="max_exclamations: 1\n---\nTak for din ordre! Den er på vej!",
    good="Tak for din ordre! Den er på vej.",
    fix="keep the one that matters most",
)  # fmt: skip
EMOJI = rule(
    "MM705", "too-many-emoji", Severity.WARNING, "tone",
    "The message has more emoji than the tone's max_emoji.",
    bad="max_emoji: 0\n---\nDin pakke er på vej 🚚",
    good="Din pakke er på vej.",
    fix="remove emoji, or raise max_emoji for this tone",
)  # fmt: skip
FORMALITY = rule(
    "MM706", "formality", Severity.WARNING, "tone",
    "Danish/Norwegian copy addresses the customer formally (De/Dem/Deres) in a du tone, or "
    "informally (du/dig/din) in a De tone.",
    bad="formality: du\n---\nTak for Deres ordre.",
    good="Tak for din ordre.",
    fix="use the form of address the tone asks for",
)  # fmt: skip
CUSTOMER_FOCUS = rule(
    "MM707", "customer-focus", Severity.WARNING, "tone",
    "The copy talks more about us than about the customer: fewer you-words per we-word than "
    "the tone's min_you_we_ratio (judged from option tone_focus_min_words you- and we-words, "
    "default 2).",
    bad="min_you_we_ratio: 1\n---\nVi har modtaget ordren. Vi pakker den, og vi sender den.",
    good="Din ordre er modtaget. Du får den i morgen.",
    fix="write from the customer's side: what they get and can do",
)  # fmt: skip
SURVEILLANCE = rule(
    "MM708", "surveillance", Severity.WARNING, "tone",
    "Personalisation that sounds like the customer is being watched ('we noticed you visited "
    "seven times'), when the tone sets no_surveillance.",
    bad="Vi kan se, at du har kigget på skoene 7 gange.",
    good="Skoene fås nu i din størrelse.",
    fix="say what is useful to the customer without telling what was tracked",
)  # fmt: skip

RULE_OF_KIND: dict[str, str] = {
    t.BANNED_WORD: BANNED_WORD.id,
    t.LONG_SENTENCE: LONG_SENTENCE.id,
    t.LIX_RANGE: LIX_RANGE.id,
    t.EXCLAMATIONS: EXCLAMATIONS.id,
    t.EMOJI_COUNT: EMOJI.id,
    t.FORMALITY: FORMALITY.id,
    t.CUSTOMER_FOCUS: CUSTOMER_FOCUS.id,
    t.SURVEILLANCE: SURVEILLANCE.id,
}


def _positive_int(options: Mapping[str, Any], key: str, default: int) -> int:
    value = options.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return default


def tone_settings(options: Mapping[str, Any]) -> t.ToneSettings:
    """The tone thresholds from the project's options, with their defaults."""
    defaults = t.ToneSettings()
    return t.ToneSettings(
        lix_min_words=_positive_int(options, OPTION_LIX_MIN_WORDS, defaults.lix_min_words),
        focus_min_words=_positive_int(options, OPTION_FOCUS_MIN_WORDS, defaults.focus_min_words),
    )


def check_tone(moment: Moment, ctx: Context, report: Report) -> None:
    """Apply the moment's tone profile to every copy section of every locale."""
    spec = moment.spec
    if spec is None:
        return
    tone = ctx.tones.get(spec.tone)
    if tone is None:
        return  # an unknown tone is reported by the spec checks
    settings = tone_settings(ctx.config.options)
    for locale, translation in moment.translations.items():
        lang = language_of(locale)
        for section in translation.sections.values():
            prose = section_prose(section, spec.data)
            body = prose.part("body")
            findings = t.analyse_tone(
                prose.text, tone.rules, lang=lang, channel=section.channel.value,
                lix_span=(body.start, body.end) if body else (0, 0), settings=settings,
            )  # fmt: skip
            for finding in findings:
                report.add(
                    RULE_OF_KIND[finding.kind], section.path, prose.position(finding.start),
                    finding.message, finding.hint, moment=moment.id,
                )  # fmt: skip
