"""How `mkdocs serve` notices edits: native file events for folders, polling for single files.

The observers here are watchdog's real ones on real folders; the server is MkDocs' real
``LiveReloadServer`` (constructed, not bound to a port) and, in the last test, a real
``mkdocs serve`` process on a copy of the example project.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from bench.serve_latency import add_word, marker_word, serve, wait_for
from micromoments.mkdocs import layout
from micromoments.mkdocs.watcher import HybridObserver, use_native_events
from test_site_serve import ORDER, copy_example


class Recorder(FileSystemEventHandler):
    """Keeps every event it is handed."""

    def __init__(self) -> None:
        self.events: list[FileSystemEvent] = []
        self.arrived = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.events.append(event)
        self.arrived.set()


def eventually(condition: Callable[[], bool], timeout: float = 10) -> bool:
    """True as soon as ``condition`` holds; False if it still does not after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def hybrid() -> Iterator[HybridObserver]:
    observer = HybridObserver()
    yield observer
    observer.stop()
    observer.join(5)


def test_folders_get_native_events_and_single_files_are_polled(
    tmp_path: Path, hybrid: HybridObserver
) -> None:
    folder = tmp_path / "moments"
    folder.mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n")
    in_folder, on_file = Recorder(), Recorder()
    folder_watch = hybrid.schedule(in_folder, str(folder), recursive=True)
    file_watch = hybrid.schedule(on_file, str(config), recursive=True)
    assert folder_watch in hybrid.native._watches  # type: ignore[attr-defined]
    assert file_watch in hybrid.polling._watches  # type: ignore[attr-defined]
    assert not isinstance(hybrid.native, PollingObserver)
    hybrid.start()

    (folder / "a.md").write_text("new\n")
    assert in_folder.arrived.wait(10), "a file written in a watched folder gave no event"
    config.write_text("site_name: y\n")
    assert on_file.arrived.wait(10), "the polled file's change was not seen"

    hybrid.unschedule(folder_watch)
    assert folder_watch not in hybrid.native._watches  # type: ignore[attr-defined]


def test_reading_files_is_not_a_change(tmp_path: Path, hybrid: HybridObserver) -> None:
    """inotify also reports opening and reading; the build reads every spec, and passing those
    on made each rebuild trigger the next one, forever."""
    (tmp_path / "spec.md").write_text("text\n")
    recorder = Recorder()
    hybrid.schedule(recorder, str(tmp_path), recursive=True)
    hybrid.start()
    time.sleep(0.2)  # let the watch settle before reading
    for _ in range(3):
        assert (tmp_path / "spec.md").read_text() == "text\n"
    (tmp_path / "spec.md").write_text("edited\n")
    assert recorder.arrived.wait(10)
    time.sleep(0.3)  # anything else the write causes arrives meanwhile
    kinds = {e.event_type for e in recorder.events}
    assert kinds and kinds <= {"modified", "closed", "created"}, kinds


class NoWatchesLeft(Observer):  # type: ignore[misc,valid-type]
    """The platform's observer on a machine whose inotify watches are used up."""

    def start(self) -> None:
        raise OSError(errno.ENOSPC, "inotify watch limit reached")


def test_folders_fall_back_to_polling_when_native_events_cannot_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    observer = HybridObserver(native=NoWatchesLeft())
    recorder = Recorder()
    handle = observer.schedule(recorder, str(tmp_path), recursive=True)
    try:
        with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.micromoments"):
            observer.start()
        assert "polling instead" in caplog.text and "watch limit" in caplog.text
        assert observer.native is observer.polling and observer.is_alive()
        (tmp_path / "late.md").write_text("x\n")
        assert recorder.arrived.wait(10), "the folder is no longer watched at all"
        observer.unschedule(handle)  # the handle given out before the fallback still works
        assert not observer.polling._watches  # type: ignore[attr-defined]
    finally:
        observer.stop()
        observer.join(5)


def test_the_live_reload_server_keeps_what_it_watched(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0,
                              root=str(tmp_path / "site"))  # fmt: skip
    server.watch(str(docs))
    server.watch(str(docs))  # a plugin asking again: counted, watched once
    server.watch(str(config))
    before = dict(server._watched_paths)

    assert use_native_events(server)
    assert isinstance(server.observer, HybridObserver)
    assert server._watched_paths == before
    assert use_native_events(server)  # a second call changes nothing
    server.observer.start()
    try:
        assert not server._want_rebuild
        (docs / "page.md").write_text("# New\n")
        assert eventually(lambda: server._want_rebuild), "an edit in docs/ did not ask to rebuild"
        server.unwatch(str(docs))
        server.unwatch(str(docs))
        assert str(docs) not in server._watched_paths
    finally:
        server.observer.stop()
        server.observer.join(5)


def test_an_unknown_server_is_left_alone() -> None:
    class Other:
        observer = PollingObserver()

    other = Other()
    assert not use_native_events(other)
    assert isinstance(other.observer, PollingObserver)


@pytest.mark.parametrize("watcher", ["native", "polling"])
def test_a_served_edit_shows_after_exactly_one_rebuild(tmp_path: Path, watcher: str) -> None:
    """A real `mkdocs serve --dirty`: the edit reaches the page, and the server then rests."""
    project = copy_example(tmp_path)
    if watcher == "polling":
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert "  - micromoments:\n" in text
        config.write_text(text.replace("  - micromoments:\n",
                                       "  - micromoments:\n      serve_watcher: polling\n", 1),
                          encoding="utf-8")  # fmt: skip
    spec = project / ORDER
    original = spec.read_text(encoding="utf-8")
    word = marker_word(7)
    with serve(project, startup_timeout=300, log_dir=tmp_path) as server:
        url = server.base_url + layout.moment_page("order-confirmation")[: -len(".md")] + "/"
        assert wait_for(url, "Ordrebekræftelse", timeout=60, poll=0.1, server=server) is not None
        spec.write_text(add_word(original, word), encoding="utf-8")
        shown = wait_for(url, word, timeout=120, poll=0.05, server=server)
        assert shown is not None, server.log()[-3000:]
        time.sleep(2.5)  # a rebuild loop would have started a second and third build by now
        log = server.log()
    assert log.count("Detected file changes") == 1, log[-3000:]
    assert ("polling instead" in log) is False
