"""Per-moment summaries of results: KPI series against baseline and target, before/after the
launch, and experiment verdicts. Plain dataclasses with ``to_json()`` for catalog.json.

How rows become numbers:

* a KPI's series has one point per period (start, end). A row without a variant is the
  period's total; when a period only has variant rows, they are combined (summed for rates).
* averages (per period from variants, and before/after the launch) are weighted by ``n`` for
  rates (total successes / total n) and for other metrics when every row has ``n``; otherwise
  they are plain means of the periods.
* "before" holds periods that end before ``launched``; "after" those that start on or after it;
  a period that spans the launch day belongs to neither.
* an experiment adds up each variant's rows of the experiment's metric from ``start`` on and
  compares every variant with the control (the first one). With more than one challenger, each
  comparison uses alpha divided by their number (Bonferroni), so the chance of any false winner
  stays at alpha.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .data import ResultRow, Results
from .stats import (
    Arm,
    Direction,
    ProportionTest,
    Verdict,
    proportion_ci,
    sample_size_per_arm,
    two_proportion_test,
    verdict,
)

if TYPE_CHECKING:
    from ..load.loader import Catalog
    from ..model import Journey, Moment
    from ..model.journey import Metric

Status = Literal["reached", "partly", "not-reached", "no-data", "no-targets"]


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True, slots=True)
class Point:
    """One period of a KPI's series."""

    start: datetime.date
    end: datetime.date
    value: float
    n: int | None = None
    successes: int | None = None

    @property
    def middle(self) -> datetime.date:
        """The middle day of the period, where the chart places the point."""
        return self.start + (self.end - self.start) / 2

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "value": self.value, "n": self.n, "successes": self.successes}  # fmt: skip


def _combine(rows: Sequence[ResultRow], unit: str) -> Point:
    """One point from the rows of one period (variants of an experiment, usually)."""
    first = rows[0]
    if len(rows) == 1:
        return Point(first.start, first.end, first.value, first.n, first.successes)
    value, n, successes = _average([(r.value, r.n, r.successes) for r in rows], unit)
    assert value is not None
    return Point(first.start, first.end, value, n, successes)


def _average(
    items: Sequence[tuple[float, int | None, int | None]], unit: str
) -> tuple[float | None, int | None, int | None]:
    """(value, total n, total successes) of several measurements; see the module docstring."""
    if not items:
        return None, None, None
    if all(n is not None for _v, n, _s in items):
        total = sum(n for _v, n, _s in items if n is not None)
        if unit == "rate" and all(s is not None for _v, _n, s in items):
            successes = sum(s for _v, _n, s in items if s is not None)
            return successes / total, total, successes
        weighted = sum(v * n for v, n, _s in items if n is not None)
        return weighted / total, total, None
    return sum(v for v, _n, _s in items) / len(items), None, None


def series(rows: Iterable[ResultRow], metric_id: str, unit: str) -> tuple[Point, ...]:
    """The metric's points, one per period, sorted by start then end."""
    periods: dict[tuple[datetime.date, datetime.date], list[ResultRow]] = {}
    for row in rows:
        if row.metric == metric_id:
            periods.setdefault(row.period, []).append(row)
    points = []
    for period in sorted(periods):
        group = periods[period]
        totals = [r for r in group if r.variant is None]
        points.append(_combine(totals or group, unit))
    return tuple(points)


@dataclass(frozen=True, slots=True)
class KpiSummary:
    """A KPI of one moment: its definition, its series and how it compares to its goals."""

    metric: str
    title: str
    unit: str
    direction: Direction
    kind: str
    scale: tuple[float, float] | None
    baseline: float | None
    target: float | None
    series: tuple[Point, ...]
    launched: datetime.date | None
    before: float | None
    after: float | None

    @property
    def latest(self) -> Point | None:
        """The most recent period (by end day), or None without data."""
        return max(self.series, key=lambda p: (p.end, p.start)) if self.series else None

    @property
    def reached(self) -> bool | None:
        """Whether the latest value meets the target; None without a target or data."""
        latest = self.latest
        if latest is None or self.target is None:
            return None
        if self.direction == "up":
            return latest.value >= self.target
        return latest.value <= self.target

    @property
    def change(self) -> float | None:
        """After-launch average minus before-launch average (None unless both exist)."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def improved(self) -> bool | None:
        """Whether the after-launch average is better than before, in the metric's direction."""
        change = self.change
        if change is None:
            return None
        return change > 0 if self.direction == "up" else change < 0

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        latest = self.latest
        return {
            "metric": self.metric,
            "title": self.title,
            "unit": self.unit,
            "direction": self.direction,
            "kind": self.kind,
            "scale": list(self.scale) if self.scale else None,
            "baseline": self.baseline,
            "target": self.target,
            "series": [p.to_json() for p in self.series],
            "latest": latest.to_json() if latest else None,
            "reached": self.reached,
            "launched": _iso(self.launched),
            "before": self.before,
            "after": self.after,
            "change": self.change,
            "improved": self.improved,
        }


def _before_after(
    points: Sequence[Point], launched: datetime.date | None, unit: str
) -> tuple[float | None, float | None]:
    if launched is None:
        return None, None
    before = [(p.value, p.n, p.successes) for p in points if p.end < launched]
    after = [(p.value, p.n, p.successes) for p in points if p.start >= launched]
    return _average(before, unit)[0], _average(after, unit)[0]


def kpi_summary(
    metric_id: str,
    metric: Metric,
    rows: Iterable[ResultRow],
    *,
    baseline: float | None = None,
    target: float | None = None,
    launched: datetime.date | None = None,
) -> KpiSummary:
    """Summarise one metric of one moment from its rows."""
    points = series(rows, metric_id, metric.unit)
    before, after = _before_after(points, launched, metric.unit)
    return KpiSummary(
        metric=metric_id, title=metric.title, unit=metric.unit, direction=metric.direction,
        kind=metric.kind, scale=metric.scale, baseline=baseline, target=target, series=points,
        launched=launched, before=before, after=after,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class VariantTotal:
    """One variant's totals over the experiment's periods."""

    variant: str
    description: str
    n: int
    successes: int
    ci: tuple[float, float] | None  # Wilson interval of the rate, at the experiment's alpha

    @property
    def rate(self) -> float | None:
        """successes / n, or None without observations."""
        return self.successes / self.n if self.n else None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"variant": self.variant, "description": self.description, "n": self.n,
                "successes": self.successes, "rate": self.rate,
                "ci": list(self.ci) if self.ci else None}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Comparison:
    """A challenger against the control: the test and its verdict."""

    variant: str
    test: ProportionTest
    verdict: Verdict

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"variant": self.variant, "test": self.test.to_json(),
                "verdict": self.verdict.to_json()}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ExperimentSummary:
    """An experiment's totals, tests and verdicts (``problem`` says why there are none)."""

    metric: str
    title: str
    unit: str
    direction: Direction
    hypothesis: str
    mde: float
    alpha: float
    power: float
    start: datetime.date | None
    control: str
    variants: tuple[VariantTotal, ...]
    comparisons: tuple[Comparison, ...]
    baseline: float | None
    baseline_source: Literal["kpi", "control"] | None
    required_per_arm: int | None
    comparison_alpha: float
    first_day: datetime.date | None
    last_day: datetime.date | None
    problem: str = ""

    @property
    def verdict(self) -> Verdict | None:
        """The headline verdict: a winner if any comparison has one, else the first."""
        winners = [c.verdict for c in self.comparisons if c.verdict.kind == "winner"]
        if winners:
            return winners[0]
        return self.comparisons[0].verdict if self.comparisons else None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        headline = self.verdict
        return {
            "metric": self.metric,
            "title": self.title,
            "unit": self.unit,
            "direction": self.direction,
            "hypothesis": self.hypothesis,
            "mde": self.mde,
            "alpha": self.alpha,
            "power": self.power,
            "start": _iso(self.start),
            "control": self.control,
            "variants": [v.to_json() for v in self.variants],
            "comparisons": [c.to_json() for c in self.comparisons],
            "baseline": self.baseline,
            "baseline_source": self.baseline_source,
            "required_per_arm": self.required_per_arm,
            "comparison_alpha": self.comparison_alpha,
            "first_day": _iso(self.first_day),
            "last_day": _iso(self.last_day),
            "verdict": headline.to_json() if headline else None,
            "problem": self.problem,
        }


def experiment_summary(moment: Moment, journey: Journey | None,
                       rows: Iterable[ResultRow]) -> ExperimentSummary | None:  # fmt: skip
    """Totals, tests and verdicts of the moment's experiment (None without one)."""
    spec = moment.spec
    if spec is None or spec.experiment is None:
        return None
    experiment = spec.experiment
    metric = journey.metrics.get(experiment.metric) if journey else None
    unit = metric.unit if metric else "rate"
    direction: Direction = metric.direction if metric else "up"
    problem = ""
    if metric is None:
        problem = f"the metric {experiment.metric!r} is not defined in journey.yml"
    elif metric.unit != "rate":
        problem = f"{experiment.metric} is a {metric.unit}; only rate metrics can be tested"
    used = [
        r for r in rows
        if r.variant is not None and r.metric == experiment.metric
        and (experiment.start is None or r.start >= experiment.start)
        and r.n is not None and r.successes is not None
    ]  # fmt: skip
    challengers = max(1, len(experiment.variants) - 1)
    comparison_alpha = experiment.alpha / challengers
    totals = []
    for variant, description in experiment.variants.items():
        mine = [r for r in used if r.variant == variant]
        n = sum(r.n for r in mine if r.n is not None)
        successes = sum(r.successes for r in mine if r.successes is not None)
        ci = proportion_ci(successes, n, comparison_alpha) if n and not problem else None
        totals.append(VariantTotal(variant, description, n, successes, ci))
    control = totals[0]
    kpi_baseline = next(
        (k.baseline for k in spec.kpis if k.metric == experiment.metric and k.baseline is not None
         and 0 <= k.baseline <= 1), None,
    )  # fmt: skip
    baseline: float | None
    source: Literal["kpi", "control"] | None
    if kpi_baseline is not None:
        baseline, source = kpi_baseline, "kpi"
    elif control.n:
        baseline, source = control.successes / control.n, "control"
    else:
        baseline, source = None, None
    required = None
    comparisons: list[Comparison] = []
    if not problem:
        if baseline is not None:
            required = sample_size_per_arm(baseline, experiment.mde, alpha=comparison_alpha,
                                           power=experiment.power, direction=direction)  # fmt: skip
        for challenger in totals[1:]:
            test = two_proportion_test(Arm(control.n, control.successes),
                                       Arm(challenger.n, challenger.successes),
                                       comparison_alpha)  # fmt: skip
            found = verdict(test, required, control=control.variant,
                            treatment=challenger.variant, direction=direction)  # fmt: skip
            comparisons.append(Comparison(challenger.variant, test, found))
    return ExperimentSummary(
        metric=experiment.metric, title=metric.title if metric else experiment.metric,
        unit=unit, direction=direction, hypothesis=experiment.hypothesis, mde=experiment.mde,
        alpha=experiment.alpha, power=experiment.power, start=experiment.start,
        control=control.variant, variants=tuple(totals), comparisons=tuple(comparisons),
        baseline=baseline, baseline_source=source, required_per_arm=required,
        comparison_alpha=comparison_alpha,
        first_day=min((r.start for r in used), default=None),
        last_day=max((r.end for r in used), default=None), problem=problem,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class MomentResults:
    """Everything measured about one moment."""

    moment: str
    title: str
    launched: datetime.date | None
    kpis: tuple[KpiSummary, ...]
    experiment: ExperimentSummary | None

    @property
    def has_data(self) -> bool:
        """True when any KPI or the experiment has at least one measurement."""
        return any(k.series for k in self.kpis) or bool(
            self.experiment and any(v.n for v in self.experiment.variants)
        )

    @property
    def targets(self) -> tuple[int, int]:
        """(KPIs that reach their target, KPIs with a target and data)."""
        judged = [k.reached for k in self.kpis if k.reached is not None]
        return sum(1 for r in judged if r), len(judged)

    @property
    def status(self) -> Status:
        """reached (all judged KPIs), partly, not-reached, no-data, or no-targets."""
        if not any(k.series for k in self.kpis):
            return "no-data"
        reached, judged = self.targets
        if not judged:
            return "no-targets"
        if reached == judged:
            return "reached"
        return "partly" if reached else "not-reached"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        reached, judged = self.targets
        return {
            "moment": self.moment,
            "title": self.title,
            "launched": _iso(self.launched),
            "kpis": [k.to_json() for k in self.kpis],
            "experiment": self.experiment.to_json() if self.experiment else None,
            "status": self.status,
            "targets_reached": reached,
            "targets_judged": judged,
        }


def summarize(moment: Moment, journey: Journey | None, rows: Iterable[ResultRow]) -> MomentResults:
    """The results of one moment from its rows (rows of other moments are ignored)."""
    mine = [r for r in rows if r.moment == moment.id]
    spec = moment.spec
    kpis: list[KpiSummary] = []
    launched = spec.launched if spec else None
    if spec is not None and journey is not None:
        for kpi in spec.kpis:
            metric = journey.metrics.get(kpi.metric)
            if metric is None:
                continue
            kpis.append(kpi_summary(kpi.metric, metric, mine, baseline=kpi.baseline,
                                    target=kpi.target, launched=launched))  # fmt: skip
    return MomentResults(moment=moment.id, title=moment.title, launched=launched,
                         kpis=tuple(kpis),
                         experiment=experiment_summary(moment, journey, mine))  # fmt: skip


def summarize_catalog(catalog: Catalog, results: Results) -> dict[str, MomentResults]:
    """Every moment with a valid spec, in journey order."""
    journey = catalog.context.journey
    by_moment: dict[str, list[ResultRow]] = {}
    for row in results.rows:
        by_moment.setdefault(row.moment, []).append(row)
    return {
        m.id: summarize(m, journey, by_moment.get(m.id, []))
        for m in catalog.ordered() if m.spec is not None
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class PortfolioEntry:
    """One moment on the portfolio page."""

    moment: str
    title: str
    status: Status
    reached: int
    judged: int
    verdict: str | None

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"moment": self.moment, "title": self.title, "status": self.status,
                "reached": self.reached, "judged": self.judged,
                "verdict": self.verdict}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Which moments reach their targets."""

    entries: tuple[PortfolioEntry, ...]

    def with_status(self, status: Status) -> list[PortfolioEntry]:
        """The entries of one status, in the order given."""
        return [e for e in self.entries if e.status == status]

    def counts(self) -> dict[str, int]:
        """How many moments have each status."""
        out = dict.fromkeys(("reached", "partly", "not-reached", "no-data", "no-targets"), 0)
        for entry in self.entries:
            out[entry.status] += 1
        return out

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys."""
        return {"entries": [e.to_json() for e in self.entries], "counts": self.counts()}


def portfolio(summaries: Iterable[MomentResults]) -> Portfolio:
    """The portfolio view of many moments' results, in the order given."""
    entries = []
    for s in summaries:
        reached, judged = s.targets
        headline = s.experiment.verdict if s.experiment else None
        entries.append(PortfolioEntry(s.moment, s.title, s.status, reached, judged,
                                      headline.text if headline else None))  # fmt: skip
    return Portfolio(tuple(entries))
