"""Document -> MJML -> HTML compiled by MRML: every construct, escaping, tokens and controls.

The MJML is compiled inside a minimal layout that has an ``mj-style inline`` rule, so MRML's CSS
inliner (which re-parses the HTML) runs exactly as with the real layouts.
"""

from __future__ import annotations

import re

import pytest

from micromoments.render.brand import default_brand
from micromoments.render.email import compile_mjml
from micromoments.render.mjml import BUTTON_LINE_HEIGHT, to_mjml
from micromoments.render.protect import Protected
from render_helpers import Node, balanced, html_tree, parse, run_jinja

BRAND = default_brand()
BASE = "https://cdn.example.com/email/"


def compile_copy(copy: str) -> tuple[str, Node, Protected]:
    """Copy -> compiled HTML (string and tree) and the protected copy."""
    doc, protected = parse(copy)
    content = to_mjml(doc, BRAND, asset_base=BASE)
    source = (
        '<mjml><mj-head><mj-style inline="inline">.mm-copy p { margin: 0 0 16px; }</mj-style>'
        "</mj-head><mj-body><mj-section><mj-column>\n"
        f"{content}</mj-column></mj-section></mj-body></mjml>"
    )
    html = compile_mjml(source).html
    return html, html_tree(html), protected


def copy_cells(tree: Node) -> list[Node]:
    """The ``mj-text`` cells that hold copy."""
    return tree.find_all("td", class_="mm-copy")


def style_px(style: str, prop: str) -> list[int]:
    """Pixel numbers of a CSS property in an inline style (``padding:14px 28px`` -> [14, 28])."""
    found = re.search(rf"(?:^|;)\s*{prop}\s*:\s*([^;]+)", style)
    assert found, f"{prop} not in {style!r}"
    return [int(n) for n in re.findall(r"(\d+)px", found.group(1))]


def test_headline_paragraph_and_inline_markup_share_one_text_cell() -> None:
    _, tree, _ = compile_copy(
        "### Tak for din ordre\n\nHej **Mette**, *velkommen*.\nKode: `RABAT20`\n\n#### Næste"
    )
    (cell,) = copy_cells(tree)
    h1, p, h2 = cell.find("div").children
    assert isinstance(h1, Node) and h1.tag == "h1" and h1.text() == "Tak for din ordre"
    assert isinstance(p, Node) and p.tag == "p"
    assert [c.tag for c in p.children if isinstance(c, Node)] == ["strong", "em", "br", "code"]
    assert p.text() == "Hej Mette, velkommen.Kode: RABAT20"
    assert isinstance(h2, Node) and h2.tag == "h2"
    assert "margin: 0 0 16px" in p.attrs["style"]  # the layout's inline rule reached it


def test_links_keep_their_target() -> None:
    _, tree, _ = compile_copy("Læs [returpolitikken](https://x.example/retur?a=1&b=2).")
    a = copy_cells(tree)[0].find("a")
    assert a.attrs["href"] == "https://x.example/retur?a=1&b=2"
    assert a.text() == "returpolitikken"


def test_primary_button_has_brand_colours_and_a_44px_tap_target() -> None:
    _, tree, _ = compile_copy("[Se din ordre](https://x.example/o){.button}")
    cell = tree.find("td", class_="mm-button-primary")
    a = cell.find("a")
    assert a.attrs["href"] == "https://x.example/o"
    assert a.text() == "Se din ordre"
    assert BRAND.colors.light.primary in a.attrs["style"]
    assert f"color:{BRAND.colors.light.on_primary}" in a.attrs["style"]
    vertical = style_px(a.attrs["style"], "padding")[0]
    line_height = style_px(a.attrs["style"], "line-height")[0]
    assert line_height == BUTTON_LINE_HEIGHT
    assert 2 * vertical + line_height >= 44


def test_secondary_button_is_outlined() -> None:
    _, tree, _ = compile_copy("[Hjælp](https://x.example/h){.button .secondary}")
    inner = tree.find("td", class_="mm-button-secondary").find("table").find("td")
    assert f"border:2px solid {BRAND.colors.light.primary}" in inner.attrs["style"]
    assert BRAND.colors.light.surface in inner.attrs["style"]


def test_image_gets_the_asset_base_alt_width_and_link() -> None:
    _, tree, _ = compile_copy(
        "![Havebænk i teak](assets/baenk.png){width=200}\n\n[![](assets/logo.png)](https://x.example)"
    )
    first, second = tree.find_all("img")
    assert first.attrs["src"] == BASE + "baenk.png"
    assert first.attrs["alt"] == "Havebænk i teak"
    assert first.attrs["width"] == "200"
    assert second.attrs["alt"] == ""  # decorative, but present
    link = next(a for a in tree.find_all("a") if a.find_all("img"))
    assert link.attrs["href"] == "https://x.example"


def test_absolute_image_urls_are_left_alone() -> None:
    _, tree, _ = compile_copy("![Kort](https://maps.example/x.png)")
    assert tree.find("img").attrs["src"] == "https://maps.example/x.png"


def test_divider() -> None:
    _, tree, _ = compile_copy("Før\n\n---\n\nEfter")
    divider = tree.find("td", class_="mm-divider")
    assert "border-top" in divider.find("p").attrs["style"]
    assert len(copy_cells(tree)) == 2


def test_lists() -> None:
    _, tree, _ = compile_copy("- a\n- b\n\n3. tre\n4. fire")
    ul, ol = tree.find("ul"), tree.find("ol")
    assert [li.text() for li in ul.find_all("li")] == ["a", "b"]
    assert ol.attrs["start"] == "3"


def test_table_is_a_data_table() -> None:
    _, tree, _ = compile_copy("| Vare | Pris |\n|:--|--:|\n| Bænk | 2.499 kr. |")
    table = tree.find("table", class_="mm-table")
    assert "role" not in table.attrs
    ths = table.find_all("th")
    assert [th.attrs["scope"] for th in ths] == ["col", "col"]
    price = table.find_all("td")[1]
    assert price.attrs["align"] == "right"
    assert price.text() == "2.499 kr."
    layout_tables = [t for t in tree.find_all("table") if t is not table]
    assert layout_tables
    assert all(t.attrs.get("role") == "presentation" for t in layout_tables)


def test_special_characters_are_escaped_and_read_back_unchanged() -> None:
    copy = (
        "Fish & chips < 5 > 3 \"citat\" 'enkelt'\n\n"
        '[Se "tilbud" & mere](https://x.example/?a=1&b="2")\n\n'
        '![Bænk "Ø" & <stol>](assets/x.png)'
    )
    _, tree, _ = compile_copy(copy)
    cell = copy_cells(tree)[0]
    assert cell.find("p").text() == "Fish & chips < 5 > 3 \"citat\" 'enkelt'"
    a = cell.find_all("p")[1].find("a")
    assert a.text() == 'Se "tilbud" & mere'
    assert a.attrs["href"] == "https://x.example/?a=1&b=%222%22"
    assert tree.find("img").attrs["alt"] == 'Bænk "Ø" & <stol>'


def test_characters_mrml_would_mangle_in_attributes_arrive_unchanged() -> None:
    # MRML writes attribute values as Rust debug-prints strings: a soft hyphen in an alt text
    # became the characters \u{ad}; links are percent-encoded by the Markdown parser first
    _, tree, _ = compile_copy(
        "[Link](https://x.example/a\\\\b)\n\n"
        "[Knap](https://x.example/a\\\\b){.button}\n\n"
        "![Havebænk\u00adsæt med\u200dpude\u0301 ｶﾞｲﾄﾞ](assets/x.png)"
    )
    assert copy_cells(tree)[0].find("a").attrs["href"] == "https://x.example/a%5Cb"
    assert tree.find("td", class_="mm-button").find("a").attrs["href"] == "https://x.example/a%5Cb"
    assert tree.find("img").attrs["alt"] == "Havebænk\u00adsæt med\u200dpude\u0301 ｶﾞｲﾄﾞ"


def test_tokens_survive_in_text_attributes_and_urls() -> None:
    html, tree, protected = compile_copy(
        "### Tak, {{ first_name }}\n\n"
        "[Ordre {{ order_number }}](https://x.example/o/{{ order_number }}?t={{ token }})\n\n"
        "[Se din ordre]({{ order_url }}){.button}\n\n"
        "![Pakke til {{ first_name }}]({{ image_url }})"
    )
    name, num_label, num_url, tok, order_url, alt_name, image_url = protected.slots
    assert tree.find("h1").text() == f"Tak, {name}"
    link = copy_cells(tree)[0].find("a")
    assert link.attrs["href"] == f"https://x.example/o/{num_url}?t={tok}"
    assert link.text() == f"Ordre {num_label}"
    assert tree.find("td", class_="mm-button").find("a").attrs["href"] == order_url
    img = tree.find("img")
    assert (img.attrs["src"], img.attrs["alt"]) == (image_url, f"Pakke til {alt_name}")
    assert all(html.count(t) == 1 for t in protected.slots)


def test_loop_over_list_items_keeps_one_list() -> None:
    copy = "Varer:\n{% for line in lines %}\n- {{ line.title }}\n{% endfor %}"
    html, tree, protected = compile_copy(copy)
    for_, _, endfor = protected.slots
    assert tree.find("ul").child_kinds() == [for_, "li", endfor]
    rendered = html_tree(
        run_jinja(html, protected.slots, {"lines": [{"title": "Bænk"}, {"title": "Hynde"}]},
                  html=True)
    )  # fmt: skip
    (ul,) = rendered.find_all("ul")
    assert [li.text() for li in ul.find_all("li")] == ["Bænk", "Hynde"]


def test_loop_over_table_rows_keeps_tokens_between_rows_through_the_inliner() -> None:
    copy = (
        "| Vare | Antal |\n| --- | --- |\n{% for line in lines %}\n"
        "| {{ line.title }} | {{ line.qty }} |\n{% endfor %}\n| **I alt** | 3 |"
    )
    html, tree, protected = compile_copy(copy)
    for_, _, _, endfor = protected.slots
    body = tree.find("table", class_="mm-table").find("tbody")
    assert body.child_kinds() == [for_, "tr", endfor, "tr"]
    data = {"lines": [{"title": "Bænk", "qty": 1}, {"title": "Hynde", "qty": 2}]}
    rendered = html_tree(run_jinja(html, protected.slots, data, html=True))
    rows = rendered.find("table", class_="mm-table").find("tbody").find_all("tr")
    assert [r.text() for r in rows] == ["Bænk1", "Hynde2", "I alt3"]


@pytest.mark.parametrize(
    "copy",
    [
        "{% if gift %}\nGaveindpakket.\n\n- Kort\n{% else %}\nIngen gave.\n{% endif %}\n\nTak",
        "Intro\n{% if url %}\n[Følg pakken]({{ url }}){.button}\n{% endif %}\n\nTak",
        "{% for p in parcels %}\n#### Pakke {{ p.n }}\n\n![Pakke](assets/box.png)\n\n"
        "[Spor]({{ p.url }}){.button}\n{% endfor %}",
        "{% if a %}\nA\n{% elif b %}\n---\n{% else %}\n[C](https://c.example){.button}\n{% endif %}",
        "- a\n{% if x %}\n- b\n{% endif %}\n\n{% for l in ls %}\n| H |\n|---|\n| {{ l }} |\n{% endfor %}",
    ],
)
def test_every_branch_between_control_tokens_is_complete_html(copy: str) -> None:
    html, _, protected = compile_copy(copy)
    groups: list[list[str]] = []
    stack: list[list[str]] = []
    for tok, slot in protected.slots.items():
        if slot.kind in ("if", "for"):
            stack.append([tok])
        elif slot.kind in ("elif", "else"):
            stack[-1].append(tok)
        elif slot.kind in ("endif", "endfor"):
            groups.append([*stack.pop(), tok])
    assert groups
    assert not stack
    for group in groups:
        positions = [html.index(t) for t in group]
        assert positions == sorted(positions)
        for a, start, end in zip(group, positions, positions[1:], strict=False):
            assert balanced(html[start + len(a) : end]), f"branch after {a}"


def test_group_with_a_button_uses_raw_tokens_between_column_rows() -> None:
    html, tree, protected = compile_copy(
        "Intro\n{% if url %}\n[Følg pakken]({{ url }}){.button}\n{% endif %}\n\nTak"
    )
    if_, _, endif = protected.slots
    column = tree.find("div", class_="mj-column-per-100").find("tbody")
    assert column.child_kinds() == ["tr", if_, "tr", endif, "tr"]
    shown = html_tree(run_jinja(html, protected.slots, {"url": ""}, html=True))
    assert not shown.find_all("td", class_="mm-button")
    assert [c.text() for c in copy_cells(shown)] == ["Intro", "Tak"]


def test_text_only_group_stays_inside_one_text_cell() -> None:
    _, tree, protected = compile_copy("Intro\n{% if note %}\nHusk kvitteringen.\n{% endif %}\nTak")
    if_, endif = protected.slots
    (cell,) = copy_cells(tree)
    assert cell.find("div").child_kinds() == ["p", if_, "p", endif, "p"]
