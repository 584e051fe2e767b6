"""The one typed model of micromoments: a moment, the journey it sits in, and tone profiles.

Everything else (pages, artifacts, manifest, the JSON Schema for editors) is derived from it.
"""

from .journey import Audience, Journey, Locale, Metric, Phase
from .moment import (
    Channel,
    CopySection,
    DataField,
    EmailSettings,
    Experiment,
    FallbackStep,
    Goals,
    Kpi,
    Moment,
    MomentSpec,
    Priority,
    Status,
    Translation,
    Trigger,
)
from .tones import Tone, ToneRules, Tones
from .types import Duration

__all__ = [
    "Audience",
    "Channel",
    "CopySection",
    "DataField",
    "Duration",
    "EmailSettings",
    "Experiment",
    "FallbackStep",
    "Goals",
    "Journey",
    "Kpi",
    "Locale",
    "Metric",
    "Moment",
    "MomentSpec",
    "Phase",
    "Priority",
    "Status",
    "Tone",
    "ToneRules",
    "Tones",
    "Translation",
    "Trigger",
]
