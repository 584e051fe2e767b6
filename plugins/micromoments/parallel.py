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
    size = max(1, min(16, len(items) // (workers * 8)))
    chunks = iter([items[i : i + size] for i in range(0, len(items), size)])
    # Workers are forked: they share the caller's memory until they write to it. Freezing the
    # caller's objects keeps the workers' garbage collector from touching (and so copying)
    # every page of a large loaded catalog; each worker then holds little beyond its own work.
    gc.freeze()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(state,))
    try:
        # A bounded number of chunks in flight: enough to keep every worker busy, few enough
        # that finished results never pile up in memory while the caller is busy with earlier
        # ones (Executor.map submits everything at once; at 10,000 moments the waiting
        # results made the peak memory vary by more than a gigabyte between runs).
        pending = deque(pool.submit(_run, func, chunk) for chunk in islice(chunks, workers * 2))
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_run, func, following))
            yield from done
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _run(func: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [func(item) for item in chunk]
