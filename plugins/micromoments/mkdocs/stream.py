"""Building the moments while MkDocs writes the pages.

MkDocs writes pages one at a time in one process. Building every moment first and writing the
pages afterwards left one core idle for the whole page phase. In a one-off ``mkdocs build`` the
plugin instead builds the site in a thread (the moments themselves on the worker processes,
see :mod:`..parallel`) and each moment page waits only for its own moment. The overview pages,
which list every moment, are written last and wait for the whole build.

The thread only coordinates: it receives finished builds from the workers, records their files
and makes each page's view. The pages are rendered in MkDocs' own thread as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .structure import CatalogSite, MomentView

Start = Callable[[Callable[[CatalogSite], None], Callable[[MomentView], None]], CatalogSite]


class Cancelled(Exception):
    """The build was abandoned (MkDocs failed elsewhere); raised inside the build thread."""


class SiteStream:
    """A site being built in a thread: its catalog as soon as it is read, each moment's view as
    soon as it is built, and the finished site at the end.

    ``start(on_loaded, on_moment)`` builds the site (it is :func:`.site.load_site`). Whatever it
    raises is raised again in the thread that asks for something it could not deliver.
    """

    def __init__(self, start: Start) -> None:
        self._ready = threading.Condition()
        self._site: CatalogSite | None = None
        self._views: dict[str, MomentView] = {}
        self._finished = False
        self._error: BaseException | None = None
        self._cancelled = False
        self.ended = 0.0  # when the build ended (time.perf_counter)
        self._thread = threading.Thread(target=self._run, args=(start,), daemon=True,
                                        name="micromoments-build")  # fmt: skip
        self._thread.start()

    def _run(self, start: Start) -> None:
        try:
            site = start(self._loaded, self._moment)
        except BaseException as error:  # handed to the waiting thread, which raises it
            with self._ready:
                self._error = error
        else:
            with self._ready:
                self._site = site
        finally:
            with self._ready:
                self.ended = time.perf_counter()
                self._finished = True
                self._ready.notify_all()

    def _loaded(self, site: CatalogSite) -> None:
        with self._ready:
            self._site = site
            self._ready.notify_all()

    def _moment(self, view: MomentView) -> None:
        with self._ready:
            if self._cancelled:
                raise Cancelled
            self._views[view.id] = view
            self._ready.notify_all()

    def _wait(self, ready: Callable[[], bool]) -> None:
        with self._ready:
            self._ready.wait_for(lambda: ready() or self._finished)
            if self._error is not None and not ready():
                raise self._error

    def loaded(self) -> CatalogSite:
        """The site once every spec is read (its moments arrive one by one)."""
        self._wait(lambda: self._site is not None)
        assert self._site is not None
        return self._site

    def view(self, moment_id: str) -> MomentView:
        """One moment's view, waiting until it is built."""
        self._wait(lambda: moment_id in self._views)
        return self._views[moment_id]

    def finished(self) -> CatalogSite:
        """The whole site, once every moment is built and the build is wrapped up."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._site is not None
        return self._site

    def cancel(self) -> None:
        """Stop building (at the next moment) and wait for the thread to end."""
        with self._ready:
            self._cancelled = True
        self._thread.join()
