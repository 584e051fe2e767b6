"""`mkdocs serve` behaviour, driven in-process the way the serve command drives it.

`mkdocs serve` calls ``on_startup(command="serve")`` once, then for every rebuild loads the
config again and calls ``build(config, serve_url=...)``; plugins that define ``on_startup``
are reused across those loads. These tests do the same on a copy of the example project, which
is faster and more precise than watching a real server reload.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from conftest import REPO
from micromoments.config import load_project_config
from micromoments.load import load_catalog
from micromoments.mkdocs.plugin import MicromomentsPlugin
from test_site_build import override

SERVE_URL = "http://127.0.0.1:8000/"
ORDER = "moments/purchase/order-confirmation.md"


class Server:
    """Records what the plugin asks the live-reload server to watch."""

    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


class Serve:
    """A serve session on a project: rebuild() as the live-reload loop does."""

    def __init__(self, project: Path, site: Path, *, dirty: bool = False) -> None:
        self.project = project
        self.site = site
        self.dirty = dirty
        first = self.config()
        first.plugins.on_startup(command="serve", dirty=dirty)
        self.plugin = self.plugin_of(first)
        self.first: MkDocsConfig | None = first

    def config(self) -> MkDocsConfig:
        # `make serve` runs --no-strict: MkDocs warns about every --dirty build
        strict = False if self.dirty else None
        return load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site),
                           strict=strict)  # fmt: skip

    @staticmethod
    def plugin_of(config: MkDocsConfig) -> MicromomentsPlugin:
        found = config.plugins["micromoments"]
        assert isinstance(found, MicromomentsPlugin)
        return found

    def rebuild(self) -> MkDocsConfig:
        config, self.first = (self.first or self.config()), None
        assert self.plugin_of(config) is self.plugin  # the same instance across rebuilds
        config.site_url = SERVE_URL
        build(config, serve_url=SERVE_URL, dirty=self.dirty)
        return config

    def page(self, path: str) -> str:
        return (self.site / path / "index.html").read_text(encoding="utf-8")

    def close(self) -> None:
        self.plugin.on_shutdown()


def copy_example(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for part in ("mkdocs.yml", "docs", "moments", "templates", "results"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            shutil.copy2(source, project / part)
    return project


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    session = Serve(copy_example(tmp_path), tmp_path / "site")
    yield session
    session.close()


@pytest.fixture
def dirty_serve(tmp_path: Path) -> Iterator[Serve]:
    session = Serve(copy_example(tmp_path), tmp_path / "site", dirty=True)
    yield session
    session.close()


def _stamps(serve: Serve, pages: list[str]) -> dict[str, int]:
    return {p: (serve.site / p / "index.html").stat().st_mtime_ns for p in pages}


def test_dirty_serve_rebuilds_only_the_pages_an_edit_changes(dirty_serve: Serve) -> None:
    serve = dirty_serve
    pages = ["catalog/moments/order-confirmation", "catalog/moments/return-label", "catalog",
             "catalog/journey", "catalog/downloads"]  # fmt: skip
    serve.rebuild()
    before = _stamps(serve, pages)
    spec = serve.project / ORDER
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("Hvor kunden er", "Hvor kunden står", 1), encoding="utf-8")
    serve.rebuild()  # a copy edit: the moment's page (and the downloads' sizes) only
    after = _stamps(serve, pages)
    changed = {p for p in pages if after[p] != before[p]}
    assert changed == {"catalog/moments/order-confirmation", "catalog/downloads"}
    assert "Hvor kunden står" in serve.page("catalog/moments/order-confirmation")
    spec.write_text(text.replace("status: live", "status: ready", 1), encoding="utf-8")
    serve.rebuild()  # a front-matter edit: the lists show it too
    again = _stamps(serve, pages)
    assert (
        again["catalog"] != after["catalog"]
        and again["catalog/journey"] != after["catalog/journey"]
    )
    assert again["catalog/moments/return-label"] == before["catalog/moments/return-label"]


def test_editing_one_moment_renders_only_that_moment(serve: Serve) -> None:
    serve.rebuild()
    cache = serve.plugin.cache
    moments = len(cache.entries)
    assert moments == 11 and (cache.hits, cache.misses) == (0, 11)
    assert serve.plugin.site is not None
    views = {v.id: v for v in serve.plugin.site.moments}
    spec = serve.project / ORDER
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "Hvor kunden er", "Hvor kunden står", 1), encoding="utf-8")  # fmt: skip
    serve.rebuild()
    assert (cache.hits, cache.misses) == (10, 12)
    # the page data of the ten reused builds is reused too; the edited moment's is new
    again = {v.id: v for v in serve.plugin.site.moments}
    assert [i for i in views if again[i] is not views[i]] == ["order-confirmation"]
    assert len(serve.plugin.view_cache) == moments
    assert "Hvor kunden står" in serve.page("catalog/moments/order-confirmation")
    config = serve.rebuild()  # nothing changed: everything comes from the cache
    assert (cache.hits, cache.misses) == (21, 12)
    assert len(cache.entries) == moments
    # and the server is told to watch what the moments are built from
    server = Server()
    returned: Any = serve.plugin.on_serve(server, config=config, builder=lambda: None)
    assert returned is server
    watched = {Path(p) for p in server.watched}
    assert {serve.project / "moments", serve.project / "templates",
            serve.project / "results"} <= watched  # fmt: skip


def test_a_broken_moment_shows_its_problems_while_the_rest_stays_up(serve: Serve) -> None:
    spec = serve.project / ORDER
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("status: live", "status: [live", 1), encoding="utf-8")
    found = load_catalog(load_project_config(serve.project)).report.for_moment("order-confirmation")
    where = next(d.location() for d in found if d.rule == "MM010")
    assert where.startswith(f"{ORDER}:")
    serve.rebuild()  # no exception: serve keeps going
    broken = serve.page("catalog/moments/order-confirmation")
    assert "This moment has errors" in broken
    assert "MM010" in broken and where in broken
    catalog = serve.page("catalog")
    assert len(re.findall(r"data-mm-card(?=[\s>])", catalog)) == 11
    assert "mm-quality--error" in catalog
    other = serve.page("catalog/moments/return-label")
    assert "data-mm-frame" in other and "This moment has errors" not in other
    spec.write_text(text, encoding="utf-8")  # fixed again: the page recovers
    serve.rebuild()
    assert "This moment has errors" not in serve.page("catalog/moments/order-confirmation")


def test_serve_keeps_the_catalog_zip_it_has_and_builds_one_when_missing(serve: Serve) -> None:
    serve.rebuild()
    stored = serve.project / ".cache/micromoments/site/catalog/files/micromoments-modules.zip"
    first = stored.read_bytes()
    text = "order-confirmation/da/email.txt"
    with zipfile.ZipFile(stored) as zipped:
        assert "catalog.json" in zipped.namelist() and zipped.testzip() is None
        assert "### Tak for din bestilling" not in zipped.read(text).decode()
    spec = serve.project / ORDER
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "### Tak for din ordre", "### Tak for din bestilling", 1), encoding="utf-8")  # fmt: skip
    serve.rebuild()  # an edit: the zip is left as the last build made it
    assert stored.read_bytes() == first
    assert (serve.site / "catalog/files/micromoments-modules.zip").read_bytes() == first
    stored.unlink()
    serve.rebuild()  # gone: built again, whole, with the edit in it
    with zipfile.ZipFile(stored) as zipped:
        assert zipped.testzip() is None
        assert "Tak for din bestilling" in zipped.read(text).decode()
    assert (serve.site / "catalog/files/micromoments-modules.zip").read_bytes() == (
        stored.read_bytes()
    )


def test_rebuilds_reuse_compiled_templates_and_leave_collection_until_after(serve: Serve) -> None:
    serve.plugin.collector.delay = 60  # the collection after a rebuild stays pending here
    serve.rebuild()
    assert gc.isenabled()  # the first, full build collects as usual
    assert serve.plugin.compiled.compiled  # the theme's templates were kept compiled
    compiled = dict(serve.plugin.compiled.compiled)
    serve.rebuild()
    assert not gc.isenabled()  # paused for the rebuild, collection still to come
    assert serve.plugin.compiled.compiled == compiled  # nothing compiled again
    serve.close()
    assert gc.isenabled()


def test_an_edited_template_override_shows_in_the_next_rebuild(serve: Serve) -> None:
    """While serving, one template environment lives across rebuilds and must see edits."""
    card = "fragments/card.html"
    override(
        serve.project, card, '<article class="team-card" data-mm-card>{{ view.title }}</article>\n'
    )
    serve.first = None  # read the edited mkdocs.yml
    serve.rebuild()
    assert serve.page("catalog").count('class="team-card"') == 11
    edited = override(
        serve.project, card, '<article class="ops-card" data-mm-card>{{ view.title }}</article>\n'
    )
    later = edited.stat().st_mtime + 5  # a new modification time, however coarse the clock
    os.utime(edited, (later, later))
    serve.rebuild()
    html = serve.page("catalog")
    assert html.count('class="ops-card"') == 11
    assert 'class="team-card"' not in html


def _search_locations(serve: Serve) -> list[str]:
    index = json.loads((serve.site / "search/search_index.json").read_text(encoding="utf-8"))
    return [entry["location"] for entry in index["docs"]]


def test_a_dirty_rebuild_keeps_one_search_entry_per_section(dirty_serve: Serve) -> None:
    serve = dirty_serve
    serve.rebuild()
    before = _search_locations(serve)
    spec = serve.project / ORDER
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("status: live", "status: ready", 1), encoding="utf-8")
    serve.rebuild()  # the moment's page and the overview pages that list it
    after = _search_locations(serve)
    assert len(after) == len(set(after))  # no section twice
    assert sorted(after) == sorted(before)  # and none lost
