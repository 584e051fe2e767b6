"""Document -> MJML: the column-level elements a layout places inside its content column.

Headings, paragraphs, lists and tables share one ``<mj-text css-class="mm-copy">`` until a
button, image or divider needs an element of its own. Block-level control tokens stay where
the copy put them, always between whole elements so every branch and iteration is valid HTML:

* between ``<p>``/``<h1>``/``<ul>``… inside an ``mj-text`` when the tag only encloses text blocks;
* between ``<li>`` items of one list, or ``<tr>`` rows of one table, for loops over items/rows;
* as ``<mj-raw>TOKEN</mj-raw>`` between column elements when the tag encloses a button, image
  or divider (MJML renders each element as whole table rows, and the raw token between them).

Text is escaped for XML; tokens (letters and digits only) pass through untouched everywhere.
The layout's ``mj-style inline`` rules style ``.mm-copy h1`` and friends, so the copy carries no
styling of its own except button colours, which come from the brand.
"""

from __future__ import annotations

from collections.abc import Sequence

from .brand import Brand
from .document import (
    Block,
    Button,
    Code,
    Control,
    Divider,
    Document,
    Em,
    Group,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Node,
    Paragraph,
    Strong,
    Table,
    TableRow,
    Text,
    Token,
    nest,
    resolve_src,
)
from .escaping import escape_attr, escape_text
from .skeleton import WORD_ATTRIBUTES, CopyWords

BUTTON_LINE_HEIGHT = 20  # px; with the vertical inner padding it makes the tap target
BUTTON_PADDING_Y = 14  # px; 20 + 2 * 14 = 48 px tall, above the 44 px guideline


def inline_html(
    nodes: Sequence[Inline], words: CopyWords | None = None, *, in_mjml: bool = False
) -> str:
    """Inline nodes as HTML; tokens stay bare.

    With ``words`` (see :func:`to_mjml`), each run of text between two tags, and each link
    target, is written as what ``words`` makes of it. ``in_mjml``: the nodes stand right inside
    an MJML element (a button's label), which matters for white space at either end.
    """
    out: list[str] = []
    run: list[str] = []  # the text and tokens since the last tag
    for n in nodes:
        if isinstance(n, Text):
            run.append(escape_text(n.text))
            continue
        if isinstance(n, Token):
            run.append(n.token)
            continue
        if run:  # a tag follows; an MJML element's start tag precedes it if nothing is out yet
            out.append(_run("".join(run), words, in_mjml and not out))
            run = []
        if isinstance(n, Strong):
            out.append(f"<strong>{inline_html(n.children, words)}</strong>")
        elif isinstance(n, Em):
            out.append(f"<em>{inline_html(n.children, words)}</em>")
        elif isinstance(n, Link):
            href = _attribute(escape_attr(n.href), words)
            out.append(f'<a href="{href}">{inline_html(n.children, words)}</a>')
        elif isinstance(n, Code):
            out.append(f"<code>{_run(escape_text(n.text), words, False)}</code>")
        elif isinstance(n, LineBreak):
            out.append("<br />")
    if run:  # the MJML element's end tag follows
        out.append(_run("".join(run), words, in_mjml))
    return "".join(out)


def _run(text: str, words: CopyWords | None, at_mjml: bool) -> str:
    """A run of text between two tags, as ``words`` has it written (``at_mjml``: the tag
    before it is an MJML start tag or the tag after it an MJML end tag)."""
    if words is None or not text:
        return text
    return words.run(text, at_mjml)


def _attribute(value: str, words: CopyWords | None) -> str:
    """A link or image attribute's escaped value, as ``words`` has it written."""
    return value if words is None else words.attribute(value)


def to_mjml(doc: Document, brand: Brand, *, asset_base: str) -> str:
    """The copy as column-level MJML (one element per line).

    ``asset_base`` replaces ``assets/`` in image sources: the CDN URL in production, the
    site's copy of the assets in previews.

    The copy is written with its words collected (see :class:`~.skeleton.CopyWords`), so the
    skeleton an email is compiled as comes out of the writing instead of a search through
    the MJML.
    """
    nodes = nest(doc.blocks)
    words = CopyWords()
    written = words.remember("\n".join(_MjmlWriter(brand, asset_base, words).column(nodes)) + "\n")
    if written is not None:
        return written
    # the writer gave up on the words (rare, see CopyWords): write the copy again without them
    return "\n".join(_MjmlWriter(brand, asset_base).column(nodes)) + "\n"


class _MjmlWriter:
    def __init__(self, brand: Brand, asset_base: str, words: CopyWords | None = None) -> None:
        self.brand = brand
        self.asset_base = asset_base
        self.words = words

    def column(self, nodes: Sequence[Node]) -> list[str]:
        out: list[str] = []
        text: list[str] = []
        words = self.words

        def flush() -> None:
            if text:
                out.append(f'<mj-text css-class="mm-copy">{"".join(text)}</mj-text>')
                text.clear()

        for node in nodes:
            if isinstance(node, _TEXT_BLOCKS):  # most nodes: checked first
                text.append(block_html(node, self.asset_base, words))
            elif isinstance(node, Group) and _textual(node):
                text.append(self.group_html(node))
            elif isinstance(node, Group):
                flush()
                for head, body in zip(node.heads, node.bodies, strict=True):
                    out.append(f"<mj-raw>{_control(head, words)}</mj-raw>")
                    out.extend(self.column(body))
                if node.close is not None:
                    out.append(f"<mj-raw>{_control(node.close, words)}</mj-raw>")
            elif isinstance(node, Button):
                flush()
                out.append(self.button(node))
            elif isinstance(node, Image):
                flush()
                out.append(self.image(node))
            elif isinstance(node, Divider):
                flush()
                out.append('<mj-divider css-class="mm-divider" />')
        flush()
        return out

    def group_html(self, group: Group) -> str:
        parts: list[str] = []
        for head, body in zip(group.heads, group.bodies, strict=True):
            parts.append(_control(head, self.words))
            parts.extend(
                self.group_html(n)
                if isinstance(n, Group)
                else block_html(n, self.asset_base, self.words)
                for n in body
                if isinstance(n, (Group, *_TEXT_BLOCKS))
            )
        if group.close is not None:
            parts.append(_control(group.close, self.words))
        return "".join(parts)

    def button(self, b: Button) -> str:
        light = self.brand.colors.light
        attrs = {
            "href": b.href,
            "css-class": f"mm-button mm-button-{b.variant}",
            "font-size": "16px",
            "font-weight": "bold",
            "line-height": f"{BUTTON_LINE_HEIGHT}px",
            "inner-padding": f"{BUTTON_PADDING_Y}px 28px",
            "border-radius": f"{self.brand.radius}px",
        }
        if b.variant == "primary":
            attrs |= {"background-color": light.primary, "color": light.on_primary}
        else:
            attrs |= {
                "background-color": light.surface,
                "color": light.link,
                "border": f"2px solid {light.primary}",
            }
        written = _attrs(attrs, self.words)  # before the label: words go in document order
        label = inline_html(b.label, self.words, in_mjml=True)
        return f"<mj-button{written}>{label}</mj-button>"

    def image(self, i: Image) -> str:
        attrs = {"src": resolve_src(i.src, self.asset_base), "alt": i.alt, "css-class": "mm-image"}
        if i.width is not None:
            attrs["width"] = f"{i.width}px"
        if i.href is not None:
            attrs["href"] = i.href
        return f"<mj-image{_attrs(attrs, self.words)} />"


_TEXT_BLOCKS = (Heading, Paragraph, ListBlock, Table)  # the blocks that live inside mj-text


def _attrs(values: dict[str, str], words: CopyWords | None = None) -> str:
    return "".join(
        f' {k}="{_attribute(escape_attr(v), words) if k in WORD_ATTRIBUTES else escape_attr(v)}"'
        for k, v in values.items()
    )


def _control(control: Control, words: CopyWords | None) -> str:
    """A control token between two tags (blocks, items, rows, MJML elements), as ``words`` has
    it written."""
    return control.token if words is None else words.run(control.token, False)


def _textual(group: Group) -> bool:
    """True when a group encloses only blocks that live inside ``mj-text``."""
    for body in group.bodies:
        for n in body:
            if isinstance(n, Group):
                if not _textual(n):
                    return False
            elif not isinstance(n, _TEXT_BLOCKS):
                return False
    return True


def block_html(
    block: Block | ListItem | TableRow, asset_base: str, words: CopyWords | None = None
) -> str:
    """A text block as semantic HTML (shared by the MJML and web renderers)."""
    if isinstance(block, Heading):
        return f"<h{block.level}>{inline_html(block.inlines, words)}</h{block.level}>"
    if isinstance(block, Paragraph):
        cls = f' class="{" ".join("mm-" + c for c in block.classes)}"' if block.classes else ""
        return f"<p{cls}>{inline_html(block.inlines, words)}</p>"
    if isinstance(block, ListBlock):
        return list_html(block, asset_base, words)
    if isinstance(block, Table):
        return table_html(block, words)
    if isinstance(block, Button):
        href = _attribute(escape_attr(block.href), words)
        return f'<p><a href="{href}">{inline_html(block.label, words)}</a></p>'
    if isinstance(block, Image):
        return image_html(block, asset_base, words)
    if isinstance(block, Divider):
        return "<hr />"
    return ""


def image_html(i: Image, asset_base: str, words: CopyWords | None = None) -> str:
    """An image inside text (a list item): block-level, fluid, with alt."""
    width = f' width="{i.width}"' if i.width else ""
    style = "display:block;border:0;max-width:100%;height:auto;"
    # the link's target first: words go in document order
    link = f'<a href="{_attribute(escape_attr(i.href), words)}">' if i.href else ""
    src = _attribute(escape_attr(resolve_src(i.src, asset_base)), words)
    alt = _attribute(escape_attr(i.alt), words)
    img = f'<img src="{src}" alt="{alt}"{width} style="{style}" />'
    return f"{link}{img}</a>" if link else img


def list_html(block: ListBlock, asset_base: str, words: CopyWords | None = None) -> str:
    """``<ul>``/``<ol>`` with control tokens between ``<li>`` items."""
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    parts = [f"<{tag}{start}>"]
    for item in block.items:
        if isinstance(item, Control):
            parts.append(_control(item, words))
        else:
            parts.append(f"<li>{item_html(item, asset_base, words)}</li>")
    parts.append(f"</{tag}>")
    return "".join(parts)


def item_html(item: ListItem, asset_base: str, words: CopyWords | None = None) -> str:
    """A list item's content: a lone paragraph inline, anything more as blocks."""
    blocks = item.blocks
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph) and not blocks[0].classes:
        return inline_html(blocks[0].inlines, words)
    parts: list[str] = []
    for n, b in enumerate(blocks):
        if isinstance(b, Control):
            if words is not None:  # it may join the item's text into one run: leave it
                words.give_up()  # to the search through the MJML
            parts.append(b.token)
        elif n == 0 and isinstance(b, Paragraph) and not b.classes:
            parts.append(inline_html(b.inlines, words))
        else:
            parts.append(block_html(b, asset_base, words))
    return "".join(parts)


def table_html(table: Table, words: CopyWords | None = None) -> str:
    """A data table: header cells are ``<th scope="col">``; control tokens between rows."""

    def cell(tag: str, content: Sequence[Inline], n: int) -> str:
        align = table.align[n] if n < len(table.align) else None
        extra = f' align="{align}" style="text-align:{align};"' if align else ""
        scope = ' scope="col"' if tag == "th" else ""
        return f"<{tag}{scope}{extra}>{inline_html(content, words)}</{tag}>"

    head = "".join(cell("th", c, n) for n, c in enumerate(table.header.cells))
    parts = [
        '<table class="mm-table" width="100%" cellpadding="0" cellspacing="0" border="0">',
        f"<thead><tr>{head}</tr></thead><tbody>",
    ]
    for row in table.rows:
        if isinstance(row, Control):
            parts.append(_control(row, words))
        else:
            parts.append(
                "<tr>" + "".join(cell("td", c, n) for n, c in enumerate(row.cells)) + "</tr>"
            )
    parts.append("</tbody></table>")
    return "".join(parts)
