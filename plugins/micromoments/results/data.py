"""Results data: KPI measurements in CSV files under ``results/``, checked like the specs.

One row is one measurement of one metric of one moment (and, in an experiment, one variant)
over one period::

    moment,variant,metric,period_start,period_end,value,n,successes
    order-confirmation,,open_rate,2026-01-01,2026-01-31,0.52,10234,
    abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,,9012,847

For a rate, ``value`` is a share (0..1) and ``n`` its denominator; ``successes`` (optional) is
the exact count, else ``round(value * n)``. When both are given they must agree to the
decimals ``value`` is written with. Files may be comma-, semicolon- or tab-separated (a
spreadsheet in a Danish locale writes ``;`` and decimal commas, which are then accepted);
blank lines and lines starting with ``#`` are ignored.

This module also checks the measurement side of the specs (:func:`check_kpis`): targets that
are not better than their baselines, rates outside 0..1, and experiments that cannot be
analysed or have no copy for a variant.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import FILE, RULES, Position, Report, Severity, rule, suggestion

if TYPE_CHECKING:  # the loader imports the checks, which import this module
    from ..config import ProjectConfig
    from ..context import Context
    from ..load.loader import Catalog
    from ..model import Moment
    from ..model.journey import Metric

MAX_BYTES = 50_000_000
REQUIRED_COLUMNS = ("moment", "metric", "period_start", "period_end", "value")
OPTIONAL_COLUMNS = ("variant", "n", "successes")
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

BAD_CSV = rule(
    "MM800", "results-bad-csv", Severity.ERROR, "kpi",
    "A results file cannot be read as CSV: an unclosed quote, a row with more or fewer cells "
    "than the header, or a file too large.",
    bad='moment,metric,period_start,period_end,value\nwelcome,open_rate,2026-01-01,2026-01-31',
    good="moment,metric,period_start,period_end,value\n"
         "welcome,open_rate,2026-01-01,2026-01-31,0.61",
    fix="give every row one cell per header column (leave optional cells empty)",
)  # fmt: skip
BAD_HEADER = rule(
    "MM801", "results-bad-header", Severity.ERROR, "kpi",
    "The header row of a results file lacks a required column, names an unknown one, or "
    "repeats one.",
    bad="moment,metric,start,end,value",
    good="moment,variant,metric,period_start,period_end,value,n",
    fix="columns: " + ", ".join(COLUMNS) + " (variant, n and successes are optional)",
)  # fmt: skip
UNKNOWN_MOMENT = rule(
    "MM802", "results-unknown-moment", Severity.ERROR, "kpi",
    "A results row names a moment id that no spec file has.",
    bad="order-confirmaton,,open_rate,2026-01-01,2026-01-31,0.52,10234",
    good="order-confirmation,,open_rate,2026-01-01,2026-01-31,0.52,10234",
    fix="use the moment's id: its file name without .md",
)  # fmt: skip
UNKNOWN_RESULT_METRIC = rule(
    "MM803", "results-unknown-metric", Severity.ERROR, "kpi",
    "A results row names a metric that journey.yml does not define.",
    bad="welcome,,openrate,2026-01-01,2026-01-31,0.61,4000",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="use a metric id from `metrics:` in journey.yml, or define it there",
)  # fmt: skip
UNTRACKED_METRIC = rule(
    "MM804", "results-metric-not-tracked", Severity.WARNING, "kpi",
    "A results row measures a metric the moment neither lists under `kpis` nor tests in its "
    "experiment, so it is shown nowhere.",
    bad="welcome lists kpis [open_rate]; results have welcome,,click_rate,...",
    good="kpis:\n  - {metric: open_rate, baseline: 0.55, target: 0.62}\n"
         "  - {metric: click_rate, baseline: 0.08, target: 0.11}",
    fix="add the metric to the moment's `kpis`, or remove the rows",
)  # fmt: skip
UNKNOWN_VARIANT = rule(
    "MM805", "results-unknown-variant", Severity.ERROR, "kpi",
    "A results row names a variant the moment's experiment does not declare (or the moment "
    "has no experiment).",
    bad="abandoned-cart,C,recovery_rate,2026-05-01,2026-05-31,0.09,9000",
    good="abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,0.09,9000",
    fix="use a variant id from `experiment.variants`, or leave the cell empty for all "
        "recipients",
)  # fmt: skip
BAD_DATE = rule(
    "MM806", "results-bad-date", Severity.ERROR, "kpi",
    "A period date is not an ISO date (YYYY-MM-DD), or the period ends before it starts.",
    bad="welcome,,open_rate,01/02/2026,2026-01-31,0.61,4000",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="write dates as YYYY-MM-DD; period_end is the last day included",
)  # fmt: skip
MISSING_N = rule(
    "MM807", "results-missing-n", Severity.ERROR, "kpi",
    "A rate has no denominator n, so it cannot be weighted, summed or tested.",
    bad="welcome,,open_rate,2026-01-01,2026-01-31,0.61,",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="give n: the number of recipients (or sessions) the rate is a share of",
)  # fmt: skip
OUT_OF_RANGE = rule(
    "MM808", "results-value-out-of-range", Severity.ERROR, "kpi",
    "A value is impossible for its metric: a rate outside 0..1, a score outside the metric's "
    "scale, a negative count or duration.",
    bad="welcome,,open_rate,2026-01-01,2026-01-31,61,4000",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="write rates as shares (61 % is 0.61) and scores on the metric's scale",
)  # fmt: skip
BAD_N = rule(
    "MM809", "results-bad-n", Severity.ERROR, "kpi",
    "The denominator n is not a positive whole number.",
    bad="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4 000",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="write n as digits only, without thousands separators",
)  # fmt: skip
BAD_VALUE = rule(
    "MM810", "results-bad-value", Severity.ERROR, "kpi",
    "A value is empty or not a number.",
    bad="welcome,,open_rate,2026-01-01,2026-01-31,61%,4000",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="write a plain number with a decimal point; rates as shares",
)  # fmt: skip
DUPLICATE_ROW = rule(
    "MM811", "results-duplicate-row", Severity.ERROR, "kpi",
    "Two rows measure the same moment, variant, metric and period; only one can be true.",
    bad="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000\n"
        "welcome,,open_rate,2026-01-01,2026-01-31,0.63,4100",
    good="welcome,,open_rate,2026-01-01,2026-01-31,0.61,4000",
    fix="keep one row per moment, variant, metric and period",
)  # fmt: skip
BAD_SUCCESSES = rule(
    "MM812", "results-bad-successes", Severity.ERROR, "kpi",
    "The successes count is not a whole number between 0 and n, disagrees with the value, or "
    "is given for a metric that is not a rate.",
    bad="abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,0.12,9000,847",
    good="abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,0.094,9000,847",
    fix="give successes (the exact count) and n, and leave value empty or consistent",
)  # fmt: skip
BEFORE_EXPERIMENT = rule(
    "MM813", "results-before-experiment", Severity.WARNING, "kpi",
    "A variant row covers a period that starts before the experiment's `start`; it is left "
    "out of the test.",
    bad="experiment: {start: 2026-05-01, ...}\n"
        "abandoned-cart,B,recovery_rate,2026-04-01,2026-04-30,0.09,9000",
    good="abandoned-cart,B,recovery_rate,2026-05-01,2026-05-31,0.09,9000",
    fix="correct the experiment's start or the row's period",
)  # fmt: skip

TARGET_NOT_BETTER = rule(
    "MM820", "kpi-target-not-better", Severity.WARNING, "kpi",
    "A KPI's target is not better than its baseline in the metric's direction.",
    bad="kpis:\n  - {metric: contact_rate, baseline: 0.08, target: 0.10}   # direction: down",
    good="kpis:\n  - {metric: contact_rate, baseline: 0.08, target: 0.05}",
    fix="swap baseline and target, or check the metric's direction in journey.yml",
)  # fmt: skip
KPI_OUT_OF_RANGE = rule(
    "MM821", "kpi-value-out-of-range", Severity.ERROR, "kpi",
    "A KPI's baseline or target (or an experiment's mde) is impossible for its metric: a rate "
    "outside 0..1, a score outside the metric's scale.",
    bad="kpis:\n  - {metric: open_rate, baseline: 52, target: 65}",
    good="kpis:\n  - {metric: open_rate, baseline: 0.52, target: 0.65}",
    fix="write rates as shares (52 % is 0.52)",
)  # fmt: skip
EXPERIMENT_METRIC = rule(
    "MM822", "experiment-unknown-metric", Severity.ERROR, "kpi",
    "An experiment's metric is not defined in journey.yml.",
    bad="experiment:\n  metric: recovery\n  ...",
    good="experiment:\n  metric: recovery_rate\n  ...",
)  # fmt: skip
EXPERIMENT_NOT_RATE = rule(
    "MM823", "experiment-metric-not-rate", Severity.ERROR, "kpi",
    "An experiment's metric is not a rate; the built-in test (two-proportion z-test) needs "
    "conversions out of recipients.",
    bad="experiment:\n  metric: csat        # unit: score",
    good="experiment:\n  metric: click_rate  # unit: rate",
    fix="test a rate metric (clicks, conversions, contacts out of recipients)",
)  # fmt: skip
VARIANT_WITHOUT_COPY = rule(
    "MM824", "experiment-variant-without-copy", Severity.WARNING, "kpi",
    "A variant other than the control has no copy section marked with it, so it would send "
    "the control's copy.",
    bad="experiment:\n  variants: {A: Today's subject, B: Question subject}\n\n## Email\n...",
    good="## Email\nSubject: Du glemte noget\n...\n\n## Email [B]\nSubject: Skal vi gemme den?\n...",
    fix="write a `## Email [B]` (or another channel) section with the variant's copy",
)  # fmt: skip
UNKNOWN_SECTION_VARIANT = rule(
    "MM825", "section-unknown-variant", Severity.ERROR, "kpi",
    "A copy section is marked with a variant that the moment's experiment does not declare.",
    bad="## Email [C]   (variants: A, B)",
    good="## Email [B]",
    fix="use a variant id from `experiment.variants`, or declare the experiment",
)  # fmt: skip

_HARD_ROW_RULES = frozenset(r.id for r in (
    BAD_CSV, UNKNOWN_MOMENT, UNKNOWN_RESULT_METRIC, UNKNOWN_VARIANT, BAD_DATE, MISSING_N,
    OUT_OF_RANGE, BAD_N, BAD_VALUE, DUPLICATE_ROW, BAD_SUCCESSES,
))  # fmt: skip
_ALIASES = {  # names analytics exports commonly use for our columns
    "start": "period_start", "from": "period_start", "date": "period_start",
    "end": "period_end", "to": "period_end", "denominator": "n", "count": "n",
    "recipients": "n", "conversions": "successes", "rate": "value", "id": "moment",
    "moment_id": "moment", "kpi": "metric",
}  # fmt: skip
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_DECIMALS = re.compile(r"^[-+]?\d*[.,](\d+)$")


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One validated measurement."""

    moment: str
    variant: str | None
    metric: str
    start: datetime.date
    end: datetime.date
    value: float
    n: int | None
    successes: int | None  # for rates: the exact count (given, or round(value * n))
    path: str
    line: int

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """(start, end), both days included."""
        return (self.start, self.end)


@dataclass
class Results:
    """Every valid results row of a project, in file and line order."""

    rows: list[ResultRow] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def for_moment(self, moment_id: str) -> list[ResultRow]:
        """The rows of one moment."""
        return [row for row in self.rows if row.moment == moment_id]


@dataclass(frozen=True, slots=True)
class Cell:
    """A CSV cell's text and where it starts (1-based line and column)."""

    text: str
    line: int
    col: int


@dataclass
class _Record:
    line: int
    cells: list[Cell] = field(default_factory=list)


def sniff_delimiter(first_line: str) -> str:
    """``,`` unless the header uses more ``;`` or tabs (spreadsheet exports in many locales)."""
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def split_csv(text: str, delimiter: str) -> tuple[list[_Record], list[tuple[Position, str]]]:
    """Records with each cell's position, plus problems (unclosed quotes).

    A small RFC 4180 reader instead of :mod:`csv`, because diagnostics need the line and
    column of every cell. Unquoted cells are stripped; the column is that of the first visible
    character (or of the opening quote).
    """
    records: list[_Record] = []
    problems: list[tuple[Position, str]] = []
    i, line, col, size = 0, 1, 1, len(text)
    record = _Record(line)
    at_record_start = True
    while i <= size:
        if at_record_start:
            if text.startswith("#", i):  # a comment line, skipped whole (quotes and all)
                j = i
                while j < size and text[j] not in "\r\n":
                    j += 1
                i = j + (2 if text.startswith("\r\n", j) else 1)
                line, col = line + 1, 1
                if i >= size:
                    break
                continue
            record = _Record(line)
            at_record_start = False
        # one cell
        while i < size and text[i] in " \t" and text[i] != delimiter:
            i, col = i + 1, col + 1
        start_line, start_col = line, col
        if i < size and text[i] == '"':
            i, col = i + 1, col + 1
            chunks: list[str] = []
            closed = False
            while i < size:
                ch = text[i]
                if ch == '"':
                    if i + 1 < size and text[i + 1] == '"':
                        chunks.append('"')
                        i, col = i + 2, col + 2
                        continue
                    i, col = i + 1, col + 1
                    closed = True
                    break
                if ch == "\n" or (ch == "\r" and text[i + 1 : i + 2] != "\n"):
                    line, col = line + 1, 1
                elif ch != "\r":
                    col += 1
                chunks.append(ch)
                i += 1
            if not closed:
                problems.append((Position(start_line, start_col), "a quote is never closed"))
            value = "".join(chunks).replace("\r\n", "\n")
            # Anything between the closing quote and the delimiter is kept, as spreadsheets do.
            j = i
            while j < size and text[j] not in (delimiter, "\n", "\r"):
                j += 1
            value += text[i:j].strip()
            col += j - i
            i = j
        else:
            j = i
            while j < size and text[j] not in (delimiter, "\n", "\r"):
                j += 1
            value = text[i:j].strip()
            col += j - i
            i = j
        record.cells.append(Cell(value, start_line, start_col))
        if i < size and text[i] == delimiter:
            i, col = i + 1, col + 1
            continue
        # end of record (newline or end of text)
        if i < size and text[i] == "\r":
            i += 1
        if i < size and text[i] == "\n":
            i += 1
        records.append(record)
        line, col = line + 1, 1
        at_record_start = True
        if i >= size:
            break
    kept = [r for r in records if not (len(r.cells) == 1 and not r.cells[0].text)]
    return kept, problems


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def discover_results(folder: Path) -> list[Path]:
    """Every ``*.csv`` below the results folder, in a stable order (hidden files skipped)."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*.csv")
        if p.is_file() and not any(part.startswith((".", "_"))
                                   for part in p.relative_to(folder).parts)
    )  # fmt: skip


def load_results(config: ProjectConfig, catalog: Catalog, report: Report) -> Results:
    """Read and validate every results file; report each problem and keep the valid rows.

    A missing results folder is not a problem: measuring is optional.
    """
    results = Results()
    seen: dict[tuple[str, str | None, str, datetime.date, datetime.date], tuple[str, int]] = {}
    for file in discover_results(config.results_path):
        path = _display(file, config.root)
        results.files.append(path)
        text = _read(file, path, report)
        if text is None:
            continue
        _FileReader(path, catalog, report, seen, results).read(text)
    return results


def _read(file: Path, path: str, report: Report) -> str | None:
    from ..load.source import NOT_TEXT

    try:
        data = file.read_bytes()
    except OSError as error:
        report.add(BAD_CSV.id, path, FILE, f"cannot be read: {error.strerror or error}")
        return None
    if len(data) > MAX_BYTES:
        report.add(BAD_CSV.id, path, FILE,
                   f"the file is larger than {MAX_BYTES // 1_000_000} MB",
                   "split it, e.g. one file per quarter")  # fmt: skip
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(NOT_TEXT.id, path, FILE, "the file is not UTF-8 text",
                   "export the CSV as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet)")  # fmt: skip
        return None


class _FileReader:
    """Validates the rows of one file; one instance per file."""

    def __init__(
        self,
        path: str,
        catalog: Catalog,
        report: Report,
        seen: dict[tuple[str, str | None, str, datetime.date, datetime.date], tuple[str, int]],
        results: Results,
    ) -> None:
        self.path = path
        self.catalog = catalog
        self.report = report
        self.seen = seen
        self.results = results
        journey = catalog.context.journey
        self.metrics: dict[str, Metric] = dict(journey.metrics) if journey else {}
        self.check_metrics = journey is not None
        self.decimal_comma = False
        self.failed = False
        self.moment_id: str | None = None

    def add(self, rule_id: str, pos: Position, message: str, hint: str = "") -> None:
        """Report a problem of the current row; hard problems drop the row."""
        self.report.add(rule_id, self.path, pos, message, hint, moment=self.moment_id)
        if rule_id in _HARD_ROW_RULES:
            self.failed = True

    def read(self, text: str) -> None:
        """Validate the header, then every row."""
        first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
        delimiter = sniff_delimiter(first)
        self.decimal_comma = delimiter != ","
        records, problems = split_csv(text, delimiter)
        for pos, message in problems:
            self.report.add(BAD_CSV.id, self.path, pos, message,
                            'close the quote; a quote inside a quoted cell is written ""')  # fmt: skip
        if problems:
            return
        if not records:
            self.report.add(BAD_HEADER.id, self.path, FILE, "the file has no header row",
                            "start with: " + ",".join(COLUMNS))  # fmt: skip
            return
        header, *rows = records
        columns = self._header(header)
        if columns is None:
            return
        for record in rows:
            self._row(record, header, columns)

    def _header(self, header: _Record) -> dict[str, int] | None:
        columns: dict[str, int] = {}
        ok = True
        for index, cell in enumerate(header.cells):
            name = cell.text.strip().lower()
            pos = Position(cell.line, cell.col)
            if name not in COLUMNS:
                close = (f" (did you mean {_ALIASES[name]!r}?)" if name in _ALIASES
                         else suggestion(name, COLUMNS))  # fmt: skip
                self.report.add(BAD_HEADER.id, self.path, pos,
                                f"unknown column {cell.text!r}{close}",
                                "columns: " + ", ".join(COLUMNS))  # fmt: skip
                ok = False
            elif name in columns:
                self.report.add(BAD_HEADER.id, self.path, pos, f"column {name!r} appears twice")
                ok = False
            else:
                columns[name] = index
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            self.report.add(BAD_HEADER.id, self.path, Position(header.line, 1),
                            f"missing column{'s' if len(missing) > 1 else ''} "
                            + ", ".join(missing),
                            "the header needs: " + ", ".join(REQUIRED_COLUMNS))  # fmt: skip
            ok = False
        return columns if ok else None

    def _row(self, record: _Record, header: _Record, columns: dict[str, int]) -> None:
        self.failed = False
        self.moment_id = None
        if len(record.cells) != len(header.cells):
            extra = (
                record.cells[len(header.cells)] if len(record.cells) > len(header.cells) else None
            )
            pos = Position(extra.line, extra.col) if extra else Position(record.line, 1)
            self.add(
                BAD_CSV.id,
                pos,
                f"the row has {len(record.cells)} cells, the header {len(header.cells)}",
            )
            return

        def cell(name: str) -> Cell:
            index = columns.get(name)
            if index is None:  # an optional column the file does not have
                return Cell("", record.line, 0)
            return record.cells[index]

        moment_cell, metric_cell, variant_cell = cell("moment"), cell("metric"), cell("variant")
        moment = self.catalog.moments.get(moment_cell.text)
        if moment is None:
            self.add(UNKNOWN_MOMENT.id, _pos(moment_cell),
                     f"unknown moment {moment_cell.text!r}"
                     f"{suggestion(moment_cell.text, self.catalog.moments)}")  # fmt: skip
        else:
            self.moment_id = moment.id
        metric = self.metrics.get(metric_cell.text)
        if metric is None and self.check_metrics:
            self.add(UNKNOWN_RESULT_METRIC.id, _pos(metric_cell),
                     f"unknown metric {metric_cell.text!r}"
                     f"{suggestion(metric_cell.text, self.metrics)}",
                     "metrics in journey.yml: " + (", ".join(self.metrics) or "none"))  # fmt: skip
        elif metric is None:
            self.failed = True  # journey.yml is broken (reported there): nothing to check against
        variant = variant_cell.text or None
        spec = moment.spec if moment is not None else None
        if spec is not None and metric is not None:
            tracked = {k.metric for k in spec.kpis}
            if spec.experiment is not None:
                tracked.add(spec.experiment.metric)
            if metric_cell.text not in tracked:
                self.add(UNTRACKED_METRIC.id, _pos(metric_cell),
                         f"{moment_cell.text} does not track {metric_cell.text!r} "
                         "(not in its kpis or experiment)")  # fmt: skip
        if spec is not None and variant is not None:
            if spec.experiment is None:
                self.add(
                    UNKNOWN_VARIANT.id,
                    _pos(variant_cell),
                    f"variant {variant!r}, but {moment_cell.text} has no experiment",
                    "leave the variant cell empty, or declare `experiment:` in the spec",
                )
            elif variant not in spec.experiment.variants:
                self.add(UNKNOWN_VARIANT.id, _pos(variant_cell),
                         f"unknown variant {variant!r}"
                         f"{suggestion(variant, spec.experiment.variants)}",
                         "variants: " + ", ".join(spec.experiment.variants))  # fmt: skip
        start = self._date(cell("period_start"))
        end = self._date(cell("period_end"))
        if start is not None and end is not None and end < start:
            self.add(
                BAD_DATE.id,
                _pos(cell("period_end")),
                f"the period ends ({end}) before it starts ({start})",
            )
        value, n, successes = self._numbers(cell("value"), cell("n"), cell("successes"), metric)
        if (start is not None and end is not None and variant is not None and spec is not None
                and spec.experiment is not None and spec.experiment.start is not None
                and start < spec.experiment.start):  # fmt: skip
            self.add(
                BEFORE_EXPERIMENT.id,
                _pos(cell("period_start")),
                f"the period starts before the experiment ({spec.experiment.start})",
            )
        if self.failed or start is None or end is None or value is None:
            return
        key = (moment_cell.text, variant, metric_cell.text, start, end)
        if key in self.seen:
            first_path, first_line = self.seen[key]
            where = (
                f"line {first_line}" if first_path == self.path else f"{first_path}:{first_line}"
            )
            self.add(DUPLICATE_ROW.id, Position(record.line, 1),
                     f"a second row for {moment_cell.text} {variant or ''} {metric_cell.text} "
                     f"{start}..{end} (the first is on {where})".replace("  ", " "))  # fmt: skip
            return
        self.seen[key] = (self.path, record.line)
        self.results.rows.append(ResultRow(
            moment=moment_cell.text, variant=variant, metric=metric_cell.text, start=start,
            end=end, value=value, n=n, successes=successes, path=self.path, line=record.line,
        ))  # fmt: skip

    def _date(self, cell: Cell) -> datetime.date | None:
        if not _ISO_DATE.match(cell.text):
            shown = repr(cell.text) if cell.text else "an empty cell"
            self.add(BAD_DATE.id, _pos(cell), f"{shown} is not a date (YYYY-MM-DD)")
            return None
        try:
            return datetime.date.fromisoformat(cell.text)
        except ValueError:
            self.add(BAD_DATE.id, _pos(cell), f"{cell.text!r} is not a day of the calendar")
            return None

    def _number(self, cell: Cell) -> float | None:
        text = cell.text
        if self.decimal_comma and _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None

    def _numbers(
        self, value_cell: Cell, n_cell: Cell, successes_cell: Cell, metric: Metric | None
    ) -> tuple[float | None, int | None, int | None]:
        is_rate = metric is not None and metric.unit == "rate"
        n: int | None = None
        if n_cell.text:
            number = self._number(n_cell)
            if number is None or number <= 0 or number != int(number):
                self.add(BAD_N.id, _pos(n_cell), f"n {n_cell.text!r} is not a positive whole "
                         "number")  # fmt: skip
            else:
                n = int(number)
        elif is_rate:
            self.add(MISSING_N.id, _pos(n_cell) if n_cell.col else _pos(value_cell),
                     f"the rate {value_cell.text or '(empty)'} has no n")  # fmt: skip
        successes: int | None = None
        if successes_cell.text:
            number = self._number(successes_cell)
            if not is_rate and metric is not None:
                self.add(
                    BAD_SUCCESSES.id,
                    _pos(successes_cell),
                    f"successes are only for rates; {metric.title} is a {metric.unit}",
                )
            elif number is None or number < 0 or number != int(number):
                self.add(
                    BAD_SUCCESSES.id,
                    _pos(successes_cell),
                    f"successes {successes_cell.text!r} is not a whole number",
                )
            elif n is not None and number > n:
                self.add(
                    BAD_SUCCESSES.id,
                    _pos(successes_cell),
                    f"{int(number)} successes out of n = {n}",
                )
            else:
                successes = int(number)
        value: float | None = None
        if value_cell.text:
            value = self._number(value_cell)
            if value is None:
                hint = ""
                if value_cell.text.rstrip().endswith("%"):
                    hint = "write rates as shares: 61% is 0.61"
                self.add(
                    BAD_VALUE.id,
                    _pos(value_cell),
                    f"value {value_cell.text!r} is not a number",
                    hint,
                )
                return None, n, successes
        elif successes is not None and n is not None:
            value = successes / n
        elif successes_cell.text and self.failed:
            return None, n, successes  # the bad successes (or n) cell is already reported
        else:
            self.add(BAD_VALUE.id, _pos(value_cell), "the value is empty",
                     "give the value (or, for a rate, successes and n)")  # fmt: skip
            return None, n, successes
        if metric is not None:
            self._range(value, value_cell, metric)
        if is_rate and n is not None and 0 <= value <= 1:
            if successes is None:
                successes = round(value * n)
            elif value_cell.text and not _agrees(value_cell.text, value, successes, n):
                self.add(BAD_SUCCESSES.id, _pos(successes_cell),
                         f"{successes} / {n} = {successes / n:.4f}, but the value is "
                         f"{value_cell.text}")  # fmt: skip
        return value, n, successes

    def _range(self, value: float, cell: Cell, metric: Metric) -> None:
        if metric.unit == "rate" and not 0 <= value <= 1:
            hint = (f"write rates as shares: {cell.text} % is {value / 100:g}"
                    if 1 < value <= 100 else "")  # fmt: skip
            self.add(
                OUT_OF_RANGE.id,
                _pos(cell),
                f"{metric.title} is a rate (0..1), not {cell.text}",
                hint,
            )
        elif metric.unit == "score" and metric.scale is not None:
            low, high = metric.scale
            if not low <= value <= high:
                self.add(
                    OUT_OF_RANGE.id,
                    _pos(cell),
                    f"{metric.title} is a score from {low:g} to {high:g}, not {cell.text}",
                    "a score's value is the mean answer, on the metric's scale",
                )
        elif metric.unit in ("count", "seconds") and value < 0:
            self.add(
                OUT_OF_RANGE.id,
                _pos(cell),
                f"{metric.title} is a {metric.unit} and cannot be negative",
            )


def _pos(cell: Cell) -> Position:
    return Position(cell.line, cell.col)


def _agrees(text: str, value: float, successes: int, n: int) -> bool:
    """True when ``successes / n`` rounds to ``value`` at the decimals it is written with."""
    match = _DECIMALS.match(text.strip())
    decimals = len(match.group(1)) if match else 0
    tolerance = 0.5 * 10.0**-decimals + 1e-12
    return abs(successes / n - value) <= tolerance


def check_kpis(moment: Moment, ctx: Context, report: Report) -> None:
    """The measurement side of one spec: KPI values, the experiment and its variant copy."""
    spec = moment.spec
    if spec is None:
        return
    path, mid = moment.path, moment.id
    metrics = ctx.journey.metrics if ctx.journey is not None else None
    if metrics is not None:
        for i, kpi in enumerate(spec.kpis):
            metric = metrics.get(kpi.metric)
            if metric is None:
                continue  # MM114 (unknown-metric) reports it
            impossible = False
            for key in ("baseline", "target"):
                number = getattr(kpi, key)
                problem = _impossible(number, metric) if number is not None else None
                if problem:
                    impossible = True
                    report.add(KPI_OUT_OF_RANGE.id, path, moment.pos("kpis", i, key),
                               f"{key} {number:g}: {problem}", _range_hint(number, metric),
                               moment=mid)  # fmt: skip
            # comparing with an impossible value would only repeat the same mistake
            if (not impossible and kpi.baseline is not None and kpi.target is not None
                    and not metric.better(kpi.target, kpi.baseline)):  # fmt: skip
                better = "higher" if metric.direction == "up" else "lower"
                report.add(TARGET_NOT_BETTER.id, path, moment.pos("kpis", i, "target"),
                           f"target {kpi.target:g} is not better than baseline "
                           f"{kpi.baseline:g}: for {kpi.metric}, {better} is better",
                           moment=mid)  # fmt: skip
    _check_experiment(moment, metrics, report)


def _impossible(number: float, metric: Metric) -> str | None:
    if metric.unit == "rate" and not 0 <= number <= 1:
        return f"{metric.title} is a rate, a share from 0 to 1"
    if metric.unit == "score" and metric.scale is not None:
        low, high = metric.scale
        if not low <= number <= high:
            return f"{metric.title} is a score from {low:g} to {high:g}"
    if metric.unit in ("count", "seconds") and number < 0:
        return f"{metric.title} cannot be negative"
    return None


def _range_hint(number: float, metric: Metric) -> str:
    if metric.unit == "rate" and 1 < number <= 100:
        return f"write rates as shares: {number:g} % is {number / 100:g}"
    return ""


def _check_experiment(moment: Moment, metrics: dict[str, Metric] | None, report: Report) -> None:
    spec = moment.spec
    assert spec is not None
    path, mid = moment.path, moment.id
    experiment = spec.experiment
    if experiment is not None and metrics is not None:
        metric = metrics.get(experiment.metric)
        if metric is None:
            report.add(EXPERIMENT_METRIC.id, path, moment.pos("experiment", "metric"),
                       f"unknown metric {experiment.metric!r}"
                       f"{suggestion(experiment.metric, metrics)}",
                       "metrics in journey.yml: " + (", ".join(metrics) or "none"),
                       moment=mid)  # fmt: skip
        elif metric.unit != "rate":
            report.add(EXPERIMENT_NOT_RATE.id, path, moment.pos("experiment", "metric"),
                       f"{experiment.metric} is a {metric.unit}, not a rate; the experiment "
                       "cannot be tested", moment=mid)  # fmt: skip
        elif experiment.mde >= 1:
            report.add(KPI_OUT_OF_RANGE.id, path, moment.pos("experiment", "mde"),
                       f"mde {experiment.mde:g}: an absolute difference of rates is below 1",
                       _range_hint(experiment.mde, metric), moment=mid)  # fmt: skip
    main = moment.translations.get(moment.default_locale)
    used = {variant for (_channel, variant) in main.sections} if main else set()
    if experiment is not None:
        for challenger in list(experiment.variants)[1:]:
            if challenger not in used:
                report.add(VARIANT_WITHOUT_COPY.id, path,
                           moment.key_pos("experiment", "variants", challenger),
                           f"variant {challenger!r} has no copy section such as "
                           f"`## {spec.channels[0].heading} [{challenger}]`; it would send the "
                           "control's copy", moment=mid)  # fmt: skip
    for translation in moment.translations.values():
        for (_channel, variant), section in translation.sections.items():
            if variant is None:
                continue
            if experiment is None:
                report.add(UNKNOWN_SECTION_VARIANT.id, section.path, section.heading,
                           f"a section for variant {variant!r}, but the moment has no "
                           "experiment", moment=mid)  # fmt: skip
            elif variant not in experiment.variants:
                report.add(UNKNOWN_SECTION_VARIANT.id, section.path, section.heading,
                           f"unknown variant {variant!r}{suggestion(variant, experiment.variants)}",
                           "variants: " + ", ".join(experiment.variants), moment=mid)  # fmt: skip


def rule_ids() -> list[str]:
    """The ids of the rules this module declares (MM8xx), for docs and tests."""
    return sorted(r for r in RULES if r.startswith("MM8"))
