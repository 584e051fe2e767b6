"""File events for ``mkdocs serve``: told by the operating system instead of found by polling.

MkDocs 1.6 finds changes by taking a snapshot of every watched folder every half second. On a
catalog of a thousand moments that is two thousand ``stat`` calls per snapshot, and a saved
edit waits a quarter of a second on average (up to half a second) before the rebuild starts.
:class:`HybridObserver` takes the operating system's events for folders (inotify on Linux,
FSEvents on macOS, ReadDirectoryChangesW on Windows): the rebuild starts as soon as the file is
written. Single files (``mkdocs.yml``) stay polled, because an editor that saves by renaming a
new file over the old one would leave a native watch on the old, deleted file.

Where native events do not arrive (some network shares and container volume mounts), set
``serve_watcher: polling`` to keep MkDocs' own watcher; and if the native observer cannot start
(the system's limit of watches is used up, say), the folders fall back to polling with a warning.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from .logbridge import PLUGIN

log = PLUGIN  # MkDocs shows and counts what its plugin loggers say

POLLING_INTERVAL = 0.5  # seconds, as MkDocs polls

# Changes only. inotify also reports every file the build itself opens and reads; passed on,
# each rebuild would start the next one.
CHANGES: list[type[FileSystemEvent]] = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent,
                                        FileMovedEvent, FileClosedEvent]  # fmt: skip


class HybridObserver:
    """Native events for folders, polling for single files; the interface MkDocs' server uses.

    Both observers start with :meth:`start`. Should the native one fail to start, its folders
    are handed to the polling one, so the server always watches everything it was asked to.
    """

    def __init__(self, native: BaseObserver | None = None,
                 polling: BaseObserver | None = None) -> None:  # fmt: skip
        self.native = native if native is not None else Observer()
        self.polling = polling if polling is not None else PollingObserver(timeout=POLLING_INTERVAL)
        # the handle given out -> the observer watching, its own handle, and the handler
        self._scheduled: dict[
            ObservedWatch, tuple[BaseObserver, ObservedWatch, FileSystemEventHandler]
        ] = {}

    def schedule(self, handler: FileSystemEventHandler, path: str, *,
                 recursive: bool = False) -> ObservedWatch:  # fmt: skip
        """Watch ``path``: natively when it is a folder, by polling otherwise."""
        observer = self.native if os.path.isdir(path) else self.polling
        watch = observer.schedule(handler, path, recursive=recursive, event_filter=CHANGES)
        self._scheduled[watch] = (observer, watch, handler)
        return watch

    def unschedule(self, watch: ObservedWatch) -> None:
        """Stop watching what :meth:`schedule` returned ``watch`` for."""
        observer, actual, _handler = self._scheduled.pop(watch)
        observer.unschedule(actual)

    def start(self) -> None:
        """Start watching; folders fall back to polling when native events cannot start."""
        try:
            self.native.start()
        except OSError as error:
            log.warning(f"micromoments: file events unavailable ({error}); polling instead")
            self._poll_instead()
        self.polling.start()

    def _poll_instead(self) -> None:
        with contextlib.suppress(Exception):  # a half-started observer; it is dropped anyway
            self.native.stop()
        for handle, (observer, actual, handler) in list(self._scheduled.items()):
            if observer is self.native:
                moved = self.polling.schedule(
                    handler, actual.path, recursive=actual.is_recursive, event_filter=CHANGES
                )
                self._scheduled[handle] = (self.polling, moved, handler)
        self.native = self.polling

    def stop(self) -> None:
        """Stop both observers."""
        for observer in {self.native, self.polling}:
            if observer.is_alive():
                observer.stop()

    def join(self, timeout: float | None = None) -> None:
        """Wait for both observers to end."""
        for observer in {self.native, self.polling}:
            if observer.is_alive():
                observer.join(timeout)

    def is_alive(self) -> bool:
        """True while either observer runs."""
        return self.native.is_alive() or self.polling.is_alive()


def use_native_events(server: Any) -> bool:
    """Give MkDocs' live-reload ``server`` a :class:`HybridObserver`, keeping what it watches.

    MkDocs has no setting for its watcher, so this reaches into two private dicts of
    ``LiveReloadServer`` (what is watched, and the watch handles). When they are not there, as
    in a future MkDocs that changed them, nothing is touched and False is returned.
    """
    counts = getattr(server, "_watched_paths", None)
    refs = getattr(server, "_watch_refs", None)
    old = getattr(server, "observer", None)
    if not isinstance(counts, dict) or not isinstance(refs, dict) or old is None:
        return False
    if isinstance(old, HybridObserver) or old.is_alive():
        return isinstance(old, HybridObserver)
    watched = dict(counts)
    for path in list(refs):
        old.unschedule(refs.pop(path))
    counts.clear()
    server.observer = HybridObserver()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)
    return True
