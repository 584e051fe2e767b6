"""Byte-identical zip files: sorted entries, fixed timestamps and permissions."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Mapping
from typing import IO

_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold; no build dates in artifacts
# zlib's fast levels (1-3) skip its lazy search for a longer match. Level 3 made 300 moments'
# downloads of the benchmark catalog 8 % larger than level 6 (9 % smaller than level 1) in 30 %
# less compression time (1.9 instead of 2.7 ms per moment); the zips are downloads of a few tens
# of kilobytes, and compressing them was about 6 % of the build's CPU time at level 6.
_LEVEL = 3


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry whose header depends only on its name."""
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3  # Unix, whatever machine builds it
    return info


def _deflated(data: bytes) -> bytes:
    """``data`` as a raw deflate stream, with zlib's state no larger than ``data`` needs.

    zlib's default state (a 32 KB window and its hash tables, about 256 KB) is allocated and
    cleared for every entry, and most of a moment's files are a few kilobytes: setting it up
    cost more than compressing them. A window that covers the entry (zlib reaches back 262
    bytes less than its window) with hash tables to match finds the same repeats: on 300
    moments of the benchmark catalog the entries came out exactly as large as with zlib's
    defaults, in about a third less time. Any unzip reads the stream: a smaller window only
    limits how far back a repeat may point.
    """
    bits = max(9, min(15, (len(data) + 261).bit_length()))  # raw deflate takes 9 to 15
    compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -bits, min(8, bits - 5))
    return compressor.compress(data) + compressor.flush()


def _append_raw(out: zipfile.ZipFile, info: zipfile.ZipInfo, raw: bytes) -> None:
    """Append an entry whose compressed bytes (and CRC and sizes, in ``info``) are known."""
    assert out.fp is not None
    info.header_offset = out.fp.tell()
    out.fp.write(info.FileHeader(zip64=info.file_size > zipfile.ZIP64_LIMIT))
    out.fp.write(raw)
    out.filelist.append(info)
    out.NameToInfo[info.filename] = info
    out.start_dir = out.fp.tell()
    out._didModify = True  # type: ignore[attr-defined]


def _append_file(out: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Append ``data`` as the entry ``name``, compressed."""
    info = _entry(name)
    raw = _deflated(data)
    info.CRC, info.file_size, info.compress_size = zlib.crc32(data), len(data), len(raw)
    _append_raw(out, info, raw)


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (archive name to content) that depends only on its input."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(files):
            _append_file(zf, name, files[name])
    return buffer.getvalue()


class ZipMerger:
    """One zip made of the entries of other zips, copied without compressing them again.

    The catalog-wide zip holds every moment's files; compressing them a second time cost more
    than building the moments. Entries are copied raw (with their CRC and sizes) from each
    moment's zip; ZIP64 records are written as needed for very large catalogs.
    """

    def __init__(self, target: IO[bytes]) -> None:
        self.out = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)

    def add_zip(self, data: bytes) -> None:
        """Append every entry of the zip ``data`` (names must not repeat)."""
        with zipfile.ZipFile(io.BytesIO(data)) as member:
            for info in member.infolist():
                self._copy(data, info)

    def add(self, name: str, data: bytes) -> None:
        """Append one file, compressed."""
        _append_file(self.out, name, data)

    def _copy(self, data: bytes, info: zipfile.ZipInfo) -> None:
        start = info.header_offset
        name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
        begin = start + 30 + name_length + extra_length
        raw = data[begin : begin + info.compress_size]
        copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
        for attribute in ("compress_type", "CRC", "compress_size", "file_size",
                          "external_attr", "create_system", "flag_bits"):  # fmt: skip
            setattr(copy, attribute, getattr(info, attribute))
        _append_raw(self.out, copy, raw)

    def close(self) -> None:
        """Write the central directory."""
        self.out.close()

    def discard(self) -> None:
        """Close without writing the central directory (the output is being thrown away)."""
        self.out._didModify = False  # type: ignore[attr-defined]
        self.out.close()


def merge_zips(parts: list[bytes], extra: Mapping[str, bytes]) -> bytes:
    """One zip of every entry of ``parts`` plus the files in ``extra`` (in memory)."""
    buffer = io.BytesIO()
    merger = ZipMerger(buffer)
    for part in parts:
        merger.add_zip(part)
    for name in sorted(extra):
        merger.add(name, extra[name])
    merger.close()
    return buffer.getvalue()
