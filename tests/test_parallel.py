"""pmap: results in input order, state in every worker, and no results piling up."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from micromoments.parallel import pmap, shared


def _square_and_mark(n: int) -> tuple[int, int, str]:
    """n squared, the worker's pid, and the state's tag; leaves a file per item done."""
    folder = Path(shared()["folder"])
    (folder / f"{n}.done").touch()
    return n * n, os.getpid(), shared()["tag"]


def _fail_on_seven(n: int) -> int:
    if n == 7 * 13:
        raise ValueError(f"item {n} is bad")
    return n


def test_results_come_back_in_order_from_several_workers(tmp_path: Path) -> None:
    items = list(range(300))
    out = list(pmap(_square_and_mark, items, state={"folder": str(tmp_path), "tag": "x"}, jobs=2))
    assert [r[0] for r in out] == [n * n for n in items]
    assert {r[2] for r in out} == {"x"}
    assert len({r[1] for r in out} - {os.getpid()}) == 2  # two worker processes did the work


def test_workers_stay_only_a_few_chunks_ahead_of_the_caller(tmp_path: Path) -> None:
    """Executor.map would finish all 300 items while the caller still holds the first result."""
    results = pmap(_square_and_mark, list(range(300)), state={"folder": str(tmp_path), "tag": "y"},
                   jobs=2)  # fmt: skip
    first = next(results)
    assert first[0] == 0
    time.sleep(1.5)  # far longer than the workers need for every item
    ahead = len(list(tmp_path.glob("*.done")))
    # chunks of 16 (300 // (2 * 8) = 18, capped at 16): the first, plus four more in flight
    assert 16 <= ahead <= 5 * 16, ahead
    rest = list(results)
    assert len(rest) == 299 and len(list(tmp_path.glob("*.done"))) == 300


def test_an_error_in_a_worker_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="item 91 is bad"):
        list(pmap(_fail_on_seven, list(range(200)), state={}, jobs=2))


def test_small_batches_run_in_the_calling_process(tmp_path: Path) -> None:
    out = list(pmap(_square_and_mark, [1, 2, 3], state={"folder": str(tmp_path), "tag": "z"},
                    jobs=2))  # fmt: skip
    assert [r[1] for r in out] == [os.getpid()] * 3 and shared() == {}


def test_one_pool_serves_every_call_in_its_block_each_with_its_own_state(tmp_path: Path) -> None:
    from micromoments.parallel import one_pool

    items = list(range(100))
    with one_pool():
        first = list(pmap(_square_and_mark, items, state={"folder": str(tmp_path), "tag": "a"},
                          jobs=2))  # fmt: skip
        second = list(pmap(_square_and_mark, items, state={"folder": str(tmp_path), "tag": "b"},
                           jobs=2))  # fmt: skip
    assert {r[2] for r in first} == {"a"} and {r[2] for r in second} == {"b"}
    # on a busy machine one worker may take every chunk of a call, so the two calls are
    # counted together: one pool of at most two workers, never the caller itself
    workers = {r[1] for r in first} | {r[1] for r in second}
    assert 1 <= len(workers) <= 2 and os.getpid() not in workers
    for pid in workers:  # and they are gone once the block ends
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state_of(pid)
    again = list(pmap(_square_and_mark, items, state={"folder": str(tmp_path), "tag": "c"}, jobs=2))
    assert not {r[1] for r in again} & workers


def _state_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0].lower()
    except (OSError, IndexError):
        return "zombie"
