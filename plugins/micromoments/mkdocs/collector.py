"""Python's cyclic garbage collector, run between ``mkdocs serve`` rebuilds instead of during them.

A served catalog keeps millions of objects alive (parsed moments, cached builds, the site), and
every full collection walks all of them: at 1,000 moments the collector took half a second of
each rebuild after an edit. While serving, automatic collection is paused for the length of a
rebuild and one full collection runs shortly after it, while the writer reads the page.
Reference counting still frees almost everything at once; only garbage in reference cycles
waits for the collection.
"""

from __future__ import annotations

import gc
import threading


class IdleCollector:
    """Pauses automatic garbage collection during a rebuild; collects once it is over."""

    def __init__(self, delay: float = 0.5) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._building = False
        self._timer: threading.Timer | None = None
        self._was_enabled = gc.isenabled()
        self._ended = 0  # builds over so far

    def build_started(self) -> None:
        """Called when a rebuild starts: no automatic collection until it is over.

        The first build of a server is a full build that makes and drops far more garbage;
        the collector keeps running through it as usual.
        """
        with self._lock:
            if not self._ended:
                return
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._building:
                self._was_enabled = gc.isenabled() or self._was_enabled
            self._building = True
            gc.disable()

    def build_ended(self) -> None:
        """Called when a rebuild is over (written or failed): collect a moment later."""
        with self._lock:
            self._ended += 1
            if not self._building:
                return
            self._building = False
            self._timer = threading.Timer(self.delay, self._collect)
            self._timer.daemon = True
            self._timer.start()

    def _collect(self) -> None:
        with self._lock:
            if self._building:
                return  # the next rebuild began; it schedules its own collection
            self._timer = None
            gc.collect()
            if self._was_enabled:
                gc.enable()

    def stop(self) -> None:
        """Leave the collector as it was found (the server shuts down)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._building = False
            if self._was_enabled:
                gc.enable()


class YoungOnly:
    """No full collections while a one-off build runs; young objects are collected as usual.

    A build keeps nearly everything it makes until the end (specs, page data, the search
    index), and each full collection walks all of it again: at 10,000 moments 23 of them took
    16 s of the main process, which the workers then waited for. Young garbage (the
    temporaries of each page) is still collected by the first two generations; what survives to
    the oldest one is almost all kept anyway, and is collected once the build is over. Workers
    forked during the build inherit the setting.
    """

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None
        self._frozen = False  # this build's objects were frozen when it ended

    def start(self) -> None:
        """Stop full collections (until :meth:`stop`)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _old = self._saved
            gc.set_threshold(young, middle, 1 << 30)

    def stop(self) -> None:
        """Let full collections run again (the next one comes when they are due)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def finish(self) -> None:
        """The build succeeded: keep its objects out of every later collection, then let full
        collections run again.

        Nothing more happens in ``mkdocs build`` but the process ending, yet the first full
        collection after :meth:`stop`, and the last one as Python exits, walked everything the
        build kept: 14 s after the last word of a 10,000-moment build, 1 to 1.5 s at 1,000.
        Frozen objects are not walked. A later build in the same process (a test suite, a
        program that builds several sites) lets them go again first, see :meth:`thaw`: the
        plugin thaws in ``on_startup`` and ``on_config``, which every build runs.
        """
        gc.freeze()
        self._frozen = True
        self.stop()

    def thaw(self) -> None:
        """Before another build in this process: collect what the last build left frozen."""
        if self._frozen:
            self._frozen = False
            gc.unfreeze()
            gc.collect()
