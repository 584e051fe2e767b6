"""``moments/journey.yml``: the phases of the customer journey, audiences, locales and metrics."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Phase(_Strict):
    """A phase of the journey; phases are shown in the order they are written."""

    title: str = Field(description="Name shown in the catalog, e.g. 'Køb'.")
    description: str = Field("", description="What the customer is doing in this phase.")


class Audience(_Strict):
    """A group of customers (persona) a moment can address."""

    title: str = Field(description="Name shown in the catalog.")
    description: str = Field("", description="Who they are and what they need.")


class Locale(_Strict):
    """A language the catalog is written in."""

    name: str = Field(description="The language's own name, e.g. 'Dansk'.")
    dir: Literal["ltr", "rtl"] | None = Field(
        None, description="Text direction; derived from the language code when left out."
    )

    def direction(self, code: str) -> Literal["ltr", "rtl"]:
        """``rtl`` for right-to-left languages, else ``ltr``."""
        if self.dir:
            return self.dir
        return "rtl" if code.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


class Metric(_Strict):
    """A KPI definition: what is measured, in what unit, and which direction is better."""

    title: str = Field(description="Name shown in the catalog, e.g. 'Open rate'.")
    unit: Literal["rate", "count", "score", "seconds", "currency", "number"] = Field(
        "rate", description="rate (a share 0..1), count, score, seconds, currency or number."
    )
    direction: Literal["up", "down"] = Field(description="up: higher is better; down: lower.")
    kind: Literal["descriptive", "experience", "outcome"] = Field(
        "outcome",
        description="descriptive (delivery, open rate), experience (CSAT, NPS, CES) or outcome "
        "(conversion, contact rate).",
    )
    description: str = Field("", description="How it is measured, and where.")
    scale: tuple[float, float] | None = Field(
        None, description="For scores: the lowest and highest value, e.g. [1, 5]."
    )

    def better(self, a: float, b: float) -> bool:
        """True when ``a`` is strictly better than ``b`` in this metric's direction."""
        return a > b if self.direction == "up" else a < b


class Journey(_Strict):
    """The whole ``journey.yml``."""

    default_locale: str = Field(description="The locale of the main moment files, e.g. 'da'.")
    locales: dict[str, Locale] = Field(
        min_length=1, description="Locale code to its name; translations are ID.LOCALE.md."
    )
    phases: dict[str, Phase] = Field(min_length=1, description="Journey phases, in order.")
    audiences: dict[str, Audience] = Field(default_factory=dict)
    metrics: dict[str, Metric] = Field(default_factory=dict)

    @field_validator("locales", mode="before")
    @classmethod
    def _short_locales(cls, value: object) -> object:
        # `da: Dansk` is allowed as a short form of `da: {name: Dansk}`.
        if isinstance(value, dict):
            return {k: {"name": v} if isinstance(v, str) else v for k, v in value.items()}
        return value

    def phase_index(self, phase: str) -> int:
        """Position of a phase in the journey (unknown phases sort last)."""
        order = list(self.phases)
        return order.index(phase) if phase in order else len(order)

    def direction(self, locale: str) -> Literal["ltr", "rtl"]:
        """Text direction of a locale."""
        found = self.locales.get(locale)
        return found.direction(locale) if found else Locale(name=locale).direction(locale)
