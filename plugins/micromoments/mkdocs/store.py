"""The site's generated files (previews, downloads) on disk, rewritten only when they change.

Holding every preview and download of a large catalog in memory until MkDocs copies it would
take gigabytes; instead each file goes to a folder under ``.cache/micromoments/`` as soon as
its moment is built, and MkDocs copies it from there. Unchanged files keep their modification
time, so ``mkdocs serve --dirty`` copies only what an edit changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


class FileStore:
    """Site path to file, under one root folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # site paths only: a 10,000-moment catalog stores 270,000 files, and a Path object for
        # each took over 100 MB (and a quarter of a second per serve rebuild to make again)
        self.paths: set[str] = set()  # site paths stored by this build
        self.order: list[str] = []  # site paths in the order they were stored
        self.written: set[str] = set()  # site paths whose content changed in this build
        self._pruned: set[str] | None = None  # what the last full prune left on disk
        self._folders: set[Path] = set()  # folders known to exist (a stat call saved per file)
        self._fresh = False  # the store was empty when this build began

    def file(self, site_path: str) -> Path:
        """Where a stored file lies."""
        return self.root / site_path

    def put(self, site_path: str, data: bytes) -> None:
        """Store a file (written only when its content differs from what is there)."""
        target = self.file(site_path)
        try:
            exists = True
            unchanged = target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            exists = unchanged = False
        if not unchanged:
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            if exists:
                # a new file, not the old one rewritten: a published site links the old one,
                # and it must not change if this build fails
                fresh = target.with_name(f".{target.name}.new")
                fresh.write_bytes(data)
                os.replace(fresh, target)
            else:
                target.write_bytes(data)
            self.written.add(site_path)
        self._record(site_path)

    def adopt(self, site_path: str, written: Path) -> None:
        """Store a file already written elsewhere on the same disk (moved in, or dropped when equal)."""
        target = self.file(site_path)
        try:
            same = target.read_bytes() == written.read_bytes()
        except OSError:
            same = False
        if same:
            written.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(written, target)
            self.written.add(site_path)
        self._record(site_path)

    def keep(self, site_path: str, *, check: bool = True) -> bool:
        """Keep a file stored by an earlier build; False when it is gone.

        ``check=False`` trusts the caller (a cached moment whose files this store wrote).
        """
        if check and not os.path.isfile(os.path.join(self.root, site_path)):
            return False
        self._record(site_path)
        return True

    def stamp(self, site_paths: list[str]) -> tuple[tuple[int, int], ...] | None:
        """Size and modification time of each stored file, or None when one is missing.

        Files are rewritten only when their content changes, so an equal stamp means equal files.
        """
        try:
            return tuple(
                (st.st_size, st.st_mtime_ns)
                for st in (os.stat(os.path.join(self.root, p)) for p in site_paths)
            )
        except OSError:
            return None

    def _record(self, site_path: str) -> None:
        if site_path not in self.paths:
            self.order.append(site_path)
            self.paths.add(site_path)

    def clear(self) -> None:
        """Start a new build: nothing stored yet."""
        self.paths.clear()
        self.order.clear()
        self.written.clear()
        self._folders.clear()  # someone may have removed a folder since
        # a build into an empty store leaves nothing stale: prune() need not walk the 270,000
        # files of a 10,000-moment catalog (2 s, after the last moment)
        self._fresh = self._is_empty()

    def _is_empty(self) -> bool:
        try:
            with os.scandir(self.root) as entries:
                return next(entries, None) is None
        except FileNotFoundError:
            return True

    def read(self, site_path: str) -> bytes:
        """The content of a stored file."""
        if site_path not in self.paths:
            raise KeyError(site_path)
        return self.file(site_path).read_bytes()

    def prune(self) -> None:
        """Delete files that this build did not store (moments removed or renamed).

        When this build began with an empty store (a first build) or stored everything the
        last prune left (a serve rebuild after an edit to one moment), nothing can be stale and
        the folder is not walked.
        """
        if not self.root.is_dir():
            return
        if self._fresh or (self._pruned is not None and self.paths >= self._pruned):
            self._pruned = set(self.paths)
            return
        root = str(self.root)
        kept = {os.path.join(root, p) for p in self.paths}
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                path = os.path.join(folder, name)
                if path not in kept and not name.startswith("."):
                    os.unlink(path)
        self._pruned = set(self.paths)

    def publish(
        self, site_dir: Path, *, only_written: bool = False, already: Collection[str] = ()
    ) -> int:
        """Put the stored files into ``site_dir`` (hard links where possible); returns how
        many were (re)placed. Files already there and unchanged are left alone; with
        ``only_written`` (a dirty rebuild of a site published before) just the files this
        build changed are looked at; the files in ``already`` were put there already."""
        names = sorted(self.written) if only_written else self.order
        return self.place(site_dir, [p for p in names if p not in already] if already else names)

    def place(self, site_dir: Path, site_paths: Iterable[str]) -> int:
        """Put the stored ``site_paths`` into ``site_dir``, as :meth:`publish` does."""
        placed = 0
        root, into = str(self.root), str(site_dir)
        folders: set[str] = set()  # made (or found) already: most files share a folder
        for site_path in site_paths:
            source = os.path.join(root, site_path)
            target = os.path.join(into, site_path)
            try:
                stat = os.stat(source)
            except FileNotFoundError:
                continue
            try:
                there = os.stat(target)
                if there.st_ino == stat.st_ino or (
                    there.st_size == stat.st_size and there.st_mtime_ns >= stat.st_mtime_ns
                ):
                    continue
                os.unlink(target)
            except FileNotFoundError:
                folder = os.path.dirname(target)
                if folder not in folders:
                    os.makedirs(folder, exist_ok=True)
                    folders.add(folder)
            try:
                os.link(source, target)
            except OSError:  # another file system: copy
                shutil.copy2(source, target)
            placed += 1
        return placed


class EarlyPublisher:
    """Puts each moment's stored files into the site folder on a thread, as moments finish.

    Publishing every file once the last page was written took the last 0.8 s of a
    1,000-moment build, with both cores otherwise idle. A one-off build publishes each moment's
    files as soon as its page is written (MkDocs has emptied the site folder by then); the
    thread spends its time in system calls, which let the build go on. :meth:`finish` waits
    for it and names what is in place, for :meth:`FileStore.publish` to skip.
    """

    def __init__(self, store: FileStore, site_dir: Path) -> None:
        self.store = store
        self.site_dir = site_dir
        self.sent: set[str] = set()
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="micromoments-publish")
        self._jobs: list[Future[int]] = []

    def send(self, site_paths: Iterable[str]) -> None:
        """Publish these stored files soon."""
        fresh = [p for p in site_paths if p not in self.sent]
        if not fresh:
            return
        self.sent.update(fresh)
        self._jobs.append(self._pool.submit(self.store.place, self.site_dir, fresh))

    def finish(self) -> set[str]:
        """Wait until everything sent is in place (raising what went wrong); what was sent."""
        try:
            for job in self._jobs:
                job.result()
        finally:
            self._pool.shutdown()
        return self.sent

    def cancel(self) -> None:
        """Stop: the build failed and its site folder is being thrown away."""
        self._pool.shutdown(cancel_futures=True)
