"""A final email's HTML as a small element tree with computed colours, parsed once.

The email checks need what a reader sees: the colour of each piece of text and the background
behind it (light, and dark as the layout's ``prefers-color-scheme`` rules make it), its size and
weight, and whether it is hidden. The client-support check needs the caniemail features. Both
come from one pass of the standard library's ``html.parser`` (:class:`_TreeScanner` extends the
feature scanner of :mod:`.features`).

The cascade is the part of CSS that email needs, not all of it: inline ``style`` (MRML has
already inlined the layout's ``mj-style inline`` rules), the ``<style>`` rules outside media
queries, the rules inside ``@media (prefers-color-scheme: dark)`` for the dark pass, and the
``bgcolor``/``color`` attributes as the weakest hints. Selectors are compounds of tag, class, id
and attribute tests joined by descendant or child combinators; anything fancier is ignored (it
never matches). Outlook's conditional comments are comments here, as in every other client.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .css import Hit
from .data import Dataset, load_dataset
from .features import Detection, _Scanner, feature_matcher

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
BOLD_TAGS = frozenset({"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"})
_HEADING_SIZES = {"h1": 2.0, "h2": 1.5, "h3": 1.17, "h4": 1.0, "h5": 0.83, "h6": 0.67}
_FONT_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0,
                  "large": 18.0, "x-large": 24.0, "xx-large": 32.0}  # fmt: skip
DEFAULT_FONT_SIZE = 16.0

Rgba = tuple[float, float, float, float]  # 0-255 channels, alpha 0-1
WHITE: Rgba = (255.0, 255.0, 255.0, 1.0)
BLACK: Rgba = (0.0, 0.0, 0.0, 1.0)

# --- colours -----------------------------------------------------------------------------------

_NAMED = {
    "black": "#000000", "white": "#ffffff", "red": "#ff0000", "green": "#008000",
    "blue": "#0000ff", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0",
    "maroon": "#800000", "purple": "#800080", "fuchsia": "#ff00ff", "lime": "#00ff00",
    "olive": "#808000", "yellow": "#ffff00", "navy": "#000080", "teal": "#008080",
    "aqua": "#00ffff", "orange": "#ffa500", "darkgray": "#a9a9a9", "darkgrey": "#a9a9a9",
    "lightgray": "#d3d3d3", "lightgrey": "#d3d3d3", "dimgray": "#696969", "dimgrey": "#696969",
    "whitesmoke": "#f5f5f5", "gainsboro": "#dcdcdc",
}  # fmt: skip
_COLOR_TOKEN = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)|\b[a-zA-Z]+\b")
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))([a-z%]*)$")


@functools.lru_cache(maxsize=1024)
def parse_color(value: str) -> Rgba | None:
    """A CSS colour (``#rgb``, ``#rrggbb[aa]``, ``rgb()``/``rgba()``, common names) or None."""
    v = value.strip().lower()
    if v in _NAMED:
        v = _NAMED[v]
    if v == "transparent":
        return (0.0, 0.0, 0.0, 0.0)
    if v.startswith("#"):
        digits = v[1:]
        if len(digits) in (3, 4):
            digits = "".join(c * 2 for c in digits)
        if len(digits) not in (6, 8) or any(c not in "0123456789abcdef" for c in digits):
            return None
        alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
        return (float(int(digits[0:2], 16)), float(int(digits[2:4], 16)),
                float(int(digits[4:6], 16)), alpha)  # fmt: skip
    if v.startswith(("rgb(", "rgba(")) and v.endswith(")"):
        inner = v[v.index("(") + 1 : -1].replace("/", " ").replace(",", " ").split()
        if len(inner) not in (3, 4):
            return None
        try:
            channels = [float(p[:-1]) * 2.55 if p.endswith("%") else float(p) for p in inner[:3]]
            alpha = 1.0
            if len(inner) == 4:
                a = inner[3]
                alpha = float(a[:-1]) / 100 if a.endswith("%") else float(a)
        except ValueError:
            return None
        return (channels[0], channels[1], channels[2], max(0.0, min(alpha, 1.0)))
    return None


def blend(top: Rgba, under: Rgba) -> Rgba:
    """``top`` painted over the opaque colour ``under``."""
    a = top[3]
    if a >= 1.0:
        return top
    return (top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a),
            top[2] * a + under[2] * (1 - a), 1.0)  # fmt: skip


def _channel(c: float) -> float:
    c = c / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(c: Rgba) -> float:
    """WCAG 2 relative luminance of an opaque colour."""
    return 0.2126 * _channel(c[0]) + 0.7152 * _channel(c[1]) + 0.0722 * _channel(c[2])


def contrast(a: Rgba, b: Rgba) -> float:
    """WCAG 2 contrast ratio (1 to 21) of two opaque colours."""
    la, lb = luminance(a), luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


@functools.lru_cache(maxsize=1024)
def hex_color(c: Rgba) -> str:
    """``#rrggbb`` of an opaque colour."""
    return "#" + "".join(f"{round(max(0.0, min(x, 255.0))):02x}" for x in c[:3])


def px(value: str, parent: float) -> float | None:
    """A CSS length in px (``em`` and ``%`` relative to ``parent``), or None."""
    v = value.strip().lower()
    if v in _FONT_KEYWORDS:
        return _FONT_KEYWORDS[v]
    m = _NUMBER.match(v)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    if unit in ("px", ""):
        return number
    if unit == "pt":
        return number * 4 / 3
    if unit == "em":
        return number * parent
    if unit == "rem":
        return number * DEFAULT_FONT_SIZE
    if unit == "%":
        return number * parent / 100
    return None


# --- CSS -----------------------------------------------------------------------------------------

Declarations = dict[str, tuple[str, bool]]  # property -> (value, !important)
_DECL_SPLIT = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|\([^)]*\)|;")
_IMPORTANT = re.compile(r"\s*!\s*important\s*$", re.I)
_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)


@functools.lru_cache(maxsize=4096)
def _parse_declarations(text: str) -> tuple[tuple[str, str, bool], ...]:
    out: list[tuple[str, str, bool]] = []
    start = 0
    pieces: list[str] = []
    for m in _DECL_SPLIT.finditer(text):
        if m.group() == ";":
            pieces.append(text[start : m.start()])
            start = m.end()
    pieces.append(text[start:])
    for piece in pieces:
        prop, colon, value = piece.partition(":")
        name = prop.strip().lower()
        if not colon or not name:
            continue
        important = _IMPORTANT.search(value)
        if important:
            value = value[: important.start()]
        out.append((name, value.strip(), important is not None))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def declarations(text: str) -> Declarations:
    """The declarations of a ``style`` attribute or rule body (later ones win).

    The result is shared between callers (cached): treat it as read-only.
    """
    out: Declarations = {}
    for name, value, important in _parse_declarations(text):
        if important or not out.get(name, ("", False))[1]:
            out[name] = (value, important)
    return out


@dataclass(frozen=True, slots=True)
class Compound:
    """One compound selector: ``td.mm-copy[data-x]``."""

    tag: str | None
    classes: tuple[str, ...]
    ids: tuple[str, ...]
    attrs: tuple[tuple[str, str | None], ...]

    def matches(self, el: Element) -> bool:
        """True when ``el`` satisfies every test."""
        if self.tag is not None and el.tag != self.tag:
            return False
        if self.classes:
            have = el.classes
            if any(c not in have for c in self.classes):
                return False
        if self.ids and any(el.attrs.get("id") != i for i in self.ids):
            return False
        for name, value in self.attrs:
            got = el.attrs.get(name)
            if got is None or (value is not None and got != value):
                return False
        return True


@dataclass(frozen=True, slots=True)
class Selector:
    """Compounds from left to right with the combinator before each (" " or ">")."""

    parts: tuple[tuple[str, Compound], ...]
    specificity: tuple[int, int, int]
    needs: frozenset[str]  # tokens (see Element.context) the ancestors must have

    @property
    def key(self) -> str:
        """The index key of the rightmost compound (``.class``, ``#id``, ``tag`` or ``*``)."""
        last = self.parts[-1][1]
        if last.classes:
            return "." + last.classes[0]
        if last.ids:
            return "#" + last.ids[0]
        return last.tag or "*"

    def matches(self, el: Element) -> bool:
        """True when the selector matches ``el`` (right to left, backtracking on descendants)."""
        if not self.needs <= el.context:
            return False  # the quick test that rejects almost every rule
        return _match(self.parts, len(self.parts) - 1, el)


def _match(parts: tuple[tuple[str, Compound], ...], i: int, el: Element) -> bool:
    combinator, compound = parts[i]
    if not compound.matches(el):
        return False
    if i == 0:
        return True
    parent = el.parent
    if combinator == ">":
        return parent is not None and _match(parts, i - 1, parent)
    while parent is not None:
        if _match(parts, i - 1, parent):
            return True
        parent = parent.parent
    return False


_SIMPLE = re.compile(
    r"""(?P<ws>\s*>\s*|\s+)
    |(?P<tag>[a-zA-Z][-\w]*|\*)
    |(?P<cls>\.[-\w]+)
    |(?P<id>\#[-\w]+)
    |(?P<attr>\[\s*(?P<name>[-\w]+)\s*
        (?:=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s]*))\s*)?\])""",
    re.X,
)


@functools.lru_cache(maxsize=2048)
def parse_selector(text: str) -> Selector | None:
    """A selector this module understands, or None (pseudo-classes, sibling combinators...)."""
    text = text.strip()
    if not text:
        return None
    parts: list[tuple[str, Compound]] = []
    combinator = " "
    tag: str | None = None
    classes: list[str] = []
    ids: list[str] = []
    attrs: list[tuple[str, str | None]] = []
    started = False
    spec = [0, 0, 0]

    def close() -> None:
        nonlocal tag, classes, ids, attrs, started
        if started:
            parts.append((combinator, Compound(tag, tuple(classes), tuple(ids), tuple(attrs))))
        tag, classes, ids, attrs, started = None, [], [], [], False

    pos = 0
    while pos < len(text):
        m = _SIMPLE.match(text, pos)
        if not m:
            return None
        pos = m.end()
        kind = m.lastgroup
        if kind == "ws":
            if not started:
                if ">" in m.group():
                    return None
                continue
            close()
            combinator = ">" if ">" in m.group() else " "
            continue
        if kind == "tag":
            if started:
                return None  # a tag must come first in a compound
            if m.group() != "*":
                tag = m.group().lower()
                spec[2] += 1
        elif kind == "cls":
            classes.append(m.group()[1:])
            spec[1] += 1
        elif kind == "id":
            ids.append(m.group()[1:])
            spec[0] += 1
        else:
            value = next((v for v in m.group("dq", "sq", "bare") if v is not None), None)
            attrs.append((m.group("name").lower(), value))
            spec[1] += 1
        started = True
    close()
    if not parts:
        return None
    needs = frozenset(t for _, c in parts[:-1] for t in _tokens(c))
    return Selector(tuple(parts), (spec[0], spec[1], spec[2]), needs)


def _tokens(c: Compound) -> list[str]:
    out = [c.tag] if c.tag else []
    out += ["." + n for n in c.classes]
    out += ["#" + n for n in c.ids]
    out += ["[" + name for name, _value in c.attrs]
    return out


@dataclass(frozen=True, slots=True)
class SheetRule:
    """One selector of a style rule with its declarations; ``dark`` for the dark scheme."""

    selector: Selector
    order: int
    decls: Declarations
    dark: bool


def _is_dark_media(prelude: str) -> bool:
    p = prelude.lower().replace(" ", "")
    return "prefers-color-scheme:dark" in p


def _is_base_media(prelude: str) -> bool:
    """Media that every screen matches (``all``, ``screen``, ``only screen``)."""
    words = prelude.lower().replace("only", " ").split()
    return all(w in ("screen", "all") for w in words)


def parse_stylesheet(text: str, media: str = "", start_order: int = 0) -> list[SheetRule]:
    """The rules of a ``<style>`` that apply in light mode (base) or dark mode.

    ``media`` is the ``<style media="...">`` attribute. Rules under other media queries (the
    responsive ``max-width`` rules) are left out: they change layout, not colours.
    """
    if media and not (_is_base_media(media) or _is_dark_media(media)):
        return []
    sheet_dark = bool(media) and _is_dark_media(media)
    text = _COMMENT.sub(" ", text).replace("<!--", " ").replace("-->", " ")
    rules: list[SheetRule] = []
    stack: list[str] = []  # "media-base", "media-dark", "skip", "rule"
    order = start_order
    start = 0
    prelude = ""
    for m in re.finditer(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|[{}]", text):
        token = m.group()
        if token not in "{}":
            continue
        segment = text[start : m.start()]
        start = m.end()
        if token == "{":
            prelude = segment.strip()
            outer = stack[-1] if stack else "media-base"
            if outer in ("skip", "rule"):
                stack.append("skip")
            elif prelude.startswith("@"):
                lowered = prelude.lower()
                if lowered.startswith("@media"):
                    query = prelude[6:]
                    if _is_dark_media(query):
                        stack.append("media-dark")
                    elif _is_base_media(query) and outer == "media-base":
                        stack.append("media-base")
                    else:
                        stack.append("skip")
                else:
                    stack.append("skip")
            else:
                stack.append("rule")
                dark = sheet_dark or outer == "media-dark"
                body_end = _block_end(text, start)
                decls = declarations(text[start:body_end])
                for part in prelude.split(","):
                    sel = parse_selector(part)
                    if sel is not None:
                        rules.append(SheetRule(sel, order, decls, dark))
                        order += 1
        elif stack:
            stack.pop()
    return rules


def _block_end(text: str, start: int) -> int:
    end = text.find("}", start)
    return end if end >= 0 else len(text)


# --- the tree ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Computed:
    """What a reader sees of an element in one colour scheme."""

    color: Rgba | None
    background: Rgba | None  # opaque colour behind the content; None behind an image
    font_size: float
    bold: bool
    hidden: str | None  # the CSS that hides it, None when visible


@dataclass(eq=False, slots=True)
class Element:
    """An HTML element with its direct text, in document order."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None
    offset: int
    index: int
    children: list[Element] = field(default_factory=list)
    content: list[Element | str] = field(default_factory=list)  # children and text, in order
    classes: frozenset[str] = frozenset()
    style: Declarations = field(default_factory=dict)
    light: Computed | None = None
    dark: Computed | None = None
    declared: Declarations = field(default_factory=dict)  # light cascade result
    context: frozenset[str] = frozenset()  # tags, .classes, #ids and [attrs of the ancestors

    def own_tokens(self) -> frozenset[str]:
        """This element's tag, classes, id and attribute names, as selectors name them."""
        return _own_tokens(self.tag, self.attrs.get("class", ""), tuple(self.attrs),
                           self.attrs.get("id"))  # fmt: skip

    def signature(self) -> tuple[str | None, ...]:
        """What the cascade reads of the element itself (equal signatures, equal styles)."""
        a = self.attrs.get
        return (self.tag, a("class"), a("style"), a("bgcolor"), a("background"), a("id"),
                a("color"), "hidden" if "hidden" in self.attrs else None)  # fmt: skip

    def ancestors(self) -> Iterator[Element]:
        """Parent, grandparent, ... up to the root."""
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def iter(self) -> Iterator[Element]:
        """This element and everything below it, in document order."""
        yield self
        for child in self.children:
            yield from child.iter()

    def text(self) -> str:
        """All text inside, as one string (whitespace kept)."""
        parts: list[str] = []
        _collect_text(self, parts)
        return "".join(parts)

    def value(self, prop: str) -> str:
        """The declared (cascaded, light) value of ``prop``, or an empty string."""
        found = self.declared.get(prop)
        return found[0] if found else ""


@functools.lru_cache(maxsize=4096)
def _own_tokens(
    tag: str, classes: str, attrs: tuple[str, ...], ident: str | None
) -> frozenset[str]:
    out = {tag, *("." + c for c in classes.split()), *("[" + a for a in attrs)}
    if ident is not None:
        out.add("#" + ident)
    return frozenset(out)


def _collect_text(el: Element, parts: list[str]) -> None:
    for piece in el.content:
        if isinstance(piece, str):
            parts.append(piece)
        else:
            _collect_text(piece, parts)


@dataclass(slots=True)
class Trace:
    """Where each part of a parsed email sits in its HTML, for :mod:`.reparse`.

    Offsets are character offsets into the HTML: where each text run started, where each tag,
    comment or sheet with caniemail hits sits, where each style sheet ended, and where the
    scanner started collecting title text (None) or finished a title (its text). ``fast`` says
    the fast tokenizer read the whole HTML: only then does what was parsed up to a point depend
    on nothing after it (html.parser's own loop may read an unclosed comment as text).
    """

    run_offsets: list[int]
    hits: list[tuple[int, tuple[Hit, ...]]]  # (offset of the tag or sheet, its hits)
    sheets: list[tuple[int, str, str]]  # (end, media, text)
    titles: list[tuple[int, str | None]]
    styler: _Styler
    fast: bool


@dataclass
class EmailHtml:
    """A parsed email: the tree, its text runs, style sheets and caniemail features."""

    html: str
    root: Element
    elements: list[Element]
    runs: list[tuple[Element, str]]  # direct text of an element, in document order
    rules: list[SheetRule]
    features: list[Detection]
    title: str | None = None  # text of <title>, None without one
    trace: Trace | None = field(default=None, repr=False, compare=False)

    def find(self, tag: str) -> Element | None:
        """The first element with this tag."""
        return next((e for e in self.elements if e.tag == tag), None)

    def find_all(self, tag: str) -> list[Element]:
        """Every element with this tag, in document order."""
        return [e for e in self.elements if e.tag == tag]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = self.html.count("\n", 0, offset) + 1
        return line, offset - (self.html.rfind("\n", 0, offset) + 1) + 1


class _TreeScanner(_Scanner):
    """The feature scanner, also building the element tree and its :class:`Trace`."""

    def __init__(self, dataset: Dataset, html: str) -> None:
        super().__init__(feature_matcher(dataset.index))
        self.html = html
        self.at = -1  # the current event's offset, set by the fast tokenizer
        self._line_starts: list[int] | None = None
        self.root = Element("#document", {}, None, 0, 0)
        self.stack: list[Element] = [self.root]
        self.elements: list[Element] = []
        self.runs: list[tuple[Element, str]] = []
        self.sheets: list[tuple[int, str, str]] = []  # (end, media, text)
        self.titles: list[tuple[int, str | None]] = []
        self._title_parts: list[str] | None = None
        self.run_offsets: list[int] = []
        self.hits: list[tuple[int, tuple[Hit, ...]]] = []

    def _offset(self) -> int:
        if self.at >= 0:
            return self.at
        if self._line_starts is None:  # html.parser's own loop: offsets from its positions
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.html))]
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _hit(self, slug: str, line: int, col: int) -> None:
        self.hits.append((self._offset(), ((slug, 0),)))
        super()._hit(slug, line, col)

    def _hits_in(self, hits: tuple[Hit, ...], text: str, line: int, col: int) -> None:
        self.hits.append((self._offset(), hits))
        super()._hits_in(hits, text, line, col)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        super().handle_starttag(tag, attrs)
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")
        parent = self.stack[-1]
        el = Element(tag, values, parent, self._offset(), len(self.elements))
        if "class" in values:
            el.classes = frozenset(values["class"].split())
        if "style" in values:
            el.style = declarations(values["style"])
        parent.children.append(el)
        parent.content.append(el)
        self.elements.append(el)
        if tag == "title":
            self._title_parts = []
            self.titles.append((el.offset, None))
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_start is not None:
            media = ""
            for el in reversed(self.stack):
                if el.tag == "style":
                    media = el.attrs.get("media", "")
                    break
            self.sheets.append((self._offset(), media, "".join(self._style_parts)))
        super().handle_endtag(tag)
        if tag == "title" and self._title_parts is not None:
            self.titles.append((self._offset(), "".join(self._title_parts)))
            self._title_parts = None
        stack = self.stack
        for i in range(len(stack) - 1, 0, -1):
            if stack[i].tag == tag:
                del stack[i:]
                break

    def handle_data(self, data: str) -> None:
        super().handle_data(data)
        if self._style_start is not None:
            return
        if self._title_parts is not None:
            self._title_parts.append(data)
            return
        el = self.stack[-1]
        el.content.append(data)
        self.runs.append((el, data))
        self.run_offsets.append(self._offset())

    def resume(self, old: EmailHtml, trace: Trace, *, open_elements: list[Element], count: int,
               runs: int, hits: int, found: dict[str, Detection], sheets: int,
               titles: int) -> None:  # fmt: skip
        """Take over ``old``'s state before its element ``count`` (which starts the rest): the
        root and the ``open_elements`` there, its first elements, text runs, hit records, style
        sheets and title records, and the feature tally ``found``."""
        self.root = old.root
        self.stack = open_elements
        self.elements = old.elements[:count]
        self.runs = old.runs[:runs]
        self.run_offsets = trace.run_offsets[:runs]
        self.hits = trace.hits[:hits]
        self.found = found
        self.sheets = trace.sheets[:sheets]
        self.titles = trace.titles[:titles]

    def document(self, start: int = 0, reuse: _Styler | None = None) -> EmailHtml:
        """The parsed document, with styles computed from element ``start`` on when the style
        sheets are those of ``reuse`` (the styles before ``start`` are already filled)."""
        styler = _styler(tuple((media, text) for _, media, text in self.sheets))
        # the title is the text of the last title that closed (a later one may never close)
        title = next((text for _, text in reversed(self.titles) if text is not None), None)
        doc = EmailHtml(self.html, self.root, self.elements, self.runs, list(styler.rules),
                        self.detections(), title)  # fmt: skip
        doc.trace = Trace(self.run_offsets, self.hits, self.sheets, self.titles, styler,
                          fast=self.at >= 0)  # fmt: skip
        styler.apply(doc, start if styler is reuse else 0)
        return doc


def parse_email(html: str, dataset: Dataset | None = None) -> EmailHtml:
    """Parse a final email once: tree, text runs, style sheets, computed styles, features."""
    scanner = _TreeScanner(dataset or load_dataset(), html)
    scanner.scan(html)
    return scanner.document()


# --- computed styles -----------------------------------------------------------------------------

_PROPS = frozenset(
    {"color", "background", "background-color", "background-image", "display", "visibility",
     "opacity", "max-height", "height", "overflow", "font-size", "font-weight", "font",
     "line-height", "padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
     "width", "min-height", "min-width", "mso-hide"}
)  # fmt: skip
IMAGE = "image"


def _index(rules: list[SheetRule]) -> dict[str, list[SheetRule]]:
    out: dict[str, list[SheetRule]] = {}
    for r in rules:
        out.setdefault(r.selector.key, []).append(r)
    return out


Rank = tuple[int, int, tuple[int, int, int], int]


def _cascade(el: Element, index: dict[str, list[SheetRule]]) -> tuple[Declarations, Declarations]:
    """The winning value of each relevant property for ``el``, light and dark.

    The dark result is the light one object when no dark-scheme rule matched, so callers can
    skip work with an identity test.
    """
    keys = ["." + c for c in el.classes]
    if "id" in el.attrs:
        keys.append("#" + el.attrs["id"])
    keys += [el.tag, "*"]
    matched = [r for key in keys for r in index.get(key, ()) if r.selector.matches(el)]
    attrs = el.attrs
    if (
        not matched
        and "bgcolor" not in attrs
        and "background" not in attrs
        and (el.tag != "font" or "color" not in attrs)
    ):
        return el.style, el.style  # shared per style text, so later memos can hit
    light: dict[str, tuple[Rank, str]] = {}
    dark: dict[str, tuple[Rank, str]] | None = None

    def offer(into: dict[str, tuple[Rank, str]], prop: str, rank: Rank, value: str) -> None:
        if prop in _PROPS and (prop not in into or rank > into[prop][0]):
            into[prop] = (rank, value)

    if "bgcolor" in el.attrs:
        offer(light, "background-color", (0, 0, (0, 0, 0), 0), el.attrs["bgcolor"])
    if "background" in el.attrs:
        offer(light, "background-image", (0, 0, (0, 0, 0), 0), f"url({el.attrs['background']})")
    if el.tag == "font" and "color" in el.attrs:
        offer(light, "color", (0, 0, (0, 0, 0), 0), el.attrs["color"])
    for rule in matched:
        if rule.dark:
            continue
        for prop, (value, important) in rule.decls.items():
            offer(light, prop, (int(important), 1, rule.selector.specificity, rule.order), value)
    for prop, (value, important) in el.style.items():
        offer(light, prop, (int(important), 2, (0, 0, 0), 0), value)
    if any(r.dark for r in matched):
        dark = dict(light)
        for rule in matched:
            if not rule.dark:
                continue
            for prop, (value, important) in rule.decls.items():
                rank = (int(important), 1, rule.selector.specificity, rule.order)
                offer(dark, prop, rank, value)
    light_decls = {prop: (value, bool(rank[0])) for prop, (rank, value) in light.items()}
    if dark is None:
        return light_decls, light_decls
    return light_decls, {prop: (value, bool(rank[0])) for prop, (rank, value) in dark.items()}


def _background(decls: Declarations) -> Rgba | str | None:
    """The element's own background: a colour, IMAGE, or None (transparent / not set)."""
    image = decls.get("background-image", ("", False))[0].lower()
    shorthand = decls.get("background", ("", False))[0]
    colour = decls.get("background-color", ("", False))[0]
    lowered = shorthand.lower()
    if "url(" in image or "gradient(" in image or "url(" in lowered or "gradient(" in lowered:
        return IMAGE
    found: Rgba | None = None
    if shorthand:
        for token in _COLOR_TOKEN.findall(shorthand):
            found = parse_color(token)
            if found is not None:
                break
    # background-color and the shorthand both set colour; the one declared with more weight
    # is not known here, so the longhand (usually the deliberate one) wins
    if colour:
        found = parse_color(colour) or found
    if found is None or found[3] == 0:
        return None
    return found


def _hidden(decls: Declarations) -> str | None:
    get = decls.get
    if get("display", ("", False))[0].strip().lower() == "none":
        return "display:none"
    if get("visibility", ("", False))[0].strip().lower() in ("hidden", "collapse"):
        return "visibility:hidden"
    opacity = get("opacity", ("", False))[0].strip()
    if opacity:
        try:
            if float(opacity.rstrip("%")) == 0:
                return "opacity:0"
        except ValueError:
            pass
    overflow = get("overflow", ("", False))[0].strip().lower()
    if overflow == "hidden":
        for prop in ("max-height", "height"):
            size = px(get(prop, ("", False))[0], DEFAULT_FONT_SIZE)
            if size is not None and size <= 0:
                return f"{prop}:0 with overflow:hidden"
    return None


def _computed(el: Element, decls: Declarations, parent: Computed) -> Computed:
    if not decls:
        size = parent.font_size
        if el.tag in _HEADING_SIZES:
            size = parent.font_size * _HEADING_SIZES[el.tag]
        hidden = parent.hidden or ("the hidden attribute" if "hidden" in el.attrs else None)
        bold = parent.bold or el.tag in BOLD_TAGS
        return Computed(parent.color, parent.background, size, bold, hidden)
    color = parent.color
    found = decls.get("color")
    if found is not None:
        raw = found[0].strip().lower()
        if raw not in ("inherit", "currentcolor"):
            color = parse_color(raw)
    own = _background(decls)
    background: Rgba | None
    if own == IMAGE:
        background = None
    elif own is None:
        background = parent.background
    else:
        assert not isinstance(own, str)
        background = blend(own, parent.background) if parent.background is not None else None
    if color is not None and color[3] < 1 and background is not None:
        color = blend(color, background)
    size = parent.font_size
    found = decls.get("font-size")
    if found is not None:
        size = px(found[0], parent.font_size) or size
    elif el.tag in _HEADING_SIZES:
        size = parent.font_size * _HEADING_SIZES[el.tag]
    bold = parent.bold or el.tag in BOLD_TAGS
    found = decls.get("font-weight")
    if found is not None:
        weight = found[0].strip().lower()
        bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
    hidden = parent.hidden or _hidden(decls)
    if hidden is None and "hidden" in el.attrs:
        hidden = "the hidden attribute"
    return Computed(color, background, size, bold, hidden)


_MEMO_LIMIT = 50_000


class _Styler:
    """Computes styles for emails that share one set of style sheets (one layout).

    Every email of a layout repeats the same elements in the same places, so cascades and
    computed styles are memoised across emails on exactly what they depend on: the element's
    own attributes, the tokens of its ancestors, and the parent's computed style.
    """

    def __init__(self, rules: tuple[SheetRule, ...]) -> None:
        self.rules = rules
        self.index = _index(list(rules))
        self.has_dark = any(r.dark for r in rules)
        self.cascades: dict[tuple[object, ...], tuple[Declarations, Declarations]] = {}
        self.computed: dict[tuple[object, ...], Computed] = {}
        self.contexts: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}

    def apply(self, doc: EmailHtml, first: int = 0) -> None:
        """Fill ``light``, ``dark``, ``declared`` and ``context`` of every element (from
        element ``first`` on)."""
        if len(self.cascades) > _MEMO_LIMIT or len(self.computed) > _MEMO_LIMIT:
            self.cascades.clear()
            self.computed.clear()
            self.contexts.clear()
        start = Computed(BLACK, WHITE, DEFAULT_FONT_SIZE, False, None)
        doc.root.light = start
        doc.root.dark = start
        cascades, computed, contexts = self.cascades, self.computed, self.contexts
        for el in doc.elements[first:] if first else doc.elements:
            parent = el.parent or doc.root
            if parent is not doc.root:
                pair = (parent.context, parent.own_tokens())
                ctx = contexts.get(pair)
                if ctx is None:
                    ctx = contexts[pair] = pair[0] | pair[1]
                el.context = ctx
            sig = el.signature()
            key = (sig, el.context)
            found = cascades.get(key)
            if found is None:
                found = cascades[key] = _cascade(el, self.index)
            light, dark = found
            el.declared = light
            plight, pdark = parent.light, parent.dark
            assert plight is not None and pdark is not None
            ckey = (sig, id(light), plight)
            got = computed.get(ckey)
            if got is None:
                got = computed[ckey] = _computed(el, light, plight)
            el.light = got
            if not self.has_dark or (dark is light and pdark == plight):
                el.dark = got
            else:
                dkey = (sig, id(dark), pdark)
                got = computed.get(dkey)
                if got is None:
                    got = computed[dkey] = _computed(el, dark, pdark)
                el.dark = got


@functools.lru_cache(maxsize=32)
def _styler(sheets: tuple[tuple[str, str], ...]) -> _Styler:
    rules: list[SheetRule] = []
    for media, text in sheets:
        rules.extend(parse_stylesheet(text, media, len(rules)))
    return _Styler(tuple(rules))


def compute_styles(doc: EmailHtml) -> None:
    """Fill the computed styles of every element from the document's own rules."""
    _Styler(tuple(doc.rules)).apply(doc)


__all__ = [
    "BLACK",
    "WHITE",
    "Computed",
    "Element",
    "EmailHtml",
    "Rgba",
    "SheetRule",
    "blend",
    "contrast",
    "declarations",
    "hex_color",
    "luminance",
    "parse_color",
    "parse_email",
    "parse_selector",
    "parse_stylesheet",
    "px",
]
