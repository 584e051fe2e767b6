"""YAML with positions, read the way a copywriter means it.

PyYAML's C parser builds the node tree (fast, with line and column marks); we construct plain
Python values from it ourselves so that:

* every value and every mapping key keeps its position, for diagnostics that point at the line;
* plain scalars follow the YAML 1.2 core schema: ``no``, ``on`` and ``nb`` stay strings (the
  "Norway problem" of YAML 1.1 would turn the Norwegian locale ``no`` into ``False``) and
  ``12:30`` stays a string instead of becoming the sexagesimal number 750;
* duplicate keys are reported instead of silently keeping the last one;
* anchors and aliases are expanded with a budget, so a "billion laughs" file cannot hang a build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
import yaml.reader
from yaml.resolver import BaseResolver

from .diagnostics import Position

try:  # the C parser (which also composes) is ~10x faster; the pure-Python one behaves the same
    from yaml._yaml import CParser

    class _Loader(CParser, BaseResolver):
        """Parses and composes only; BaseResolver tags every plain scalar as a string."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            BaseResolver.__init__(self)

        def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
            # BaseResolver's answer without its generic lookups (it has no implicit resolvers
            # and no path resolvers); the parser asks once per node
            if kind is yaml.ScalarNode:
                return BaseResolver.DEFAULT_SCALAR_TAG
            if kind is yaml.SequenceNode:
                return BaseResolver.DEFAULT_SEQUENCE_TAG
            return BaseResolver.DEFAULT_MAPPING_TAG

except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, BaseResolver):  # type: ignore[no-redef]
        """Parses and composes only; BaseResolver tags every plain scalar as a string."""

        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            BaseResolver.__init__(self)


Path = tuple[str | int, ...]

MAX_VALUES = 20_000  # more values than any spec needs; stops alias bombs early
MAX_DEPTH = 40

_NULL = re.compile(r"^(?:~|null|Null|NULL)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem found while reading YAML; ``code`` names the kind for the caller's rule id."""

    code: str  # "syntax" | "duplicate-key" | "too-big" | "too-deep" | "key-type" | "tag"
    pos: Position
    message: str
    hint: str = ""


@dataclass
class YamlDocument:
    """Plain Python data plus where each value (and each mapping key) stands in the source."""

    data: Any
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)

    def pos(self, path: Path) -> Position:
        """Position of the value at ``path`` or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def key_pos(self, path: Path) -> Position:
        """Position of the key that holds ``path`` (falls back to the value position)."""
        found = self.keys.get(path)
        return found if found is not None else self.pos(path)


def _mark(node: yaml.Node, line_offset: int) -> Position:
    return Position(node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)


_NUMERIC_START = frozenset("0123456789+-.")  # how every int, float, inf and nan begins


def resolve_plain(text: str) -> Any:
    """Turn an unquoted scalar into None, bool, int, float or str (YAML 1.2 core schema)."""
    if not text:
        return None
    if text[0] not in _NUMERIC_START:  # most values are words: two lookups, not seven patterns
        if text in _BOOL:
            return _BOOL[text]
        return None if _NULL.match(text) else text
    if _INT.match(text):
        return int(text)
    if _HEX.match(text):
        return int(text, 16)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


class _Builder:
    def __init__(self, line_offset: int) -> None:
        self.line_offset = line_offset
        self.count = 0
        self.doc = YamlDocument(None)
        self.problems: list[YamlProblem] = []

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        pos = _mark(node, self.line_offset)
        if self.count > MAX_VALUES:
            raise _Abort(
                YamlProblem(
                    "too-big",
                    pos,
                    f"the YAML expands to more than {MAX_VALUES:,} values",
                    "anchors and aliases that refer to each other multiply; write the values out",
                )
            )
        if depth > MAX_DEPTH:
            raise _Abort(
                YamlProblem(
                    "too-deep",
                    pos,
                    f"the YAML is nested more than {MAX_DEPTH} levels deep",
                    "front-matter needs only a few levels; check the indentation",
                )
            )
        self.doc.values.setdefault(path, pos)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, pos)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_pos = _mark(key_node, self.line_offset)
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(
                    YamlProblem(
                        "key-type",
                        key_pos,
                        "a mapping key must be a plain word",
                        "write keys like `title:`; lists and mappings cannot be keys",
                    )
                )
                continue
            key = key_node.value
            if key == "<<":
                self.problems.append(
                    YamlProblem(
                        "tag",
                        key_pos,
                        "YAML merge keys (`<<:`) are not supported",
                        "write the keys out; a spec is easier to review without merges",
                    )
                )
                continue
            if key in result:
                first = self.doc.keys.get((*path, key), key_pos)
                self.problems.append(
                    YamlProblem(
                        "duplicate-key",
                        key_pos,
                        f"key {key!r} appears twice (first on line {first.line})",
                        "remove one of them; only the last one would count",
                    )
                )
            self.doc.keys[(*path, key)] = key_pos
            self.doc.values.pop((*path, key), None)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, pos: Position) -> Any:
        tag = node.tag
        if not node.style and tag == BaseResolver.DEFAULT_SCALAR_TAG:  # plain: None or ""
            return resolve_plain(node.value)
        if tag in ("tag:yaml.org,2002:str", BaseResolver.DEFAULT_SCALAR_TAG):
            return node.value
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
            return resolve_plain(node.value)
        if tag == "tag:yaml.org,2002:null":
            return None
        self.problems.append(
            YamlProblem(
                "tag",
                pos,
                f"YAML tag {tag!r} is not supported",
                "remove the tag; quote the value if it should be text",
            )
        )
        return node.value


class _Abort(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _reader_problem(error: yaml.reader.ReaderError, text: str, line_offset: int) -> YamlProblem:
    index = max(0, min(error.position, len(text)))
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    char = error.character
    code = f"U+{ord(char):04X}" if isinstance(char, str) else f"0x{char:02X}"
    return YamlProblem(
        "syntax",
        Position(line + line_offset, col),
        f"invalid YAML: the control character {code} is not allowed",
        "delete it; control characters are invisible in most editors (retype the line)",
    )


def _syntax_problem(error: yaml.YAMLError, text: str, line_offset: int) -> YamlProblem:
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_problem(error, text, line_offset)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    pos = (
        Position(mark.line + 1 + line_offset, mark.column + 1)
        if mark is not None
        else Position(1 + line_offset, 1)
    )
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    hint = "check the indentation and quoting on this line"
    lines = text.splitlines()
    line_text = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    if "\t" in line_text or "'\\t'" in str(problem):
        message = "invalid YAML: a tab character is used for indentation"
        hint = "YAML indents with spaces only; replace the tab with two spaces"
    elif "mapping values are not allowed" in str(problem):
        hint = 'a value that contains ": " must be quoted, e.g. title: "Tak: din ordre"'
    elif "found undefined alias" in str(problem):
        hint = "define the anchor (&name) before using the alias (*name)"
    elif "found character '@'" in str(problem) or "found character '`'" in str(problem):
        hint = "values starting with @ or ` must be quoted"
    return YamlProblem("syntax", pos, message, hint)


def load_yaml(text: str, *, line_offset: int = 0) -> tuple[YamlDocument | None, list[YamlProblem]]:
    """Read one YAML document.

    ``line_offset`` is added to every line, for YAML that starts further down a file (front-matter
    after its ``---`` line). Returns the document (None when it cannot be read at all) and the
    problems found. Never raises for bad input.
    """
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        return None, [_syntax_problem(error, text, line_offset)]
    except RecursionError:
        return None, [
            YamlProblem(
                "too-deep",
                Position(1 + line_offset, 1),
                "the YAML is nested too deeply to read",
                "front-matter needs only a few levels; check the brackets",
            )
        ]
    if node is None:
        return YamlDocument(None), []
    builder = _Builder(line_offset)
    try:
        builder.doc.data = builder.build(node, (), 0)
    except _Abort as abort:
        return None, [*builder.problems, abort.problem]
    return builder.doc, builder.problems
