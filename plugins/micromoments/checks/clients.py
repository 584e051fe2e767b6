"""Client-support checks: HTML and CSS features that the configured email clients lack.

The final HTML of an email is scanned for caniemail features (see ``micromoments.clients``);
each is looked up for every ``family.platform`` client of the configured families at the
last version the data lists. ``n`` becomes MM401 (warning) naming the clients, ``a`` becomes
MM402 (info) with caniemail's notes; ``y`` and ``u`` (unknown) say nothing.

Some features are enhancements by design: where a client lacks them the email still reads
right (``<style>`` holds only the responsive and dark-mode rules, everything else is inlined;
``role`` and ``aria-*`` are hints a client may ignore). Those listed in the option
``client_progressive`` (:data:`DEFAULT_PROGRESSIVE`, glob patterns) become MM403 (info,
"degrades gracefully") instead of MM401, so a build can be free of warnings and still list every
feature its templates use. docs/quality-checks.md justifies each default.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..clients.data import Dataset, Feature, load_dataset
from ..clients.features import Detection, detect_features
from ..diagnostics import Position, Report, Severity, rule

DEFAULT_CLIENTS: tuple[str, ...] = ("gmail", "apple-mail", "outlook", "yahoo")

UNSUPPORTED = rule(
    "MM401", "client-unsupported", Severity.WARNING, "client",
    "The final HTML uses a feature that some configured email clients do not support "
    "(caniemail data, last version of each client).",
    bad='<td style="background-image:linear-gradient(#0b5fff, #0047c2)">Se din ordre</td>\n'
        "-> linear-gradient() is not supported in Outlook (Windows), ..., Yahoo! Mail (Android)",
    good='<td style="background-color:#0b5fff">Se din ordre</td>',
    fix="use a widely supported alternative, or make sure the email still reads well without "
        "the feature in the clients named",
)  # fmt: skip
PARTIAL = rule(
    "MM402", "client-partial", Severity.INFO, "client",
    "The final HTML uses a feature that some configured email clients support only partly; "
    "the caniemail notes say what works.",
    bad='<td style="background:#0b5fff">Se din ordre</td>\n'
        "-> background is only partly supported in Outlook (Windows), ...: "
        "Only `background-color` values are supported.",
    good='<td style="background-color:#0b5fff">Se din ordre</td>',
    fix="read the notes; keep to the part that works, or give a fallback",
)  # fmt: skip

DEGRADES = rule(
    "MM403", "client-degrades-gracefully", Severity.INFO, "client",
    "The final HTML uses a feature some configured clients lack, but it is an enhancement: "
    "without it the email still reads right (the option client_progressive lists these).",
    bad="@media (prefers-color-scheme: dark) { ... }\n"
        "-> not supported in Gmail, Outlook (Windows), ... (an info, not a warning)",
    good="the same rules: clients without dark-mode support show the light design",
    fix="nothing to do unless the email depends on the feature; then remove it from "
        "client_progressive to get MM401 warnings",
)  # fmt: skip

PROGRESSIVE_OPTION = "client_progressive"
# Features that leave a readable email where a client lacks them. Each is justified in
# docs/quality-checks.md; a project replaces the list with the option `client_progressive`.
DEFAULT_PROGRESSIVE: tuple[str, ...] = (
    "html-doctype",
    "html-comments",
    "html-role",
    "html-aria-*",
    "html-lang",
    "html-dir",
    "html-body",
    "html-style",
    "css-selector-*",
    "css-at-media",
    "css-at-media-prefers-color-scheme",
    "css-color-scheme",
    "html-meta-color-scheme",
    "css-border-radius",
    "css-border-spacing",
    "css-opacity",
    "css-display-none",
    "css-max-height",
    "css-overflow",
    "css-height",
    "css-outline",
    "css-cursor",
    "css-word-break",
    "css-word-spacing",
    "html-target",
)

Kind = Literal["n", "a"]
_KINDS: tuple[Kind, ...] = ("n", "a")


@dataclass(frozen=True, slots=True)
class ClientFinding:
    """One feature that some configured clients do not (``n``) or only partly (``a``) support."""

    slug: str
    title: str
    url: str
    kind: Kind
    clients: tuple[str, ...]  # display names, e.g. "Outlook (Windows)"
    notes: tuple[str, ...]  # caniemail notes, with the clients they apply to when not all
    line: int  # 1-based, in the HTML
    col: int
    count: int


@dataclass(frozen=True, slots=True)
class _Verdict:
    kind: Kind
    clients: tuple[str, ...]
    notes: tuple[str, ...]


def _group_notes(dataset: Dataset, clients: list[str], feature: Feature) -> tuple[str, ...]:
    """Each note once, naming its clients unless it applies to all of them."""
    by_note: dict[str, list[str]] = {}
    for client in clients:
        for note in feature.support[client].notes:
            by_note.setdefault(note, []).append(dataset.client_name(client))
    return tuple(
        note if len(names) == len(clients) else f"{note} ({', '.join(names)})"
        for note, names in by_note.items()
    )


@functools.lru_cache(maxsize=4096)
def _verdicts(dataset: Dataset, slug: str, clients: tuple[str, ...]) -> tuple[_Verdict, ...]:
    """What a feature means for the clients: at most one ``n`` and one ``a`` verdict."""
    feature = dataset.features[slug]
    verdicts = []
    for kind in _KINDS:
        members = [c for c in clients if c in feature.support and feature.support[c].kind == kind]
        if members:
            names = tuple(dataset.client_name(c) for c in members)
            verdicts.append(_Verdict(kind, names, _group_notes(dataset, members, feature)))
    return tuple(verdicts)


@functools.lru_cache(maxsize=64)
def _resolve(dataset: Dataset, clients: tuple[str, ...]) -> tuple[str, ...]:
    return dataset.resolve_clients(clients)


def check_client_support(
    html: str, clients: Sequence[str] = DEFAULT_CLIENTS, dataset: Dataset | None = None
) -> list[ClientFinding]:
    """Features of ``html`` that some of ``clients`` lack or support partly.

    ``clients`` are caniemail families (``outlook``: every platform) or single
    ``family.platform`` clients (``outlook.windows``). Raises ``ValueError`` for an unknown
    client name. Findings are ordered by position, ``n`` before ``a`` for the same feature.
    """
    data = dataset or load_dataset()
    return client_findings(detect_features(html, data), clients, data)


def client_findings(
    detections: Iterable[Detection], clients: Sequence[str], dataset: Dataset | None = None
) -> list[ClientFinding]:
    """The findings of features already detected (e.g. by :func:`..clients.tree.parse_email`,
    which detects them while parsing the HTML for the email checks)."""
    data = dataset or load_dataset()
    resolved = _resolve(data, tuple(clients))
    findings: list[ClientFinding] = []
    for found in detections:
        feature = data.features[found.slug]
        findings.extend(
            ClientFinding(
                slug=found.slug,
                title=feature.title,
                url=feature.url,
                kind=verdict.kind,
                clients=verdict.clients,
                notes=verdict.notes,
                line=found.line,
                col=found.col,
                count=found.count,
            )
            for verdict in _verdicts(data, found.slug, resolved)
        )
    return findings


def progressive_patterns(options: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``client_progressive`` option (a list of slugs or glob patterns), or the default."""
    value = options.get(PROGRESSIVE_OPTION)
    if value is None:
        return DEFAULT_PROGRESSIVE
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


@functools.lru_cache(maxsize=1024)
def is_progressive(slug: str, patterns: tuple[str, ...]) -> bool:
    """True when ``slug`` matches one of the ``client_progressive`` patterns."""
    return any(fnmatch.fnmatchcase(slug, p) for p in patterns)


def rule_for(finding: ClientFinding, progressive: tuple[str, ...] = ()) -> str:
    """MM401, MM402 or MM403 for a finding."""
    if finding.kind == "a":
        return PARTIAL.id
    return DEGRADES.id if is_progressive(finding.slug, progressive) else UNSUPPORTED.id


def _message(finding: ClientFinding, rule_id: str = UNSUPPORTED.id) -> str:
    clients = ", ".join(finding.clients)
    uses = f" (used {finding.count} times)" if finding.count > 1 else ""
    if rule_id == DEGRADES.id:
        return f"{finding.title} degrades gracefully in {clients}, which lack it{uses}"
    if finding.kind == "n":
        return f"{finding.title} is not supported in {clients}{uses}"
    return f"{finding.title} is only partly supported in {clients}{uses}"


def _hint(finding: ClientFinding) -> str:
    notes = " ".join(n if n.endswith((".", ")")) else n + "." for n in finding.notes)
    return f"{notes} See {finding.url}" if notes else f"See {finding.url}"


def client_diagnostic(
    finding: ClientFinding, progressive: tuple[str, ...] = ()
) -> tuple[str, str, str]:
    """Rule id, message and hint of one finding."""
    rule_id = rule_for(finding, progressive)
    return rule_id, _message(finding, rule_id), _hint(finding)


def report_client_findings(
    findings: Sequence[ClientFinding],
    path: str,
    pos_for: Callable[[int, int], Position],
    report: Report,
    moment: str | None = None,
    progressive: tuple[str, ...] = (),
) -> None:
    """Add MM401/MM402/MM403 diagnostics for ``findings`` to ``report``.

    ``pos_for`` maps an HTML line and column to the position in ``path`` (the moment or the
    template file) that produced that part of the HTML. ``n`` findings of features matching
    ``progressive`` become MM403 instead of MM401.
    """
    for finding in findings:
        rule_id, message, hint = client_diagnostic(finding, progressive)
        pos = pos_for(finding.line, finding.col)
        report.add(rule_id, path, pos, message, hint, moment=moment)
