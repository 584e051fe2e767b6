"""Edit-to-page latency of ``mkdocs serve``: how long after saving a moment its page shows it.

The server runs with live reload on (that is what a writer uses); each edit appends a new
word to the moment's copy, and the clock runs from the write until the page, fetched over HTTP
every 20 ms, contains that word. The file is restored afterwards and the server is stopped
with its whole process group.

    python -m bench.serve_latency PROJECT [--moment ID] [--edits K]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal
from urllib.parse import urlsplit

import yaml

EditKind = Literal["copy", "summary"]
_FIELD = re.compile(r"^[A-Za-z]+[ \t]*:")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class ServeError(RuntimeError):
    """The server did not start, died, or never showed an edit; the message holds its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def marker_word(n: int) -> str:
    """A made-up word, unique per ``n``, that Markdown and HTML leave as it is."""
    letters = ""
    n += 26 * 26  # at least three letters
    while n:
        n, rest = divmod(n, 26)
        letters = _LETTERS[rest] + letters
    return f"Zq{letters}benchmark"


def mount_path(project: Path) -> str:
    """The path ``mkdocs serve`` serves the site under: the path of ``site_url`` (or "/")."""

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    text = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.load(text, Loader=_Loader) or {}  # a SafeLoader subclass
    path = urlsplit(str(config.get("site_url") or "")).path or "/"
    return path if path.endswith("/") else path + "/"


def find_moment(project: Path, moment: str | None = None) -> Path:
    """The main spec file of moment ``moment`` (default: the first in sorted order)."""
    moments = project / "moments"
    for path in sorted(moments.rglob("*.md")):
        stem = path.name[: -len(".md")]
        if "." in stem or path.name.lower() in ("index.md", "readme.md"):
            continue
        if moment is None or stem == moment:
            return path
    raise FileNotFoundError(f"no moment {moment or ''} under {moments}".replace("  ", " "))


def add_word(text: str, word: str, kind: EditKind = "copy") -> str:
    """``text`` (a spec file) with ``word`` added.

    ``copy``: at the end of the first prose paragraph of the ``## Email`` section (a line that
    starts with a letter, has no template tag and is not a ``Field:`` line), or else of the
    last line of the file. ``summary``: at the end of the one-line ``summary:`` of the
    front-matter.
    """
    lines = text.split("\n")
    if kind == "summary":
        for i, line in enumerate(lines):
            if line.startswith("summary:") and line.rstrip() != "summary:":
                lines[i] = line.rstrip() + f" {word}"
                return "\n".join(lines)
        raise ValueError("the spec has no one-line summary")
    in_email = False
    for i, line in enumerate(lines):
        if line.startswith("## "):
            in_email = line[3:].strip().lower() in ("email", "e-mail")
            continue
        if (in_email and line[:1].isalpha() and "{%" not in line and not _FIELD.match(line)
                and line.rstrip()[-1:] in ".?!"):  # fmt: skip
            lines[i] = line.rstrip() + f" {word}."
            return "\n".join(lines)
    last = max(i for i, line in enumerate(lines) if line.strip())
    lines[last] = lines[last].rstrip() + f" {word}"
    return "\n".join(lines)


def answers(url: str, timeout: float = 5) -> bool:
    """True when an HTTP server answers at ``url``, whatever the status (a 404 counts)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def fetch(url: str, timeout: float = 5) -> str | None:
    """The body of ``url``, or None when it cannot be fetched (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body: bytes = response.read()
            return body.decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError, ValueError):
        return None


@dataclass
class Server:
    """A running ``mkdocs serve`` (its own process group) and its log."""

    process: subprocess.Popen[bytes]
    log_path: Path
    base_url: str

    def log(self) -> str:
        """Everything the server printed so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, grace: float = 10) -> None:
        """Stop the whole process group: SIGINT (what Ctrl-C sends), then SIGKILL."""
        if self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, grace)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, sig)
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


@contextlib.contextmanager
def serve(project: Path, *, port: int | None = None, startup_timeout: float = 900,
          log_dir: Path | None = None) -> Iterator[Server]:  # fmt: skip
    """Run ``mkdocs serve`` for ``project`` until the block ends; wait until it serves."""
    port = port or free_port()
    with contextlib.ExitStack() as stack:
        folder = log_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="mm-")))
        yield from _serve(project, port, folder / "serve.log", startup_timeout)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the bench dies, so no server outlives it
    (the server has its own session, so a signal to the bench's group would miss it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG (Linux)


def _serve(project: Path, port: int, log_path: Path, startup_timeout: float) -> Iterator[Server]:
    # --dirty, as `make serve` runs it: only pages whose content changed are rebuilt
    command = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--config-file",
               str(project / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{port}"]  # fmt: skip
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log: IO[bytes]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=project, stdout=log, stderr=subprocess.STDOUT,
                                   env=env, start_new_session=True,
                                   preexec_fn=_die_with_parent)  # fmt: skip
    server = Server(process, log_path, f"http://127.0.0.1:{port}{mount_path(project)}")
    try:
        deadline = time.monotonic() + startup_timeout
        while not answers(server.base_url):
            if process.poll() is not None:
                raise ServeError(f"mkdocs serve exited with {process.returncode}:\n"
                                 f"{server.log()[-4000:]}")  # fmt: skip
            if time.monotonic() > deadline:
                raise ServeError(f"mkdocs serve did not answer within {startup_timeout:.0f} s:\n"
                                 f"{server.log()[-4000:]}")  # fmt: skip
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


def wait_for(url: str, word: str, *, timeout: float, poll: float,
             server: Server | None = None) -> float | None:  # fmt: skip
    """Seconds until ``url`` contains ``word`` (polling every ``poll`` s), None on timeout."""
    start = time.perf_counter()
    while True:
        body = fetch(url)
        elapsed = time.perf_counter() - start
        if body is not None and word in body:
            return elapsed
        if elapsed > timeout or (server is not None and server.process.poll() is not None):
            return None
        time.sleep(poll)


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit for the block, so ``finally`` restores the edited file and
    stops the server when the bench is terminated (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def measure_serve_latency(
    project: Path,
    *,
    edits: int = 5,
    moment: str | None = None,
    page: str | None = None,
    kind: EditKind = "copy",
    timeout: float = 60,
    poll: float = 0.02,
    settle: float = 1.0,
    startup_timeout: float = 900,
) -> list[float]:
    """Seconds from saving an edit of one moment until its served page shows it, per edit.

    ``moment`` is the id to edit (default: the first); ``page`` is its page's path below the
    site (default ``moments/<id>/``). ``kind`` says what is edited (see :func:`add_word`).
    Between edits the server gets ``settle`` seconds to finish (live reload, a last build).
    The moment's file is restored at the end, whatever happens.
    """
    path = find_moment(project, moment)
    mid = path.name[: -len(".md")]
    original = path.read_bytes()
    latencies: list[float] = []
    with _exit_on_sigterm(), serve(project, startup_timeout=startup_timeout) as server:
        url = server.base_url + (page or f"catalog/moments/{mid}/")
        if fetch(url) is None:
            raise ServeError(f"{url} is not served; pass page= with the moment's page path")
        # The first build wrote the whole site; its write-back to disk is not part of an edit
        # (the first edits right after it measured up to 1.9 s, the later ones 0.9 s).
        os.sync()
        try:
            text = original.decode("utf-8")
            for n in range(edits):
                word = marker_word(n)
                text = add_word(text, word, kind)
                path.write_text(text, encoding="utf-8")
                took = wait_for(url, word, timeout=timeout, poll=poll, server=server)
                if took is None:
                    raise ServeError(f"{url} did not show {word!r} within {timeout:.0f} s:\n"
                                     f"{server.log()[-4000:]}")  # fmt: skip
                latencies.append(took)
                time.sleep(settle)
        finally:
            path.write_bytes(original)
    return latencies


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.serve_latency PROJECT``: print the latencies as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve_latency")
    parser.add_argument("project", type=Path)
    parser.add_argument("--moment")
    parser.add_argument("--page")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--kind", choices=["copy", "summary"], default="copy")
    args = parser.parse_args(argv)
    latencies = measure_serve_latency(args.project.resolve(), edits=args.edits,
                                      moment=args.moment, page=args.page, kind=args.kind)  # fmt: skip
    print(json.dumps({"latencies_s": latencies}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
