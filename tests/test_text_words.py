"""The tokenizer (words, sentences, offsets) and LIX, against hand-counted examples."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.text.readability import band, lix
from micromoments.text.words import (
    EMOJI,
    EMOJI_SCAN,
    emoji_spans,
    language_of,
    sentences,
    tokenize,
    visible_length,
    words,
)


def kinds(text: str, lang: str = "da") -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in tokenize(text, language_of(lang))]


def sentence_texts(text: str, lang: str = "da") -> list[str]:
    return [text[s.start : s.end] for s in sentences(text, language_of(lang))]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("da", "da"), ("da-DK", "da"), ("nb", "nb"), ("no", "nb"), ("nn", "nb"), ("en", "en"),
     ("en_GB", "en"), ("sv", "generic"), ("de", "generic")],
)  # fmt: skip
def test_language_of_locale(locale: str, expected: str) -> None:
    assert language_of(locale) == expected


def test_tokens_keep_offsets_into_the_text() -> None:
    text = "Hej Mette, din ordre er på vej."
    for token in tokenize(text, "da"):
        assert text[token.start : token.end] == token.text
    assert [t.text for t in words(text, "da")] == [
        "Hej",
        "Mette",
        "din",
        "ordre",
        "er",
        "på",
        "vej",
    ]


def test_numbers_times_dates_and_money_are_single_number_tokens() -> None:
    assert kinds("1.234,50 kr. kl. 14.30 den 24.12.2026 eller 2026-12-24 og 14:30") == [
        ("1.234,50", "number"), ("kr.", "abbr"), ("kl.", "abbr"), ("14.30", "number"),
        ("den", "word"), ("24.12.2026", "number"), ("eller", "word"), ("2026-12-24", "number"),
        ("og", "word"), ("14:30", "number"),
    ]  # fmt: skip


def test_urls_emails_and_order_numbers() -> None:
    text = (
        "Se https://shop.example/ordre/100234. Skriv til hej@shop.dk, ordre AB-12345 eller #100234."
    )
    got = kinds(text)
    assert ("https://shop.example/ordre/100234", "url") in got
    assert ("hej@shop.dk", "email") in got
    assert ("AB-12345", "code") in got
    assert ("100234", "number") in got
    assert got[-1] == (".", "terminal")


def test_bare_domain_is_a_url_not_a_sentence_end() -> None:
    assert ("posten.no", "url") in kinds("Følg den på posten.no i dag.", "nb")
    assert len(sentences("Følg den på posten.no i dag.", "nb")) == 1


def test_words_with_inner_hyphen_apostrophe_and_nordic_letters() -> None:
    got = kinds("SMS'en, e-mail, don't, blåbærgrød, Ærø, café og naïve", "en")
    assert [t for t, k in got if k == "word"] == [
        "SMS'en", "e-mail", "don't", "blåbærgrød", "Ærø", "café", "og", "naïve",
    ]  # fmt: skip


def test_decomposed_accents_stay_inside_the_word() -> None:
    text = "cafe\u0301 ole"
    assert [t.text for t in words(text, "da")] == ["cafe\u0301", "ole"]


def test_emoji_sequences_are_one_token() -> None:
    text = "Tak 👍🏽 👨‍👩‍👧 🇩🇰 1️⃣ ❤️ ©"
    emoji = [t.text for t in tokenize(text, "da") if t.kind == "emoji"]
    assert emoji == ["👍🏽", "👨‍👩‍👧", "🇩🇰", "1️⃣", "❤️"]  # a bare © is not an emoji
    assert len(emoji_spans(text)) == 5


def test_visible_length_counts_what_a_reader_sees() -> None:
    assert visible_length("Hej 👨‍👩‍👧") == 5
    assert visible_length("e\u0301") == 1
    assert visible_length("abc") == 3


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Vi sender den f.eks. i morgen. Tak!", "da",
         ["Vi sender den f.eks. i morgen.", "Tak!"]),
        ("Du får bl.a. en kvittering, dvs. en mail ca. kl. 14.30. Nr. 5 er klar.", "da",
         ["Du får bl.a. en kvittering, dvs. en mail ca. kl. 14.30.", "Nr. 5 er klar."]),
        ("Den 24. december kommer pakken. Glædelig jul!", "da",
         ["Den 24. december kommer pakken.", "Glædelig jul!"]),
        ("Varer, tilbehør osv. Vi sender alt.", "da", ["Varer, tilbehør osv.", "Vi sender alt."]),
        ("Sko, støvler osv. er på lager.", "da", ["Sko, støvler osv. er på lager."]),
        ("Vi ses … måske i morgen… Eller ej?", "da", ["Vi ses … måske i morgen…", "Eller ej?"]),
        ("Hun sagde: \"Tak!\" Så gik hun.", "da", ["Hun sagde: \"Tak!\"", "Så gik hun."]),
        ("Vi sender den f.eks. i morgen, evt. på fredag, inkl. kvittering.", "nb",
         ["Vi sender den f.eks. i morgen, evt. på fredag, inkl. kvittering."]),
        ("We ship it e.g. tomorrow, i.e. Friday. Mr. Smith says thanks etc. Bye.", "en",
         ["We ship it e.g. tomorrow, i.e. Friday.", "Mr. Smith says thanks etc.", "Bye."]),
        ("Dr. Jensen og St. Kongensgade. H. C. Andersen skrev det.", "da",
         ["Dr. Jensen og St. Kongensgade.", "H. C. Andersen skrev det."]),
        ("Hvad nu?! Det ordner vi.", "da", ["Hvad nu?!", "Det ordner vi."]),
    ],
)  # fmt: skip
def test_sentences_respect_abbreviations_numbers_and_quotes(
    text: str, lang: str, expected: list[str]
) -> None:
    assert sentence_texts(text, lang) == expected


def test_sentences_break_at_blank_lines_list_items_and_headings() -> None:
    text = "Overskrift uden punktum\n\nFørste afsnit\n- punkt et\n- punkt to\n# Næste\nen linje\nfortsat"
    assert sentence_texts(text) == [
        "Overskrift uden punktum",
        "Første afsnit",
        "- punkt et",
        "- punkt to",
        "# Næste\nen linje\nfortsat",
    ]


def test_sentence_offsets_point_into_the_text() -> None:
    text = "Tak for din ordre.  Vi sender den i dag!"
    found = sentences(text, "da")
    assert [(s.start, s.end) for s in found] == [(0, 18), (20, 40)]
    assert [t.text for t in found[1].words] == ["Vi", "sender", "den", "i", "dag"]


# --- LIX ---------------------------------------------------------------------------------------
def test_lix_danish_hand_counted() -> None:
    # S1: Ordrebekræftelsen* er sendt til [e-mail] bl.a. med leveringsadressen*  -> 7 words, 2 long
    # S2: Pakken leveres* ca. den [date] kl. [time]                              -> 5 words, 1 long
    # LIX = 12/2 + 100*3/12 = 6 + 25 = 31
    text = (
        "Ordrebekræftelsen er sendt til mette@example.dk, bl.a. med leveringsadressen. "
        "Pakken leveres ca. den 24.12.2026 kl. 14.30."
    )
    result = lix(text, "da")
    assert result is not None
    assert (result.words, result.sentences, result.long_words) == (12, 2, 3)
    assert result.score == pytest.approx(31.0)
    assert result.band == "easy"


def test_lix_norwegian_hand_counted() -> None:
    # S1: Takk for bestillingen*                      -> 3 words, 1 long
    # S2: Vi sender pakken f.eks. i morgen dvs. fredag -> 8 words, 0 long (6 letters is not long)
    # S3: Du kan følge den på [posten.no]              -> 5 words
    # LIX = 16/3 + 100*1/16 = 5.333 + 6.25
    text = "Takk for bestillingen! Vi sender pakken f.eks. i morgen, dvs. fredag. Du kan følge den på posten.no."
    result = lix(text, "nb")
    assert result is not None
    assert (result.words, result.sentences, result.long_words) == (16, 3, 1)
    assert result.score == pytest.approx(16 / 3 + 6.25)
    assert result.band == "very easy"


def test_lix_english_hand_counted() -> None:
    # S1: Thanks for your order Mr. Hansen          -> 6 words, 0 long
    # S2: We ship it e.g. tomorrow* at [2.30] p.m.  -> 7 words, 1 long
    # S3: Track it at [url] anytime*                -> 4 words, 1 long
    text = (
        "Thanks for your order, Mr. Hansen. We ship it e.g. tomorrow at 2.30 p.m. "
        "Track it at https://shop.example/o/100234 anytime."
    )
    result = lix(text, "en")
    assert result is not None
    assert (result.words, result.sentences, result.long_words) == (17, 3, 2)
    assert result.score == pytest.approx(17 / 3 + 200 / 17)


def test_lix_of_hard_text_is_hard() -> None:
    text = (
        "Leveringsbekræftelsen indeholder oplysninger vedrørende forsendelsesmetoden "
        "og transportørens kontaktinformationer."
    )
    result = lix(text, "da")
    assert result is not None
    # 8 words in one sentence, 7 of them longer than six letters: 8 + 87.5
    assert (result.words, result.long_words) == (8, 7)
    assert result.score == pytest.approx(95.5)
    assert result.band == "very hard"


def test_lix_needs_words() -> None:
    assert lix("100234 14.30 https://shop.example", "da") is None
    assert lix("", "da") is None


@pytest.mark.parametrize(
    ("score", "label"),
    [(0, "very easy"), (24, "very easy"), (25, "easy"), (34.9, "easy"), (35, "medium"),
     (44, "medium"), (45, "hard"), (54, "hard"), (55, "very hard"), (80, "very hard")],
)  # fmt: skip
def test_lix_band_follows_the_danish_scale(score: float, label: str) -> None:
    assert band(score) == label


# --- properties ----------------------------------------------------------------------------------
COPY_ALPHABET = st.sampled_from(
    [
        *"abcæøåÆØÅ XYZ.,!?…'’\"“”-–#*_[](){}|<>:;/@0123456789\n\t",
        *("f.eks. ", "kl. ", "osv. ", "e.g. ", "https://a.dk/x ", "a@b.dk", "🎉", "👍🏽", "🇩🇰"),
        "\u00a0",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(COPY_ALPHABET, max_size=60).map("".join),
    st.sampled_from(["da", "nb", "en", "generic"]),
)
def test_tokens_and_sentences_are_ordered_slices_of_the_text(text: str, lang: str) -> None:
    tokens = tokenize(text, lang)  # type: ignore[arg-type]
    last = 0
    for token in tokens:
        assert token.start >= last
        assert text[token.start : token.end] == token.text
        assert token.text.strip() == token.text and token.text
        last = token.end
    found = sentences(text, lang)  # type: ignore[arg-type]
    assert [t for s in found for t in s.tokens] == tokens
    assert all(s.start < s.end for s in found)


# --- short cuts in the tokenizer -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("ℹ️ Info", "da", [("ℹ️", "emoji"), ("Info", "word")]),
        ("ℹ info", "da", [("ℹ", "word"), ("info", "word")]),
        ("Vi ses kl. 14, på vej.", "da",
         [("Vi", "word"), ("ses", "word"), ("kl.", "abbr"), ("14", "number"), (",", "punct"),
          ("på", "word"), ("vej", "word"), (".", "terminal")]),
        ("Se posten.no, www.shop.dk og http://a.dk/x!", "nb",
         [("Se", "word"), ("posten.no", "url"), (",", "punct"), ("www.shop.dk", "url"),
          ("og", "word"), ("http://a.dk/x", "url"), ("!", "terminal")]),
        ("https og www: hej+tag@shop.dk", "da",
         [("https", "word"), ("og", "word"), ("www", "word"), (":", "punct"),
          ("hej+tag@shop.dk", "email")]),
        ("AB12 SMS'en (Sko) don't", "en",
         [("AB12", "code"), ("SMS'en", "word"), ("(", "punct"), ("Sko", "word"), (")", "punct"),
          ("don't", "word")]),
        ("No. 5 og no.", "en", [("No.", "abbr"), ("5", "number"), ("og", "word"), ("no", "word"),
                                (".", "terminal")]),
    ],
)  # fmt: skip
def test_tokens_next_to_punctuation_keep_their_kind(
    text: str, lang: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(text, lang) == expected


def test_a_trimmed_url_does_not_swallow_what_follows() -> None:
    text = "Følg den (https://a.dk/x). Tak"
    assert kinds(text) == [
        ("Følg", "word"), ("den", "word"), ("(", "punct"), ("https://a.dk/x", "url"),
        (")", "punct"), (".", "terminal"), ("Tak", "word"),
    ]  # fmt: skip


def test_letters_count_only_letters() -> None:
    counts = {t.text: t.letters for t in tokenize("e-mail Ærø cafe\u0301 SMS'en", "da")}
    assert counts == {"e-mail": 5, "Ærø": 3, "cafe\u0301": 4, "SMS'en": 5}


def test_sentences_end_at_line_breaks_after_closing_quotes() -> None:
    text = 'Hun sagde "Tak!"\n- punkt et\nfortsat her\n\nNyt afsnit. Slut'
    assert sentence_texts(text) == [
        'Hun sagde "Tak!"',
        "- punkt et\nfortsat her",
        "Nyt afsnit.",
        "Slut",
    ]
    found = sentences(text, "da", tokenize(text, "da"))
    assert [(s.start, s.end) for s in found] == [(s.start, s.end) for s in sentences(text, "da")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.lists(COPY_ALPHABET, max_size=40).map("".join))
def test_emoji_scan_finds_what_the_emoji_pattern_finds(text: str) -> None:
    assert [m.span() for m in EMOJI_SCAN.finditer(text)] == [m.span() for m in EMOJI.finditer(text)]
    assert emoji_spans(text) == [m.span() for m in EMOJI.finditer(text)]
