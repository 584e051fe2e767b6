"""Static SVG charts of results, drawn at build time: no JavaScript, no CDN, no fonts.

* :func:`kpi_chart`: a KPI over its periods, with baseline and target as dashed lines and the
  launch day as a vertical marker;
* :func:`experiment_chart`: each variant's rate as a bar with confidence-interval whiskers.

Readable in light and dark themes: text and axes use ``currentColor`` (the page's text colour);
the accents are CSS custom properties with fallbacks that keep at least 3:1 contrast against
both a white and a dark (#1e2129) background, so a theme can override them::

    --mm-chart-accent  --mm-chart-baseline  --mm-chart-target  --mm-chart-launch
    --mm-chart-control --mm-chart-font

Every chart has ``<title>`` and ``<desc>`` (the numbers in words) for screen readers; every point
has its own ``<title>`` as a tooltip. Output is deterministic: the same data gives the same bytes.
"""

from __future__ import annotations

import datetime
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .stats import format_p
from .summary import ExperimentSummary, KpiSummary, MomentResults, Point

ACCENT = "var(--mm-chart-accent, #5c6bc0)"
BASELINE = "var(--mm-chart-baseline, #808080)"
TARGET = "var(--mm-chart-target, #388e3c)"
LAUNCH = "var(--mm-chart-launch, #d84315)"
CONTROL = "var(--mm-chart-control, #808080)"
FONT = "12px var(--mm-chart-font, system-ui, sans-serif)"
FALLBACK_COLOURS = {"accent": "#5c6bc0", "baseline": "#808080", "target": "#388e3c",
                    "launch": "#d84315", "control": "#808080"}  # fmt: skip

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


def esc(text: str) -> str:
    """Text safe inside an element or an attribute (characters XML forbids are dropped)."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def _num(x: float) -> str:
    """A coordinate with one decimal and no ``-0.0``, so output is stable."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _safe_id(text: str) -> str:
    cleaned = _ID_CHARS.sub("-", text).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else f"mm-{cleaned}"


def format_value(value: float, unit: str, *, decimals: int | None = None) -> str:
    """A value as people read it: rates as percentages, seconds with ``s``."""
    if unit == "rate":
        # below 10 % a second decimal matters: 1.83 % has not reached a target of 1.80 %
        d = (1 if abs(value) >= 0.1 else 2) if decimals is None else decimals
        return f"{value * 100:.{d}f} %"
    if unit == "score":
        if decimals is not None:  # axis ticks: the same decimals on every tick
            return f"{value:.{decimals}f}"
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if unit == "seconds":
        return f"{value:,.{0 if decimals is None else decimals}f} s"
    if unit == "currency":
        return f"{value:,.{2 if decimals is None else decimals}f}"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    return f"{value:,.{decimals}f}"


def period_label(start: datetime.date, end: datetime.date) -> str:
    """``2026-03`` for a calendar month, ``2026-Q2`` for a quarter, else the first day."""
    next_day = end + datetime.timedelta(days=1)
    if start.day == 1 and next_day.day == 1:
        months = (next_day.year - start.year) * 12 + next_day.month - start.month
        if months == 1:
            return f"{start.year}-{start.month:02d}"
        if months == 3 and start.month % 3 == 1:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if months == 12 and start.month == 1:
            return str(start.year)
    return start.isoformat()


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``low``..``high``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high - step * 1e-9:
        ticks.append(round(value, 12))
    return ticks


@dataclass(frozen=True, slots=True)
class _Frame:
    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def x0(self) -> float:
        return self.left

    @property
    def x1(self) -> float:
        return self.width - self.right

    @property
    def y0(self) -> float:
        return self.height - self.bottom

    @property
    def y1(self) -> float:
        return self.top


def _open(frame: _Frame, ident: str, title: str, desc: str, kind: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mm-chart mm-chart-{kind}" '
        f'viewBox="0 0 {frame.width:g} {frame.height:g}" width="{frame.width:g}" '
        f'height="{frame.height:g}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'style="font: {FONT}; overflow: visible">',
        f'<title id="{ident}-title">{esc(title)}</title>',
        f'<desc id="{ident}-desc">{esc(desc)}</desc>',
    ]


def _empty(frame: _Frame, ident: str, title: str, desc: str, kind: str) -> str:
    out = _open(frame, ident, title, desc, kind)
    out.append(f'<text class="mm-chart-empty" x="{_num(frame.width / 2)}" '
               f'y="{_num(frame.height / 2)}" text-anchor="middle" fill="currentColor">'
               "No results yet</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _y_domain(values: Sequence[float], unit: str, scale: tuple[float, float] | None) -> list[float]:
    low, high = min(values), max(values)
    span = high - low
    pad = span * 0.12 if span > 0 else (abs(high) * 0.1 or (0.01 if unit == "rate" else 1.0))
    low, high = low - pad, high + pad
    if unit == "rate":
        low, high = max(0.0, low), min(1.0, high)
    elif unit == "score" and scale is not None:
        low, high = max(scale[0], low), min(scale[1], high)
    elif unit in ("count", "seconds") and min(values) >= 0:
        low = max(0.0, low)
    ticks = nice_ticks(low, high)
    if unit == "rate":
        ticks = [t for t in ticks if -1e-12 <= t <= 1 + 1e-12] or ticks
    return ticks


def _tick_decimals(ticks: Sequence[float], unit: str) -> int:
    if len(ticks) < 2:
        return 1 if unit == "rate" else 0
    step = abs(ticks[1] - ticks[0]) * (100 if unit == "rate" else 1)
    return max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0


def _describe_kpi(kpi: KpiSummary, subject: str) -> str:
    unit = kpi.unit
    parts = [f"{kpi.title} of {subject}"]
    if kpi.series:
        first, last = kpi.series[0], kpi.series[-1]
        parts[0] += (f", {len(kpi.series)} periods from {period_label(first.start, first.end)} "
                     f"to {period_label(last.start, last.end)}")  # fmt: skip
    parts[0] += f" ({'higher' if kpi.direction == 'up' else 'lower'} is better)."
    if kpi.baseline is not None:
        parts.append(f"Baseline {format_value(kpi.baseline, unit)}.")
    if kpi.target is not None:
        parts.append(f"Target {format_value(kpi.target, unit)}.")
    latest = kpi.latest
    if latest is not None:
        state = {True: "target reached", False: "target not reached", None: ""}[kpi.reached]
        parts.append(f"Latest {format_value(latest.value, unit)} "
                     f"({period_label(latest.start, latest.end)})"
                     + (f", {state}." if state else "."))  # fmt: skip
    if kpi.launched is not None:
        parts.append(f"Launched {kpi.launched.isoformat()}.")
    if kpi.before is not None:
        parts.append(f"Average before launch {format_value(kpi.before, unit)}.")
    if kpi.after is not None:
        parts.append(f"Average after launch {format_value(kpi.after, unit)}.")
    return " ".join(parts)


def _point_title(point: Point, unit: str) -> str:
    text = (f"{period_label(point.start, point.end)} ({point.start.isoformat()} to "
            f"{point.end.isoformat()}): {format_value(point.value, unit)}")  # fmt: skip
    if point.n is not None:
        text += f" (n = {point.n:,})"
    return text


def kpi_chart(
    kpi: KpiSummary,
    *,
    subject: str,
    ident: str,
    width: float = 640,
    height: float = 280,
) -> str:
    """A line chart of one KPI: periods on x, values on y, baseline/target/launch marked.

    ``subject`` is the moment's title (it appears in the title and description, escaped);
    ``ident`` makes the ids of ``<title>``/``<desc>`` unique when several charts share a page.
    """
    ident = _safe_id(ident)
    frame = _Frame(width, height, left=58, right=110, top=30, bottom=34)
    title = f"{kpi.title}: {subject}"
    desc = _describe_kpi(kpi, subject)
    if not kpi.series:
        return _empty(frame, ident, title, desc, "kpi")
    unit = kpi.unit
    values = [p.value for p in kpi.series]
    values += [v for v in (kpi.baseline, kpi.target) if v is not None]
    ticks = _y_domain(values, unit, kpi.scale)
    y_low, y_high = ticks[0], ticks[-1]
    if y_high <= y_low:
        y_low, y_high = y_low - 1, y_high + 1

    def y(value: float) -> float:
        return frame.y0 - (value - y_low) / (y_high - y_low) * (frame.y0 - frame.y1)

    middles = [(p.start.toordinal() + p.end.toordinal() + 1) / 2 for p in kpi.series]
    x_low = min(p.start.toordinal() for p in kpi.series)
    x_high = max(p.end.toordinal() + 1 for p in kpi.series)
    launch = kpi.launched.toordinal() if kpi.launched else None
    if launch is not None:
        x_low, x_high = min(x_low, launch), max(x_high, launch)

    def x(day: float) -> float:
        return frame.x0 + (day - x_low) / (x_high - x_low) * (frame.x1 - frame.x0)

    out = _open(frame, ident, title, desc, "kpi")
    decimals = _tick_decimals(ticks, unit)
    out.append('<g class="mm-chart-grid" stroke="currentColor" stroke-opacity="0.15">')
    for tick in ticks:
        out.append(f'<line x1="{_num(frame.x0)}" x2="{_num(frame.x1)}" y1="{_num(y(tick))}" '
                   f'y2="{_num(y(tick))}"/>')  # fmt: skip
    out.append("</g>")
    out.append('<g class="mm-chart-y-labels" fill="currentColor" text-anchor="end">')
    for tick in ticks:
        out.append(f'<text x="{_num(frame.x0 - 8)}" y="{_num(y(tick) + 4)}">'
                   f"{esc(format_value(tick, unit, decimals=decimals))}</text>")  # fmt: skip
    out.append("</g>")
    out.append(f'<line class="mm-chart-x-axis" x1="{_num(frame.x0)}" x2="{_num(frame.x1)}" '
               f'y1="{_num(frame.y0)}" y2="{_num(frame.y0)}" stroke="currentColor" '
               'stroke-opacity="0.6"/>')  # fmt: skip
    every = max(1, math.ceil(len(kpi.series) / 8))
    out.append('<g class="mm-chart-x-labels" fill="currentColor" text-anchor="middle">')
    for index, (point, middle) in enumerate(zip(kpi.series, middles, strict=True)):
        if index % every == 0:
            out.append(f'<text x="{_num(x(middle))}" y="{_num(frame.y0 + 18)}">'
                       f"{esc(period_label(point.start, point.end))}</text>")  # fmt: skip
    out.append("</g>")
    out.extend(_reference_lines(kpi, frame, y))
    if launch is not None and kpi.launched is not None:
        lx = x(launch)
        out.append(f'<g class="mm-chart-launch" style="stroke: {LAUNCH}; fill: {LAUNCH}">')
        out.append(f'<line x1="{_num(lx)}" x2="{_num(lx)}" y1="{_num(frame.y1 - 4)}" '
                   f'y2="{_num(frame.y0)}" stroke-width="1.5" stroke-dasharray="3 3"/>')  # fmt: skip
        anchor = "end" if lx > (frame.x0 + frame.x1) / 2 else "start"
        shift = -4 if anchor == "end" else 4
        out.append(f'<text x="{_num(lx + shift)}" y="{_num(frame.y1 - 10)}" '
                   f'text-anchor="{anchor}" stroke="none">'
                   f"Launch {esc(kpi.launched.isoformat())}</text>")  # fmt: skip
        out.append("</g>")
    coords = [(x(m), y(p.value)) for m, p in zip(middles, kpi.series, strict=True)]
    path = " ".join(f"{'M' if i == 0 else 'L'}{_num(cx)} {_num(cy)}"
                    for i, (cx, cy) in enumerate(coords))  # fmt: skip
    out.append(f'<path class="mm-chart-line" d="{path}" fill="none" stroke-width="2" '
               f'stroke-linejoin="round" style="stroke: {ACCENT}"/>')  # fmt: skip
    out.append(f'<g class="mm-chart-points" style="fill: {ACCENT}">')
    for (cx, cy), point in zip(coords, kpi.series, strict=True):
        out.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="3.5" '
                   f'data-start="{point.start.isoformat()}" data-end="{point.end.isoformat()}" '
                   f'data-value="{point.value!r}">'
                   f"<title>{esc(_point_title(point, unit))}</title></circle>")  # fmt: skip
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _reference_lines(kpi: KpiSummary, frame: _Frame, y: Callable[[float], float]) -> list[str]:
    """Dashed baseline and target lines with labels at the right; labels never overlap."""
    lines = [(name, value, colour, dash) for name, value, colour, dash in (
        ("baseline", kpi.baseline, BASELINE, "6 4"),
        ("target", kpi.target, TARGET, "2 3"),
    ) if value is not None]  # fmt: skip
    positions = {name: y(value) for name, value, _c, _d in lines}
    label_y = dict(positions)
    if len(lines) == 2 and abs(label_y["baseline"] - label_y["target"]) < 14:
        # push the two labels apart around their midpoint, the better one on top
        mid = (label_y["baseline"] + label_y["target"]) / 2
        target_above = label_y["target"] <= label_y["baseline"]
        label_y["target"] = mid - 7 if target_above else mid + 7
        label_y["baseline"] = mid + 7 if target_above else mid - 7
    out = []
    for name, value, colour, dash in lines:
        word = "Baseline" if name == "baseline" else "Target"
        out.append(f'<g class="mm-chart-{name}" style="stroke: {colour}; fill: {colour}">')
        out.append(f'<line x1="{_num(frame.x0)}" x2="{_num(frame.x1)}" '
                   f'y1="{_num(positions[name])}" y2="{_num(positions[name])}" '
                   f'stroke-width="1.5" stroke-dasharray="{dash}"/>')  # fmt: skip
        out.append(f'<text x="{_num(frame.x1 + 6)}" y="{_num(label_y[name] + 4)}" stroke="none">'
                   f"{word} {esc(format_value(value, kpi.unit))}</text>")  # fmt: skip
        out.append("</g>")
    return out


def _describe_experiment(exp: ExperimentSummary, subject: str) -> str:
    confidence = f"{(1 - exp.comparison_alpha) * 100:g} %"
    parts = [f"Experiment on {subject}: {exp.title} per variant, with {confidence} "
             "confidence intervals."]  # fmt: skip
    for v in exp.variants:
        role = " (control)" if v.variant == exp.control else ""
        if v.rate is None:
            parts.append(f"{v.variant}{role}: no data.")
        else:
            parts.append(f"{v.variant}{role}: {format_value(v.rate, 'rate')} "
                         f"({v.successes:,} of {v.n:,}).")  # fmt: skip
    for c in exp.comparisons:
        if c.test.p_value is not None:
            parts.append(f"{c.variant} vs {exp.control}: {format_p(c.test.p_value)}.")
        parts.append(c.verdict.text + ".")
    if exp.problem:
        parts.append(exp.problem + ".")
    return " ".join(parts)


def experiment_chart(
    exp: ExperimentSummary,
    *,
    subject: str,
    ident: str,
    height: float = 240,
) -> str:
    """Bars of each variant's rate with confidence-interval whiskers (Wilson intervals)."""
    ident = _safe_id(ident)
    bar_space = 110
    frame = _Frame(58 + bar_space * len(exp.variants) + 20, height,
                   left=58, right=20, top=24, bottom=40)  # fmt: skip
    title = f"{exp.title} by variant: {subject}"
    desc = _describe_experiment(exp, subject)
    measured = [v for v in exp.variants if v.rate is not None]
    if not measured or exp.problem:
        return _empty(frame, ident, title, desc, "experiment")
    top = max(max(v.ci[1] if v.ci else (v.rate or 0.0) for v in measured), 0.01)
    ticks = nice_ticks(0.0, min(1.0, top * 1.1))
    y_high = ticks[-1]

    def y(value: float) -> float:
        return frame.y0 - value / y_high * (frame.y0 - frame.y1)

    out = _open(frame, ident, title, desc, "experiment")
    decimals = _tick_decimals(ticks, "rate")
    out.append('<g class="mm-chart-grid" stroke="currentColor" stroke-opacity="0.15">')
    for tick in ticks:
        out.append(f'<line x1="{_num(frame.x0)}" x2="{_num(frame.x1)}" y1="{_num(y(tick))}" '
                   f'y2="{_num(y(tick))}"/>')  # fmt: skip
    out.append("</g>")
    out.append('<g class="mm-chart-y-labels" fill="currentColor" text-anchor="end">')
    for tick in ticks:
        out.append(f'<text x="{_num(frame.x0 - 8)}" y="{_num(y(tick) + 4)}">'
                   f"{esc(format_value(tick, 'rate', decimals=decimals))}</text>")  # fmt: skip
    out.append("</g>")
    winner = exp.verdict.winner if exp.verdict else None
    for index, v in enumerate(exp.variants):
        centre = frame.x0 + bar_space * index + bar_space / 2
        is_control = v.variant == exp.control
        colour = CONTROL if is_control else ACCENT
        label = v.variant + (" (control)" if is_control else "") + (
            " wins" if v.variant == winner else "")  # fmt: skip
        out.append(f'<g class="mm-chart-variant" data-variant="{esc(v.variant)}">')
        out.append(f"<title>{esc(v.variant)}: {esc(v.description)}</title>")
        if v.rate is not None:
            bar_top = y(v.rate)
            out.append(f'<rect class="mm-chart-bar" x="{_num(centre - 28)}" y="{_num(bar_top)}" '
                       f'width="56" height="{_num(frame.y0 - bar_top)}" '
                       f'style="fill: {colour}" fill-opacity="0.85"/>')  # fmt: skip
            label_y = bar_top
            if v.ci is not None:
                low, high = y(v.ci[0]), y(v.ci[1])
                label_y = high
                out.append(f'<path class="mm-chart-whisker" d="M{_num(centre)} {_num(low)} '
                           f'V{_num(high)} M{_num(centre - 10)} {_num(low)} H{_num(centre + 10)} '
                           f'M{_num(centre - 10)} {_num(high)} H{_num(centre + 10)}" '
                           'stroke="currentColor" stroke-width="1.5" fill="none"/>')  # fmt: skip
            out.append(f'<text class="mm-chart-value" x="{_num(centre)}" y="{_num(label_y - 6)}" '
                       f'text-anchor="middle" fill="currentColor">'
                       f"{esc(format_value(v.rate, 'rate'))}</text>")  # fmt: skip
        else:
            out.append(f'<text class="mm-chart-value" x="{_num(centre)}" y="{_num(frame.y0 - 6)}" '
                       'text-anchor="middle" fill="currentColor">no data</text>')  # fmt: skip
        out.append(f'<text class="mm-chart-label" x="{_num(centre)}" y="{_num(frame.y0 + 18)}" '
                   f'text-anchor="middle" fill="currentColor">{esc(label)}</text>')  # fmt: skip
        out.append(f'<text class="mm-chart-n" x="{_num(centre)}" y="{_num(frame.y0 + 32)}" '
                   f'text-anchor="middle" fill="currentColor" fill-opacity="0.7">'
                   f"n = {v.n:,}</text>")  # fmt: skip
        out.append("</g>")
    out.append(f'<line class="mm-chart-x-axis" x1="{_num(frame.x0)}" x2="{_num(frame.x1)}" '
               f'y1="{_num(frame.y0)}" y2="{_num(frame.y0)}" stroke="currentColor" '
               'stroke-opacity="0.6"/>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out) + "\n"


def moment_charts(results: MomentResults) -> dict[str, str]:
    """Every chart of one moment: one per KPI (keyed by metric id), plus ``"experiment"``.

    Ids inside the SVGs start with ``mm-<moment>-`` so many charts can share one page.
    """
    charts = {
        kpi.metric: kpi_chart(kpi, subject=results.title, ident=f"mm-{results.moment}-{kpi.metric}")
        for kpi in results.kpis
    }
    if results.experiment is not None:
        charts["experiment"] = experiment_chart(
            results.experiment, subject=results.title, ident=f"mm-{results.moment}-experiment"
        )
    return charts
