"""Copy Markdown -> document model: every construct, tokens, and where control lines land."""

from __future__ import annotations

import pytest

from micromoments.render.document import (
    Button,
    Code,
    Control,
    Divider,
    Em,
    Heading,
    Image,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Strong,
    Table,
    TableRow,
    Text,
    Token,
    nest,
    plain,
)
from micromoments.render.markdown import CONTROL_STRUCTURE, COPY_MARKUP
from render_helpers import parse


def kinds(entries: tuple[object, ...]) -> list[str]:
    """Entry types, with control entries as their kind (``for``, ``endif``)."""
    return [e.kind if isinstance(e, Control) else type(e).__name__ for e in entries]


def test_headline_paragraph_and_inline_markup() -> None:
    doc, _ = parse("### Tak for din ordre!\n\nHej **Mette**, *velkommen* og `RABAT20`.")
    assert doc.blocks == (
        Heading(1, (Text("Tak for din ordre!"),)),
        Paragraph(
            (Text("Hej "), Strong((Text("Mette"),)), Text(", "), Em((Text("velkommen"),)),
             Text(" og "), Code("RABAT20"), Text("."))
        ),
    )  # fmt: skip
    assert doc.problems == ()


def test_heading_levels_form_an_outline() -> None:
    doc, _ = parse("### Headline\n\n#### Sub\n\n### Section\n\n#### Sub again")
    assert [b.level for b in doc.blocks if isinstance(b, Heading)] == [1, 3, 2, 3]
    only_sub, _ = parse("### Headline\n\n#### Sub")
    assert [b.level for b in only_sub.blocks if isinstance(b, Heading)] == [1, 2]


def test_hash_heading_is_reported_and_becomes_the_headline() -> None:
    doc, _ = parse("# Stor overskrift\n\nTekst")
    assert doc.blocks[0] == Heading(1, (Text("Stor overskrift"),))
    assert [(p.rule, p.line) for p in doc.problems] == [(COPY_MARKUP.id, 1)]


def test_tokens_in_text_link_label_and_href() -> None:
    doc, protected = parse(
        "Hej {{ first_name }}, [se ordre {{ n }}](https://x.example/o/{{ n }}?a=1&b=2)"
    )
    first, n_label, n_href = protected.slots
    para = doc.blocks[0]
    assert isinstance(para, Paragraph)
    assert para.inlines[:3] == (Text("Hej "), Token(first), Text(", "))
    link = para.inlines[3]
    assert link == Link(
        f"https://x.example/o/{n_href}?a=1&b=2", (Text("se ordre "), Token(n_label))
    )


def test_a_template_tag_as_the_whole_link_target() -> None:
    doc, protected = parse("[Se din ordre]({{ order_url }})")
    (tok,) = protected.slots
    assert doc.blocks == (Paragraph((Link(tok, (Text("Se din ordre"),)),)),)


def test_newlines_in_a_paragraph_are_line_breaks() -> None:
    doc, _ = parse("Venlig hilsen\nLunden")
    assert doc.blocks == (Paragraph((Text("Venlig hilsen"), LineBreak(), Text("Lunden"))),)


def test_buttons_primary_secondary_and_several_in_one_paragraph() -> None:
    doc, protected = parse(
        "[Se din ordre]({{ order_url }}){.button}\n\n"
        "[Spor pakken](https://x.example/t){.button .secondary} [Hjælp](https://x.example/h){.button}"
    )
    (tok,) = protected.slots
    assert doc.blocks == (
        Button((Text("Se din ordre"),), tok, "primary"),
        Button((Text("Spor pakken"),), "https://x.example/t", "secondary"),
        Button((Text("Hjælp"),), "https://x.example/h", "primary"),
    )


def test_a_button_inside_running_text_is_a_link_and_a_warning() -> None:
    doc, _ = parse("Klik [her](https://x.example){.button} nu")
    assert doc.blocks == (
        Paragraph((Text("Klik "), Link("https://x.example", (Text("her"),)), Text(" nu"))),
    )
    assert [p.rule for p in doc.problems] == [COPY_MARKUP.id]


def test_image_with_width_link_and_token_in_alt() -> None:
    doc, protected = parse(
        "![Logo](assets/logo.png){width=200}\n\n"
        "[![Bænk til {{ name }}](assets/baenk.png)](https://x.example/b)"
    )
    (tok,) = protected.slots
    assert doc.blocks == (
        Image("assets/logo.png", "Logo", 200, None),
        Image("assets/baenk.png", f"Bænk til {tok}", None, "https://x.example/b"),
    )
    assert [i.line for i in doc.images()] == [1, 3]
    assert doc.assets() == ["logo.png", "baenk.png"]


def test_empty_alt_is_kept_for_decorative_images() -> None:
    doc, _ = parse("![](assets/spacer.png)")
    assert doc.blocks == (Image("assets/spacer.png", ""),)


@pytest.mark.parametrize(
    ("copy", "message"),
    [
        ("![x](assets/a.png){width=abc}", "not a number"),
        ("![x](assets/a.png){.fancy}", "class 'fancy'"),
        ("Se ![x](assets/a.png) her", "shows only its alt text"),
        ("{.fancy}\nTekst", "unknown paragraph class"),
    ],
)
def test_markup_email_cannot_show_is_reported(copy: str, message: str) -> None:
    doc, _ = parse(copy)
    assert any(p.rule == COPY_MARKUP.id and message in p.message for p in doc.problems)


def test_muted_and_note_paragraphs() -> None:
    doc, _ = parse("{.muted}\nSmåt\n\n> Bemærk: åbent til 16")
    assert doc.blocks == (
        Paragraph((Text("Småt"),), ("muted",)),
        Paragraph((Text("Bemærk: åbent til 16"),), ("note",)),
    )


def test_lists_bullets_numbers_and_start() -> None:
    doc, _ = parse("- a\n- **b**\n\n3. tre\n4. fire")
    bullets, numbers = doc.blocks
    assert bullets == ListBlock(
        False,
        (ListItem((Paragraph((Text("a"),)),)), ListItem((Paragraph((Strong((Text("b"),)),)),))),
    )
    assert isinstance(numbers, ListBlock)
    assert numbers.ordered
    assert numbers.start == 3


def test_dash_line_under_a_paragraph_is_a_divider_not_a_heading() -> None:
    doc, _ = parse("Tekst\n---\nMere tekst")
    assert doc.blocks == (Paragraph((Text("Tekst"),)), Divider(), Paragraph((Text("Mere tekst"),)))


def test_table_with_alignment_and_tokens() -> None:
    doc, protected = parse("| Vare | Pris |\n|:--|--:|\n| Bænk | {{ price }} |")
    (tok,) = protected.slots
    assert doc.blocks == (
        Table(
            TableRow(((Text("Vare"),), (Text("Pris"),))),
            (TableRow(((Text("Bænk"),), (Token(tok),))),),
            ("left", "right"),
        ),
    )


def test_raw_html_is_literal_text() -> None:
    doc, _ = parse("<b>fed</b> & <script>alert(1)</script>")
    assert doc.blocks == (Paragraph((Text("<b>fed</b> & <script>alert(1)</script>"),)),)


def test_for_around_list_items_loops_the_items_of_one_list() -> None:
    doc, _ = parse("Dine varer:\n{% for line in lines %}\n- {{ line.title }}\n{% endfor %}\nTak!")
    para, lst, outro = doc.blocks
    assert isinstance(lst, ListBlock)
    assert kinds(lst.items) == ["for", "ListItem", "endfor"]
    assert lst.loops
    assert isinstance(para, Paragraph)
    assert outro == Paragraph((Text("Tak!"),))  # not swallowed by the item (lazy continuation)


def test_loop_between_fixed_items() -> None:
    doc, _ = parse("- Først\n{% for i in items %}\n- {{ i.name }}\n{% endfor %}\n- Sidst")
    (lst,) = doc.blocks
    assert isinstance(lst, ListBlock)
    assert kinds(lst.items) == ["ListItem", "for", "ListItem", "endfor", "ListItem"]


def test_loop_over_the_first_items_with_the_opening_tag_above_the_list() -> None:
    doc, _ = parse("{% for i in items %}\n- {{ i.name }}\n{% endfor %}\n- Fast vare")
    (lst,) = doc.blocks
    assert isinstance(lst, ListBlock)
    assert kinds(lst.items) == ["for", "ListItem", "endfor", "ListItem"]


def test_table_rows_loop_with_a_total_row_after() -> None:
    doc, _ = parse(
        "| Vare | Antal |\n| --- | --- |\n{% for line in lines %}\n"
        "| {{ line.title }} | {{ line.qty }} |\n{% endfor %}\n| **I alt** | 3 |"
    )
    (table,) = doc.blocks
    assert isinstance(table, Table)
    assert kinds(table.rows) == ["for", "TableRow", "endfor", "TableRow"]
    assert doc.problems == ()


def test_for_around_a_whole_table_loops_the_body_rows_not_the_header() -> None:
    doc, _ = parse(
        "{% for l in lines %}\n| A | B |\n|---|---|\n| {{ l.a }} | {{ l.b }} |\n{% endfor %}"
    )
    (table,) = doc.blocks
    assert isinstance(table, Table)
    assert kinds(table.rows) == ["for", "TableRow", "endfor"]


def test_if_else_around_blocks() -> None:
    doc, _ = parse(
        "{% if pickup %}\nHent pakken i {{ shop }}.\n{% else %}\nVi kommer til døren.\n{% endif %}"
        "\n\n[Følg pakken]({{ url }}){.button}"
    )
    assert kinds(doc.blocks) == ["if", "Paragraph", "else", "Paragraph", "endif", "Button"]
    (group, button) = nest(doc.blocks)
    assert not isinstance(group, Button)
    assert isinstance(button, Button)


def test_control_inside_a_list_item_stays_in_the_item() -> None:
    doc, _ = parse("- Vare\n  {% if gift %}\n  Gaveindpakket\n  {% endif %}\n- Kvittering")
    (lst,) = doc.blocks
    assert isinstance(lst, ListBlock)
    first = lst.items[0]
    assert isinstance(first, ListItem)
    assert kinds(first.blocks) == ["Paragraph", "if", "Paragraph", "endif"]
    assert len(lst.items) == 2


def test_if_closing_outside_the_list_it_opened_in_is_an_error() -> None:
    doc, _ = parse("- a\n{% if x %}\n- b\n\nTekst\n{% endif %}")
    assert [(p.rule, p.line) for p in doc.problems] == [(CONTROL_STRUCTURE.id, 2)]


@pytest.mark.parametrize(
    ("copy", "line"),
    [("{% if x %}\nTekst", 1), ("Tekst\n{% endif %}", 2)],
)
def test_unbalanced_control_lines_are_reported(copy: str, line: int) -> None:
    doc, _ = parse(copy)
    assert [(p.rule, p.line) for p in doc.problems] == [(CONTROL_STRUCTURE.id, line)]


def test_inline_tags_must_close_inside_the_same_bold_text() -> None:
    good, _ = parse("Hej{% if name %} **{{ name }}**{% endif %},")
    assert good.problems == ()
    bad, _ = parse("**Hej {% if x %}du** {% endif %}")
    assert {p.rule for p in bad.problems} == {CONTROL_STRUCTURE.id}
    assert len(bad.problems) == 1


def test_inline_if_in_a_sentence_stays_inline() -> None:
    doc, protected = parse("Hej{% if first_name %} {{ first_name }}{% endif %},")
    if_, var, endif = protected.slots
    assert doc.blocks == (
        Paragraph((Text("Hej"), Token(if_, "if"), Text(" "), Token(var), Token(endif, "endif"),
                   Text(","))),
    )  # fmt: skip


def test_plain_text_of_inlines_keeps_tokens() -> None:
    doc, protected = parse("**Tak**, [{{ name }}](https://x.example)!")
    (tok,) = protected.slots
    para = doc.blocks[0]
    assert isinstance(para, Paragraph)
    assert plain(para.inlines) == f"Tak, {tok}!"
