"""The journey map: phases as columns, channels as rows, a chip per moment."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import CHANNEL_TITLES, CHANNELS, STATUSES, CatalogSite, MomentView

URI = layout.JOURNEY
TITLE = "Journey map"
TEMPLATE = "journey.html"


def context(site: CatalogSite) -> dict[str, Any]:
    """The grid: every phase, every channel any moment uses, and the moments in each cell."""
    used = {c for m in site.moments for c in m.channels}
    channels = [(c, CHANNEL_TITLES[c]) for c in CHANNELS if c in used]
    phases = site.phases
    descriptions = (
        {pid: p.description for pid, p in site.journey.phases.items()} if site.journey else {}
    )
    grid: dict[tuple[str, str], list[MomentView]] = {
        (p, c): [] for p, _t in phases for c, _n in channels
    }
    for view in site.moments:  # one pass, not one per cell (24 passes over 10,000 moments)
        phase = view.phase
        for channel in dict.fromkeys(view.channels):
            cell = grid.get((phase, channel))
            if cell is not None:
                cell.append(view)
    return {"phases": phases, "descriptions": descriptions, "channels": channels, "grid": grid,
            "statuses": STATUSES}  # fmt: skip
