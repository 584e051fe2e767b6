"""``make bench``: measure micromoments against its baselines and write docs/benchmarks.md.

Everything is measured in one run on this machine, and reported as ratios against a baseline
measured in the same run (a plain mkdocs-material build of as many pages, official MJML
compiling the same MJML), never as absolute targets in tests.

    python -m bench.run [--sizes 100,1000,10000] [--work bench/.work] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.generate import generate, generate_plain
from bench.plain_site import BuildMeasurement, measure_build
from bench.serve_latency import measure_serve_latency
from bench.stats import format_bytes, machine_facts, median, p95, ratio
from micromoments.render.email import render_email
from micromoments.render.markdown import parse_copy
from micromoments.render.mjml import to_mjml
from micromoments.render.plaintext import email_text
from micromoments.render.protect import Slots

REPO = Path(__file__).resolve().parents[1]
NODE = REPO / "bench" / "mjml_node"
TARGETS = {
    "catalog_ratio": 1.5,
    "pipeline_speedup": 10.0,
    "checks_ms": 5.0,
    "rss_10k": 2 * 1024**3,
    "growth": 11.0,
    "edit_s": 1.0,
}


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _projects(work: Path, size: int) -> tuple[Path, Path]:
    catalog, plain = work / f"catalog-{size}", work / f"plain-{size}"
    if not (catalog / "mkdocs.yml").is_file():
        shutil.rmtree(catalog, ignore_errors=True)
        generate(catalog, size)
    if not (plain / "mkdocs.yml").is_file():
        shutil.rmtree(plain, ignore_errors=True)
        generate_plain(plain, size, like=catalog)
    return catalog, plain


def _cold(project: Path) -> None:
    """Forget what an earlier build left (the file store), so the build is measured cold.

    The old files are moved aside, not deleted: on a file system without a journal (this
    machine's ext4), creating a file within a minute or more of deleting many others makes the
    kernel step over every recently deleted inode, and a catalog build that followed the
    deletion of its own 27,000 stored files took half again as long (see docs/performance.md).
    A fresh checkout, which a cold build stands for, has nothing just deleted. The moved files
    are deleted by :func:`_empty_trash` once every build is measured.
    """
    trash = project.parent / ".trash"
    trash.mkdir(exist_ok=True)
    for old in (project / ".cache", project / "site"):
        if old.exists():
            old.rename(trash / f"{project.name}-{old.name.lstrip('.')}-{time.time_ns()}")


def _empty_trash(work: Path) -> None:
    shutil.rmtree(work / ".trash", ignore_errors=True)


_PHASES = re.compile(
    # \s+ between words: MkDocs wraps log lines at the terminal's width ($COLUMNS)
    r"(\d+)\s+moments\s+loaded,\s+rendered\s+and\s+checked\s+in\s+([\d.]+)\s+s"
    r"(?:\s+\((\d+)\s+reused[^)]*\))?;\s+(\d+)\s+pages\s+written\s+in\s+([\d.]+)\s+s"
    r"(?:,\s+([\d.]+)\s+s\s+of\s+it\s+while)?"
)


def build_phases(log: str, wall_s: float) -> dict[str, float] | None:
    """Where a catalog build's time went, from the plugin's closing log line (None if absent).

    ``pages_s`` runs from the first page MkDocs writes to the last, ``overlap_s`` of it while
    moments were still being built; ``other_s`` is the rest of the wall time: starting Python
    and MkDocs, the config, the file list and navigation, converting the hand-written pages'
    Markdown, copying static files, and after the last page the sitemap, the search index,
    publishing the stored previews and downloads and putting the staged site in place.
    """
    found = _PHASES.findall(log)
    if not found:
        return None
    _moments, moments_s, reused, pages, pages_s, overlap_s = found[-1]
    overlap = float(overlap_s or 0)
    used = float(moments_s) + float(pages_s) - overlap
    return {"moments_s": float(moments_s), "pages": int(pages), "pages_s": float(pages_s),
            "overlap_s": overlap, "other_s": max(wall_s - used, 0.0),
            "reused": int(reused or 0)}  # fmt: skip


def measure_sites(work: Path, sizes: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Catalog build vs plain material build, per size (and one-process vs all cores)."""
    out: dict[int, dict[str, Any]] = {}
    for size in sizes:
        catalog, plain = _projects(work, size)
        _log(f"{size} moments: plain material build")
        _cold(plain)
        base = measure_build(plain)
        _log(f"{size} moments: catalog build ({base.wall_s:.1f} s plain)")
        _cold(catalog)
        built = measure_build(catalog)
        row: dict[str, Any] = {"plain": base.to_json(), "catalog": built.to_json(),
                               "ratio": ratio(built.wall_s, base.wall_s),
                               "phases": build_phases(built.log, built.wall_s)}  # fmt: skip
        _log(f"{size} moments: catalog rebuilt with nothing changed (build cache)")
        warm = measure_build(catalog)
        row["catalog_warm"] = warm.to_json()
        row["warm_ratio"] = ratio(warm.wall_s, base.wall_s)
        row["warm_phases"] = build_phases(warm.log, warm.wall_s)
        if size == 1000:
            _log("1,000 moments: catalog build in one process")
            _cold(catalog)
            single: BuildMeasurement = measure_build(catalog, env={"MICROMOMENTS_JOBS": "1"})
            row["catalog_one_process"] = single.to_json()
            row["parallel_speedup"] = ratio(single.wall_s, built.wall_s)
        _log(f"{size} moments: {built.wall_s:.1f} s, ratio {row['ratio']:.2f}")
        out[size] = row
    return out


def _email_sections(moment: Any, channel: Any) -> list[tuple[str, Any, Any]]:
    """(locale, email section, spec) for each locale of ``moment`` that has an email."""
    spec = moment.spec
    assert spec is not None
    found = ((locale, moment.section(locale, channel)) for locale in moment.locale_ids())
    return [(locale, section, spec) for locale, section in found if section is not None]


def email_pipeline(section: Any, spec: Any, locale: str, brand: Any, config: Any) -> str:
    """One email variant: copy -> MJML -> compiled HTML -> plain text; returns its MJML."""
    slots = Slots()
    doc = parse_copy(slots.protect(section.body))
    marketing = spec.email.kind == "marketing"
    unsubscribe = slots.protect(brand.unsubscribe_url).text if marketing else None
    output = render_email(
        spec.email.template,
        to_mjml(doc, brand, asset_base=brand.asset_base_url),
        subject=slots.protect(section.field_value("subject")).text,
        preheader=slots.protect(section.field_value("preheader")).text,
        locale=locale,
        direction="ltr",
        kind=spec.email.kind,
        brand=brand,
        templates_path=config.templates_path,
        asset_base=brand.asset_base_url,
        unsubscribe_url=unsubscribe,
    )
    email_text(doc, brand, kind=spec.email.kind, locale=locale, unsubscribe_url=unsubscribe)
    return str(output.mjml)


def measure_pipeline(project: Path, work: Path, variants: int = 200) -> dict[str, Any]:
    """Copy -> MJML -> compile -> plain text per email variant, vs official MJML in node."""
    from micromoments.config import ProjectConfig
    from micromoments.diagnostics import Report
    from micromoments.load import load_catalog
    from micromoments.model import Channel
    from micromoments.render.brand import load_brand
    from micromoments.render.email import SKELETONS

    config = ProjectConfig(root=project)
    catalog = load_catalog(config)
    brand = load_brand(config.templates_path, Report(), root=project)
    mjml_dir = work / "pipeline-mjml"
    shutil.rmtree(mjml_dir, ignore_errors=True)
    mjml_dir.mkdir(parents=True)
    ours: list[float] = []
    files: list[str] = []
    sharing: list[bool] = []
    moments = catalog.ordered()
    # Warm up on moments that are not timed (imports, the layout shells), then time each
    # variant once, in catalog order: every cache (skeletons, link targets) then holds what the
    # variants before it left, as in a build, and never the variant's own work.
    for moment in moments[-20:]:
        for locale, section, spec in _email_sections(moment, Channel.EMAIL):
            email_pipeline(section, spec, locale, brand, config)
    for moment in moments:
        if len(files) >= variants:
            break
        for locale, section, spec in _email_sections(moment, Channel.EMAIL):
            if len(files) >= variants:
                break
            hits = SKELETONS.hits
            start = time.perf_counter()
            mjml = email_pipeline(section, spec, locale, brand, config)
            ours.append((time.perf_counter() - start) * 1000)
            sharing.append(SKELETONS.hits > hits)
            file = mjml_dir / f"{moment.id}.{locale}.mjml"
            file.write_text(mjml, encoding="utf-8")
            files.append(str(file))
    _log(f"email pipeline: {len(ours)} variants, median {median(ours):.2f} ms; official MJML next")
    result = subprocess.run(
        ["node", str(NODE / "compile.mjs"), "--runs", "5", "--warmup", "2", "-"],
        input=json.dumps(files), capture_output=True, text=True, check=True, cwd=NODE,
    )  # fmt: skip
    node = json.loads(result.stdout)
    theirs = [median(t) for t in node["timings"].values()]
    return {
        "variants": len(ours),
        "shared_variants": sum(sharing),
        "ours_shared_median_ms": _median_where(ours, sharing, True),
        "ours_unshared_median_ms": _median_where(ours, sharing, False),
        "ours_median_ms": median(ours),
        "ours_p95_ms": p95(ours),
        "mjml_median_ms": median(theirs),
        "mjml_p95_ms": p95(theirs),
        "speedup_median": ratio(median(theirs), median(ours)),
        "speedup_p95": ratio(p95(theirs), p95(ours)),
        "mjml_version": node.get("mjml"),
        "node_errors": len(node.get("errors", {})),
    }


def _sharing_lines(pipeline: dict[str, Any]) -> list[str]:
    """How many variants found their shape compiled already (older results lack it)."""
    if "shared_variants" not in pipeline:
        return []
    shared, unshared = pipeline["ours_shared_median_ms"], pipeline["ours_unshared_median_ms"]
    parts = [f"{pipeline['shared_variants']} of the {pipeline['variants']} variants had the shape"
             " of a variant timed before them, so MRML did not run for them (see "
             "[Performance](performance.md#email-skeletons)); each variant is timed against the "
             "skeletons the variants before it left, never against its own."]  # fmt: skip
    if shared is not None and unshared is not None:
        parts.append(f" Median with a shared shape {shared:.2f} ms, with a new one "
                     f"{unshared:.2f} ms.")  # fmt: skip
    return ["".join(parts), ""]


def _median_where(values: list[float], flags: list[bool], want: bool) -> float | None:
    chosen = [v for v, f in zip(values, flags, strict=True) if f == want]
    return median(chosen) if chosen else None


def measure_checks(project: Path, moments: int = 150) -> dict[str, Any]:
    """Every check that runs on an email (email rules, client support, tone), per email."""
    from micromoments.build import build_moment
    from micromoments.checks.render_checks import check_renditions
    from micromoments.checks.tone import check_tone
    from micromoments.clients.data import load_dataset
    from micromoments.clients.reparse import shared_parser
    from micromoments.config import ProjectConfig
    from micromoments.diagnostics import Report
    from micromoments.load import load_catalog
    from micromoments.render.brand import load_brand

    config = ProjectConfig(root=project, jobs=1)
    catalog = load_catalog(config)
    brand = load_brand(config.templates_path, Report(), root=project)
    parser = shared_parser(load_dataset())
    per_email: list[float] = []
    previous: list[str] = []
    for moment in catalog.ordered()[:moments]:
        built = build_moment(moment, catalog.context, brand, "liquid", [])
        sample = [r.email.html for (_l, _v, s), r in built.previews.items()
                  if s == "sample" and r.email and r.email.html]  # fmt: skip
        if not sample:
            continue
        timings = []
        for _ in range(3):
            # The email parser re-uses what an email shares with one parsed before: leave it
            # as a build leaves it after the previous moment, not holding this moment's own
            # emails (which build_moment and the run before just parsed).
            parser.forget()
            for html in previous:
                parser.parse(html)
            start = time.perf_counter()
            report = Report(config.rules)
            check_tone(moment, catalog.context, report)
            check_renditions(moment, catalog.context, built.previews, report)
            timings.append((time.perf_counter() - start) * 1000 / len(sample))
        per_email.append(median(timings))
        previous = sample
    return {"emails": len(per_email), "median_ms": median(per_email), "p95_ms": p95(per_email)}


def _status(reached: bool) -> str:
    return "reached" if reached else "**missed**"


def _table(intro: str, header: list[str], rows: list[list[str]]) -> list[str]:
    """A paragraph and a Markdown table under it, as report lines."""
    return ["", intro, "", "| " + " | ".join(header) + " |",
            "| " + " | ".join("---" for _ in header) + " |",
            *("| " + " | ".join(row) + " |" for row in rows)]  # fmt: skip


def _warm_split(phases: dict[str, Any] | None) -> str:
    if not phases:
        return "not measured"
    return (f"{phases['moments_s']:.1f} s ({phases['reused']:,} reused) / "
            f"{phases['pages_s']:.1f} s")  # fmt: skip


def write_report(out: Path, facts: dict[str, Any], sites: dict[int, dict[str, Any]],
                 pipeline: dict[str, Any], checks: dict[str, Any],
                 edits: list[float]) -> None:  # fmt: skip
    """docs/benchmarks.md."""
    lines = [
        "# Benchmarks",
        "",
        "<!-- Written by `make bench` (bench/run.py); numbers from one run on the machine below. -->",
        "",
        "Synthetic catalogs derived from the example moments (email, SMS and push in two locales"
        " per moment, copy varied per moment) are built with `mkdocs build`, next to a plain"
        " mkdocs-material site of as many static pages of similar length kept out of the nav."
        " All ratios are measured in the same run. Where a target is missed,"
        " [Performance](performance.md) shows the profile that explains why and what comes next.",
        "",
        "## Targets",
        "",
        "| measure | target | reached | |",
        "| --- | --- | --- | --- |",
    ]
    big = max(sites)
    if 1000 in sites:
        r = sites[1000]["ratio"]
        lines.append(f"| catalog build vs plain material (1,000 moments) | ≤ 1.5× | {r:.2f}× | "
                     f"{_status(r <= TARGETS['catalog_ratio'])} |")  # fmt: skip
    if big != 1000:
        r = sites[big]["ratio"]
        lines.append(f"| catalog build vs plain material ({big:,} moments) | ≤ 1.5× | {r:.2f}× | "
                     f"{_status(r <= TARGETS['catalog_ratio'])} |")  # fmt: skip
    s = pipeline["speedup_median"]
    lines.append(f"| email pipeline vs official MJML (median) | ≥ 10× faster | {s:.1f}× | "
                 f"{_status(s >= TARGETS['pipeline_speedup'])} |")  # fmt: skip
    c = checks["median_ms"]
    lines.append(f"| checks per email (median) | ≤ 5 ms | {c:.2f} ms | "
                 f"{_status(c <= TARGETS['checks_ms'])} |")  # fmt: skip
    memory = _memory(sites[big]["catalog"])
    largest = sites[big]["catalog"]["peak_rss_bytes"]
    lines.append(f"| peak memory at {big:,} moments: largest process (RSS) | < 2 GB | "
                 f"{format_bytes(largest)} | {_status(largest < TARGETS['rss_10k'])} |")  # fmt: skip
    lines.append(f"| peak memory at {big:,} moments: all processes ({memory[0]}) | < 2 GB | "
                 f"{format_bytes(memory[1])} | {_status(memory[1] < TARGETS['rss_10k'])} |")  # fmt: skip
    if 1000 in sites and big != 1000:
        growth = ratio(sites[big]["catalog"]["wall_s"], sites[1000]["catalog"]["wall_s"])
        lines.append(f"| build time growth 1,000 → {big:,} | ≤ 11× | {growth:.1f}× | "
                     f"{_status(growth <= TARGETS['growth'])} |")  # fmt: skip
    if edits:
        e = median(edits)
        lines.append(f"| edit → rebuilt page in `mkdocs serve --dirty` (1,000 moments, median) | "
                     f"≤ 1 s | {e:.2f} s | {_status(e <= TARGETS['edit_s'])} |")  # fmt: skip
    lines += ["", "## Site builds", "",
              "| moments | plain material | catalog | ratio | catalog peak memory: largest "
              "process (RSS) / all processes (PSS) / all processes (RSS sum) |",
              "| --- | --- | --- | --- | --- |"]  # fmt: skip
    for size, row in sorted(sites.items()):
        pss = row["catalog"].get("peak_tree_pss_bytes")
        lines.append(
            f"| {size:,} | {row['plain']['wall_s']:.1f} s | {row['catalog']['wall_s']:.1f} s | "
            f"{row['ratio']:.2f}× | {format_bytes(row['catalog']['peak_rss_bytes'])} / "
            f"{format_bytes(pss) if pss else 'not measured'} / "
            f"{format_bytes(row['catalog']['peak_tree_rss_bytes'])} |"
        )
    phased = {size: row["phases"] for size, row in sorted(sites.items()) if row.get("phases")}
    if phased:
        lines += _table(
            "Where the catalog build's wall time goes, from the plugin's closing log line: the "
            "moments (loading, rendering, checking and storing previews and downloads, on the "
            "worker processes) start first; MkDocs writes the pages in one process, each moment "
            "page as soon as its moment is built, so the two overlap; the rest is starting up, "
            "the file list and navigation, converting hand-written pages, copying static files, "
            "and after the last page the sitemap, the search index, publishing the previews and "
            "downloads and putting the staged site in place.",
            ["moments", "moments (workers)", "pages (one process)", "of which overlapping",
             "the rest", "plain material, whole build"],
            [[f"{size:,}", f"{p['moments_s']:.1f} s", f"{p['pages_s']:.1f} s ({p['pages']:,} pages)",
              f"{p.get('overlap_s', 0.0):.1f} s", f"{p['other_s']:.1f} s",
              f"{sites[size]['plain']['wall_s']:.1f} s"]
             for size, p in phased.items()],
        )  # fmt: skip
    warm = {size: row for size, row in sorted(sites.items()) if "catalog_warm" in row}
    if warm:
        lines += _table(
            "A second `mkdocs build` with nothing changed reuses every moment's build from the "
            "build cache (`.cache/micromoments/builds.sqlite`, see "
            "[Performance](performance.md#the-build-cache)); the targets above are for the first, "
            "cold build.",
            ["moments", "plain material", "catalog, rebuilt unchanged", "ratio",
             "of which moments / pages"],
            [[f"{size:,}", f"{row['plain']['wall_s']:.1f} s",
              f"{row['catalog_warm']['wall_s']:.1f} s", f"{row['warm_ratio']:.2f}×",
              _warm_split(row.get("warm_phases"))]
             for size, row in warm.items()],
        )  # fmt: skip
    if 1000 in sites and "parallel_speedup" in sites[1000]:
        single = sites[1000]["catalog_one_process"]["wall_s"]
        lines += ["", f"Both cores: the 1,000-moment catalog builds in "
                  f"{sites[1000]['catalog']['wall_s']:.1f} s with a worker per core and "
                  f"{single:.1f} s in one process ({sites[1000]['parallel_speedup']:.2f}× faster)."]  # fmt: skip
    lines += [
        "",
        "## Email pipeline",
        "",
        f"{pipeline['variants']} email variants (copy → MJML → compiled HTML → plain text), each"
        " timed once in catalog order after a warm-up on other moments, so every cache holds what"
        " the variants before it left, as in a build, never the variant's own work; official MJML"
        f" {pipeline['mjml_version']} compiles the same MJML in-process in node (median of five"
        " runs per file after two warm-up runs).",
        "",
        "| | median | p95 |",
        "| --- | --- | --- |",
        f"| micromoments (whole pipeline) | {pipeline['ours_median_ms']:.2f} ms | "
        f"{pipeline['ours_p95_ms']:.2f} ms |",
        f"| official MJML (compile only) | {pipeline['mjml_median_ms']:.2f} ms | "
        f"{pipeline['mjml_p95_ms']:.2f} ms |",
        f"| speed-up | {pipeline['speedup_median']:.1f}× | {pipeline['speedup_p95']:.1f}× |",
        "",
        *_sharing_lines(pipeline),
        "## Checks",
        "",
        f"All checks that run on an email (email rules, client support, tone), per email, over "
        f"{checks['emails']} moments: median {checks['median_ms']:.2f} ms, p95 "
        f"{checks['p95_ms']:.2f} ms. The email parser holds what a build leaves in it after the "
        "previous moment, so an email re-uses the part it shares with those emails, never "
        "with itself.",
    ]
    if edits:
        lines += ["", "## Live edits", "",
                  "`mkdocs serve --dirty` (as `make serve` runs it) on the 1,000-moment catalog; a"
                  " word is added to one moment's email copy and the moment's page is polled until"
                  " it shows the word (the first build's files are flushed to disk before the"
                  " first edit): " + ", ".join(f"{e:.2f} s" for e in edits) + "."]  # fmt: skip
    lines += ["", "## Machine", ""]
    for key, value in facts.items():
        lines.append(f"- {key}: {value}")
    lines += [
        "",
        "## Reproduce",
        "",
        "```sh",
        "make bench                       # all sizes (the 10,000-moment builds take a while)",
        ".venv/bin/python -m bench.run --sizes 100,1000   # quicker",
        "```",
        "",
        "Catalogs are generated into `bench/.work/` (not committed); official MJML is installed"
        " with `npm ci` into `bench/mjml_node/node_modules/` and used only here.",
    ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _memory(measured: dict[str, Any]) -> tuple[str, int]:
    """What all processes of a build occupied: PSS where measured, else the RSS sum."""
    pss = measured.get("peak_tree_pss_bytes")
    return ("PSS", int(pss)) if pss else ("RSS sum", int(measured["peak_tree_rss_bytes"]))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--work", type=Path, default=REPO / "bench" / ".work")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the last run's results.json")  # fmt: skip
    args = parser.parse_args(argv)
    if args.report_only:
        raw = json.loads((args.work / "results.json").read_text(encoding="utf-8"))
        sites = {int(size): result for size, result in raw["sites"].items()}
        write_report(args.out, raw["facts"], sites, raw["pipeline"], raw["checks"], raw["edits"])
        _log(f"wrote {args.out}")
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    facts = machine_facts()
    sites = measure_sites(args.work, sizes)
    mid = 1000 if 1000 in sites else sizes[0]
    catalog, _plain = _projects(args.work, mid)
    pipeline = measure_pipeline(catalog, args.work)
    checks = measure_checks(catalog)
    _log("serve: edit latency")
    edits = measure_serve_latency(catalog, edits=args.edits) if mid == 1000 else []
    raw = {"facts": facts, "sites": sites, "pipeline": pipeline, "checks": checks, "edits": edits}
    (args.work / "results.json").write_text(
        json.dumps(raw, indent=2, default=str), encoding="utf-8"
    )
    write_report(args.out, facts, sites, pipeline, checks, edits)
    _log(f"wrote {args.out}")
    _empty_trash(args.work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
