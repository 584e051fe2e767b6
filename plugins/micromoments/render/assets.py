"""Pointing a preview's images at local copies instead of the production CDN.

Production HTML links images at ``brand.asset_base_url`` (absolute https). A preview must work
offline, so each such URL is replaced by a link to the file itself, found through the same
lookup chain as the layouts (project templates first, then the built-in ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from .brand import Brand
from .email import find_asset


def localise_assets(
    html: str, brand: Brand, templates_path: Path, link: Callable[[Path], str]
) -> tuple[str, dict[str, Path]]:
    """``html`` with CDN image URLs replaced by ``link(file)``; also each asset name used, with
    its file."""
    pattern = re.compile(re.escape(brand.asset_base_url) + r"([A-Za-z0-9._/-]+)")
    used: dict[str, Path] = {}

    def replace(match: re.Match[str]) -> str:
        found = find_asset(templates_path, match.group(1))
        if found is None:
            return match.group(0)
        used[match.group(1)] = found
        return link(found)

    return pattern.sub(replace, html), used
