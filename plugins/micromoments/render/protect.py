"""Protecting template tags from Markdown, MJML and CSS processing.

Copy mixes Markdown with template tags. CommonMark parsers reject ``[Se ordre]({{ url }})``
(spaces in a link destination) and percent-encode ``{{url}}``; MJML engines and CSS inliners
mangle tags inside attributes. So before any of them runs, every tag is replaced by a *slot
token*: ASCII letters and digits only (``MMSLOT0007X``), which every stage passes through
unchanged, in text, attributes and URLs alike. After the HTML is final, each token is replaced
by the dialect's own syntax (or, for previews, by the escaped value).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from ..copytemplate import Var
from ..diagnostics import Position

SlotKind = Literal["var", "if", "elif", "else", "endif", "for", "endfor"]

TOKEN = re.compile(r"MMSLOT\d{4}X")
_TAG = re.compile(r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}|\{%-?\s*(?P<stmt>.*?)\s*-?%\}|\{#.*?#\}", re.S)
_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_IF = re.compile(rf"^(?P<kw>if|elif)\s+(?P<neg>not\s+)?(?P<path>{_PATH})$")
_FOR = re.compile(rf"^for\s+(?P<target>[A-Za-z_][A-Za-z0-9_]*)\s+in\s+(?P<path>{_PATH})$")


class Slot(NamedTuple):
    """What one token stands for.

    ``var`` is the variable (for ``var``), the test (``if``/``elif``) or the iterated list
    (``for``); ``target`` is the loop variable; ``block`` is True when the tag stood alone on
    its line (a block-level control line rather than a tag inside a sentence). (A named tuple,
    immutable like a frozen dataclass and three times quicker to make: every tag of every
    email makes one.)
    """

    token: str
    kind: SlotKind
    var: Var | None = None
    negate: bool = False
    target: str | None = None
    block: bool = False


def token(n: int) -> str:
    """The token for slot number ``n``."""
    found = _TOKENS.get(n)
    if found is None:  # made once per number
        found = _TOKENS.setdefault(n, f"MMSLOT{n:04d}X")
    return found


_TOKENS: dict[int, str] = {}


@dataclass
class Protected:
    """Copy text with tags replaced by tokens, and what each token stands for."""

    text: str
    slots: dict[str, Slot]

    def slot(self, tok: str) -> Slot:
        """The slot behind a token."""
        return self.slots[tok]


class Slots:
    """Numbers slots across every piece of one email (subject, preheader, body)."""

    def __init__(self) -> None:
        self.slots: dict[str, Slot] = {}

    def protect(self, source: str, *, join_lines: bool = False) -> Protected:
        """Replace every tag in ``source`` (already validated by copytemplate) with a token.

        With ``join_lines`` (for plain-text messages), a control tag alone on its line takes
        the line with it: its token moves to the end of the previous line. Engines disagree on
        the whitespace around such lines (Handlebars drops "standalone" lines, Jinja and Liquid
        keep them); joined, every dialect prints the same text.
        """
        if "{" not in source:  # no tag at all (most subjects and preheaders)
            return Protected(source, {})
        local: dict[str, Slot] = {}
        slots = self.slots

        def replace(match: re.Match[str]) -> str:
            tag = match.group(0)
            if tag[1] == "#":  # a comment
                return ""
            kind, var, negate, target = _meaning(tag)
            tok = token(len(slots) + 1)
            if kind == "var":
                slot = Slot(tok, kind, var)
            else:  # a control tag: does it stand alone on its line?
                start, end = match.span()
                line_start = source.rfind("\n", 0, start) + 1
                line_end = source.find("\n", end)
                line_end = len(source) if line_end < 0 else line_end
                alone = not source[line_start:start].strip() and not source[end:line_end].strip()
                slot = Slot(tok, kind, var, negate, target, alone)
            local[tok] = slot
            slots[tok] = slot
            return tok

        text = _TAG.sub(replace, source)
        if join_lines:
            text = _join_control_lines(text, local)
        return Protected(text, local)


_Meaning = tuple[SlotKind, Var | None, bool, str | None]


@functools.lru_cache(maxsize=4096)
def _meaning(tag: str) -> _Meaning:
    """What a tag stands for, whatever its token: kind, variable (or test, or iterated list),
    negation and loop variable. Cached: copy repeats the same few tags, and their Var objects
    are immutable."""
    parts = _TAG.fullmatch(tag)
    assert parts is not None  # a tag _TAG found
    expr, stmt = parts.group("expr"), parts.group("stmt")
    if expr is not None:
        return "var", _var(expr), False, None
    stmt = " ".join((stmt or "").split())
    if stmt in ("else", "endif", "endfor"):
        return stmt, None, False, None  # type: ignore[return-value]
    found = _IF.match(stmt)
    if found:
        kind: SlotKind = "if" if found.group("kw") == "if" else "elif"
        return kind, _var(found.group("path")), bool(found.group("neg")), None
    found = _FOR.match(stmt)
    if found:
        return "for", _var(found.group("path")), False, found.group("target")
    raise ValueError(f"tag outside the copy subset: {tag!r}")


def _join_control_lines(text: str, slots: dict[str, Slot]) -> str:
    """Remove standalone control lines, moving each token to the start of the next line.

    "Hej\n{% if x %}\nFølg\n{% endif %}\nTak" becomes "Hej\n{% if x %}Følg\n{% endif %}Tak":
    the control lines vanish in every engine. A control line at the very end keeps a line of
    its own plus a newline, so Handlebars treats it as standalone too; engines then differ only
    in trailing whitespace.
    """
    lines = text.split("\n")
    out: list[str] = []
    pending = ""  # control tokens waiting for the next line
    for line in lines:
        stripped = line.strip()
        if (
            stripped
            and all(slots[t].kind != "var" for t in TOKEN.findall(stripped))
            and not TOKEN.sub("", stripped)
        ):
            pending += stripped
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.extend([pending, ""])
    return "\n".join(out)


def _var(path: str) -> Var:
    return Var(tuple(path.split(".")), Position(0, 0))


def tokens_in(text: str) -> list[str]:
    """Every token in ``text``, in order."""
    return [m.group(0) for m in TOKEN.finditer(text)]


def substitute(text: str, replacement: dict[str, str]) -> str:
    """Replace every token in ``text`` by its string in ``replacement``."""
    return TOKEN.sub(lambda m: replacement[m.group(0)], text)
