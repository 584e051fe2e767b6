"""Diagnostics: every problem micromoments finds, with a stable rule id and a source position.

A diagnostic reads like a compiler message (``path:line:col: CODE message``) followed by a
hint that says how to fix it. Rules are declared once, in the module that checks them, with
:func:`rule`; the registry feeds the CLI, the docs and the per-rule severity configuration.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace


class Severity(enum.IntEnum):
    """How serious a diagnostic is. ``OFF`` silences a rule."""

    OFF = 0
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Lower-case name as printed and as written in configuration."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Read a severity from configuration (``error``, ``warning``, ``info``, ``off``)."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (choose one of {choices})") from None


@dataclass(frozen=True, slots=True)
class Rule:
    """A check with a stable id. ``bad`` and ``good`` are short examples for the docs."""

    id: str
    name: str
    severity: Severity
    family: str
    summary: str
    bad: str = ""
    good: str = ""
    fix: str = ""


RULES: dict[str, Rule] = {}


def rule(
    id: str,
    name: str,
    severity: Severity,
    family: str,
    summary: str,
    *,
    bad: str = "",
    good: str = "",
    fix: str = "",
) -> Rule:
    """Declare a rule once, at import time of the module that checks it."""
    if id in RULES and RULES[id].name != name:
        raise RuntimeError(f"rule id {id} declared twice ({RULES[id].name}, {name})")
    declared = Rule(id, name, severity, family, summary, bad=bad, good=good, fix=fix)
    RULES[id] = declared
    return declared


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a source file; line 0 means the file as a whole."""

    line: int = 0
    col: int = 0

    def shifted(self, lines: int) -> Position:
        """The same position in a file where this text starts ``lines`` lines further down."""
        return Position(self.line + lines, self.col) if self.line else self

    def __reduce__(self) -> tuple[type[Position], tuple[int, int]]:
        # A spec holds hundreds of positions and is pickled on its way back from a worker and
        # into the build cache; the pickling that slots dataclasses get looks up the class's
        # fields for every single object, which made unpickling a spec twice as slow.
        return (Position, (self.line, self.col))


FILE = Position(0, 0)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem at one place."""

    rule: str
    severity: Severity
    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    moment: str | None = None
    suppressed: str | None = None  # the reason of the inline suppression that silenced it

    @property
    def position(self) -> Position:
        """Where the problem is, as a :class:`Position`."""
        return Position(self.line, self.col)

    def location(self) -> str:
        """``path:line:col`` (just ``path`` when the problem concerns the whole file)."""
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{max(self.col, 1)}"

    def format(self) -> str:
        """The one-line, ruff-style rendering (without the hint)."""
        return f"{self.location()}: {self.rule} {self.message}"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping with stable keys (``suppressed`` only when it was)."""
        out: dict[str, object] = {
            "rule": self.rule,
            "name": RULES[self.rule].name if self.rule in RULES else "",
            "severity": self.severity.label,
            "path": self.path,
            "line": self.line,
            "column": self.col,
            "message": self.message,
            "hint": self.hint,
            "moment": self.moment,
        }
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        return out

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order by file, then position, then rule id and message."""
        return (self.path, self.line, self.col, self.rule, self.message)


@dataclass
class Report:
    """Collects diagnostics, applying the configured severities.

    Checks call :meth:`add` with a rule id; the report decides the severity (default or
    configured) and drops diagnostics of rules turned off. It never raises for a problem in the
    input: problems are data.
    """

    severities: Mapping[str, Severity] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)  # silenced inline, with reasons
    # problems of shared files (a layout) arrive once per moment that uses it; keep one
    _shared: dict[Diagnostic, Diagnostic] = field(default_factory=dict, repr=False, compare=False)
    # ids of the kept copies: a reused build hands in the very objects kept, and telling them by
    # id is much cheaper than hashing each one's fields (a serve rebuild sees 69,000 of them)
    _kept: set[int] = field(default_factory=set, repr=False, compare=False)

    def add(
        self,
        rule_id: str,
        path: str,
        pos: Position,
        message: str,
        hint: str = "",
        *,
        moment: str | None = None,
    ) -> Diagnostic | None:
        """Record a problem of rule ``rule_id`` at ``path``/``pos``; return it unless silenced."""
        declared = RULES[rule_id]
        severity = self.severities.get(rule_id, declared.severity)
        if severity is Severity.OFF:
            return None
        diagnostic = Diagnostic(
            rule_id, severity, path, pos.line, pos.col, message, hint or declared.fix, moment
        )
        self.diagnostics.append(diagnostic)
        return diagnostic

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Take diagnostics found elsewhere (e.g. a cached check), re-applying severities.

        Suppressed diagnostics go to :attr:`suppressed`, never to :attr:`diagnostics`.
        """
        for d in diagnostics:
            severity = self.severities.get(d.rule, RULES[d.rule].severity)
            if severity is Severity.OFF:
                continue
            if severity is not d.severity:
                d = replace(d, severity=severity)
            if d.moment is None:
                if id(d) in self._kept or d in self._shared:
                    continue
                self._shared[d] = d
                self._kept.add(id(d))
            (self.diagnostics if d.suppressed is None else self.suppressed).append(d)

    def interned(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """``diagnostics`` with each shared one replaced by the equal copy this report keeps.

        A layout's diagnostics arrive from every moment that uses the layout; holding one
        object instead of one per moment saves tens of megabytes in large catalogs.
        """
        kept, shared = self._kept, self._shared
        return [d if d.moment is not None or id(d) in kept else shared.get(d, d)
                for d in diagnostics]  # fmt: skip

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.diagnostics)

    def __len__(self) -> int:
        return len(self.diagnostics)

    def count(self, severity: Severity) -> int:
        """How many diagnostics have exactly this severity."""
        return sum(1 for d in self.diagnostics if d.severity is severity)

    @property
    def has_errors(self) -> bool:
        """True when at least one diagnostic is an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        """All diagnostics in file and position order, without exact duplicates."""
        return sorted(set(self.diagnostics), key=Diagnostic.sort_key)

    def for_moment(self, moment_id: str) -> list[Diagnostic]:
        """The diagnostics that belong to one moment, in order."""
        return [d for d in self.sorted() if d.moment == moment_id]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word`` when it is close enough to be a likely typo."""
    import difflib

    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string, for appending to a message."""
    best = did_you_mean(word, choices)
    return f" (did you mean {best!r}?)" if best and best != word else ""
