"""Write a whole output folder or nothing: build in a temporary sibling, then swap it in.

A build that fails or is killed midway leaves the previous output untouched: the new tree is
written next to it (same file system, so the final renames are atomic) and only a finished
tree replaces it. A stale temporary folder from a killed build is removed by the next build.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder to write into; on success it replaces ``target``."""
    staging = new_staging(target)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, target)


def new_staging(target: Path) -> Path:
    """An empty folder next to ``target`` to build its next version in (stale ones removed)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.staging-{os.getpid()}")
    for stale in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    staging.mkdir()
    return staging


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` with ``staging`` (two renames; the old tree is deleted afterwards)."""
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    os.replace(staging, target)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
