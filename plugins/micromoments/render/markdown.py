"""Copy Markdown -> :class:`~.document.Document`, as markdown-it-py reads it (CommonMark + tables).

Everyday copy is read by :mod:`.fastcopy`, several times faster, to the same document; copy it
does not read exactly as markdown-it does goes through markdown-it itself.

The copy has already been protected (template tags are slot tokens). Two CommonMark traps are
handled before parsing, without shifting line numbers (so problems point at the right line):

* A control tag alone on its line (``{% if x %}``, ``{% for … %}``, ``{% endfor %}``…) would be
  a lazy continuation of the list item or paragraph above it. Each such line becomes a blank
  line (it always separates blocks), or, between two table rows, a one-cell row that is taken out
  again after parsing (a blank line would end the table). The controls are then put back into the
  parsed tree by line number: between blocks, between list items or between table rows.
* ``---`` right below a paragraph would turn the paragraph into a setext heading. Setext headings
  are switched off, so ``---`` is always a divider and headings are always ``###``/``####``.

A ``{% for %}`` … ``{% endfor %}`` pair around a whole list or table loops its items or body rows
(one list, one table; not one per iteration). The first ``###`` is the headline (``h1``); other
headings rank below it. Raw HTML is off: it stays literal text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token as MdToken
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

from .document import (
    Align,
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
    ParagraphClass,
    Problem,
    Strong,
    Table,
    TableRow,
    Text,
    Token,
    plain,
)
from .email import CONTROL_STRUCTURE, COPY_MARKUP
from .fastcopy import (
    FastBlock,
    HeadingBlock,
    Inlines,
    ItemsBlock,
    ParagraphBlock,
    RuleBlock,
    read,
)
from .protect import Protected

PARAGRAPH_CLASSES: tuple[ParagraphClass, ...] = ("muted", "note")
_CONTROL_KINDS = ("if", "elif", "else", "endif", "for", "endfor")
_SPLIT = re.compile(r"(MMSLOT\d{4}X)")
_HOLDERS = (Strong, Em, Link)  # inlines that hold inlines (a tuple: isinstance is faster)
# a line with a token and nothing else but whitespace (as str.strip() sees it): a control line?
# (starting with the newline before the line lets the regex engine skip to newlines)
_TOKEN_LINE = re.compile(r"\n[^\S\n]*(MMSLOT\d{4}X)[^\S\n]*(?=\n)")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    options = {"html": False, "linkify": False, "typographer": False}
    md = MarkdownIt("commonmark", options).enable("table").disable("lheading")
    return md.use(attrs_plugin).use(attrs_block_plugin)


@lru_cache(maxsize=4096)
def _href(url: str) -> str | None:
    """markdown-it's href for a link destination, or None when it rejects the link (the fast
    reader's links; cached, as a copy's few destinations recur from email to email)."""
    md = _parser()
    href = md.normalizeLink(url)
    return href if md.validateLink(href) else None


def parse_copy(protected: Protected) -> Document:
    """Parse protected copy (tags already slot tokens) into a :class:`Document`.

    Everyday copy is read by :mod:`.fastcopy`; anything it does not read exactly as markdown-it
    does goes through markdown-it. The result is the same either way.
    """
    return _Parser(protected).run()


def _parse_slow(protected: Protected) -> Document:
    """:func:`parse_copy` through markdown-it only (what the fast reader is tested against)."""
    return _Parser(protected).run(fast=False)


def _parse_fast(protected: Protected) -> Document | None:
    """:func:`parse_copy` through the fast reader only; None when it leaves the copy alone."""
    parser = _Parser(protected)
    doc = parser.run()
    return doc if parser.fast else None


# --- the tree under construction ---------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    start: int
    value: Block | _Box | _Row | ListItem  # a ListItem when finished right away (_fast_blocks)


def _start(entry: _Entry) -> int:
    return entry.start


@dataclass
class _Box:
    """A container being built: the document, a list, a list item or a table (body rows).

    Children are added in the order of the copy, so their ``start`` lines never decrease.
    """

    kind: Literal["doc", "list", "item", "table"]
    start: int
    children: list[_Entry] = field(default_factory=list)
    controls: list[tuple[int, int, Control]] = field(default_factory=list)  # (index, line, c)
    ordered: bool = False
    number: int = 1
    header: TableRow | None = None
    align: tuple[Align, ...] = ()

    def boxes(self) -> list[_Box]:
        return [e.value for e in self.children if isinstance(e.value, _Box)]

    def contains(self, line: int) -> bool:
        """True when ``line`` lies between two of this box's children (or header and rows)."""
        if self.kind == "doc":
            return True
        if not self.children:
            return False
        first = self.start if self.kind == "table" else self.children[0].start
        return first < line < self.children[-1].start

    def index(self, line: int) -> int:
        """Where a control at ``line`` goes among the children (how many start above it)."""
        return bisect_left(self.children, line, key=_start)


@dataclass
class _Placed:
    line: int
    control: Control


class _Parser:
    def __init__(self, protected: Protected) -> None:
        self.protected = protected
        self.problems: list[Problem] = []
        self.control_lines: dict[int, Control] = {}
        self.headings: list[Heading] = []  # as written (level 3 = ###), in document order
        self.levels: dict[int, int] = {}
        self.fast = False  # True once the fast reader has read the copy
        # without any tag but {{ var }}, there is no if/for inside a sentence to check
        self.any_controls = any(s.kind != "var" for s in protected.slots.values())
        self.inline_tags: tuple[str, ...] = ()  # see _fast_blocks

    # --- entry point ---------------------------------------------------------------------------

    def run(self, fast: bool = True) -> Document:
        text = self._prepare(self.protected.text)
        root = _Box("doc", 0)
        read_fast = read(text, _href, self._split) if fast else None
        if read_fast is not None:
            self.fast = True
            if not self.control_lines:  # nothing to place between blocks: no tree needed
                direct = self._fast_document(read_fast)
                return Document(tuple(direct), tuple(dict.fromkeys(self.problems)))
            self._fast_blocks(read_fast, root)
        else:
            tokens = _parser().parse(text)
            self._blocks(tokens, 0, len(tokens), root)
        self._place_controls(root)
        self._heading_levels()
        blocks = [b for b in self._finish(root) if not isinstance(b, (ListItem, TableRow))]
        return Document(tuple(blocks), tuple(dict.fromkeys(self.problems)))

    def _prepare(self, text: str) -> str:
        if "MMSLOT" not in text:
            return text
        framed = "\n" + text + "\n"  # every line between two newlines, for _TOKEN_LINE
        line = start = 0
        for found in _TOKEN_LINE.finditer(framed):
            tok = found.group(1)
            slot = self.protected.slots.get(tok)
            if slot is not None and slot.block and slot.kind in _CONTROL_KINDS:
                line += framed.count("\n", start, found.start())
                start = found.start()
                self.control_lines[line] = Control(tok, slot.kind)
        if not self.control_lines:
            return text
        lines = text.split("\n")
        for i, control in self.control_lines.items():
            in_table = _in_table(lines, i, self.control_lines)
            lines[i] = f"| {control.token} |" if in_table else ""
        return "\n".join(lines)

    def problem(self, rule_id: str, line: int, message: str, hint: str = "") -> None:
        self.problems.append(Problem(rule_id, message, hint, line + 1, 1))

    # --- blocks --------------------------------------------------------------------------------

    def _blocks(
        self, tokens: list[MdToken], i: int, end: int, box: _Box, note: bool = False
    ) -> None:
        while i < end:
            t = tokens[i]
            start = t.map[0] if t.map else 0
            if t.type == "heading_open":
                written = int(t.tag[1])
                self._heading_markup(start, written, t.attrs)
                nodes, _ = self._inlines(tokens[i + 1])
                self._heading(start, written, nodes, box)
                i += 3
            elif t.type == "paragraph_open":
                nodes, meta = self._inlines(tokens[i + 1])
                blocks = self._paragraph(start, t.attrs, nodes, meta, note)
                box.children.extend(_Entry(start, b) for b in blocks)
                i += 3
            elif t.type == "hr":
                box.children.append(_Entry(start, Divider()))
                i += 1
            elif t.type in ("bullet_list_open", "ordered_list_open"):
                close = _closing(tokens, i)
                number = int(str(t.attrs.get("start", 1)))
                lst = _Box("list", start, ordered=t.type == "ordered_list_open", number=number)
                self._items(tokens, i + 1, close, lst)
                box.children.append(_Entry(start, lst))
                i = close + 1
            elif t.type == "table_open":
                close = _closing(tokens, i)
                box.children.append(_Entry(start, self._table(tokens, i, close)))
                i = close + 1
            elif t.type == "blockquote_open":
                close = _closing(tokens, i)
                self._blocks(tokens, i + 1, close, box, note=True)
                i = close + 1
            elif t.type in ("fence", "code_block"):
                inlines: list[Inline] = []
                for n, line in enumerate(t.content.rstrip("\n").split("\n")):
                    if n:
                        inlines.append(LineBreak())
                    inlines.append(Code(line))
                box.children.append(_Entry(start, Paragraph(tuple(inlines))))
                i += 1
            else:  # html is off; anything else (a closing token we skipped) carries no text
                i += 1

    def _items(self, tokens: list[MdToken], i: int, end: int, lst: _Box) -> None:
        while i < end:
            t = tokens[i]
            if t.type == "list_item_open":
                close = _closing(tokens, i)
                item = _Box("item", t.map[0] if t.map else 0)
                self._blocks(tokens, i + 1, close, item)
                lst.children.append(_Entry(item.start, item))
                i = close + 1
            else:
                i += 1

    def _fast_blocks(self, blocks: list[FastBlock], root: _Box) -> None:
        """The tree from the fast reader's blocks, through the same steps as :meth:`_blocks`
        (and so with the same problems, in the same order)."""
        self._inline_tags(self.control_lines)
        for b in blocks:
            if isinstance(b, ParagraphBlock):
                for p in self._fast_paragraph(b.line, b.attrs, b.inline):
                    root.children.append(_Entry(b.line, p))
            elif isinstance(b, HeadingBlock):
                self._heading_markup(b.line, b.level, b.attrs)
                self._heading(b.line, b.level, self._fast_inline(b.inline, b.line), root)
            elif isinstance(b, RuleBlock):
                root.children.append(_Entry(b.line, Divider()))
            elif isinstance(b, ItemsBlock):
                lst = _Box("list", b.line, ordered=b.ordered, number=b.start)
                for line, inline in b.items:
                    # one paragraph: no control line can fall inside the item (see _path), so
                    # it is finished right away instead of waiting in a box for controls
                    item = ListItem(tuple(self._fast_paragraph(line, {}, inline)))
                    lst.children.append(_Entry(line, item))
                root.children.append(_Entry(b.line, lst))
            else:
                rows: list[tuple[int, list[tuple[Inline, ...]], list[Align]]] = []
                align = list(b.align)
                for line, cells in [(b.line, b.header), *b.rows]:
                    if line in self.control_lines:  # taken out again by _table_box
                        rows.append((line, [], []))
                    else:
                        rows.append(
                            (line, [tuple(self._fast_inline(c, line)) for c in cells], align)
                        )
                root.children.append(_Entry(b.line, self._table_box(b.line, rows)))

    def _fast_document(self, blocks: list[FastBlock]) -> list[Block]:
        """The document's blocks from the fast reader's, when the copy has no control lines:
        what :meth:`_fast_blocks`, :meth:`_heading_levels` and :meth:`_finish` make, and the
        same problems in the same order, built straight away instead of as a tree to place
        controls in."""
        self._inline_tags({})
        written = [max(b.level, 3) for b in blocks if isinstance(b, HeadingBlock)]
        rank = _heading_ranks(written)
        headings = 0
        out: list[Block] = []
        for b in blocks:
            if isinstance(b, ParagraphBlock):
                out += self._fast_paragraph(b.line, b.attrs, b.inline)
            elif isinstance(b, HeadingBlock):
                self._heading_markup(b.line, b.level, b.attrs)
                nodes = self._fast_inline(b.inline, b.line)
                out.append(Heading(rank[headings], tuple(nodes)))
                headings += 1
            elif isinstance(b, RuleBlock):
                out.append(Divider())
            elif isinstance(b, ItemsBlock):
                items = tuple(
                    ListItem(tuple(self._fast_paragraph(line, {}, inline)))
                    for line, inline in b.items
                )
                out.append(ListBlock(b.ordered, items, b.start))
            else:
                header = [tuple(self._fast_inline(c, b.line)) for c in b.header]
                rows = [
                    [tuple(self._fast_inline(c, line)) for c in cells] for line, cells in b.rows
                ]
                out.append(Table(TableRow(tuple(header)), _padded(rows, len(header)), b.align))
        return out

    def _inline_tags(self, on_lines: Mapping[int, Control]) -> None:
        """The if/for tokens the fast reader's text can hold: not those of control lines
        (``on_lines``), which are blank lines now, or table rows it leaves out. (markdown-it may
        read such a row as a sentence, where it is checked; but then the fast reader has
        declined.)"""
        taken = {c.token for c in on_lines.values()}
        self.inline_tags = tuple(
            token
            for token, slot in self.protected.slots.items()
            if slot.kind != "var" and token not in taken
        )

    def _fast_paragraph(self, line: int, attrs: dict[str, str], inline: Inlines) -> list[Block]:
        """:meth:`_paragraph` for the fast reader's paragraphs (and list items)."""
        nodes = self._fast_inline(inline, line)
        meta = inline[1]
        if meta is None and not attrs:  # running text: what _paragraph makes of it
            return [Paragraph(tuple(nodes))] if nodes else []
        return self._paragraph(line, attrs, nodes, meta or [None] * len(nodes), False)

    def _fast_inline(self, inline: Inlines, line: int) -> list[Inline]:
        """The nodes of the fast reader's inline content, after the checks :meth:`_inlines`
        makes (the fast reader builds the same nodes itself)."""
        nodes, meta, source = inline
        for tag in self.inline_tags:
            if tag in source:  # else there is nothing to check
                self._check_nested(nodes, line)
                break
        if meta is not None:
            self._inline_images(nodes, meta, line)
        return nodes

    def _check_nested(self, nodes: Sequence[Inline], line: int) -> None:
        """:meth:`_check_inline_controls` on ``nodes`` and on what each bold, italic or link in
        them holds, as :meth:`_inlines` does (the problems are the same whatever the order)."""
        tags = False
        for n in nodes:
            if isinstance(n, Token):
                tags = tags or n.kind != "var"
            elif isinstance(n, _HOLDERS):
                self._check_nested(n.children, line)
        if tags:
            self._check_inline_controls(nodes, line)

    def _heading_markup(self, start: int, written: int, attrs: Mapping[str, object]) -> None:
        """Problems with a heading's markup (reported before any in its text)."""
        if written < 3:
            self.problem(
                COPY_MARKUP.id, start,
                f"a level-{written} heading ({'#' * written}) in email copy",
                "write the headline as ### and subheadings as ####; ## starts a channel section",
            )  # fmt: skip
        self._ignored_attrs(attrs, start, "a heading")

    def _heading(self, start: int, written: int, nodes: list[Inline], box: _Box) -> None:
        heading = Heading(max(written, 3), tuple(nodes))
        self.headings.append(heading)
        box.children.append(_Entry(start, heading))

    def _heading_levels(self) -> None:
        """Each heading's level in the output (see :func:`_heading_ranks`)."""
        ranks = _heading_ranks([h.level for h in self.headings])
        for h, rank in zip(self.headings, ranks, strict=True):
            self.levels[id(h)] = rank

    def _paragraph(
        self, start: int, attrs: Mapping[str, object], nodes: list[Inline],
        meta: list[dict[str, str] | None], note: bool,
    ) -> list[Block]:  # fmt: skip
        """The blocks a paragraph makes: buttons, an image, itself or (when empty) none."""
        special = self._special(nodes, meta, start)
        if special is not None:
            self._ignored_attrs(attrs, start, "a button or image")
            return special
        classes: list[ParagraphClass] = ["note"] if note else []
        for name in str(attrs.get("class", "")).split():
            if name == "muted":
                classes.append("muted")
            elif name == "note":
                classes.append("note")
            else:
                self.problem(
                    COPY_MARKUP.id, start, f"unknown paragraph class {name!r} is ignored",
                    "paragraphs take {.muted} (fine print) or {.note} (a highlighted note)",
                )  # fmt: skip
        for key in attrs:
            if key != "class":
                self.problem(COPY_MARKUP.id, start, f"attribute {key!r} on a paragraph is ignored")
        if not nodes:
            return []
        return [Paragraph(tuple(nodes), tuple(dict.fromkeys(classes)))]

    def _special(
        self, nodes: list[Inline], meta: list[dict[str, str] | None], line: int
    ) -> list[Block] | None:
        """Buttons or an image when they are all the paragraph holds; else None."""
        if meta.count(None) == len(meta):  # neither links nor images: running text
            return None
        items = [(n, m) for n, m in zip(nodes, meta, strict=True) if _visible(n, m)]
        if not items:
            return None
        if all(m is not None and m.get("_kind") == "image" for _, m in items) and len(items) == 1:
            return [self._image(items[0][1] or {}, line)]
        if all(m is not None and "button" in m.get("class", "").split() for _, m in items):
            out: list[Block] = []
            for node, m in items:
                assert isinstance(node, Link) and m is not None
                inner = m.get("_image")
                if inner is not None:
                    self.problem(COPY_MARKUP.id, line, "an image inside a button is not shown")
                variant: Literal["primary", "secondary"] = (
                    "secondary" if "secondary" in m["class"].split() else "primary"
                )
                self._ignored_classes(m, ("button", "secondary", "primary"), line, "a button")
                out.append(Button(node.children, node.href, variant))
            return out
        return None

    def _image(self, m: dict[str, str], line: int) -> Image:
        width: int | None = None
        raw = m.get("width")
        if raw is not None:
            digits = raw.removesuffix("px")
            if digits.isdigit() and 0 < int(digits) <= 2000:
                width = int(digits)
            else:
                self.problem(
                    COPY_MARKUP.id, line, f"image width {raw!r} is not a number of pixels",
                    "write {width=200}",
                )  # fmt: skip
        for key in m:
            if key not in ("_kind", "src", "alt", "width", "href", "class"):
                self.problem(COPY_MARKUP.id, line, f"attribute {key!r} on an image is ignored")
        self._ignored_classes(m, (), line, "an image")
        return Image(m["src"], m.get("alt", ""), width, m.get("href"), line + 1)

    def _ignored_classes(
        self, m: dict[str, str], known: Sequence[str], line: int, what: str
    ) -> None:
        for name in m.get("class", "").split():
            if name not in known:
                self.problem(COPY_MARKUP.id, line, f"class {name!r} on {what} is ignored")

    def _ignored_attrs(self, attrs: Mapping[str, object], line: int, what: str) -> None:
        for key, value in attrs.items():
            self.problem(COPY_MARKUP.id, line, f"attribute {key}={value!r} on {what} is ignored")

    def _table(self, tokens: list[MdToken], i: int, end: int) -> _Box:
        opening = tokens[i].map
        rows: list[tuple[int, list[tuple[Inline, ...]], list[Align]]] = []
        j = i
        while j < end:
            t = tokens[j]
            if t.type == "tr_open":
                row_line = t.map[0] if t.map else 0
                cells: list[tuple[Inline, ...]] = []
                aligns: list[Align] = []
                k = j + 1
                while tokens[k].type != "tr_close":
                    if row_line in self.control_lines:
                        pass  # a control line between rows; placed again by _place_controls
                    elif tokens[k].type in ("th_open", "td_open"):
                        style = str(tokens[k].attrs.get("style", ""))
                        aligns.append(_align(style))
                        nodes, _ = self._inlines(tokens[k + 1])
                        cells.append(tuple(nodes))
                    k += 1
                rows.append((row_line, cells, aligns))
                j = k
            j += 1
        return self._table_box(opening[0] if opening else 0, rows)

    def _table_box(
        self, start: int, rows: list[tuple[int, list[tuple[Inline, ...]], list[Align]]]
    ) -> _Box:
        """A table from its rows as (line, cells, alignments), the header first."""
        table = _Box("table", start)
        _, header_cells, header_align = rows[0]
        table.header = TableRow(tuple(header_cells))
        table.align = tuple(header_align)
        body = [(line, cells) for line, cells, _ in rows[1:] if line not in self.control_lines]
        padded = _padded([cells for _, cells in body], len(header_cells))
        table.children.extend(
            _Entry(line, _Row(row)) for (line, _), row in zip(body, padded, strict=True)
        )
        return table

    # --- inlines -------------------------------------------------------------------------------

    def _inlines(self, inline: MdToken) -> tuple[list[Inline], list[dict[str, str] | None]]:
        """Inline nodes, and for each top-level node the link/image attributes (or None)."""
        return self._inline_tokens(inline.children or [], inline.map[0] if inline.map else 0)

    def _inline_tokens(
        self, tokens: Sequence[MdToken], line: int
    ) -> tuple[list[Inline], list[dict[str, str] | None]]:
        """:meth:`_inlines` of markdown-it's inline tokens; ``line`` for problems."""
        frames: list[tuple[str, list[Inline], list[dict[str, str] | None], dict[str, str]]] = [
            ("root", [], [], {})
        ]
        for t in tokens:
            nodes, meta = frames[-1][1], frames[-1][2]
            if t.type == "text":
                for piece in self._split(t.content):
                    nodes.append(piece)
                    meta.append(None)
            elif t.type in ("softbreak", "hardbreak"):
                nodes.append(LineBreak())
                meta.append(None)
            elif t.type == "code_inline":
                nodes.append(Code(t.content))
                meta.append(None)
            elif t.type in ("strong_open", "em_open"):
                frames.append((t.type, [], [], {}))
            elif t.type == "link_open":
                attrs = {k: str(v) for k, v in t.attrs.items()}
                frames.append(("link", [], [], attrs))
            elif t.type in ("strong_close", "em_close", "link_close") and len(frames) > 1:
                kind, children, child_meta, attrs = frames.pop()
                self._check_inline_controls(children, line)
                parent_nodes, parent_meta = frames[-1][1], frames[-1][2]
                if kind == "strong_open":
                    parent_nodes.append(Strong(tuple(children)))
                    parent_meta.append(None)
                elif kind == "em_open":
                    parent_nodes.append(Em(tuple(children)))
                    parent_meta.append(None)
                else:
                    parent_nodes.append(Link(attrs.get("href", ""), tuple(children)))
                    parent_meta.append(_link_meta(attrs, children, child_meta))
            elif t.type == "image":
                alt_nodes, _ = self._inline_tokens(t.children or [], t.map[0] if t.map else 0)
                attrs = {k: str(v) for k, v in t.attrs.items()}
                attrs["alt"] = plain(alt_nodes)
                attrs["_kind"] = "image"
                nodes.append(Text(attrs["alt"]))
                meta.append(attrs)
            else:
                nodes.append(Text(t.content))
                meta.append(None)
        while len(frames) > 1:  # unbalanced markers cannot happen with markdown-it; be safe
            _, children, _, _ = frames.pop()
            frames[-1][1].extend(children)
            frames[-1][2].extend([None] * len(children))
        nodes, meta = frames[0][1], frames[0][2]
        self._check_inline_controls(nodes, line)
        self._inline_images(nodes, meta, line)
        return nodes, meta

    def _inline_images(
        self, nodes: list[Inline], meta: list[dict[str, str] | None], line: int
    ) -> None:
        if meta.count(None) == len(meta):  # neither links nor images
            return
        real = [m for n, m in zip(nodes, meta, strict=True) if _visible(n, m)]
        images = [m for m in real if m is not None and m.get("_kind") == "image"]
        buttons = [m for m in real if m is not None and "button" in m.get("class", "").split()]
        if images and len(real) > 1:
            self.problem(
                COPY_MARKUP.id, line, "an image inside running text shows only its alt text",
                "put the image in a paragraph of its own (blank lines around it)",
            )  # fmt: skip
        if buttons and len(buttons) != len(real):
            self.problem(
                COPY_MARKUP.id, line, "a button inside running text is shown as a plain link",
                "put the button link in a paragraph of its own: [Label](url){.button}",
            )  # fmt: skip

    def _split(self, text: str) -> list[Inline]:
        if "MMSLOT" not in text:
            return [Text(text)] if text else []
        slot = self.protected.slots.get(text)
        if slot is not None:  # a cell or label that is just a token
            return [Token(text, slot.kind)]
        out: list[Inline] = []
        slots = self.protected.slots
        for n, piece in enumerate(_SPLIT.split(text)):  # text, token, text, token, … text
            if not piece:
                continue
            slot = slots.get(piece) if n % 2 else None
            if slot is not None:
                out.append(Token(piece, slot.kind))
            else:
                out.append(Text(piece))
        return out

    def _check_inline_controls(self, nodes: Sequence[Inline], line: int) -> None:
        if not self.any_controls:
            return
        depth: list[str] = []
        for n in nodes:
            if not isinstance(n, Token) or n.kind == "var":
                continue
            if n.kind in ("if", "for"):
                depth.append(n.kind)
            elif n.kind in ("elif", "else"):
                if not depth or depth[-1] != "if":
                    self._inline_control_problem(line)
                    return
            else:
                want = "if" if n.kind == "endif" else "for"
                if not depth or depth.pop() != want:
                    self._inline_control_problem(line)
                    return
        if depth:
            self._inline_control_problem(line)

    def _inline_control_problem(self, line: int) -> None:
        self.problem(
            CONTROL_STRUCTURE.id, line,
            "a tag inside a sentence opens and closes in different parts (bold, italic, link, "
            "list item or table cell)",
            "close {% if %}/{% for %} inside the same bold/italic/link text it opened in, or put "
            "the tags on lines of their own around whole paragraphs",
        )  # fmt: skip

    # --- block-level controls --------------------------------------------------------------------

    def _place_controls(self, root: _Box) -> None:
        groups: list[list[_Placed]] = []
        stack: list[list[_Placed]] = []
        for line in sorted(self.control_lines):
            placed = _Placed(line, self.control_lines[line])
            c = placed.control
            if c.opens:
                stack.append([placed])
            elif c.kind in ("elif", "else") and stack and stack[-1][0].control.kind == "if":
                stack[-1].append(placed)
            elif c.closes and stack and stack[-1][0].control.kind == c.kind[3:]:
                group = stack.pop()
                group.append(placed)
                groups.append(group)
            else:
                self.problem(
                    CONTROL_STRUCTURE.id, line,
                    f"{{% {c.kind} %}} without a matching opening tag",
                    "every {% endif %} needs an {% if %} above it, every {% endfor %} a {% for %}",
                )  # fmt: skip
        for group in stack:
            self.problem(
                CONTROL_STRUCTURE.id, group[0].line, f"{{% {group[0].control.kind} %}} is not closed"
            )  # fmt: skip
            groups.append(group)
        for group in sorted(groups, key=lambda g: g[0].line):
            self._place_group(root, group)

    def _place_group(self, root: _Box, group: list[_Placed]) -> None:
        paths = [_path(root, p.line) for p in group]
        deepest = max(paths, key=len)
        if any(path != deepest[: len(path)] for path in paths):
            self._structure_problem(group)
            deepest = paths[0]
        box = deepest[-1]
        first, last = group[0].line, group[-1].line
        if group[0].control.kind == "for" and len(group) == 2 and len(paths[0]) == len(paths[1]):
            inside = [e for e in box.children if first < e.start < last]
            if (
                len(inside) == 1
                and isinstance(inside[0].value, _Box)
                and inside[0].value.kind in ("list", "table")
            ):
                target = inside[0].value
                target.controls.append((0, first, group[0].control))
                target.controls.append((len(target.children), last, group[1].control))
                return
        for placed, path in zip(group, paths, strict=True):
            if len(path) == len(deepest):
                box.controls.append((box.index(placed.line), placed.line, placed.control))
                continue
            # the tag stands just outside the container its partners are in: move it to that
            # container's start or end, provided nothing else stands between
            index = _clamp(path, deepest, placed.line)
            if index is None:
                self._structure_problem(group)
                index = box.index(placed.line)
            box.controls.append((index, placed.line, placed.control))

    def _structure_problem(self, group: list[_Placed]) -> None:
        c = group[0].control
        self.problem(
            CONTROL_STRUCTURE.id, group[0].line,
            f"the {{% {c.kind} %}} on this line and its closing tag are in different blocks "
            "(one outside a list or table, the other inside it)",
        )  # fmt: skip

    # --- finishing -----------------------------------------------------------------------------

    def _finish(self, box: _Box) -> list[Block | ListItem | TableRow | Control]:
        if not box.controls:
            return [self._finish_value(e.value) for e in box.children]
        out: list[Block | ListItem | TableRow | Control] = []
        controls = sorted(box.controls, key=lambda c: (c[0], c[1]))
        k = 0
        for index in range(len(box.children) + 1):
            while k < len(controls) and controls[k][0] <= index:
                out.append(controls[k][2])
                k += 1
            if index < len(box.children):
                out.append(self._finish_value(box.children[index].value))
        return out

    def _finish_value(self, value: Block | _Box | _Row | ListItem) -> Block | ListItem | TableRow:
        if not isinstance(value, _Box):
            if isinstance(value, _Row):
                return value.row
            if isinstance(value, Heading):
                return Heading(self.levels[id(value)], value.inlines)
            return value
        children = self._finish(value)
        if value.kind == "list":
            items = tuple(c for c in children if isinstance(c, (ListItem, Control)))
            return ListBlock(value.ordered, items, value.number)
        if value.kind == "item":
            blocks = tuple(c for c in children if not isinstance(c, (ListItem, TableRow)))
            return ListItem(blocks)
        assert value.header is not None
        rows = tuple(c for c in children if isinstance(c, (TableRow, Control)))
        return Table(value.header, rows, value.align)


@dataclass(frozen=True, slots=True)
class _Row:
    """A table body row while the tree is built (so rows can sit in a _Box like blocks)."""

    row: TableRow


def _heading_ranks(written: list[int]) -> list[int]:
    """The output level of each heading, from how many ``#`` each has (at least 3): the first
    ``###`` is the headline (h1); the other headings rank below it by how many ``#`` they
    have (h2, then h3), so the outline never skips a level."""
    first = written.index(3) if 3 in written else -1
    rest = sorted({level for n, level in enumerate(written) if n != first})
    rank = {level: min(2 + n, 3) for n, level in enumerate(rest)}
    return [1 if n == first else rank[level] for n, level in enumerate(written)]


def _padded(rows: list[list[tuple[Inline, ...]]], width: int) -> tuple[TableRow, ...]:
    """Body rows cut or padded with empty cells to the header's ``width``."""
    return tuple(TableRow(tuple(cells[:width]) + ((),) * (width - len(cells))) for cells in rows)


def _path(root: _Box, line: int) -> list[_Box]:
    """The containers that hold ``line`` between their children, outermost first."""
    path = [root]
    while True:
        inner = next((b for b in path[-1].boxes() if b.contains(line)), None)
        if inner is None:
            return path
        path.append(inner)


def _clamp(outer: list[_Box], deepest: list[_Box], line: int) -> int | None:
    """Index at the start or end of ``deepest[-1]`` for a tag at ``line`` in ``outer[-1]``, if
    nothing stands between the tag and that container."""
    at_start = True
    for level in range(len(outer) - 1, len(deepest) - 1):
        parent, child = deepest[level], deepest[level + 1]
        starts = sorted(e.start for e in parent.children)
        if line < child.start:
            if any(line < s < child.start for s in starts):
                return None
            at_start = True
        else:
            if any(child.start < s < line for s in starts):
                return None
            at_start = False
    return 0 if at_start else len(deepest[-1].children)


def _visible(node: Inline, meta: dict[str, str] | None) -> bool:
    """False for the blank text and line breaks between buttons (an image always counts)."""
    if meta is not None:
        return True
    return not isinstance(node, LineBreak) and not (
        isinstance(node, Text) and not node.text.strip()
    )


def _link_meta(
    attrs: dict[str, str], children: list[Inline], child_meta: list[dict[str, str] | None]
) -> dict[str, str]:
    """What a link carries for button/image detection: its attributes, or, for a link around
    a single image, the image's attributes plus the link target."""
    real = [m for c, m in zip(children, child_meta, strict=True) if _visible(c, m)]
    image = real[0] if len(real) == 1 else None
    if image is None or image.get("_kind") != "image":
        return dict(attrs)
    if "button" in attrs.get("class", "").split():
        return {**attrs, "_image": "1"}
    return {**image, "href": attrs.get("href", "")}


def _closing(tokens: list[MdToken], i: int) -> int:
    """Index of the token that closes ``tokens[i]`` (same nesting level)."""
    level = tokens[i].level
    close = tokens[i].type.replace("_open", "_close")
    for j in range(i + 1, len(tokens)):
        if tokens[j].type == close and tokens[j].level == level:
            return j
    return len(tokens) - 1


def _align(style: str) -> Align:
    if "text-align:left" in style:
        return "left"
    if "text-align:center" in style:
        return "center"
    if "text-align:right" in style:
        return "right"
    return None


_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _in_table(lines: list[str], i: int, controls: dict[int, Control]) -> bool:
    """True when line ``i`` stands between two rows of a table (below its delimiter row)."""
    after = i + 1
    while after < len(lines) and after in controls:
        after += 1
    if after >= len(lines) or not lines[after].lstrip().startswith("|"):
        return False
    j = i - 1
    while j >= 0 and (j in controls or lines[j].lstrip().startswith("|")):
        if j not in controls and _DELIMITER_ROW.match(lines[j]) and "-" in lines[j]:
            return True
        j -= 1
    return False


__all__ = ["CONTROL_STRUCTURE", "COPY_MARKUP", "PARAGRAPH_CLASSES", "parse_copy"]
