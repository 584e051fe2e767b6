"""Document -> plain text (the text/plain part of an email), built from the copy's structure.

Conventions (docs/copy-syntax.md shows them):

* the headline is underlined with ``=``, second-level headings with ``-``, deeper ones plain;
* paragraphs wrap at ``width`` columns, breaking only at spaces, so a URL or a token is never
  split (a token counts as its own length; a word longer than the line gets a line of its own);
* links read ``text: url`` (just ``url`` when the text is the URL; a ``tel:``/``mailto:`` link
  just its text when that shows the number or address); buttons ``Label: url``;
  linked images ``alt: url``; other images are left out (the text part has no pictures);
* lists use ``- `` and ``1. `` with a hanging indent; an ordered list with loops or conditions
  uses ``- `` (the numbers would not be known);
* dividers are a line of dashes; table rows become one line each: ``first cell: second cell``
  for two columns, ``first cell - Header: value, Header: value`` for more;
* block-level control tokens are glued to the separator of the block they enclose (``TOKEN`` +
  ``"\\n\\n" + block``), so whatever a condition or loop produces, blocks stay separated by exactly
  one blank line. Known limits: a loop over a whole list that runs zero times leaves one extra
  blank line; copy that starts with such a list starts with an empty line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from .brand import Brand
from .document import (
    Block,
    Button,
    Code,
    Control,
    Divider,
    Document,
    Em,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    Strong,
    TableRow,
    Text,
    Token,
    plain,
)

DIVIDER_WIDTH = 40
_ENDS_IN_TAG = re.compile(r"\n\n(MMSLOT\d{4}X)+$")


class _Piece(NamedTuple):
    """Rendered text of one entry; ``lead`` when it starts with its own (dynamic) separator.
    (A named tuple: a dozen are made per email, and a tuple is quicker to make.)"""

    text: str
    lead: bool = False


def to_text(doc: Document, width: int = 78) -> str:
    """The copy as plain text, wrapped at ``width`` columns, ending in one newline."""
    body = _Writer(width).sequence(doc.blocks, "\n\n", indent="", nested=False)
    if not body.text.strip():
        return ""
    if not body.text.endswith("\n") and _ENDS_IN_TAG.search(body.text):
        return body.text  # the blocks before the closing tag carry their own separators
    return body.text.rstrip("\n") + "\n"


def email_text(
    doc: Document,
    brand: Brand,
    *,
    kind: str,
    locale: str,
    unsubscribe_url: str | None = None,
    width: int = 78,
) -> str:
    """The whole text/plain part: the copy, then the footer (company, contact, unsubscribe)."""
    return to_text(doc, width) + _footer(brand, kind, locale, unsubscribe_url, width)


# Footers by brand (its identity: the brand is kept alongside, so the id stays its own), kind,
# locale, unsubscribe link (a slot token) and width: every email of a kind and locale ends the
# same way.
_FOOTERS: dict[tuple[int, str, str, str | None, int], tuple[Brand, str]] = {}


def _footer(brand: Brand, kind: str, locale: str, unsubscribe_url: str | None, width: int) -> str:
    """The divider and the wrapped footer, as :func:`email_text` ends."""
    key = (id(brand), kind, locale, unsubscribe_url, width)
    kept = _FOOTERS.get(key)
    if kept is not None and kept[0] is brand:
        return kept[1]
    lines = footer_lines(brand, kind=kind, locale=locale, unsubscribe_url=unsubscribe_url)
    writer = _Writer(width)
    footer = "\n".join(writer.wrap(line, "", "") for line in lines)
    text = "\n" + "-" * DIVIDER_WIDTH + "\n" + footer + "\n"
    if len(_FOOTERS) >= 1024:  # a long-running server sees many brands come and go
        _FOOTERS.clear()
    _FOOTERS[key] = (brand, text)
    return text


def footer_lines(
    brand: Brand, *, kind: str, locale: str, unsubscribe_url: str | None = None
) -> list[str]:
    """The footer as lines of plain text (the HTML footer says the same)."""
    reason = "marketing_reason" if kind == "marketing" else "transactional_reason"
    lines = [brand.text(reason, locale)]
    support = brand.support
    if support.email:
        lines.append(f"{brand.text('contact', locale)} {support.email}")
    if support.phone:
        lines.append(f"{brand.text('phone', locale)}: {support.phone}")
    if support.url:
        lines.append(support.url)
    company = [brand.company.legal_name, *brand.company.address]
    if brand.company.id:
        company.append(brand.company.id)
    lines.append(", ".join(company))
    if kind == "marketing" and unsubscribe_url:
        lines.append(f"{brand.text('unsubscribe', locale)}: {unsubscribe_url}")
    return lines


class _Writer:
    def __init__(self, width: int) -> None:
        self.width = width

    # --- sequences with control tokens -----------------------------------------------------------

    def sequence(
        self, entries: Sequence[Block | ListItem | TableRow | Control], sep: str, indent: str,
        *, nested: bool = True, ordered: bool = False, number: int = 1,
        columns: Sequence[str] = (),
    ) -> _Piece:  # fmt: skip
        """Entries joined by ``sep``, control tokens placed so whitespace stays clean."""
        rendered: list[_Piece | Control] = []
        n = number
        for e in entries:
            if isinstance(e, Control):
                rendered.append(e)
            elif isinstance(e, ListItem):
                marker = f"{n}. " if ordered else "- "
                n += 1
                rendered.append(self.item(e, indent, marker))
            elif isinstance(e, TableRow):
                rendered.append(_Piece(self.row(e, columns, indent)))
            else:
                piece = self.block(e, indent)
                if piece.text:
                    rendered.append(piece)
        return _join(rendered, sep, nested=nested)

    # --- blocks ----------------------------------------------------------------------------------

    def block(self, b: Block, indent: str) -> _Piece:
        if isinstance(b, Heading):
            text = self.wrap(self.inline(b.inlines), indent, indent)
            if b.level > 2:
                return _Piece(text)
            rule = "=" if b.level == 1 else "-"
            longest = max(len(line) - len(indent) for line in text.split("\n"))
            return _Piece(f"{text}\n{indent}{rule * max(longest, 3)}")
        if isinstance(b, Paragraph):
            return _Piece(self.wrap(self.inline(b.inlines), indent, indent))
        if isinstance(b, Button):
            label = plain(b.label).strip()
            return _Piece(self.wrap(_link_text(label, b.href), indent, indent))
        if isinstance(b, Image):
            if b.href:
                return _Piece(self.wrap(_link_text(b.alt.strip(), b.href), indent, indent))
            return _Piece("")
        if isinstance(b, Divider):
            return _Piece(indent + "-" * DIVIDER_WIDTH)
        if isinstance(b, ListBlock):
            ordered = b.ordered and not b.loops
            return self.sequence(b.items, "\n", indent, ordered=ordered, number=b.start)
        columns = [plain(c).strip() for c in b.header.cells]
        return self.sequence(b.rows, "\n", indent, columns=columns)

    def item(self, item: ListItem, indent: str, marker: str) -> _Piece:
        inner = indent + " " * len(marker)
        blocks = item.blocks
        if len(blocks) == 1 and isinstance(blocks[0], Paragraph):  # most items: one paragraph
            text = self.wrap(self.inline(blocks[0].inlines), indent + marker, inner)
            if text.startswith(indent + marker):  # else it starts empty: the general way below
                return _Piece(text)
        body = self.sequence(blocks, "\n", inner)
        text = body.text
        if text.startswith(inner):
            text = indent + marker + text[len(inner) :]
        else:  # the item starts with a control token or is empty
            text = indent + marker + text.lstrip(" ")
        return _Piece(text, body.lead)

    def row(self, row: TableRow, columns: Sequence[str], indent: str) -> str:
        cells = [self.inline(c).strip() for c in row.cells]
        if not any(cells):
            return ""
        if len(cells) <= 2:
            text = ": ".join(c for c in cells if c)
        else:
            rest = []
            for header, value in zip(columns[1:], cells[1:], strict=False):
                if value:
                    rest.append(f"{header}: {value}" if header else value)
            text = (
                cells[0] + (" - " + ", ".join(rest) if rest else "")
                if cells[0]
                else ", ".join(rest)
            )
        return self.wrap(text, indent, indent + "  ")

    # --- inlines and wrapping ----------------------------------------------------------------

    def inline(self, nodes: Sequence[Inline]) -> str:
        out: list[str] = []
        for n in nodes:
            if isinstance(n, Text):
                out.append(n.text)
            elif isinstance(n, Token):
                out.append(n.token)
            elif isinstance(n, Code):
                out.append(n.text)
            elif isinstance(n, LineBreak):
                out.append("\n")
            elif isinstance(n, (Strong, Em)):
                out.append(self.inline(n.children))
            elif isinstance(n, Link):
                out.append(_link_text(self.inline(n.children).strip(), n.href))
        return "".join(out)

    def wrap(self, text: str, first: str, rest: str) -> str:
        """Wrap at spaces only; explicit newlines are kept; indents prefix each line."""
        width = self.width
        if len(first) + len(text) <= width and "\n" not in text and _one_spaced(text):
            return (first + text).rstrip()  # one line that fits, as most are
        lines: list[str] = []
        prefix = first
        for para in text.split("\n"):
            if _one_spaced(para):  # the words one space apart, as copy mostly is
                if not para or len(prefix) + len(para) <= width:
                    lines.append(prefix + para)
                else:
                    top = _fill(width - len(prefix)).match(para)
                    assert top is not None  # a one-spaced paragraph always has a first line
                    lines.append(prefix + top.group(1))
                    found = _fill(width - len(rest)).findall(para, top.end())
                    lines.extend([rest + part for part in found] if rest else found)
                prefix = rest
                continue
            line: list[str] = []
            length = 0  # of the words in ``line`` and the spaces between them
            for word in para.split(" "):
                if not word:
                    continue
                if line and len(prefix) + length + 1 + len(word) > width:
                    lines.append(prefix + " ".join(line))
                    prefix, line, length = rest, [word], len(word)
                else:
                    length += len(word) + 1 if line else len(word)
                    line.append(word)
            lines.append(prefix + " ".join(line))
            prefix = rest
        return "\n".join(map(str.rstrip, lines))


def _one_spaced(text: str) -> bool:
    """True when ``text`` is empty or words one space apart (no space at either end, never two
    in a row): what the plain greedy wrap and the one-line patterns of :func:`_fill` agree on."""
    return not text or (text[0] != " " and text[-1] != " " and "  " not in text)


@functools.cache
def _fill(room: int) -> re.Pattern[str]:
    """One greedily filled line of one-spaced words: as many as fit in ``room`` characters,
    or one word longer than that on its own."""
    return re.compile(f"(.{{1,{room}}}|[^ ]+)(?: |$)" if room > 0 else "([^ ]+)(?: |$)")


def _link_text(label: str, href: str) -> str:
    """``label: url``; phone and mail links read as the number or address they show."""
    if not label or label == href:
        return href
    scheme, _, target = href.partition(":")
    if scheme in ("tel", "mailto", "sms") and target:
        digits = re.sub(r"\D", "", label)
        if target in label or (
            scheme != "mailto" and digits and re.sub(r"\D", "", target).endswith(digits)
        ):
            return label
        return f"{label}: {target}"
    return f"{label}: {href}"


def _join(entries: Sequence[_Piece | Control], sep: str, *, nested: bool) -> _Piece:
    """Join pieces with ``sep``; a control token goes before the separator of the next piece,
    so whatever a condition or loop produces carries its own separator.

    Before the first unconditional piece, pieces carry the separator after them instead, so a
    false condition at the start leaves no leading blank line. A nested sequence (list items,
    table rows) with no unconditional entry starts with its own separator (``lead``), and the
    caller shortens the gap before it by one newline.
    """
    if entries and not any(isinstance(e, Control) or e.lead for e in entries):  # most often
        return _Piece(sep.join([e.text for e in entries]))  # type: ignore[union-attr]
    depth = 0
    first = None
    for n, e in enumerate(entries):
        if isinstance(e, Control):
            depth += 1 if e.opens else -1 if e.closes else 0
        elif depth == 0:
            first = n
            break
    out: list[str] = []
    for n, e in enumerate(entries):
        if isinstance(e, Control):
            out.append(e.token)
        elif first is None and nested:
            out.append(sep + e.text)
        elif first is None or n < first:
            out.append(e.text + sep)
        elif n == first:
            out.append(e.text)
        else:
            out.append((sep[1:] if e.lead else sep) + e.text)
    return _Piece("".join(out), lead=first is None and nested)


__all__ = ["email_text", "footer_lines", "to_text"]
