"""Document -> plain text: wrapping, links, buttons, lists, tables, and clean whitespace after a
real template engine (Jinja) has run the loops and conditions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.render.brand import default_brand
from micromoments.render.plaintext import email_text, to_text
from render_helpers import parse, run_jinja

URL = "https://lunden.example/ordre/100234?token=7f3a9c2b1d0e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"


def text(copy: str, width: int = 78) -> str:
    doc, _ = parse(copy)
    return to_text(doc, width)


def rendered(copy: str, data: dict[str, Any]) -> str:
    """The text part after Jinja filled in ``data`` (what the customer receives)."""
    doc, protected = parse(copy)
    return run_jinja(to_text(doc), protected.slots, data, html=False)


def test_headline_underlined_and_subheading() -> None:
    assert text("### Tak for din ordre\n\n#### Det har du købt") == (
        "Tak for din ordre\n=================\n\nDet har du købt\n---------------\n"
    )


def test_paragraphs_wrap_at_78_columns() -> None:
    words = "Vi har modtaget din ordre og går i gang med at pakke den med det samme " * 3
    out = text(words.strip())
    lines = out.rstrip("\n").split("\n")
    assert len(lines) > 2
    assert all(len(line) <= 78 for line in lines)
    assert " ".join(lines) == words.strip()


def test_a_long_url_is_never_broken() -> None:
    out = text(f"Følg din pakke her: {URL} og god fornøjelse med varerne, når de kommer frem.")
    assert URL in out.split("\n")
    assert all(len(line) <= 78 or line == URL for line in out.rstrip().split("\n"))


def test_tokens_count_as_their_own_length_and_are_not_split() -> None:
    doc, protected = parse("Hej " + "{{ first_name }} " * 12)
    out = to_text(doc)
    assert all(len(line) <= 78 for line in out.split("\n"))
    assert all(out.count(t) == 1 for t in protected.slots)


@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=30), min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_wrapping_keeps_every_word_whole_and_in_order(words: list[str]) -> None:
    out = text(" ".join(words))
    lines = out.rstrip("\n").split("\n")
    assert " ".join(lines).split() == words
    assert all(len(line) <= 78 or " " not in line for line in lines)


def test_links_read_text_colon_url() -> None:
    assert text("Læs [returpolitikken](https://lunden.example/retur) først.") == (
        "Læs returpolitikken: https://lunden.example/retur først.\n"
    )
    assert text("<https://lunden.example>") == "https://lunden.example\n"
    assert text("Ring på [70 20 30 40](tel:+4570203040).") == "Ring på 70 20 30 40.\n"


def test_buttons_and_linked_images() -> None:
    out = text(
        "[Se din ordre](https://lunden.example/o){.button}\n\n"
        "![Logo](assets/logo.png)\n\n[![Havebænk](assets/b.png)](https://lunden.example/b)"
    )
    assert out == "Se din ordre: https://lunden.example/o\n\nHavebænk: https://lunden.example/b\n"


def test_lists_have_markers_and_a_hanging_indent() -> None:
    long_item = "Fri retur i 30 dage, så du kan se det hele i dit eget hjem først og i ro og mag"
    out = text(f"- Levering på 1-3 hverdage\n- {long_item}\n\n1. Første\n2. Anden")
    lines = out.split("\n")
    assert lines[0] == "- Levering på 1-3 hverdage"
    assert lines[1].startswith("- Fri retur")
    assert lines[2].startswith("  ") and not lines[2].startswith("   ")
    assert lines[4:6] == ["1. Første", "2. Anden"]


def test_divider_is_a_line_of_dashes() -> None:
    assert text("Før\n\n---\n\nEfter") == "Før\n\n" + "-" * 40 + "\n\nEfter\n"


def test_tables_become_one_line_per_row() -> None:
    two = text("| Ordre | Dato |\n|---|---|\n| 100234 | 1. maj |")
    assert two == "100234: 1. maj\n"
    three = text(
        "| Vare | Antal | Pris |\n|---|---|---|\n| Bænk | 1 | 2.499 kr. |\n| **I alt** | | 2.499 kr. |"
    )
    assert three == "Bænk - Antal: 1, Pris: 2.499 kr.\nI alt - Pris: 2.499 kr.\n"


def test_emphasis_and_code_are_plain() -> None:
    assert text("Brug **koden** `RABAT20` *i dag*") == "Brug koden RABAT20 i dag\n"


def test_raw_html_stays_literal() -> None:
    assert text("<b>fed</b> & co") == "<b>fed</b> & co\n"


@pytest.mark.parametrize(
    ("copy", "data", "expected"),
    [
        ("{% if a %}\nA\n{% endif %}\nB\n\nC", {"a": True}, "A\n\nB\n\nC\n"),
        ("{% if a %}\nA\n{% endif %}\nB\n\nC", {"a": False}, "B\n\nC\n"),
        ("Intro\n{% if a %}\nA\n{% elif b %}\nB\n{% else %}\nC\n{% endif %}\n\nEnd",
         {"a": 0, "b": 1}, "Intro\n\nB\n\nEnd\n"),
        ("Intro\n{% if a %}\nA\n{% elif b %}\nB\n{% else %}\nC\n{% endif %}\n\nEnd",
         {"a": 0, "b": 0}, "Intro\n\nC\n\nEnd\n"),
        ("Intro\n{% for i in items %}\n- {{ i }}\n{% endfor %}\nOutro",
         {"items": ["x", "y"]}, "Intro\n\n- x\n- y\n\nOutro\n"),
        ("- fast\n{% for i in items %}\n- {{ i }}\n{% endfor %}\n- sidst\n\nEnd",
         {"items": []}, "- fast\n- sidst\n\nEnd\n"),
        ("- fast\n{% for i in items %}\n- {{ i }}\n{% endfor %}\n- sidst\n\nEnd",
         {"items": ["x", "y"]}, "- fast\n- x\n- y\n- sidst\n\nEnd\n"),
        ("| A | B |\n|---|---|\n{% for i in items %}\n| {{ i }} | 1 |\n{% endfor %}\n| I alt | 2 |",
         {"items": ["x", "y"]}, "x: 1\ny: 1\nI alt: 2\n"),
        ("Hej{% if name %} {{ name }}{% endif %},\n\nTak", {"name": ""}, "Hej,\n\nTak\n"),
        ("Hej{% if name %} {{ name }}{% endif %},\n\nTak", {"name": "Mette"}, "Hej Mette,\n\nTak\n"),
    ],
)  # fmt: skip
def test_loops_and_conditions_leave_clean_whitespace(
    copy: str, data: dict[str, Any], expected: str
) -> None:
    assert rendered(copy, data) == expected


@given(
    first=st.booleans(),
    middle=st.booleans(),
    items=st.lists(st.sampled_from(["bænk", "hynde", "stol"]), min_size=1, max_size=4),
)
@settings(max_examples=40, deadline=None)
def test_no_stray_blank_lines_whatever_the_data(
    first: bool, middle: bool, items: list[str]
) -> None:
    copy = (
        "{% if first %}\nFørst.\n{% endif %}\n### Overskrift\n\nIntro\n"
        "{% for i in items %}\n- {{ i }}\n{% endfor %}\n"
        "{% if middle %}\nMidt.\n\n[Knap](https://x.example){.button}\n{% endif %}\nSlut."
    )
    out = rendered(copy, {"first": first, "middle": middle, "items": items})
    assert "\n\n\n" not in out
    assert not out.startswith("\n")
    assert out.endswith("Slut.\n")
    assert [line[2:] for line in out.split("\n") if line.startswith("- ")] == items
    assert ("Først." in out) is first
    assert ("Knap: https://x.example" in out) is middle


def test_ordered_lists_with_loops_use_dashes() -> None:
    out = rendered("1. Fast\n{% for i in items %}\n1. {{ i }}\n{% endfor %}", {"items": ["x", "y"]})
    assert out == "- Fast\n- x\n- y\n"


def test_email_text_adds_the_footer_with_unsubscribe_for_marketing() -> None:
    brand = default_brand()
    doc, _ = parse("### Hej\n\nTekst")
    marketing = email_text(
        doc, brand, kind="marketing", locale="da", unsubscribe_url="https://x.example/afmeld"
    )
    assert marketing.startswith("Hej\n===\n\nTekst\n\n" + "-" * 40 + "\n")
    assert "Afmeld: https://x.example/afmeld" in marketing.split("\n")
    long = email_text(doc, brand, kind="marketing", locale="da", unsubscribe_url=URL)
    assert long.split("\n")[-3:-1] == ["Afmeld:", URL]
    assert brand.company.legal_name in marketing
    service = email_text(doc, brand, kind="transactional", locale="en")
    assert "Unsubscribe" not in service
    assert "service message" in service
    assert all(len(line) <= 78 or not re.search(r"\s", line) for line in service.split("\n"))


def reference_wrap(text: str, width: int, first: str, rest: str) -> str:
    """Greedy wrapping at spaces, written as plainly as possible: the specification the
    writer's faster wrapping is held to."""
    lines: list[str] = []
    prefix = first
    for para in text.split("\n"):
        line = ""
        for word in (w for w in para.split(" ") if w):
            if line and len(prefix) + len(line) + 1 + len(word) > width:
                lines.append(prefix + line)
                prefix, line = rest, word
            else:
                line = f"{line} {word}" if line else word
        lines.append(prefix + line)
        prefix = rest
    return "\n".join(line.rstrip() for line in lines)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.lists(
            st.sampled_from(["a", "bb", "ccccc", " ", "  ", "\n", "\t", "\xa0", "é"]), max_size=60
        ).map("".join),
        st.lists(st.sampled_from(["a", "bb", "ccccc"]), max_size=20).map(" ".join),
    ),
    width=st.integers(1, 40),
    indent=st.sampled_from(["", "  ", "- "]),
)
def test_wrapping_matches_the_plain_greedy_algorithm(text: str, width: int, indent: str) -> None:
    from micromoments.render.plaintext import _Writer

    assert _Writer(width).wrap(text, indent, " " * len(indent)) == reference_wrap(
        text, width, indent, " " * len(indent)
    )


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(
            st.just(None),  # a line break
            st.lists(st.sampled_from(["a", "bb", "ccccc", " ", "  ", "\xa0", ""]), max_size=6),
        ),
        max_size=6,
    ),
    width=st.integers(4, 30),
    indent=st.sampled_from(["", "  "]),
    marker=st.sampled_from(["- ", "1. ", "12. "]),
)
def test_a_one_paragraph_item_reads_as_any_item(
    pieces: list[list[str] | None], width: int, indent: str, marker: str
) -> None:
    # the quick way for an item of one paragraph gives what the general way (the item as a
    # sequence of blocks, then its marker put in front) gives, blank and broken lines included
    from micromoments.render.document import Control, LineBreak, ListItem, Paragraph, Text
    from micromoments.render.plaintext import _Writer

    inlines = tuple(LineBreak() if p is None else Text("".join(p)) for p in pieces)
    writer = _Writer(width)
    quick = writer.item(ListItem((Paragraph(inlines),)), indent, marker)
    # a trailing control keeps the item off the quick way and adds only its token at the end
    general = writer.item(
        ListItem((Paragraph(inlines), Control("MMSLOT0001X", "endif"))), indent, marker
    )
    assert quick.text == general.text.removesuffix("MMSLOT0001X")
