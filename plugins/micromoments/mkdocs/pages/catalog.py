"""The catalog: a card per moment, with filters whose state lives in the URL."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import CHANNEL_TITLES, CHANNELS, STATUSES, CatalogSite

URI = layout.CATALOG
TITLE = "Catalog"
TEMPLATE = "catalog.html"


def context(site: CatalogSite) -> dict[str, Any]:
    """Cards and the choices of each filter (only values some moment has)."""
    used_channels = {c for m in site.moments for c in m.channels}
    used_tones = {m.tone_id for m in site.moments if m.tone_id}
    tones = [(t, site.tones[t].title if t in site.tones else t) for t in sorted(used_tones)]
    used_audiences = {a for m in site.moments for a, _t in m.audiences}
    return {
        "moments": site.moments,
        "filters": [
            ("phase", "Phase", [(p, t) for p, t in site.phases
                                if any(m.phase == p for m in site.moments)]),
            ("channel", "Channel", [(c, CHANNEL_TITLES[c]) for c in CHANNELS
                                    if c in used_channels]),
            ("status", "Status", [(s, s.title()) for s in STATUSES
                                  if any(m.status == s for m in site.moments)]),
            ("tone", "Tone", tones),
            ("audience", "Audience", [(a, t) for a, t in site.audiences if a in used_audiences]),
        ],
    }  # fmt: skip
