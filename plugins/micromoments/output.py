"""Rendering diagnostics for people (ruff-style text) and for machines (JSON)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from .diagnostics import Diagnostic, Severity

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def source_line(root: Path, diagnostic: Diagnostic, cache: dict[str, list[str]]) -> str | None:
    """The source line a diagnostic points at, if the file can be read."""
    if diagnostic.line <= 0:
        return None
    if diagnostic.path not in cache:
        try:
            text = (root / diagnostic.path).read_text(encoding="utf-8", errors="replace")
            cache[diagnostic.path] = text.splitlines()
        except OSError:
            cache[diagnostic.path] = []
    lines = cache[diagnostic.path]
    return lines[diagnostic.line - 1] if diagnostic.line <= len(lines) else None


def format_text(
    diagnostics: Sequence[Diagnostic],
    *,
    root: Path | None = None,
    style: Style = _plain,
    show_source: bool = True,
) -> str:
    """Diagnostics grouped by file, each with its source line, a caret and the hint."""
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    current: str | None = None
    for d in diagnostics:
        if d.path != current:
            if current is not None:
                out.append("")
            current = d.path
        label = style(f"{d.severity.label}", fg=_COLOURS.get(d.severity, "white"), bold=True)
        out.append(f"{style(d.location(), bold=True)}: {style(d.rule, fg='cyan')} "
                   f"[{label}] {d.message}")  # fmt: skip
        line = source_line(root, d, cache) if (root and show_source) else None
        if line is not None:
            number = str(d.line)
            pad = " " * len(number)
            shown = line.expandtabs(1)
            out.append(f"  {pad} |")
            out.append(f"  {number} | {shown}")
            out.append(f"  {pad} | {' ' * (max(d.col, 1) - 1)}{style('^', fg='red', bold=True)}")
        if d.hint:
            out.append(f"  {style('hint', fg='green')}: {d.hint}")
    return "\n".join(out)


def summary(diagnostics: Sequence[Diagnostic], moments: int) -> str:
    """``Found 2 errors and 1 warning in 2 files (12 moments checked).``"""
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = []
    for severity, word in ((Severity.ERROR, "error"), (Severity.WARNING, "warning"),
                           (Severity.INFO, "info")):  # fmt: skip
        n = counts[severity]
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 and word != 'info' else ''}")
    checked = f"{moments} moment{'s' if moments != 1 else ''} checked"
    if not parts:
        return f"All checks passed ({checked})."
    with_files = len({d.path for d in diagnostics})
    joined = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"Found {joined} in {with_files} file{'s' if with_files != 1 else ''} ({checked})."


def format_json(diagnostics: Sequence[Diagnostic], moments: int) -> str:
    """A stable JSON document: the diagnostics and their counts."""
    payload = {
        "diagnostics": [d.to_json() for d in diagnostics],
        "summary": {
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
            "infos": sum(1 for d in diagnostics if d.severity is Severity.INFO),
            "moments": moments,
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)
