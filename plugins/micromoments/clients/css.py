"""Find caniemail CSS features in inline ``style=""`` values and ``<style>`` sheets.

Not a full CSS parser: a tokenizer that knows strings, ``url()``, comments and blocks is
enough to see which properties, values, functions, units, at-rules, media features and
selectors an email uses, and where. Results are cached per text, because an email repeats the
same inline styles many times and every email of a catalog shares its layout's style sheet.

A hit is ``(slug, offset)``: the feature and the character offset in the scanned text.
"""

from __future__ import annotations

import re

from .data import FeatureIndex

Hit = tuple[str, int]

_CACHE_LIMIT = 8192
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_BLOCK_TOKEN = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|url\([^)]*\)|[{};]", re.I)
_DECL_SPLIT = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|url\([^)]*\)|;", re.I)
_IMPORTANT = re.compile(r"!\s*important\b", re.I)
_STRING_OR_URL = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|url\(\s*([^)]*)\)", re.I)
_FUNCTION = re.compile(r"(?<![-\w])(-?[a-z][-a-z0-9]*)\(")
_NUMBER = re.compile(r"(?<![-\w#.])[+-]?(?:\d+\.?\d*|\.\d+)(%|[a-z]+)?")
_IDENT = re.compile(r"(?<![-\w#.])[a-z][-a-z0-9]*")
_MEDIA_FEATURE = re.compile(r"\(\s*(-?[a-z][-a-z0-9]*)")
_MIN_MAX = re.compile(r"^(-[a-z]+-)?(?:min-|max-)")
_VENDOR = re.compile(r"^-[a-z]+-")
_AT_NAME = re.compile(r"@(-?[a-z][-a-z0-9]*)", re.I)
_SELECTOR_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comb>[>+~])
    |(?P<comma>,)
    |(?P<id>\#(?:\\.|[-\w])+)
    |(?P<cls>\.(?:\\.|[-\w])+)
    |(?P<attr>\[[^\]]*\])
    |(?P<pe>::[-\w]+(?:\((?:[^()]|\([^()]*\))*\))?)
    |(?P<pc>:[-\w]+(?:\((?:[^()]|\([^()]*\))*\))?)
    |(?P<univ>\*)
    |(?P<type>(?:\\.|[-\w])+)
    |(?P<other>.)""",
    re.X | re.S,
)
_SIMPLE_SELECTORS = {
    "type": "type",
    "univ": "universal",
    "id": "id",
    "cls": "class",
    "attr": "attribute",
}
_COMBINATORS = {">": "child", "+": "adjacent-sibling", "~": "general-sibling"}
# CSS2 allowed these pseudo-elements with one colon, and email CSS still writes them so.
_LEGACY_PSEUDO_ELEMENTS = frozenset({"before", "after", "first-line", "first-letter"})
# Properties whose url() loads an image (not a font or a stylesheet).
_IMAGE_PROPERTIES = frozenset(
    {
        "background",
        "background-image",
        "border-image",
        "border-image-source",
        "content",
        "list-style",
        "list-style-image",
        "mask",
        "mask-image",
    }
)
# At-rules whose blocks hold descriptors, not properties (src, font-weight in @font-face...).
_DESCRIPTOR_AT_RULES = frozenset(
    {"font-face", "page", "counter-style", "font-feature-values", "property", "viewport"}
)

_MIME_FORMATS = {
    "jpeg": "jpg",
    "svg+xml": "svg",
    "x-icon": "ico",
    "vnd.microsoft.icon": "ico",
    "heic": "heif",
}


def image_format_hits(index: FeatureIndex, url: str, offset: int, hits: list[Hit]) -> None:
    """The image format features of one URL (by extension, or by a ``data:`` URI's type)."""
    url = url.strip().strip("\"'").strip()
    lowered = url[:64].lower()
    if lowered.startswith("data:"):
        mime = lowered[5:].split(";", 1)[0].split(",", 1)[0]
        if ";base64," in lowered or lowered.endswith(";base64"):
            hits.append(("image-base64", offset))
        if mime.startswith("image/"):
            subtype = mime.removeprefix("image/")
            ext = _MIME_FORMATS.get(subtype, subtype)
            hits.extend((slug, offset) for slug in index.image_formats.get(ext, ()))
        return
    path = url.split("#", 1)[0].split("?", 1)[0]
    name = path.rsplit("/", 1)[-1]
    if "." in name:
        ext = name.rsplit(".", 1)[1].lower()
        hits.extend((slug, offset) for slug in index.image_formats.get(ext, ()))


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


class CssScanner:
    """Finds features in CSS text, with a cache per distinct text."""

    def __init__(self, index: FeatureIndex) -> None:
        self.index = index
        self._inline: dict[str, tuple[Hit, ...]] = {}
        self._sheets: dict[str, tuple[Hit, ...]] = {}
        self._known = index.indexed_slugs()

    def clear_cache(self) -> None:
        """Forget cached results (for measuring the cold cost)."""
        self._inline.clear()
        self._sheets.clear()

    def inline(self, text: str) -> tuple[Hit, ...]:
        """Hits in the value of a ``style`` attribute (declarations only)."""
        cached = self._inline.get(text)
        if cached is None:
            hits: list[Hit] = []
            self._declarations(self._without_comments(text, hits), 0, hits)
            cached = tuple(h for h in hits if h[0] in self._known)
            if len(self._inline) >= _CACHE_LIMIT:
                self._inline.clear()
            self._inline[text] = cached
        return cached

    def stylesheet(self, text: str) -> tuple[Hit, ...]:
        """Hits in the content of a ``<style>`` element."""
        cached = self._sheets.get(text)
        if cached is None:
            hits: list[Hit] = []
            # Old emails wrap style sheets in <!-- -->, which CSS ignores (CDO/CDC tokens).
            sheet = text.replace("<!--", "    ").replace("-->", "   ") if "<!--" in text else text
            self._sheet(self._without_comments(sheet, hits), hits)
            cached = tuple(h for h in hits if h[0] in self._known)
            if len(self._sheets) >= _CACHE_LIMIT:
                self._sheets.clear()
            self._sheets[text] = cached
        return cached

    def _without_comments(self, text: str, hits: list[Hit]) -> str:
        """The text with comments blanked out (offsets kept), recording each comment."""
        if "/*" not in text:
            return text
        for m in _COMMENT.finditer(text):
            hits.append(("css-comments", m.start()))
        return _COMMENT.sub(_blank, text)

    def _declarations(self, text: str, base: int, hits: list[Hit]) -> None:
        start = 0
        for m in _DECL_SPLIT.finditer(text):
            if m.group() == ";":
                self._declaration(text[start : m.start()], base + start, hits)
                start = m.end()
        self._declaration(text[start:], base + start, hits)

    def _declaration(self, text: str, offset: int, hits: list[Hit]) -> None:
        prop, colon, value = text.partition(":")
        if not colon:
            return
        name = prop.strip().lower()
        if not name:
            return
        at = offset + len(prop) - len(prop.lstrip())
        if name.startswith("--"):
            hits.append(("css-variables", at))
        else:
            hits.extend((slug, at) for slug in self.index.properties.get(name, ()))
        self._value(name, value, offset + len(prop) + 1, hits)

    def _value(self, prop: str, value: str, offset: int, hits: list[Hit]) -> None:
        index = self.index
        important = _IMPORTANT.search(value)
        if important:
            hits.append(("css-important", offset + important.start()))
            value = value[: important.start()]
        value = value.lower()
        if "(" in value or "'" in value or '"' in value:
            if prop in _IMAGE_PROPERTIES and "url(" in value:
                for m in _STRING_OR_URL.finditer(value):
                    url = m.group(1)
                    if url is not None:
                        lead = len(url) - len(url.lstrip(" \t\n'\""))
                        image_format_hits(index, url, offset + m.start(1) + lead, hits)
            value = _STRING_OR_URL.sub(_blank, value)  # numbers in strings and URLs are no units
            for m in _FUNCTION.finditer(value):
                hits.extend((slug, offset + m.start()) for slug in index.functions.get(m[1], ()))
        for word in value.split():
            for slug in index.property_values.get((prop, word), ()):
                hits.append((slug, offset + value.find(word)))
        for m in _NUMBER.finditer(value):
            hits.extend((slug, offset + m.start()) for slug in index.units.get(m[1] or "", ()))
        if index.value_keywords:
            for m in _IDENT.finditer(value):
                hits.extend(
                    (slug, offset + m.start()) for slug in index.value_keywords.get(m[0], ())
                )

    def _sheet(self, text: str, hits: list[Hit]) -> None:
        # Block kinds: "group" holds rules (top level, @media, @supports), "rule" holds
        # declarations and maybe nested rules, "keyframes" holds keyframe blocks, "decls"
        # holds declarations only, "descriptors" holds @font-face-like descriptors.
        stack = ["group"]
        start = 0
        for m in _BLOCK_TOKEN.finditer(text):
            token = m.group()
            if len(token) != 1:
                continue
            segment = text[start : m.start()]
            context = stack[-1]
            if token == "{":
                stack.append(self._open_block(segment, start, context, hits))
            elif context in ("rule", "decls"):
                self._declaration(segment, start, hits)
            elif context == "group" and segment.strip().startswith("@"):
                self._at_rule(segment, start, hits)  # a statement such as @import
            if token == "}" and len(stack) > 1:
                stack.pop()
            start = m.end()
        if stack[-1] in ("rule", "decls"):
            self._declaration(text[start:], start, hits)

    def _open_block(self, prelude: str, offset: int, context: str, hits: list[Hit]) -> str:
        stripped = prelude.lstrip()
        at = offset + len(prelude) - len(stripped)
        stripped = stripped.rstrip()
        if context == "rule":
            hits.append(("css-nesting", at))
        if stripped.startswith("@"):
            name = self._at_rule(prelude, offset, hits)
            if name.endswith("keyframes"):
                return "keyframes"
            if name in _DESCRIPTOR_AT_RULES:
                return "descriptors"
            # A conditional rule nested in a style rule holds that rule's declarations.
            return "rule" if context == "rule" else "group"
        if context == "keyframes":
            return "decls"
        if context == "descriptors":
            return "descriptors"
        self._selector(stripped, at, hits)
        return "rule"

    def _at_rule(self, text: str, offset: int, hits: list[Hit]) -> str:
        m = _AT_NAME.search(text)
        if not m:
            return ""
        name = m.group(1).lower()
        at = offset + m.start()
        slugs = self.index.at_rules.get(name) or self.index.at_rules.get(_VENDOR.sub("", name), ())
        hits.extend((slug, at) for slug in slugs)
        if name == "media":
            prelude = text[m.end() :].lower()
            for f in _MEDIA_FEATURE.finditer(prelude):
                feature = _MIN_MAX.sub(lambda g: g.group(1) or "", f.group(1))
                where = offset + m.end() + f.start(1)
                hits.extend((slug, where) for slug in self.index.media_features.get(feature, ()))
        return _VENDOR.sub("", name)

    def _selector(self, selector: str, offset: int, hits: list[Hit]) -> None:
        selectors = self.index.selectors
        simple = 0  # simple selectors in the current compound
        in_compound = False
        pending_space = False
        for m in _SELECTOR_TOKEN.finditer(selector):
            kind = m.lastgroup or "other"
            at = offset + m.start()
            if kind == "ws":
                pending_space = in_compound
                continue
            if kind in ("comma", "comb"):
                key = "grouping" if kind == "comma" else _COMBINATORS[m.group()]
                hits.extend((slug, at) for slug in selectors.get(key, ()))
                simple, in_compound, pending_space = 0, False, False
                continue
            if pending_space:
                hits.extend((slug, at) for slug in selectors.get("descendant", ()))
                simple, pending_space = 0, False
            in_compound = True
            if kind in _SIMPLE_SELECTORS:
                hits.extend((slug, at) for slug in selectors.get(_SIMPLE_SELECTORS[kind], ()))
                simple += 1
                if simple == 2:
                    hits.extend((slug, at) for slug in selectors.get("chaining", ()))
            elif kind in ("pc", "pe"):
                name = m.group().lstrip(":").split("(", 1)[0].lower()
                if kind == "pe" or name in _LEGACY_PSEUDO_ELEMENTS:
                    hits.extend((slug, at) for slug in self.index.pseudo_elements.get(name, ()))
                else:
                    hits.extend((slug, at) for slug in self.index.pseudo_classes.get(name, ()))
