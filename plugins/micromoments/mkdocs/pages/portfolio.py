"""The portfolio: impact/effort matrix, counts by status and phase, KPI targets reached."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import STATUSES, CatalogSite, MomentView

URI = layout.PORTFOLIO
TITLE = "Portfolio"
TEMPLATE = "portfolio.html"
SCALE = (1, 2, 3, 4, 5)
KPI_STATUSES = (
    ("reached", "All targets reached"),
    ("partly", "Some targets reached"),
    ("not-reached", "Targets not reached"),
    ("no-targets", "Measured, no targets"),
    ("no-data", "No results yet"),
)


def context(site: CatalogSite) -> dict[str, Any]:
    """The matrix cells, the counts and the KPI status of each moment."""
    matrix: dict[tuple[int, int], list[MomentView]] = {(i, e): [] for i in SCALE for e in SCALE}
    unplaced: list[MomentView] = []
    for view in site.moments:
        priority = view.spec.priority if view.spec else None
        if priority is None:
            unplaced.append(view)
        else:
            matrix[(priority.impact, priority.effort)].append(view)
    by_status = site.count_by("status")
    by_phase = site.count_by("phase")
    views = {m.id: m for m in site.moments}
    return {
        "scale": SCALE,
        "matrix": matrix,
        "unplaced": unplaced,
        "statuses": [(s, by_status.get(s, 0)) for s in STATUSES],
        "phases": [(p, t, by_phase.get(p, 0)) for p, t in site.phases],
        "total": len(site.moments),
        "kpi_statuses": KPI_STATUSES,
        "kpi_counts": site.portfolio.counts(),
        "entries": site.portfolio.entries,
        "views": views,
    }
