"""A one-off build's site, written next to the real site folder and put in its place at the end.

MkDocs writes pages into ``site_dir`` as it goes and empties it first. The plugin writes moment
pages while later moments are still being built (see :mod:`.stream`), so a problem found late
would otherwise leave a half-written site. Pointing ``site_dir`` at a staging folder for the
build keeps the last good site in place until the new one is complete:

* an error in a moment, or a failed page, discards the staging folder;
* under ``--strict``, so does any warning MkDocs or a plugin logged, which MkDocs turns into a
  failure only after the last plugin event (plain MkDocs would have replaced the site by then).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..write.atomic import new_staging, swap_in


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class StagedSite:
    """Points ``config.site_dir`` at a fresh folder next to it until :meth:`publish`."""

    def __init__(self, config: MkDocsConfig) -> None:
        self.config = config
        self.site_dir = Path(config.site_dir)
        self.folder = new_staging(self.site_dir)  # next to it: the swap is two renames
        config.site_dir = str(self.folder)
        # the same warnings MkDocs counts for --strict: those of its logger and its children
        self.warnings = _Count() if config.strict else None
        if self.warnings is not None:
            logging.getLogger("mkdocs").addHandler(self.warnings)

    def publish(self) -> bool:
        """Put the staged site in place; False (and the staging folder gone) when a strict
        build logged a warning, which MkDocs is about to fail it for."""
        self._stop_counting()
        if self.warnings is not None and self.warnings.count:
            self.discard()
            return False
        self.config.site_dir = str(self.site_dir)
        swap_in(self.folder, self.site_dir)
        return True

    def discard(self) -> None:
        """Forget the staged site; the last good one stays."""
        self._stop_counting()
        self.config.site_dir = str(self.site_dir)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _stop_counting(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
