"""The visible prose of a copy section, with a map from every character back to the source file.

Tone checks read what the customer reads, not the Markdown and template tags a copywriter
writes: ``## Tak, {{ first_name }}!`` is read as "Tak, Mette!", ``[Se din ordre]({{ url }}){.button}``
as "Se din ordre". Yet a finding must point at the word in the file. So every character of the
prose remembers the file line and column it came from:

- Markdown syntax is dropped: heading markers, emphasis, link destinations and attribute lists,
  images, list markers, quote markers, table pipes and separator rows, thematic breaks, HTML
  tags, fenced code blocks; escapes and entities are resolved.
- ``{{ var }}`` becomes the variable's ``example`` from the moment's data contract (its name
  when there is no example); every character of the value points at the ``{{``.
- ``{% ... %}`` and ``{# ... #}`` tags are dropped.
- Blocks (paragraphs, list items, headings, table cells, fields) are separated by a blank line,
  so a sentence never runs from one block into the next. In SMS and push copy, which is sent
  as plain text, every line is a block of its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..diagnostics import Position
from ..model import Channel, CopySection, DataField

PROSE_FIELDS: tuple[str, ...] = ("subject", "preheader", "title")
PLAIN_TEXT_CHANNELS = frozenset({Channel.SMS, Channel.PUSH})
BLOCK_SEPARATOR = "\n\n"

Piece = int | str  # a group number of the match to keep, or new text

# A file position packed into one int (line << 20 | column): a prose character per Position
# object made long emails measurably slower to check.
_COL_BITS = 20
_COL_MASK = (1 << _COL_BITS) - 1


def _pack(line: int, col: int) -> int:
    return (line << _COL_BITS) | col


def _unpack(packed: int) -> Position:
    return Position(packed >> _COL_BITS, packed & _COL_MASK)


class _Annotated:
    """A string whose every character carries the (packed) file position it came from."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str, pos: list[int]) -> None:
        self.text = text
        self.pos = pos

    @classmethod
    def from_source(cls, source: str, line: int, col: int) -> _Annotated:
        pos: list[int] = []
        for n, text_line in enumerate(source.split("\n")):
            start = _pack(line + n, col if n == 0 else 1)
            pos.extend(range(start, start + len(text_line) + 1))
        return cls(source, pos[: len(source)])

    def anchor(self, index: int) -> int:
        if not self.pos:
            return 0
        return self.pos[min(index, len(self.pos) - 1)]

    def slice(self, start: int, end: int) -> _Annotated:
        return _Annotated(self.text[start:end], self.pos[start:end])

    def sub(
        self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], Sequence[Piece]]
    ) -> _Annotated:
        """Like ``re.sub``; kept groups keep their positions, new text takes the match's."""
        texts: list[str] = []
        pos: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            texts.append(self.text[last : match.start()])
            pos.extend(self.pos[last : match.start()])
            for piece in repl(match):
                if isinstance(piece, int):
                    start, end = match.span(piece)
                    if start >= 0:
                        texts.append(self.text[start:end])
                        pos.extend(self.pos[start:end])
                else:
                    texts.append(piece)
                    pos.extend([self.anchor(match.start())] * len(piece))
            last = match.end()
        texts.append(self.text[last:])
        pos.extend(self.pos[last:])
        return _Annotated("".join(texts), pos)

    def strip(self) -> _Annotated:
        stripped = self.text.strip()
        if not stripped:
            return _Annotated("", [])
        start = len(self.text) - len(self.text.lstrip())
        return self.slice(start, start + len(stripped))

    def lines(self) -> list[_Annotated]:
        out: list[_Annotated] = []
        start = 0
        while True:
            end = self.text.find("\n", start)
            if end < 0:
                out.append(self.slice(start, len(self.text)))
                return out
            out.append(self.slice(start, end))
            start = end + 1


@dataclass(frozen=True, slots=True)
class ProsePart:
    """Where one field or the body sits in the prose: ``[start, end)``."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Prose:
    """Visible text of a copy section (or one piece of it) and each character's file position."""

    text: str
    path: str
    packed: tuple[int, ...]  # per character: file line << 20 | column
    parts: tuple[ProsePart, ...] = ()

    def position(self, offset: int) -> Position:
        """The file position of the prose character at ``offset`` (clamped to the text)."""
        if not self.packed:
            return Position(0, 0)
        return _unpack(self.packed[max(0, min(offset, len(self.packed) - 1))])

    def part(self, name: str) -> ProsePart | None:
        """The span of a field (``subject``...) or of the ``body``, when present."""
        return next((p for p in self.parts if p.name == name), None)


# --- template tags ---------------------------------------------------------------------------
_TAG = re.compile(r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}|\{%-?\s*(?P<stmt>.*?)\s*-?%\}|\{#.*?#\}", re.S)
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_FOR = re.compile(r"^for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([A-Za-z_][A-Za-z0-9_.]*)$")


def _text_of(value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        return None
    return str(value)


def _lookup(path: Sequence[str], data: Mapping[str, DataField], aliases: Mapping[str, Any]) -> Any:
    head, *rest = path
    if head in aliases:
        value: Any = aliases[head]
        declared: Mapping[str, DataField] = {}
    elif head in data:
        value = data[head].example
        declared = data[head].children()
    else:
        return None
    for name in rest:
        if isinstance(value, dict) and name in value:
            value = value[name]
            declared = {}
        elif name in declared:
            value = declared[name].example
            declared = declared[name].children()
        else:
            return None
    return value


def _substitute_tags(ann: _Annotated, data: Mapping[str, DataField]) -> _Annotated:
    aliases: dict[str, Any] = {}

    def replace(match: re.Match[str]) -> Sequence[Piece]:
        expr, stmt = match.group("expr"), match.group("stmt")
        if expr is not None:
            expr = expr.strip()
            if not _PATH.match(expr):
                return [expr]
            value = _text_of(_lookup(expr.split("."), data, aliases))
            return [expr if value is None else value]
        loop = _FOR.match(" ".join((stmt or "").split()))
        if loop:
            items = _lookup(loop.group(2).split("."), data, aliases)
            first = items[0] if isinstance(items, list) and items else None
            aliases[loop.group(1)] = first
        return []

    return ann.sub(_TAG, replace)


# --- Markdown blocks -------------------------------------------------------------------------
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}(?:([-*_])[ \t]*(?:\1[ \t]*){2,}|=+[ \t]*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S")
_LIST = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HARD_BREAK = re.compile(r"(?:\\|[ \t]+)$")


def _is_table_row(lines: Sequence[str], i: int) -> bool:
    line = lines[i]
    if "|" not in line or (_TABLE_SEPARATOR.match(line) and "-" in line):
        return False
    if line.lstrip().startswith("|"):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return bool(_TABLE_SEPARATOR.match(nxt) and "-" in nxt)


def _blocks(ann: _Annotated, line_blocks: bool) -> list[_Annotated]:
    lines = ann.lines()
    texts = [line.text for line in lines]
    blocks: list[_Annotated] = []
    current: list[_Annotated] = []
    fence: str | None = None
    in_quote = False

    def close() -> None:
        if current:
            joined = current[0]
            for line in current[1:]:
                joined = _Annotated(
                    joined.text + "\n" + line.text,
                    [*joined.pos, joined.anchor(len(joined.text)), *line.pos],
                )
            blocks.append(joined)
            current.clear()

    for i, line in enumerate(lines):
        text = line.text
        found = _FENCE.match(text)
        if fence is not None or found:
            if found and fence is None:
                close()
                fence = found.group(1)[0] * 3
            elif found and found.group(1).startswith(fence or "\0"):
                fence = None
            continue
        if not text.strip() or _THEMATIC.match(text) or _REFERENCE.match(text):
            close()
            continue
        if "|" in text and _TABLE_SEPARATOR.match(text) and "-" in text:
            close()
            continue
        if _is_table_row(texts, i):
            close()
            cells = _split_cells(line)
            blocks.extend(cells)
            continue
        quote = _QUOTE.match(text)
        if bool(quote) != in_quote:
            close()  # a quote starts or ends a block, even without a blank line
            in_quote = bool(quote)
        if quote:
            line = line.slice(quote.end(), len(text))
            text = line.text
        heading = _HEADING.match(text)
        if heading:
            close()
            body = line.slice(heading.end(), len(text))
            closing = _CLOSING_HASHES.search(body.text)
            blocks.append(body.slice(0, closing.start()) if closing else body)
            continue
        item = _LIST.match(text)
        if item:
            close()
            line = line.slice(item.end(), len(text))
        hard = _HARD_BREAK.search(line.text)
        if hard:
            line = line.slice(0, hard.start())
        current.append(line)
        if line_blocks:
            close()
    close()
    return blocks


def _split_cells(line: _Annotated) -> list[_Annotated]:
    cells: list[_Annotated] = []
    start = 0
    for match in _CELL_SPLIT.finditer(line.text):
        cells.append(line.slice(start, match.start()))
        start = match.end()
    cells.append(line.slice(start, len(line.text)))
    return cells


# --- Markdown inline -------------------------------------------------------------------------
_INLINE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Sequence[Piece]]], ...] = (
    (re.compile(r"<!--.*?-->", re.S), lambda m: []),
    (re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])(?:\{[^{}]*\})?"), lambda m: []),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), lambda m: [1]),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), lambda m: [1]),
    (re.compile(r"\{[:.#][^{}]*\}"), lambda m: []),
    (re.compile(r"<((?:https?|mailto|tel):[^>\s]+|[^@<>\s]+@[^<>\s]+)>"), lambda m: [1]),
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), lambda m: []),
    (re.compile(r"(`+)(.+?)\1"), lambda m: [2]),
    (re.compile(r"(?<!\\)(?:\*+|~~)(?!\s)|(?<![\\\s])(?:\*+|~~)"), lambda m: []),
    (re.compile(r"(?<![\w\\])_+(?=\S)|(?<=\S)(?<!\\)_+(?!\w)"), lambda m: []),
    (re.compile(r"\\([!-/:-@\[-`{-~])"), lambda m: [1]),
    (re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);"), lambda m: [html.unescape(m[0])]),
)


def _inline(ann: _Annotated) -> _Annotated:
    for pattern, repl in _INLINE:
        if ann.text:
            ann = ann.sub(pattern, repl)
    return ann


def _prose_of(
    source: str, line: int, col: int, data: Mapping[str, DataField], line_blocks: bool
) -> list[_Annotated]:
    ann = _substitute_tags(_Annotated.from_source(source, line, col), data)
    blocks = (_inline(b).strip() for b in _blocks(ann, line_blocks))
    return [b for b in blocks if b.text]


def _join(named: Iterable[tuple[str, list[_Annotated]]], path: str) -> Prose:
    text: list[str] = []
    pos: list[int] = []
    parts: list[ProsePart] = []
    length = 0
    for name, blocks in named:
        start: int | None = None
        for block in blocks:
            if length:
                text.append(BLOCK_SEPARATOR)
                pos.extend([pos[-1]] * len(BLOCK_SEPARATOR))
                length += len(BLOCK_SEPARATOR)
            if start is None:
                start = length
            text.append(block.text)
            pos.extend(block.pos)
            length += len(block.text)
        if start is not None:
            parts.append(ProsePart(name, start, length))
    return Prose("".join(text), path, tuple(pos), tuple(parts))


def markdown_prose(
    source: str,
    line: int,
    col: int = 1,
    data: Mapping[str, DataField] | None = None,
    *,
    line_blocks: bool = False,
    path: str = "",
) -> Prose:
    """Prose of one piece of copy that starts at file ``line``/``col``.

    ``line_blocks`` makes every line a block of its own (plain-text channels).
    """
    blocks = _prose_of(source, line, col, data or {}, line_blocks)
    return _join([("body", blocks)], path)


def section_prose(
    section: CopySection,
    data: Mapping[str, DataField] | None = None,
    *,
    fields: Iterable[str] = PROSE_FIELDS,
) -> Prose:
    """Prose of a copy section: its prose fields (subject, preheader, title), then the body.

    ``data`` is the moment's data contract, whose examples stand in for ``{{ variables }}``.
    """
    contract = data or {}
    plain = section.channel in PLAIN_TEXT_CHANNELS
    named: list[tuple[str, list[_Annotated]]] = []
    for name in fields:
        found = section.fields.get(name)
        if found is not None and found.value:
            named.append(
                (name, _prose_of(found.value, found.pos.line, found.pos.col, contract, True))
            )
    named.append(("body", _prose_of(section.body, section.body_line, 1, contract, plain)))
    return _join(named, section.path)
