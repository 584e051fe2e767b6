"""Fixtures for the catalog's browser tests: built sites, a local HTTP server, Debian's chromium.

Every browser context routes all requests: anything not addressed to the local server is
aborted and recorded, and dialogs, console messages and page errors are recorded too, so a
test can assert that the catalog neither reaches the internet nor runs injected script.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Error,
    Page,
    Response,
    Route,
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "screenshots"
PROJECT_PARTS = ("mkdocs.yml", "docs", "moments", "templates", "results")
ORDER = "moments/purchase/order-confirmation.md"
XSS_TITLE = "<script>alert(1)</script><img src=x onerror=alert(1)>"
XSS_COPY = '<img src=x onerror=alert(1)><svg onload=console.log("mm-xss")>'
XSS_EXAMPLE = '<script>console.log("mm-xss")</script><img src=x onerror=alert(1)>'


def copy_project(target: Path) -> Path:
    """A copy of the example project."""
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def build_site(project: Path, site: Path, *, strict: bool) -> Path:
    """`mkdocs build` of ``project`` into ``site``."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return site


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Served:
    """A built site on a local HTTP server."""

    project: Path
    site: Path
    url: str


def _serve(project: Path, site: Path) -> Iterator[Served]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(project, site, f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example catalog, built under --strict and served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("browser-example")
    project = copy_project(root / "project")
    site = build_site(project, root / "site", strict=True)
    yield from _serve(project, site)


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The example with script payloads in a title, a copy line and an example value."""
    root = tmp_path_factory.mktemp("browser-xss")
    project = copy_project(root / "project")
    spec = project / ORDER
    text = spec.read_text(encoding="utf-8")
    changed = (
        text.replace("title: Ordrebekræftelse", f"title: 'Ordre {XSS_TITLE}'", 1)
        .replace("Din ordre er modtaget,", f"Din ordre er modtaget {XSS_COPY},", 1)
        .replace("    example: Mette", f"    example: '{XSS_EXAMPLE}'", 1)
    )
    assert changed.count("mm-xss") == 2 and XSS_TITLE in changed
    spec.write_text(changed, encoding="utf-8")
    site = build_site(project, root / "site", strict=False)
    yield from _serve(project, site)


@dataclass
class Guard:
    """What a browser context did that it should not: requests outside, dialogs, console."""

    base: str
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.requested.append(url)
        if url.startswith((self.base, "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def message(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def error(self, error: Error) -> None:
        self.errors.append(str(error))

    def watch(self, page: Page) -> None:
        page.on("dialog", self.dialog)
        page.on("console", self.message)
        page.on("pageerror", self.error)
        page.on("response", self.response)


def open_context(
    browser: Browser, served: Served, **options: object
) -> tuple[BrowserContext, Guard]:
    """A fresh browser context on ``served`` with a guard on everything it does."""
    context = browser.new_context(accept_downloads=True, **options)  # type: ignore[arg-type]
    guard = Guard(served.url)
    context.route("**/*", guard.route)
    context.on("page", guard.watch)
    return context, guard


@pytest.fixture
def site(browser: Browser, example: Served) -> Iterator[tuple[Page, Guard, Served]]:
    """A page of the example catalog at desktop size; fails if anything left localhost."""
    context, guard = open_context(browser, example, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page, guard, example
    context.close()
    assert guard.outside == [], guard.outside
