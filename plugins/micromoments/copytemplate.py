"""The template subset copy may use, parsed into a tiny tree every dialect can translate.

Copy may use ``{{ var }}``, ``{{ var.field }}``, ``{% if var %}`` (with ``not``, ``elif`` and
``else``) and ``{% for x in list %}``. Nothing else: filters, calls, assignments and macros have
no faithful equivalent in every ESP's merge-tag language, and copywriters do not need them.
Copy written plainly in the subset is read by a small reader of our own; anything else goes to
Jinja's own parser (so syntax errors are Jinja's, with its line numbers), whose tree is
converted into the same :class:`Var`, :class:`Text`, :class:`If` and :class:`For` nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import jinja2
from jinja2 import nodes as j

from .diagnostics import Position


@dataclass(frozen=True, slots=True)
class Var:
    """``{{ a.b }}``: a variable path, with its position in the parsed text."""

    path: tuple[str, ...]
    pos: Position

    @property
    def name(self) -> str:
        """The dotted name as written."""
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Text:
    """Literal copy between template tags."""

    text: str


@dataclass(frozen=True, slots=True)
class If:
    """``{% if [not] var %} body {% else %} orelse {% endif %}`` (elif nests in orelse)."""

    test: Var
    negate: bool
    body: tuple[Node, ...]
    orelse: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class For:
    """``{% for target in iter %} body {% endfor %}``."""

    target: str
    iter: Var
    body: tuple[Node, ...]


Node = Var | Text | If | For


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    """Why a piece of copy is not in the subset; ``kind`` is "syntax" or "unsupported"."""

    kind: str
    pos: Position
    message: str
    hint: str


@dataclass(frozen=True, slots=True)
class ParsedTemplate:
    """The nodes of one piece of copy, or the problems that kept it from being read."""

    nodes: tuple[Node, ...] = ()
    problems: tuple[TemplateProblem, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the text parsed and stays within the subset."""
        return not self.problems

    @property
    def is_static(self) -> bool:
        """True when the text holds no template tags at all."""
        return all(isinstance(n, Text) for n in self.nodes)


@dataclass(frozen=True, slots=True)
class VarUse:
    """A variable used in copy, resolved against the loops around it.

    ``root`` is the declared data key; ``fields`` the path below it (for a loop variable, the
    fields of one list item); ``loop`` says whether the root was reached through a loop.
    """

    root: str
    fields: tuple[str, ...]
    pos: Position
    written: str
    in_loop: bool = False


_ENV = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
_TAG = re.compile(r"\{[{%#]")

SUBSET_HINT = (
    "copy supports {{ var }}, {{ var.field }}, {% if var %}…{% else %}…{% endif %} and "
    "{% for item in list %}…{% endfor %}"
)


def has_tags(text: str) -> bool:
    """True when ``text`` contains any ``{{``, ``{%`` or ``{#``."""
    return bool(_TAG.search(text))


def parse(source: str) -> ParsedTemplate:
    """Parse copy into the subset tree. Positions are 1-based lines of ``source``."""
    if not has_tags(source):
        return ParsedTemplate((Text(source),) if source else ())
    return _parse_cached(source)


@lru_cache(maxsize=4096)
def _parse_cached(source: str) -> ParsedTemplate:
    plain = _parse_plain(source)
    return plain if plain is not None else _parse_jinja(source)


# --- the subset as plainly written ---------------------------------------------------------------
# Jinja's parser takes about half a millisecond per piece of copy, most of a spec's check time.
# Copy written plainly in the subset ({{ a.b }}, {% if [not] a %}, {% elif %}, {% else %},
# {% endif %}, {% for x in a %}, {% endfor %}, spaces only inside tags, every tag closed) is
# read here into the very nodes Jinja's tree converts to; anything else (whitespace control,
# comments, filters, a stray {{, an unclosed if) goes to Jinja, which names the problem. A
# differential test holds both readings to the same result.

_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_PLAIN_TAG = re.compile(
    rf"\{{\{{ *(?P<var>{_PATH}) *\}}\}}"
    rf"|\{{% *(?:(?P<kw>if|elif) +(?P<neg>not +)?(?P<test>{_PATH})"
    rf"|for +(?P<target>[A-Za-z_][A-Za-z0-9_]*) +in +(?P<iter>{_PATH})"
    rf"|(?P<end>else|endif|endfor)) *%\}}"
)
# Names Jinja reads as something other than a variable (constants, operators, statements).
# Jinja accepts some of them after a dot (``a.if``); such copy is simply left to Jinja.
_RESERVED = frozenset(
    {"true", "false", "none", "True", "False", "None", "not", "and", "or", "in", "is", "if",
     "else", "elif", "endif", "for", "endfor", "recursive"}
)  # fmt: skip


@dataclass
class _Open:
    """A block being read: an if (with the elif levels it opened) or a for."""

    kind: str  # "if" or "for"
    body: list[Node] = field(default_factory=list)
    test: Var | None = None  # an if's
    negate: bool = False
    target: str = ""  # a for's loop variable and what it iterates
    iter: Var | None = None
    in_else: bool = False
    orelse: list[Node] = field(default_factory=list)
    elif_of: _Open | None = None  # the if (or elif) this elif continues


def _parse_plain(source: str) -> ParsedTemplate | None:
    """The subset tree of plainly written copy, or None to let Jinja read it."""
    if "\r" in source or "{#" in source:
        return None
    text = source[:-1] if source.endswith("\n") else source  # Jinja drops one final newline
    out: list[Node] = []
    stack: list[_Open] = []

    def target() -> list[Node]:
        if not stack:
            return out
        top = stack[-1]
        return top.orelse if top.in_else else top.body

    pos, line = 0, 1
    while True:
        start = _next_tag(text, pos)
        if start < 0:
            break
        if start > pos:
            target().append(Text(text[pos:start]))
            line += text.count("\n", pos, start)
        match = _PLAIN_TAG.match(text, start)
        if match is None:
            return None
        pos = match.end()
        names = (match["var"] or match["test"] or match["iter"] or "").split(".")
        if match["target"]:
            names.append(match["target"])
        if any(name in _RESERVED for name in names):
            return None
        if match["var"]:
            target().append(_plain_var(source, match["var"], line))
        elif match["kw"]:  # if, or elif: an if nested in the open if's else branch
            elif_of = stack[-1] if match["kw"] == "elif" and stack else None
            if match["kw"] == "elif" and (elif_of is None or elif_of.kind != "if"
                                          or elif_of.in_else):  # fmt: skip
                return None
            stack.append(_Open("if", test=_plain_var(source, match["test"], line),
                               negate=bool(match["neg"]), elif_of=elif_of))  # fmt: skip
        elif match["target"]:
            stack.append(_Open("for", target=match["target"],
                               iter=_plain_var(source, match["iter"], line)))  # fmt: skip
        elif match["end"] == "else":
            if not stack or stack[-1].kind != "if" or stack[-1].in_else:
                return None
            stack[-1].in_else = True
        elif match["end"] == "endif":
            if not stack or stack[-1].kind != "if":
                return None
            node = _close_if(stack)
            target().append(node)
        else:  # endfor
            if not stack or stack[-1].kind != "for":
                return None
            block = stack.pop()
            assert block.iter is not None
            target().append(For(block.target, block.iter, tuple(block.body)))
    if stack:
        return None
    if pos < len(text):
        target().append(Text(text[pos:]))
    return ParsedTemplate(tuple(out))


def _next_tag(text: str, pos: int) -> int:
    """Where the next ``{{`` or ``{%`` starts, or -1."""
    found = text.find("{", pos)
    while found >= 0 and text[found + 1 : found + 2] not in ("{", "%"):
        found = text.find("{", found + 1)
    return found


def _plain_var(source: str, written: str, line: int) -> Var:
    """The variable ``written`` (``a.b``) on ``line``, placed as Jinja's reading places it."""
    return Var(tuple(written.split(".")), Position(line, _column(source, line, written)))


def _close_if(stack: list[_Open]) -> If:
    """Pop an if and the elif levels it opened; each elif is the else branch of the one
    before it, the innermost holding the final else."""
    block = stack.pop()
    assert block.test is not None
    node = If(block.test, block.negate, tuple(block.body), tuple(block.orelse))
    while block.elif_of is not None:
        outer = stack.pop()
        assert outer is block.elif_of and outer.test is not None
        node = If(outer.test, outer.negate, tuple(outer.body), (node,))
        block = outer
    return node


def _parse_jinja(source: str) -> ParsedTemplate:
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as error:
        line = error.lineno or 1
        return ParsedTemplate(
            problems=(
                TemplateProblem(
                    "syntax",
                    Position(line, _column(source, line, None)),
                    f"template syntax error: {error.message}",
                    _syntax_hint(error.message or ""),
                ),
            )
        )
    problems: list[TemplateProblem] = []
    converter = _Converter(source, problems)
    converted = converter.body(tree.body)
    return ParsedTemplate(tuple(converted), tuple(problems))


def _syntax_hint(message: str) -> str:
    if "endif" in message or "endfor" in message:
        return "close every {% if %} with {% endif %} and every {% for %} with {% endfor %}"
    if "unexpected '}'" in message or "unexpected end of template" in message:
        return "variables are written {{ name }} with two braces on each side"
    return SUBSET_HINT


def _column(source: str, line: int, needle: str | None) -> int:
    lines = source.split("\n")
    if not 1 <= line <= len(lines):
        return 1
    text = lines[line - 1]
    if needle:
        match = re.search(
            r"\{[{%]-?\s*(?:(?:if|elif|for\s+\w+\s+in)\s+)?(?:not\s+)?" + re.escape(needle), text
        )
        if match:
            return match.start() + 1
        found = text.find(needle)
        if found >= 0:
            return found + 1
    tag = _TAG.search(text)
    return tag.start() + 1 if tag else 1


class _Converter:
    def __init__(self, source: str, problems: list[TemplateProblem]) -> None:
        self.source = source
        self.problems = problems

    def unsupported(self, node: j.Node, what: str) -> None:
        line = getattr(node, "lineno", 1) or 1
        col = _column(self.source, line, None)
        marker = _MARKERS.get(type(node))
        if marker:
            text = self.source.split("\n")[line - 1] if line <= self.source.count("\n") + 1 else ""
            found = re.search(marker, text)
            if found:
                col = found.start() + 1
        self.problems.append(
            TemplateProblem(
                "unsupported",
                Position(line, col),
                f"{what} is not supported in copy",
                SUBSET_HINT,
            )
        )

    def body(self, body: list[j.Node]) -> list[Node]:
        out: list[Node] = []
        for node in body:
            out.extend(self.statement(node))
        return out

    def statement(self, node: j.Node) -> Iterator[Node]:
        if isinstance(node, j.Output):
            for child in node.nodes:
                if isinstance(child, j.TemplateData):
                    yield Text(child.data)
                else:
                    var = self.var(child)
                    if var is not None:
                        yield var
        elif isinstance(node, j.If):
            yield from self.if_(node)
        elif isinstance(node, j.For):
            if node.else_ or node.test is not None or node.recursive:
                self.unsupported(node, "for … else, for … if and recursive loops")
            if not isinstance(node.target, j.Name):
                self.unsupported(node, "unpacking in a for loop")
                return
            iterable = self.var(node.iter)
            if iterable is not None:
                yield For(node.target.name, iterable, tuple(self.body(node.body)))
        else:
            self.unsupported(node, _describe(node))

    def if_(self, node: j.If) -> Iterator[Node]:
        test, negate = node.test, False
        if isinstance(test, j.Not):
            test, negate = test.node, True
        var = self.var(test)
        orelse: list[Node] = []
        if node.elif_:
            first, *rest = node.elif_
            nested = j.If(first.test, first.body, rest, node.else_, lineno=first.lineno)
            orelse = list(self.if_(nested))
        else:
            orelse = self.body(node.else_)
        body = self.body(node.body)
        if var is not None:
            yield If(var, negate, tuple(body), tuple(orelse))

    def var(self, node: j.Node) -> Var | None:
        parts: list[str] = []
        current = node
        while isinstance(current, j.Getattr):
            parts.append(current.attr)
            current = current.node
        if isinstance(current, j.Name) and current.ctx == "load":
            path = (current.name, *reversed(parts))
            line = node.lineno or 1
            return Var(path, Position(line, _column(self.source, line, ".".join(path))))
        self.unsupported(node, _describe(node))
        return None


_MARKERS: dict[type, str] = {
    j.Filter: r"\{\{[^}]*\|",
    j.Call: r"\{\{[^}]*\(",
    j.Getitem: r"\{\{[^}]*\[",
    j.Assign: r"\{%-?\s*set\b",
    j.AssignBlock: r"\{%-?\s*set\b",
    j.Macro: r"\{%-?\s*macro\b",
    j.Include: r"\{%-?\s*include\b",
    j.Import: r"\{%-?\s*import\b",
    j.FromImport: r"\{%-?\s*from\b",
    j.Extends: r"\{%-?\s*extends\b",
    j.Block: r"\{%-?\s*block\b",
    j.With: r"\{%-?\s*with\b",
}

_DESCRIPTIONS = {
    j.Filter: "a filter (|)",
    j.Call: "a function call",
    j.Getitem: "indexing with [ ]",
    j.Const: "a literal value inside {{ }}",
    j.Assign: "{% set %}",
    j.AssignBlock: "{% set %}",
    j.Macro: "{% macro %}",
    j.Include: "{% include %}",
    j.Import: "{% import %}",
    j.FromImport: "{% from … import %}",
    j.Extends: "{% extends %}",
    j.Block: "{% block %}",
    j.With: "{% with %}",
    j.FilterBlock: "{% filter %}",
    j.CallBlock: "{% call %}",
    j.Compare: "a comparison",
    j.And: "'and'",
    j.Or: "'or'",
    j.CondExpr: "an inline if",
    j.Concat: "~ concatenation",
    j.Test: "an 'is' test",
}


def _describe(node: j.Node) -> str:
    for kind, text in _DESCRIPTIONS.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, j.BinExpr | j.UnaryExpr):
        return "arithmetic"
    return f"'{type(node).__name__}'"


@dataclass
class _Scope:
    loops: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def variables(nodes: tuple[Node, ...]) -> list[VarUse]:
    """Every variable use, with loop variables resolved to the list they iterate."""
    uses: list[VarUse] = []
    _collect(nodes, {}, uses)
    return uses


def _resolve(var: Var, loops: dict[str, tuple[str, tuple[str, ...]]]) -> VarUse:
    head, *rest = var.path
    if head in loops:
        root, prefix = loops[head]
        return VarUse(root, (*prefix, *rest), var.pos, var.name, in_loop=True)
    return VarUse(head, tuple(rest), var.pos, var.name)


def _collect(
    nodes: tuple[Node, ...], loops: dict[str, tuple[str, tuple[str, ...]]], uses: list[VarUse]
) -> None:
    for node in nodes:
        if isinstance(node, Var):
            uses.append(_resolve(node, loops))
        elif isinstance(node, If):
            uses.append(_resolve(node.test, loops))
            _collect(node.body, loops, uses)
            _collect(node.orelse, loops, uses)
        elif isinstance(node, For):
            iterated = _resolve(node.iter, loops)
            uses.append(iterated)
            inner = dict(loops)
            inner[node.target] = (iterated.root, iterated.fields)
            _collect(node.body, inner, uses)
