"""An email's shape compiled once, its words filled in afterwards.

MRML compiles every email in full, and that was the largest single cost of an email (about
0.7 ms). Yet what MRML does with the copy's words is to carry them through: the text between
tags, the link and image targets and the subject come out as they went in; what MRML computes
(tables, widths, inlined styles) depends only on the elements around them. So an email is
compiled as its *skeleton*:

* every text run of the copy becomes a numbered word token (``MMWORD0000X``), and so do the
  values of ``href``, ``src``, ``alt`` and ``title`` and the subject, preheader and unsubscribe
  link the layout places;
* slot tokens that stand alone between tags (a ``{% for %}`` between table rows) keep their
  form, renumbered in order, because the compiler treats them specially (see
  :func:`~.email.compile_mjml`).

Emails of the same shape (the same layout, elements, attributes and number of text runs, such as
a moment's translations) have the same skeleton, so MRML runs once for all of them, and each
email only swaps its words back into the compiled HTML.

A word is swapped back verbatim, so only words that MRML and its HTML5 inliner carry through
verbatim become tokens: no non-breaking space, no control character, and no character
reference except the ones that survive the round trip in that place (``&amp;``, ``&lt;`` and
``&gt;`` in text; ``&amp;`` and ``&quot;`` in attributes; in the subject and preheader, which
the layout escapes, ``&amp;``, and ``&#39;``, which comes out as ``'``). Attribute values must
also be kept as they are by MRML (see :func:`verbatim_in_attribute`). Any other word stays in the skeleton as it is,
which costs only sharing. Tests compare the filled skeleton with a full compile for the example
emails and for generated words of every kind of character.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Generic, TypeVar

from markupsafe import escape

from .escaping import verbatim_in_attribute
from .protect import TOKEN, token

WORD_PREFIX = "MMWORD"
WORD_ATTRIBUTES = ("href", "src", "alt", "title")  # the attributes whose values are words
_CONTENT = re.compile(rf'( (?:{"|".join(WORD_ATTRIBUTES)})=")([^"]*)"|>([^<]+)(?=<)')
_LANG = re.compile(r'( lang=")([^"]*)"')
_RAW_TEXT = ("style", "script", "mj-style")
_PURE_SLOTS = re.compile(r"\s*(?:MMSLOT\d{4}X\s*)+")
_ANY_TOKEN = re.compile(r"MM(WORD|SLOT)(\d{4})X")
# a raw '>' in text comes out of the inliner as &gt; (our copy never has one; a layout may)
_SAFE_TEXT = re.compile(r"[^&\xa0>]*(?:&(?:amp|lt|gt);[^&\xa0>]*)*")
_SAFE_ATTRIBUTE = re.compile(r"[^&\xa0]*(?:&(?:amp|quot);[^&\xa0]*)*")
_SAFE_VALUE = re.compile(r"[^&\xa0]*(?:&(?:amp|#39);[^&\xa0]*)*")
# control characters (the HTML parser turns \r into \n) and the noncharacters MRML rejects
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
# the parser drops a newline right after these start tags
_NEWLINE_EATERS = ("<pre", "<textarea", "<listing")
_COMMENT = re.compile(r"(<!--.*?-->)", re.S)
# where character references stay as written: comments, style sheets, scripts
_HIDDEN = re.compile(r"<!--.*?-->|<(style|script|mj-style)\b.*?</\1>", re.S)
# inlined style sheets whose selectors look at attribute values (a[href^="tel:"], :lang())
# would see the tokens, not the words
_INLINE_STYLE = re.compile(r'<mj-style[^>]*inline="inline"[^>]*>(.*?)</mj-style>', re.S)
_MAX_TOKENS = 10_000  # four digits per token


@dataclass
class Skeleton:
    """The values an email's layout is filled with, words replaced by tokens.

    ``values`` go into the layout shell like the real ones (the subject, preheader and
    unsubscribe link are escaped there, which leaves tokens alone). ``html`` holds what each
    word token stands for in the compiled HTML; ``raw`` what it stands for in the title and
    preview MRML returns separately; ``slots`` the slot token each renumbered one stands for.
    """

    values: dict[str, str]
    html: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)

    def word(self, html: str, raw: str | None = None) -> str:
        """A new word token standing for ``html`` (and ``raw`` outside the HTML)."""
        self.html.append(html)
        self.raw.append(html if raw is None else raw)
        return _word_token(len(self.html) - 1)

    def slot(self, match: re.Match[str]) -> str:
        """The next renumbered slot token, standing for the matched one."""
        self.slots.append(match.group(0))
        return token(len(self.slots) - 1)

    def fill(self, compiled: Cut) -> str:
        """Compiled skeleton HTML with the words and slot tokens put back."""
        return compiled.join(self.html, self.slots)

    def fill_raw(self, compiled: Cut | None) -> str | None:
        """MRML's title or preview of the skeleton with the words put back."""
        return None if compiled is None else compiled.join(self.raw, self.slots)


@dataclass(frozen=True, slots=True)
class Cut:
    """Compiled skeleton text cut at its tokens, so filling it in needs no search: ``parts``
    are the text between tokens, and ``pick`` picks what goes in the tokens' places, in order,
    from the words followed by the slot tokens (so the picking and joining run in C)."""

    parts: tuple[str, ...]
    pick: Callable[[list[str]], tuple[str, ...]]

    @classmethod
    def of(cls, text: str, words: int) -> Cut:
        """``text`` cut at every word and slot token; ``words``: how many words it is filled
        with (the slot tokens come after them)."""
        pieces = _ANY_TOKEN.split(text)
        picks = [
            int(n) if kind == "WORD" else words + int(n)
            for kind, n in zip(pieces[1::3], pieces[2::3], strict=True)
        ]
        # itemgetter of one index gives no tuple, of none is no itemgetter
        pick = itemgetter(*picks) if len(picks) > 1 else lambda pool: tuple(pool[i] for i in picks)
        return cls(tuple(pieces[0::3]), pick)

    def join(self, words: list[str], slots: list[str]) -> str:
        """The text with each token replaced by its word or slot token."""
        out = [""] * (2 * len(self.parts) - 1)
        out[0::2] = self.parts
        out[1::2] = self.pick(words + slots)
        return "".join(out)


@dataclass(frozen=True)
class ShellSkeleton:
    """A layout shell (see :mod:`.email`) with its own words as tokens, made once per shell.

    ``text`` still holds the shell's sentinels, where each email's values go. ``decodes`` is
    False when a value lands where character references stay as written (a comment, a style
    sheet or script)."""

    text: str
    html: tuple[str, ...]
    raw: tuple[str, ...]
    decodes: bool = True  # no value lands in a comment or style sheet (see _value)


def shell_skeleton(shell: str, sentinel: str) -> ShellSkeleton | None:
    """The skeleton of a layout shell: the text and link targets of its body (the footer, the
    logo's alt text) and its ``lang`` become word tokens, so the translations of a moment,
    whose layouts differ only in such words, share one skeleton. ``sentinel`` starts the names
    of the places values go. None when no skeleton can stand for the layout: its own text looks
    like a token, or its inlined style sheet selects by attribute value."""
    if WORD_PREFIX in shell or "MMSLOT" in shell:
        return None
    at = shell.find("<mj-body")
    if at < 0:
        return None
    if any("[" in css or ":lang" in css for css in _INLINE_STYLE.findall(shell)):
        return None
    skel = Skeleton({})
    head = _LANG.sub(lambda m: _attribute(skel, m, sentinel), shell[:at])
    parts = _COMMENT.split(shell[at:])  # comments pass MRML and the inliner untouched
    for i in range(0, len(parts), 2):
        part = parts[i]
        parts[i] = _CONTENT.sub(lambda m, part=part: _content(skel, m, part, sentinel), part)
    hidden = (m.group(0) for m in _HIDDEN.finditer(shell))
    decodes = not any(sentinel in text for text in hidden)
    return ShellSkeleton(head + "".join(parts), tuple(skel.html), tuple(skel.raw), decodes)


def skeleton(values: Mapping[str, str], shell: ShellSkeleton) -> Skeleton | None:
    """The skeleton of an email's layout values (``content``: the copy's MJML, and the plain
    ``subject``, ``preheader`` and ``unsubscribe_url``), numbered after the shell's words, or
    None when it cannot be made safely (a token-like word in the copy, too many words)."""
    if any(WORD_PREFIX in value for value in values.values()):
        return None
    skel = Skeleton({}, list(shell.html), list(shell.raw))
    content = values["content"]
    _, written = COPY_SKELETONS.find(content)
    if written is None:
        skel.values["content"] = _copy_content(skel, content)
    else:  # the MJML writer collected the words already (see CopyWords)
        text, words, slots = written
        skel.values["content"] = _numbered(text, len(skel.html))
        skel.html += words
        skel.raw += words
        skel.slots += slots
    for name in ("subject", "preheader", "unsubscribe_url"):
        skel.values[name] = _value(skel, values[name], shell.decodes)
    if len(skel.html) >= _MAX_TOKENS or len(skel.slots) >= _MAX_TOKENS:
        return None
    # a slot token left as it was (in text that is not safe to swap) could clash with a
    # renumbered one
    kept = sum(len(TOKEN.findall(v)) for v in skel.values.values())
    return skel if kept == len(skel.slots) else None


def _copy_content(skel: Skeleton, content: str) -> str:
    """The copy's MJML with its words as tokens, found by searching it (for copy the MJML writer
    did not collect the words of; see :class:`CopyWords`)."""
    return _CONTENT.sub(lambda m: _content(skel, m, content, None), content)


_WORD_TOKENS: dict[int, str] = {}


def _word_token(n: int) -> str:
    """Word token ``n`` (made once per number)."""
    found = _WORD_TOKENS.get(n)
    if found is None:
        found = _WORD_TOKENS.setdefault(n, f"{WORD_PREFIX}{n:04d}X")
    return found


# --- the copy's words, collected while the copy is written ---------------------------------------

_PLACE = "\x00"  # where a word goes in a copy's skeleton as CopyWords writes it
_SLOT_PLACE = "\x01"  # where a slot token goes, renumbered in the skeleton


class CopyWords:
    """The copy's words, collected while :func:`~.mjml.to_mjml` writes the copy's MJML.

    The writer hands over each run of text between two tags and each value of an attribute in
    :data:`WORD_ATTRIBUTES`, and writes what comes back: a place for a word, places for slot
    tokens, or the text kept as it is. These are the decisions :func:`_copy_content` makes when
    it finds the same runs and values in the written MJML (a test holds the two to the same
    skeleton), taken without searching the MJML again, which cost as much as writing it. (The
    search's other cases, text in style sheets and scripts or after ``<pre>``, the writer never
    writes.)

    The writer gives up (:meth:`give_up`) where a control token stands inside a list item
    beside the item's text, which it joins into one run the writer does not see whole.
    """

    __slots__ = ("_given_up", "slots", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.slots: list[str] = []
        self._given_up = False

    def run(self, text: str, at_mjml: bool) -> str:
        """What the skeleton holds for ``text``, a run between two tags (``at_mjml``: right
        after an MJML start tag or right before an MJML end tag)."""
        if _PLACE in text or _SLOT_PLACE in text:
            self._given_up = True
            return text
        if "MMSLOT" in text and _PURE_SLOTS.fullmatch(text):
            return TOKEN.sub(self._slot, text)
        if not _swappable(text):
            return text
        if at_mjml and (text[0].isspace() or text[-1].isspace()):
            # white space counts inside HTML; right inside an MJML element it is MRML's to keep
            core = text.strip()
            start = text.index(core[0])
            self.words.append(core)
            return text[:start] + _PLACE + text[start + len(core) :]
        self.words.append(text)
        return _PLACE

    def attribute(self, value: str) -> str:
        """What the skeleton holds for an attribute's (escaped) value."""
        if _PLACE in value or _SLOT_PLACE in value:
            self._given_up = True
            return value
        if not value or not _SAFE_ATTRIBUTE.fullmatch(value) or not verbatim_in_attribute(value):
            return value
        self.words.append(value)
        return _PLACE

    def give_up(self) -> None:
        """Leave this copy's skeleton to the search through its MJML."""
        self._given_up = True

    def remember(self, written: str) -> str | None:
        """The copy's MJML from what the writer wrote with places for words and slot tokens,
        its skeleton kept for :func:`skeleton`; None when the writer gave up."""
        if (
            self._given_up
            or written.count(_PLACE) != len(self.words)
            or written.count(_SLOT_PLACE) != len(self.slots)
        ):
            return None
        mjml = _filled(written, self.words, self.slots)
        COPY_SKELETONS.put(mjml, (written, tuple(self.words), tuple(self.slots)))
        return mjml

    def _slot(self, match: re.Match[str]) -> str:
        self.slots.append(match.group(0))
        return _SLOT_PLACE


def _filled(written: str, words: Sequence[str], slots: Sequence[str]) -> str:
    """What CopyWords wrote, with ``words`` and ``slots`` in the places for them, in order."""
    text = _interleave(written.split(_SLOT_PLACE), slots) if slots else written
    return _interleave(text.split(_PLACE), words)


def _interleave(parts: list[str], words: Sequence[str]) -> str:
    """``parts[0] + words[0] + parts[1] + …``, joined in C."""
    out = [""] * (2 * len(parts) - 1)
    out[0::2] = parts
    out[1::2] = words
    return "".join(out)


def _numbered(written: str, first: int) -> str:
    """A copy's skeleton as CopyWords wrote it: word tokens numbered from ``first`` (the words
    of the layout come first) in the places of its words, slot tokens from 0 in theirs."""
    key = (written, first)
    _, found = _NUMBERED.find(key)
    if found is None:
        words = [_word_token(first + n) for n in range(written.count(_PLACE))]
        found = _filled(written, words, [token(n) for n in range(written.count(_SLOT_PLACE))])
        _NUMBERED.put(key, found)
    return found


def _content(skel: Skeleton, match: re.Match[str], source: str, sentinel: str | None) -> str:
    text = match.group(3)
    if text is None:
        return _attribute(skel, match, sentinel)
    if "MMSLOT" in text and _PURE_SLOTS.fullmatch(text):
        return ">" + TOKEN.sub(skel.slot, text)
    if not _swappable(text) or (sentinel is not None and sentinel in text):
        return match.group(0)  # kept as it is (or a place for the email's values)
    edged = text[0].isspace() or text[-1].isspace()
    if sentinel is None and not edged:
        return ">" + skel.word(text)  # the copy's own text, the usual case: no tag to look at
    tag = source.rfind("<", 0, match.start())  # the start tag (or end tag) the text follows
    if source.startswith(_RAW_TEXT, tag + 1) or (
        text[0] == "\n" and source.startswith(_NEWLINE_EATERS, tag)
    ):
        return match.group(0)
    if edged and (source.startswith("<mj-", tag) or source.startswith("</mj-", match.end())):
        # white space counts inside HTML; right inside an MJML element it is MRML's to keep
        core = text.strip()
        start = text.index(core[0])
        return ">" + text[:start] + skel.word(core) + text[start + len(core) :]
    return ">" + skel.word(text)


def _swappable(text: str) -> bool:
    """True when the inliner writes ``text`` out as it came in."""
    if text.isspace():
        return False
    if ("&" in text or "\xa0" in text or ">" in text) and not _SAFE_TEXT.fullmatch(text):
        return False
    # printable text has no control characters or noncharacters (a quick check first)
    return text.isprintable() or _CONTROL.search(text) is None


def _attribute(skel: Skeleton, match: re.Match[str], sentinel: str | None) -> str:
    value = match.group(2)
    if (
        not value
        or (sentinel and sentinel in value)
        or not _SAFE_ATTRIBUTE.fullmatch(value)
        or not verbatim_in_attribute(value)
    ):
        return match.group(0)
    return match.group(1) + skel.word(value) + '"'


def _value(skel: Skeleton, value: str, decodes: bool) -> str:
    """A subject, preheader or unsubscribe link: the layout escapes it, so it is judged (and
    put back) escaped; ``&#39;`` reaches the HTML through the inliner as ``'`` (when
    ``decodes``: not in a comment or style sheet, where it stays as written)."""
    if not value:
        return value
    if _PURE_SLOTS.fullmatch(value):
        return TOKEN.sub(skel.slot, value)
    escaped = str(escape(value))
    if not _SAFE_VALUE.fullmatch(escaped) or not verbatim_in_attribute(escaped):
        return value
    if not decodes and "&#39;" in escaped:
        return value
    return skel.word(escaped.replace("&#39;", "'"), escaped)


T = TypeVar("T")


class SkeletonCache(Generic[T]):
    """Compiled skeletons by what makes their MJML (the shell's text and the skeleton's
    values), or other values a skeleton is made of, the least recently used dropped past
    ``size``. ``hits`` and ``misses`` count lookups that found their key kept or not (a kept
    key may hold a remembered rejection)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, T] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def find(self, key: Hashable) -> tuple[bool, T | None]:
        """Whether ``key`` is kept, and what is kept for it."""
        if key not in self._items:
            self.misses += 1
            return False, None
        self.hits += 1
        self._items.move_to_end(key)
        return True, self._items[key]

    def put(self, key: Hashable, compiled: T) -> None:
        """Keep ``compiled`` for ``key``."""
        self._items[key] = compiled
        if len(self._items) > self.size:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (counters too)."""
        self._items.clear()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


# The skeletons of the copy's MJML as the writer left them (words, slot tokens), by that MJML:
# an email is rendered right after its copy is written.
COPY_SKELETONS: SkeletonCache[tuple[str, tuple[str, ...], tuple[str, ...]]] = SkeletonCache(64)
_NUMBERED: SkeletonCache[str] = SkeletonCache(256)  # see _numbered


__all__ = [
    "COPY_SKELETONS",
    "WORD_ATTRIBUTES",
    "WORD_PREFIX",
    "CopyWords",
    "ShellSkeleton",
    "Skeleton",
    "SkeletonCache",
    "shell_skeleton",
    "skeleton",
]
