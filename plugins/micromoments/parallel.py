"""Using every core for independent per-moment work.

Moments load and render independently, so large catalogs spread them over worker processes
(threads would not help: the work is Python code holding the GIL). Small catalogs, where
starting workers costs more than it saves, run in the calling process. The output does not
depend on the number of workers: results come back in input order.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 48  # below this, one process is faster (measured: workers start in ~60 ms)

_STATE: dict[str, Any] = {}


def cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def worker_count(jobs: int, items: int) -> int:
    """How many processes to use: ``jobs`` (0 = every core), 1 for small batches."""
    wanted = jobs if jobs > 0 else cores()
    return 1 if items < MIN_ITEMS else max(1, min(wanted, items))


def _init(state: dict[str, Any]) -> None:
    _STATE.clear()
    _STATE.update(state)


def shared() -> dict[str, Any]:
    """The state handed to :func:`pmap` (in a worker, or in the calling process)."""
    return _STATE


class _Pool:
    """Worker processes kept for the length of a :func:`one_pool` block."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        # Workers are forked: they share the caller's memory until they write to it. Freezing
        # the caller's objects keeps the workers' garbage collector from touching (and so
        # copying) every page the caller holds; each worker then holds little beyond its work.
        gc.freeze()
        self.executor = ProcessPoolExecutor(max_workers=workers)

    def close(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)
        # Only this process's collector sees the objects again; workers of an enclosing block
        # were forked with their own frozen copy and are not affected.
        gc.unfreeze()


_POOLS: list[_Pool | None] = []  # innermost one_pool block last; None until a pmap needs it


@contextmanager
def one_pool() -> Iterator[None]:
    """Let every :func:`pmap` in the block share one set of workers, started by the first.

    A build loads the catalog and then renders it. Forked for the rendering, the workers would
    inherit the whole loaded catalog (some 650 MB at 10,000 moments, counted again in every
    worker until the kernel can share it); forked by the loading, which comes first, they start
    from a small process and are simply used again.
    """
    _POOLS.append(None)
    try:
        yield
    finally:
        pool = _POOLS.pop()
        if pool is not None:
            pool.close()


def pmap(
    func: Callable[[T], R], items: Sequence[T], *, state: dict[str, Any], jobs: int = 0
) -> Iterator[R]:
    """``map(func, items)`` over worker processes that all see ``state`` via :func:`shared`."""
    workers = worker_count(jobs, len(items))
    if workers == 1:
        _init(state)
        try:
            yield from map(func, items)
        finally:
            _STATE.clear()
        return
    if not _POOLS:  # no one_pool block: workers for this call only
        with one_pool():
            yield from pmap(func, items, state=state, jobs=jobs)
        return
    kept = _POOLS[-1]
    if kept is None or kept.workers != workers:
        if kept is not None:
            kept.close()
        kept = _POOLS[-1] = _Pool(workers)
    yield from _map(kept, func, items, state)


def _map(
    pool: _Pool, func: Callable[[T], R], items: Sequence[T], state: dict[str, Any]
) -> Iterator[R]:
    size = max(1, min(16, len(items) // (pool.workers * 8)))
    chunks = iter([items[i : i + size] for i in range(0, len(items), size)])
    # Each chunk carries the state (a few kilobytes), so one set of workers serves calls with
    # different states. A bounded number of chunks is in flight: enough to keep every worker
    # busy, few enough that finished results never pile up in memory while the caller is busy
    # with earlier ones (Executor.map submits everything at once; at 10,000 moments the waiting
    # results made the peak memory vary by more than a gigabyte between runs).
    submit = pool.executor.submit
    pending = deque(submit(_run, func, state, chunk)
                    for chunk in islice(chunks, pool.workers * 2))  # fmt: skip
    try:
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(submit(_run, func, state, following))
            yield from done
    finally:
        for future in pending:  # the caller stopped early
            future.cancel()


def _run(func: Callable[[T], R], state: dict[str, Any], chunk: Sequence[T]) -> list[R]:
    _init(state)
    try:
        return [func(item) for item in chunk]
    finally:
        _STATE.clear()
