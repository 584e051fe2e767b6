"""``micromoments results``: KPI status and experiment verdicts in the terminal."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from ..diagnostics import RULES, Diagnostic, Report, Severity, suggestion
from ..load import load_catalog
from ..output import format_text, summary
from ..results.charts import format_value, period_label
from ..results.data import check_kpis, load_results
from ..results.stats import format_p
from ..results.summary import ExperimentSummary, KpiSummary, MomentResults, portfolio
from ..results.summary import summarize_catalog as summarize_all
from .common import project_config, style_for

Style = Callable[..., str]


@click.command("results")
@click.option("--moment", "moment_id", default=None, metavar="ID", help="Only this moment.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for tools.")  # fmt: skip
def results(moment_id: str | None, fmt: str) -> int:
    """Summarise KPIs (baseline, latest, target) and experiment verdicts from results/*.csv.

    Problems in the results files and in the KPI and experiment declarations are printed like
    `micromoments check` prints them; exits 1 when one of them is an error.
    """
    config = project_config(Path.cwd())
    catalog = load_catalog(config)
    report = Report(config.rules)
    data = load_results(config, catalog, report)
    for moment in catalog.moments.values():
        check_kpis(moment, catalog.context, report)
    merged = Report(config.rules)
    merged.extend(report)
    # The loader may run check_kpis too; Report.sorted() drops the exact duplicates.
    merged.extend(d for d in catalog.report if RULES[d.rule].family == "kpi")
    diagnostics = merged.sorted()
    summaries = summarize_all(catalog, data)
    if moment_id is not None:
        if moment_id not in catalog.moments:
            raise click.ClickException(
                f"unknown moment {moment_id!r}{suggestion(moment_id, catalog.moments)}"
            )
        summaries = {k: v for k, v in summaries.items() if k == moment_id}
        diagnostics = [d for d in diagnostics if d.moment == moment_id]
    if fmt == "json":
        click.echo(_json(summaries, diagnostics))
    else:
        style = style_for(sys.stdout.isatty())
        click.echo(render_text(list(summaries.values()), style))
        if diagnostics:
            click.echo("")
            click.echo(format_text(diagnostics, root=config.root, style=style))
        click.echo("")
        click.echo(summary(diagnostics, len(catalog.moments)))
    return 1 if any(d.severity is Severity.ERROR for d in diagnostics) else 0


def _json(summaries: dict[str, MomentResults], diagnostics: Sequence[Diagnostic]) -> str:
    payload: dict[str, Any] = {
        "moments": [s.to_json() for s in summaries.values()],
        "portfolio": portfolio(summaries.values()).to_json(),
        "diagnostics": [d.to_json() for d in diagnostics],
        "summary": {
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
            "infos": sum(1 for d in diagnostics if d.severity is Severity.INFO),
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)


def _plain(text: str, **_: object) -> str:
    return text


def format_change(change: float, unit: str, *, scale: float | None = None) -> str:
    """A difference: percentage points for rates (``+1.3 pp``), the unit's own otherwise.

    Below one percentage point a second decimal is shown; ``scale`` picks the decimals from
    another number, so both ends of an interval get the same.
    """
    if unit == "rate":
        decimals = 1 if abs(change if scale is None else scale) >= 0.01 else 2
        return f"{change * 100:+.{decimals}f} pp"
    return f"{change:+,.2f}"


def _table(
    rows: Sequence[Sequence[str]],
    indent: str = "  ",
    paint: Callable[[int, int, str], str] | None = None,
    right: frozenset[int] = frozenset(),
) -> list[str]:
    """Text columns (``right``: right-aligned column numbers); ``paint`` may colour a cell."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for r, row in enumerate(rows):
        cells = [cell.rjust(w) if c in right else cell.ljust(w)
                 for c, (cell, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
        if paint is not None:
            cells = [paint(r, c, cell) for c, cell in enumerate(cells)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _kpi_rows(kpis: Sequence[KpiSummary], style: Style) -> list[str]:
    header = ["KPI", "Baseline", "Latest", "Target", "Status", "Before → after launch"]
    rows = [header]
    states: list[str] = []
    for k in kpis:
        latest = k.latest
        latest_text = "–" if latest is None else (
            f"{format_value(latest.value, k.unit)} ({period_label(latest.start, latest.end)})")  # fmt: skip
        state = {True: "reached", False: "not reached", None: "no data" if latest is None
                 else "no target"}[k.reached]  # fmt: skip
        states.append(state)
        before_after = ""
        if k.before is not None or k.after is not None:
            before = format_value(k.before, k.unit) if k.before is not None else "–"
            after = format_value(k.after, k.unit) if k.after is not None else "–"
            before_after = f"{before} → {after}"
            if k.change is not None:
                before_after += f" ({format_change(k.change, k.unit)})"
        rows.append([
            k.title,
            format_value(k.baseline, k.unit) if k.baseline is not None else "–",
            latest_text,
            format_value(k.target, k.unit) if k.target is not None else "–",
            state,
            before_after,
        ])  # fmt: skip
    colours = {"reached": "green", "not reached": "yellow"}

    def paint(row: int, column: int, cell: str) -> str:
        if row == 0:
            return style(cell, bold=True)
        if column == 4 and states[row - 1] in colours:
            return style(cell, fg=colours[states[row - 1]])
        return cell

    return _table(rows, paint=paint)


def _experiment_lines(exp: ExperimentSummary, style: Style) -> list[str]:
    challengers = ", ".join(v.variant for v in exp.variants[1:])
    head = (f"Experiment: {exp.title}, {exp.control} (control) vs {challengers}; "
            f"mde {format_change(exp.mde, exp.unit).lstrip('+')}, alpha {exp.alpha:g}, "
            f"power {exp.power * 100:g} %")  # fmt: skip
    if exp.start:
        head += f"; from {exp.start.isoformat()}"
    hypothesis = textwrap.fill(f"Hypothesis: {exp.hypothesis}", width=100,
                               initial_indent="    ", subsequent_indent="      ")  # fmt: skip
    out = ["  " + style(head, bold=True), hypothesis]
    if exp.problem:
        out.append("    " + style(f"Not analysed: {exp.problem}", fg="yellow"))
        return out
    confidence = f"{(1 - exp.comparison_alpha) * 100:g} % CI"
    rows = [["Variant", "n", "Successes", "Rate", confidence]]
    for v in exp.variants:
        role = " (control)" if v.variant == exp.control else ""
        ci = (f"{format_value(v.ci[0], 'rate')} – {format_value(v.ci[1], 'rate')}"
              if v.ci else "–")  # fmt: skip
        rows.append([f"{v.variant}{role}", f"{v.n:,}", f"{v.successes:,}",
                     format_value(v.rate, "rate") if v.rate is not None else "–", ci])  # fmt: skip
    out += _table(rows, indent="    ", right=frozenset({1, 2, 3}))
    planned = ""
    if exp.required_per_arm and exp.baseline is not None:
        source = "the KPI's baseline" if exp.baseline_source == "kpi" else "the control's rate"
        planned = (f"Planned sample: {exp.required_per_arm:,} per arm, to detect "
                   f"{format_change(exp.mde, 'rate').lstrip('+')} from {source} "
                   f"{format_value(exp.baseline, 'rate')}")  # fmt: skip
    for c in exp.comparisons:
        t = c.test
        if t.difference is not None:
            diff = f"{c.variant} − {exp.control}: {format_change(t.difference, 'rate')}"
            if t.ci_low is not None and t.ci_high is not None:
                widest = max(abs(t.ci_low), abs(t.ci_high))
                diff += (f" ({confidence} {format_change(t.ci_low, 'rate', scale=widest)} to "
                         f"{format_change(t.ci_high, 'rate', scale=widest)})")  # fmt: skip
            if t.p_value is not None:
                diff += f", {format_p(t.p_value)}"
            out.append(f"    {diff}")
        colour = {"winner": "green", "early": "yellow"}.get(c.verdict.kind)
        text = style(c.verdict.text, fg=colour, bold=True) if colour else c.verdict.text
        out.append(f"    Verdict: {text}")
    if planned:
        out.append(f"    {planned}")
    return out


def render_text(summaries: Sequence[MomentResults], style: Style = _plain) -> str:
    """The terminal report: per moment its KPI table and experiment, then the portfolio."""
    out: list[str] = []
    quiet = []
    for s in summaries:
        if not s.kpis and s.experiment is None:
            quiet.append(s.moment)
            continue
        head = f"{s.title} ({s.moment})"
        if s.launched:
            head += f" · launched {s.launched.isoformat()}"
        if out:
            out.append("")
        out.append(style(head, bold=True))
        if s.kpis:
            out += _kpi_rows(s.kpis, style)
        if s.experiment is not None:
            out += _experiment_lines(s.experiment, style)
    counts = portfolio(summaries).counts()
    judged = counts["reached"] + counts["partly"] + counts["not-reached"]
    if out:
        out.append("")
    if judged:
        out.append(f"Targets: {counts['reached']} of {judged} measured moments reach all their "
                   f"targets ({counts['partly']} partly, {counts['not-reached']} not yet).")  # fmt: skip
    others = counts["no-data"] + counts["no-targets"]
    if others:
        out.append(f"{others} moment{'s' if others != 1 else ''} without results or targets"
                   + (f"; {len(quiet)} declare no KPIs" if quiet else "") + ".")  # fmt: skip
    if not summaries:
        out.append("No moments to report.")
    return "\n".join(out)
