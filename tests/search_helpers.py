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


def assert_same_sections(html: str) -> bool:
    """Our sections equal material's for the slimmed ``html``; False if we left it to material."""
    slim = searchable(html)
    ours = our_sections(slim)
    if ours is None:
        return False
    assert ours == material_sections(slim), slim
    return True
