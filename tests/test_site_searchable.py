"""The slimmed page the search plugin indexes (mkdocs/searchable.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.mkdocs.searchable import _tag_by_tag, searchable
from search_helpers import balanced, material_sections


def test_headings_are_kept_whole_with_their_ids() -> None:
    html = '<div class="x"><h2 id="why">Why <a class="headerlink" href="#why">¶</a></h2></div>'
    assert searchable(html) == ' <h2 id="why">Why <a class="headerlink" href="#why">¶</a></h2> '


def test_other_tags_become_spaces_so_words_stay_apart() -> None:
    assert searchable("<dl><dt>Phase</dt><dd>Køb</dd></dl>").split() == ["Phase", "Køb"]


def test_preview_tags_are_kept_bare() -> None:
    assert searchable('<p class="lead">Tak for <code>ordren</code></p>') == (
        "<p>Tak for <code>ordren</code></p>"
    )


def test_excluded_elements_go_with_their_nested_content() -> None:
    html = (
        "<p>before</p><div data-search-exclude><div><div>inner</div></div>hidden</div><p>after</p>"
    )
    assert searchable(html) == "<p>before</p><p>after</p>"


def test_scripts_styles_svg_and_iframes_are_dropped() -> None:
    html = (
        "<script>var secret = 1;</script><style>.a{}</style><svg><text>42 %</text></svg>"
        '<iframe src="x.html"></iframe><p>kept</p>'
    )
    assert searchable(html) == "<p>kept</p>"


def test_whitespace_collapses_and_entities_survive() -> None:
    assert searchable("<span>A\n\n   &amp;</span>  <span>B</span>") == " A &amp; B "


def test_comments_are_dropped() -> None:
    assert searchable("<p>a<!-- <h2 id='x'>no</h2> -->b</p>") == "<p>ab</p>"


def test_an_excluded_void_element_does_not_swallow_the_page() -> None:
    assert searchable('<input data-search-exclude type="radio"><p>kept</p>') == "<p>kept</p>"


def test_the_words_data_search_exclude_in_text_do_not_hide_a_marked_element() -> None:
    html = "<p>Mark it data-search-exclude.</p><div data-search-exclude>x</div><p>after</p>"
    assert searchable(html) == "<p>Mark it data-search-exclude.</p><p>after</p>"


def test_a_comment_inside_an_excluded_element_keeps_it_hidden() -> None:
    html = "<div data-search-exclude>secret<!-- note -->more</div><p>kept</p>"
    assert searchable(html) == "<p>kept</p>"


def test_uppercase_tags_are_read_like_lowercase_ones() -> None:
    html = '<DIV><P CLASS="x">a</P><SCRIPT>x</SCRIPT><H2 id="t">T</H2></DIV>'
    assert searchable(html) == ' <P>a</P><H2 id="t">T</H2> '


def test_a_less_than_sign_in_an_attribute_value_is_not_a_tag() -> None:
    html = '<p>a</p><a title="x<y" data-search-exclude>z</a><p>after</p>'
    assert searchable(html) == "<p>a</p><p>after</p>"
    assert searchable('<div title="<script>">a</div><p>after</p>') == " a <p>after</p>"


def test_a_heading_without_its_end_tag_keeps_what_follows() -> None:
    assert searchable('<h2 id="a">Title<p>text</p>') == '<h2 id="a">Title<p>text</p>'
    html = '<h2 id="a">x<h2>y</h2>z</h2><p>body</p>'
    assert searchable(html) == html


_PIECES = st.sampled_from(
    ["<p>", "</p>", '<p class="lead">', "<li>", "</li>", "<code>", "</code>", "<pre>", "</pre>",
     '<h2 id="a">', "</h2>", "<h3 id='b'>", "</h3>", '<a class="headerlink" href="#a">', "</a>",
     "<div>", "</div>", '<div data-search-exclude class="x">', "<span>", "</span>", "<br>",
     "<script>", "</script>", "<svg>", "</svg>", '<input type="radio">', "<SPAN>", "</SPAN>",
     "word", "two words", " ", "\n  ", "&amp;", "ø", '"quoted"', "x = y"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_the_expressions_and_the_tag_reader_give_material_the_same_sections(
    pieces: list[str],
) -> None:
    """The whole-page expressions and the tag-by-tag reader they leave odd pages to agree on
    every page material would index alike."""
    html = balanced(pieces)
    assert material_sections(searchable(html)) == material_sections(_tag_by_tag(html))
