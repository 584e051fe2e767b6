"""Markdown written by people (a moment's rationale) as HTML that is safe to put in the page.

Raw HTML in the Markdown is shown as text, never passed through; links to ``javascript:`` and
similar are refused (markdown-it's link validation); images become links, so nothing is loaded
from elsewhere; headings are shifted down so the rationale nests under the page's own headings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape


def _image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:  # fmt: skip
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = token.content or src
    return f'<a href="{escape(src)}">{escape(alt)}</a>'


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.add_render_rule("image", _image_as_link)
    return md


_MD = _parser()


def markdown_html(text: str, *, top: int = 3) -> Markup:
    """``text`` rendered as HTML with its highest heading at level ``top``."""
    tokens = _MD.parse(text or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = max(0, top - min(levels)) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    return Markup(_MD.renderer.render(tokens, _MD.options, {}))
