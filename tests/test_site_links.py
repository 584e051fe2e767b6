"""Links between pages of the catalog site."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from micromoments.mkdocs.renderer import relative_url


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
