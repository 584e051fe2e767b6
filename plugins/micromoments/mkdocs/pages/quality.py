"""Quality: every diagnostic, by moment and by rule, linked to the rules reference."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import CatalogSite, rule_anchor

URI = layout.QUALITY
TITLE = "Quality"
TEMPLATE = "quality.html"


def context(site: CatalogSite) -> dict[str, Any]:
    """Counts, the moments with their diagnostics, and the rules that fired."""
    from ...diagnostics import RULES

    return {
        "counts": site.counts,
        "moments": site.moments,
        "unowned": site.unowned_diagnostics(),
        "by_rule": site.by_rule(),
        "rules": RULES,
        "anchor": rule_anchor,
        "rules_page": layout.RULES_PAGE,
    }
