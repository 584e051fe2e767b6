"""Parsing many emails of the same layouts: re-use the part each shares with an earlier one.

Every email of a layout starts with the same few kilobytes (doctype, head, style sheets, the
header) and differs only from its copy on; on the example layouts two thirds of an email's HTML
are a prefix it shares with the previous email of its layout. :class:`EmailParser` keeps the
last few documents it parsed. For a new email it finds the one sharing the longest prefix, keeps
that document's elements, text runs, feature hits and style sheets from before the last element
starting inside the shared prefix, and parses only the rest. Emails of a layout also end with
the same footer: when the elements open where the shared end begins are the same, the earlier
document's footer is joined on unparsed (:class:`_Tail`). The elements it keeps are the same
objects, so the earlier document is taken apart in the process: a document the parser returns
stays valid only until the parser's next :meth:`EmailParser.parse`.

The result is exactly what :func:`.tree.parse_email` gives (a differential test holds them to the
same tree, styles, runs, features and title): what an element, a text run or a hit is depends
only on the HTML before it, and the style sheets are compared before any computed style is kept.
Two things break "only on the HTML before it", and both make the parser parse the whole email:
a document html.parser's own loop read (it may read an unclosed comment as text, depending on
what comes later), and a cut while title text is being collected (the scanner keeps it apart
from the tree).
"""

from __future__ import annotations

import bisect
import threading

from . import tokens
from .css import Hit
from .data import Dataset, load_dataset
from .features import Detection
from .tree import Element, EmailHtml, _TreeScanner, parse_email

_KEEP = 32  # documents kept for re-use: a few layouts × locales per worker
_PROBE = 2048  # a shorter shared prefix is not worth re-using (it is about the doctype)


class EmailParser:
    """Parses emails one after another, re-using what each shares with a recent one.

    A document returned by :meth:`parse` is valid until the next call: keep the findings, not
    the document.
    """

    def __init__(self, dataset: Dataset | None = None) -> None:
        self.dataset = dataset or load_dataset()
        self._recent: list[EmailHtml] = []

    def parse(self, html: str) -> EmailHtml:
        """The parsed email, as :func:`.tree.parse_email` would give it."""
        found = self._best(html)
        doc = None
        if found is not None:
            index, shared = found
            doc = _resume(self._recent[index], html, shared, self.dataset)
            if doc is not None:
                del self._recent[index]  # its elements now belong to ``doc``
        if doc is None:
            doc = parse_email(html, self.dataset)
        self._recent.append(doc)
        if len(self._recent) > _KEEP:
            del self._recent[0]
        return doc

    def forget(self) -> None:
        """Drop every kept document: the next parse re-uses nothing (a benchmark uses it to
        time a parse as a build would do it, not of an email parsed just before)."""
        self._recent.clear()

    def _best(self, html: str) -> tuple[int, int] | None:
        """The recent document sharing the longest prefix with ``html``, and its length."""
        probe = html[:_PROBE]
        if len(probe) < _PROBE:
            return None
        best: tuple[int, int] | None = None
        for index, doc in enumerate(self._recent):
            if not doc.html.startswith(probe):
                continue
            shared = _shared_prefix(doc.html, html, _PROBE)
            if best is None or shared > best[1]:
                best = (index, shared)
        return best


def _shared_prefix(a: str, b: str, known: int) -> int:
    """Length of the common prefix of ``a`` and ``b``, the first ``known`` characters equal."""
    lo, hi = known, min(len(a), len(b))
    while lo < hi:  # invariant: a[:lo] == b[:lo]; the answer is in [lo, hi]
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _line_column(html: str, at: int) -> tuple[int, int]:
    """Where ``html[at]`` is, as html.parser counts: 1-based line, 0-based column."""
    return html.count("\n", 0, at) + 1, at - (html.rfind("\n", 0, at) + 1)


def _shared_suffix(a: str, b: str, most: int) -> int:
    """Length of the common suffix of ``a`` and ``b``, at most ``most``."""
    lo, hi = 0, max(0, most)
    while lo < hi:  # invariant: a and b end with the same lo characters; the answer is <= hi
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _resume(old: EmailHtml, html: str, shared: int, dataset: Dataset) -> EmailHtml | None:
    """``html`` parsed from the last element of ``old`` that starts inside the shared prefix,
    or None when that cannot be done (``old`` is then untouched)."""
    trace = old.trace
    if trace is None or not trace.fast:
        return None
    # The element at the cut and everything after it are parsed again. Everything before it
    # ended before the cut, and the text just before it ran up to the "<" at the cut, which is
    # still shared (cut < shared), so all of that is the same in ``html``.
    m = bisect.bisect_left(old.elements, shared, key=lambda e: e.offset) - 1
    if m < 1:
        return None
    cut_element = old.elements[m]
    cut = cut_element.offset
    titles = bisect.bisect_left(trace.titles, cut, key=lambda t: t[0])
    if titles and trace.titles[titles - 1][1] is None:
        return None  # title text was being collected at the cut: the scanner keeps it apart
    line, column = _line_column(html, cut)
    # the end both emails share is joined unparsed when it can be (taken before the elements
    # open at the cut are cut back); only the middle is tokenized then
    tail = _Tail.of(old, html, m)
    events = None
    if tail is not None:
        events = tokens.tokenize(html[: tail.start + tail.delta], cut, line, column)
        if events is None:
            tail = None  # something left open before the tail (a comment): read on through it
    if events is None:
        events = tokens.tokenize(html, cut, line, column)
        if events is None:
            return None  # the rest needs html.parser itself: parse the whole email
    runs = bisect.bisect_left(trace.run_offsets, cut)
    hits = bisect.bisect_left(trace.hits, cut, key=lambda h: h[0])
    sheets = bisect.bisect_left(trace.sheets, cut, key=lambda t: t[0])

    chain = _ancestors(cut_element)
    scanner = _TreeScanner(dataset, html)
    scanner.resume(old, trace, open_elements=chain, count=m, runs=runs, hits=hits,
                   found=_tally_before(old.features, trace.hits[hits:]), sheets=sheets,
                   titles=titles)  # fmt: skip
    _truncate(chain, m, old.runs[runs:])
    tokens.dispatch(scanner, events)
    if tail is not None and not tail.join(scanner):
        # other tags open where the tail begins: read it as usual (the earlier email's tokens
        # from there were in the fast path, and the text is the same)
        at = tail.start + tail.delta
        rest = tokens.tokenize(html, at, *_line_column(html, at))
        if rest is None:  # not expected; the earlier document is spent, so parse afresh
            return parse_email(html, dataset)
        tokens.dispatch(scanner, rest)
    return scanner.document(m, trace.styler)


class _Tail:
    """The elements, text and hits of an earlier email from the first element that starts in
    the end both emails share (its footer), to be joined to the new email's tree unparsed.

    Every email of a layout ends with the same footer, a third of what was left to parse after
    the shared beginning. What the scanner makes of the footer depends only on the open
    elements where it begins (a tokenizer in the fast path holds no other state between tags),
    so when the new email has the same tags open there, the earlier email's footer elements are
    re-used: moved to their new offsets and indexes, and hung under the new email's open
    elements. Style sheets and titles in the footer, or different open tags, and the footer is
    parsed as before.
    """

    def __init__(self, old: EmailHtml, first: int, delta: int) -> None:
        trace = old.trace
        assert trace is not None
        self.start = old.elements[first].offset  # where the tail begins in the earlier email
        self.delta = delta  # how much further on it starts in the new email
        self.elements = old.elements[first:]
        self.chain = _ancestors(self.elements[0])  # the open elements where the tail begins
        runs = bisect.bisect_left(trace.run_offsets, self.start)
        self.runs = old.runs[runs:]
        self.run_offsets = trace.run_offsets[runs:]
        self.hits = trace.hits[bisect.bisect_left(trace.hits, self.start, key=lambda h: h[0]) :]
        texts: dict[int, int] = {}
        for el, _text in self.runs:
            texts[id(el)] = texts.get(id(el), 0) + 1
        # what each open element holds from the tail on: its children and its own text
        self.children: list[list[Element]] = []
        self.content: list[list[Element | str]] = []
        for el in self.chain:
            kids = [kid for kid in el.children if kid.index >= first]
            count = len(kids) + texts.get(id(el), 0)
            self.children.append(kids)
            self.content.append(el.content[len(el.content) - count :] if count else [])

    @classmethod
    def of(cls, old: EmailHtml, html: str, cut: int) -> _Tail | None:
        """The tail ``old`` shares with ``html``, after its element ``cut`` (None if none)."""
        trace = old.trace
        assert trace is not None
        earlier = old.html
        room = min(len(earlier), len(html)) - old.elements[cut].offset
        shared = _shared_suffix(earlier, html, room)
        if shared < _PROBE:
            return None
        first = bisect.bisect_left(old.elements, len(earlier) - shared, key=lambda e: e.offset)
        first = max(first, cut + 1)  # the element at the cut is parsed again in any case
        if first >= len(old.elements):
            return None
        start, delta = old.elements[first].offset, len(html) - len(earlier)
        if start + delta <= old.elements[cut].offset:
            return None
        if (trace.sheets and trace.sheets[-1][0] >= start) or (
            trace.titles and (trace.titles[-1][0] >= start or trace.titles[-1][1] is None)
        ):
            # a style sheet or a title in the tail, or title text still being collected where
            # it begins (an unclosed <title>): the scanner keeps them apart from the tree
            return None
        return cls(old, first, delta)

    def join(self, scanner: _TreeScanner) -> bool:
        """Hang the tail under the scanner's open elements; False (nothing done) when they
        are not the tail's or the scanner is collecting a style sheet or title."""
        stack = scanner.stack
        if (
            scanner._style_start is not None
            or scanner._title_parts is not None
            or len(stack) != len(self.chain)
            or any(new.tag != old.tag for new, old in zip(stack, self.chain, strict=True))
        ):
            return False
        now = {id(old): new for old, new in zip(self.chain, stack, strict=True)}
        for new, kids, content in zip(stack, self.children, self.content, strict=True):
            for kid in kids:
                kid.parent = new
            new.children.extend(kids)
            new.content.extend(content)
        base, delta = len(scanner.elements), self.delta
        for i, el in enumerate(self.elements):
            el.index = base + i
            el.offset += delta
        scanner.elements.extend(self.elements)
        scanner.runs.extend((now.get(id(el), el), text) for el, text in self.runs)
        scanner.run_offsets.extend(offset + delta for offset in self.run_offsets)
        found, html = scanner.found, scanner.html
        for at, hits in self.hits:
            at += delta
            scanner.hits.append((at, hits))
            for slug, offset in hits:
                known = found.get(slug)
                if known is not None:
                    known.count += 1
                else:  # first seen in the tail: where it stands in the new email
                    line, column = _line_column(html, at + offset)
                    found[slug] = Detection(slug, line, column + 1, 1)
        return True


def _ancestors(el: Element) -> list[Element]:
    """The elements open where ``el`` starts, root first: its ancestors (the scanner's stack
    always holds just the chain of the current element's ancestors)."""
    chain: list[Element] = []
    node = el.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    chain.reverse()
    return chain


def _truncate(chain: list[Element], m: int, later_runs: list[tuple[Element, str]]) -> None:
    """Drop the children and text of the open elements that come after the cut."""
    later_text: dict[int, int] = {}  # by id: the root shares index 0 with the first element
    for el, _ in later_runs:
        later_text[id(el)] = later_text.get(id(el), 0) + 1
    for el in chain:
        children = el.children
        dropped = 0
        while children and children[-1].index >= m:
            children.pop()
            dropped += 1
        dropped += later_text.get(id(el), 0)
        if dropped:
            del el.content[-dropped:]


def _tally_before(
    features: list[Detection], later: list[tuple[int, tuple[Hit, ...]]]
) -> dict[str, Detection]:
    """The scanner's feature tally at the cut: the whole document's, less the ``later`` hits.
    A feature still counted has its first hit before the cut, so its position stays."""
    gone: dict[str, int] = {}
    for _, hits in later:
        for slug, _ in hits:
            gone[slug] = gone.get(slug, 0) + 1
    found: dict[str, Detection] = {}
    for d in features:
        count = d.count - gone.get(d.slug, 0)
        if count:
            found[d.slug] = Detection(d.slug, d.line, d.col, count)
    return found


_LOCAL = threading.local()


def shared_parser(dataset: Dataset) -> EmailParser:
    """This thread's parser for ``dataset`` (threads must not share one)."""
    parsers: dict[int, EmailParser] | None = getattr(_LOCAL, "parsers", None)
    if parsers is None:
        parsers = _LOCAL.parsers = {}
    parser = parsers.get(id(dataset))
    if parser is None or parser.dataset is not dataset:
        parser = parsers[id(dataset)] = EmailParser(dataset)
    return parser


__all__ = ["EmailParser", "shared_parser"]
