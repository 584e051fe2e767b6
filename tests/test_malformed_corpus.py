"""A corpus of malformed spec files: each gives clean diagnostics and exit 1, never a traceback or a hang."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import pytest

from conftest import VALID, Project
from micromoments.cli import main

FRONT = VALID.split("---\n")[1]
BODY = VALID.split("---\n", 2)[2]


def bomb() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + prev] * 10)}]")
    return "---\n" + "\n".join(lines) + "\n---\n"


CORPUS: dict[str, str | bytes] = {
    "empty file": "",
    "only whitespace": "\n\n   \n",
    "no front-matter": "# Ordrebekræftelse\n\nTak for din ordre.\n",
    "front-matter only": "---\n" + FRONT + "---\n",
    "front-matter never closed": "---\n" + FRONT + BODY,
    "empty front-matter": "---\n---\n\n## Email\n\nSubject: Hej\n\nHej\n",
    "front-matter is a list": "---\n- title\n- phase\n---\n",
    "front-matter is a string": "---\njust some words\n---\n",
    "tab indentation": VALID.replace("  first_name:", "\tfirst_name:"),
    "unbalanced brackets": VALID.replace("channels: [email, sms]", "channels: [email, sms"),
    "unterminated quote": VALID.replace('fallback: ""', 'fallback: "'),
    "colon in unquoted value": VALID.replace("summary: En tydelig", "summary: Bemærk: en tydelig"),
    "duplicate keys": VALID.replace("status: live\n", "status: live\nstatus: idea\n"),
    "wrong types everywhere": VALID.replace("channels: [email, sms]", "channels: 42").replace("audiences: [private]", "audiences: {a: 1}").replace("data:\n", "data: [1, 2]\nx:\n"),
    "unknown keys": VALID.replace("status: live", "status: live\nchanels: [email]\nownr: me"),
    "bad ids everywhere": VALID.replace("phase: purchase", "phase: nowhere").replace("tone: reassuring", "tone: shouty").replace("audiences: [private]", "audiences: [aliens]"),
    "bad channel": VALID.replace("channels: [email, sms]", "channels: [email, pigeon]"),
    "bad durations": VALID.replace("delay: 0m", "delay: soon"),
    "fallback cycle": VALID.replace("then: sms}\n", "then: sms}\n  - {when: sms.failed, then: email}\n"),
    "broken sections": VALID.replace("## SMS", "## Smss").replace("## Email", "## Emial"),
    "empty sections": VALID.split("## Email")[0] + "## Email\n\n## SMS\n",
    "invalid jinja": VALID.replace("Hej {{ first_name }}.", "Hej {{ first_name }. {% if %} {% endfor %}"),
    "unsupported jinja": VALID.replace("Hej {{ first_name }}.", "Hej {{ first_name|upper }} {% set x = 1 %} {{ range(10) }}"),
    "undeclared variables": VALID.replace("Hej {{ first_name }}.", "Hej {{ fornavn }} {{ kunde.navn }}."),
    "binary junk": bytes(range(256)) * 8,
    "non-utf8 latin-1": VALID.encode("latin-1", errors="replace"),
    "utf-16 with BOM": VALID.encode("utf-16"),
    "NUL bytes": VALID.encode() + b"\x00\x00\x00",
    "5 MB file": VALID + ("Lorem ipsum dolor sit amet. " * 190_000),
    "deeply nested YAML": "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n",
    "deeply nested mappings": "---\n" + "".join("  " * i + f"k{i}:\n" for i in range(200)) + "---\n",
    "YAML alias bomb": bomb(),
    "python object tag": "---\ntitle: !!python/object/apply:os.system [echo hi]\n---\n",
    "merge keys": "---\nbase: &b {title: x}\n<<: *b\n---\n",
    "complex key": "---\n? [a, b]\n: c\n---\n",
    "yaml document markers inside": "---\n" + FRONT + "--- !foo\n---\n" + BODY,
    "huge single line": "---\ntitle: " + "x" * 200_000 + "\n---\n",
    "crlf line endings with errors": VALID.replace("\n", "\r\n").replace("phase: purchase", "phase: nope"),
    "control characters": VALID.replace("Ordrebekræftelse", "Ordre\x07\x1bbekræftelse"),
}  # fmt: skip


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail (rather than hang the suite) if one input takes more than 20 seconds."""

    def fail(signum: int, frame: object) -> None:
        raise TimeoutError("checking one malformed file took more than 20 s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_malformed_input_gives_clean_diagnostics(
    project: Project, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("moments/broken.md", CORPUS[name])
    code = main(["check", str(project.root), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "Traceback" not in out + err
    payload = json.loads(out)
    errors = [d for d in payload["diagnostics"] if d["severity"] == "error"]
    assert errors, payload
    for d in errors:
        assert d["path"] == "moments/broken.md"
        assert d["rule"].startswith("MM") and d["message"] and d["hint"], d


@pytest.mark.parametrize(
    "name", ["tab indentation", "unknown keys", "invalid jinja", "YAML alias bomb"]
)
def test_text_output_names_file_line_and_hint(
    project: Project, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("moments/broken.md", CORPUS[name])
    code = main(["check", str(project.root)])
    out = capsys.readouterr().out
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("moments/broken.md:") and ": MM" in first
    assert "hint:" in out
    assert out.rstrip().splitlines()[-1].startswith("Found ")
