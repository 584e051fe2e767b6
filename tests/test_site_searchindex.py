"""Search sections cut without material's HTML parser (mkdocs/searchindex.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from micromoments.mkdocs.searchable import searchable
from micromoments.mkdocs.searchindex import index_page, parser_is_tested, sections
from search_helpers import balanced, fast_path_matches_material, material_sections, our_sections


def test_a_page_with_headings_lists_and_code() -> None:
    html = (
        '<div class="mm-hero"><h1 id="t">Order <code>confirmation</code></h1><p>Lead</p></div>'
        '<h2 id="copy">Copy <a class="headerlink" href="#copy">¶</a></h2>'
        "<ul><li>one &amp; <strong>two</strong></li><li> </li></ul><pre><code>a\n  b</code></pre>"
        '<table><tr><td>Phase</td><td>Køb</td></tr></table><h3 id="x">X</h3><p></p><p>end</p>'
    )
    assert fast_path_matches_material(html)
    found = sections(searchable(html))
    assert found is not None
    assert [s.id for s in found] == [None, "t", "copy", "x"]
    assert found[2].title == ["Copy "]  # the permalink's text is not in the title


def test_text_before_the_first_heading_gets_a_section_of_its_own() -> None:
    assert fast_path_matches_material("<p>before</p><h2 id='a'>A</h2><p>after</p>")


def test_a_heading_nested_in_a_list_item_gives_its_words_back() -> None:
    assert fast_path_matches_material("<p>a</p><ul><li><h3 id='n'>N</h3>in</li></ul><p>out</p>")


def test_what_the_fast_path_does_not_read_is_left_to_material() -> None:
    assert sections("<p>a</p><!-- c --><p>b</p>") is None
    assert sections("<p>a</p></ p>") is None
    assert sections("<p>x</p><div data-search-exclude>y</div>") is None
    assert sections("<p>a < b</p>") is None
    # html.parser reads the content of these as text (some Python versions: all of them)
    assert sections("<p>a</p><textarea><p>b</p></textarea>") is None
    assert sections("<title>T</title><p>a</p>") is None


def test_the_installed_material_parser_is_the_tested_one() -> None:
    """Fails after an update of mkdocs-material whose search parser changed: the fast path is
    then off. Run these tests against the new parser, and if they pass, put its hash in
    ``_TESTED_PARSER``."""
    assert parser_is_tested()


_PIECES = st.sampled_from(
    ["<p>", "</p>", "<li>", "</li>", "<ul>", "</ul>", "<code>", "</code>", "<pre>", "</pre>",
     "<sub>", "</sub>", '<h2 id="a">', "</h2>", '<h3 id="b">', "</h3>", "<h1 id='t'>", "</h1>",
     "<h4>", "</h4>", '<a class="headerlink" href="#a">', "</a>", "<br>", "<br/>", "<em>",
     "</em>", "word", "two words", " ", "  ", "\n", "\n  \n", "&amp;", "&lt;b&gt;", "ø", "x\ny",
     "<span>", "</span>", "<div class=\"c\">", "</div>"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_generated_pages_give_material_s_sections(pieces: list[str]) -> None:
    """Any sequence of these pieces, well formed or not, gives material's sections or None."""
    html = "".join(pieces)
    for slim in (searchable(html), html):  # the raw pieces keep whitespace runs and newlines
        ours = our_sections(slim)
        if ours is not None:
            assert ours == material_sections(slim)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<li>", "</li>", "word", " ", "\n",
                                 '<h2 id="a">', "</h2>", "<code>", "</code>"]),
                max_size=20))  # fmt: skip
def test_balanced_pages_are_read_by_the_fast_path(pieces: list[str]) -> None:
    html = balanced(pieces)
    assert fast_path_matches_material(html)


def test_a_dirty_rebuild_drops_a_page_s_old_entries_whoever_indexes_it() -> None:
    """The previous index loses the page's entries also when the page is left to material
    (which, in a dirty rebuild, drops only the first rebuilt page's)."""
    old = [{"location": "catalog/moments/x/"}, {"location": "catalog/moments/x/#copy"},
           {"location": "catalog/moments/xy/"}, {"location": "catalog/"}]  # fmt: skip
    plugin = cast(Any, SimpleNamespace(search_index_prev=SimpleNamespace(entries=list(old))))
    page = cast(Any, SimpleNamespace(url="catalog/moments/x/", meta={}, toc=[]))
    assert not index_page(plugin, page, "<p>a</p><!-- left to material -->")
    assert plugin.search_index_prev.entries == old[2:]
