"""Writing modules: byte-identical builds, all-or-nothing output, SMTP sends, clear errors."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from conftest import REPO
from micromoments.build import build_catalog
from micromoments.cli import main
from micromoments.config import ProjectConfig


def run_cli(args: list[str], cwd: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        code = main(args)
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example project to build in."""
    for name in ("moments", "templates", "results"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_clean_builds_are_byte_identical(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(["build", "--out", "one"], example, capsys)[0] == 0
    assert run_cli(["build", "--out", "two"], example, capsys)[0] == 0
    one, two = tree(example / "one"), tree(example / "two")
    assert len(one) > 100 and one == two
    assert {"catalog.json", "micromoments-modules.zip", "order-confirmation.zip"} <= set(one)


def test_builds_in_separate_processes_are_identical(example: Path) -> None:
    for out in ("a", "b"):
        result = subprocess.run([sys.executable, "-m", "micromoments.cli", "build", "--out", out],
                                cwd=example, capture_output=True, text=True, timeout=300,
                                env={**os.environ, "PYTHONHASHSEED": "random"})  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
    assert tree(example / "a") == tree(example / "b")


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from micromoments.build import build_catalog
    from micromoments.config import ProjectConfig
    from micromoments.write.output import write_tree

    result = build_catalog(ProjectConfig(root=Path(sys.argv[1])))

    def progress(done, total):
        if done == total // 2:
            os.kill(os.getpid(), signal.SIGKILL)  # killed in the middle of writing

    write_tree(result.artifacts, Path(sys.argv[1]) / "dist", progress=progress)
    """
)


def test_a_build_killed_midway_leaves_the_previous_output(example: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    assert run_cli(["build"], example, capsys)[0] == 0
    before = tree(example / "dist")
    spec = example / "moments" / "purchase" / "order-confirmation.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Tak for din ordre", "Tusind tak for din ordre"),
                    encoding="utf-8")  # fmt: skip
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(example)], timeout=300, capture_output=True
    )
    assert killed.returncode == -9
    assert tree(example / "dist") == before, "the killed build touched the previous output"
    assert list(example.glob(".dist.staging-*")), "the half-written staging folder is left aside"
    assert run_cli(["build"], example, capsys)[0] == 0
    assert not list(example.glob(".dist.staging-*")), "the next build cleans up"
    assert (
        b"Tusind tak" in (example / "dist" / "order-confirmation" / "da" / "email.txt").read_bytes()
    )


def test_a_failed_build_writes_nothing(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["build"], example, capsys)[0] == 0
    before = tree(example / "dist")
    spec = example / "moments" / "purchase" / "order-confirmation.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("phase: purchase", "phase: purchse"),
                    encoding="utf-8")  # fmt: skip
    code, out = run_cli(["build"], example, capsys)
    assert code == 1
    assert "moments/purchase/order-confirmation.md:" in out and "MM110" in out
    assert "Nothing written" in out
    assert tree(example / "dist") == before


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )  # type: ignore[attr-defined]
        self.received.set()
        return "250 OK"


def test_send_delivers_the_eml_to_a_real_smtp_server(example: Path, capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    sink = _Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        code, out = run_cli(["send", "order-confirmation", "--to", "cx-test@lunden.example",
                             "--smtp", f"127.0.0.1:{port}"], example, capsys)  # fmt: skip
        assert code == 0, out
        assert sink.received.wait(10)
    finally:
        controller.stop()
    built = build_catalog(ProjectConfig(root=example), only={"order-confirmation"})
    eml = built.artifacts["order-confirmation/da/email.eml"]
    _from, rcpts, content = sink.messages[0]
    assert rcpts == ["cx-test@lunden.example"]
    assert content == eml


def test_send_reports_an_unreachable_server(
    example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_cli(["send", "order-confirmation", "--to", "a@b.example", "--smtp", "127.0.0.1:9"],
                        example, capsys)  # fmt: skip
    assert code == 1 and "could not send" in out and "Traceback" not in out


def test_unknown_template_names_the_file(example: Path) -> None:
    spec = example / "moments" / "support" / "password-reset.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("template: transactional", "template: transactionel"),
                    encoding="utf-8")  # fmt: skip
    result = build_catalog(ProjectConfig(root=example))
    found = [d for d in result.report if d.rule == "MM113"]
    assert [d.path for d in found] == ["moments/support/password-reset.md"]
    assert "did you mean 'transactional'" in found[0].message


def test_bad_mjml_in_a_user_layout_names_the_layout(example: Path) -> None:
    layouts = example / "templates" / "email" / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    (layouts / "broken.mjml").write_text("<mjml><mj-body><mj-section><mj-column>{{ content }}</mj-section></mjml>\n",
                                         encoding="utf-8")  # fmt: skip
    spec = example / "moments" / "support" / "password-reset.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("template: transactional", "template: broken"),
                    encoding="utf-8")  # fmt: skip
    result = build_catalog(ProjectConfig(root=example))
    found = [d for d in result.report if d.rule == "MM902"]
    assert found and all(d.path == "templates/email/layouts/broken.mjml" for d in found)
    assert not result.moments["password-reset"].artifacts


def test_a_variable_the_dialect_cannot_express_names_the_spec(example: Path) -> None:
    result = build_catalog(ProjectConfig(root=example), dialect="mailchimp")
    found = [d for d in result.report if d.rule == "MM910"]
    assert found
    assert {d.path for d in found} <= {
        str(p.relative_to(example)) for p in (example / "moments").rglob("*.md")
    }
    assert all(d.line > 0 for d in found)


def test_catalog_json_is_canonical_json_and_follows_a_changed_build(example: Path) -> None:
    """catalog.json is put together from per-moment texts: it must read and print exactly like
    ``json.dumps(indent=2, sort_keys=True)``, and a build reused from the cache must still show
    what the index says about it."""
    import json

    from micromoments.build import BuildCache, CatalogBuild
    from micromoments.write.artifacts import catalog_json

    config = ProjectConfig(root=example)
    cache = BuildCache()

    def streamed() -> CatalogBuild:  # as `mkdocs serve` builds: streaming, cached
        return build_catalog(config, cache=cache, sink=lambda build, built: None)

    first = streamed()
    text = first.artifacts["catalog.json"].decode()
    index = json.loads(text)
    assert text == json.dumps(index, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert [m["id"] for m in index["moments"]] == [m.id for m in first.catalog.ordered()]
    assert any(m["files"] for m in index["moments"]) and any(m["kpis"] for m in index["moments"])

    spec = example / "moments" / "purchase" / "order-confirmation.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("title:", "title: Renamed —", 1),
                    encoding="utf-8")  # fmt: skip
    second = streamed()
    assert cache.hits >= len(index["moments"]) - 1
    again = json.loads(second.artifacts["catalog.json"])
    before = {m["id"]: m for m in index["moments"]}
    after = {m["id"]: m for m in again["moments"]}
    assert after.pop("order-confirmation")["title"].startswith("Renamed —")
    before.pop("order-confirmation")
    assert after == before

    first.moments.clear()  # a moment that was not built is listed with no files
    bare = json.loads(catalog_json(first))
    assert all(m["files"] == [] for m in bare["moments"])
