"""Links between pages of the catalog site."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from micromoments.mkdocs.renderer import Renderer, relative_url


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "..", ".", ".x", "x.html", "moments", ""]), max_size=5),
    st.lists(st.sampled_from(["a", "b", "..", ".", "index.html", "moments", ""]), max_size=5),
    st.booleans(),
    st.booleans(),
)
def test_relative_urls_match_mkdocs(
    target: list[str], page: list[str], target_slash: bool, page_slash: bool
) -> None:
    """Our uncached relative_url gives exactly what MkDocs' get_relative_url gives, for
    targets anywhere and below the page's own folder."""
    other = "/".join(page) + ("/" if page_slash else "")
    for url in ("/".join(target), other + "/".join(target)):
        url += "/" if target_slash else ""
        assert relative_url(url, other) == get_relative_url(url, other)


def test_relative_urls_of_a_moment_page() -> None:
    page = "catalog/moments/order-confirmation/"
    assert relative_url("catalog/", page) == "../../"
    assert relative_url("catalog/previews/x/da.html", page) == "../../previews/x/da.html"
    assert relative_url("catalog/moments/order-confirmation/", page) == "./"


def test_links_find_files_as_mkdocs_looks_them_up() -> None:
    """Docs paths written plainly or not link the same file, as MkDocs' own lookup finds it;
    stored files the plugin publishes itself are linked too, anything else is not."""
    config = cast(Any, SimpleNamespace(use_directory_urls=True))
    files = Files([File("guide/start.md", "docs", "site", use_directory_urls=True)])
    renderer = Renderer(jinja2.Environment(), config, files, {"catalog/files/x.zip"})
    page = cast(Any, SimpleNamespace(url="catalog/moments/x/"))
    for path in ("guide/start.md", "guide//start.md", "./guide/start.md", "guide/start.md/"):
        assert files.get_file_from_path(path) is not None, path
        assert renderer.link(page, path, "top") == "../../../guide/start/#top", path
    assert renderer.link(page, "catalog/files/x.zip") == "../../files/x.zip"
    assert renderer.link(page, "guide/missing.md") is None
