"""Results data (CSV), KPI and experiment checks, summaries and the `results` command."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Project
from micromoments.config import ProjectConfig
from micromoments.diagnostics import Diagnostic, Report, Severity
from micromoments.load.loader import Catalog
from micromoments.results import check_kpis, load_results, portfolio, summarize_catalog
from micromoments.results.data import Results, split_csv
from micromoments.results.summary import MomentResults

JOURNEY = """\
default_locale: da
locales: {da: Dansk}
phases:
  purchase: {title: Køb}
metrics:
  open_rate: {title: Open rate, unit: rate, direction: up}
  contact_rate: {title: Contact rate, unit: rate, direction: down}
  recovery_rate: {title: Recovery rate, unit: rate, direction: up}
  click_rate: {title: Click rate, unit: rate, direction: up}
  csat: {title: CSAT, unit: score, direction: up, scale: [1, 5], kind: experience}
  orders: {title: Orders, unit: count, direction: up}
"""

HEADER = "moment,variant,metric,period_start,period_end,value,n,successes\n"


def spec(title: str, extra: str = "", body: str = "") -> str:
    """A valid moment with an email section; ``extra`` front-matter, ``body`` more copy."""
    return (
        f"---\ntitle: {title}\nphase: purchase\ntone: reassuring\n"
        "trigger: {event: Something Happened, source: Webshop}\nchannels: [email]\n"
        f"{extra}---\n\n## Email\n\nSubject: Hej\n\nHej med dig.\n{body}"
    )


ORDER = spec("Ordrebekræftelse", "launched: 2026-03-01\nkpis:\n"
             "  - {metric: open_rate, baseline: 0.52, target: 0.65}\n"
             "  - {metric: contact_rate, baseline: 0.08, target: 0.05}\n"
             "  - {metric: csat, baseline: 3.9, target: 4.4}\n")  # fmt: skip
CART = spec(
    "Glemt kurv",
    "launched: 2026-02-01\nkpis:\n  - {metric: recovery_rate, baseline: 0.081, target: 0.095}\n"
    "experiment:\n  hypothesis: A question makes people come back.\n  metric: recovery_rate\n"
    "  mde: 0.015\n  start: 2026-04-01\n  variants: {A: Statement, B: Question}\n",
    "\n## Email [B]\n\nSubject: Skal vi gemme den?\n\nHej igen.\n",
)


@pytest.fixture
def measured(project: Project) -> Project:
    """A project with two measured moments: order-confirmation and abandoned-cart (A/B)."""
    project.write("moments/journey.yml", JOURNEY)
    project.moment(ORDER, "order-confirmation")
    project.moment(CART, "abandoned-cart")
    return project


def load(project: Project) -> tuple[Catalog, Results, list[Diagnostic]]:
    config = ProjectConfig(root=project.root)
    from micromoments.load import load_catalog

    catalog = load_catalog(config)
    report = Report()
    results = load_results(config, catalog, report)
    return catalog, results, report.sorted()


def pos_of(text: str, needle: str, nth: int = 1, shift: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of ``needle`` in ``text``, plus ``shift``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    index += shift
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# -- reading and validating CSV -----------------------------------------------------------


def test_valid_rows_load_without_diagnostics(measured: Project) -> None:
    measured.write("results/2026.csv", HEADER + (
        "order-confirmation,,open_rate,2026-01-01,2026-01-31,0.52,10000,\n"
        "abandoned-cart,B,recovery_rate,2026-04-01,2026-04-30,,4500,423\n"
        "order-confirmation,,csat,2026-01-01,2026-01-31,4.1,250,\n"
    ))  # fmt: skip
    _catalog, results, diagnostics = load(measured)
    assert diagnostics == []
    assert results.files == ["results/2026.csv"]
    first, second, third = results.rows
    assert (first.value, first.n, first.successes, first.variant) == (0.52, 10000, 5200, None)
    assert (second.variant, second.successes, second.n) == ("B", 423, 4500)
    assert second.value == pytest.approx(423 / 4500)
    assert (third.value, third.n, third.successes) == (4.1, 250, None)
    assert first.period == (date(2026, 1, 1), date(2026, 1, 31))
    assert [r.line for r in results.rows] == [2, 3, 4]


def test_missing_results_folder_is_fine(measured: Project) -> None:
    _catalog, results, diagnostics = load(measured)
    assert results.rows == [] and results.files == [] and diagnostics == []


BAD_ROWS = HEADER + (
    "order-confirmaton,,open_rate,2026-01-01,2026-01-31,0.52,10000,\n"  # MM802
    "order-confirmation,,openrate,2026-01-01,2026-01-31,0.52,10000,\n"  # MM803
    "order-confirmation,,click_rate,2026-01-01,2026-01-31,0.05,10000,\n"  # MM804 (warning)
    "order-confirmation,B,open_rate,2026-02-01,2026-02-28,0.52,10000,\n"  # MM805 no experiment
    "abandoned-cart,C,recovery_rate,2026-04-01,2026-04-30,0.08,100,\n"  # MM805 unknown
    "order-confirmation,,open_rate,01/03/2026,2026-03-31,0.52,10000,\n"  # MM806 format
    "order-confirmation,,open_rate,2026-04-30,2026-04-01,0.52,10000,\n"  # MM806 end < start
    "order-confirmation,,open_rate,2026-05-01,2026-05-31,0.52,,\n"  # MM807
    "order-confirmation,,open_rate,2026-06-01,2026-06-30,52,10000,\n"  # MM808 rate
    "order-confirmation,,csat,2026-06-01,2026-06-30,7,80,\n"  # MM808 score
    "order-confirmation,,open_rate,2026-07-01,2026-07-31,0.52,4 000,\n"  # MM809
    "order-confirmation,,open_rate,2026-08-01,2026-08-31,52%,4000,\n"  # MM810
    "order-confirmation,,open_rate,2026-09-01,2026-09-30,0.50,4000,\n"
    "order-confirmation,,open_rate,2026-09-01,2026-09-30,0.51,4000,\n"  # MM811
    "abandoned-cart,A,recovery_rate,2026-05-01,2026-05-31,0.12,9000,731\n"  # MM812 mismatch
    "abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,,100,101\n"  # MM812 > n
    "order-confirmation,,csat,2026-10-01,2026-10-31,4.2,80,70\n"  # MM812 not a rate
    "abandoned-cart,A,recovery_rate,2026-03-01,2026-03-31,0.08,9000,\n"  # MM813 (warning)
)


def test_every_row_problem_is_reported_at_its_cell(measured: Project) -> None:
    measured.write("results/2026.csv", BAD_ROWS)
    _catalog, results, diagnostics = load(measured)
    t = BAD_ROWS
    expected = {
        ("MM802", pos_of(t, "order-confirmaton")),
        ("MM803", pos_of(t, "openrate")),
        ("MM804", pos_of(t, "click_rate")),
        ("MM805", pos_of(t, "B,open_rate")),
        ("MM805", pos_of(t, "C,recovery")),
        ("MM806", pos_of(t, "01/03/2026")),
        ("MM806", pos_of(t, "2026-04-01,0.52")),
        ("MM807", pos_of(t, "2026-05-31,0.52,,", shift=16)),  # the empty n cell
        ("MM808", pos_of(t, ",52,10000", shift=1)),
        ("MM808", pos_of(t, "7,80")),
        ("MM809", pos_of(t, "4 000")),
        ("MM810", pos_of(t, "52%")),
        ("MM811", pos_of(t, "order-confirmation,,open_rate,2026-09-01", 2)),
        ("MM812", pos_of(t, "731")),
        ("MM812", pos_of(t, "101")),
        ("MM812", pos_of(t, "70\n")),
        ("MM813", pos_of(t, "2026-03-01,2026-03-31,0.08")),
    }
    got = {(d.rule, (d.line, d.col)) for d in diagnostics}
    assert got == expected
    assert all(d.path == "results/2026.csv" for d in diagnostics)
    by_rule = {d.rule: d for d in diagnostics}
    assert "did you mean 'order-confirmation'" in by_rule["MM802"].message
    assert "did you mean 'open_rate'" in by_rule["MM803"].message
    assert by_rule["MM804"].severity is Severity.WARNING
    assert "0.52" in next(d for d in diagnostics if d.rule == "MM808").hint
    assert "first is on line 14" in by_rule["MM811"].message
    # only rows without errors are kept: the untracked metric, the first of the duplicates
    # and the row before the experiment (warnings only)
    kept = sorted(r.line for r in results.rows)
    assert kept == [4, 14, 19]


def test_header_problems(measured: Project) -> None:
    text = "moment,metric,start,period_end,value,n,n\norder-confirmation,open_rate,x,y,1,2,3\n"
    measured.write("results/bad.csv", text)
    _catalog, results, diagnostics = load(measured)
    messages = {(d.rule, d.line, d.col, d.message) for d in diagnostics}
    assert messages == {
        ("MM801", 1, 15, "unknown column 'start' (did you mean 'period_start'?)"),
        ("MM801", 1, 40, "column 'n' appears twice"),
        ("MM801", 1, 1, "missing column period_start"),
    }
    assert results.rows == []  # a bad header stops the file: its rows cannot be trusted


def test_empty_file_and_unclosed_quote_and_ragged_rows(measured: Project) -> None:
    measured.write("results/a-empty.csv", "")
    measured.write("results/b-quote.csv", HEADER + 'order-confirmation,,"open_rate,2026-01-01\n')
    ragged = HEADER + "order-confirmation,,open_rate,2026-01-01,2026-01-31,0.52,100,,extra\n"
    measured.write("results/c-ragged.csv", ragged)
    _catalog, _results, diagnostics = load(measured)
    got = [(d.path, d.rule, d.line, d.col) for d in diagnostics]
    assert got == [
        ("results/a-empty.csv", "MM801", 0, 0),
        ("results/b-quote.csv", "MM800", 2, 21),
        ("results/c-ragged.csv", "MM800", *pos_of(ragged, "extra")),
    ]


def test_semicolons_decimal_commas_bom_comments_and_crlf(measured: Project) -> None:
    text = (
        "\ufeff# exported from the warehouse\r\n"
        "moment;variant;metric;period_start;period_end;value;n\r\n"
        "\r\n"
        "order-confirmation;;open_rate;2026-01-01;2026-01-31;0,52;10000\r\n"
        '# a note, with "quotes and commas\r\n'
        "order-confirmation;;csat;2026-01-01;2026-01-31;4,25;300\r\n"
    )
    measured.write("results/export.csv", text.encode("utf-8"))
    _catalog, results, diagnostics = load(measured)
    assert diagnostics == []
    assert [(r.metric, r.value, r.line) for r in results.rows] == [
        ("open_rate", 0.52, 4), ("csat", 4.25, 6)]  # fmt: skip


def test_not_utf8_is_reported(measured: Project) -> None:
    measured.write("results/latin1.csv", (HEADER + "ordrebekræftelse,,,,,,,\n").encode("latin-1"))
    _catalog, _results, diagnostics = load(measured)
    assert [(d.rule, d.path) for d in diagnostics] == [("MM001", "results/latin1.csv")]


def test_quoted_cells_keep_positions_across_embedded_newlines() -> None:
    text = 'a,"b\nstill b",c\n"x ""y""",z,"w"\n'
    records, problems = split_csv(text, ",")
    assert problems == []
    cells = [[(c.text, c.line, c.col) for c in r.cells] for r in records]
    assert cells == [
        [("a", 1, 1), ("b\nstill b", 1, 3), ("c", 2, 10)],
        [('x "y"', 3, 1), ("z", 3, 11), ("w", 3, 13)],
    ]
    assert [r.line for r in records] == [1, 3]


cell_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\x00"),
                    max_size=12)  # fmt: skip


@given(st.lists(st.lists(cell_text, min_size=2, max_size=5), min_size=1, max_size=6),
       st.sampled_from([",", ";", "\t"]))  # fmt: skip
def test_property_reader_agrees_with_the_csv_module(rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        rows
    )
    records, problems = split_csv(out.getvalue(), delimiter)
    assert problems == []
    assert [[c.text for c in r.cells] for r in records] == rows
    # every cell starts where its opening quote is
    lines = out.getvalue().replace("\r\n", "\n").split("\n")
    for record in records:
        for cell in record.cells:
            assert lines[cell.line - 1][cell.col - 1] == '"'


def test_duplicates_across_files_name_the_first_file(measured: Project) -> None:
    row = "order-confirmation,,open_rate,2026-01-01,2026-01-31,0.52,10000,\n"
    measured.write("results/2026-q1.csv", HEADER + row)
    measured.write("results/archive/old.csv", HEADER + row)
    _catalog, results, diagnostics = load(measured)
    assert [(d.rule, d.path, d.line) for d in diagnostics] == [
        ("MM811", "results/archive/old.csv", 2)]  # fmt: skip
    assert "results/2026-q1.csv:2" in diagnostics[0].message
    assert len(results.rows) == 1


# -- checks of the spec side ----------------------------------------------------------------


def kpi_diagnostics(project: Project) -> list[Diagnostic]:
    catalog = project.load()
    report = Report()
    for moment in catalog.moments.values():
        check_kpis(moment, catalog.context, report)
    return report.sorted()


@pytest.mark.parametrize(
    ("rule", "extra", "body", "needle"),
    [
        ("MM820", "kpis:\n  - {metric: contact_rate, baseline: 0.08, target: 0.10}\n", "",
         "0.10}"),
        ("MM820", "kpis:\n  - {metric: open_rate, baseline: 0.5, target: 0.5}\n", "", "0.5}"),
        ("MM821", "kpis:\n  - {metric: open_rate, baseline: 52, target: 0.65}\n", "", "52,"),
        ("MM821", "kpis:\n  - {metric: csat, baseline: 3.5, target: 6}\n", "", "6}"),
        ("MM822", "experiment:\n  hypothesis: h\n  metric: recovery\n  mde: 0.01\n"
         "  variants: {A: a, B: b}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n", "recovery\n"),
        ("MM823", "experiment:\n  hypothesis: h\n  metric: csat\n  mde: 0.2\n"
         "  variants: {A: a, B: b}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n", "csat\n"),
        ("MM821", "experiment:\n  hypothesis: h\n  metric: open_rate\n  mde: 2\n"
         "  variants: {A: a, B: b}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n", "2\n"),
        ("MM824", "experiment:\n  hypothesis: h\n  metric: open_rate\n  mde: 0.02\n"
         "  variants: {A: a, B: b, C: c}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n", "C: c"),
        ("MM825", "", "\n## Email [B]\n\nSubject: B\n\nB.\n", "## Email [B]"),
        ("MM825", "experiment:\n  hypothesis: h\n  metric: open_rate\n  mde: 0.02\n"
         "  variants: {A: a, B: b}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n"
         "\n## Email [C]\n\nSubject: C\n\nC.\n", "## Email [C]"),
    ],
)  # fmt: skip
def test_spec_side_rules(measured: Project, rule: str, extra: str, body: str, needle: str) -> None:
    text = spec("Velkommen", extra, body)
    measured.moment(text, "welcome")
    found = [d for d in kpi_diagnostics(measured) if d.moment == "welcome"]
    assert [(d.rule, d.line, d.col) for d in found] == [(rule, *pos_of(text, needle))]
    assert found[0].path == "moments/welcome.md"


def test_well_declared_kpis_and_experiment_pass(measured: Project) -> None:
    assert kpi_diagnostics(measured) == []


# -- summaries -------------------------------------------------------------------------------

SERIES = HEADER + (
    # out of order on purpose; Feb spans no launch, Mar starts on the launch day
    "order-confirmation,,open_rate,2026-03-01,2026-03-31,0.60,12000,\n"
    "order-confirmation,,open_rate,2026-01-01,2026-01-31,0.50,10000,\n"
    "order-confirmation,,open_rate,2026-02-01,2026-02-28,0.54,5000,\n"
    "order-confirmation,,open_rate,2026-04-01,2026-04-30,0.66,8000,\n"
    "order-confirmation,,contact_rate,2026-02-15,2026-03-14,0.07,1000,\n"
    "order-confirmation,,contact_rate,2026-04-01,2026-04-30,0.055,2000,\n"
    "order-confirmation,,csat,2026-01-01,2026-01-31,3.8,100,\n"
    "order-confirmation,,csat,2026-04-01,2026-04-30,4.5,300,\n"
    "abandoned-cart,,recovery_rate,2026-01-01,2026-01-31,0.08,15000,\n"
    "abandoned-cart,A,recovery_rate,2026-04-01,2026-04-30,,4500,365\n"
    "abandoned-cart,B,recovery_rate,2026-04-01,2026-04-30,,4500,423\n"
    "abandoned-cart,A,recovery_rate,2026-05-01,2026-05-31,,4500,364\n"
    "abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,,4500,423\n"
)


def summaries(project: Project) -> dict[str, MomentResults]:
    catalog, results, diagnostics = load(project)
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    return summarize_catalog(catalog, results)


def test_kpi_series_latest_target_and_before_after(measured: Project) -> None:
    measured.write("results/2026.csv", SERIES)
    order = summaries(measured)["order-confirmation"]
    open_rate, contact, csat = order.kpis
    assert [p.start.month for p in open_rate.series] == [1, 2, 3, 4]
    assert open_rate.latest is not None and open_rate.latest.value == 0.66
    assert open_rate.reached is True  # 0.66 ≥ 0.65, higher is better
    # n-weighted: (5000 + 2700) / (10000 + 5000) before; (7200 + 5280) / (12000 + 8000) after
    assert open_rate.before == pytest.approx(7700 / 15000)
    assert open_rate.after == pytest.approx(12480 / 20000)
    assert open_rate.change == pytest.approx(12480 / 20000 - 7700 / 15000)
    assert open_rate.improved is True
    # lower is better: 0.055 > 0.05, not reached; the period spanning the launch counts nowhere
    assert contact.reached is False
    assert contact.before is None and contact.after == pytest.approx(0.055)
    # a score: the mean weighted by the number of answers
    assert csat.reached is True
    assert csat.before == pytest.approx(3.8) and csat.after == pytest.approx(4.5)
    assert order.status == "partly" and order.targets == (2, 3)


def test_variant_rows_make_up_the_kpi_series_when_there_is_no_total(measured: Project) -> None:
    measured.write("results/2026.csv", SERIES)
    cart = summaries(measured)["abandoned-cart"]
    (recovery,) = cart.kpis
    april = recovery.series[1]
    assert (april.n, april.successes) == (9000, 788)
    assert april.value == pytest.approx(788 / 9000)


def test_significant_experiment_names_the_winner(measured: Project) -> None:
    measured.write("results/2026.csv", SERIES)
    exp = summaries(measured)["abandoned-cart"].experiment
    assert exp is not None
    a, b = exp.variants
    assert (a.n, a.successes, b.n, b.successes) == (9000, 729, 9000, 846)
    assert exp.baseline == 0.081 and exp.baseline_source == "kpi"
    assert exp.required_per_arm == 5627
    (comparison,) = exp.comparisons
    assert comparison.test.significant
    assert exp.verdict is not None and exp.verdict.kind == "winner" and exp.verdict.winner == "B"
    assert (exp.first_day, exp.last_day) == (date(2026, 4, 1), date(2026, 5, 31))
    assert a.ci is not None and a.ci[0] < 729 / 9000 < a.ci[1]


def test_small_experiment_is_not_called_and_says_how_much_more(measured: Project) -> None:
    measured.write("results/2026.csv", HEADER + (
        "abandoned-cart,A,recovery_rate,2026-04-01,2026-04-30,,800,65\n"
        "abandoned-cart,B,recovery_rate,2026-04-01,2026-04-30,,790,80\n"
        "abandoned-cart,B,recovery_rate,2026-03-01,2026-03-31,,5000,600\n"  # before start
    ))  # fmt: skip
    exp = summaries(measured)["abandoned-cart"].experiment
    assert exp is not None
    assert [v.n for v in exp.variants] == [800, 790]
    assert exp.verdict is not None and exp.verdict.kind == "no-difference-yet"
    assert exp.verdict.more_per_arm == 5627 - 790
    assert "needs about 4,900 more per arm" in exp.verdict.text


def test_baseline_falls_back_to_the_control_and_alpha_is_split(measured: Project) -> None:
    text = spec("Velkommen", "experiment:\n  hypothesis: h\n  metric: click_rate\n  mde: 0.02\n"
                "  variants: {A: a, B: b, C: c}\n",
                "\n## Email [B]\n\nSubject: B\n\nB.\n\n## Email [C]\n\nSubject: C\n\nC.\n")  # fmt: skip
    measured.moment(text, "welcome")
    measured.write("results/w.csv", HEADER + "".join(
        f"welcome,{v},click_rate,2026-05-01,2026-05-31,,5000,{s}\n"
        for v, s in (("A", 500), ("B", 650), ("C", 480))
    ))  # fmt: skip
    exp = summaries(measured)["welcome"].experiment
    assert exp is not None
    assert exp.baseline_source == "control" and exp.baseline == pytest.approx(0.1)
    assert exp.comparison_alpha == pytest.approx(0.025)
    assert [c.variant for c in exp.comparisons] == ["B", "C"]
    assert all(c.test.alpha == pytest.approx(0.025) for c in exp.comparisons)
    assert exp.verdict is not None and exp.verdict.winner == "B"


def test_experiment_on_a_score_is_not_analysed(measured: Project) -> None:
    text = spec("Hjælp", "experiment:\n  hypothesis: h\n  metric: csat\n  mde: 0.2\n"
                "  variants: {A: a, B: b}\n", "\n## Email [B]\n\nSubject: B\n\nB.\n")  # fmt: skip
    measured.moment(text, "support")
    exp = summaries(measured)["support"].experiment
    assert exp is not None and exp.comparisons == () and exp.verdict is None
    assert "only rate metrics" in exp.problem


def test_json_and_portfolio(measured: Project) -> None:
    measured.write("results/2026.csv", SERIES)
    measured.moment(spec("Uden tal", "kpis:\n  - {metric: open_rate, target: 0.5}\n"), "quiet")
    found = summaries(measured)
    payload = json.loads(json.dumps({k: v.to_json() for k, v in found.items()}))
    cart = payload["abandoned-cart"]
    assert cart["experiment"]["verdict"]["kind"] == "winner"
    assert cart["kpis"][0]["series"][0]["start"] == "2026-01-01"
    assert cart["launched"] == "2026-02-01"
    view = portfolio(found.values())
    statuses = {e.moment: e.status for e in view.entries}
    assert statuses == {"order-confirmation": "partly", "abandoned-cart": "not-reached",
                        "quiet": "no-data"}  # fmt: skip
    assert view.counts()["partly"] == 1 and view.with_status("no-data")[0].moment == "quiet"
    entry = next(e for e in view.entries if e.moment == "abandoned-cart")
    assert entry.verdict is not None and entry.verdict.startswith("B wins")


# -- the command ---------------------------------------------------------------------------


def run_results(project: Project, monkeypatch: pytest.MonkeyPatch,
                capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:  # fmt: skip
    from micromoments.cli.results_cmd import results

    monkeypatch.chdir(project.root)
    code = results.main(list(args), prog_name="micromoments results", standalone_mode=False)
    out, err = capsys.readouterr()
    return int(code or 0), out + err


def test_cli_text(measured: Project, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    measured.write("results/2026.csv", SERIES)
    code, out = run_results(measured, monkeypatch, capsys)
    assert code == 0
    lines = out.splitlines()
    assert "Glemt kurv (abandoned-cart) · launched 2026-02-01" in lines
    open_row = next(line for line in lines if line.lstrip().startswith("Open rate"))
    assert open_row.split()[2:9] == ["52.0", "%", "66.0", "%", "(2026-04)", "65.0", "%"]
    assert "reached" in open_row and "51.3 % → 62.4 % (+11.1 pp)" in open_row
    assert "    Verdict: B wins (p = 0.002)" in lines
    assert any("Planned sample: 5,627 per arm" in line for line in lines)
    assert lines[-1] == "All checks passed (2 moments checked)."


def test_cli_json_and_errors(measured: Project, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    measured.write("results/2026.csv", SERIES + "abandoned-kart,,recovery_rate,2026-06-01,"
                   "2026-06-30,0.08,100,\n")  # fmt: skip
    code, out = run_results(measured, monkeypatch, capsys, "--format", "json")
    payload = json.loads(out)
    assert code == 1
    assert [m["moment"] for m in payload["moments"]] == ["abandoned-cart", "order-confirmation"]
    assert payload["summary"]["errors"] == 1
    assert payload["diagnostics"][0]["rule"] == "MM802"
    code, out = run_results(measured, monkeypatch, capsys)
    assert code == 1
    assert "results/2026.csv:15:1: MM802 [error] unknown moment 'abandoned-kart'" in out


def test_cli_one_moment(measured: Project, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    measured.write("results/2026.csv", SERIES)
    code, out = run_results(measured, monkeypatch, capsys, "--moment", "order-confirmation")
    assert code == 0 and "Glemt kurv" not in out and "Ordrebekræftelse" in out
    with pytest.raises(click.ClickException, match="did you mean 'abandoned-cart'"):
        run_results(measured, monkeypatch, capsys, "--moment", "abandoned-kart")
