"""The right-hand table of contents of generated pages, read from their headings."""

from __future__ import annotations

from micromoments.mkdocs.toc import headings, page_toc


def test_headings_with_ids_in_order_without_headerlinks() -> None:
    html = (
        '<h1 id="top">Ordre&shy;bekræftelse</h1><p>x</p>'
        '<h2 id="why" class="x">Why <em>it</em> exists<a class="headerlink" href="#why">¶</a></h2>'
        "<h2>No id</h2><h3 id='deep'>Deep &amp; down</h3>"
        '<h2 id="skip" data-toc-skip>Skipped</h2><h4 id="four">Too deep</h4>'
    )
    assert headings(html) == [
        (1, "top", "Ordre\xadbekræftelse"),
        (2, "why", "Why it exists"),
        (3, "deep", "Deep & down"),
    ]


def test_toc_nests_by_level() -> None:
    toc = page_toc('<h2 id="a">A</h2><h3 id="b">B</h3><h2 id="c">C</h2>')
    assert [item.id for item in toc.items] == ["a", "c"]
    assert [child.id for child in toc.items[0].children] == ["b"]


def test_only_the_id_attribute_names_a_heading() -> None:
    html = '<h2 data-id="wrong" id="right">A</h2><h2 data-id="only-data">B</h2>'
    assert headings(html) == [(2, "right", "A")]
