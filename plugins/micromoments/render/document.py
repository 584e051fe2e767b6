"""The one intermediate representation of a piece of email or web copy.

Markdown is parsed once (:mod:`.markdown`) into this small typed block model; the MJML, plain
text and web renderers all read it, so the three outputs always say the same thing. Template
tags are already slot tokens here (see :mod:`.protect`): inline tokens appear as :class:`Token`
inlines or inside ``href``/``src``/``alt`` strings, and block-level control lines
(``{% if %}`` … ``{% endif %}``, ``{% for %}`` … ``{% endfor %}`` alone on their line) are
:class:`Control` entries placed between whole blocks, list items or table rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .protect import SlotKind

# --- inlines ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Literal copy text (may contain no tokens; tokens are :class:`Token`)."""

    text: str


@dataclass(frozen=True, slots=True)
class Token:
    """A slot token inside running text (a variable, or an inline ``{% if %}`` etc.)."""

    token: str
    kind: SlotKind = "var"


@dataclass(frozen=True, slots=True)
class Strong:
    """``**bold**``."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Em:
    """``*italic*``."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """``[label](href)``; ``href`` may contain tokens."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    """```code``` (a discount code, an order number): shown in a monospace box."""

    text: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A line break inside a paragraph (every newline in copy is one)."""


Inline = Text | Token | Strong | Em | Link | Code | LineBreak

# --- blocks ----------------------------------------------------------------------------------

Align = Literal["left", "center", "right"] | None
ParagraphClass = Literal["muted", "note"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading. ``level`` is the level in the output (1-3): 1 for the first ``###`` (the
    email's headline); the other headings rank below it by how many ``#`` they have."""

    level: int
    inlines: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text; ``classes`` from ``{.muted}`` (fine print) or ``{.note}`` (a callout)."""

    inlines: tuple[Inline, ...]
    classes: tuple[ParagraphClass, ...] = ()


@dataclass(frozen=True, slots=True)
class Button:
    """``[Label](href){.button}`` alone in its paragraph: a call to action."""

    label: tuple[Inline, ...]
    href: str
    variant: Literal["primary", "secondary"] = "primary"


@dataclass(frozen=True, slots=True)
class Image:
    """``![alt](assets/x.png){width=200}`` alone in its paragraph (optionally linked)."""

    src: str
    alt: str
    width: int | None = None
    href: str | None = None
    line: int = field(default=0, compare=False)  # in the copy body, for problems


@dataclass(frozen=True, slots=True)
class Divider:
    """``---``: a horizontal rule."""


@dataclass(frozen=True, slots=True)
class Control:
    """A block-level control tag (``if``/``elif``/``else``/``endif``/``for``/``endfor``)."""

    token: str
    kind: SlotKind

    @property
    def opens(self) -> bool:
        """True for ``if`` and ``for``."""
        return self.kind in ("if", "for")

    @property
    def closes(self) -> bool:
        """True for ``endif`` and ``endfor``."""
        return self.kind in ("endif", "endfor")


@dataclass(frozen=True, slots=True)
class ListItem:
    """One bullet: usually a single paragraph, possibly followed by more blocks (a sub-list)."""

    blocks: tuple[Block | Control, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """``-`` or ``1.`` list; ``items`` may hold :class:`Control` entries between items (a
    ``{% for %}`` loops the items between it and its ``{% endfor %}``)."""

    ordered: bool
    items: tuple[ListItem | Control, ...]
    start: int = 1

    @property
    def loops(self) -> bool:
        """True when some items are repeated or conditional."""
        return any(isinstance(i, Control) for i in self.items)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row: one inline sequence per cell."""

    cells: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A GFM table: a data table (header cells are ``<th scope="col">``); ``rows`` may hold
    :class:`Control` entries between rows (order lines in a ``{% for %}``)."""

    header: TableRow
    rows: tuple[TableRow | Control, ...]
    align: tuple[Align, ...]

    @property
    def loops(self) -> bool:
        """True when some rows are repeated or conditional."""
        return any(isinstance(r, Control) for r in self.rows)


Block = Heading | Paragraph | Button | Image | Divider | ListBlock | Table


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in copy, a template or an asset that the build should report.

    ``path`` None means the copy itself (``line`` counts from the copy body's first line, 1-based,
    0 when unknown); otherwise it is the template, brand or asset file concerned.
    """

    rule: str
    message: str
    hint: str = ""
    line: int = 0
    col: int = 0
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """Parsed copy: blocks (with block-level controls between them) and parse problems."""

    blocks: tuple[Block | Control, ...]
    problems: tuple[Problem, ...] = field(default=())

    def walk(self) -> Iterator[Block]:
        """Every block, depth first (list items' blocks included)."""
        yield from _walk(self.blocks)

    def images(self) -> list[Image]:
        """Every image block, in order."""
        return [b for b in self.walk() if isinstance(b, Image)]

    def assets(self) -> list[str]:
        """Names of the assets images refer to (``assets/x.png`` -> ``x.png``), in order."""
        names = [asset_name(i.src) for i in self.images()]
        return list(dict.fromkeys(n for n in names if n))

    def headline(self) -> tuple[Inline, ...] | None:
        """The inlines of the first level-1 heading, if any."""
        for b in self.walk():
            if isinstance(b, Heading) and b.level == 1:
                return b.inlines
        return None


def _walk(blocks: Sequence[Block | Control | ListItem]) -> Iterator[Block]:
    for b in blocks:
        if isinstance(b, Control):
            continue
        if isinstance(b, ListItem):
            yield from _walk(b.blocks)
            continue
        yield b
        if isinstance(b, ListBlock):
            yield from _walk(b.items)


ASSET_PREFIX = "assets/"


def asset_name(src: str) -> str | None:
    """``x.png`` for ``assets/x.png`` (an asset beside the templates); None for other sources."""
    if src.startswith(ASSET_PREFIX) and len(src) > len(ASSET_PREFIX):
        return src[len(ASSET_PREFIX) :]
    return None


def resolve_src(src: str, asset_base: str) -> str:
    """The URL an image source points at: assets go through ``asset_base``, others stay."""
    name = asset_name(src)
    return asset_base + name if name is not None else src


def plain(inlines: Sequence[Inline]) -> str:
    """The visible text of inlines (tokens kept, links reduced to their label)."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Token):
            out.append(node.token)
        elif isinstance(node, Code):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append(" ")
        else:
            out.append(plain(node.children))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Group:
    """A block-level ``if``/``for`` with what it encloses, for renderers that need nesting.

    ``heads[i]`` (``if``, ``elif``…, ``else``; or ``for``) is followed by ``bodies[i]``;
    ``close`` ends the group (None only when the copy left it unclosed).
    """

    heads: tuple[Control, ...]
    bodies: tuple[tuple[Node, ...], ...]
    close: Control | None


Node = Block | ListItem | TableRow | Group


def nest(entries: Sequence[Block | ListItem | TableRow | Control]) -> list[Node]:
    """Turn a flat sequence with :class:`Control` markers into :class:`Group` trees.

    Stray closers (which the parser reports) are dropped, so renderers never see them.
    """
    root: list[Node] = []
    stack: list[tuple[list[Control], list[list[Node]], list[Node]]] = []
    current = root
    for e in entries:
        if isinstance(e, Control):
            if e.opens:
                heads: list[Control] = [e]
                bodies: list[list[Node]] = [[]]
                stack.append((heads, bodies, current))
                current = bodies[-1]
            elif e.kind in ("elif", "else") and stack:
                heads, bodies, _ = stack[-1]
                heads.append(e)
                bodies.append([])
                current = bodies[-1]
            elif e.closes and stack:
                heads, bodies, parent = stack.pop()
                parent.append(Group(tuple(heads), tuple(tuple(b) for b in bodies), e))
                current = parent
            continue
        current.append(e)
    while stack:
        heads, bodies, parent = stack.pop()
        parent.append(Group(tuple(heads), tuple(tuple(b) for b in bodies), None))
    return root
