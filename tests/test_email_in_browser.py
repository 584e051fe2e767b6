"""Every example email.html opened in Debian's chromium: no request outside the file.

Production HTML may only reference its images at the brand's CDN (brand.yml asset_base_url); the
test answers those from templates/email/assets and fails on any other request (fonts, CSS,
scripts, trackers). The offline preview (images pointed at local files) makes no network
request at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from conftest import REPO
from micromoments.build import build_catalog
from micromoments.config import ProjectConfig
from micromoments.render.assets import localise_assets
from micromoments.render.email import find_asset

pytestmark = pytest.mark.browser


def test_production_emails_request_nothing_but_their_cdn_images(
    browser: Browser, tmp_path: Path
) -> None:
    config = ProjectConfig(root=REPO)
    result = build_catalog(config)
    base = result.brand.asset_base_url
    page = browser.new_page()
    outside: list[str] = []
    served: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        elif url.startswith(base) and (
            found := find_asset(config.templates_path, url[len(base) :])
        ):
            served.append(url)
            route.fulfill(path=found)
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", handle)
    opened = 0
    for name, data in sorted(result.artifacts.items()):
        if not name.endswith("email.html"):
            continue
        file = tmp_path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
        page.goto(file.as_uri())
        page.wait_for_load_state("load")
        assert page.title(), f"{name} has no <title>"
        opened += 1
    page.close()
    assert opened >= 20
    assert outside == []
    assert served, "the logo is served from the brand's CDN"


def test_offline_previews_make_no_network_request(browser: Browser, tmp_path: Path) -> None:
    config = ProjectConfig(root=REPO)
    result = build_catalog(config)
    page = browser.new_page()
    network: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(("file://", "data:", "about:"))
            else network.append(request.url)
        ),
    )
    shown = 0
    for mid, built in result.moments.items():
        for (locale, variant, scenario), preview in built.previews.items():
            if preview.email is None:
                continue
            file = tmp_path / f"{mid}.{locale}.{variant}.{scenario}.html"
            html, _files = localise_assets(preview.email.html, result.brand, config.templates_path,
                                           lambda f: f.as_uri())  # fmt: skip
            file.write_text(html, encoding="utf-8")
            page.goto(file.as_uri())
            page.wait_for_load_state("load")
            assert page.evaluate(
                "document.images.length === 0 || [...document.images].every(i => i.complete && i.naturalWidth > 0)"
            ), file.name
            shown += 1
    page.close()
    assert shown >= 40
    assert network == []
