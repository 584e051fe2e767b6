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


def test_a_build_tells_core_warnings_as_mkdocs_warnings(
    bridge: CoreLog, caplog: pytest.LogCaptureFixture
) -> None:
    bridge.start(serving=False)
    with caplog.at_level(logging.INFO):
        CORE.warning("micromoments: could not save %s", "the cache")
    assert told(caplog) == [
        ("mkdocs.plugins.micromoments", "WARNING", "micromoments: could not save the cache")
    ]


def test_serving_tells_them_as_info_so_a_strict_config_does_not_abort_rebuilds(
    bridge: CoreLog, caplog: pytest.LogCaptureFixture
) -> None:
    bridge.start(serving=True)
    with caplog.at_level(logging.INFO):
        CORE.warning("micromoments: could not save %s", "the cache")
        CORE.error("micromoments: broken")
    assert told(caplog) == [
        ("mkdocs.plugins.micromoments", "INFO", "warning: micromoments: could not save the cache"),
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
