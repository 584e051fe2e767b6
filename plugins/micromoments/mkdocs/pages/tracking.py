"""The tracking plan: trigger events, producers, conditions and consumed properties."""

from __future__ import annotations

import json
from typing import Any

from .. import layout
from ..structure import CatalogSite

URI = layout.TRACKING
TITLE = "Tracking plan"
TEMPLATE = "tracking-plan.html"


def context(site: CatalogSite) -> dict[str, Any]:
    """Events with their schema file and an example payload."""
    examples = {
        e.slug: json.dumps({"type": "track", "event": e.name, "properties": e.example()},
                           indent=2, ensure_ascii=False, sort_keys=True, default=str)
        for e in site.events
    }  # fmt: skip
    views = {m.id: m for m in site.moments}
    return {"events": site.events, "schemas": site.schemas, "examples": examples,
            "views": views}  # fmt: skip
