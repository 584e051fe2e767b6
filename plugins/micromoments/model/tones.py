"""``moments/tones.yml``: tone-of-voice profiles with examples and machine-checkable rules."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

ChannelName = Literal["email", "sms", "push", "web", "in-app"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToneRules(_Strict):
    """What the tone checks enforce on copy written in this tone."""

    formality: Literal["du", "De", "any"] = Field(
        "any", description="Danish/Norwegian address: du (informal), De (formal) or any."
    )
    max_sentence_words: int | None = Field(
        None, ge=3, description="Longest sentence allowed, in words."
    )
    lix: dict[ChannelName, tuple[int, int]] = Field(
        default_factory=dict,
        description="Readability (LIX) range per channel, e.g. {email: [20, 40]}.",
    )
    max_exclamations: int | None = Field(
        None, ge=0, description="Most exclamation marks allowed in one message."
    )
    max_emoji: int | None = Field(None, ge=0, description="Most emoji allowed in one message.")
    min_you_we_ratio: float | None = Field(
        None, ge=0, description="Customer focus: at least this many you-words per we-word."
    )
    banned_words: dict[str, str | None] = Field(
        default_factory=dict,
        description="Words to avoid, each with a suggested swap (or null).",
    )
    no_surveillance: bool = Field(
        True, description="Flag personalisation that sounds like tracking ('we noticed you...')."
    )


class Tone(_Strict):
    """A tone-of-voice profile."""

    title: str = Field(description="Name shown in the catalog.")
    description: str = Field("", description="How this tone sounds and when to use it.")
    do: list[str] = Field(default_factory=list, description="Examples that hit the tone.")
    dont: list[str] = Field(default_factory=list, description="Examples that miss it.")
    rules: ToneRules = Field(default_factory=ToneRules)


class Tones(RootModel[dict[str, Tone]]):
    """The whole ``tones.yml``: profile id to profile."""
