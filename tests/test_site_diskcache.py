"""The build cache on disk: a second build reuses every unchanged moment and writes the same site."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from micromoments import diskcache
from test_site_build import ORDER, build_site, copy_project, edit, snapshot

REUSED = re.compile(r"(\d+) moments loaded, rendered and checked in [\d.]+ s"
                    r"(?: \((\d+) reused from the build cache\))?")  # fmt: skip


def built(
    project: Path, site: Path, caplog: pytest.LogCaptureFixture, *, strict: bool = True
) -> tuple[int, int]:
    """Build with mkdocs; (moments, of which reused from the cache) from the closing log line."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        build_site(project, site, strict=strict)
    found = REUSED.findall(caplog.text)
    assert found, caplog.text[-2000:]
    moments, reused = found[-1]
    return int(moments), int(reused or 0)


def cold_build(
    project: Path, changed: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> dict[str, str]:
    """The site of a fresh copy of the example with ``project``'s version of ``changed``."""
    cold = copy_project(tmp_path / "cold-project")
    (cold / changed).write_bytes((project / changed).read_bytes())
    built(cold, tmp_path / "cold", caplog)
    return snapshot(tmp_path / "cold")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_second_build_reuses_every_moment_and_writes_the_same_site(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    moments, reused = built(project, tmp_path / "one", caplog)
    assert moments >= 10 and reused == 0
    assert (project / ".cache" / "micromoments" / "builds.sqlite").is_file()
    assert built(project, tmp_path / "two", caplog) == (moments, moments)
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert any("/_assets/" in path for path in one)  # preview images are part of the site
    assert one == two


def test_an_edited_moment_is_built_again_and_the_site_matches_a_cold_build(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    moments, _ = built(project, tmp_path / "warm-up", caplog)
    edit(project / ORDER, lambda text: text.replace("Tak for", "Mange tak for", 1))
    assert built(project, tmp_path / "warm", caplog) == (moments, moments - 1)
    assert snapshot(tmp_path / "warm") == cold_build(project, ORDER, tmp_path, caplog)


def test_a_moment_whose_stored_files_changed_is_built_again(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A build that stopped after writing a moment's new files but before saving the cache
    leaves an entry whose files no longer match; reusing it would show the wrong previews."""
    moments, _ = built(project, tmp_path / "one", caplog)
    first = snapshot(tmp_path / "one")  # before the edit below, which reaches it by a hard link
    store = project / ".cache" / "micromoments" / "site"
    preview = next(store.glob("catalog/previews/order-confirmation/email-da-sample-light.html"))
    good = preview.read_bytes()
    preview.write_bytes(good.replace(b"<body", b"<body data-stale", 1))
    assert built(project, tmp_path / "two", caplog) == (moments, moments - 1)
    assert preview.read_bytes() == good
    assert first == snapshot(tmp_path / "two")


def test_a_damaged_cache_file_costs_a_cold_build_not_the_build(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    moments, _ = built(project, tmp_path / "one", caplog)
    (project / ".cache" / "micromoments" / "builds.sqlite").write_bytes(b"not a database" * 100)
    assert built(project, tmp_path / "two", caplog) == (moments, 0)
    assert built(project, tmp_path / "three", caplog) == (moments, moments)  # and it heals
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "three")


def test_another_version_of_micromoments_starts_from_an_empty_cache(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments, _ = built(project, tmp_path / "one", caplog)
    monkeypatch.setattr(diskcache, "_CODE", "a-later-version")
    assert built(project, tmp_path / "two", caplog) == (moments, 0)


def test_cache_false_builds_everything_every_time(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edit(project / "mkdocs.yml",
         lambda text: text.replace("      dialect: liquid", "      dialect: liquid\n      cache: false", 1))  # fmt: skip
    moments, _ = built(project, tmp_path / "one", caplog)
    assert built(project, tmp_path / "two", caplog) == (moments, 0)
    assert not (project / ".cache" / "micromoments" / "builds.sqlite").exists()


def test_serve_starts_from_the_last_build_and_keeps_preview_images_on_every_rebuild(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from test_site_serve import Serve

    moments, _ = built(project, tmp_path / "built", caplog)
    session = Serve(project, tmp_path / "served")
    try:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            session.rebuild()
        assert REUSED.findall(caplog.text)[-1] == (str(moments), str(moments))
        images = {p for p in snapshot(tmp_path / "served") if "/_assets/" in p}
        assert images
        edit(project / "docs" / "index.md", lambda text: text + "\nOne more line.\n")
        session.rebuild()  # every moment reused; MkDocs empties the site folder first
        assert {p for p in snapshot(tmp_path / "served") if "/_assets/" in p} == images
    finally:
        session.close()


def test_the_code_fingerprint_follows_the_libraries_a_build_uses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diskcache, "_CODE", None)
    now = diskcache.code_fingerprint()
    real = diskcache.metadata.version

    def newer_mrml(name: str) -> str:
        return "0.2.99" if name == "mrml" else real(name)

    monkeypatch.setattr(diskcache, "_CODE", None)
    monkeypatch.setattr(diskcache.metadata, "version", newer_mrml)
    assert diskcache.code_fingerprint() != now


def test_a_brand_edit_builds_every_moment_again_from_specs_read_back(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The brand is part of every build's key but not of a spec's: the specs come back from the
    cache file, every moment is built again, and the site equals a cold build's."""
    from micromoments.load import loader

    moments, _ = built(project, tmp_path / "one", caplog)
    brand = "templates/email/brand.yml"
    edit(project / brand, lambda text: text.replace('primary: "#2f5d3a"', 'primary: "#2f5d3b"', 1))
    calls: list[object] = []
    real = loader.load_moment

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_moment", counting)
    assert built(project, tmp_path / "two", caplog) == (moments, 0)
    assert calls == []  # the example is small enough to load in this process: none was loaded
    monkeypatch.undo()
    assert snapshot(tmp_path / "two") == cold_build(project, brand, tmp_path, caplog)


def test_a_cache_that_cannot_be_written_costs_speed_not_the_build(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = project / ".cache" / "micromoments" / "builds.sqlite"
    cache.mkdir(parents=True)  # a folder where the file should be: SQLite cannot open it
    moments, _ = built(project, tmp_path / "one", caplog, strict=False)
    warned = [r for r in caplog.records if "could not save the build cache" in r.getMessage()]
    assert [(r.name, r.levelname) for r in warned] == [("mkdocs.plugins.micromoments", "WARNING")]
    assert str(cache) in warned[0].getMessage()
    assert "Traceback" not in caplog.text
    assert built(project, tmp_path / "two", caplog, strict=False) == (moments, 0)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_under_strict_an_unsaved_cache_fails_the_build_and_keeps_the_last_good_site(
    project: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The core logs without mkdocs; its warnings still count as MkDocs' own under --strict."""
    site = tmp_path / "site"
    built(project, site, caplog)
    before = snapshot(site)
    edit(project / ORDER, lambda text: text.replace("Tak for", "Mange tak for", 1))
    shutil.rmtree(project / ".cache" / "micromoments")
    (project / ".cache" / "micromoments" / "builds.sqlite").mkdir(parents=True)
    caplog.clear()
    with pytest.raises(Abort, match="strict"):
        build_site(project, site)
    assert "could not save the build cache" in caplog.text
    assert snapshot(site) == before
    assert logging.getLogger("micromoments").handlers == []  # the bridge is gone after the build


def test_a_site_built_by_worker_processes_equals_one_built_in_one_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers write each moment's previews and downloads themselves; nothing may differ."""
    from micromoments import parallel

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # the example is small: use workers anyway
    started: list[int] = []
    real_pool = parallel._Pool.__init__

    def counting(self: parallel._Pool, workers: int) -> None:
        started.append(workers)
        real_pool(self, workers)

    monkeypatch.setattr(parallel._Pool, "__init__", counting)
    monkeypatch.setenv("MICROMOMENTS_JOBS", "2")
    built(copy_project(tmp_path / "two-workers"), tmp_path / "workers", caplog)
    assert started == [2]
    monkeypatch.setenv("MICROMOMENTS_JOBS", "1")
    built(copy_project(tmp_path / "one-process"), tmp_path / "alone", caplog)
    assert started == [2]
    workers, alone = snapshot(tmp_path / "workers"), snapshot(tmp_path / "alone")
    assert any("/previews/" in path for path in workers)
    assert any("/_assets/" in path for path in workers)
    assert workers == alone
