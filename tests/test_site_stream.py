"""A one-off `mkdocs build` writes moment pages while later moments are still being built.

The site goes to a staging folder and replaces the real one only when the whole build
succeeded; the overview pages, which list every moment, are written last.
"""

from __future__ import annotations

import gc
import json
import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from micromoments.mkdocs.renderer import Renderer
from test_site_build import build_site, copy_project, edit, override, snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _search_docs(site: Path) -> list[str]:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return sorted(json.dumps(doc, sort_keys=True) for doc in index["docs"])


def _sitemap(site: Path) -> list[str]:
    return sorted(re.findall(r"<loc>(.*?)</loc>", (site / "sitemap.xml").read_text("utf-8")))


def test_a_streamed_build_writes_the_same_site_as_one_that_builds_every_moment_first(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    build_site(project, tmp_path / "streamed")
    # `--dirty` builds every moment before MkDocs writes the first page (as serve does)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "first"),
                         strict=False)  # MkDocs warns about any dirty build  # fmt: skip
    config.plugins.on_startup(command="build", dirty=True)
    try:
        build(config, dirty=True)
    finally:
        config.plugins.on_shutdown()
    streamed, first = snapshot(tmp_path / "streamed"), snapshot(tmp_path / "first")
    # the search index and the sitemap list pages in file order: overview pages come last
    assert _search_docs(tmp_path / "streamed") == _search_docs(tmp_path / "first")
    assert _sitemap(tmp_path / "streamed") == _sitemap(tmp_path / "first")
    for ordered in ("search/search_index.json", "sitemap.xml", "sitemap.xml.gz"):
        assert streamed.pop(ordered) != first.pop(ordered)
    assert len(streamed) > 100 and streamed == first


def test_the_site_folder_is_replaced_only_at_the_end_and_the_config_points_at_it_again(
    project: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "stale.html").write_text("from an older build", encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="build", dirty=False)
    seen: list[str] = []
    real = Renderer.render
    thresholds = gc.get_threshold()

    def watching(self: Renderer, *args: Any, **kwargs: Any) -> str:
        seen.append(config.site_dir)
        assert gc.get_threshold()[2] > thresholds[2]  # no full collections during the build
        assert (site / "stale.html").is_file()  # the old site stays while pages are written
        return real(self, *args, **kwargs)

    Renderer.render = watching  # type: ignore[method-assign]
    try:
        build(config)  # what `mkdocs gh-deploy` runs before it publishes config.site_dir
    finally:
        Renderer.render = real  # type: ignore[method-assign]
        config.plugins.on_shutdown()
    assert seen and all(Path(s).name.startswith(".site.staging-") for s in seen)
    assert all(Path(s).parent == site.parent for s in seen)
    assert Path(config.site_dir) == site
    assert gc.get_threshold() == thresholds
    # what the build kept is left out of collections (the process would only end now) ...
    assert gc.get_freeze_count() > 0
    config.plugins.on_startup(command="build", dirty=False)
    assert gc.get_freeze_count() == 0  # ... and let go before another build in this process
    config.plugins.on_shutdown()
    assert not (site / "stale.html").exists() and (site / "catalog" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


Damage = Callable[[Path], tuple[type[Exception], str, str]]  # raises, with message, and logs


def _break_a_page_template(project: Path) -> tuple[type[Exception], str, str]:
    override(project, "moment.html", "{{ no_such_helper() }}\n")
    return Exception, "no_such_helper", "Error building page"


def _break_the_last_moment(project: Path) -> tuple[type[Exception], str, str]:
    """An error found only after the pages of the moments before it were written."""
    last = sorted((project / "moments").rglob("*.md"))[-1]
    edit(last, lambda t: t.replace("\nphase: ", "\nphase: nowhere-", 1))
    return Abort, "Aborted with a BuildError", "MM110"


def _break_a_link_in_a_docs_page(project: Path) -> tuple[type[Exception], str, str]:
    """A warning of MkDocs itself, which --strict turns into a failure after the last event."""
    with (project / "docs" / "index.md").open("a", encoding="utf-8") as page:
        page.write("\nSee [the old page](no-such-page.md).\n")
    return Abort, "in strict mode", "no-such-page.md"


@pytest.mark.parametrize(
    "damage", [_break_a_page_template, _break_the_last_moment, _break_a_link_in_a_docs_page]
)
def test_a_failed_build_stops_the_moments_and_leaves_the_last_good_site(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: Damage
) -> None:
    site = tmp_path / "site"
    build_site(project, site)
    before = snapshot(site)
    raised, message, logged = damage(project)
    threads, thresholds = threading.active_count(), gc.get_threshold()
    with caplog.at_level(logging.WARNING), pytest.raises(raised, match=message):
        build_site(project, site)
    assert threading.active_count() == threads  # the build thread ended with the build
    assert gc.get_threshold() == thresholds  # full collections are back
    assert logged in caplog.text
    if raised is Abort:  # reported on its own, not as the failure of some page
        assert "Error building page" not in caplog.text
    assert snapshot(site) == before  # its hard-linked previews and downloads too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project", "site"]


def test_a_site_folder_whose_staging_folder_cannot_be_made_is_a_clear_error(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the site folder's parent should be", encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises(Abort, match="BuildError"):
        build_site(project, blocker / "site")
    assert "cannot make a staging folder next to" in caplog.text
    assert f"check that {blocker} is a folder you can write to" in caplog.text
    assert "Traceback" not in caplog.text
    assert blocker.read_text(encoding="utf-8").startswith("a file")
