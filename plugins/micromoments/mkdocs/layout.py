"""Where everything the plugin generates lives in the site (docs-relative source URIs).

One module owns the layout so pages, previews and downloads link to each other consistently.
Moment ids are lower-case letters, digits and dashes, so folders starting with ``_`` can never
clash with a moment's folder.
"""

from __future__ import annotations

import posixpath

ROOT = "catalog"

CATALOG = f"{ROOT}/index.md"
JOURNEY = f"{ROOT}/journey.md"
TRACKING = f"{ROOT}/tracking-plan.md"
TONES = f"{ROOT}/tone-of-voice.md"
PORTFOLIO = f"{ROOT}/portfolio.md"
QUALITY = f"{ROOT}/quality.md"
DOWNLOADS = f"{ROOT}/downloads.md"

STYLESHEET = "assets/micromoments/micromoments.css"
SCRIPT = "assets/micromoments/micromoments.js"

RULES_PAGE = "rules.md"


def moment_page(moment_id: str) -> str:
    """The page of one moment."""
    return f"{ROOT}/moments/{moment_id}.md"


def preview_file(
    moment_id: str, channel: str, locale: str, variant: str | None, scenario: str, scheme: str
) -> str:
    """A standalone preview document (email or web) shown in a sandboxed iframe."""
    parts = [channel, locale, *([variant] if variant else []), scenario, scheme]
    return f"{ROOT}/previews/{moment_id}/{'-'.join(parts)}.html"


def preview_asset(name: str) -> str:
    """A local copy of an email image, so previews never load from the CDN."""
    return f"{ROOT}/previews/_assets/{name}"


def download(key: str) -> str:
    """A build artifact (``order-confirmation/da/email.html``, ``catalog.json``, a zip)."""
    return f"{ROOT}/files/{key}"


def event_schema(slug: str) -> str:
    """The JSON Schema (draft-07) of one tracking-plan event."""
    return f"{ROOT}/files/_tracking-plan/{slug}.schema.json"


def relative(target: str, start: str) -> str:
    """Link from the file at site path ``start`` to the file at site path ``target``."""
    return posixpath.relpath(target, posixpath.dirname(start) or ".")
