"""SVG charts of results: structure, positions, escaping, theming and determinism."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Project
from micromoments.config import ProjectConfig
from micromoments.diagnostics import Report
from micromoments.load import load_catalog
from micromoments.model.journey import Metric
from micromoments.results import load_results, summarize_catalog
from micromoments.results.charts import (
    FALLBACK_COLOURS,
    experiment_chart,
    kpi_chart,
    moment_charts,
    nice_ticks,
    period_label,
)
from micromoments.results.data import ResultRow
from micromoments.results.summary import ExperimentSummary, KpiSummary, kpi_summary

NS = {"svg": "http://www.w3.org/2000/svg"}
OPEN_RATE = Metric(title="Open rate", unit="rate", direction="up")
CSAT = Metric(title="CSAT", unit="score", direction="up", scale=(1, 5))


def row(month: int, value: float, n: int | None = 1000, metric: str = "open_rate") -> ResultRow:
    start = date(2026, month, 1)
    end = date(2026 + month // 12, month % 12 + 1, 1).toordinal() - 1
    successes = round(value * n) if n is not None and metric == "open_rate" else None
    return ResultRow("m", None, metric, start, date.fromordinal(end), value, n, successes,
                     "results/x.csv", month + 1)  # fmt: skip


def open_rate_kpi(months: list[int] | None = None) -> KpiSummary:
    values = {1: 0.50, 2: 0.53, 3: 0.58, 4: 0.61, 5: 0.66, 6: 0.64}
    rows = [row(m, values[m]) for m in (months or [4, 1, 6, 2, 5, 3])]  # unordered on purpose
    return kpi_summary("open_rate", OPEN_RATE, rows, baseline=0.52, target=0.65,
                       launched=date(2026, 3, 1))  # fmt: skip


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{{{NS['svg']}}}text")]


def test_kpi_chart_points_are_in_time_order_and_at_their_values() -> None:
    kpi = open_rate_kpi()
    root = parse(kpi_chart(kpi, subject="Ordrebekræftelse", ident="oc-open"))
    circles = root.findall(".//svg:g[@class='mm-chart-points']/svg:circle", NS)
    assert [c.get("data-start") for c in circles] == [f"2026-0{m}-01" for m in range(1, 7)]
    xs = [float(c.get("cx", "")) for c in circles]
    ys = [float(c.get("cy", "")) for c in circles]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    values = [float(c.get("data-value", "")) for c in circles]
    # higher values are drawn higher up (smaller y), and the order of y follows the values
    assert sorted(range(6), key=lambda i: values[i]) == sorted(range(6), key=lambda i: -ys[i])
    # the line passes through the points, in order
    path = root.find(".//svg:path[@class='mm-chart-line']", NS)
    assert path is not None
    assert path.get("d", "").count("L") == 5
    assert all(c.find("svg:title", NS) is not None for c in circles)
    assert "58.0 % (n = 1,000)" in "".join(circles[2].find("svg:title", NS).itertext())  # type: ignore[union-attr]


def test_kpi_chart_marks_baseline_target_and_launch() -> None:
    root = parse(kpi_chart(open_rate_kpi(), subject="Ordrebekræftelse", ident="oc-open"))
    labels = texts(root)
    assert "Baseline 52.0 %" in labels and "Target 65.0 %" in labels
    assert "Launch 2026-03-01" in labels
    baseline = root.find(".//svg:g[@class='mm-chart-baseline']/svg:line", NS)
    target = root.find(".//svg:g[@class='mm-chart-target']/svg:line", NS)
    launch = root.find(".//svg:g[@class='mm-chart-launch']/svg:line", NS)
    assert baseline is not None and target is not None and launch is not None
    assert baseline.get("stroke-dasharray") and target.get("stroke-dasharray")
    assert float(target.get("y1", "")) < float(baseline.get("y1", ""))  # 65 % above 52 %
    circles = root.findall(".//svg:g[@class='mm-chart-points']/svg:circle", NS)
    feb, mar = (float(c.get("cx", "")) for c in circles[1:3])
    launch_x = float(launch.get("x1", ""))
    assert feb < launch_x < mar
    # launched on 1 March: exactly where March starts, left of March's midpoint
    assert mar - launch_x == pytest.approx((mar - feb) * 15.5 / (14 + 15.5), abs=0.2)
    y_labels = texts(root.find(".//svg:g[@class='mm-chart-y-labels']", NS))  # type: ignore[arg-type]
    assert y_labels and all(label.endswith(" %") for label in y_labels)


def test_title_and_description_are_referenced() -> None:
    root = parse(kpi_chart(open_rate_kpi(), subject="Ordrebekræftelse", ident="oc open/1"))
    ids = root.get("aria-labelledby", "").split()
    assert ids == ["oc-open-1-title", "oc-open-1-desc"]
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.get("id") == ids[0]
    assert desc is not None and desc.get("id") == ids[1]
    assert title.text == "Open rate: Ordrebekræftelse"
    assert "Latest 64.0 % (2026-06), target not reached." in (desc.text or "")
    assert "Average before launch 51.5 %." in (desc.text or "")
    assert root.get("role") == "img"


def test_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & Co\x07'
    svg = kpi_chart(open_rate_kpi(), subject=evil, ident="<b>")
    root = parse(svg)  # well-formed despite the markup and the control character
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert "<script>" not in svg
    title = root.find("svg:title", NS)
    assert title is not None and title.text == 'Open rate: <script>alert("x")</script> & Co'


def test_output_is_deterministic() -> None:
    first = kpi_chart(open_rate_kpi(), subject="X", ident="a")
    again = kpi_chart(open_rate_kpi([3, 2, 1, 6, 5, 4]), subject="X", ident="a")
    assert first == again
    assert first.encode() == kpi_chart(open_rate_kpi(), subject="X", ident="a").encode()


def test_colours_follow_the_theme() -> None:
    svg = kpi_chart(open_rate_kpi(), subject="X", ident="a")
    lowered = svg.lower()
    for fixed in ("#000", "#fff", "black", "white", "<script", "http://cdn", "https://"):
        assert fixed not in lowered
    assert "currentColor" in svg
    for name in ("accent", "baseline", "target", "launch"):
        assert f"var(--mm-chart-{name}, {FALLBACK_COLOURS[name]})" in svg


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("background", ["#ffffff", "#1e2129"])
@pytest.mark.parametrize("name", sorted(FALLBACK_COLOURS))
def test_fallback_colours_contrast_on_light_and_dark(name: str, background: str) -> None:
    a, b = _luminance(FALLBACK_COLOURS[name]), _luminance(background)
    ratio = (max(a, b) + 0.05) / (min(a, b) + 0.05)
    assert ratio >= 3.0  # WCAG 1.4.11, non-text contrast


def test_empty_series_says_so() -> None:
    kpi = kpi_summary("open_rate", OPEN_RATE, [], baseline=0.5, target=0.6)
    root = parse(kpi_chart(kpi, subject="X", ident="e"))
    assert texts(root) == ["No results yet"]
    assert "Baseline 50.0 %" in (root.find("svg:desc", NS).text or "")  # type: ignore[union-attr]


def test_single_point_and_scores() -> None:
    kpi = kpi_summary("csat", CSAT, [row(4, 4.2, 120, "csat")], baseline=3.9, target=4.4)
    root = parse(kpi_chart(kpi, subject="Hjælp", ident="s"))
    (circle,) = root.findall(".//svg:circle", NS)
    assert circle.get("data-value") == "4.2"
    labels = texts(root)
    assert "Target 4.4" in labels and "Baseline 3.9" in labels
    assert not any("%" in label for label in labels)


def test_labels_of_close_baseline_and_target_do_not_overlap() -> None:
    kpi = kpi_summary("open_rate", OPEN_RATE, [row(1, 0.2), row(2, 0.9)], baseline=0.5,
                      target=0.505)  # fmt: skip
    root = parse(kpi_chart(kpi, subject="X", ident="c"))
    ys = [float(t.get("y", "")) for t in root.iter(f"{{{NS['svg']}}}text")
          if "".join(t.itertext()).startswith(("Baseline", "Target"))]  # fmt: skip
    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= 12


EXPERIMENT_SPEC = """\
---
title: Glemt kurv <i>
phase: purchase
tone: reassuring
trigger: {event: Cart Abandoned, source: Webshop}
channels: [email]
experiment:
  hypothesis: A question brings people back.
  metric: open_rate
  mde: 0.015
  variants: {A: Statement, B: Question, C: Emoji}
---

## Email

Subject: Du glemte noget

Hej.

## Email [B]

Subject: Skal vi gemme den?

Hej.

## Email [C]

Subject: 🛒

Hej.
"""


def experiment(project: Project, rows: str) -> ExperimentSummary:
    project.moment(EXPERIMENT_SPEC, "abandoned-cart")
    project.write("results/x.csv", "moment,variant,metric,period_start,period_end,value,n,"
                  "successes\n" + rows)  # fmt: skip
    config = ProjectConfig(root=project.root)
    catalog = load_catalog(config)
    results = load_results(config, catalog, Report())
    found = summarize_catalog(catalog, results)["abandoned-cart"].experiment
    assert found is not None
    return found


def test_experiment_bars_and_whiskers(project: Project) -> None:
    exp = experiment(project, "abandoned-cart,A,open_rate,2026-05-01,2026-05-31,,20000,1620\n"
                     "abandoned-cart,B,open_rate,2026-05-01,2026-05-31,,20000,1900\n")  # fmt: skip
    svg = experiment_chart(exp, subject="Glemt kurv <i>", ident="cart-exp")
    root = parse(svg)
    groups = root.findall(".//svg:g[@class='mm-chart-variant']", NS)
    assert [g.get("data-variant") for g in groups] == ["A", "B", "C"]
    bars = [g.find("svg:rect", NS) for g in groups]
    assert bars[2] is None and "no data" in texts(groups[2])
    a_bar, b_bar = bars[0], bars[1]
    assert a_bar is not None and b_bar is not None
    ratio = float(b_bar.get("height", "")) / float(a_bar.get("height", ""))
    assert ratio == pytest.approx(1900 / 1620, rel=0.01)
    for group, bar in zip(groups[:2], (a_bar, b_bar), strict=True):
        whisker = group.find("svg:path[@class='mm-chart-whisker']", NS)
        assert whisker is not None
        numbers = [float(x) for x in whisker.get("d", "").replace("M", " ").replace("V", " ")
                   .replace("H", " ").split()]  # fmt: skip
        low, high = numbers[1], numbers[2]
        assert high < float(bar.get("y", "")) < low  # the interval spans the bar's top
    labels = texts(root)
    assert "B wins" in labels and "A (control)" in labels
    assert "8.10 %" in labels and "9.50 %" in labels  # two decimals below 10 %
    desc = root.find("svg:desc", NS)
    assert desc is not None and "B wins" in (desc.text or "")
    assert "97.5 % confidence intervals" in (desc.text or "")  # alpha split over B and C
    assert "<i>" not in svg
    assert svg == experiment_chart(exp, subject="Glemt kurv <i>", ident="cart-exp")


def test_experiment_without_data(project: Project) -> None:
    exp = experiment(project, "")
    root = parse(experiment_chart(exp, subject="X", ident="e"))
    assert texts(root) == ["No results yet"]


def test_period_labels() -> None:
    assert period_label(date(2026, 3, 1), date(2026, 3, 31)) == "2026-03"
    assert period_label(date(2026, 4, 1), date(2026, 6, 30)) == "2026-Q2"
    assert period_label(date(2026, 1, 1), date(2026, 12, 31)) == "2026"
    assert period_label(date(2026, 3, 2), date(2026, 3, 8)) == "2026-03-02"


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=1e-6, max_value=1e6))
def test_property_ticks_cover_the_range(low: float, span: float) -> None:
    ticks = nice_ticks(low, low + span)
    noise = 1e-9 * (span + abs(low))  # ticks snap to round values within float noise
    assert ticks[0] <= low + noise
    assert ticks[-1] >= low + span - noise
    assert ticks == sorted(ticks) and 2 <= len(ticks) <= 12


def test_moment_charts_have_unique_ids(project: Project) -> None:
    experiment(project, "abandoned-cart,A,open_rate,2026-05-01,2026-05-31,,2000,160\n")
    config = ProjectConfig(root=project.root)
    catalog = load_catalog(config)
    found = summarize_catalog(catalog, load_results(config, catalog, Report()))
    charts = moment_charts(found["abandoned-cart"])
    assert list(charts) == ["experiment"]  # the spec declares no KPIs, only the experiment
    root = parse(charts["experiment"])
    assert root.get("aria-labelledby") == (
        "mm-abandoned-cart-experiment-title mm-abandoned-cart-experiment-desc"
    )
