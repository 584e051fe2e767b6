"""A fast reader for everyday copy Markdown: markdown-it's exact reading, or none at all.

:func:`read` takes copy as :mod:`.markdown` hands it to markdown-it (control lines already
blank, or one-cell rows inside tables) and returns its blocks with their inline nodes, for a
deliberately small subset, the one copy is written in:

* paragraphs of one or more lines (every newline a soft break);
* ``#`` … ``######`` headings and ``---`` dividers;
* ``-`` and ``1.`` lists of one-line items, with or without blank lines between them;
* pipe tables with ``|`` at both ends of every row and an alignment row below the header;
* a ``{.class}`` line right above a paragraph or heading;
* ``**strong**``, ``*em*``, `` `code` ``, ``[label](url)`` with an optional ``{.class}``.

For anything else, and for every near miss whose reading depends on CommonMark's finer rules
(``_``, backslashes, entities, ``<``, images, indentation, tabs, trailing spaces, lazy
continuation lines, ``+``/``*``/``1)`` lists, ``***``, emphasis that is not plainly nested,
a stray ``*``, ``[``, ``]`` or backtick…), it returns None and the caller parses the whole copy
with markdown-it. Reading less is fine; reading differently never is: the tests compare both
readers on the example and benchmark copy and on generated near misses.

markdown-it builds a token object for every delimiter and text run, and the parser then nests
the tokens again into nodes; here the nodes come straight from the scan. The reader has no
side effects, so bailing out at any point leaves nothing to undo.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from .document import Align, Code, Em, Inline, LineBreak, Link, Strong

Meta = list[dict[str, str] | None] | None
"""For each top-level inline node, its link's attributes (``href``, then ``class``) or None;
None as a whole when there is no top-level link (markdown.py's ``_inlines`` gives the same)."""


Inlines = tuple[list[Inline], Meta, str]
"""The inline content of a block or table cell: its nodes, their links' attributes, and the
text it was read from."""


@dataclass(slots=True)
class HeadingBlock:
    """``### Text``: ``level`` is the number of ``#``."""

    line: int
    level: int
    attrs: dict[str, str]
    inline: Inlines


@dataclass(slots=True)
class ParagraphBlock:
    """A paragraph; ``attrs`` from a ``{.class}`` line above it."""

    line: int
    attrs: dict[str, str]
    inline: Inlines


@dataclass(slots=True)
class RuleBlock:
    """``---``."""

    line: int


@dataclass(slots=True)
class ItemsBlock:
    """A list: ``items`` are (line, the inline content of the item's one paragraph)."""

    line: int
    ordered: bool
    start: int
    items: list[tuple[int, Inlines]]


@dataclass(slots=True)
class TableBlock:
    """A table: the header's cells and every body row's (line, cells), each row cut or
    padded to the header's width as markdown-it does."""

    line: int
    align: tuple[Align, ...]
    header: list[Inlines]
    rows: list[tuple[int, list[Inlines]]]


FastBlock = HeadingBlock | ParagraphBlock | RuleBlock | ItemsBlock | TableBlock
Href = Callable[[str], str | None]
"""A link destination -> markdown-it's normalised href, or None when it rejects the link."""
Split = Callable[[str], list[Inline]]
"""Text -> its :class:`~.document.Text` and :class:`~.document.Token` nodes."""

# --- blocks ------------------------------------------------------------------------------------

_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;")
_HEADING = re.compile(r"(#{1,6}) (\S.*)")
_BULLET = re.compile(r"- (\S.*)")
# ASCII digits only, as markdown-it's list markers (Python's \d takes any script's digits)
_ORDERED = re.compile(r"([0-9]{1,9})\. (\S.*)")
_MARKER = re.compile(r"[0-9]+[.)]")  # a line that starts like an ordered-list marker
_STAR_START = re.compile(r"\*{1,2}[^ *]")
_CLASSES = r"\{(\.[A-Za-z][A-Za-z0-9-]*(?: \.[A-Za-z][A-Za-z0-9-]*)*)\}"
_ATTRS_LINE = re.compile(_CLASSES)
# inline: what ends a run of plain text; a link's destination; its {.class}
_SPECIAL = re.compile(r"[*`\[\]\n]")
_LINK_TAIL = re.compile(r"\(([A-Za-z0-9\-.~:/?#@!$&'+,;=%]+)\)")
_LINK_CLASSES = re.compile(_CLASSES)
_DELIMITER = re.compile(r"\|(?: *:?-+:? *\|)+")
_ALIGN: dict[tuple[bool, bool], Align] = {
    (False, False): None,
    (True, False): "left",
    (False, True): "right",
    (True, True): "center",
}

# What a line is, with the match that found it
_BLANK, _TEXT, _HEAD, _RULE, _UL, _OL, _ROW, _ATTRS = range(8)
_Line = tuple[int, re.Match[str] | None]
_BLANK_LINE: _Line = (_BLANK, None)
_TEXT_LINE: _Line = (_TEXT, None)
_RULE_LINE: _Line = (_RULE, None)
_ROW_LINE: _Line = (_ROW, None)


def _kind(line: str) -> _Line | None:
    """What a line starts, by its first characters; None for lines this module leaves alone."""
    if line[-1] == " ":
        return None  # markdown-it drops trailing spaces, or makes a hard break of two
    c = line[0]
    if c.isalpha():  # most lines: no letter starts anything but a paragraph
        return _TEXT_LINE
    if c == "#":
        m = _HEADING.fullmatch(line)
        if m is None or line.endswith("#"):  # a closing '#' sequence: leave it to markdown-it
            return None
        return _HEAD, m
    if c == "-":
        if line == "---":
            return _RULE_LINE
        m = _BULLET.fullmatch(line)
        return (_UL, m) if m is not None and _plain_start(m.group(1)) else None
    if c == "|":
        return _ROW_LINE
    if c == "{":
        m = _ATTRS_LINE.fullmatch(line)
        return None if m is None else (_ATTRS, m)
    if "0" <= c <= "9" and _MARKER.match(line):
        m = _ORDERED.fullmatch(line)
        return (_OL, m) if m is not None and _plain_start(m.group(2)) else None
    return _TEXT_LINE if _plain_start(line) else None


def _plain_start(text: str) -> bool:
    """True when ``text`` can only start a paragraph (no other block, no block in an item)."""
    c = text[0]
    # indentation, headings, quotes, lists, fences, setext-like lines, table and attribute
    # lines: all left to markdown-it, even where it would read a paragraph after all
    if c in " #>+=~:-{|_<" or text.startswith("``"):
        return False
    if c == "*":  # '**Bold** text' is a paragraph; '* x', '***' and '* * *' are not
        return _STAR_START.match(text) is not None
    return not ("0" <= c <= "9" and _MARKER.match(text))


def read(text: str, href: Href, split: Split) -> list[FastBlock] | None:
    """The blocks of ``text`` exactly as markdown-it (and markdown.py's reading of its tokens)
    gives them, or None when ``text`` uses anything outside the subset read here (the caller
    then uses markdown-it). ``split`` makes the text nodes, ``href`` the link targets."""
    # Anywhere in the copy, what this module does not read: '\' (escapes), '<' (autolinks),
    # '_' (emphasis), images, reference definitions, entities (decoded), and control or space
    # characters other than ' ' and '\n' (CommonMark's whitespace, its trimming and Python's
    # str.strip() all differ; isprintable() is False for these and a few more). Spaces at
    # either end of a line are left alone by _kind.
    if (
        "\\" in text
        or "<" in text
        or "_" in text
        or ("!" in text and "![" in text)  # a one-character search first: much faster
        or ("]" in text and "]:" in text)
        or ("&" in text and _ENTITY.search(text))
        or not text.replace("\n", " ").isprintable()
    ):
        return None
    lines = text.split("\n")
    found = [_kind(line) if line else _BLANK_LINE for line in lines]
    if None in found:
        return None
    kinds: list[_Line] = found  # type: ignore[assignment]  # None was ruled out just above
    if "|" in text and any(  # a '|' outside a table row: markdown-it might see a table there
        k[0] != _ROW and "|" in line for k, line in zip(kinds, lines, strict=True)
    ):
        return None
    return _Reader(href, split, lines, kinds).blocks()


class _Reader:
    __slots__ = ("href", "kinds", "lines", "split")

    def __init__(self, href: Href, split: Split, lines: list[str], kinds: list[_Line]) -> None:
        self.href = href
        self.split = split
        self.lines = lines
        self.kinds = kinds

    def blocks(self) -> list[FastBlock] | None:
        lines, kinds = self.lines, self.kinds
        blocks: list[FastBlock] = []
        attrs: dict[str, str] = {}
        n = len(lines)
        i = 0
        while i < n:
            kind, m = kinds[i]
            if kind == _BLANK:
                i += 1
                continue
            if kind == _ATTRS:
                # markdown-it hands these to the next block; keep to a paragraph or heading
                # right below (not a list, a table, another attribute line or a blank line)
                if i + 1 >= n or kinds[i + 1][0] not in (_TEXT, _HEAD) or m is None:
                    return None
                attrs = {"class": " ".join(c[1:] for c in m.group(1).split(" "))}
                i += 1
                continue
            if kind == _TEXT:
                end = i + 1
                while end < n:
                    after, am = kinds[end]
                    if after == _TEXT:
                        end += 1
                    elif after in (_BLANK, _HEAD, _RULE, _UL) or (
                        after == _OL and am is not None and am.group(1) == "1"
                    ):  # a blank line, or a block that interrupts a paragraph (a list at 1.)
                        break
                    else:  # a table row, an attribute line or '2.' continue the paragraph
                        return None
                inline = self.inline("\n".join(lines[i:end]) if end > i + 1 else lines[i])
                if inline is None:
                    return None
                blocks.append(ParagraphBlock(i, attrs, inline))
                i = end
            elif kind == _HEAD:
                assert m is not None
                inline = self.inline(m.group(2))
                if inline is None:
                    return None
                blocks.append(HeadingBlock(i, len(m.group(1)), attrs, inline))
                i += 1
            elif kind == _RULE:
                blocks.append(RuleBlock(i))
                i += 1
            elif kind == _ROW:
                i = self.table(i, blocks)
                if i < 0:
                    return None
            else:
                i = self.items(i, blocks)
                if i < 0:
                    return None
            if attrs:
                attrs = {}
        return blocks

    def items(self, i: int, blocks: list[FastBlock]) -> int:
        """Read the list starting at line ``i`` into ``blocks``; the next line, or -1."""
        kinds = self.kinds
        kind, first = kinds[i]
        assert first is not None
        ordered = kind == _OL
        group = 2 if ordered else 1
        items: list[tuple[int, Inlines]] = []
        n = len(kinds)
        while True:
            m = kinds[i][1]
            assert m is not None
            inline = self.inline(m.group(group))
            if inline is None:
                return -1
            items.append((i, inline))
            i += 1
            if i < n and kinds[i][0] not in (_BLANK, _HEAD, _RULE, kind):
                return -1  # a lazy continuation line, or another kind of list right below
            after = i
            while after < n and kinds[after][0] == _BLANK:
                after += 1
            if after < n and kinds[after][0] == kind:
                i = after  # items of one list may stand apart (a loose list reads the same)
                continue
            break
        start = int(first.group(1)) if ordered else 1
        blocks.append(ItemsBlock(items[0][0], ordered, start, items))
        return i

    def table(self, i: int, blocks: list[FastBlock]) -> int:
        """Read the table starting at line ``i`` into ``blocks``; the next line, or -1."""
        lines, kinds = self.lines, self.kinds
        n = len(lines)
        head = lines[i]
        if i + 1 >= n or len(head) < 2 or not head.endswith("|"):
            return -1
        if i > 0 and kinds[i - 1][0] not in (_BLANK, _HEAD, _RULE):
            return -1  # markdown-it could read what stands above as part of the table
        delimiter = lines[i + 1]
        if not _DELIMITER.fullmatch(delimiter):
            return -1
        align = tuple(
            _ALIGN[(c.startswith(":"), c.endswith(":"))]
            for c in (c.strip(" ") for c in delimiter[1:-1].split("|"))
        )
        width = len(align)
        if head.count("|") != width + 1:
            return -1  # markdown-it would not read a table here
        header = self.cells(head, width)
        if header is None:
            return -1
        rows: list[tuple[int, list[Inlines]]] = []
        j = i + 2
        while j < n and kinds[j][0] == _ROW:
            row = lines[j]
            if len(row) < 2 or not row.endswith("|"):
                return -1
            cells = self.cells(row, width)
            if cells is None:
                return -1
            cells.extend(([], None, "") for _ in range(width - len(cells)))
            rows.append((j, cells))
            j += 1
        if j < n and kinds[j][0] != _BLANK:
            return -1  # a heading, a divider or a list right below would end the table; so be it
        blocks.append(TableBlock(i, align, header, rows))
        return j

    def cells(self, row: str, width: int) -> list[Inlines] | None:
        """The cells of a row (with '|' at both ends); those past ``width`` are dropped, as
        markdown-it drops them."""
        raw = row[1:-1].split("|")[:width]
        if _SPECIAL.search(row) is None:  # plain cells, the usual case
            split = self.split
            return [(split(text), None, text) for text in (cell.strip(" ") for cell in raw)]
        out: list[Inlines] = []
        for cell in raw:
            inline = self.inline(cell.strip(" "))
            if inline is None:
                return None
            out.append(inline)
        return out

    # --- inlines -------------------------------------------------------------------------------

    def inline(self, src: str) -> Inlines | None:
        """The inline content of ``src`` as markdown-it reads it, or None."""
        if _SPECIAL.search(src) is None:  # plain text (tokens included): most cells, sentences
            return (self.split(src) if src else []), None, src
        links: list[tuple[int, dict[str, str]]] = []
        nodes = self.scan(src, 0, len(src), links)
        if nodes is None:
            return None
        if not links:
            return nodes, None, src
        meta: list[dict[str, str] | None] = [None] * len(nodes)
        for index, attrs in links:
            meta[index] = attrs
        return nodes, meta, src

    def scan(
        self, src: str, pos: int, end: int, links: list[tuple[int, dict[str, str]]] | None
    ) -> list[Inline] | None:
        """The nodes of ``src[pos:end]``, or None. ``links`` (None inside a link label) gets
        the index and attributes of each top-level link.

        markdown-it reads a link label as a range of its own (``end`` is its end) with its own
        emphasis delimiters, joins adjacent text (fragments_join) and then pairs the runs of
        '*' (balance_pairs). Here every run either only opens or only closes (or neither: it
        is text), so runs can be paired as they come: a closer pairs with the innermost open
        run, which must be as long as it; anything else is left to markdown-it, whose rules
        (the rule of 3, partial matches) then matter.
        """
        split, search = self.split, _SPECIAL.search
        out: list[Inline] = []
        outer: list[tuple[int, list[Inline]]] = []  # open runs: (length, the nodes around)
        text: list[str] = []
        while True:
            found = search(src, pos, end)
            if found is None:
                if pos < end:
                    text.append(src[pos:end])
                break
            s = found.start()
            if s > pos:
                text.append(src[pos:s])
            c = src[s]
            if c == "*":
                pos = s + 1
                while pos < end and src[pos] == "*":
                    pos += 1
                count = pos - s
                # markdown-it's StateInline.scanDelims, for '*' (which may split words)
                last_space, last_punct = _char(src[s - 1] if s > 0 else " ")
                next_space, next_punct = _char(src[pos] if pos < end else " ")
                opens = not (next_space or (next_punct and not (last_space or last_punct)))
                closes = not (last_space or (last_punct and not (next_space or next_punct)))
                if count > 2 or (opens and closes):
                    return None
                if not (opens or closes):
                    text.append(src[s:pos])  # stays text
                    continue
                if text:
                    out += split("".join(text))
                    text = []
                if opens:
                    outer.append((count, out))
                    out = []
                elif not outer or outer[-1][0] != count:
                    return None
                else:
                    inner = tuple(out)
                    out = outer.pop()[1]
                    out.append(Strong(inner) if count == 2 else Em(inner))
                continue
            if text:
                out += split("".join(text))
                text = []
            if c == "\n":
                out.append(_BREAK)
                pos = s + 1
            elif c == "`":
                close = src.find("`", s + 1, end)
                if links is None or close < 0 or src[s + 1] == "`":
                    return None  # in a label, unmatched, or longer runs: markdown-it
                if src[close + 1 : close + 2] in ("`", "{"):
                    return None  # a longer closing run, or attributes after the code
                content = src[s + 1 : close]
                if content[0] == " " or content[-1] == " " or "\n" in content:
                    return None  # markdown-it trims or joins these
                out.append(Code(content))
                pos = close + 1
            elif c == "[" and links is not None:
                link = self.link(src, s, end)
                if link is None:
                    return None
                attrs, label, pos = link
                if not outer:
                    links.append((len(out), attrs))
                out.append(Link(attrs["href"], tuple(label)))
            else:  # ']' outside a link, or a bracket inside a link label
                return None
        if outer:
            return None  # an opening run left open: markdown-it makes it text
        if text:
            out += split("".join(text))
        return out

    def link(self, src: str, s: int, end: int) -> tuple[dict[str, str], list[Inline], int] | None:
        """``[label](url){.class}`` at ``s``: its attributes, label and end; or None."""
        close = src.find("]", s + 1, end)
        if close < 0:
            return None
        for c in "[`{":  # nested brackets, code or attributes in the label: markdown-it
            if src.find(c, s + 1, close) >= 0:
                return None
        tail = _LINK_TAIL.match(src, close + 1, end)
        if tail is None:
            return None
        url = self.href(tail.group(1))
        if url is None:
            return None
        attrs = {"href": url}
        pos = tail.end()
        if src.startswith("{", pos):
            classes = _LINK_CLASSES.match(src, pos, end)
            if classes is None:
                return None
            attrs["class"] = " ".join(c[1:] for c in classes.group(1).split(" "))
            pos = classes.end()
            if src.startswith("{", pos):
                return None  # markdown-it merges a second attribute block
        label = self.scan(src, s + 1, close, None)
        if label is None:
            return None
        return attrs, label, pos


_BREAK = LineBreak()  # one for all: it holds nothing


@lru_cache(maxsize=1024)
def _char(c: str) -> tuple[bool, bool]:
    """(whitespace, punctuation) as scanDelims sees ``c`` (cached: Unicode lookups are slow)."""
    return isWhiteSpace(ord(c)), isMdAsciiPunct(ord(c)) or isPunctChar(c)


__all__ = [
    "FastBlock",
    "HeadingBlock",
    "Href",
    "Inlines",
    "ItemsBlock",
    "Meta",
    "ParagraphBlock",
    "RuleBlock",
    "Split",
    "TableBlock",
    "read",
]
