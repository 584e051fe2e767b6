"""Writing a build's artifacts to a folder, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from .atomic import staged_folder, write_bytes


def write_tree(
    files: Mapping[str, bytes],
    target: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Replace ``target`` with exactly ``files`` (relative path to content), atomically."""
    with staged_folder(target) as staging:
        total = len(files)
        for index, name in enumerate(sorted(files), start=1):
            write_bytes(staging / name, files[name])
            if progress is not None:
                progress(index, total)
