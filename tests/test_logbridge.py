"""The core's log messages reach MkDocs' plugin logger while a MkDocs command runs."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from micromoments.mkdocs.logbridge import CORE, CoreLog


@pytest.fixture
def bridge() -> Iterator[CoreLog]:
    handler = CoreLog()
    yield handler
    handler.stop()


def told(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, str]]:
    return [(r.name, r.levelname, r.getMessage()) for r in caplog.records]


@pytest.mark.parametrize(
    ("serving", "warning"),
    [
        (False, ("WARNING", "micromoments: could not save the cache")),
        # as the checks' warnings while serving: a strict config would abort every rebuild
        (True, ("INFO", "warning: micromoments: could not save the cache")),
    ],
)
def test_core_messages_are_told_by_the_plugin_logger(
    bridge: CoreLog, caplog: pytest.LogCaptureFixture, serving: bool, warning: tuple[str, str]
) -> None:
    bridge.start(serving=serving)
    with caplog.at_level(logging.INFO):
        CORE.warning("micromoments: could not save %s", "the cache")
        CORE.error("micromoments: broken")
    assert told(caplog) == [
        ("mkdocs.plugins.micromoments", *warning),
        ("mkdocs.plugins.micromoments", "ERROR", "micromoments: broken"),
    ]


def test_stopping_leaves_the_core_logger_as_it_was(
    bridge: CoreLog, caplog: pytest.LogCaptureFixture
) -> None:
    handlers, propagate = list(CORE.handlers), CORE.propagate
    bridge.start(serving=False)
    bridge.start(serving=False)  # a second start (a second serve session) adds nothing
    assert CORE.handlers == [*handlers, bridge]
    bridge.stop()
    assert (CORE.handlers, CORE.propagate) == (handlers, propagate)
    with caplog.at_level(logging.INFO):
        CORE.warning("micromoments: after")
    assert told(caplog) == [("micromoments", "WARNING", "micromoments: after")]
