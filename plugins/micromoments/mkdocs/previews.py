"""Standalone preview documents for the sandboxed iframes of a moment page.

An email preview is the rendered email with sample (or missing-data) values, turned into a file
that works offline and cannot reach out: images point at local copies instead of the CDN, a
Content-Security-Policy allows nothing but those images and inline styles, and links open
nowhere (the iframe's sandbox blocks popups). Dark mode is decided at build time: the email's
``prefers-color-scheme`` media queries are rewritten to always (or never) match, so the
catalog's light/dark switch shows what a client in that mode shows, whatever the visitor's own
system setting is.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Literal

from ..render.assets import localise_assets
from ..render.brand import Brand
from . import layout

Scheme = Literal["light", "dark"]
SCHEMES: tuple[Scheme, ...] = ("light", "dark")

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "font-src 'none'; form-action 'none'; base-uri 'none'"
)
_ALWAYS = "(min-width: 0px)"
_NEVER = "(max-width: 0px)"
_SCHEME_QUERY = re.compile(r"\(\s*prefers-color-scheme\s*:\s*(dark|light)\s*\)", re.IGNORECASE)
# a style element: its start tag, its content up to the first end tag, the end tag (the content
# is matched as runs between "<"s, not character by character as (.*?) would: 4x faster)
_STYLE = re.compile(r"(<style\b[^>]*>)([^<]*(?:<(?!/style\s*>)[^<]*)*)(</style\s*>)", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_COLOR_SCHEME_META = re.compile(
    r"<meta\s+name=[\"'](?:color-scheme|supported-color-schemes)[\"'][^>]*>", re.IGNORECASE
)


def force_schemes(document: str) -> dict[Scheme, str]:
    """``document`` with its colour-scheme media queries fixed to each scheme.

    Only ``<style>`` contents change; a query that matched the scheme always matches, the other
    never does, and the ``color-scheme`` meta tags name just this scheme. The style sheets are
    found once for both schemes.
    """
    # [text, start tag, content, end tag, text, ...]: every fourth piece from 2 is a style sheet
    pieces = _STYLE.split(document)
    forced: dict[Scheme, str] = {}
    for scheme in SCHEMES:

        def query(match: re.Match[str], scheme: Scheme = scheme) -> str:
            return _ALWAYS if match.group(1).lower() == scheme else _NEVER

        joined = "".join(
            _SCHEME_QUERY.sub(query, piece) if i % 4 == 2 else piece
            for i, piece in enumerate(pieces)
        )
        forced[scheme] = _COLOR_SCHEME_META.sub("", joined)
    return forced


def _harden(document: str, scheme: Scheme) -> str:
    head = (
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f'<meta name="color-scheme" content="{scheme}">'
        '<base target="_blank">'
    )
    match = _HEAD.search(document)
    if match is None:
        return head + document
    return document[: match.end()] + head + document[match.end() :]


class AssetCopies:
    """Local copies of the email images that previews use, by site path."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._by_path: dict[Path, str] = {}
        self.used: set[str] = set()  # asset names previews used since the caller cleared it

    def site_path(self, file: Path) -> str:
        """Where ``file`` is copied in the site (named by content, so copies never clash)."""
        known = self._by_path.get(file)
        if known is None:
            data = file.read_bytes()
            name = f"{hashlib.sha256(data).hexdigest()[:12]}-{file.name}"
            known = layout.preview_asset(name)
            self.files[known] = data
            self._by_path[file] = known
        return known


def localised(
    document: str, *, beside: str, brand: Brand, templates: Path, assets: AssetCopies
) -> str:  # fmt: skip
    """``document`` with its images linked from the preview file at site path ``beside``.

    Done once per rendition: its light and dark previews lie side by side, so one document
    serves both.
    """
    result, used = localise_assets(
        document, brand, templates, lambda file: layout.relative(assets.site_path(file), beside)
    )
    assets.used.update(used)
    return result


def email_previews(document: str) -> dict[Scheme, str]:
    """The light and dark preview files of a rendered email ``document`` (already
    :func:`localised`)."""
    return {scheme: _harden(forced, scheme) for scheme, forced in force_schemes(document).items()}


def web_previews(
    fragment: str, *, title: str, locale: str, direction: str
) -> dict[Scheme, str]:  # fmt: skip
    """The light and dark preview files for a web fragment (``<style>`` + ``<article>``,
    already :func:`localised`), each a whole page."""
    page = (
        f'<!DOCTYPE html>\n<html lang="{html.escape(locale)}" dir="{html.escape(direction)}">'
        f'<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{margin:0;padding:16px;background:#f3f4f6}"
        "@media (prefers-color-scheme: dark){body{background:#111827}}</style>"
        f"</head><body>{fragment}</body></html>\n"
    )
    return email_previews(page)  # a whole page now: hardened the same way
