"""The table of contents of a generated page, read from the headings its template rendered.

Reading it from the output (rather than listing sections in Python) keeps the right-hand table
of contents true when a team overrides a template and adds or drops sections.
"""

from __future__ import annotations

import html
import re
from typing import Any

from mkdocs.structure.toc import TableOfContents, get_toc

_HEADING = re.compile(r"<h([1-3])\b([^>]*)>(.*?)</h\1\s*>", re.S | re.I)
_ID = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_HEADERLINK = re.compile(r"<a\b[^>]*\bheaderlink\b[^>]*>.*?</a\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def headings(content: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of every h1-h3 with an id, in order.

    A regular expression rather than an HTML parser: our templates write well-formed headings,
    and this runs on every page of catalogs with thousands of moments.
    """
    found = []
    for match in _HEADING.finditer(content):
        attrs = match.group(2)
        ident = _ID.search(attrs)
        if ident is None or "data-toc-skip" in attrs:
            continue
        value = html.unescape(next(g for g in ident.groups() if g is not None))
        if not value:
            continue
        text = html.unescape(_TAG.sub("", _HEADERLINK.sub("", match.group(3))))
        found.append((int(match.group(1)), value, " ".join(text.split())))
    return found


def page_toc(content: str) -> TableOfContents:
    """A MkDocs table of contents for ``content``, nested by heading level."""
    root: list[dict[str, Any]] = []
    stack: list[tuple[int, list[dict[str, Any]]]] = [(0, root)]
    for level, ident, text in headings(content):
        while stack[-1][0] >= level:
            stack.pop()
        token: dict[str, Any] = {"level": level, "id": ident, "name": html.escape(text),
                                 "children": []}  # fmt: skip
        stack[-1][1].append(token)
        stack.append((level, token["children"]))
    return get_toc(root)  # type: ignore[arg-type]
