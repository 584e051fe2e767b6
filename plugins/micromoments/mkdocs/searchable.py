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

Regular expressions over the whole page rather than an HTML parser, like :mod:`.toc`: it runs
on our own templates' well-formed output, and a Python loop over every tag cost more than the
search plugin saved. Only the dropped elements are walked tag by tag, to find where each ends.
Two things those expressions would misread go to the tag-by-tag reader instead: a ``<`` inside
a quoted attribute value, and a heading without its end tag (or one inside another).
"""

from __future__ import annotations

import re

from material.plugins.search.plugin import void

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# the tags material keeps, bare, in a search section's text
KEPT_TAGS = frozenset({"p", "code", "pre", "li", "ol", "ul", "sub", "sup"})


def _names(names: list[str]) -> str:
    """An alternation matching ``names`` in any case. Spelled out rather than with ``re.I``,
    under which Python's regular expressions compare every character of the page one by one
    (four times slower here)."""
    return "|".join("".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in name)
                    for name in names)  # fmt: skip


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DROPPED_NAMES = ["script", "style", "svg", "iframe", "template", "object"]
_NAMED = re.compile(rf"<({_names(_DROPPED_NAMES)})(?![\w-])[^>]*>")
_EXCLUDE = "data-search-exclude"
_START = re.compile(r"<([a-zA-Z][\w-]*)[^>]*>")
_HEADING_NAMES = _names(sorted(HEADINGS))
_HEADING = re.compile(rf"<({_HEADING_NAMES})(?![\w-])[^>]*>.*?</\1(?![\w-])[^>]*>", re.S)
_HEADING_START = re.compile(rf"<(?:{_HEADING_NAMES})(?![\w-])")
_KEPT_NAMES = _names(sorted(KEPT_TAGS))
_KEPT = re.compile(rf"<(/?)({_KEPT_NAMES})(?![\w-])[^>]*>")
_OTHER = re.compile(rf"</?(?!(?:{_KEPT_NAMES})(?![\w-]))[a-zA-Z][\w-]*[^>]*>")
_SAME: dict[str, re.Pattern[str]] = {}  # per tag name: its start and end tags
# a quoted attribute value with a "<" in it: the expressions above would take it for a tag
_LT_IN_VALUE = re.compile(r"""=\s*(?:"[^"]*<|'[^']*<)""")


def _element_end(html: str, name: str, start: int) -> int:
    """Where the element whose start tag ends at ``start`` ends (the page's end if it never
    does), counting nested elements of the same name."""
    same = _SAME.get(name)
    if same is None:
        same = _SAME[name] = re.compile(rf"<(/?){_names([name])}(?![\w-])([^>]*)>")
    depth = 1
    for match in same.finditer(html, start):
        if match.group(1):
            depth -= 1
        elif not match.group(2).rstrip().endswith("/"):
            depth += 1
        if depth == 0:
            return match.end()
    return len(html)


def _next_dropped(html: str, pos: int) -> re.Match[str] | None:
    """The start tag of the next element search never shows, from ``pos`` on."""
    named = _NAMED.search(html, pos)
    end = named.start() if named else len(html)
    flag = html.find(_EXCLUDE, pos, end)
    while flag >= 0:  # an element marked data-search-exclude may come first
        opening = html.rfind("<", pos, flag)
        tag = _START.match(html, opening) if opening >= 0 else None
        if tag is not None and tag.end() > flag:
            return tag
        flag = html.find(_EXCLUDE, flag + 1, end)  # the words, not an attribute
    return named


def _without_dropped(html: str) -> str:
    """``html`` (without comments) without the elements search never shows."""
    kept: list[str] = []
    pos = 0
    while (match := _next_dropped(html, pos)) is not None:
        kept.append(html[pos : match.start()])
        name = match.group(1).lower()
        closed = name in void or match.group(0).endswith("/>")
        pos = match.end() if closed else _element_end(html, name, match.end())
    kept.append(html[pos:])
    return "".join(kept)


def _collapsed(text: str) -> str:
    """Every run of whitespace in ``text`` made one space."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    before = " " if text[0].isspace() else ""
    after = " " if text[-1].isspace() else ""
    return before + inner + after


def searchable(html: str) -> str:
    """``html`` reduced to what material's search index takes from it."""
    html = _COMMENT.sub("", html)
    if _LT_IN_VALUE.search(html):
        return _tag_by_tag(html)
    html = _without_dropped(html)
    headings = list(_HEADING.finditer(html))
    if len(headings) != len(_HEADING_START.findall(html)):
        return _tag_by_tag(html)
    out: list[str] = []
    pos = 0
    for heading in headings:
        out.append(_KEPT.sub(r"<\1\2>", _OTHER.sub(" ", html[pos : heading.start()])))
        out.append(heading.group(0))
        pos = heading.end()
    out.append(_KEPT.sub(r"<\1\2>", _OTHER.sub(" ", html[pos:])))
    return _collapsed("".join(out))


_TAG = re.compile(r"""<(/?)([a-zA-Z][\w-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_DROPPED = frozenset(_DROPPED_NAMES)


def _tag_by_tag(html: str) -> str:
    """:func:`searchable` for the pages its expressions misread, one tag at a time (comments
    are gone already). A heading left open keeps everything after it, as material reads it."""
    out: list[str] = []
    pos = 0
    skipping: str | None = None  # the tag name of the dropped element we are inside
    depth = 0
    heading: str | None = None  # inside a heading every tag is kept
    for match in _TAG.finditer(html):
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if skipping is not None:
            if name == skipping and not attrs.rstrip().endswith("/"):
                depth += -1 if closing else 1
                if depth == 0:
                    skipping = None
                    pos = match.end()
            continue
        out.append(html[pos : match.start()])
        pos = match.end()
        if not closing and (name in _DROPPED or _EXCLUDE in attrs):
            if name not in void and not attrs.rstrip().endswith("/"):
                skipping, depth = name, 1
            continue
        if heading is not None:
            out.append(match.group(0))
            if closing and name == heading:
                heading = None
        elif name in HEADINGS:
            out.append(match.group(0))
            heading = None if closing else name
        elif name in KEPT_TAGS:
            out.append(f"<{closing}{name}>")
        else:
            out.append(" ")
    if skipping is None:
        out.append(html[pos:])
    return _collapsed("".join(out))
