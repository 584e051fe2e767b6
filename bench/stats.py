"""Small statistics for the benchmark (median, p95, ratios) and the facts of the machine."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
MJML_DIR = BENCH / "mjml_node"


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) with linear interpolation between closest ranks.

    The same definition as numpy's default ("linear"), so numbers can be checked elsewhere.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError("p must be within 0..100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The median (the 50th percentile)."""
    return percentile(values, 50)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile."""
    return percentile(values, 95)


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``; infinity when the denominator is 0 and the numerator not."""
    if denominator == 0:
        return math.inf if numerator else math.nan
    return numerator / denominator


def summary(values: Sequence[float]) -> dict[str, float]:
    """Count, min, median, p95, max and mean of ``values``."""
    if not values:
        raise ValueError("summary of no values")
    return {
        "n": float(len(values)),
        "min": min(values),
        "median": median(values),
        "p95": p95(values),
        "max": max(values),
        "mean": sum(values) / len(values),
    }


# --- machine facts ----------------------------------------------------------------------------------
def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or what the platform module knows)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else (platform.processor() or platform.machine())


def memory_bytes() -> int | None:
    """Total RAM from /proc/meminfo, or None when it cannot be read."""
    try:
        text = Path("/proc/meminfo").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s*(\d+)\s*kB", text, re.MULTILINE)
    return int(found.group(1)) * 1024 if found else None


def usable_cores() -> int:
    """The cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def package_version(name: str) -> str | None:
    """The installed version of Python distribution ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def node_version() -> str | None:
    """``node --version`` without the "v", or None when Node.js is not installed."""
    node = shutil.which("node")
    if node is None:
        return None
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30,
                             check=True)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip().lstrip("v") or None


def mjml_version(folder: Path = MJML_DIR) -> dict[str, str | None]:
    """The mjml version pinned in the bench's package.json and the one installed there."""
    return {
        "pinned": _json_key(folder / "package.json", "dependencies", "mjml"),
        "installed": _json_key(folder / "node_modules" / "mjml" / "package.json", "version"),
    }


def _json_key(path: Path, *keys: str) -> str | None:
    """The string at ``keys`` in JSON file ``path``, or None when any of it is missing."""
    try:
        value: Any = json.loads(path.read_text(encoding="utf-8"))
        for key in keys:
            value = value[key]
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return value if isinstance(value, str) else None


def machine_facts() -> dict[str, Any]:
    """What the benchmark ran on: CPU, cores, RAM, OS and the versions of every tool measured."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "memory_bytes": memory_bytes(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "executable": sys.executable,
        "packages": {
            name: package_version(name)
            for name in (
                "micromoments",
                "mkdocs",
                "mkdocs-material",
                "mrml",
                "pydantic",
                "markdown-it-py",
                "Jinja2",
                "PyYAML",
            )
        },
        "node": node_version(),
        "mjml": mjml_version(),
    }


def format_bytes(size: float) -> str:
    """``size`` in B, KB, MB or GB (powers of 1024), e.g. "238 MB"."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(size) < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit in ("B", "KB", "MB") else f"{size:.2f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
