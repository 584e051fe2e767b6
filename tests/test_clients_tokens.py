"""The fast tokenizer gives html.parser's events, positions and raw tags, or steps aside."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micromoments.build import build_catalog
from micromoments.clients import tokens
from micromoments.clients.tree import parse_email
from micromoments.config import ProjectConfig

ROOT = Path(__file__).resolve().parents[1]


class Recorder(HTMLParser):
    """Every handler call with the position and raw start tag html.parser reports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[object, ...]] = []

    def _add(self, *event: object) -> None:
        self.events.append((*event, self.getpos()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, attrs, self.get_starttag_text())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("startend", tag, attrs, self.get_starttag_text())

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data", data)

    def handle_comment(self, data: str) -> None:
        self._add("comment", data)

    def handle_decl(self, decl: str) -> None:
        self._add("decl", decl)


def slow(html: str) -> list[tuple[object, ...]]:
    parser = Recorder()
    parser.feed(html)
    parser.close()
    return parser.events


def fast(html: str) -> list[tuple[object, ...]] | None:
    parser = Recorder()
    return parser.events if tokens.feed(parser, html) else None


@pytest.fixture(scope="module")
def example_emails() -> list[str]:
    """Every email the example catalog renders: previews with sample and missing data, and
    the production file with its merge tags."""
    built = build_catalog(ProjectConfig(root=ROOT), package_files=False)
    out = []
    for moment in built.moments.values():
        for rendition in [*moment.previews.values(), *moment.production.values()]:
            if rendition.email is not None:
                out.append(rendition.email.html)
    assert len(out) > 40
    return out


def test_every_example_email_takes_the_fast_path_with_identical_events(
    example_emails: list[str],
) -> None:
    for html in example_emails:
        assert fast(html) == slow(html)


def test_the_email_tree_is_the_same_either_way(
    example_emails: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def summary(html: str) -> list[object]:
        doc = parse_email(html)
        return [
            [(e.tag, e.attrs, e.offset, e.index, e.light, e.dark) for e in doc.elements],
            [(el.index, text) for el, text in doc.runs],
            [(r.selector.key, r.order) for r in doc.rules],
            doc.features,
            doc.title,
        ]

    quick = [summary(html) for html in example_emails[:12]]
    monkeypatch.setattr(tokens, "feed", lambda parser, html: False)
    assert quick == [summary(html) for html in example_emails[:12]]


@pytest.mark.parametrize(
    "html",
    [
        "<p class=plain>unquoted</p>",  # unquoted attribute value
        "<p>1 < 2</p>",  # a stray <
        "<?xml version='1.0'?><p>x</p>",  # a processing instruction
        "<![CDATA[x]]><p>y</p>",  # a marked section
        "<!-- never closed",
        "<style>p { color: red }",  # an unclosed style body
        '<a href="x"class="y">no space between attributes</a>',
        "<br / >",
        "<p\xa0class='a'>",  # html.parser reads this as one odd tag name
        "<!ELEMENT br EMPTY>",
    ],
)
def test_markup_outside_the_fast_path_is_left_to_html_parser(html: str) -> None:
    assert fast(html) is None


_names = st.sampled_from(["p", "td", "TABLE", "br", "img", "a", "style", "script", "mj-raw",
                          "x.y", "o:p"])  # fmt: skip
_attr_names = st.sampled_from(["class", "HREF", "style", "data-x", "v:shape", "@click", "alt"])
_values = st.text(alphabet="ab <>&;#x27\"'/=\n\t é", max_size=12)
_text = st.text(alphabet="ab <&;#x3c/>\n\t\xa0é-!", max_size=20)
_space = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


@st.composite
def _start_tag(draw: st.DrawFn) -> str:
    parts = [f"<{draw(_names)}"]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(_attr_names)
        quote = draw(st.sampled_from(['"', "'", "", None]))
        value = draw(_values)
        if quote is None:
            parts.append(f"{draw(_space)}{name}")
        else:
            value = value.replace(quote, "") if quote else value
            parts.append(f"{draw(_space)}{name}{draw(st.sampled_from(['=', ' = ']))}"
                         f"{quote}{value}{quote}")  # fmt: skip
    parts.append(draw(st.sampled_from([">", "/>", " />", " >", "/ >"])))
    return "".join(parts)


_FIXED = [
    "<!DOCTYPE html>", "<!doctype html>", "<!--[if mso]><table><![endif]-->",
    "<!--[if !mso]><!-->", "<!--<![endif]-->", "<style>p>a{x:'</p>'}</style>",
    "<script>if (a<b) {}</script>", "&amp;", "&nbsp;", "&#8203;", "&copy", "<", "<?pi?>",
]  # fmt: skip
_piece = st.one_of(
    _start_tag(),
    st.builds(lambda n, s: f"</{n}{s}>", _names, st.sampled_from(["", " ", "\n"])),
    _text,
    st.builds(lambda t: f"<!--{t}-->", _text),
    st.builds(lambda t: f"<!--{t}-- >", _text),
    st.sampled_from(_FIXED),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece, max_size=25))
def test_generated_markup_gives_html_parsers_events_or_steps_aside(pieces: list[str]) -> None:
    html = "".join(pieces)
    events = fast(html)
    if events is not None:
        assert events == slow(html)
