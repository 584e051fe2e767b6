"""SMS encoding, units and segments, and the characters that force UCS-2."""

from __future__ import annotations

import pytest

from micromoments.text.sms import analyse_sms, count_segments, is_gsm, swap_for, swap_to_gsm


def test_danish_and_norwegian_letters_are_gsm7() -> None:
    text = "Æble, øl og ål. ÆØÅ æøå Ä Ö Ü ä ö ü é É ß Ñ ñ à @ £ $ ¥ § ¿ ¡"
    result = analyse_sms(text)
    assert result.encoding == "GSM-7"
    assert result.forcing == ()
    assert result.units == len(text)
    assert result.segments == 1


def test_extension_characters_count_two_septets() -> None:
    text = "Pris: 10€ [tilbud] {nu} ^ ~ | \\"
    result = analyse_sms(text)
    assert result.encoding == "GSM-7"
    extension = sum(text.count(c) for c in "€[]{}^~|\\")
    assert extension == 9
    assert result.units == len(text) + extension


@pytest.mark.parametrize(
    ("length", "segments"), [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3)]
)
def test_gsm7_segments_are_160_then_153(length: int, segments: int) -> None:
    result = analyse_sms("a" * length)
    assert result.segments == segments
    assert result.per_segment == (160 if segments <= 1 else 153)


def test_an_extension_character_is_never_split_between_segments() -> None:
    # 306 septets would fit two parts of 153, but the € (2 septets) straddles the boundary.
    text = "a" * 152 + "€" + "a" * 152
    result = analyse_sms(text)
    assert result.units == 306
    assert result.segments == 3


@pytest.mark.parametrize(("length", "segments"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3)])
def test_ucs2_segments_are_70_then_67(length: int, segments: int) -> None:
    result = analyse_sms("’" + "a" * (length - 1))
    assert result.encoding == "UCS-2"
    assert result.units == length
    assert result.segments == segments
    assert result.single_limit == 70


def test_astral_emoji_take_two_utf16_units() -> None:
    assert analyse_sms("a" * 68 + "🎉").units == 70
    assert analyse_sms("a" * 68 + "🎉").segments == 1
    assert analyse_sms("a" * 69 + "🎉").segments == 2


def test_a_surrogate_pair_is_never_split_between_segments() -> None:
    result = analyse_sms("a" * 66 + "🎉" + "a" * 66)
    assert result.units == 134
    assert result.segments == 3


def test_count_segments_on_unit_sizes() -> None:
    assert count_segments([1] * 153 + [1] * 153, "GSM-7") == 2
    assert count_segments([], "UCS-2") == 0


def test_forcing_characters_have_indexes_and_swaps() -> None:
    text = "“Tak” – vi ses…\u00a0snart’"
    result = analyse_sms(text)
    assert result.encoding == "UCS-2"
    got = [(f.index, f.char, f.swap) for f in result.forcing]
    assert got == [
        (0, "“", '"'), (4, "”", '"'), (6, "–", "-"), (14, "…", "..."), (15, "\u00a0", " "),
        (21, "’", "'"),
    ]  # fmt: skip
    for item in result.forcing:
        assert text[item.index] == item.char
    assert result.swapped_text == '"Tak" - vi ses... snart\''
    assert is_gsm(result.swapped_text)


def test_emoji_have_no_swap_and_are_reported_once_per_sequence() -> None:
    text = "Tak 👍🏽 fra 👨‍👩‍👧 1️⃣"
    result = analyse_sms(text)
    assert [(f.char, f.swap, f.is_emoji) for f in result.forcing] == [
        ("👍🏽", None, True), ("👨‍👩‍👧", None, True), ("1️⃣", None, True),
    ]  # fmt: skip
    assert result.forcing[0].advice == "remove 👍🏽"
    assert swap_to_gsm(text) == "Tak  fra  "


def test_accented_letters_outside_gsm7_swap_to_the_bare_letter() -> None:
    assert swap_for("á") == "a"
    assert swap_for("ç") == "c"  # only the capital Ç is in GSM-7
    assert is_gsm("Ç")
    assert swap_for("œ") == "oe"
    assert swap_for("中") is None


def test_advice_names_invisible_characters() -> None:
    result = analyse_sms("a\u00a0b\u00adc")
    assert [f.advice for f in result.forcing] == ["no-break space → space", "delete soft hyphen"]
