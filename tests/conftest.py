"""Shared fixtures: small real projects written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from micromoments.config import ProjectConfig
from micromoments.diagnostics import Diagnostic
from micromoments.load.loader import Catalog, load_catalog

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Chromium puts a sandboxed iframe (our previews) into its own renderer process, and under load
# Playwright now and then never attached to that process: the preview frame did not show up at
# all, even after the iframe was navigated again. In-process, the frame is the page's own, and
# Blink enforces the sandbox (opaque origin, no scripts) the same way.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-features=IsolateSandboxedIframes",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless (never a downloaded browser), one per test process.

    One for every browser test: Playwright's sync API cannot run two sessions in one thread.
    """
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


JOURNEY = """\
default_locale: da
locales: {da: Dansk, en: English}
phases:
  purchase: {title: Køb}
  deliver: {title: Levering}
audiences:
  private: {title: Privatkunder}
metrics:
  open_rate: {title: Open rate, unit: rate, direction: up}
  contact_rate: {title: Contact rate, unit: rate, direction: down}
"""

TONES = """\
reassuring:
  title: Beroligende
  description: Rolig og klar.
"""

VALID = """\
---
title: Ordrebekræftelse
summary: En tydelig ordrebekræftelse.
phase: purchase
status: live
audiences: [private]
tone: reassuring
trigger: {event: Order Completed, source: Webshop, delay: 0m}
channels: [email, sms]
fallback:
  - {when: email.bounced, then: sms}
locales: [da]
data:
  first_name: {type: string, source: CRM, example: Mette, fallback: ""}
  order_url: {type: url, source: Webshop, example: "https://shop.example/o/1", required: true}
kpis:
  - {metric: open_rate, baseline: 0.5, target: 0.6}
---

Kunden har lige betalt.

## Email

Subject: Tak for din ordre, {{ first_name }}
Preheader: Vi har modtaget din ordre og giver besked, når den er på vej.

### Tak for din ordre

Hej {{ first_name }}.

[Se din ordre]({{ order_url }}){.button}

## SMS

Tak for din ordre. Se den her: {{ order_url }}
"""


class Project:
    """A project folder with journey.yml, tones.yml and moments written from text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "moments").mkdir(parents=True, exist_ok=True)
        self.write("moments/journey.yml", JOURNEY)
        self.write("moments/tones.yml", TONES)

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file (text is dedented) and return its path."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text,
                            encoding="utf-8")  # fmt: skip
        return path

    def moment(self, text: str, name: str = "order-confirmation") -> Path:
        """Write moments/NAME.md."""
        return self.write(f"moments/{name}.md", text)

    def load(self, **config: object) -> Catalog:
        """Load the catalog as the CLI and the plugin do."""
        return load_catalog(ProjectConfig(root=self.root, **config))  # type: ignore[arg-type]

    def diagnostics(self, **config: object) -> list[Diagnostic]:
        """Every diagnostic of the project, sorted."""
        return self.load(**config).report.sorted()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty project with a small journey.yml and tones.yml."""
    return Project(tmp_path)


def where(diagnostics: list[Diagnostic], rule: str) -> list[tuple[int, int]]:
    """(line, col) of every diagnostic of ``rule``."""
    return [(d.line, d.col) for d in diagnostics if d.rule == rule]


def rules_of(diagnostics: list[Diagnostic]) -> set[str]:
    """The rule ids present."""
    return {d.rule for d in diagnostics}


Edit = Callable[[str], str]
