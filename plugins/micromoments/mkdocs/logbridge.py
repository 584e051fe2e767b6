"""The core's log messages, told through MkDocs' plugin logger.

The core never imports mkdocs, so it logs to the plain ``micromoments`` logger (today only a
build cache that cannot be saved). MkDocs neither formats those messages like its own nor
counts their warnings under ``--strict``. While a MkDocs command runs, :class:`CoreLog` hands
each of them to ``mkdocs.plugins.micromoments`` instead, where both happen. While serving, a
warning is told as info, as the plugin tells the checks' warnings: under a strict config MkDocs
would otherwise abort every rebuild, and problems never stop the server.
"""

from __future__ import annotations

import logging

CORE = logging.getLogger("micromoments")
PLUGIN = logging.getLogger("mkdocs.plugins.micromoments")


class CoreLog(logging.Handler):
    """Forwards the core's records to MkDocs' plugin logger between :meth:`start` and
    :meth:`stop`."""

    def __init__(self) -> None:
        super().__init__()
        self._propagated = CORE.propagate
        self.serving = False

    def start(self, *, serving: bool) -> None:
        """Forward from now on (again, if already started); ``serving`` tells warnings as info."""
        self.serving = serving
        if self not in CORE.handlers:
            self._propagated = CORE.propagate
            CORE.addHandler(self)
            CORE.propagate = False  # told once, by MkDocs' handler

    def stop(self) -> None:
        """Leave the core's logger as it was."""
        if self in CORE.handlers:
            CORE.removeHandler(self)
            CORE.propagate = self._propagated

    def emit(self, record: logging.LogRecord) -> None:
        """Hand ``record`` on, as if MkDocs' plugin logger had made it."""
        record = logging.makeLogRecord(record.__dict__)  # a copy: other handlers see the original
        record.name = PLUGIN.name
        if self.serving and record.levelno == logging.WARNING:
            record.msg, record.args = f"warning: {record.getMessage()}", None
            record.levelno, record.levelname = logging.INFO, "INFO"
        PLUGIN.handle(record)
