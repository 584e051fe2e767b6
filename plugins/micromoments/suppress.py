"""Inline suppressions: a comment in a spec that silences one rule where it is wrong, with a reason.

In the Markdown body, an HTML comment on a line of its own::

    <!-- micromoments: ignore MM319 -- "her" is the shop's name for the pickup point -->
    Hent pakken i [her](https://lunden.example/her).

silences the rules named (ids or names, comma-separated) on the next non-blank line and on the
lines that follow it up to the next blank line (the paragraph, list, table or field lines the
comment stands above). ``ignore-file`` instead silences the rules in the whole file. In the
front-matter, a YAML comment does the same: at the end of a line it covers that line, on a line
of its own the next line::

    data:
      order_url: {type: url, source: Webshop}  # micromoments: ignore MM206 -- filled by the ESP

Every suppression must give a reason after ``--``; one without is an error (MM140) and
silences nothing. A suppression that silences nothing is a warning (MM141), like ruff's RUF100,
so stale comments do not pile up. A directive that names an unknown rule is an error (MM142).
The comment lines never reach the customer: the section parser skips them, as it skips every
HTML comment on lines of its own (:func:`comment_lines`), and line numbers stay as written.

Rules are checked in two phases: when a moment is loaded (spec, data, tone, KPIs) and when it
is rendered (email, client, SMS, push, build). :meth:`Suppressions.apply` takes the phase, so a
directive for a render rule is not called unused by ``micromoments check``, which only loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from .diagnostics import RULES, Diagnostic, Position, Report, Severity, rule, suggestion
from .fences import Fences, fence_mask

NO_REASON = rule(
    "MM140", "suppression-without-reason", Severity.ERROR, "spec",
    "A `micromoments: ignore` comment gives no reason after `--`; it silences nothing until "
    "it does.",
    bad="<!-- micromoments: ignore MM319 -->",
    good='<!-- micromoments: ignore MM319 -- "Her" is the name of our pickup point -->',
    fix="write why the rule is wrong here after `--`, so the next reader can judge",
)  # fmt: skip
UNUSED = rule(
    "MM141", "unused-suppression", Severity.WARNING, "spec",
    "A `micromoments: ignore` comment silences a rule that reports nothing there (any more).",
    bad="<!-- micromoments: ignore MM702 -- long sentence on purpose -->\nTak for din ordre.",
    good="Tak for din ordre.",
    fix="remove the comment (or the rule id from it)",
)  # fmt: skip
INVALID = rule(
    "MM142", "invalid-suppression", Severity.ERROR, "spec",
    "A `micromoments:` comment that cannot be read: an unknown rule, no rule at all, or a word "
    "other than ignore / ignore-file.",
    bad="<!-- micromoments: ignore MM999 -- reason -->\n<!-- micromoments: skip MM319 -- reason -->",
    good="<!-- micromoments: ignore MM319 -- reason -->",
    fix="write `micromoments: ignore RULE[, RULE] -- reason`; `micromoments rules` lists the ids",
)  # fmt: skip

OWN_RULES = frozenset({NO_REASON.id, UNUSED.id, INVALID.id})
# Rules reported while rendering a moment; every other rule is reported while loading it.
RENDER_FAMILIES = frozenset({"email", "client", "sms", "push", "build"})
RENDER_RULES = frozenset({"MM905", "MM906"})  # copy rules found by the Markdown parser

Phase = Literal["load", "render"]

_HTML_DIRECTIVE = re.compile(r"^\s*<!--\s*micromoments\s*:(?P<body>.*?)-->\s*$", re.S)
_YAML_DIRECTIVE = re.compile(r"(?:^|\s)#\s*micromoments\s*:(?P<body>.*)$")
_REASON_SPLIT = re.compile(r"\s(?:--|—|–)\s?|\s(?:--|—|–)$")
_RULE_ID = re.compile(r"^MM\d{3}$", re.I)
_OPENS_DIRECTIVE = re.compile(r"^\s*<!--\s*micromoments\s*:")


def is_directive_line(line: str) -> bool:
    """True for a line that holds only a ``<!-- micromoments: ... -->`` comment."""
    return "micromoments" in line and bool(_HTML_DIRECTIVE.match(line))


def comment_lines(lines: Sequence[str]) -> set[int]:
    """Indexes of lines that hold only HTML comments (one line, or several lines from the one
    that opens to the one that closes), outside fenced code. Copy never shows them: Markdown
    with raw HTML off would print them as text."""
    out: set[int] = set()
    fences = Fences()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not fences.feed(line) and line.lstrip().startswith("<!--"):
            end = _comment_end(lines, i)
            if end is not None:
                out.update(range(i, end + 1))
                i = end + 1
                continue
        i += 1
    return out


def _comment_end(lines: Sequence[str], start: int) -> int | None:
    """The index of the line whose end closes the comment opened at the start of ``start``."""
    offset = lines[start].index("<!--") + 4
    for j in range(start, len(lines)):
        text = lines[j][offset:] if j == start else lines[j]
        close = text.find("-->")
        if close >= 0:
            return j if not text[close + 3 :].strip() else None
    return None


def phase_of(rule_id: str) -> Phase:
    """When a rule is checked: ``load`` or ``render``."""
    declared = RULES.get(rule_id)
    if rule_id in RENDER_RULES or (declared is not None and declared.family in RENDER_FAMILIES):
        return "render"
    return "load"


@dataclass(eq=False)
class Suppression:
    """One directive: the rules it names, the lines it covers (None: the file), its reason."""

    path: str
    pos: Position
    rules: tuple[str, ...]
    reason: str
    lines: frozenset[int] | None
    used: set[str] = field(default_factory=set)

    def covers(self, d: Diagnostic) -> bool:
        """True when this directive silences ``d``."""
        if d.rule not in self.rules or d.path != self.path:
            return False
        return self.lines is None or d.line in self.lines


@dataclass
class Parsed:
    """The directives of one file and the problems with them."""

    suppressions: list[Suppression] = field(default_factory=list)
    problems: list[tuple[str, Position, str, str]] = field(default_factory=list)


def _read_rules(
    text: str, path: str, pos: Position, parsed: Parsed
) -> tuple[str, tuple[str, ...], str] | None:
    """(verb, rule ids, reason) of a directive body, or None after recording its problem."""
    from .allrules import all_rules  # imported here: allrules imports the loader, which imports us

    known = all_rules()
    names = {r.name: r.id for r in known.values()}
    parts = _REASON_SPLIT.split(text.strip(), maxsplit=1)
    head = parts[0].strip()
    reason = parts[1].strip() if len(parts) > 1 else ""
    words = head.split(None, 1)
    verb = words[0].lower() if words else ""
    if verb not in ("ignore", "ignore-file"):
        parsed.problems.append(
            (
                INVALID.id,
                pos,
                f"unknown directive {verb!r}" if verb else "empty micromoments: comment",
                "write `micromoments: ignore RULE -- reason` (or ignore-file)",
            )
        )
        return None  # fmt: skip
    ids: list[str] = []
    for raw in re.split(r"[,\s]+", words[1] if len(words) > 1 else ""):
        if not raw:
            continue
        rid = raw.upper() if _RULE_ID.match(raw) else names.get(raw.lower(), "")
        if not rid or rid not in known:
            candidates = [*known, *names]
            parsed.problems.append((INVALID.id, pos, f"unknown rule {raw!r}"
                                    f"{suggestion(raw, candidates)}", ""))  # fmt: skip
            return None
        if rid in OWN_RULES:
            parsed.problems.append((INVALID.id, pos, f"{rid} cannot be suppressed", ""))
            return None
        ids.append(rid)
    if not ids:
        parsed.problems.append((INVALID.id, pos, f"`{verb}` names no rule",
                                f"write `micromoments: {verb} RULE -- reason`"))  # fmt: skip
        return None
    if not reason:
        parsed.problems.append((NO_REASON.id, pos, f"suppression of {', '.join(ids)} gives no "
                                "reason", ""))  # fmt: skip
        return None
    return verb, tuple(dict.fromkeys(ids)), reason


def _block(lines: Sequence[str], start: int, skip: set[int]) -> frozenset[int]:
    """1-based numbers of the next non-blank line after ``start`` (0-based) and the lines that
    follow it up to a blank line."""
    i = start + 1
    while i < len(lines) and (not lines[i].strip() or i in skip):
        i += 1
    covered: set[int] = set()
    while i < len(lines) and lines[i].strip() and i not in skip:
        covered.add(i + 1)
        i += 1
    return frozenset(covered)


def parse_suppressions(text: str, path: str) -> Parsed:
    """Every directive of a spec file (front-matter comments and body HTML comments)."""
    parsed = Parsed()
    if "micromoments" not in text:
        return parsed
    lines = text.split("\n")
    front_end = -1
    if lines and lines[0].rstrip() == "---":
        front_end = next(
            (i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), -1
        )
    directives = [i for i, line in enumerate(lines) if is_directive_line(line)]
    skip = set(directives)
    fenced = [False] * (front_end + 1) + fence_mask(list(lines[front_end + 1 :]))
    for i, line in enumerate(lines):
        if "micromoments" not in line:
            continue
        if 0 < i < front_end:
            m = _YAML_DIRECTIVE.search(line)
            if m and not _quoted(line, m.start()):
                pos = Position(i + 1, line.index("#", m.start()) + 1)
                own = not line[: m.start()].strip()
                read = _read_rules(m.group("body"), path, pos, parsed)
                if read is not None:
                    verb, ids, reason = read
                    covered: frozenset[int] | None
                    if verb == "ignore-file":
                        covered = None
                    elif own:
                        covered = _next_line(lines, i, front_end)
                    else:
                        covered = frozenset({i + 1})
                    parsed.suppressions.append(Suppression(path, pos, ids, reason, covered))
            continue
        if i <= front_end or fenced[i]:
            continue
        if i not in skip:
            if _OPENS_DIRECTIVE.match(line):
                parsed.problems.append((INVALID.id, Position(i + 1, line.index("<!--") + 1),
                                        "a micromoments: comment must open and close on one "
                                        "line", ""))  # fmt: skip
            continue
        m = _HTML_DIRECTIVE.match(line)
        assert m is not None
        pos = Position(i + 1, line.index("<!--") + 1)
        read = _read_rules(m.group("body"), path, pos, parsed)
        if read is not None:
            verb, ids, reason = read
            block = None if verb == "ignore-file" else _block(lines, i, skip)
            parsed.suppressions.append(Suppression(path, pos, ids, reason, block))
    return parsed


def _next_line(lines: Sequence[str], i: int, end: int) -> frozenset[int]:
    j = i + 1
    while j < end and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
        j += 1
    return frozenset({j + 1}) if j < end else frozenset()


def _quoted(line: str, upto: int) -> bool:
    """True when position ``upto`` of a YAML line lies inside a quoted string (roughly)."""
    before = line[:upto]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1


@dataclass
class Suppressions:
    """The directives of one moment's files, applied to its diagnostics."""

    moment: str | None
    items: list[Suppression] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def apply(
        self, diagnostics: Iterable[Diagnostic], phase: Phase
    ) -> tuple[list[Diagnostic], list[Diagnostic]]:
        """Split ``diagnostics`` into (kept, suppressed); suppressed ones carry their reason.

        Then appends to ``kept`` the unused-suppression warnings of this ``phase``'s rules, and,
        in the load phase, the problems with the directives themselves.
        """
        kept: list[Diagnostic] = []
        suppressed: list[Diagnostic] = []
        for d in diagnostics:
            found = next((s for s in self.items if s.covers(d)), None)
            if found is None or d.rule in OWN_RULES:
                kept.append(d)
                continue
            found.used.add(d.rule)
            suppressed.append(replace(d, suppressed=found.reason))
        for s in self.items:
            for rid in s.rules:
                if rid in s.used or phase_of(rid) != phase:
                    continue
                where = "this file" if s.lines is None else "the lines below"
                kept.append(Diagnostic(UNUSED.id, RULES[UNUSED.id].severity, s.path, s.pos.line,
                                       s.pos.col, f"{rid} is suppressed here but reports nothing "
                                       f"in {where}", UNUSED.fix, self.moment))  # fmt: skip
        if phase == "load":
            kept.extend(self.problems)
        return kept, suppressed

    def apply_to(self, report: Report, phase: Phase) -> None:
        """Apply to a report in place: suppressed diagnostics move to ``report.suppressed``."""
        kept, suppressed = self.apply(report.diagnostics, phase)
        report.diagnostics[:] = []
        report.extend(kept)
        report.suppressed.extend(suppressed)


def read_suppressions(files: Iterable[tuple[Path, str]], moment: str | None) -> Suppressions:
    """The directives of a moment's files, given as (file on disk, path as shown)."""
    out = Suppressions(moment)
    for file, shown in files:
        try:
            text = file.read_text(encoding="utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            continue  # unreadable files are reported by the loader
        parsed = parse_suppressions(text.replace("\r\n", "\n").replace("\r", "\n"), shown)
        out.items.extend(parsed.suppressions)
        for rule_id, pos, message, hint in parsed.problems:
            out.problems.append(Diagnostic(rule_id, RULES[rule_id].severity, shown, pos.line,
                                           pos.col, message, hint or RULES[rule_id].fix,
                                           moment))  # fmt: skip
    return out


__all__ = [
    "INVALID",
    "NO_REASON",
    "UNUSED",
    "Parsed",
    "Suppression",
    "Suppressions",
    "comment_lines",
    "is_directive_line",
    "parse_suppressions",
    "phase_of",
    "read_suppressions",
]
