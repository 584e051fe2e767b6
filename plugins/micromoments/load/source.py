"""Reading a spec file from disk and splitting off its front-matter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import FILE, Position, Report, Severity, rule

MAX_BYTES = 1_000_000

NOT_TEXT = rule(
    "MM001", "not-utf8", Severity.ERROR, "file",
    "The file is not UTF-8 text.",
    bad="A spec saved as Latin-1 (`Ordrebekr\\xe6ftelse`) or a binary file named .md.",
    good="Save the file as UTF-8 (every modern editor can: 'Save with encoding').",
    fix="save the file as UTF-8",
)  # fmt: skip
TOO_LARGE = rule(
    "MM002", "file-too-large", Severity.ERROR, "file",
    f"The file is larger than {MAX_BYTES // 1_000_000} MB; no moment needs that much text.",
    bad="A 5 MB spec with an image pasted in as base64.",
    good="Keep images in templates/email/assets/ and link them.",
    fix="move large content out of the spec",
)  # fmt: skip
NO_FRONT_MATTER = rule(
    "MM003", "no-front-matter", Severity.ERROR, "file",
    "A moment file must start with YAML front-matter between `---` lines.",
    bad="# Ordrebekræftelse\n\nKunden har lige betalt...",
    good="---\ntitle: Ordrebekræftelse\nphase: purchase\n...\n---\n\nKunden har lige betalt...",
    fix="start the file with a line `---`, the front-matter, and another `---`",
)  # fmt: skip
UNCLOSED = rule(
    "MM004", "unclosed-front-matter", Severity.ERROR, "file",
    "The front-matter starts with `---` but never ends.",
    bad="---\ntitle: Ordrebekræftelse\n\n## Email",
    good="---\ntitle: Ordrebekræftelse\n---\n\n## Email",
    fix="end the front-matter with a line that holds only `---`",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SourceText:
    """A spec file's text split into front-matter and body, with their first lines."""

    path: str
    text: str
    front_matter: str
    front_matter_line: int  # file line of the first front-matter line
    body: str
    body_line: int  # file line of the first body line


def read_text(file: Path, display: str, report: Report, moment: str | None = None) -> str | None:
    """Read a file as UTF-8, reporting (not raising) when it is too large or not text."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            report.add(
                TOO_LARGE.id, display, FILE,
                f"the file is {size / 1_000_000:.1f} MB; the limit is {MAX_BYTES // 1_000_000} MB",
                moment=moment,
            )  # fmt: skip
            return None
        raw = file.read_bytes()
    except OSError as error:
        report.add(NOT_TEXT.id, display, FILE, f"cannot read the file: {error.strerror}",
                   "check the file's permissions", moment=moment)  # fmt: skip
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        byte = raw[error.start]
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            hint = "save the file as UTF-8 (it is UTF-16)"
        elif b"\x00" in raw[:1024]:
            hint = "this does not look like a text file"
        else:
            hint = "save the file as UTF-8 (it looks like Latin-1 or Windows-1252)"
        report.add(NOT_TEXT.id, display, Position(line, col),
                   f"byte 0x{byte:02x} is not valid UTF-8", hint, moment=moment)  # fmt: skip
        return None
    if "\x00" in text:
        nul = text.index("\x00")
        line = text.count("\n", 0, nul) + 1
        report.add(NOT_TEXT.id, display, Position(line, nul - text.rfind("\n", 0, nul)),
                   "the file contains NUL bytes", "this does not look like a text file",
                   moment=moment)  # fmt: skip
        return None
    text = text.removeprefix("\ufeff")  # a BOM from Windows editors is harmless
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(
    text: str, display: str, report: Report, moment: str | None = None
) -> SourceText | None:
    """Split ``---`` front-matter from the Markdown body; report a missing or unclosed block."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        report.add(
            NO_FRONT_MATTER.id, display,
            Position(first + 1, 1) if first is not None else FILE,
            "the file is empty" if first is None else "the file does not start with front-matter",
            moment=moment,
        )  # fmt: skip
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return SourceText(
                path=display,
                text=text,
                front_matter="\n".join(lines[1:index]),
                front_matter_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    report.add(UNCLOSED.id, display, Position(1, 1),
               "the front-matter that starts here is never closed", moment=moment)  # fmt: skip
    return None
