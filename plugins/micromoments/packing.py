"""Objects as compact bytes for the build cache: pickled, then compressed.

Shared by the loader, whose workers can hand a loaded spec back already packed (so the cache
stores it without pickling it a second time), and by :mod:`.diskcache`.
"""

from __future__ import annotations

import pickle
import zlib


def pack(value: object) -> bytes:
    """``value`` pickled and compressed (fast, not small: level 1)."""
    return zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1)


def unpack(data: bytes) -> object:
    """The object :func:`pack` made. Raises on damaged data; only unpack your own bytes."""
    return pickle.loads(zlib.decompress(data))
