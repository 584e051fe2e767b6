"""Comparing our search sections with what mkdocs-material's search parser makes."""

from __future__ import annotations

from typing import Any

from material.plugins.search.plugin import Parser

from micromoments.mkdocs.searchable import searchable
from micromoments.mkdocs.searchindex import sections


def material_sections(slim: str) -> list[tuple[Any, ...]]:
    """What mkdocs-material's search parser makes of ``slim``."""
    parser = Parser()
    parser.feed(slim)
    parser.close()
    return [(s.el.tag, s.depth, s.id, s.title, s.text) for s in parser.data]


def our_sections(slim: str) -> list[tuple[Any, ...]] | None:
    found = sections(slim)
    if found is None:
        return None
    return [(s.tag, s.depth, s.id, s.title, s.text) for s in found]


def fast_path_matches_material(html: str) -> bool:
    """True when our sections of the slimmed ``html`` are material's; False when we leave the
    page to material. Fails the test when they differ."""
    slim = searchable(html)
    ours = our_sections(slim)
    if ours is None:
        return False
    assert ours == material_sections(slim), slim
    return True


# elements a heading cannot stand in (an HTML parser would close a paragraph before it)
_NO_HEADING_INSIDE = ("h1", "h2", "h3", "p", "code", "pre", "sub", "sup", "span", "a", "em")


def balanced(pieces: list[str]) -> str:
    """``pieces`` (tags and text) made a well-formed page: a stray end tag is dropped, an end
    tag closes what is open inside its element, a heading opens only where HTML allows it, and
    whatever is still open is closed at the end. Void tags are left as they are."""
    stack: list[str] = []
    out: list[str] = []
    for piece in pieces:
        name = piece.strip("</>").split()[0].lower() if piece.startswith("<") else ""
        if piece.startswith("</"):
            while name in stack:
                top = stack.pop()
                out.append(f"</{top}>")
                if top == name:
                    break
            continue
        if name in ("br", "input", "img"):
            out.append(piece)
        elif name:
            if name in ("h1", "h2", "h3") and any(t in stack for t in _NO_HEADING_INSIDE):
                continue
            stack.append(name)
            out.append(piece)
        else:
            out.append(piece)
    out.extend(f"</{name}>" for name in reversed(stack))
    return "".join(out)
