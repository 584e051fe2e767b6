"""Tone of voice: each profile with its rules, do/don't examples and the moments using it."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import CatalogSite

URI = layout.TONES
TITLE = "Tone of voice"
TEMPLATE = "tone-of-voice.html"


def context(site: CatalogSite) -> dict[str, Any]:
    """Profiles in tones.yml order, each with its moments."""
    profiles = [(tid, tone, site.using_tone(tid)) for tid, tone in site.tones.items()]
    unknown = sorted({m.tone_id for m in site.moments if m.tone_id and m.tone_id not in site.tones})
    return {"profiles": profiles, "unknown": [(t, site.using_tone(t)) for t in unknown]}
