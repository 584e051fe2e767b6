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

Most prose is only read, never pointed into: a clean moment has no findings. So the text is
built first with plain ``re.sub``, and the position map is built on the first call to
:meth:`Prose.position`, by running the same steps again with positions tracked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..diagnostics import Position
from ..fences import Fences
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


def _piece_text(match: re.Match[str], pieces: Sequence[Piece]) -> str:
    """What ``pieces`` of ``match`` read as, for text whose positions are not tracked."""
    if len(pieces) == 1 and isinstance(pieces[0], str):
        return pieces[0]  # the usual answer for a template tag: its value
    return "".join(
        (match.group(piece) or "") if isinstance(piece, int) else piece for piece in pieces
    )


class _Annotated:
    """A string whose every character carries the (packed) file position it came from, or, with
    ``pos`` None, a string whose positions are not tracked (the same steps, only faster)."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str, pos: list[int] | None) -> None:
        self.text = text
        self.pos = pos

    @classmethod
    def from_source(cls, source: str, line: int, col: int, track: bool) -> _Annotated:
        if not track:
            return cls(source, None)
        pos: list[int] = []
        for n, text_line in enumerate(source.split("\n")):
            start = _pack(line + n, col if n == 0 else 1)
            pos.extend(range(start, start + len(text_line) + 1))
        return cls(source, pos[: len(source)])

    def anchor(self, index: int) -> int:
        assert self.pos is not None  # only the position-tracking pass asks for anchors
        if not self.pos:
            return 0
        return self.pos[min(index, len(self.pos) - 1)]

    def slice(self, start: int, end: int) -> _Annotated:
        return _Annotated(self.text[start:end], None if self.pos is None else self.pos[start:end])

    def sub(
        self,
        pattern: re.Pattern[str],
        repl: Callable[[re.Match[str]], Sequence[Piece]],
        template: str | None = None,
    ) -> _Annotated:
        """Like ``re.sub``; kept groups keep their positions, new text takes the match's.

        ``template``, when given, is ``repl`` as an ``re.sub`` template (``""``, ``r"\\1"``),
        which untracked text is replaced with without a Python call per match.
        """
        if self.pos is None:
            if template is not None:
                return _Annotated(pattern.sub(template, self.text), None)
            return _Annotated(pattern.sub(lambda m: _piece_text(m, repl(m)), self.text), None)
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
        if len(stripped) == len(self.text):
            return self
        if not stripped:
            return _Annotated("", None if self.pos is None else [])
        start = len(self.text) - len(self.text.lstrip())
        return self.slice(start, start + len(stripped))

    def lines(self) -> list[_Annotated]:
        if self.pos is None:
            return [_Annotated(line, None) for line in self.text.split("\n")]
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


class Prose:
    """Visible text of a copy section (or one piece of it) and each character's file position.

    The positions (``packed``) are either given or worked out by ``locate`` on first use.
    """

    __slots__ = ("_locate", "_packed", "parts", "path", "text")

    def __init__(
        self,
        text: str,
        path: str,
        packed: Sequence[int] | None = None,
        parts: Sequence[ProsePart] = (),
        *,
        locate: Callable[[], Sequence[int]] | None = None,
    ) -> None:
        self.text = text
        self.path = path
        self.parts = tuple(parts)
        self._packed = None if packed is None else tuple(packed)
        self._locate = locate

    @property
    def packed(self) -> tuple[int, ...]:
        """Per character: its file line << 20 | column."""
        if self._packed is None:
            self._packed = tuple(self._locate()) if self._locate is not None else ()
            self._locate = None
        return self._packed

    def position(self, offset: int) -> Position:
        """The file position of the prose character at ``offset`` (clamped to the text)."""
        packed = self.packed
        if not packed:
            return Position(0, 0)
        return _unpack(packed[max(0, min(offset, len(packed) - 1))])

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
    fences = Fences()
    in_quote = False

    def close() -> None:
        if current and current[0].pos is None:
            blocks.append(_Annotated("\n".join([line.text for line in current]), None))
            current.clear()
        elif current:
            joined = current[0]
            for line in current[1:]:
                assert joined.pos is not None and line.pos is not None  # tracked, as current[0]
                joined = _Annotated(
                    joined.text + "\n" + line.text,
                    [*joined.pos, joined.anchor(len(joined.text)), *line.pos],
                )
            blocks.append(joined)
            current.clear()

    for i, line in enumerate(lines):
        text = line.text
        if not fences.inside and not text.strip():
            close()  # a blank line (also where a {% tag %} stood)
            continue
        if not fences.inside and "|" not in text and text.lstrip(" \t")[:1].isalpha():
            # Plain prose, the most common line: no block pattern matches a line that starts
            # with a letter and has no table pipe, so only a quote can end here.
            if in_quote:
                close()
                in_quote = False
        else:
            was_inside = fences.inside
            if fences.feed(text):
                if not was_inside:
                    close()  # a code block opens
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
        # Lines hold no "\n", so the pattern can only match when the line ends like this.
        hard = _HARD_BREAK.search(line.text) if line.text.endswith(("\\", " ", "\t")) else None
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
_Replace = Callable[[re.Match[str]], Sequence[Piece]]


class _InlinePass(NamedTuple):
    """One inline Markdown pass: what it matches and what it keeps of each match."""

    pattern: re.Pattern[str]
    repl: _Replace
    template: str | None  # repl as an re.sub template, where it can be one
    needs: str  # characters the pattern cannot match without (any one of them)


_INLINE: tuple[_InlinePass, ...] = (
    _InlinePass(re.compile(r"<!--.*?-->", re.S), lambda m: [], "", "<"),
    _InlinePass(re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])(?:\{[^{}]*\})?"), lambda m: [], "",
                "!"),
    _InlinePass(re.compile(r"\[([^\]]*)\]\([^)]*\)"), lambda m: [1], r"\1", "["),
    _InlinePass(re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), lambda m: [1], r"\1", "["),
    _InlinePass(re.compile(r"\{[:.#][^{}]*\}"), lambda m: [], "", "{"),
    _InlinePass(re.compile(r"<((?:https?|mailto|tel):[^>\s]+|[^@<>\s]+@[^<>\s]+)>"), lambda m: [1],
                r"\1", "<"),
    _InlinePass(re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), lambda m: [], "", "<"),
    _InlinePass(re.compile(r"(`+)(.+?)\1"), lambda m: [2], r"\2", "`"),
    _InlinePass(re.compile(r"(?<!\\)(?:\*+|~~)(?!\s)|(?<![\\\s])(?:\*+|~~)"), lambda m: [], "",
                "*~"),
    _InlinePass(re.compile(r"(?<![\w\\])_+(?=\S)|(?<=\S)(?<!\\)_+(?!\w)"), lambda m: [], "", "_"),
    _InlinePass(re.compile(r"\\([!-/:-@\[-`{-~])"), lambda m: [1], r"\1", "\\"),
    _InlinePass(re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]\w*);"),
                lambda m: [html.unescape(m[0])], None, "&"),
)  # fmt: skip
# Every pass but the last (entities) only keeps or drops characters, so a pass whose characters
# are nowhere in a section's text matches in none of its blocks and is skipped.
_INLINE_CHARS = re.compile(
    "[" + "".join(re.escape(ch) for ch in sorted({ch for p in _INLINE for ch in p.needs})) + "]"
)


def _inline_passes(text: str) -> list[_InlinePass]:
    """The inline passes that can match somewhere in ``text``."""
    present = set(_INLINE_CHARS.findall(text))
    return [p for p in _INLINE if not present.isdisjoint(p.needs)] if present else []


def _inline(ann: _Annotated, passes: Sequence[_InlinePass]) -> _Annotated:
    for pattern, repl, template, needs in passes:
        if not ann.text:
            break
        for ch in needs:
            if ch in ann.text:
                ann = ann.sub(pattern, repl, template)
                break
    return ann


def _prose_of(
    source: str,
    line: int,
    col: int,
    data: Mapping[str, DataField],
    line_blocks: bool,
    track: bool,
) -> list[_Annotated]:
    ann = _substitute_tags(_Annotated.from_source(source, line, col, track), data)
    passes = _inline_passes(ann.text)
    blocks = (_inline(b, passes).strip() for b in _blocks(ann, line_blocks))
    return [b for b in blocks if b.text]


_Named = list[tuple[str, list[_Annotated]]]


def _join_text(named: _Named) -> tuple[str, tuple[ProsePart, ...]]:
    text: list[str] = []
    parts: list[ProsePart] = []
    length = 0
    for name, blocks in named:
        start: int | None = None
        for block in blocks:
            if length:
                text.append(BLOCK_SEPARATOR)
                length += len(BLOCK_SEPARATOR)
            if start is None:
                start = length
            text.append(block.text)
            length += len(block.text)
        if start is not None:
            parts.append(ProsePart(name, start, length))
    return "".join(text), tuple(parts)


def _join_positions(named: _Named) -> list[int]:
    """The position map of what :func:`_join_text` joins (blocks built with positions)."""
    pos: list[int] = []
    for _name, blocks in named:
        for block in blocks:
            assert block.pos is not None
            if pos:
                pos.extend([pos[-1]] * len(BLOCK_SEPARATOR))
            pos.extend(block.pos)
    return pos


def _lazy_prose(build: Callable[[bool], _Named], path: str) -> Prose:
    text, parts = _join_text(build(False))
    return Prose(text, path, parts=parts, locate=lambda: _join_positions(build(True)))


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
    contract = data or {}

    def build(track: bool) -> _Named:
        return [("body", _prose_of(source, line, col, contract, line_blocks, track))]

    return _lazy_prose(build, path)


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
    present = [
        (name, found)
        for name in fields
        if (found := section.fields.get(name)) is not None and found.value
    ]

    def build(track: bool) -> _Named:
        named: _Named = [
            (name, _prose_of(found.value, found.pos.line, found.pos.col, contract, True, track))
            for name, found in present
        ]
        body = _prose_of(section.body, section.body_line, 1, contract, plain, track)
        named.append(("body", body))
        return named

    return _lazy_prose(build, section.path)
