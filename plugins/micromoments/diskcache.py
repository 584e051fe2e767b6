"""Moment builds kept on disk, so the next build renders and checks only what changed.

A moment's build depends only on its content fingerprint (its spec files, the project's
settings, brand, journey, tones and templates: see :func:`.build.build_catalog`). The
in-memory :class:`~.build.BuildCache` reuses builds across the rebuilds of one
``mkdocs serve``; this one also keeps them in an SQLite file between processes, so a second
``mkdocs build`` (on a laptop, or in CI with ``.cache/`` restored) and the first build of
``mkdocs serve`` reuse the work of the last build.

What is stored is the light build a page needs (texts, sizes, diagnostics, where its files
went), never the files themselves: those are in the site's file store next to it. Each entry
carries a stamp of its files (size and modification time of each), and an entry whose files
were changed or removed since (by a later build of an edited moment, say, or by hand) counts as
a miss. Entries are tied to this version of micromoments, of the libraries it builds with (MRML,
markdown-it, Jinja, pydantic, ...) and of Python; with any other version the cache starts empty.

The file holds pickled Python objects, so like any build cache it must only come from your own
builds: restore ``.cache/`` in CI only from caches that trusted jobs wrote.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
import sqlite3
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .build import BuildCache, MomentBuild
from .load.loader import LoadCache
from .packing import pack, unpack

log = logging.getLogger("micromoments")
PACKAGE = Path(__file__).resolve().parent
_CODE: str | None = None


# The libraries whose work ends up in a moment's build: an upgrade of any of them (a new MRML
# compiles the same MJML differently) must not reuse builds made with the old one.
LIBRARIES = ("mrml", "markdown-it-py", "mdit-py-plugins", "Jinja2", "MarkupSafe", "pydantic",
             "pydantic-core", "PyYAML")  # fmt: skip


def code_fingerprint() -> str:
    """A hash of micromoments' own code and data, the libraries it builds with and the Python
    version (computed once)."""
    global _CODE
    if _CODE is None:
        digest = hashlib.sha256(sys.version.encode())
        for library in LIBRARIES:
            try:
                version = metadata.version(library)
            except metadata.PackageNotFoundError:
                version = "absent"
            digest.update(f"{library}={version}\0".encode())
        for file in sorted(PACKAGE.rglob("*")):
            if file.is_file() and file.suffix != ".pyc":
                digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0")
                digest.update(file.read_bytes())
        _CODE = digest.hexdigest()
    return _CODE


class DiskBuildCache(BuildCache):
    """A :class:`~.build.BuildCache` whose builds also live in an SQLite file.

    ``stamp(build)`` describes the files a build wrote as they are now (None when one is gone);
    a stored build is used only while its stamp is unchanged.
    ``keep_sources`` is False for a one-off build: nothing reports positions after it, so the
    loaded specs may drop their YAML trees (see :func:`.build.build_catalog`).
    """

    def __init__(
        self, path: Path, *, stamp: Callable[[MomentBuild], object], keep_sources: bool = True
    ) -> None:
        super().__init__()
        self.path = path
        self.stamp = stamp
        self.keep_sources = keep_sources
        self._unsaved: Exception | None = None  # why this build's entries cannot be saved
        self._db: sqlite3.Connection | None = None  # open from the first read to the save
        self.loaded: LoadCache = StoredLoads(self)

    def put(self, key: str, built: MomentBuild) -> None:
        """Remember a fresh build and write it into the file's open transaction.

        Written as it arrives rather than when the build ends: the site lets go of a moment's
        previews once its page is written, which may be long before the last moment is built.
        :meth:`keep_only` commits; a build that fails before then keeps none of it.
        """
        super().put(key, built)
        light = copy.copy(built)
        light.release()  # a build that was not streamed still holds its files
        light.moment = None  # type: ignore[assignment]  # attached again when read
        light.changed = []  # what this build rewrote says nothing about a later one
        stamp = self.stamp(light)
        if stamp is None or self._unsaved is not None:
            return
        try:
            data = pack((stamp, light))
            self._connect().execute("INSERT OR REPLACE INTO builds VALUES (?, ?)", (key, data))
        except (sqlite3.Error, OSError) as error:  # reported when the build is saved
            self._unsaved = error

    def keep_only(self, keys: set[str]) -> None:
        """Forget every build not in ``keys``, here and in the file, and save the file."""
        super().keep_only(keys)
        try:
            if self._unsaved is not None:
                raise self._unsaved
            db = self._connect()
            with db:  # commits what put() and the loader wrote, in one transaction
                _keep_only(db, "builds", keys)
                _keep_only(db, "loads", set(self.loaded))  # the specs this build loaded
        except (sqlite3.Error, OSError) as error:  # a read-only or full disk costs speed only
            log.warning(f"micromoments: could not save the build cache {self.path}: {error}")
        finally:
            self._unsaved = None
            self.close()

    def close(self) -> None:
        """Close the file (it is opened again when needed)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _stored(self, key: str) -> MomentBuild | None:
        found = self.fetch("builds", key)
        if found is None:
            return None
        stamp, built = found
        if not isinstance(built, MomentBuild) or stamp != self.stamp(built):
            return None
        return built

    def fetch(self, table: str, key: str) -> tuple[object, object] | None:
        """The pair stored under ``key`` in ``table``; None when absent or unreadable."""
        try:
            row = self._connect().execute(f"SELECT data FROM {table} WHERE key = ?", (key,))
            found = row.fetchone()
            entry = unpack(found[0]) if found is not None else None
        except Exception:  # a damaged or foreign cache file is a miss, never a failed build
            return None
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        return entry[0], entry[1]

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path)
        try:
            _create_tables(db)
            row = db.execute("SELECT value FROM meta WHERE name = 'code'").fetchone()
        except sqlite3.DatabaseError:  # not an SQLite file (damaged): start a new one
            db.close()
            self.path.unlink(missing_ok=True)
            db = sqlite3.connect(self.path)
            _create_tables(db)
            row = None
        if row is None or row[0] != code_fingerprint():
            with db:
                for table in _TABLES:
                    db.execute(f"DELETE FROM {table}")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code_fingerprint(),))
        self._db = db
        return db


_TABLES = ("builds", "loads")  # key -> packed (stamp, light build) / (spec, diagnostics)


def _create_tables(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
    for table in _TABLES:
        db.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, data BLOB)")


def _keep_only(db: sqlite3.Connection, table: str, keys: set[str]) -> None:
    """Delete every row of ``table`` whose key is not in ``keys``."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
    db.execute("DELETE FROM keep")
    db.executemany("INSERT INTO keep VALUES (?)", [(k,) for k in keys])
    db.execute(f"DELETE FROM {table} WHERE key NOT IN (SELECT key FROM keep)")


class StoredLoads(LoadCache):
    """Loaded specs kept in the build cache's file too, read back on first use.

    Each entry is the loader's result as its worker packed it, with the spec's YAML tree: a
    build that reuses the spec but not its build (after a template edit, say) still reports
    positions. Written in the cache's transaction, so only a build that finishes keeps them.
    """

    packed = True

    def __init__(self, owner: DiskBuildCache) -> None:
        super().__init__()
        self.owner = owner

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        entry = self.owner.fetch("loads", key) if isinstance(key, str) else None
        if entry is None:
            return False
        self[key] = entry  # type: ignore[index,assignment]  # a (moment, diagnostics) pair
        return True

    def add_packed(self, key: str, data: bytes) -> None:
        """Store a freshly loaded spec (committed when the build's cache is saved)."""
        with contextlib.suppress(sqlite3.Error, OSError):  # an optimisation: go on without it
            self.owner._connect().execute("INSERT OR REPLACE INTO loads VALUES (?, ?)", (key, data))
