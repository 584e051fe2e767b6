"""Helpers that write a small, real micromoments project into a folder and load it.

Tests build Moment objects the way users do: spec files on disk, loaded by the real loader.

    catalog = write_project(tmp_path, {"order.md": moment_file("## SMS\\n\\nTak!")})
    moment = catalog.moments["order"]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from micromoments.config import ProjectConfig
from micromoments.load.loader import Catalog, load_catalog

JOURNEY = """\
default_locale: da
locales:
  da: Dansk
  nb: Norsk bokmål
  en: English
phases:
  purchase: {title: Køb}
  delivery: {title: Levering}
audiences:
  private: {title: Privatkunder}
metrics:
  open_rate: {title: Open rate, direction: up}
  contact_rate: {title: Contact rate, direction: down}
"""

TONES = """\
plain:
  title: Plain
  description: No machine rules beyond the defaults.
"""

SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "first_name": {"type": "string", "source": "CRM", "example": "Mette", "fallback": ""},
    "order_number": {"type": "string", "source": "Webshop", "example": "100234",
                     "required": True},
    "order_url": {"type": "url", "source": "Webshop",
                  "example": "https://shop.example/ordre/100234", "required": True},
}  # fmt: skip


def moment_file(
    sections: str,
    *,
    channels: Sequence[str] = ("sms",),
    tone: str = "plain",
    data: Mapping[str, Mapping[str, Any]] | None = None,
    front: Mapping[str, Any] | None = None,
    rationale: str = "Why the moment exists.",
) -> str:
    """A moment spec: front-matter (title, phase, trigger, channels, tone, data) and a body.

    ``sections`` is the Markdown of the copy sections (``## SMS`` ...); ``front`` adds or
    overrides front-matter keys.
    """
    matter: dict[str, Any] = {
        "title": "Test moment",
        "phase": "purchase",
        "trigger": {"event": "Order Completed", "source": "Webshop"},
        "channels": list(channels),
        "tone": tone,
    }
    if data:
        matter["data"] = {k: dict(v) for k, v in data.items()}
    matter.update(front or {})
    head = yaml.safe_dump(matter, sort_keys=False, allow_unicode=True)
    return f"---\n{head}---\n\n{rationale}\n\n{sections.strip()}\n"


def write_project(
    root: Path,
    moments: Mapping[str, str],
    *,
    journey: str = JOURNEY,
    tones: str = TONES,
    options: Mapping[str, Any] | None = None,
    rules: Mapping[str, str] | None = None,
) -> Catalog:
    """Write journey.yml, tones.yml and ``moments`` (file name → text) and load the catalog."""
    folder = root / "moments"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "journey.yml").write_text(journey, encoding="utf-8")
    (folder / "tones.yml").write_text(tones, encoding="utf-8")
    for name, text in moments.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = ProjectConfig(root=root, options=dict(options or {}), rules=dict(rules or {}))
    return load_catalog(config)


def position_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the ``occurrence``-th ``needle`` in a file's ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.find(needle, index + 1)
        if index < 0:
            raise AssertionError(f"{needle!r} occurs fewer than {occurrence} times")
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col
