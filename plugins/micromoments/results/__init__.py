"""Measuring moments: KPI results from CSV files, before/after summaries, A/B statistics, charts.

* :mod:`.stats` is pure arithmetic (two-proportion z-test, sample size, verdicts);
* :mod:`.data` reads and validates ``results/*.csv`` and the KPI and experiment declarations;
* :mod:`.summary` turns rows into per-moment summaries (series, targets, experiments);
* :mod:`.charts` draws those summaries as static, accessible SVG.
"""

from .data import ResultRow, Results, check_kpis, load_results
from .summary import MomentResults, portfolio, summarize, summarize_catalog

__all__ = [
    "MomentResults",
    "ResultRow",
    "Results",
    "check_kpis",
    "load_results",
    "portfolio",
    "summarize",
    "summarize_catalog",
]
