"""A micro-moment: its front-matter (``MomentSpec``) and its copy, per locale and channel."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..diagnostics import Position
from ..yamlsource import YamlDocument
from .types import Duration


class Channel(enum.StrEnum):
    """A channel a moment can reach the customer through."""

    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    WEB = "web"
    IN_APP = "in-app"

    @property
    def heading(self) -> str:
        """The copy-section heading for this channel (``## Email``, ``## In-app``)."""
        return _HEADINGS[self]


_HEADINGS = {
    Channel.EMAIL: "Email",
    Channel.SMS: "SMS",
    Channel.PUSH: "Push",
    Channel.WEB: "Web",
    Channel.IN_APP: "In-app",
}


class Status(enum.StrEnum):
    """Where a moment is in its life."""

    IDEA = "idea"
    DESIGN = "design"
    READY = "ready"
    LIVE = "live"
    RETIRED = "retired"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


class Priority(_Strict):
    """Impact and effort on a 1 (low) to 5 (high) scale, for the portfolio matrix."""

    impact: int = Field(ge=1, le=5, description="Impact for customers and business, 1 to 5.")
    effort: int = Field(ge=1, le=5, description="Effort to build and run, 1 to 5.")


class Goals(_Strict):
    """What the moment should achieve, for the customer and for the business."""

    customer: str = Field("", description="What the customer should know, feel or be able to do.")
    business: str = Field("", description="What the business gains.")


class Trigger(_Strict):
    """The event that starts the moment and the system that produces it."""

    event: str = Field(description="Tracking-plan event name, e.g. 'Order Completed'.")
    source: str = Field(description="The system that produces the event, e.g. 'Webshop'.")
    delay: Duration = Field(
        default=Duration("0m"), description="Wait after the event: 0m, 15m, 24h, 2d."
    )
    conditions: list[str] = Field(
        default_factory=list, description="Conditions that must hold, in plain words."
    )
    description: str = Field("", description="Anything else a developer must know.")


FallbackWhen = str  # "<channel>.<event>", validated by the spec checks for a precise position

FALLBACK_EVENTS = (
    "bounced",
    "failed",
    "not_delivered",
    "not_opened",
    "not_clicked",
    "not_seen",
    "opted_out",
    "no_consent",
    "no_address",
)


class FallbackStep(_Strict):
    """When a channel fails (``when: email.bounced``), optionally wait, then use another."""

    when: FallbackWhen = Field(
        description="channel.event, e.g. email.bounced, email.not_opened, push.no_consent.",
        pattern=r"^[a-z-]+\.[a-z_]+$",
    )
    after: Duration | None = Field(None, description="How long to wait before falling back.")
    then: Channel = Field(description="The channel to use instead.")


class EmailSettings(_Strict):
    """How the email is laid out and what kind of mail it is."""

    template: str = Field("transactional", description="Layout in templates/email/ to use.")
    kind: Literal["transactional", "marketing"] = Field(
        "transactional",
        description="Marketing mail gets an unsubscribe link and List-Unsubscribe headers.",
    )


DataType = Literal[
    "string", "number", "integer", "boolean", "url", "email", "date", "datetime", "money", "list",
    "object",
]  # fmt: skip


class DataField(_Strict):
    """One variable the copy consumes: its type, who produces it, and what to do without it."""

    type: DataType = Field("string", description="string, number, integer, boolean, url, "
                           "email, date, datetime, money, list or object.")  # fmt: skip
    source: str = Field(description="The system that produces the value, e.g. CRM, Webshop.")
    description: str = Field("", description="What the value is, for developers.")
    example: Any = Field(None, description="A realistic sample value, used in previews.")
    fallback: Any = Field(None, description="Used when the value is missing.")
    required: bool = Field(
        False, description="True when the trigger event always carries the value."
    )
    items: dict[str, DataField] | None = Field(
        None, description="For a list of objects (order lines): the fields of one item."
    )
    fields: dict[str, DataField] | None = Field(
        None, description="For an object: its fields, used as {{ var.field }}."
    )
    merge_tags: dict[Literal["liquid", "handlebars", "mailchimp", "jinja"], str] = Field(
        default_factory=dict,
        description="The variable's name in an ESP where it differs, e.g. "
        "{mailchimp: FNAME, liquid: customer.first_name}.",
    )

    def children(self) -> dict[str, DataField]:
        """The fields of one item (list) or of the object, or nothing."""
        return self.items or self.fields or {}


class Kpi(_Strict):
    """A metric from journey.yml the moment should move, from baseline to target."""

    metric: str = Field(description="A metric id from journey.yml.")
    baseline: float | None = Field(None, description="The value before the moment.")
    target: float | None = Field(None, description="The value the moment should reach.")


class Experiment(_Strict):
    """An A/B(/n) test of the moment's copy. The first variant is the control."""

    hypothesis: str = Field(description="What you expect to change, and why.")
    metric: str = Field(description="The success metric: a metric id from journey.yml.")
    mde: float = Field(
        gt=0,
        description="Minimum detectable effect: the smallest absolute difference worth "
        "detecting, in the metric's unit (0.02 = two percentage points for a rate).",
    )
    variants: dict[str, str] = Field(
        min_length=2,
        description="Variant id (A, B, ...) to what differs. The first is the control and uses "
        "the unmarked copy sections; others use `## Email [B]` sections where written.",
    )
    start: datetime.date | None = Field(None, description="First day of the experiment.")
    alpha: float = Field(0.05, gt=0, lt=0.5, description="Significance level (two-sided).")
    power: float = Field(0.8, gt=0.5, lt=1, description="Statistical power for the sample size.")

    @property
    def control(self) -> str:
        """The id of the control variant."""
        return next(iter(self.variants))


class MomentSpec(_Strict):
    """The front-matter of a moment file."""

    title: str = Field(min_length=1, description="Name of the moment, as customers would say it.")
    summary: str = Field("", description="One sentence: what the moment does and why.")
    phase: str = Field(description="A phase id from moments/journey.yml.")
    status: Status = Field(Status.IDEA, description="idea, design, ready, live or retired.")
    owner: str = Field("", description="The team or person who owns the moment.")
    audiences: list[str] = Field(default_factory=list, description="Audience ids from journey.yml.")
    tags: list[str] = Field(default_factory=list, description="Free tags for search and filters.")
    priority: Priority | None = Field(None, description="{impact: 1-5, effort: 1-5}.")
    feeling: str = Field("", description="The feeling the moment should leave, in one word.")
    goals: Goals = Field(default_factory=Goals, description="customer and business goals.")
    trigger: Trigger = Field(description="The event that starts the moment.")
    channels: list[Channel] = Field(
        min_length=1, description="email, sms, push, web, in-app; the first is primary."
    )
    fallback: list[FallbackStep] = Field(
        default_factory=list, description="What happens when a channel fails."
    )
    tone: str = Field(description="A tone-of-voice id from moments/tones.yml.")
    email: EmailSettings = Field(
        default_factory=EmailSettings, description="Email layout and kind."
    )
    data: dict[str, DataField] = Field(
        default_factory=dict, description="The data contract: every variable the copy uses."
    )
    kpis: list[Kpi] = Field(default_factory=list, description="Metrics with baseline and target.")
    locales: list[str] | None = Field(
        None, description="Locales to write this moment in; default: all in journey.yml."
    )
    launched: datetime.date | None = Field(
        None, description="The day the moment went live, marked on before/after charts."
    )
    experiment: Experiment | None = Field(None, description="An A/B test of the copy.")


TRANSLATABLE_KEYS = ("title", "summary", "feeling", "goals", "data")


class DataWording(_Strict):
    """A translation's own example and fallback for a variable (dates, prices, greetings)."""

    example: Any = Field(None, description="The example in this locale.")
    fallback: Any = Field(None, description="The fallback in this locale.")


class TranslationSpec(_Strict):
    """Front-matter of a translation file (``ID.LOCALE.md``): only wording may be overridden."""

    title: str | None = Field(None, min_length=1)
    summary: str | None = None
    feeling: str | None = None
    goals: Goals | None = None
    data: dict[str, DataWording] = Field(
        default_factory=dict,
        description="Per-variable example and fallback in this locale, e.g. "
        "{first_name: {fallback: there}}.",
    )


@dataclass(frozen=True, slots=True)
class CopyField:
    """A ``Name: value`` line at the top of a copy section (Subject, Preheader, Title, Link)."""

    name: str
    value: str
    pos: Position  # where the value starts


@dataclass(frozen=True, slots=True)
class CopySection:
    """The copy for one channel (and variant) in one locale: fields and a Markdown body."""

    channel: Channel
    locale: str
    path: str
    heading: Position
    fields: dict[str, CopyField]
    body: str
    body_line: int  # file line of the body's first line
    variant: str | None = None

    def field_value(self, name: str) -> str:
        """A field's text, or an empty string when the section does not set it."""
        found = self.fields.get(name.lower())
        return found.value if found else ""

    @property
    def key(self) -> tuple[Channel, str | None]:
        """(channel, variant), which identifies the section within one locale."""
        return (self.channel, self.variant)


@dataclass
class Translation:
    """One locale's wording of a moment: title/summary overrides and the copy sections."""

    locale: str
    path: str
    sections: dict[tuple[Channel, str | None], CopySection] = field(default_factory=dict)
    spec: TranslationSpec = field(default_factory=TranslationSpec)
    yaml: YamlDocument | None = None
    rationale: str = ""
    rationale_line: int = 0


@dataclass
class Moment:
    """A loaded moment: the validated front-matter plus every locale's copy.

    ``translations`` always contains the default locale (the main file). A moment whose
    front-matter could not be validated has ``spec`` None but is kept, so its page can still
    show its diagnostics.
    """

    id: str
    path: str
    default_locale: str
    spec: MomentSpec | None
    yaml: YamlDocument | None
    translations: dict[str, Translation] = field(default_factory=dict)
    missing_locales: list[str] = field(default_factory=list)
    source_hash: str = ""
    complete: bool = True  # False when parts of the front-matter failed validation

    @property
    def ok(self) -> bool:
        """True when the whole front-matter validated (the spec is not a salvaged part)."""
        return self.spec is not None and self.complete

    @property
    def title(self) -> str:
        """The default-locale title (the id when the front-matter is broken)."""
        return self.spec.title if self.spec else self.id

    def locale_ids(self) -> list[str]:
        """Locales with copy (the default locale first), including fallbacks."""
        return list(self.translations)

    def translation(self, locale: str) -> Translation:
        """The copy for ``locale``; a missing locale falls back to the default locale."""
        return self.translations.get(locale) or self.translations[self.default_locale]

    def title_in(self, locale: str) -> str:
        """The title in ``locale`` (the translation's override or the default title)."""
        override = self.translation(locale).spec.title
        return override or self.title

    def summary_in(self, locale: str) -> str:
        """The summary in ``locale``."""
        override = self.translation(locale).spec.summary
        return override if override is not None else (self.spec.summary if self.spec else "")

    def data_in(self, locale: str) -> dict[str, DataField]:
        """The data contract with the locale's own examples and fallbacks applied."""
        data = self.spec.data if self.spec else {}
        wording = self.translations[locale].spec.data if locale in self.translations else {}
        if not wording:
            return dict(data)
        merged = dict(data)
        for name, words in wording.items():
            if name in merged:
                update = {k: v for k, v in (("example", words.example), ("fallback", words.fallback))
                          if v is not None}  # fmt: skip
                merged[name] = merged[name].model_copy(update=update)
        return merged

    def section(
        self, locale: str, channel: Channel, variant: str | None = None
    ) -> CopySection | None:
        """The copy section for a channel in a locale (with fallback to the default locale)."""
        sections = self.translation(locale).sections
        found = sections.get((channel, variant))
        if found is None and locale != self.default_locale:
            found = self.translations[self.default_locale].sections.get((channel, variant))
        return found

    def pos(self, *path: str | int) -> Position:
        """Position of a front-matter value, for diagnostics."""
        return self.yaml.pos(tuple(path)) if self.yaml else Position(1, 1)

    def key_pos(self, *path: str | int) -> Position:
        """Position of a front-matter key, for diagnostics."""
        return self.yaml.key_pos(tuple(path)) if self.yaml else Position(1, 1)
