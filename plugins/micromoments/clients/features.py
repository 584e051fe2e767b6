"""Detect caniemail features in a final (CSS-inlined) HTML email.

The standard library's ``html.parser`` walks elements, attributes, inline ``style=""``
values, ``<style>`` sheets, comments and the doctype. Each feature found is recorded once,
with the 1-based line and column of its first use in the HTML and how many times it is used.
Content of Outlook conditional comments (``<!--[if mso]>``) is not walked: only the clients
that read it see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from . import tokens
from .css import CssScanner, Hit, image_format_hits
from .data import Dataset, FeatureIndex, load_dataset

_DEFAULT_TYPES = {"button": "submit", "input": "text"}
_COLOR_SCHEME_META = frozenset({"color-scheme", "supported-color-schemes"})
_CACHE_LIMIT = 8192
# The tag-name and attribute patterns of html.parser itself, so our offsets line up with the
# attributes it reports.
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*"
    r"('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)


@dataclass(slots=True)
class Detection:
    """A feature used by the email: where it first appears (1-based) and how often."""

    slug: str
    line: int
    col: int
    count: int


def _advance(text: str, offset: int, line: int, col: int) -> tuple[int, int]:
    """The position of ``text[offset]`` when ``text[0]`` sits at ``line``/``col``."""
    newlines = text.count("\n", 0, offset)
    if not newlines:
        return line, col + offset
    return line + newlines, offset - text.rfind("\n", 0, offset)


def _attribute_offsets(raw: str) -> list[tuple[int, int]]:
    """Offsets of each attribute's name and value in a raw start tag, in parser order."""
    m = _TAG_NAME.match(raw)
    k = m.end() if m else len(raw)
    offsets = []
    while k < len(raw):
        a = _ATTRIBUTE.match(raw, k)
        if not a:
            break
        value = a.group(3)
        start = a.start(3) if value is not None and a.group(2) else a.end(1)
        if value and value[:1] in "'\"":
            start += 1
        offsets.append((a.start(1), start))
        k = a.end()
    return offsets


class FeatureMatcher:
    """Features of start tags and style sheets, cached per distinct raw text.

    Emails repeat the same start tags (layout tables, buttons) many times, and every email of
    a catalog shares its layout's, so each distinct tag is analysed once.
    """

    def __init__(self, index: FeatureIndex) -> None:
        self.index = index
        self.css = CssScanner(index)
        self._known = index.indexed_slugs()
        self._tags: dict[str, tuple[Hit, ...]] = {}

    def clear_cache(self) -> None:
        """Forget cached results (for measuring the cold cost)."""
        self._tags.clear()
        self.css.clear_cache()

    def start_tag(self, tag: str, attrs: list[tuple[str, str | None]], raw: str) -> tuple[Hit, ...]:
        """Hits of one start tag, as offsets into its raw text."""
        cached = self._tags.get(raw)
        if cached is None:
            hits = self._start_tag(tag, attrs, raw)
            cached = tuple(h for h in hits if h[0] in self._known)
            if len(self._tags) >= _CACHE_LIMIT:
                self._tags.clear()
            self._tags[raw] = cached
        return cached

    def _start_tag(self, tag: str, attrs: list[tuple[str, str | None]], raw: str) -> list[Hit]:
        index = self.index
        hits: list[Hit] = [(slug, 0) for slug in index.elements.get(tag, ())]
        offsets = _attribute_offsets(raw)
        if len(offsets) != len(attrs):  # never expected; positions fall back to the tag
            offsets = [(0, 0)] * len(attrs)
        values: dict[str, tuple[str, int]] = {}
        for (name, value), (name_at, value_at) in zip(attrs, offsets, strict=True):
            if name in values:
                continue  # browsers keep the first of duplicated attributes
            values[name] = (value or "", value_at)
            hits.extend((slug, name_at) for slug in index.attributes.get(name, ()))
        if tag in _DEFAULT_TYPES:
            kind = values.get("type", (_DEFAULT_TYPES[tag], 0))[0].strip().lower()
            hits.extend((slug, 0) for slug in index.typed_elements.get((tag, kind), ()))
        if "style" in values:
            style, at = values["style"]
            exact = raw[at : at + len(style)] == style
            # Entities in the raw value would shift offsets; then the value's start is close.
            hits.extend(
                (slug, at + offset if exact else at) for slug, offset in self.css.inline(style)
            )
        self._special(tag, values, hits)
        return hits

    def _special(self, tag: str, values: dict[str, tuple[str, int]], hits: list[Hit]) -> None:
        index = self.index
        if tag == "a" and "href" in values:
            href = values["href"][0].strip()
            if href.startswith("#"):
                hits.append(("html-anchor-links", 0))
            elif href[:7].lower() == "mailto:":
                hits.append(("html-mailto-links", 0))
        elif tag == "meta" and values.get("name", ("", 0))[0].strip().lower() in _COLOR_SCHEME_META:
            hits.append(("html-meta-color-scheme", 0))
        if tag in ("img", "input") and "src" in values:
            image_format_hits(index, values["src"][0], values["src"][1], hits)
        if tag in ("img", "source") and "srcset" in values:
            srcset, at = values["srcset"]
            for candidate in srcset.split(","):
                url = candidate.strip().split(" ", 1)[0]
                if url:
                    image_format_hits(index, url, at, hits)
        if "background" in values:
            image_format_hits(index, values["background"][0], values["background"][1], hits)


class _Scanner(HTMLParser):
    def __init__(self, matcher: FeatureMatcher) -> None:
        super().__init__(convert_charrefs=True)
        self.matcher = matcher
        self.special = matcher.index.special
        self.found: dict[str, Detection] = {}
        self._style_start: tuple[int, int] | None = None
        self._style_parts: list[str] = []

    def _hit(self, slug: str, line: int, col: int) -> None:
        found = self.found.get(slug)
        if found is None:
            self.found[slug] = Detection(slug, line, col, 1)
        else:
            found.count += 1

    def _hits_in(self, hits: tuple[Hit, ...], text: str, line: int, col: int) -> None:
        """Record hits whose offsets point into ``text``, which starts at ``line``/``col``."""
        found = self.found
        for slug, offset in hits:
            known = found.get(slug)
            if known is None:
                found[slug] = Detection(slug, *_advance(text, offset, line, col), 1)
            else:
                known.count += 1

    def scan(self, html: str) -> None:
        """Run the handlers over a whole document; malformed HTML never raises."""
        try:
            if not tokens.feed(self, html):  # markup outside the fast path: html.parser itself
                self.feed(html)
                self.close()
        except AssertionError:  # html.parser's reaction to an unknown marked section ("<![foo[")
            pass
        if self._style_start is not None:  # html.parser leaves an unclosed <style> unparsed
            self.handle_data(self.rawdata)
            self.handle_endtag("style")

    def detections(self) -> list[Detection]:
        """What :meth:`scan` found, ordered by first position."""
        return sorted(self.found.values(), key=lambda d: (d.line, d.col, d.slug))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        raw = self.get_starttag_text() or ""
        hits = self.matcher.start_tag(tag, attrs, raw)
        if hits:
            self._hits_in(hits, raw, line, offset + 1)
        if tag == "style":
            self._style_start = _advance(raw, len(raw), line, offset + 1)
            self._style_parts = []

    def handle_data(self, data: str) -> None:
        if self._style_start is not None:
            self._style_parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_start is not None:
            text = "".join(self._style_parts)
            self._hits_in(self.matcher.css.stylesheet(text), text, *self._style_start)
            self._style_start = None
            self._style_parts = []

    def handle_comment(self, data: str) -> None:
        if "html-comments" in self.special:
            line, offset = self.getpos()
            self._hit("html-comments", line, offset + 1)

    def handle_decl(self, decl: str) -> None:
        if decl.lower().split() == ["doctype", "html"] and "html-doctype" in self.special:
            line, offset = self.getpos()
            self._hit("html-doctype", line, offset + 1)


_MATCHERS: dict[int, FeatureMatcher] = {}


def feature_matcher(index: FeatureIndex) -> FeatureMatcher:
    """The cached matcher of an index (one per loaded dataset)."""
    matcher = _MATCHERS.get(id(index))
    # The matcher holds its index, so the id cannot be reused while the entry exists.
    if matcher is None or matcher.index is not index:
        matcher = _MATCHERS[id(index)] = FeatureMatcher(index)
    return matcher


def detect_features(html: str, dataset: Dataset | None = None) -> list[Detection]:
    """Every caniemail feature the HTML uses, ordered by first position.

    ``dataset`` defaults to the packaged snapshot. Malformed HTML never raises: what was
    parsed before the problem is reported.
    """
    data = dataset or load_dataset()
    scanner = _Scanner(feature_matcher(data.index))
    scanner.scan(html)
    return scanner.detections()
