"""Preview files: colour-scheme media queries fixed to light or dark."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from micromoments.mkdocs.previews import SCHEMES, force_schemes

_QUERY = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.IGNORECASE)
_META = re.compile(
    r"<meta\s+name=[\"'](?:color-scheme|supported-color-schemes)[\"'][^>]*>", re.IGNORECASE
)


def reference(document: str, scheme: str) -> str:
    """The plain way: each style element found with a lazy match, per scheme."""

    def query(match: re.Match[str]) -> str:
        return "(min-width: 0px)" if match.group(1).lower() == scheme else "(max-width: 0px)"

    def style(match: re.Match[str]) -> str:
        return match.group(1) + _QUERY.sub(query, match.group(2)) + match.group(3)

    out = re.sub(r"(<style\b[^>]*>)(.*?)(</style\s*>)", style, document,
                 flags=re.IGNORECASE | re.DOTALL)  # fmt: skip
    return _META.sub("", out)


_PIECES = st.sampled_from([
    "<style>", "<STYLE media=\"x\">", "<style\n>", "</style>", "</STYLE >", "</style\n>",
    "</styles>", "< /style>", "<", ">", "/", "a{color:red}", "@media (prefers-color-scheme: dark)",
    "@media (PREFERS-COLOR-SCHEME : Light)", "(prefers-color-scheme:dark)", "{", "}", "\n",
    '<meta name="color-scheme" content="light dark">', "<meta name='supported-color-schemes'",
    "<p>", "text", "</p>", "<styled>", "<style/>",
])  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
@example("<style>@media (prefers-color-scheme: dark) { a {} }</style><p>x</p><style>b{}")
@example('<meta name="color-scheme" <style>(prefers-color-scheme: light)</style>')
def test_both_schemes_are_what_the_plain_way_gives(document: str) -> None:
    forced = force_schemes(document)
    assert set(forced) == set(SCHEMES)
    for scheme in SCHEMES:
        assert forced[scheme] == reference(document, scheme)


def test_the_dark_file_always_matches_dark_queries_and_never_light_ones() -> None:
    document = (
        '<head><meta name="color-scheme" content="light dark"></head>'
        "<style>@media (prefers-color-scheme: dark) { body { color: #fff } }"
        "@media (prefers-color-scheme: light) { body { color: #000 } }</style>"
    )
    dark = force_schemes(document)["dark"]
    assert "@media (min-width: 0px) { body { color: #fff } }" in dark
    assert "@media (max-width: 0px) { body { color: #000 } }" in dark
    assert "color-scheme" not in dark.replace("prefers-color-scheme", "")
