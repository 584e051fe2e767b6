"""What the catalog's templates receive: the build, arranged for pages.

Plain dataclasses over the core's objects. Templates get both the view (titles, counts, links
already worked out) and the underlying model (``view.moment``, ``view.built``), so a team that
overrides a template can show anything the spec holds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..build import CatalogBuild, MomentBuild
from ..diagnostics import RULES, Diagnostic, Severity
from ..model import Journey, Moment, MomentSpec, Tone
from ..render.outputs import Rendition
from ..results.summary import MomentResults, Portfolio
from .store import FileStore
from .tracking import TrackedEvent

STATUSES = ("idea", "design", "ready", "live", "retired")
CHANNELS = ("email", "sms", "push", "web", "in-app")
CHANNEL_TITLES = {"email": "Email", "sms": "SMS", "push": "Push", "web": "Web",
                  "in-app": "In-app"}  # fmt: skip
SCENARIO_TITLES = {"sample": "Sample data", "missing-data": "Missing data"}


def severity_counts(diagnostics: list[Diagnostic]) -> dict[str, int]:
    """How many errors, warnings and infos."""
    counts = Counter(d.severity.label for d in diagnostics)
    return {name: counts.get(name, 0) for name in ("error", "warning", "info")}


def worst(diagnostics: list[Diagnostic]) -> str:
    """``error``, ``warning``, ``info`` or ``ok``: the quality badge of a set of diagnostics."""
    if not diagnostics:
        return "ok"
    return max(diagnostics, key=lambda d: d.severity).severity.label


def rule_anchor(rule_id: str) -> str:
    """The anchor of a rule in docs/rules.md (``mm401-client-unsupported``)."""
    found = RULES.get(rule_id)
    return f"{rule_id.lower()}-{found.name}" if found else rule_id.lower()


@dataclass
class PreviewState:
    """One combination of the preview switches: locale, variant and scenario."""

    locale: str
    locale_name: str
    variant: str | None
    scenario: str
    rendition: Rendition
    email: dict[str, str] = field(default_factory=dict)  # scheme -> preview file (site path)
    web: dict[str, str] = field(default_factory=dict)
    sms: dict[str, Any] | None = None  # sms_summary() of the filled SMS

    @property
    def key(self) -> str:
        """``da--sample``, ``en-B-missing-data``: what the switches select."""
        return f"{self.locale}-{self.variant or ''}-{self.scenario}"


@dataclass
class Download:
    """A file to download: its label, site path and size in bytes."""

    name: str
    path: str
    size: int


@dataclass
class MomentView:
    """A moment as the pages show it."""

    moment: Moment
    built: MomentBuild
    page: str
    diagnostics: list[Diagnostic]
    phase_title: str
    tone: Tone | None
    audiences: list[tuple[str, str]]
    results: MomentResults | None = None
    charts: dict[str, str] = field(default_factory=dict)
    previews: list[PreviewState] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    zip: Download | None = None

    def let_go(self) -> None:
        """Drop the previews once the moment's page is written.

        Only the moment's own page shows them, and a one-off build writes it once; the memory
        they held (some 170 MB at 10,000 moments) is then reused for the pages still to come
        and for the search index. While serving, the page data is kept for the next rebuild.
        """
        self.previews = []
        self.built.previews = {}

    @property
    def download_groups(self) -> list[tuple[str, list[Download]]]:
        """Downloads by folder (``da``, ``da/B``), each file named within its folder."""
        groups: dict[str, list[Download]] = {}
        for d in self.downloads:
            folder, _slash, name = d.name.rpartition("/")
            groups.setdefault(folder, []).append(Download(name, d.path, d.size))
        return list(groups.items())

    @property
    def id(self) -> str:
        """The moment id (its file name)."""
        return self.moment.id

    @property
    def spec(self) -> MomentSpec | None:
        """The validated (or salvaged) front-matter; None when it could not be read."""
        return self.moment.spec

    @property
    def title(self) -> str:
        """The title in the default locale."""
        return self.moment.title

    @property
    def summary(self) -> str:
        """The summary in the default locale."""
        return self.moment.summary_in(self.moment.default_locale)

    @property
    def phase(self) -> str:
        """The phase id ('' when unknown)."""
        return self.spec.phase if self.spec else ""

    @property
    def status(self) -> str:
        """idea, design, ready, live or retired."""
        return self.spec.status.value if self.spec else "idea"

    @property
    def channels(self) -> list[str]:
        """Channel names, the primary first."""
        return [c.value for c in self.spec.channels] if self.spec else []

    @property
    def tone_id(self) -> str:
        """The tone-of-voice id."""
        return self.spec.tone if self.spec else ""

    @property
    def tone_title(self) -> str:
        """The tone's title, or its id when tones.yml does not define it."""
        return self.tone.title if self.tone else self.tone_id

    @property
    def tags(self) -> list[str]:
        """Free tags from the spec."""
        return list(self.spec.tags) if self.spec else []

    @property
    def counts(self) -> dict[str, int]:
        """Errors, warnings and infos of this moment."""
        return severity_counts(self.diagnostics)

    @property
    def quality(self) -> str:
        """The quality badge: error, warning, info or ok."""
        return worst(self.diagnostics)

    @property
    def has_errors(self) -> bool:
        """True when the moment has an error (its modules are not built)."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def filter_text(self) -> str:
        """What the catalog's text filter matches: id, titles, summaries, tags, owner, event."""
        parts = [self.id, self.phase_title, self.tone_title, *self.tags]
        for translation in self.moment.translations.values():
            parts.append(self.moment.title_in(translation.locale))
            parts.append(self.moment.summary_in(translation.locale))
        if self.spec:
            parts += [self.spec.owner, self.spec.trigger.event, self.spec.feeling]
        return " ".join(p for p in parts if p).lower()


@dataclass
class CatalogSite:
    """Everything the catalog pages show, computed once per build."""

    build: CatalogBuild
    moments: list[MomentView]
    events: list[TrackedEvent]
    results: dict[str, MomentResults]
    portfolio: Portfolio
    diagnostics: list[Diagnostic]
    files: dict[str, bytes] = field(default_factory=dict)  # site path -> content (not pages)
    store: FileStore | None = None  # the previews and downloads on disk
    schemas: dict[str, str] = field(default_factory=dict)  # event slug -> site path

    @property
    def journey(self) -> Journey | None:
        """journey.yml (None when it is broken)."""
        return self.build.catalog.context.journey

    @property
    def tones(self) -> dict[str, Tone]:
        """tones.yml's profiles."""
        return self.build.catalog.context.tones

    @property
    def phases(self) -> list[tuple[str, str]]:
        """(id, title) of every phase in journey order, plus unknown phases moments use."""
        known = [(pid, p.title) for pid, p in self.journey.phases.items()] if self.journey else []
        seen = {pid for pid, _t in known}
        extra = sorted({m.phase for m in self.moments if m.phase and m.phase not in seen})
        return known + [(pid, pid) for pid in extra]

    @property
    def audiences(self) -> list[tuple[str, str]]:
        """(id, title) of every audience in journey.yml."""
        return [(a, v.title) for a, v in self.journey.audiences.items()] if self.journey else []

    def moment(self, moment_id: str) -> MomentView | None:
        """The view of one moment."""
        return next((m for m in self.moments if m.id == moment_id), None)

    def using_tone(self, tone_id: str) -> list[MomentView]:
        """Moments written in a tone."""
        return [m for m in self.moments if m.tone_id == tone_id]

    def count_by(self, attribute: str) -> dict[str, int]:
        """How many moments have each value of ``status`` or ``phase``."""
        return dict(Counter(str(getattr(m, attribute)) for m in self.moments))

    @property
    def counts(self) -> dict[str, int]:
        """Errors, warnings and infos of the whole catalog."""
        return severity_counts(self.diagnostics)

    def by_rule(self) -> list[tuple[str, list[Diagnostic]]]:
        """Diagnostics grouped by rule id, the most severe rules first."""
        groups: dict[str, list[Diagnostic]] = {}
        for d in self.diagnostics:
            groups.setdefault(d.rule, []).append(d)
        return sorted(groups.items(), key=lambda kv: (-max(d.severity for d in kv[1]), kv[0]))

    def unowned_diagnostics(self) -> list[Diagnostic]:
        """Diagnostics that belong to no moment (journey.yml, brand.yml, results files)."""
        ids = {m.id for m in self.moments}
        return [d for d in self.diagnostics if d.moment not in ids]
