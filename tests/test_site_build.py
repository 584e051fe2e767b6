"""The catalog site built through MkDocs' Python API, as `make build` does (strict).

One copy of the example project is built once per module; tests that need a different project
(a broken moment, a warning, a template override, hostile text) copy it again and build that.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from conftest import REPO
from micromoments.build import build_catalog
from micromoments.config import load_project_config
from micromoments.mkdocs import layout
from micromoments.mkdocs.plugin import TEMPLATES
from micromoments.mkdocs.store import FileStore
from micromoments.mkdocs.tracking import slugify
from search_helpers import fast_path_matches_material

PROJECT_PARTS = ("mkdocs.yml", "docs", "moments", "templates", "results")
OVERVIEW = ("catalog", "catalog/journey", "catalog/tracking-plan", "catalog/tone-of-voice",
            "catalog/portfolio", "catalog/quality", "catalog/downloads")  # fmt: skip
ORDER = "moments/purchase/order-confirmation.md"
CARD = re.compile(r"data-mm-card(?=[\s>])")


def copy_project(target: Path) -> Path:
    """A copy of the example project (never build into the repository itself)."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def build_site(project: Path, site: Path, *, strict: bool = True) -> None:
    """`mkdocs build` of ``project`` into ``site``, as the command line runs it."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a file through ``change``, failing if it changes nothing."""
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, f"the edit did not change {path}"
    path.write_text(after, encoding="utf-8")


def override(project: Path, template: str, text: str) -> Path:
    """Write ``text`` as the project's override of ``micromoments/<template>`` (in a
    ``custom_dir`` that mkdocs.yml is switched to the first time)."""
    path = project / "overrides" / "micromoments" / template
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    mkdocs_yml = project / "mkdocs.yml"
    if "custom_dir: overrides" not in mkdocs_yml.read_text(encoding="utf-8"):
        edit(mkdocs_yml, lambda t: t.replace("  name: material\n",
                                             "  name: material\n  custom_dir: overrides\n"))  # fmt: skip
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` with the sha256 of its content."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def page(site: Path, path: str) -> str:
    """The HTML of the page at URL path ``path`` (directory URLs)."""
    return (site / path / "index.html").read_text(encoding="utf-8")


class Links(HTMLParser):
    """Every href and src of a page, and the text of one element."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.urls.append(value)


def primary_nav(html: str) -> str:
    """The site navigation (sidebar) of a material page."""
    start = html.index("md-nav--primary")
    return html[start : html.index('<div class="md-sidebar md-sidebar--secondary"', start)]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(project, site) of the example, built once under --strict."""
    root = tmp_path_factory.mktemp("example")
    project = copy_project(root / "project")
    site = root / "site"
    build_site(project, site)
    return project, site


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the example project to change."""
    return copy_project(tmp_path / "project")


def test_every_page_is_built(example: tuple[Path, Path]) -> None:
    project, site = example
    catalog = load_project_config(project)
    ids = sorted(build_catalog(catalog).moments)
    assert len(ids) == 11
    for path in OVERVIEW:
        assert 'class="md-content"' in page(site, path), path
    for mid in ids:
        html = page(site, f"catalog/moments/{mid}")
        assert f'id="{mid}"' in html
    catalog = page(site, "catalog")
    assert len(CARD.findall(catalog)) == len(ids)
    assert "data-mm-card hidden" not in catalog  # without JavaScript every card shows
    order = page(site, "catalog/moments/order-confirmation")
    assert '<span class="md-tag">transaktionel</span>' in order  # material's tags plugin
    assert "<title>Ordrebekræftelse - " in order


def test_moment_pages_stay_out_of_the_nav(example: tuple[Path, Path]) -> None:
    _project, site = example
    for path in ("", "catalog", "catalog/moments/order-confirmation"):
        nav = primary_nav(page(site, path))
        assert "moments/order-confirmation" not in nav
        for overview in ("journey/", "tracking-plan/", "quality/", "downloads/"):
            assert overview in nav, (path, overview)


def test_every_link_in_the_catalog_resolves(example: tuple[Path, Path]) -> None:
    _project, site = example
    checked = 0
    for html_file in sorted((site / "catalog").rglob("index.html")):
        parser = Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("#", "mailto:", "//")):
                continue
            target = (html_file.parent / unquote(parts.path)).resolve()
            if parts.path == "" or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{html_file.relative_to(site)} links to missing {url}"
            checked += 1
    assert checked > 500


def test_downloads_hold_every_module(example: tuple[Path, Path]) -> None:
    project, site = example
    result = build_catalog(load_project_config(project))
    files = site / layout.download("")
    with zipfile.ZipFile(files / "micromoments-modules.zip") as everything:
        names = set(everything.namelist())
    assert "catalog.json" in names
    for mid, built in result.moments.items():
        expected = {f"{mid}/{name}" for name in built.artifacts}
        assert any(name.endswith("manifest.json") for name in expected), mid
        assert expected <= names, mid
        with zipfile.ZipFile(files / f"{mid}.zip") as single:
            assert set(single.namelist()) == expected
            for name, data in built.artifacts.items():
                assert single.read(f"{mid}/{name}") == data  # CRC checked as it is read
        for name, data in built.artifacts.items():
            assert (files / mid / name).read_bytes() == data
    catalog = json.loads((files / "catalog.json").read_text(encoding="utf-8"))
    assert catalog == json.loads(result.artifacts["catalog.json"])
    downloads = page(site, "catalog/downloads")
    for mid in result.moments:
        assert f'href="../files/{mid}.zip" download' in downloads


def test_event_schemas_are_draft7_and_accept_the_sample_data(example: tuple[Path, Path]) -> None:
    project, site = example
    result = build_catalog(load_project_config(project))
    events: dict[str, list[str]] = {}
    for mid, built in result.moments.items():
        spec = built.moment.spec
        assert spec is not None
        events.setdefault(spec.trigger.event, []).append(mid)
    assert len(events) >= 8
    for event, moments in events.items():
        path = site / layout.event_schema(slugify(event))
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        jsonschema.Draft7Validator.check_schema(schema)
        validator = jsonschema.Draft7Validator(schema)
        # the event carries what every consuming moment reads
        union: dict[str, object] = {}
        for mid in moments:
            moment = result.moments[mid].moment
            for locale in moment.locale_ids():
                data = moment.data_in(locale)
                union.update({k: d.example for k, d in data.items() if d.example is not None})
        for mid in moments:
            moment = result.moments[mid].moment
            for locale in moment.locale_ids():
                mine = {k: d.example for k, d in moment.data_in(locale).items()
                        if d.example is not None}  # fmt: skip
                payload = {"type": "track", "event": event, "properties": {**union, **mine}}
                errors = [e.message for e in validator.iter_errors(payload)]
                assert not errors, (mid, locale, errors)
        required = schema["properties"]["properties"].get("required", [])
        if required:
            broken = {k: v for k, v in union.items() if k != required[0]}
            assert not validator.is_valid({"event": event, "properties": broken})


def test_previews_are_offline_and_forced_to_their_scheme(example: tuple[Path, Path]) -> None:
    _project, site = example
    folder = site / "catalog/previews/order-confirmation"
    light = (folder / "email-da-sample-light.html").read_text(encoding="utf-8")
    dark = (folder / "email-da-sample-dark.html").read_text(encoding="utf-8")
    for html in (light, dark):
        assert "Content-Security-Policy" in html
        assert "prefers-color-scheme" not in html
        sources = re.findall(r'src="([^"]+)"', html)
        assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
        for source in sources:
            assert (folder / source).resolve().is_file(), source
    # the dark rules (body background) match always in the dark file, never in the light one
    assert re.search(r"@media \(min-width: 0px\) \{\s*body \{ background-color", dark)
    assert re.search(r"@media \(max-width: 0px\) \{\s*body \{ background-color", light)


def test_search_index_holds_the_copy(example: tuple[Path, Path]) -> None:
    _project, site = example
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    entries = [d for d in index["docs"]
               if d["location"].startswith("catalog/moments/order-confirmation/")]  # fmt: skip
    text = " ".join(d["text"] for d in entries)
    # words of the SMS and the English subject, which appear nowhere but in the copy
    assert "ret din mailadresse her" in text
    assert "Thanks for your order 100234" in text
    assert any(d["location"].endswith("#copy") for d in entries)
    # lists of moments are left out of search (they are not even cut into sections); the
    # tracking plan and the tones are searched
    pages = {d["location"].partition("#")[0] for d in index["docs"]}
    assert not pages & {"catalog/", "catalog/journey/", "catalog/portfolio/",
                        "catalog/quality/", "catalog/downloads/"}  # fmt: skip
    assert {"catalog/tracking-plan/", "catalog/tone-of-voice/"} <= pages


def test_search_sections_of_every_page_are_material_s(example: tuple[Path, Path]) -> None:
    """Every built page's content cut into search sections as material's parser cuts it."""
    _project, site = example
    read = 0
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        start, end = html.find("<article"), html.rfind("</article>")
        if start >= 0 and end > start:
            read += fast_path_matches_material(html[start:end])
    assert read >= 20  # the moment pages and the overviews take the fast path


def test_a_failure_to_publish_the_files_is_an_error_that_keeps_the_last_good_site(
    example: tuple[Path, Path],
    project: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _good, built = example
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = snapshot(site)

    def full_disk(self: FileStore, site_dir: Path, site_paths: Iterable[str]) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileStore, "place", full_disk)
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(project, site)
    assert "could not put the previews and downloads" in caplog.text
    assert "No space left on device" in caplog.text
    assert "Traceback" not in caplog.text
    assert snapshot(site) == before


def test_errors_stop_the_build_and_keep_the_last_good_site(
    example: tuple[Path, Path], project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _good, built = example
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = snapshot(site)
    spec = project / ORDER
    edit(spec, lambda t: t.replace("phase: purchase", "phase: purchse", 1))
    line = spec.read_text(encoding="utf-8").splitlines().index("phase: purchse") + 1
    with caplog.at_level(logging.ERROR), pytest.raises(Abort):
        build_site(project, site)
    assert f"{ORDER}:{line}:" in caplog.text
    assert "MM110" in caplog.text
    assert snapshot(site) == before


def test_warnings_fail_strict_but_not_a_normal_build(
    example: tuple[Path, Path], project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _good, built = example
    site = tmp_path / "site"
    shutil.copytree(built, site)
    before = snapshot(site)
    # a variable no copy uses: a warning (MM202)
    edit(
        project / ORDER,
        lambda t: t.replace(
            "\ndata:\n",
            "\ndata:\n  gift_note: {type: string, source: CRM, example: Tak, fallback: ''}\n",
            1,
        ),
    )
    with caplog.at_level(logging.WARNING), pytest.raises(Abort):
        build_site(project, site)
    assert "MM202" in caplog.text and "strict" in caplog.text
    assert snapshot(site) == before
    build_site(project, site, strict=False)
    html = page(site, "catalog/moments/order-confirmation")
    assert "mm-diag--warning" in html and "MM202" in html


def test_templates_in_custom_dir_win(project: Path, tmp_path: Path) -> None:
    override(
        project,
        "fragments/card.html",
        '<article class="team-card" data-mm-card>{{ view.title }}</article>\n',
    )
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    dirs = [Path(d) for d in config.theme.dirs]
    assert dirs[0] == project / "overrides" and dirs[1] == TEMPLATES
    html = page(tmp_path / "site", "catalog")
    assert html.count('class="team-card"') == 11
    assert "mm-card__title" not in html


def test_text_from_specs_is_escaped_everywhere(project: Path, tmp_path: Path) -> None:
    payload = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    edit(project / ORDER, lambda t: t.replace("title: Ordrebekræftelse",
                                              f"title: \"Ordre {payload}\"", 1)
         .replace("Din ordre er modtaget,", f"Din ordre er modtaget {payload},", 1)
         .replace("    example: Mette", f"    example: \"Mette{payload}\"", 1))  # fmt: skip
    site = tmp_path / "site"
    build_site(project, site, strict=False)
    pages = [p for p in site.rglob("*.html") if "/catalog/files/" not in p.as_posix()]
    assert len(pages) > 100
    seen = 0
    for html_file in pages:
        html = html_file.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, html_file
        seen += html.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert seen > 10


def test_a_build_lets_go_of_each_moments_previews_once_its_page_is_written(tmp_path: Path) -> None:
    from micromoments.mkdocs.plugin import MicromomentsPlugin

    project = copy_project(tmp_path / "project")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    plugin = config.plugins["micromoments"]
    assert isinstance(plugin, MicromomentsPlugin)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert plugin.site is not None and len(plugin.site.moments) == 11
    assert all(v.previews == [] and v.built.previews == {} for v in plugin.site.moments)
    page = tmp_path / "site" / "catalog" / "moments" / "order-confirmation" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert 'data-mm-frame="email"' in html and "email-da-sample-light.html" in html
