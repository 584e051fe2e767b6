"""The built catalog in Debian's chromium: filters, previews, downloads, search, safety.

Each test opens its own browser context on a site built once per session and served from
127.0.0.1; the `site` fixture fails a test if any request left localhost. Screenshots land in
tests/screenshots/ (kept by CI, ignored by git).
"""

from __future__ import annotations

import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page

from micromoments.build import build_catalog
from micromoments.config import load_project_config

from .conftest import SCREENSHOTS, XSS_COPY, XSS_EXAMPLE, XSS_TITLE, Guard, Served, open_context

pytestmark = pytest.mark.browser

MOMENT = "catalog/moments/order-confirmation/"
EMAIL_FRAME = "iframe[data-mm-frame=email]"


def visible_cards(page: Page) -> list[str]:
    """The hrefs of the catalog cards that are shown."""
    hrefs: list[str] = page.locator("[data-mm-card]:visible .mm-card__title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return hrefs


def email_frame(page: Page) -> Frame:
    """The email preview's frame, loaded."""
    locator = page.locator(EMAIL_FRAME)
    locator.wait_for(state="attached")
    # Switching a preview sets the iframe's src, and chromium may load the new document into a
    # new frame: look for it among the page's frames, not only behind the iframe's handle.
    deadline = time.monotonic() + 30
    while True:
        wanted = (locator.get_attribute("src") or "").rsplit("/", 1)[-1]
        handle = locator.element_handle()
        frames = [handle.content_frame()] if handle is not None else []
        frames += page.frames
        frame = next((f for f in frames if f is not None and wanted and f.url.endswith(wanted)),
                     None)  # fmt: skip
        if frame is not None:
            break
        assert time.monotonic() < deadline, (
            f"the email preview frame never showed {wanted!r}; frames: "
            f"{[f.url for f in page.frames]}"
        )
        page.wait_for_timeout(50)
    frame.wait_for_load_state("load")
    return frame


def choose(page: Page, label: str) -> None:
    """Click a preview switch by its visible label."""
    page.locator(".mm-preview__controls label", has_text=label).click()


def frame_state(frame: Frame) -> dict[str, object]:
    """What the preview document shows: its text, viewport width and background colour."""
    state: dict[str, object] = frame.evaluate(
        "() => ({text: document.body.innerText, width: window.innerWidth,"
        " background: getComputedStyle(document.body).backgroundColor})"
    )
    return state


def test_filtering_the_catalog_is_reflected_in_the_url(site: tuple[Page, Guard, Served]) -> None:
    page, guard, served = site
    page.goto(served.url + "catalog/")
    assert len(visible_cards(page)) == 11
    page.select_option("select[name=channel]", "sms")
    with_sms = visible_cards(page)
    for card in page.locator("[data-mm-card]:visible").all():
        assert "sms" in (card.get_attribute("data-channel") or "").split()
    assert 0 < len(with_sms) < 11
    page.fill("input[name=text]", "ordre")
    narrowed = visible_cards(page)
    assert 0 < len(narrowed) < len(with_sms)
    assert page.locator("[data-mm-count]").inner_text() == f"{len(narrowed)} of 11 moments"
    assert "channel=sms" in page.url and "text=ordre" in page.url
    shared = page.url
    again = page.context.new_page()
    again.goto(shared)
    assert again.locator("select[name=channel]").input_value() == "sms"
    assert again.locator("input[name=text]").input_value() == "ordre"
    assert visible_cards(again) == narrowed
    again.locator("[data-mm-filters] button[type=reset]").click()
    again.wait_for_function("() => !location.search")
    assert len(visible_cards(again)) == 11
    assert not guard.dialogs and not guard.errors


def test_preview_switches_change_the_email(site: tuple[Page, Guard, Served]) -> None:
    page, guard, served = site
    page.goto(served.url + "catalog/")
    page.locator(".mm-card__title a", has_text="Ordrebekræftelse").click()
    page.wait_for_url("**/" + MOMENT)
    frame = page.locator(EMAIL_FRAME)
    first = frame.get_attribute("src") or ""
    assert first.endswith("email-da-sample-light.html")
    light = frame_state(email_frame(page))
    assert "Tak for din ordre" in str(light["text"]) and "Mette" in str(light["text"])
    assert light["width"] == 600

    choose(page, "English")
    page.wait_for_function(f"() => document.querySelector('{EMAIL_FRAME}').src.includes('-en-')")
    english = frame_state(email_frame(page))
    assert "Thanks for your order" in str(english["text"])
    assert "Thanks for your order" in page.locator(".mm-inbox__subject:visible").inner_text()

    choose(page, "Dark")
    page.wait_for_function(
        f"() => document.querySelector('{EMAIL_FRAME}').src.endsWith('-dark.html')"
    )
    dark = frame_state(email_frame(page))
    assert dark["text"] == english["text"]
    assert dark["background"] != english["background"]

    choose(page, "Mobile 375 px")
    page.wait_for_function(
        f"() => document.querySelector('{EMAIL_FRAME}').getAttribute('width') === '375'"
    )
    mobile = frame_state(email_frame(page))
    assert mobile["width"] == 375

    choose(page, "Missing data")
    page.wait_for_function(
        f"() => document.querySelector('{EMAIL_FRAME}').src.includes('missing-data')"
    )
    missing = frame_state(email_frame(page))
    assert "Mette" not in str(missing["text"]) and "Thanks for your order" in str(missing["text"])
    sandbox = frame.get_attribute("sandbox")
    assert sandbox == ""  # no allow-scripts, no allow-same-origin
    assert guard.failed == [] and not guard.errors


def test_a_moment_zip_downloads_with_its_modules(site: tuple[Page, Guard, Served]) -> None:
    page, guard, served = site
    page.goto(served.url + "catalog/downloads/")
    with page.expect_download() as info:
        page.locator("a[href$='files/order-confirmation.zip']").click()
    saved = info.value.path()
    result = build_catalog(load_project_config(served.project))
    expected = {f"order-confirmation/{n}" for n in result.moments["order-confirmation"].artifacts}
    with zipfile.ZipFile(saved) as archive:
        assert set(archive.namelist()) == expected
        assert "order-confirmation/da/email.html" in expected
        assert b"{{" in archive.read("order-confirmation/da/email.html")  # merge tags (liquid)
    assert guard.failed == []


def copy_only_word(project: Path) -> tuple[str, str]:
    """A word that only one moment's copy uses: not in any title, rationale, spec or doc."""
    result = build_catalog(load_project_config(project))
    elsewhere = [p.read_text(encoding="utf-8") for p in (project / "docs").rglob("*.md")]
    elsewhere += [p.read_text(encoding="utf-8") for p in (project / "moments").glob("*.yml")]
    copies: dict[str, set[str]] = {}
    for mid, built in result.moments.items():
        moment = built.moment
        spec = moment.spec
        assert spec is not None
        elsewhere.append(json.dumps(spec.model_dump(mode="json"), ensure_ascii=False))
        for locale, translation in moment.translations.items():
            elsewhere += [moment.title_in(locale), moment.summary_in(locale), translation.rationale]
        words: set[str] = set()
        for (_locale, _variant, scenario), r in built.previews.items():
            if scenario != "sample":
                continue
            parts = [r.sms or ""]
            if r.email:
                parts += [r.email.subject, r.email.preheader, r.email.text]
            for message in (r.push, r.in_app):
                if message:
                    parts += [message.title, message.body]
            words |= set(re.findall(r"\b[a-z]{9,}\b", " ".join(parts)))
        copies[mid] = words
    haystack = "\n".join(elsewhere).lower()
    for mid in sorted(copies):
        others = set().union(*(w for m, w in copies.items() if m != mid))
        for word in sorted(copies[mid] - others):
            if word not in haystack:
                return word, mid
    raise AssertionError("no word appears only in one moment's copy")


def test_search_finds_a_moment_by_a_word_only_in_its_copy(
    site: tuple[Page, Guard, Served],
) -> None:
    page, guard, served = site
    word, mid = copy_only_word(served.project)
    page.goto(served.url)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(word)
    hit = page.locator(f"a.md-search-result__link[href*='catalog/moments/{mid}/']").first
    hit.wait_for(timeout=10_000)
    hit.click()
    page.wait_for_url(f"**/catalog/moments/{mid}/**")
    assert word in (page.locator("article").text_content() or "").lower()
    assert guard.failed == []


def test_script_in_specs_never_runs(browser: Browser, hostile: Served) -> None:
    context, guard = open_context(browser, hostile, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for path in ("catalog/", "catalog/journey/", "catalog/tracking-plan/", "catalog/tone-of-voice/",
                 "catalog/portfolio/", "catalog/quality/", "catalog/downloads/", MOMENT):  # fmt: skip
        page.goto(hostile.url + path)
        page.wait_for_load_state("load")
    assert XSS_TITLE in page.locator("h1.mm-title").inner_text()
    for label in ("English", "Dark", "Mobile 375 px", "Missing data", "Dansk", "Sample data"):
        choose(page, label)
        email_frame(page)
    copy = " ".join((page.locator("#copy ~ dl").first.text_content() or "").split())
    assert f"Hej {XSS_EXAMPLE}" in copy and XSS_COPY in copy  # shown as text, never run
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("Ordre")  # shows the hostile title
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    links = page.locator("a.md-search-result__link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")  # fmt: skip
    assert any(MOMENT in (link or "") for link in links), links
    page.wait_for_timeout(300)
    context.close()
    assert guard.dialogs == []
    assert not [m for m in guard.console if "mm-xss" in m]
    assert guard.errors == []
    assert not [u for u in guard.requested if u.rstrip("/").endswith("/x")]
    assert guard.outside == []


def test_no_request_leaves_localhost(site: tuple[Page, Guard, Served]) -> None:
    page, guard, served = site
    paths = ["", "catalog/", "catalog/journey/", "catalog/tracking-plan/", "catalog/tone-of-voice/",
             "catalog/portfolio/", "catalog/quality/", "catalog/downloads/",
             "catalog/moments/receipt-page/", "catalog/moments/abandoned-cart/", MOMENT]  # fmt: skip
    for path in paths:
        page.goto(served.url + path)
        page.wait_for_load_state("networkidle")
    for label in ("Dark", "English", "Missing data"):
        choose(page, label)
        email_frame(page)
    assert len(guard.requested) > 30
    assert guard.outside == []
    assert guard.failed == []


def test_screenshots(browser: Browser, example: Served) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def shoot(name: str, path: str, *, width: int = 1280, height: int = 1000,
              scheme: str = "light", setup: tuple[str, ...] = ()) -> None:  # fmt: skip
        context, guard = open_context(browser, example, viewport={"width": width, "height": height},
                                      color_scheme=scheme)  # fmt: skip
        page = context.new_page()
        page.goto(example.url + path)
        page.wait_for_load_state("networkidle")
        for label in setup:
            choose(page, label)
        if page.locator(EMAIL_FRAME).count():
            email_frame(page)
            page.wait_for_timeout(200)
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target))  # the viewport: iframes render, full-page would not
        shots.append(target)
        context.close()
        assert guard.outside == [] and guard.failed == []

    shoot("catalog", "catalog/", height=1400)
    shoot("journey-map", "catalog/journey/", height=1000)
    shoot("moment-light", MOMENT, height=2300)
    shoot("moment-dark", MOMENT, height=2300, scheme="dark", setup=("Dark",))
    shoot("moment-mobile", MOMENT + "#previews", width=390, height=1500,
          setup=("Mobile 375 px",))  # fmt: skip
    shoot("catalog-mobile", "catalog/", width=390, height=1200)
    shoot("portfolio-dark", "catalog/portfolio/", height=1400, scheme="dark")
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def _chart_state(page: Page) -> dict[str, object]:
    state: dict[str, object] = page.evaluate(
        """() => {
            const charts = [...document.querySelectorAll('svg.mm-chart')];
            const first = charts[0];
            const text = first.querySelector('text');
            const box = first.getBoundingClientRect();
            return {
                kpi: document.querySelectorAll('svg.mm-chart-kpi').length,
                experiment: document.querySelectorAll('svg.mm-chart-experiment').length,
                points: first.querySelectorAll('circle').length,
                width: box.width, height: box.height,
                title: first.querySelector('title') ? first.querySelector('title').textContent : '',
                ink: getComputedStyle(text).fill,
                paper: getComputedStyle(document.body).backgroundColor,
                verdict: (document.querySelector('.mm-verdict') || {}).textContent || '',
            };
        }"""
    )
    return state


def test_result_charts_and_verdicts_show_in_light_and_dark(browser: Browser, example: Served) -> None:  # fmt: skip
    seen = {}
    for scheme in ("light", "dark"):
        context, guard = open_context(browser, example, viewport={"width": 1280, "height": 1200},
                                      color_scheme=scheme)  # fmt: skip
        page = context.new_page()
        page.goto(example.url + "catalog/moments/abandoned-cart/")
        page.locator("svg.mm-chart").first.scroll_into_view_if_needed()
        state = _chart_state(page)
        assert state["kpi"] >= 2 and state["experiment"] == 1
        assert int(str(state["points"])) >= 5, "one point per measured period"
        assert float(str(state["width"])) > 300 and float(str(state["height"])) > 150
        assert state["title"], "charts carry a <title> for screen readers"
        assert "B wins" in str(state["verdict"])
        seen[scheme] = state
        if scheme == "dark":
            page.locator("svg.mm-chart").first.screenshot(
                path=str(SCREENSHOTS / "kpi-chart-dark.png")
            )
        page.goto(example.url + "catalog/moments/win-back/")
        verdict = page.locator(".mm-verdict").first.inner_text()
        assert "No difference yet" in verdict and "wins" not in verdict
        context.close()
        assert guard.outside == [] and guard.failed == []
    assert seen["light"]["ink"] != seen["dark"]["ink"], "chart text follows the colour scheme"
    assert seen["light"]["paper"] != seen["dark"]["paper"]
