"""Parsing many emails of the same layouts: re-use the part each shares with an earlier one.

Every email of a layout starts with the same few kilobytes (doctype, head, style sheets, the
header) and differs only from its copy on; on the example layouts two thirds of an email's HTML
are a prefix it shares with the previous email of its layout. :class:`EmailParser` keeps the
last few documents it parsed. For a new email it finds the one sharing the longest prefix, keeps
that document's elements, text runs, feature hits and style sheets from before the last element
starting inside the shared prefix, and parses only the rest. The elements it keeps are the same
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
    line = html.count("\n", 0, cut) + 1
    events = tokens.tokenize(html, cut, line, cut - (html.rfind("\n", 0, cut) + 1))
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
    return scanner.document(m, trace.styler)


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
