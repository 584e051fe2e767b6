"""Byte-identical zip files: sorted entries, fixed timestamps and permissions."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; no build dates in artifacts


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (archive name to content) that depends only on its input."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            zf.writestr(info, files[name])
    return buffer.getvalue()
