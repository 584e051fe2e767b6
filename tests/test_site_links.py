"""Links between pages of the catalog site."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

from micromoments.mkdocs.renderer import Renderer, relative_url


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "..", ".", "x.html", "moments", ""]), max_size=5),
    st.lists(st.sampled_from(["a", "b", "..", ".", "index.html", "moments", ""]), max_size=5),
    st.booleans(),
    st.booleans(),
)
def test_relative_urls_match_mkdocs(
    target: list[str], page: list[str], target_slash: bool, page_slash: bool
) -> None:
    """Our uncached relative_url gives exactly what MkDocs' get_relative_url gives."""
    url = "/".join(target) + ("/" if target_slash else "")
    other = "/".join(page) + ("/" if page_slash else "")
    assert relative_url(url, other) == get_relative_url(url, other)


def test_relative_urls_of_a_moment_page() -> None:
    page = "catalog/moments/order-confirmation/"
    assert relative_url("catalog/", page) == "../../"
    assert relative_url("catalog/previews/x/da.html", page) == "../../previews/x/da.html"
    assert relative_url("catalog/moments/order-confirmation/", page) == "./"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "..", ".", ".x", "x.html", "moments", ""]), max_size=5),
    st.lists(st.sampled_from(["a", "b", "moments", "index.html"]), max_size=3),
    st.booleans(),
    st.booleans(),
)
def test_links_from_a_page_match_mkdocs(
    below: list[str], page: list[str], target_slash: bool, page_slash: bool
) -> None:
    """A page's links (also those below its folder, taken without normalising) are MkDocs'."""
    other = "/".join(page) + ("/" if page_slash else "")
    # targets below the page's folder, and elsewhere
    for url in (other + "/".join(below), "/".join(below)):
        url += "/" if target_slash else ""
        renderer = Renderer(jinja2.Environment(), cast(Any, None), Files([]), {url})
        linked = renderer.link(cast(Any, SimpleNamespace(url=other)), url, "top")
        assert linked == get_relative_url(url, other) + "#top"
