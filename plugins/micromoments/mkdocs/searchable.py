"""The part of a generated page the search index needs: its headings and words.

mkdocs-material's search plugin feeds every page through Python's ``html.parser``, which costs
per tag. A moment page carries hundreds of tags that hold no words (preview switches, cards,
table cells, data attributes), and indexing them was a quarter of a 1,000-moment build. The
search plugin is handed this slimmed copy instead, then the page gets its full HTML back:

* elements marked ``data-search-exclude`` (as material honours it), scripts, styles, SVG,
  iframes and templates are dropped with their content;
* headings are kept whole (their ``id`` makes the search sections, their text the titles);
* the tags material keeps in its result previews (paragraphs, lists, code) are kept bare;
* every other tag becomes a space, so the words around it stay apart.

A tag scanner rather than an HTML parser, like :mod:`.toc`: it runs on our own templates'
well-formed output.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>|<!--.*?-->", re.S)
_SPACES = re.compile(r"\s+")
_RUNS = re.compile(r" {2,}")
_DROPPED = frozenset({"script", "style", "svg", "iframe", "template", "object"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})  # fmt: skip
_KEPT = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


def searchable(html: str) -> str:
    """``html`` reduced to what material's search index takes from it."""
    out: list[str] = []
    pos = 0
    skipping: str | None = None  # the tag name of the dropped element we are inside
    depth = 0
    heading: str | None = None  # inside a heading every tag is kept
    for match in _TAG.finditer(html):
        closing, name, attrs = match.group(1), (match.group(2) or "").lower(), match.group(3)
        if not name:  # a comment
            out.append(_SPACES.sub(" ", html[pos : match.start()]))
            pos = match.end()
            continue
        if skipping is not None:
            if name == skipping and not attrs.rstrip().endswith("/"):
                depth += -1 if closing else 1
                if depth == 0:
                    skipping = None
                    pos = match.end()
            continue
        out.append(_SPACES.sub(" ", html[pos : match.start()]))
        pos = match.end()
        if not closing and (name in _DROPPED or "data-search-exclude" in attrs):
            if name not in _VOID and not attrs.rstrip().endswith("/"):
                skipping, depth = name, 1
            continue
        if heading is not None:
            out.append(match.group(0))
            if closing and name == heading:
                heading = None
        elif name in _HEADINGS:
            out.append(match.group(0))
            heading = None if closing else name
        elif name in _KEPT:
            out.append(f"<{closing}{name}>")
        else:
            out.append(" ")
    if skipping is None:
        out.append(_SPACES.sub(" ", html[pos:]))
    return _RUNS.sub(" ", "".join(out))
