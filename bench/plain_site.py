"""Timing ``mkdocs build`` of a project: wall time and peak memory of the build alone.

Each measurement runs in a fresh ``python -c`` wrapper process that starts the build and
reports on it. The wrapper is needed for an honest peak RSS: ``getrusage(RUSAGE_CHILDREN)``
reports the largest child a process has ever waited for, so asked in the bench process itself it
would return the biggest earlier build, not this one. The wrapper has exactly one child (the
build), so its ``ru_maxrss`` is the kernel's high-water mark of that build (or of its largest
worker, if it forks; those are waited for by the build and so counted too).

When a build uses several processes at once, the largest single one under-states what the
machine needs, so the wrapper also samples the whole process tree (from /proc): the summed RSS
every 20 ms (``peak_tree_rss_bytes``) and the summed PSS every 100 ms
(``peak_tree_pss_bytes``). Forked workers share their parent's pages until they write to them;
RSS counts a shared page once in every process that maps it, PSS splits it between them, so the
PSS sum is what the tree really occupies and the RSS sum an upper bound. With one process the
numbers agree up to sampling.

    python -m bench.plain_site PROJECT [--site-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

# Runs in the wrapper process: argv[1] is a JSON list [command, log path, env overrides].
_WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time

command, log_path, env_extra = json.loads(sys.argv[1])

def tree_pids(root):
    # root and its descendants (children lists of every thread)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return found

def tree_sum(root, path, field):
    # Sum of one /proc/<pid>/<path> field (in kB) over the tree, in bytes.
    total = 0
    for pid in tree_pids(root):
        try:
            with open(f"/proc/{pid}/{path}") as f:
                for line in f:
                    if line.startswith(field):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError):
            continue
    return total

def tree_rss(root):
    return tree_sum(root, "status", "VmRSS:")

env = dict(os.environ)
env.update(env_extra)
peak_tree = 0
peak_pss = 0
done = threading.Event()
with open(log_path, "wb") as log:
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)

    def sample():
        global peak_tree, peak_pss
        n = 0
        while not done.wait(0.02):
            peak_tree = max(peak_tree, tree_rss(child.pid))
            n += 1
            if n % 5 == 0:  # PSS makes the kernel walk every page table: every 100 ms
                peak_pss = max(peak_pss, tree_sum(child.pid, "smaps_rollup", "Pss:"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    returncode = child.wait()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "wall_s": wall,
    "returncode": returncode,
    "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports kilobytes
    "peak_tree_rss_bytes": peak_tree,
    "peak_tree_pss_bytes": peak_pss,
    "user_s": usage.ru_utime,
    "system_s": usage.ru_stime,
}))
"""


class BuildFailed(RuntimeError):
    """``mkdocs build`` exited with an error; the message ends with its output."""


@dataclass(frozen=True)
class BuildMeasurement:
    """One measured build."""

    wall_s: float  # from starting the build process to its exit
    user_s: float  # CPU time of the build and its waited-for children
    system_s: float
    peak_rss_bytes: int  # the largest single process (kernel high-water mark)
    peak_tree_rss_bytes: int  # the largest sampled sum over the process tree
    # the same with shared pages split between the processes sharing them (PSS): what the tree
    # really occupies; a forked worker's RSS also counts the pages it shares with its parent
    peak_tree_pss_bytes: int
    returncode: int
    log: str  # everything mkdocs printed

    def to_json(self) -> dict[str, object]:
        """The measurement as a JSON-ready dict (without the log)."""
        data = asdict(self)
        data.pop("log")
        return data


def measure_command(
    command: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 7200
) -> BuildMeasurement:
    """Run ``command`` in a fresh wrapper process and measure it."""
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as tmp:
        log = Path(tmp) / "build.log"
        spec = json.dumps([list(command), str(log), dict(env or {})])
        out = subprocess.run(
            [sys.executable, "-c", _WRAPPER, spec],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RuntimeError(f"the measuring wrapper failed:\n{out.stderr}")
        result = json.loads(out.stdout)
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return BuildMeasurement(
        wall_s=float(result["wall_s"]),
        user_s=float(result["user_s"]),
        system_s=float(result["system_s"]),
        peak_rss_bytes=int(result["peak_rss_bytes"]),
        peak_tree_rss_bytes=int(result["peak_tree_rss_bytes"]),
        peak_tree_pss_bytes=int(result["peak_tree_pss_bytes"]),
        returncode=int(result["returncode"]),
        log=text,
    )


def mkdocs_build_command(
    project: Path, site_dir: Path, extra_args: Sequence[str] = ()
) -> list[str]:
    """``mkdocs build`` of ``project`` into ``site_dir``, with this interpreter's mkdocs."""
    return [sys.executable, "-m", "mkdocs", "build", "--config-file",
            str(project / "mkdocs.yml"), "--site-dir", str(site_dir), *extra_args]  # fmt: skip


def settle_writes() -> None:
    """Write what earlier steps left in the page cache to disk before a measurement starts.

    A 10,000-moment build leaves gigabytes of dirty pages; while the kernel writes them back,
    every file a later build or rebuild creates waits too (a live edit measured 1.8 s right
    after the 10,000-moment builds and 1.05 s on its own).
    """
    os.sync()


def measure_build(
    project: Path,
    *,
    site_dir: Path | None = None,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 7200,
) -> BuildMeasurement:
    """Build ``project`` with ``mkdocs build`` and measure wall time and peak RSS.

    The site goes to ``site_dir`` (default: ``project/site``). ``NO_MKDOCS_2_WARNING=1`` is set
    so the MkDocs 2 notice does not count as output. With ``check``, a failed build raises
    :class:`BuildFailed` with the end of its output.
    """
    site = site_dir or project / "site"
    environment = {"NO_MKDOCS_2_WARNING": "1", **(env or {})}
    settle_writes()
    result = measure_command(
        mkdocs_build_command(project, site, extra_args), env=environment, timeout=timeout
    )
    if check and result.returncode != 0:
        raise BuildFailed(
            f"mkdocs build of {project} exited with {result.returncode}:\n{result.log[-4000:]}"
        )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.plain_site PROJECT``: build once and print the measurement as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.plain_site")
    parser.add_argument("project", type=Path)
    parser.add_argument("--site-dir", type=Path)
    args = parser.parse_args(argv)
    result = measure_build(args.project.resolve(), site_dir=args.site_dir, check=False)
    print(json.dumps(result.to_json(), indent=2))
    if result.returncode:
        sys.stderr.write(result.log[-4000:])
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    sys.exit(main())
