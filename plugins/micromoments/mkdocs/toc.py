"""The table of contents of a generated page, read from the headings its template rendered.

Reading it from the output (rather than listing sections in Python) keeps the right-hand table
of contents true when a team overrides a template and adds or drops sections.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

from mkdocs.structure.toc import TableOfContents, get_toc

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}


class _Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._current: tuple[int, str, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _HEADINGS and values.get("id") and "data-toc-skip" not in values:
            self._current = (_HEADINGS[tag], values["id"] or "", [])
        elif (
            self._current is not None and tag == "a" and "headerlink" in (values.get("class") or "")
        ):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._current is None:
            return
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag in _HEADINGS and _HEADINGS[tag] == self._current[0]:
            level, ident, text = self._current
            self.found.append((level, ident, " ".join("".join(text).split())))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None and not self._skip:
            self._current[2].append(data)


def headings(content: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of every h1-h3 with an id, in order."""
    parser = _Headings()
    parser.feed(content)
    parser.close()
    return parser.found


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
