"""Filling slot tokens with data: the preview renderer.

Previews never go through a template engine: the output of the build (HTML, text) still holds
slot tokens, and this module replaces them by walking the token stream with the sample (or the
missing-data) values. That is fast (no template compilation per email) and safe (values are
escaped here, and nothing in the copy can execute). The differential tests render the production
output of every dialect with its real engine and compare it with this.

Semantics, shared by every dialect: a value is *missing* when it is absent, null, false, zero,
empty text or an empty list; a missing value prints its fallback; ``if`` is true when the value
is not missing; ``for`` repeats its body per item.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import DataField
from .dialects import Loop, fallback_text, resolve
from .protect import TOKEN, Slot


@dataclass
class _Node:
    slot: Slot | None
    children: list[_Node | str] = field(default_factory=list)
    branches: list[tuple[Slot | None, list[_Node | str]]] = field(default_factory=list)


def _tree(text: str, slots: Mapping[str, Slot]) -> list[_Node | str]:
    """Nest the token stream: if/elif/else/endif and for/endfor become nodes."""
    root: list[_Node | str] = []
    stack: list[tuple[_Node, list[_Node | str]]] = []
    current = root
    pos = 0
    for match in TOKEN.finditer(text):
        if match.start() > pos:
            current.append(text[pos : match.start()])
        pos = match.end()
        slot = slots[match.group(0)]
        if slot.kind == "var":
            current.append(_Node(slot))
        elif slot.kind in ("if", "for"):
            node = _Node(slot)
            branch: list[_Node | str] = []
            node.branches.append((slot, branch))
            current.append(node)
            stack.append((node, current))
            current = branch
        elif slot.kind in ("elif", "else") and stack:
            node = stack[-1][0]
            branch = []
            node.branches.append((slot if slot.kind == "elif" else None, branch))
            current = branch
        elif slot.kind in ("endif", "endfor") and stack:
            _node, current = stack.pop()
    if pos < len(text):
        current.append(text[pos:])
    return root


def is_missing(value: Any) -> bool:
    """True for absent, null, false, zero, empty text and empty collections."""
    if value is None or value is False:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0
    return False


def lookup(path: Sequence[str], scope: Mapping[str, Any]) -> Any:
    """The value at a dotted path, or None when any step is missing."""
    current: Any = scope
    for name in path:
        if not isinstance(current, Mapping) or name not in current:
            return None
        current = current[name]
    return current


def show(value: Any) -> str:
    """A value as printed: booleans lower-case like Liquid and Handlebars, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Filler:
    """Fills the tokens of one email/message with one set of values."""

    def __init__(
        self, slots: Mapping[str, Slot], data: Mapping[str, DataField], values: Mapping[str, Any]
    ) -> None:
        self.slots = slots
        self.data = data
        self.values = values

    def fill(self, text: str, *, escape: bool) -> str:
        """``text`` with every token replaced (HTML-escaped values when ``escape``)."""
        if "MMSLOT" not in text:
            return text
        out: list[str] = []
        self._render(_tree(text, self.slots), dict(self.values), [], out, escape)
        return "".join(out)

    def _render(
        self,
        nodes: list[_Node | str],
        scope: dict[str, Any],
        loops: list[Loop],
        out: list[str],
        escape: bool,
    ) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
                continue
            slot = node.slot
            assert slot is not None and slot.var is not None
            if slot.kind == "var":
                value = lookup(slot.var.path, scope)
                if is_missing(value):
                    value = fallback_text(resolve(slot.var.path, loops, self.data)) or ""
                text = show(value)
                out.append(html.escape(text, quote=True) if escape else text)
            elif slot.kind == "if":
                for test, branch in node.branches:
                    if test is None or test.var is None:
                        self._render(branch, scope, loops, out, escape)
                        break
                    truth = not is_missing(lookup(test.var.path, scope))
                    if truth != test.negate:
                        self._render(branch, scope, loops, out, escape)
                        break
            elif slot.kind == "for":
                items = lookup(slot.var.path, scope)
                iterated = resolve(slot.var.path, loops, self.data)
                item_decl = (
                    DataField(type="object", source="", fields=iterated.children())
                    if iterated
                    else None
                )
                inner_loops = [*loops, Loop(str(slot.target), slot.var, item_decl)]
                for item in items if isinstance(items, list) else []:
                    inner = dict(scope)
                    inner[str(slot.target)] = item
                    self._render(node.branches[0][1], inner, inner_loops, out, escape)


def sample_values(data: Mapping[str, DataField]) -> dict[str, Any]:
    """The "sample" scenario: every variable's example."""
    return {name: d.example for name, d in data.items() if d.example is not None}


def missing_values(data: Mapping[str, DataField]) -> dict[str, Any]:
    """The "missing data" scenario: only required variables keep their example.

    Every optional variable is absent, so each fallback (and each ``{% else %}``) shows.
    """
    return {name: d.example for name, d in data.items() if d.required and d.example is not None}


SCENARIOS = {"sample": sample_values, "missing-data": missing_values}
