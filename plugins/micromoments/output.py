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


def summary(diagnostics: Sequence[Diagnostic], moments: int, *, infos_shown: bool = True) -> str:
    """``Found 2 errors and 1 warning in 2 files (12 moments checked).``"""
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    infos = sum(1 for d in diagnostics if d.severity is Severity.INFO)
    checked = f"{moments} moment{'s' if moments != 1 else ''} checked"
    note = ""
    if infos:
        note = f" {infos} info{'s' if infos != 1 else ''}" + (
            "." if infos_shown else " not shown (--infos shows them)."
        )
    if not errors and not warnings:
        return f"All checks passed ({checked}).{note}"
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in
             ((errors, "error"), (warnings, "warning")) if n]  # fmt: skip
    files = len({d.path for d in diagnostics if d.severity is not Severity.INFO})
    return (
        f"Found {' and '.join(parts)} in {files} file{'s' if files != 1 else ''} ({checked}).{note}"
    )


def format_json(
    diagnostics: Sequence[Diagnostic], moments: int, suppressed: Sequence[Diagnostic] = ()
) -> str:
    """A stable JSON document: the diagnostics, those suppressed inline, and their counts."""
    payload = {
        "diagnostics": [d.to_json() for d in diagnostics],
        "suppressed": [d.to_json() for d in suppressed],
        "summary": {
            "errors": sum(1 for d in diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in diagnostics if d.severity is Severity.WARNING),
            "infos": sum(1 for d in diagnostics if d.severity is Severity.INFO),
            "suppressed": len(suppressed),
            "moments": moments,
        },
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True)
