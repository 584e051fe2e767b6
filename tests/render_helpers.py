"""Helpers for the render tests: copy -> document, a small HTML tree, and a real Jinja run.

The HTML tree is built with the standard library's html.parser, which (unlike a browser) keeps
text where it stands, so tests can see exactly where a token sits between rows or items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2

from micromoments.render.document import Document
from micromoments.render.markdown import parse_copy
from micromoments.render.protect import Protected, Slot, Slots

VOID = {"br", "img", "meta", "hr", "link", "input", "col", "area", "base", "source", "wbr"}
REPO = Path(__file__).resolve().parents[1]


def parse(copy: str) -> tuple[Document, Protected]:
    """Protect and parse a piece of copy."""
    protected = Slots().protect(copy)
    return parse_copy(protected), protected


@dataclass
class Node:
    """An element (or the root, tag "") with its children: nodes and text strings."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def iter(self) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """Elements with this tag whose attributes contain ``attrs`` (class_ for class)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        found = []
        for n in self.iter():
            if n.tag != tag:
                continue
            if all(
                (v in n.attrs.get(k, "").split()) if k == "class" else n.attrs.get(k) == v
                for k, v in wanted.items()
            ):
                found.append(n)
        return found

    def find(self, tag: str, **attrs: str) -> Node:
        """The first matching element (AssertionError when none)."""
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag} {attrs}>"
        return found[0]

    def text(self) -> str:
        """All text below this node."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def child_kinds(self) -> list[str]:
        """Children as tags, or the stripped text for text children (blank text skipped)."""
        out = []
        for c in self.children:
            if isinstance(c, Node):
                out.append(c.tag)
            elif c.strip():
                out.append(c.strip())
        return out


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_tree(html: str) -> Node:
    """Parse HTML (comments, including Outlook's conditional ones, are dropped)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def balanced(fragment: str) -> bool:
    """True when every tag opened in ``fragment`` closes in it, and nothing else closes."""
    checker = _Balance()
    checker.feed(fragment)
    checker.close()
    return checker.ok and not checker.stack


def jinja_syntax(slot: Slot) -> str:
    """The slot's tag in Jinja syntax (what the jinja dialect will produce)."""
    path = slot.var.name if slot.var is not None else ""
    if slot.kind == "var":
        return "{{ " + path + " }}"
    if slot.kind in ("if", "elif"):
        return "{% " + slot.kind + (" not " if slot.negate else " ") + path + " %}"
    if slot.kind == "for":
        return "{% for " + str(slot.target) + " in " + path + " %}"
    return "{% " + slot.kind + " %}"


def run_jinja(text: str, slots: dict[str, Slot], data: dict[str, Any], *, html: bool) -> str:
    """Replace every token with Jinja syntax and render it with ``data`` (a real engine run)."""
    from micromoments.render.protect import substitute

    template = substitute(text, {t: jinja_syntax(s) for t, s in slots.items()})
    env = jinja2.Environment(
        autoescape=html, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    return env.from_string(template).render(data)
