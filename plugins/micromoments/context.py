"""What a moment is checked and rendered against: the journey, the tones, the layouts."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import ProjectConfig
from .model import Journey, Tone


@dataclass(frozen=True)
class Context:
    """Shared, read-only inputs of every moment's checks and renders."""

    config: ProjectConfig
    journey: Journey | None
    tones: dict[str, Tone] = field(default_factory=dict)
    layouts: frozenset[str] = frozenset()

    @property
    def default_locale(self) -> str:
        """The journey's default locale ("en" when journey.yml is broken)."""
        return self.journey.default_locale if self.journey else "en"

    @property
    def locales(self) -> list[str]:
        """Locales to build: the configured subset, else all of journey.yml."""
        known = list(self.journey.locales) if self.journey else [self.default_locale]
        if self.config.locales:
            return [loc for loc in known if loc in self.config.locales]
        return known
