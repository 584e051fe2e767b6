"""A fast path for html.parser: the same events, for the HTML that MRML writes.

The email checks parse every compiled email (two locales, two scenarios per moment) with a
subclass of :class:`html.parser.HTMLParser`. Its tokenizer is pure Python and calls several
methods per tag; on a 1,000-moment catalog it was the largest single cost of a build.
:func:`feed` splits the document with a few compiled regular expressions and calls the
parser's own handlers with exactly the arguments, positions (``getpos()``) and raw start-tag
text (``get_starttag_text()``) that ``HTMLParser.feed`` followed by ``close`` would give.

It knows only well-formed markup: comments, a doctype, start tags whose attribute values are
quoted, end tags, ``<style>``/``<script>`` bodies and text. The first thing outside that (an
unquoted attribute, a stray ``<``, a processing instruction, an unclosed ``<style>``) makes
:func:`feed` return False before any handler has run, and the caller feeds the document to
``HTMLParser`` as before. A differential test holds the two to the same events on every
example email and on generated markup.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

_CDATA = ("script", "style")  # html.parser's CDATA_CONTENT_ELEMENTS
# Only ASCII whitespace separates attributes: html.parser reads a tag name up to ASCII
# whitespace, so anything else there must take the slow path.
START = re.compile(
    r"""<([a-zA-Z][-.a-zA-Z0-9:_]*)"""  # the tag name
    r"""((?:[ \t\n\r\f]+[^\s"'<>/=`]+(?:[ \t\n\r\f]*=[ \t\n\r\f]*(?:"[^"]*"|'[^']*'))?)*)"""
    r"""[ \t\n\r\f]*(/?)>"""
)
ATTR = re.compile(r"""[ \t\n\r\f]+([^\s"'<>/=`]+)(?:[ \t\n\r\f]*=[ \t\n\r\f]*("[^"]*"|'[^']*'))?""")
_END = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")  # html.parser's endtagfind
_COMMENT = re.compile(r"<!--(.*?)--\s*>", re.DOTALL)  # closes where html.parser's does
_DOCTYPE = re.compile(r"<![dD][oO][cC][tT][yY][pP][eE][^>]*>")
_CDATA_END = {name: re.compile(rf"</\s*{name}\s*>", re.IGNORECASE) for name in _CDATA}

Attrs = list[tuple[str, str | None]]
# (kind, line, column, text, attributes, raw start tag, offset): text is the tag of a start or
# end tag and the content of data, a comment or a declaration; offset is where it starts
Event = tuple[str, int, int, str, Attrs, str, int]
_NONE: Attrs = []


def tokenize(html: str, start: int = 0, line: int = 1, col: int = 0) -> list[Event] | None:
    """The events of ``html`` in order, or None if it holds anything outside the fast path.

    ``start`` begins at a tag boundary further in (``html[start]`` is at ``line``/``col``,
    html.parser's 1-based line and 0-based column), to tokenize only the rest of a document.
    """
    events: list[Event] = []
    append = events.append
    i, n = start, len(html)
    while i < n:
        j = html.find("<", i)
        if j < 0:
            j = n
        if j > i:
            append(("data", line, col, unescape(html[i:j]), _NONE, "", i))
            line, col = _advance(html, i, j, line, col)
            if j == n:
                break
        i = j
        nxt = html[i + 1 : i + 2]
        if nxt == "/":
            match = _END.match(html, i)
            if match is None:
                return None
            append(("end", line, col, match.group(1).lower(), _NONE, "", i))
        elif nxt == "!":
            match = _COMMENT.match(html, i)
            if match is not None:
                append(("comment", line, col, match.group(1), _NONE, "", i))
            else:
                match = _DOCTYPE.match(html, i)
                if match is None:
                    return None
                append(("decl", line, col, match.group(0)[2:-1], _NONE, "", i))
        else:
            match = START.match(html, i)
            if match is None:
                return None
            tag = match.group(1).lower()
            attrs: Attrs = []
            for attr in ATTR.finditer(match.group(2)):
                value = attr.group(2)
                if value is not None:
                    value = value[1:-1]
                    if "&" in value:
                        value = unescape(value)
                attrs.append((attr.group(1).lower(), value))
            closed = bool(match.group(3))
            append(("startend" if closed else "start", line, col, tag, attrs, match.group(0), i))
            if tag in _CDATA and not closed:
                # the body is raw text up to the matching end tag, as in html.parser
                line, col = _advance(html, i, match.end(), line, col)
                i = match.end()
                close = _CDATA_END[tag].search(html, i)
                if close is None:
                    return None  # html.parser leaves an unclosed body unparsed; let it
                if close.start() > i:
                    append(("data", line, col, html[i : close.start()], _NONE, "", i))
                line, col = _advance(html, i, close.start(), line, col)
                i = close.start()
                continue
        line, col = _advance(html, i, match.end(), line, col)
        i = match.end()
    return events


def _advance(html: str, start: int, end: int, line: int, col: int) -> tuple[int, int]:
    """The position of ``html[end]`` when ``html[start]`` is at ``line``/``col``."""
    newlines = html.count("\n", start, end)
    if not newlines:
        return line, col + end - start
    return line + newlines, end - html.rindex("\n", start, end) - 1


def feed(parser: HTMLParser, html: str) -> bool:
    """Run ``parser``'s handlers over ``html`` as ``feed(html)`` and ``close()`` would.

    Returns False, having called nothing, when ``html`` is outside the fast path.
    """
    events = tokenize(html)
    if events is None:
        return False
    dispatch(parser, events)
    return True


def dispatch(parser: HTMLParser, events: list[Event]) -> None:
    """Call ``parser``'s handlers for ``events``; a parser with an ``at`` attribute also gets
    each event's character offset there."""
    offsets = hasattr(parser, "at")
    for kind, line, col, text, attrs, raw, at in events:
        parser.lineno, parser.offset = line, col
        if offsets:
            parser.at = at  # type: ignore[attr-defined]
        if kind == "data":
            parser.handle_data(text)
        elif kind == "start":
            parser._HTMLParser__starttag_text = raw  # type: ignore[attr-defined]  # its get_starttag_text()
            parser.handle_starttag(text, attrs)
        elif kind == "startend":
            parser._HTMLParser__starttag_text = raw  # type: ignore[attr-defined]
            parser.handle_startendtag(text, attrs)
        elif kind == "end":
            parser.handle_endtag(text)
        elif kind == "comment":
            parser.handle_comment(text)
        else:
            parser.handle_decl(text)
