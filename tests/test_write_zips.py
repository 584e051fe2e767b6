"""The downloadable zips (write/zips.py): readable by any unzip, the same for the same input."""

from __future__ import annotations

import io
import os
import zipfile

from micromoments.write.zips import _LEVEL, deterministic_zip, merge_zips

FILES = {
    "da/email.html": b"<p>Tak for din ordre</p>" * 3000,  # larger than zlib's 32 KB window
    "da/sms.txt": "Tak, Åse! Din ordre er på vej.".encode(),
    "da/empty.txt": b"",
    "da/random.bin": os.urandom(5000),  # does not compress at all
    "æøå/manifest.json": b'{"id": "order-confirmation"}\n',
}


def _contents(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None  # every entry's CRC checks out
        return {info.filename: zf.read(info) for info in zf.infolist()}


def test_a_zip_holds_every_file_as_it_was() -> None:
    data = deterministic_zip(FILES)
    assert _contents(data) == FILES
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert [i.filename for i in zf.infolist()] == sorted(FILES)
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())
        big = zf.getinfo("da/email.html")
        assert big.compress_size < big.file_size // 20


def test_the_same_files_give_the_same_bytes() -> None:
    assert deterministic_zip(FILES) == deterministic_zip(dict(reversed(FILES.items())))


def test_merged_zips_hold_every_entry_of_their_parts_and_the_extra_files() -> None:
    one = deterministic_zip({"a/x.txt": b"x" * 100})
    two = deterministic_zip(FILES)
    merged = merge_zips([one, two], {"catalog.json": b"{}"})
    assert _contents(merged) == {"a/x.txt": b"x" * 100, **FILES, "catalog.json": b"{}"}


def test_entries_compress_as_well_as_with_zlib_s_default_window() -> None:
    standard = io.BytesIO()
    with zipfile.ZipFile(standard, "w", zipfile.ZIP_DEFLATED, compresslevel=_LEVEL) as zf:
        for name, data in FILES.items():
            zf.writestr(name, data)
    with zipfile.ZipFile(io.BytesIO(standard.getvalue())) as zf:
        theirs = {i.filename: i.compress_size for i in zf.infolist()}
    with zipfile.ZipFile(io.BytesIO(deterministic_zip(FILES))) as zf:
        ours = {i.filename: i.compress_size for i in zf.infolist()}
    assert ours == theirs
