"""Visible prose with its position map, and the tone findings on prose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.diagnostics import Position
from micromoments.model import Channel, DataField, ToneRules
from micromoments.text import tone as t
from micromoments.text.prose import markdown_prose, section_prose
from micromoments.text.tone import ToneSettings, analyse_tone, you_we_counts
from micromoments.text.words import language_of, sentences, tokenize
from support_specs import SAMPLE_DATA, moment_file, position_of, write_project

DATA = {
    "first_name": DataField(type="string", source="CRM", example="Mette"),
    "order_url": DataField(type="url", source="Webshop", example="https://shop.example/o/1"),
    "no_example": DataField(type="string", source="CRM"),
    "lines": DataField(
        type="list", source="Webshop", example=[{"title": "Sko", "qty": 2}],
        items={"title": DataField(type="string", source="Webshop"),
               "qty": DataField(type="integer", source="Webshop")},
    ),
    "address": DataField(
        type="object", source="CRM",
        fields={"city": DataField(type="string", source="CRM", example="Kolding")},
    ),
}  # fmt: skip


def where(source: str, needle: str, first_line: int = 1, occurrence: int = 1) -> Position:
    """Where ``needle`` is in ``source`` when ``source`` starts on file line ``first_line``."""
    index = -1
    for _ in range(occurrence):
        index = source.index(needle, index + 1)
    line = source.count("\n", 0, index)
    col = index - (source.rfind("\n", 0, index) + 1) + 1
    return Position(first_line + line, col)


# --- prose ---------------------------------------------------------------------------------------
SOURCE = """### Tak for din ordre, {{ first_name }}!

Hej **{{ first_name }}**, vi har _modtaget_ din ordre.
Den er på vej til {{ address.city }}.

[Se din ordre]({{ order_url }}){.button}

- Første punkt
1. Andet punkt med {{ no_example }}

| Vare | Antal |
|------|------:|
{% for line in lines %}| {{ line.title }} | {{ line.qty }} |
{% endfor %}
---
![Logo](logo.png){width=100} Slut &amp; `farvel` \\*ikke fed\\* <br> <https://shop.example>
> Citat her"""


def test_markdown_and_tags_become_visible_prose() -> None:
    prose = markdown_prose(SOURCE, 10, data=DATA)
    assert prose.text.split("\n\n") == [
        "Tak for din ordre, Mette!",
        "Hej Mette, vi har modtaget din ordre.\nDen er på vej til Kolding.",
        "Se din ordre",
        "Første punkt",
        "Andet punkt med no_example",
        "Vare",
        "Antal",
        "Sko",
        "2",
        "Slut & farvel *ikke fed*  https://shop.example",
        "Citat her",
    ]


@pytest.mark.parametrize(
    ("word", "source_needle", "occurrence"),
    [("Tak", "Tak", 1), ("modtaget", "modtaget", 1), ("Den", "Den", 1), ("Se", "Se din", 1),
     ("Første", "Første", 1), ("Andet", "Andet", 1), ("Vare", "Vare", 1), ("Antal", "Antal", 1),
     ("Slut", "Slut", 1), ("farvel", "farvel", 1), ("ikke", "ikke", 1), ("Citat", "Citat", 1)],
)  # fmt: skip
def test_every_prose_word_maps_to_its_file_line_and_column(
    word: str, source_needle: str, occurrence: int
) -> None:
    prose = markdown_prose(SOURCE, 10, data=DATA)
    assert prose.position(prose.text.index(word)) == where(SOURCE, source_needle, 10, occurrence)


def test_variable_values_map_to_the_opening_braces() -> None:
    prose = markdown_prose(SOURCE, 10, data=DATA)
    first = prose.text.index("Mette")
    second = prose.text.index("Mette", first + 1)
    assert prose.position(first) == where(SOURCE, "{{ first_name }}", 10, 1)
    assert prose.position(second) == where(SOURCE, "{{ first_name }}", 10, 2)
    assert prose.position(second + 4) == where(SOURCE, "{{ first_name }}", 10, 2)
    assert prose.position(prose.text.index("Kolding")) == where(SOURCE, "{{ address", 10)
    assert prose.position(prose.text.index("Sko")) == where(SOURCE, "{{ line.title", 10)


def test_first_line_column_offset_applies_to_fields() -> None:
    prose = markdown_prose("Tak, {{ first_name }}", 3, 10, data=DATA)
    assert prose.text == "Tak, Mette"
    assert prose.position(0) == Position(3, 10)
    assert prose.position(5) == Position(3, 15)


def test_plain_text_lines_are_separate_blocks() -> None:
    source = "Hej Mette\nDin pakke er på vej"
    assert len(sentences(markdown_prose(source, 1).text, "da")) == 1
    assert len(sentences(markdown_prose(source, 1, line_blocks=True).text, "da")) == 2


def test_fenced_code_and_html_comments_are_not_prose() -> None:
    prose = markdown_prose("Før\n\n```\nkode her\n```\n<!-- note -->Efter", 1)
    assert prose.text == "Før\n\nEfter"


# --- tone findings -------------------------------------------------------------------------------
def findings(
    text: str, lang: str = "da", channel: str = "sms", **rules: Any
) -> list[t.ToneFinding]:
    settings = ToneSettings(lix_min_words=rules.pop("lix_min_words", 10))
    return analyse_tone(text, ToneRules(**rules), lang=language_of(lang), channel=channel,
                        settings=settings)  # fmt: skip


def spans(found: list[t.ToneFinding], text: str, kind: str) -> list[str]:
    return [text[f.start : f.end] for f in found if f.kind == kind]


def test_banned_words_match_whole_words_case_insensitively() -> None:
    text = "Desværre er pakken forsinket. Vi beklager desværre. Desværres er ikke et ord."
    found = findings(text, banned_words={"desværre": "vi beklager"}, no_surveillance=False)
    assert spans(found, text, t.BANNED_WORD) == ["Desværre", "desværre"]
    assert "vi beklager" in found[0].hint


def test_banned_prefix_entries_and_phrases() -> None:
    text = "Vi beklager ulejligheden. Beklagelsen er sendt. Kære kunde, hej kære."
    found = findings(text, banned_words={"beklag*": None, "kære kunde": "Hej {{ first_name }}"},
                     no_surveillance=False)  # fmt: skip
    assert spans(found, text, t.BANNED_WORD) == ["beklager", "Beklagelsen", "Kære kunde"]


def test_no_banned_words_no_findings() -> None:
    assert findings("Tak for din ordre.", banned_words={"desværre": None}) == []


def test_long_sentences_count_words_and_numbers() -> None:
    text = "Din ordre 100234 er sendt. Vi har pakket den, og den bliver leveret i morgen af GLS."
    found = findings(text, max_sentence_words=10)
    assert spans(found, text, t.LONG_SENTENCE) == [
        "Vi har pakket den, og den bliver leveret i morgen af GLS."
    ]
    assert "12 words" in found[0].message
    assert findings(text, max_sentence_words=12) == []


def test_lix_above_and_below_the_channel_range() -> None:
    hard = (
        "Leveringsbekræftelsen indeholder oplysninger vedrørende forsendelsesmetoden "
        "og transportørens kontaktinformationer samt returneringsbetingelserne."
    )
    found = findings(hard, lix={"sms": (20, 40)})
    assert [f.kind for f in found] == [t.LIX_RANGE]
    assert "above the sms range 20-40" in found[0].message
    assert found[0].start == 0
    easy = "Tak. Den er sendt. Du får den i dag. Vi ses. Hej hej. Ha en god dag."
    low = findings(easy, lix={"sms": (30, 40)})
    assert [f.kind for f in low] == [t.LIX_RANGE]
    assert "below" in low[0].message
    assert findings(easy, lix={"sms": (0, 30)}) == []
    assert findings(hard, lix={"email": (20, 40)}) == []  # no range for this channel


def test_lix_skips_texts_too_short_to_measure() -> None:
    text = "Leveringsbekræftelsen indeholder oplysninger."
    assert findings(text, lix={"sms": (20, 40)}) == []
    assert [f.kind for f in findings(text, lix={"sms": (20, 40)}, lix_min_words=3)] == [t.LIX_RANGE]


def test_exclamations_point_at_the_first_one_over_the_limit() -> None:
    text = "Tak! Den er sendt! Hurra!"
    found = findings(text, max_exclamations=1)
    assert [(f.kind, f.start) for f in found] == [(t.EXCLAMATIONS, text.index("!", 4))]
    assert "3 exclamation marks" in found[0].message
    assert findings(text, max_exclamations=3) == []


def test_emoji_point_at_the_first_one_over_the_limit() -> None:
    text = "Tak 🎉 Den er sendt 🚚👍🏽"
    found = findings(text, max_emoji=1)
    assert spans(found, text, t.EMOJI_COUNT) == ["🚚"]
    assert "3 emoji" in found[0].message
    assert spans(findings(text, max_emoji=0), text, t.EMOJI_COUNT) == ["🎉"]
    assert findings(text, max_emoji=3) == []


def test_formality_du_flags_dem_deres_and_mid_sentence_de() -> None:
    text = "Tak for Deres ordre. Vi sender den til Dem, når De har betalt. De får en mail. Giv dem besked om deres pakke."
    found = findings(text, formality="du")
    assert spans(found, text, t.FORMALITY) == ["Deres", "Dem", "De"]
    assert found[1].hint == "write 'dig'"


def test_formality_de_flags_informal_forms_in_danish_and_norwegian() -> None:
    da = "Tak for din ordre. Du får den snart, og vi sender dig en mail om dit køb."
    assert spans(findings(da, formality="De"), da, t.FORMALITY) == ["din", "Du", "dig", "dit"]
    nb = "Takk for ordren din. Vi sender deg en e-post om ditt kjøp."
    assert spans(findings(nb, "nb", formality="De"), nb, t.FORMALITY) == ["din", "deg", "ditt"]
    assert findings("Tak for Deres ordre.", formality="De") == []


def test_formality_does_not_apply_to_english() -> None:
    text = "Thank you for your order. De Niro said hi."
    assert findings(text, "en", formality="du") == []
    assert findings(text, "en", formality="De") == []


def test_you_we_counts_per_language() -> None:
    def counts(text: str, lang: str) -> tuple[int, int]:
        words_lang = language_of(lang)
        return you_we_counts(tokenize(text, words_lang), sentences(text, words_lang), lang)

    assert counts("Vi har sendt din ordre til dig. Vores lager er hurtigt.", "da") == (2, 2)
    assert counts("Vi har sendt ordren din til deg. Lageret vårt er raskt.", "nb") == (2, 2)
    assert counts("We've sent your order to you. Our team says thanks to us.", "en") == (2, 3)
    assert counts("Tak for Deres ordre. Vi sender den til Dem.", "da") == (2, 1)


def test_customer_focus_below_the_ratio_points_at_the_first_we_word() -> None:
    text = "Tak. Vi har modtaget ordren, og vi pakker den. Vores lager sender din pakke."
    found = findings(text, min_you_we_ratio=1.0)
    assert [(f.kind, text[f.start : f.end]) for f in found] == [(t.CUSTOMER_FOCUS, "Vi")]
    assert "1 you-word(s)" in found[0].message and "3 we-word(s)" in found[0].message
    good = "Din ordre er modtaget. Du får din pakke i morgen, og vi sender dig et link."
    assert findings(good, min_you_we_ratio=1.0) == []


def test_customer_focus_needs_enough_words_to_judge() -> None:
    assert findings("Vi har modtaget ordren.", min_you_we_ratio=1.0) == []


@pytest.mark.parametrize(
    ("text", "lang", "flagged"),
    [
        ("Hej! Vi har bemærket, at du kigger på sko.", "da", "Vi har bemærket"),
        ("Vi kan se, at du har glemt noget.", "da", "Vi kan se,"),
        ("Vi har set, at du kan lide sko.", "da", "Vi har set"),
        ("Du har besøgt siden 7 gange i dag.", "da", "Du har besøgt"),
        ("Siden er besøgt af dig syv gange.", "da", "besøgt af dig syv gange"),
        ("Vi la merke til at du så på jakken.", "nb", "Vi la merke til"),
        ("Du har sett på jakken i dag.", "nb", "Du har sett på"),
        ("Hi! We noticed you left something.", "en", "We noticed"),
        ("We saw that you like shoes.", "en", "We saw"),
        ("You visited our store seven times this week.", "en", "You visited"),
        ("You've been looking at these boots.", "en", "You've been looking at"),
        ("Olá! We noticed you.", "pt", "We noticed"),  # unknown languages use English rules
    ],
)  # fmt: skip
def test_surveillance_phrases_are_flagged(text: str, lang: str, flagged: str) -> None:
    found = findings(text, lang)
    assert spans(found, text, t.SURVEILLANCE)[:1] == [flagged]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Vi har set på din sag og svarer i dag.", "da"),
        ("Du kan se din ordre her.", "da"),
        ("Vi har sett på saken din.", "nb"),
        ("You can see your order here. We ship today.", "en"),
    ],
)
def test_ordinary_sentences_are_not_surveillance(text: str, lang: str) -> None:
    assert spans(findings(text, lang), text, t.SURVEILLANCE) == []


def test_surveillance_is_off_when_the_tone_allows_it() -> None:
    assert findings("We noticed you left something.", "en", no_surveillance=False) == []


def test_several_surveillance_phrases_in_one_sentence_give_one_finding() -> None:
    text = "Vi kan se, at du har kigget på skoene 7 gange. Vi har bemærket det."
    found = spans(findings(text), text, t.SURVEILLANCE)
    assert found == ["Vi kan se,", "Vi har bemærket"]
    first = findings(text)[0]
    assert "'du har kigget på'" in first.message


def test_banned_phrases_need_adjacent_words() -> None:
    text = "Hej, kære, kunde. Kære kunde!"
    found = findings(text, banned_words={"kære kunde": None})
    assert spans(found, text, t.BANNED_WORD) == ["Kære kunde"]


MARKDOWN_PIECES = st.sampled_from(
    [*"abc æø XY.!", "\n", "\n\n", "# ", "### ", "- ", "1. ", "> ", "| ", " |", "|---|", "**", "_",
     "`", "[", "](", ")", "{.button}", "![alt](x.png)", "<br>", "&amp;", "\\*", "---\n",
     "{{ first_name }}", "{{ no_example }}", "{% if first_name %}", "{% endif %}", "```\n"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join), st.integers(1, 5), st.integers(1, 9))
def test_every_prose_letter_comes_from_that_letter_or_a_tag(
    source: str, line: int, col: int
) -> None:
    prose = markdown_prose(source, line, col, data=DATA)
    lines = source.split("\n")
    for offset, char in enumerate(prose.text):
        pos = prose.position(offset)
        row = pos.line - line
        assert 0 <= row < len(lines)
        start_col = col if row == 0 else 1
        index = pos.col - start_col
        assert 0 <= index <= len(lines[row])
        if char.isalpha():
            at = lines[row][index:]
            assert at.startswith((char, "{{", "&")), (source, offset)


def test_section_prose_reads_fields_then_body(tmp_path: Path) -> None:
    sections = (
        "## Email\nSubject: Tak, {{ first_name }}\nPreheader: Den er på vej.\n\n"
        "### Overskrift\n\nBrødtekst her."
    )
    text = moment_file(
        sections, channels=("email",), data={"first_name": SAMPLE_DATA["first_name"]}
    )
    moment = write_project(tmp_path, {"order.md": text}).moments["order"]
    section = moment.translations["da"].sections[(Channel.EMAIL, None)]
    prose = section_prose(section, moment.spec.data if moment.spec else None)
    assert prose.text == "Tak, Mette\n\nDen er på vej.\n\nOverskrift\n\nBrødtekst her."
    assert [(p.name, prose.text[p.start : p.end]) for p in prose.parts] == [
        ("subject", "Tak, Mette"),
        ("preheader", "Den er på vej."),
        ("body", "Overskrift\n\nBrødtekst her."),
    ]
    assert prose.path == "moments/order.md"
    body = prose.part("body")
    assert body is not None
    assert prose.position(body.start) == Position(*position_of(text, "Overskrift"))
    assert prose.position(prose.text.index("Brødtekst")) == Position(
        *position_of(text, "Brødtekst")
    )
    # Fields start where the loader says their value starts.
    assert prose.position(0) == section.fields["subject"].pos


# --- what the fast paths rely on -----------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.lists(MARKDOWN_PIECES, max_size=40).map("".join), st.booleans())
def test_prose_text_is_the_same_with_and_without_positions(source: str, line_blocks: bool) -> None:
    """The text is built without positions and the position map later, by the same steps."""
    from micromoments.text.prose import _prose_of

    fast = _prose_of(source, 3, 5, DATA, line_blocks, track=False)
    tracked = _prose_of(source, 3, 5, DATA, line_blocks, track=True)
    assert [b.text for b in fast] == [b.text for b in tracked]
    assert all(b.pos is not None and len(b.pos) == len(b.text) for b in tracked)
    prose = markdown_prose(source, 3, 5, data=DATA, line_blocks=line_blocks)
    assert len(prose.packed) == len(prose.text)


def surveillance_by_finditer(text: str, lang: str) -> list[tuple[int, int]]:
    """The plain way: every pattern over the whole text."""
    return sorted(m.span() for p in t.SURVEILLANCE_PATTERNS[lang] for m in p.finditer(text))


SURVEILLANCE_PIECES = st.sampled_from(
    [" ", ", ", ". ", "\n", "x", "vi", "Vi", "VI", "du", "dig", "har", "kan", "se", "set", "sett",
     "på", "at", "bemærket", "la merke til", "besøgt", "besøkt", "kigget", "7", "syv", "gange",
     "ganger", "we", "We", "WE", "you", "noticed", "saw", "ſaw", "that", "visited", "seven",
     "times", "'ve", "have", "been", "looking at", "İ", "ı", "vil", "avi", "du-",
     "vi kan se, at du", "Vi har bemærket", "du har kigget på", "besøgt siden 7 gange",
     "Vi la merke til", "du har sett på", "We noticed", "we've seen that", "You visited",
     "viewed it seven times", "we know you"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(SURVEILLANCE_PIECES, max_size=20).map(" ".join)
    | st.lists(SURVEILLANCE_PIECES).map("".join),
    st.sampled_from(["da", "nb", "en"]),
)
def test_surveillance_scan_finds_what_every_pattern_finds(text: str, lang: str) -> None:
    assert t._surveillance_matches(text, lang) == surveillance_by_finditer(text, lang)


def test_surveillance_ignores_case_like_the_patterns() -> None:
    for text, lang, flagged in [
        ("VI KAN SE, AT DU har glemt noget.", "da", "VI KAN SE,"),
        ("İkke noget. Vi kan se, at du har glemt noget.", "da", "Vi kan se,"),  # lower() grows
        ("Hi! We ſaw that you like shoes.", "en", "We ſaw"),
    ]:
        assert spans(findings(text, lang), text, t.SURVEILLANCE)[:1] == [flagged]


def test_fold_lowers_every_character_ignorecase_takes_for_a_first_word_letter() -> None:
    """The surveillance scan reads the text lower-cased: every character that re.IGNORECASE
    matches to a letter of the patterns' first words must lower-case to that letter (or make
    the text change length, when the scan falls back to IGNORECASE)."""
    import re

    letters = sorted(
        {ch for scan in t._SURVEILLANCE_SCANS.values() for w in scan.words for ch in w}
    )
    everything = "".join(map(chr, range(0x110000)))
    any_letter = re.compile("[" + "".join(map(re.escape, letters)) + "]", re.IGNORECASE)
    for ch in set(any_letter.findall(everything)):
        matched = [c for c in letters if re.fullmatch(re.escape(c), ch, re.IGNORECASE)]
        folded = t._fold(ch)
        assert folded is None or matched == [folded], ch


@pytest.mark.parametrize(
    ("source", "words"),
    [(r"\bvi har set\b", ("vi",)), (r"\b(?:besøgt|kigget på)\b", ("besøgt", "kigget")),
     (r"\bwe(?:'ve| have)? noticed", ("we",)), (r"\bwes? x", ("we",))],
)  # fmt: skip
def test_first_words_of_surveillance_patterns(source: str, words: tuple[str, ...]) -> None:
    assert t._first_words(source) == words


@pytest.mark.parametrize("source", [r"\bvi har|\bdu har", r"\b[vV]i", r"\bx*y", r"vi\b"])
def test_patterns_without_a_sure_first_word_are_refused(source: str) -> None:
    with pytest.raises(ValueError, match="surveillance pattern must start with"):
        t._first_words(source)


COPY_PIECES = st.sampled_from(
    [" ", ". ", ", ", "\n\n", "!", "De", "Dem", "Deres", "du", "Du", "din", "vi", "os", "Straße",
     "strasse", "don't", "don’t", "kære", "kunde", "Kære", "beklager", "beklag", "US", "us", "we",
     "you", "🎉", "©", "©\ufe0f", "1\ufe0f\u20e3", "x"]
)  # fmt: skip
BANNED = {"strasse": None, "don't": "do not", "kære kunde": None, "beklag*": None, "du": "De"}


@settings(max_examples=300, deadline=None)
@given(st.lists(COPY_PIECES, max_size=30).map("".join), st.sampled_from(["da", "nb", "en"]))
def test_rules_given_the_text_find_what_they_find_without_it(text: str, lang: str) -> None:
    tokens = tokenize(text, language_of(lang))
    found = sentences(text, language_of(lang), tokens)
    assert t.banned_words(tokens, BANNED, text) == t.banned_words(tokens, BANNED)
    for wanted in ("du", "De"):
        assert t.formality(found, wanted, lang, text) == t.formality(found, wanted, lang)


def test_banned_words_match_case_folded_and_curly_apostrophes() -> None:
    text = "Gå ned ad Straße. Don’t worry."
    found = findings(text, "en", banned_words={"strasse": None, "don't": "do not"})
    assert spans(found, text, t.BANNED_WORD) == ["Straße", "Don’t"]


def test_emoji_limit_counts_keycaps_and_emoji_presentation() -> None:
    text = "Tak 1\ufe0f\u20e3 og ©\ufe0f, men © er tekst"
    found = findings(text, max_emoji=0)
    assert spans(found, text, t.EMOJI_COUNT) == ["1\ufe0f\u20e3"]
    assert "2 emoji" in found[0].message


def test_analysis_follows_the_rules_values_not_the_rules_object() -> None:
    text = "Desværre er pakken forsinket."
    rules = ToneRules(banned_words={"desværre": None})
    first = analyse_tone(text, rules, lang="da", channel="sms")
    assert [f.kind for f in first] == [t.BANNED_WORD]
    first.clear()  # the caller's list is its own
    assert analyse_tone(text, ToneRules(banned_words={"desværre": None}), lang="da",
                        channel="sms") != []  # fmt: skip
    rules.banned_words = {"pakken": None}
    again = analyse_tone(text, rules, lang="da", channel="sms")
    assert spans(again, text, t.BANNED_WORD) == ["pakken"]
