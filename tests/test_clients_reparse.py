"""Re-using the prefix an email shares with an earlier one gives exactly a fresh parse."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.build import build_catalog
from micromoments.clients import reparse
from micromoments.clients.reparse import EmailParser
from micromoments.clients.tree import Element, EmailHtml, parse_email
from micromoments.config import ProjectConfig

ROOT = Path(__file__).resolve().parents[1]


def _piece(piece: Element | str) -> object:
    return piece if isinstance(piece, str) else piece.index


def _element(e: Element) -> tuple[object, ...]:
    parent = e.parent
    return (e.tag, e.attrs, e.offset, e.index, parent.index if parent else None,
            parent.tag if parent else None, e.classes, e.style, e.light, e.dark, e.declared,
            e.context, [c.index for c in e.children], [_piece(c) for c in e.content])  # fmt: skip


def summary(doc: EmailHtml) -> list[object]:
    """Everything a parse yields that the checks read, with elements named by index."""
    return [
        [_element(e) for e in doc.elements],
        [_piece(c) for c in doc.root.content],
        [(el.index, el.tag, text) for el, text in doc.runs],
        [(r.selector.key, r.order, r.dark, r.decls) for r in doc.rules],
        [(d.slug, d.line, d.col, d.count) for d in doc.features],
        doc.title,
    ]


@pytest.fixture(scope="module")
def example_emails() -> list[str]:
    """Every email the example renders, in build order: both scenarios and production."""
    built = build_catalog(ProjectConfig(root=ROOT), package_files=False)
    out = []
    for moment in built.moments.values():
        for rendition in [*moment.previews.values(), *moment.production.values()]:
            if rendition.email is not None and rendition.email.html:
                out.append(rendition.email.html)
    assert len(out) > 40
    return out


_PARTS = ("elements", "root content", "runs", "rules", "features", "title")


def _differing(doc: EmailHtml, html: str) -> list[str]:
    """The parts in which ``doc`` differs from a fresh parse of ``html`` (compared part by part
    and named: pytest's diff of two whole trees takes minutes)."""
    got, fresh = summary(doc), summary(parse_email(html))
    return [name for name, a, b in zip(_PARTS, got, fresh, strict=True) if a != b]


def _same_as_fresh(parser: EmailParser, html: str) -> None:
    differing = _differing(parser.parse(html), html)  # (pytest would print the whole tree)
    assert differing == []


def test_every_example_email_parses_as_fresh_in_build_order_and_shuffled(
    example_emails: list[str],
) -> None:
    parser = EmailParser()
    for html in example_emails:
        _same_as_fresh(parser, html)
    shuffled = example_emails[:]
    random.Random(7).shuffle(shuffled)
    for html in shuffled:
        _same_as_fresh(parser, html)


_BODY_TAGS = re.compile(r"<(?:td|div|p|table|tr)\b")


def _variants(html: str, rng: random.Random) -> list[str]:
    """Edits after the shared head: text, elements, a style sheet, a removed element."""
    body = html.find("<body")
    places = [m.start() for m in _BODY_TAGS.finditer(html, body)]
    picks = rng.sample(places, min(4, len(places)))
    out = []
    for at in picks:
        out.append(html[:at] + '<p style="color:#767676;font-size:11px">Ekstra</p>' + html[at:])
        out.append(html[:at] + "<style>p { color: #ff0000 } @media (prefers-color-scheme: dark)"
                   " { p { color: #00ff00 } }</style>" + html[at:])  # fmt: skip
        out.append(html[:at] + "<!-- note --><svg></svg>tekst" + html[at:])
        close = html.find(">", at)
        out.append(html[:at] + html[close + 1 :])  # a start tag dropped: nesting shifts
    return out


def test_edited_emails_parse_as_fresh_whatever_the_edit(example_emails: list[str]) -> None:
    rng = random.Random(11)
    parser = EmailParser()
    for html in example_emails[::3]:
        for variant in _variants(html, rng):
            _same_as_fresh(parser, html)
            _same_as_fresh(parser, variant)


def test_a_later_email_re_uses_the_shared_part_of_an_earlier_one(
    example_emails: list[str],
) -> None:
    html = example_emails[0]
    at = html.find("<td", len(html) // 2)
    edited = html[:at] + "<p>Ændret</p>" + html[at:]
    parser = EmailParser()
    first = parser.parse(html)
    kept = first.elements[:10]
    second = parser.parse(edited)
    assert second.root is first.root
    assert second.elements[:10] == kept  # the same objects, not parsed again
    differing = _differing(second, edited)
    assert differing == []


def _footer_after_insertion(html: str, insertion: str) -> tuple[list[int], list[int]]:
    """Parse ``html``, then ``html`` with ``insertion`` before its middle element, with one
    parser: the ids of the first parse's last five elements, of all the second parse's
    elements (the edited HTML is checked to parse as fresh)."""
    parser = EmailParser()
    first = parser.parse(html)
    at = first.elements[len(first.elements) // 2].offset  # an element's start, not a comment
    footer = [id(el) for el in first.elements[-5:]]
    edited = html[:at] + insertion + html[at:]
    second = parser.parse(edited)
    assert _differing(second, edited) == []
    return footer, [id(el) for el in second.elements]


def test_a_later_email_re_uses_the_end_it_shares_with_an_earlier_one(
    example_emails: list[str],
) -> None:
    """Only the middle is parsed: the footer's elements are the earlier email's, moved."""
    footer, second = _footer_after_insertion(example_emails[0], "<p>Ændret, <b>mere</b></p>")
    assert second[-5:] == footer  # the same objects, not parsed again


def test_a_shared_end_under_other_open_elements_is_parsed_again(
    example_emails: list[str],
) -> None:
    """When the tags open where the shared end begins differ, the end is read as usual."""
    footer, second = _footer_after_insertion(example_emails[0], "<div><span>open</span>")
    assert not set(footer) & set(second)  # one more element left open: parsed, not re-used


def test_a_footer_read_as_title_text_in_the_earlier_email_is_not_joined() -> None:
    """The earlier email left an SVG title open, so its footer's text went to the title; the
    new email closes it, and its footer's text is text of the tree again (an independent
    review found this)."""
    head = "<!doctype html><html><body>" + "<p>a</p>" * 300
    foot = "<p>footer text</p>" * 150 + "</body></html>"
    parser = EmailParser()
    _same_as_fresh(parser, head + "<div><svg><title>Logo</svg></div>" + foot)
    _same_as_fresh(parser, head + "<div><svg><title>Logo</title></svg></div>" + foot)


_SNIPPETS = ("<p>ny</p>", "<div>", "</div>", "</td></tr>", "<span>", "tekst &amp; mere",
             "<!-- c -->", "<!--", "-->", "<style>a{color:red}</style>", "<title>T</title>",
             "<img src=x.svg>", '<a href="mailto:a@b.dk">', "</a>", "<", ">", "\n", "")  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 10_000), st.floats(0, 1), st.integers(0, 200), st.sampled_from(_SNIPPETS),
    st.booleans(),
)  # fmt: skip
def test_emails_edited_anywhere_parse_as_fresh(
    example_emails: list[str], which: int, where: float, cut: int, snippet: str, at_tag: bool
) -> None:
    """An edit anywhere (inside a tag, a comment or a style sheet too), an insertion or a
    replacement, leaves a shared beginning and a shared end; the result is a fresh parse."""
    html = example_emails[which % len(example_emails)]
    at = int(where * len(html))
    if at_tag:
        at = html.find("<", at) if "<" in html[at:] else at
    edited = html[:at] + snippet + html[at + cut % 7 :]  # a few characters replaced
    parser = EmailParser()
    _same_as_fresh(parser, html)
    _same_as_fresh(parser, edited)


def test_a_cut_inside_the_title_parses_the_whole_email() -> None:
    head = "<!doctype html><html><head><title><b>" + "x" * 3000 + "</b>"
    one = head + "Ordre 1</title></head><body><p>1</p></body></html>"
    two = head + "Ordre 2</title></head><body><p>2</p></body></html>"
    parser = EmailParser()
    parser.parse(one)
    doc = parser.parse(two)
    assert doc.title is not None and doc.title.endswith("Ordre 2")
    differing = _differing(doc, two)
    assert differing == []


def test_a_title_after_the_cut_is_not_kept_when_the_new_email_has_none() -> None:
    head = "<!doctype html><html><head><meta charset='utf-8'>" + "<meta name='x'>" * 200
    parser = EmailParser()
    _same_as_fresh(parser, head + "<title>Ordre</title></head><body><p>1</p></body></html>")
    doc = parser.parse(head + "</head><body><p>2</p></body></html>")
    assert doc.title is None


def test_text_outside_the_html_element_and_an_unquoted_rest_still_match() -> None:
    head = '<!doctype html><html lang="da"><head><style>p { color: #111111 }</style></head>'
    body = "<body>" + "<div><p>afsnit</p></div>" * 120
    one = head + body + "<p>slut</p></body></html>\nefter"
    two = head + body + "<p class=plain>anden</p></body></html>\nogså efter"
    parser = EmailParser()
    _same_as_fresh(parser, one)
    _same_as_fresh(parser, two)  # the rest needs html.parser: a whole parse


def test_each_thread_gets_its_own_parser() -> None:
    import threading

    from micromoments.clients.data import load_dataset

    dataset = load_dataset()
    mine = reparse.shared_parser(dataset)
    assert reparse.shared_parser(dataset) is mine
    other: list[EmailParser] = []
    thread = threading.Thread(target=lambda: other.append(reparse.shared_parser(dataset)))
    thread.start()
    thread.join()
    assert other and other[0] is not mine


_LONG = "a" * 2100  # past the 2,048 characters two emails must share to be compared at all


@pytest.mark.parametrize(
    ("shared", "old_end", "new_end"),
    [
        # html.parser reads the comment left open in the first email as text, so what it
        # parsed before the cut depends on what follows it: such a parse is never re-used
        ("<html><body><!-- x <b><div>" + _LONG + "</div><div>",
         "one</div></body></html>", "two--></div></body></html>"),
        # </head> closes the title element, but its text is still being collected at the cut
        ("<html><head><title>T</head><body><div>" + _LONG + "</div><div>",
         "one</div></body></html>", "two</div></title></body></html>"),
        # a second title (an SVG's) after the cut in the first email only
        ("<html><head><title>A</title></head><body><div>" + _LONG + "</div><p>",
         "x</p><svg><title>B</title></svg></body></html>", "y</p></body></html>"),
    ],
)  # fmt: skip
def test_what_the_scanner_held_at_the_cut_is_the_earlier_emails_state_there(
    shared: str, old_end: str, new_end: str
) -> None:
    parser = EmailParser()
    _same_as_fresh(parser, shared + old_end)
    _same_as_fresh(parser, shared + new_end)


def test_a_parser_that_forgot_its_documents_re_uses_nothing(example_emails: list[str]) -> None:
    parser = EmailParser()
    first = parser.parse(example_emails[0])
    parser.forget()
    again = parser.parse(example_emails[0])
    assert again.root is not first.root  # parsed anew, the first document left whole
    assert first.elements and first.elements[-1].index == len(first.elements) - 1
