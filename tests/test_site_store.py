"""The file store behind previews and downloads, and the serve-time template cache."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from micromoments.mkdocs.renderer import MemoryBytecodeCache
from micromoments.mkdocs.store import EarlyPublisher, FileStore


def _build(store: FileStore, files: dict[str, bytes]) -> None:
    store.clear()
    for path, data in files.items():
        store.put(path, data)
    store.prune()


def test_files_a_build_no_longer_stores_are_pruned(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    _build(store, {"a/one.html": b"1", "a/two.html": b"2"})
    _build(store, {"a/one.html": b"1"})
    assert (tmp_path / "store/a/one.html").read_bytes() == b"1"
    assert not (tmp_path / "store/a/two.html").exists()


def test_a_build_that_keeps_everything_changes_only_what_it_wrote(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    _build(store, {"one.html": b"1", "two.html": b"2"})
    store.clear()
    store.keep("one.html", check=False)
    store.put("two.html", b"22")
    store.put("three.html", b"3")
    store.prune()
    assert store.written == {"two.html", "three.html"}
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == [
        "one.html",
        "three.html",
        "two.html",
    ]
    # and the file added by the skipped prune is still pruned once a build drops it
    _build(store, {"one.html": b"1", "two.html": b"22"})
    assert not (tmp_path / "store/three.html").exists()


def test_files_left_by_an_earlier_process_are_pruned_on_the_first_build(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store/stale.html").write_bytes(b"old")
    _build(FileStore(tmp_path / "store"), {"fresh.html": b"new"})
    assert not (tmp_path / "store/stale.html").exists()


def test_a_store_that_starts_empty_is_not_walked_for_stale_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[object] = []
    monkeypatch.setattr("micromoments.mkdocs.store.os.walk", lambda *a: walked.append(a) or [])
    _build(FileStore(tmp_path / "store"), {"a/one.html": b"1"})
    assert walked == []
    (tmp_path / "other").mkdir()
    _build(FileStore(tmp_path / "other"), {"a/one.html": b"1"})  # empty folder: the same
    assert walked == []
    _build(FileStore(tmp_path / "store"), {"a/two.html": b"2"})  # files from another process
    assert walked


def test_files_of_a_failed_first_build_are_pruned_by_the_next(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    store.clear()
    store.put("gone.html", b"from a build that failed before pruning")
    _build(store, {"kept.html": b"1"})
    assert sorted(p.name for p in store.root.iterdir()) == ["kept.html"]


def test_keep_reports_a_missing_file(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    assert store.keep("gone.html") is False
    assert "gone.html" not in store.paths


def test_files_published_early_are_not_placed_again(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    _build(store, {"m/a/one.html": b"1", "m/b/two.html": b"2", "catalog.json": b"{}"})
    site = tmp_path / "site"
    early = EarlyPublisher(store, site)
    early.send(["m/a/one.html", "m/b/two.html"])
    early.send(["m/a/one.html"])  # sent twice: placed once
    assert early.finish() == {"m/a/one.html", "m/b/two.html"}
    assert (site / "m/b/two.html").read_bytes() == b"2"
    # hard links: the very stored file, not a copy
    assert (site / "m/a/one.html").stat().st_ino == (store.root / "m/a/one.html").stat().st_ino
    assert store.publish(site, already=early.sent) == 1  # only catalog.json was left
    assert (site / "catalog.json").read_bytes() == b"{}"


def test_an_early_publisher_reports_what_went_wrong(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    _build(store, {"m/one.html": b"1"})
    (tmp_path / "site").write_text("a file where the site folder should be")
    early = EarlyPublisher(store, tmp_path / "site")
    early.send(["m/one.html"])
    with pytest.raises(NotADirectoryError):
        early.finish()


def test_compiled_templates_are_reused_across_environments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = MemoryBytecodeCache()
    sources = {"page.html": "Hello {{ name }}"}

    def environment() -> jinja2.Environment:
        return jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=cache)

    assert environment().get_template("page.html").render(name="A") == "Hello A"
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return original(self, source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    assert environment().get_template("page.html").render(name="B") == "Hello B"
    assert compiled == []  # taken from the cache
    sources["page.html"] = "Goodbye {{ name }}"
    assert environment().get_template("page.html").render(name="C") == "Goodbye C"
    assert compiled == ["Goodbye {{ name }}"]  # an edited template is compiled again
