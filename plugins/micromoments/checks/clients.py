"""Client-support checks: HTML and CSS features that the configured email clients lack.

The final HTML of an email is scanned for caniemail features (see ``micromoments.clients``);
each is looked up for every ``family.platform`` client of the configured families at the
last version the data lists. ``n`` becomes MM401 (warning) naming the clients, ``a`` becomes
MM402 (info) with caniemail's notes; ``y`` and ``u`` (unknown) say nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..clients.data import Dataset, Feature, load_dataset
from ..clients.features import detect_features
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
    resolved = _resolve(data, tuple(clients))
    findings: list[ClientFinding] = []
    for found in detect_features(html, data):
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


def _message(finding: ClientFinding) -> str:
    clients = ", ".join(finding.clients)
    uses = f" (used {finding.count} times)" if finding.count > 1 else ""
    if finding.kind == "n":
        return f"{finding.title} is not supported in {clients}{uses}"
    return f"{finding.title} is only partly supported in {clients}{uses}"


def _hint(finding: ClientFinding) -> str:
    notes = " ".join(n if n.endswith((".", ")")) else n + "." for n in finding.notes)
    return f"{notes} See {finding.url}" if notes else f"See {finding.url}"


def report_client_findings(
    findings: Sequence[ClientFinding],
    path: str,
    pos_for: Callable[[int, int], Position],
    report: Report,
    moment: str | None = None,
) -> None:
    """Add MM401/MM402 diagnostics for ``findings`` to ``report``.

    ``pos_for`` maps an HTML line and column to the position in ``path`` (the moment or the
    template file) that produced that part of the HTML.
    """
    for finding in findings:
        rule_id = UNSUPPORTED.id if finding.kind == "n" else PARTIAL.id
        pos = pos_for(finding.line, finding.col)
        report.add(rule_id, path, pos, _message(finding), _hint(finding), moment=moment)
