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

import unicodedata
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

BUTTON_LINE_HEIGHT = 20  # px; with the vertical inner padding it makes the tap target
BUTTON_PADDING_Y = 14  # px; 20 + 2 * 14 = 48 px tall, above the 44 px guideline


def escape_text(text: str) -> str:
    """Escape text content for XML/HTML (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape an attribute value for a double-quoted XML/HTML attribute.

    Characters MRML would mangle in an attribute (it writes a backslash, a tab or a soft
    hyphen as ``\\\\``, ``\\t``, ``\\u{ad}``) become character references, which it keeps."""
    escaped = escape_text(text).replace('"', "&quot;")
    if verbatim_in_attribute(escaped):
        return escaped
    return "".join(c if verbatim_in_attribute(c) else f"&#{ord(c)};" for c in escaped)


def verbatim_in_attribute(value: str) -> bool:
    """True when MRML writes ``value`` into an attribute as it is. MRML formats attribute values
    the way Rust debug-prints strings: a backslash doubles, and tabs, line breaks, combining
    marks (and the two halfwidth katakana sound marks, which extend graphemes too), format
    characters (soft hyphen, zero-width joiner), private-use and unassigned characters come
    out as escapes such as ``\\u{ad}``."""
    if value.isascii() or max(value) < "\u0300":  # below the combining marks
        return value.isprintable() and "\\" not in value
    return "\\" not in value and all(
        c.isprintable() and not unicodedata.category(c).startswith("M") and c not in _KANA_MARKS
        for c in value
    )


_KANA_MARKS = "\uff9e\uff9f"


def inline_html(nodes: Sequence[Inline]) -> str:
    """Inline nodes as HTML; tokens stay bare."""
    out: list[str] = []
    for n in nodes:
        if isinstance(n, Text):
            out.append(escape_text(n.text))
        elif isinstance(n, Token):
            out.append(n.token)
        elif isinstance(n, Strong):
            out.append(f"<strong>{inline_html(n.children)}</strong>")
        elif isinstance(n, Em):
            out.append(f"<em>{inline_html(n.children)}</em>")
        elif isinstance(n, Link):
            out.append(f'<a href="{escape_attr(n.href)}">{inline_html(n.children)}</a>')
        elif isinstance(n, Code):
            out.append(f"<code>{escape_text(n.text)}</code>")
        elif isinstance(n, LineBreak):
            out.append("<br />")
    return "".join(out)


def to_mjml(doc: Document, brand: Brand, *, asset_base: str) -> str:
    """The copy as column-level MJML (one element per line).

    ``asset_base`` replaces ``assets/`` in image sources: the CDN URL in production, the
    site's copy of the assets in previews.
    """
    return "\n".join(_MjmlWriter(brand, asset_base).column(nest(doc.blocks))) + "\n"


class _MjmlWriter:
    def __init__(self, brand: Brand, asset_base: str) -> None:
        self.brand = brand
        self.asset_base = asset_base

    def column(self, nodes: Sequence[Node]) -> list[str]:
        out: list[str] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                out.append(f'<mj-text css-class="mm-copy">{"".join(text)}</mj-text>')
                text.clear()

        for node in nodes:
            if isinstance(node, _TEXT_BLOCKS):  # most nodes: checked first
                text.append(block_html(node, self.asset_base))
            elif isinstance(node, Group) and _textual(node):
                text.append(self.group_html(node))
            elif isinstance(node, Group):
                flush()
                for head, body in zip(node.heads, node.bodies, strict=True):
                    out.append(f"<mj-raw>{head.token}</mj-raw>")
                    out.extend(self.column(body))
                if node.close is not None:
                    out.append(f"<mj-raw>{node.close.token}</mj-raw>")
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
            parts.append(head.token)
            parts.extend(
                self.group_html(n) if isinstance(n, Group) else block_html(n, self.asset_base)
                for n in body
                if isinstance(n, (Group, *_TEXT_BLOCKS))
            )
        if group.close is not None:
            parts.append(group.close.token)
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
        return f"<mj-button{_attrs(attrs)}>{inline_html(b.label)}</mj-button>"

    def image(self, i: Image) -> str:
        attrs = {"src": resolve_src(i.src, self.asset_base), "alt": i.alt, "css-class": "mm-image"}
        if i.width is not None:
            attrs["width"] = f"{i.width}px"
        if i.href is not None:
            attrs["href"] = i.href
        return f"<mj-image{_attrs(attrs)} />"


_TEXT_BLOCKS = (Heading, Paragraph, ListBlock, Table)  # the blocks that live inside mj-text


def _attrs(values: dict[str, str]) -> str:
    return "".join(f' {k}="{escape_attr(v)}"' for k, v in values.items())


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


def block_html(block: Block | ListItem | TableRow, asset_base: str) -> str:
    """A text block as semantic HTML (shared by the MJML and web renderers)."""
    if isinstance(block, Heading):
        return f"<h{block.level}>{inline_html(block.inlines)}</h{block.level}>"
    if isinstance(block, Paragraph):
        cls = f' class="{" ".join("mm-" + c for c in block.classes)}"' if block.classes else ""
        return f"<p{cls}>{inline_html(block.inlines)}</p>"
    if isinstance(block, ListBlock):
        return list_html(block, asset_base)
    if isinstance(block, Table):
        return table_html(block)
    if isinstance(block, Button):
        return f'<p><a href="{escape_attr(block.href)}">{inline_html(block.label)}</a></p>'
    if isinstance(block, Image):
        return image_html(block, asset_base)
    if isinstance(block, Divider):
        return "<hr />"
    return ""


def image_html(i: Image, asset_base: str) -> str:
    """An image inside text (a list item): block-level, fluid, with alt."""
    width = f' width="{i.width}"' if i.width else ""
    style = "display:block;border:0;max-width:100%;height:auto;"
    img = (
        f'<img src="{escape_attr(resolve_src(i.src, asset_base))}" alt="{escape_attr(i.alt)}"'
        f'{width} style="{style}" />'
    )
    return f'<a href="{escape_attr(i.href)}">{img}</a>' if i.href else img


def list_html(block: ListBlock, asset_base: str) -> str:
    """``<ul>``/``<ol>`` with control tokens between ``<li>`` items."""
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    parts = [f"<{tag}{start}>"]
    for item in block.items:
        if isinstance(item, Control):
            parts.append(item.token)
        else:
            parts.append(f"<li>{item_html(item, asset_base)}</li>")
    parts.append(f"</{tag}>")
    return "".join(parts)


def item_html(item: ListItem, asset_base: str) -> str:
    """A list item's content: a lone paragraph inline, anything more as blocks."""
    blocks = item.blocks
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph) and not blocks[0].classes:
        return inline_html(blocks[0].inlines)
    parts: list[str] = []
    for n, b in enumerate(blocks):
        if isinstance(b, Control):
            parts.append(b.token)
        elif n == 0 and isinstance(b, Paragraph) and not b.classes:
            parts.append(inline_html(b.inlines))
        else:
            parts.append(block_html(b, asset_base))
    return "".join(parts)


def table_html(table: Table) -> str:
    """A data table: header cells are ``<th scope="col">``; control tokens between rows."""

    def cell(tag: str, content: Sequence[Inline], n: int) -> str:
        align = table.align[n] if n < len(table.align) else None
        extra = f' align="{align}" style="text-align:{align};"' if align else ""
        scope = ' scope="col"' if tag == "th" else ""
        return f"<{tag}{scope}{extra}>{inline_html(content)}</{tag}>"

    head = "".join(cell("th", c, n) for n, c in enumerate(table.header.cells))
    parts = [
        '<table class="mm-table" width="100%" cellpadding="0" cellspacing="0" border="0">',
        f"<thead><tr>{head}</tr></thead><tbody>",
    ]
    for row in table.rows:
        if isinstance(row, Control):
            parts.append(row.token)
        else:
            parts.append(
                "<tr>" + "".join(cell("td", c, n) for n, c in enumerate(row.cells)) + "</tr>"
            )
    parts.append("</tbody></table>")
    return "".join(parts)
