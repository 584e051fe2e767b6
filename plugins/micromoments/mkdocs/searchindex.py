"""Indexing a generated page for mkdocs-material's search without its HTML parser.

Material's search plugin cuts every page into sections (one per heading with an ``id``) with a
subclass of Python's ``html.parser``. On a moment page that was, with :mod:`.searchable`, the
largest cost of MkDocs' side of a build: about 1.8 ms per page, most of it in the plugin's
per-tag handlers rather than in the tokenizer.

:func:`sections` cuts the slimmed page :func:`.searchable.searchable` makes in one pass over
the events of the fast tokenizer (:mod:`..clients.tokens`). The slimmed page holds only bare
paragraph, list and code tags, whole headings and text; anything else (an element material
skips, a tag the fast tokenizer does not know, an end tag with no start in its section) makes
it return None, and the page goes to the search plugin as before. A differential test holds
the two to the same sections on every page of the example catalog and on generated pages.
That test ran against one version of material's parser; :func:`search_plugin` recognises it by
its source, and with any other version every page goes to the search plugin.

:func:`index_page` hands the sections to the search plugin's own ``create_entry_for_section``,
so the entries (locations, titles, tags, boosts) are still material's.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
from dataclasses import dataclass, field
from html import escape, unescape

from material.plugins.search.plugin import Element, Parser, SearchPlugin, Section, void
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..clients.tokens import ATTR, START
from .searchable import HEADINGS, KEPT_TAGS

# material drops the content of the first three; html.parser reads the content of the others
# (in some Python versions) as text, where the events below would see tags
_SKIPPED = frozenset({"object", "script", "style", "textarea", "title", "xmp", "noembed",
                      "noframes", "noscript", "plaintext", "iframe"})  # fmt: skip
# sha256 of the source of material's search parser (and its void tags) the tests compared with
_TESTED_PARSER = "e613be6a89b26c76"
_BARE = re.compile(r"<(/?)([a-zA-Z][-.a-zA-Z0-9:_]*)>")  # most tags of a slimmed page
Event = tuple[str, str, dict[str, str | None]]  # kind (start, startend, end, data), text, attrs


def _events(slim: str) -> list[Event] | None:
    """The events html.parser would deliver for ``slim``, or None if it is outside the subset.

    A lighter cousin of :func:`..clients.tokens.tokenize`: no positions, no comments, no
    declarations (the slimmed page has none), and text is unescaped only where it has an ``&``.
    """
    events: list[Event] = []
    append = events.append
    none: dict[str, str | None] = {}
    i, n = 0, len(slim)
    while i < n:
        j = slim.find("<", i)
        if j < 0:
            j = n
        if j > i:
            text = slim[i:j]
            append(("data", unescape(text) if "&" in text else text, none))
            if j == n:
                break
        match = _BARE.match(slim, j)
        if match is not None:
            append(("end" if match.group(1) else "start", match.group(2).lower(), none))
        else:
            match = START.match(slim, j)
            if match is None:
                return None  # an end tag with spaces, a comment, a stray "<": html.parser's job
            attrs: dict[str, str | None] = {}
            for attr in ATTR.finditer(match.group(2)):
                value = attr.group(2)
                if value is not None:
                    value = unescape(value[1:-1]) if "&" in value else value[1:-1]
                attrs[attr.group(1).lower()] = value  # the last of a repeated name wins
            append(("startend" if match.group(3) else "start", match.group(1).lower(), attrs))
        i = match.end()
    return events


class _Words:
    """A growing list of words that answers what closing a kept tag asks in constant time.

    On closing ``</p>`` material looks up the first ``<p>`` of the section's words and asks
    whether only whitespace follows it. Asked of the list itself, both took time in the
    length of the section: on the 10,000-moment catalog, whose overview pages have sections of
    tens of thousands of words, that was 3.7 s of the build. Here the first index of each
    opening tag and the places of the words that are not whitespace are kept as words come.
    """

    __slots__ = ("first", "items", "solid")

    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.first: dict[str, int] = {}  # "<p>" -> index of its first occurrence
        self.solid: list[int] = []  # indexes of the words that are not whitespace, ascending

    def add(self, word: str) -> None:
        index = len(self.items)
        self.items.append(word)
        if not word.isspace():
            self.solid.append(index)
            if word[:1] == "<":  # text is escaped, so only tags start with "<"
                self.first.setdefault(word, index)

    def close(self, tag: str) -> bool:
        """Close ``tag`` as material does; False when its opening tag is not among the words."""
        start = self.first.get(f"<{tag}>")
        if start is None:
            return False
        if self.solid[-1] == start:  # only whitespace after it: the element leaves nothing
            del self.items[start:]
            while self.solid and self.solid[-1] >= start:
                self.solid.pop()
            self.first = {word: i for word, i in self.first.items() if i < start}
        else:
            self.add(f"</{tag}>")
        return True


@dataclass
class SearchSection:
    """The words under one heading (``tag`` is ``hx`` for the words before the first)."""

    tag: str
    depth: float
    id: str | None = None
    title: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    titles: _Words = field(init=False, repr=False, compare=False)
    texts: _Words = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.titles = _Words(self.title)
        self.texts = _Words(self.text)


def sections(slim: str) -> list[SearchSection] | None:
    """The sections material's search parser makes of ``slim``, or None outside the subset."""
    events = _events(slim)
    if events is None:
        return None
    found: list[SearchSection] = []
    open_tags: list[str] = []
    permalinks: list[bool] = []  # per open element: an <a class="headerlink">, kept from titles
    section: SearchSection | None = None

    def current() -> SearchSection:
        nonlocal section
        if section is None:
            section = SearchSection("hx", 0)
            found.append(section)
        return section

    def target() -> _Words:
        # material compares elements by tag: any open element with the heading's tag counts
        here = current()
        return here.titles if here.tag in open_tags else here.texts

    for kind, text, values in events:
        if kind == "data":
            if "pre" not in open_tags:
                text = " " if text.isspace() else text.replace("\n", " ")
            here = current()
            if here.tag in open_tags:
                if not any(permalinks):
                    here.titles.add(escape(text, quote=False))
            elif not text.isspace():
                here.texts.add(escape(text, quote=False))
            elif not here.text or not here.text[-1].isspace() or "pre" in open_tags:
                here.texts.add(text)
            continue
        if kind in ("start", "startend"):
            if text in _SKIPPED:
                return None
            if "data-search-exclude" in values or values.get("class") == "linenodiv":
                return None
            if text not in void:  # material's void tags never enter its open elements
                open_tags.append(text)
                permalinks.append(text == "a" and values.get("class") == "headerlink")
                if text in HEADINGS and "id" in values:
                    if text != "h1" and not found:
                        found.append(SearchSection("hx", len(open_tags)))
                    section = SearchSection(text, len(open_tags))
                    if len(found) > 0:
                        section.id = values["id"]
                    found.append(section)
                current()  # material opens the first section at any start tag
                if text in KEPT_TAGS:
                    target().add(f"<{text}>")
            if kind == "start":
                continue
        if not open_tags or open_tags[-1] != text:
            continue  # material ignores an end tag that does not close the innermost element
        here = current()
        if here.depth > len(open_tags):  # leaving the element a nested heading sat in
            outer = next((s for s in reversed(found) if s.depth <= len(open_tags)), None)
            if outer is not None:  # the words that follow go back to the enclosing section
                here.depth = float("inf")
                section = outer
        open_tags.pop()
        permalinks.pop()
        if text in KEPT_TAGS and not target().close(text):
            return None  # material would raise here; let it report the page
    return found


@functools.cache  # once per process, not per serve rebuild
def parser_is_tested() -> bool:
    """True when material's search parser is the one :func:`sections` was tested against."""
    source = inspect.getsource(Parser) + repr(sorted(void))
    return hashlib.sha256(source.encode()).hexdigest()[:16] == _TESTED_PARSER


def search_plugin(config: MkDocsConfig) -> SearchPlugin | None:
    """mkdocs-material's search plugin in this build, if it is enabled and its parser is the
    tested one (another theme's search parses the page itself)."""
    if not parser_is_tested():
        return None
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            return plugin
    return None


def excluded_from_search(page: Page) -> bool:
    """True when the page's front-matter says ``search: {exclude: true}``."""
    search = page.meta.get("search") or {}
    return bool(search.get("exclude"))


def index_page(plugin: SearchPlugin, page: Page, slim: str) -> bool:
    """Add ``page``'s entries to ``plugin``'s index from ``slim``; False to leave it to it.

    Either way the page's entries from the last build leave the previous index of a dirty
    rebuild."""
    previous = plugin.search_index_prev  # the last build's index, in a dirty rebuild
    if previous is not None:
        # material drops the old entries of the first page a dirty rebuild indexes, not of
        # every page; a generated page's old entries would stay beside its new ones, whoever
        # indexes it
        previous.entries = [e for e in previous.entries
                            if e["location"].partition("#")[0] != page.url]  # fmt: skip
    if excluded_from_search(page):
        return True
    found = sections(slim)
    if found is None:
        return False
    for s in found:
        section = Section(Element(s.tag), s.depth)
        section.id, section.title, section.text = s.id, s.title, s.text
        plugin.search_index.create_entry_for_section(section, page.toc, page.url, page)
    return True
