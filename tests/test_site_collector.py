"""The garbage collector pause around serve rebuilds (mkdocs/collector.py)."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from micromoments.mkdocs.collector import IdleCollector


@pytest.fixture(autouse=True)
def _collector_enabled() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def _wait_until(condition: object, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.01)
    return False


def test_the_first_build_is_not_paused() -> None:
    collector = IdleCollector(delay=0.01)
    collector.build_started()
    assert gc.isenabled()
    collector.build_ended()
    assert gc.isenabled()


def test_a_rebuild_pauses_the_collector_and_collects_after_it() -> None:
    collector = IdleCollector(delay=0.01)
    collector.build_started()
    collector.build_ended()
    collector.build_started()
    assert not gc.isenabled()

    class Cycle:
        pass

    before = len([o for o in gc.get_objects() if isinstance(o, Cycle)])
    a, b = Cycle(), Cycle()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    del a, b
    collector.build_ended()
    assert _wait_until(gc.isenabled)
    assert len([o for o in gc.get_objects() if isinstance(o, Cycle)]) == before


def test_a_rebuild_that_starts_before_the_collection_keeps_it_paused() -> None:
    collector = IdleCollector(delay=0.2)
    collector.build_started()
    collector.build_ended()
    collector.build_started()
    collector.build_ended()
    collector.build_started()  # the next edit arrives before the delay is over
    time.sleep(0.4)
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()


def test_a_finished_build_is_frozen_until_the_next_one_thaws_and_collects_it() -> None:
    from micromoments.mkdocs.collector import YoungOnly

    saved = gc.get_threshold()
    young = YoungOnly()
    young.start()
    assert gc.get_threshold()[2] > saved[2]
    young.finish()
    assert gc.get_threshold() == saved and gc.get_freeze_count() > 0
    gc.collect()
    assert gc.get_freeze_count() > 0  # frozen objects are left out of collections
    young.thaw()
    assert gc.get_freeze_count() == 0
    young.thaw()  # a second thaw (on_startup, then on_config) does nothing more
    assert gc.get_freeze_count() == 0
