"""Building a catalog: load, render, check and package every moment.

This is the one entry point the CLI and the MkDocs plugin share. Per-moment work (render,
checks, previews, production modules, artifacts) depends only on the moment and the shared
inputs, so it is cached by content hash across rebuilds (``mkdocs serve``) and can run in
parallel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks.render_checks import check_renditions
from .config import Dialect, ProjectConfig
from .context import Context
from .diagnostics import Diagnostic, Report, Severity
from .load import load_catalog
from .load.loader import Catalog, LoadCache
from .model import Moment
from .parallel import one_pool, pmap
from .parallel import shared as worker_state
from .render.brand import Brand, load_brand
from .render.dialects import UNEXPRESSIBLE, apply, render_slots
from .render.email import reset_layout_cache
from .render.fill import SCENARIOS, Filler
from .render.moment import render_moment
from .render.outputs import Rendition
from .results.data import Results, load_results
from .write.artifacts import catalog_json, index_text, moment_artifacts
from .write.zips import deterministic_zip, merge_zips

CATALOG_ZIP = "micromoments-modules.zip"

Key = tuple[str, str | None]  # (locale, variant)


@dataclass
class MomentBuild:
    """Everything built for one moment."""

    moment: Moment
    renditions: dict[Key, Rendition] = field(default_factory=dict)
    previews: dict[tuple[str, str | None, str], Rendition] = field(default_factory=dict)
    production: dict[Key, Rendition] = field(default_factory=dict)
    artifacts: dict[str, bytes] = field(default_factory=dict)
    zip: bytes = b""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressed: list[Diagnostic] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # artifact name to bytes
    was_rendered: bool = False
    written: list[str] = field(default_factory=list)  # where ``finish`` put the files (cached too)
    changed: list[str] = field(default_factory=list)  # of those, the ones this build rewrote
    preview_assets: list[str] = field(default_factory=list)  # images its previews show
    index_text: str | None = None  # this moment's entry in catalog.json, once encoded

    @property
    def rendered(self) -> bool:
        """True when the moment produced modules (its spec had no errors)."""
        return self.was_rendered

    def release(self) -> None:
        """Drop the bulky output once it is written, keeping what pages show.

        Large catalogs stream: each moment's files go to disk as soon as it is built, and only
        this light version (subjects, texts, sizes) stays in memory.
        """
        self.renditions = {}
        self.production = {}
        self.artifacts = {}
        self.zip = b""
        self.previews = {key: r.light() for key, r in self.previews.items()}


@dataclass
class CatalogBuild:
    """The whole build: the catalog, each moment's build, and every diagnostic."""

    catalog: Catalog
    brand: Brand
    dialect: Dialect
    moments: dict[str, MomentBuild] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    artifacts: dict[str, bytes] = field(default_factory=dict)
    results: Results | None = None
    keys: dict[str, str] = field(default_factory=dict)  # moment id to its content fingerprint

    @property
    def has_errors(self) -> bool:
        """True when any diagnostic is an error."""
        return self.report.has_errors


class BuildCache:
    """Moment builds by content hash, kept across rebuilds of ``mkdocs serve``."""

    # ``mkdocs serve`` reports positions in specs it reuses, so loaded specs keep their YAML
    keep_sources = True

    def __init__(self) -> None:
        self.entries: dict[str, MomentBuild] = {}
        self.loaded = LoadCache()  # parsed and checked specs, by file content
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> MomentBuild | None:
        """The cached build for ``key``, counting hits and misses."""
        found = self.entries.get(key)
        if found is None:
            found = self._stored(key)
            if found is not None:
                self.entries[key] = found
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _stored(self, key: str) -> MomentBuild | None:
        """A build kept outside memory (see :class:`.diskcache.DiskBuildCache`)."""
        return None

    def put(self, key: str, built: MomentBuild) -> None:
        """Remember a fresh build."""
        self.entries[key] = built

    def keep_only(self, keys: set[str]) -> None:
        """Forget builds of moments that no longer exist (or changed)."""
        self.entries = {k: v for k, v in self.entries.items() if k in keys}


def _fingerprint(*parts: object) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    if folder.is_dir():
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(file.relative_to(folder).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


@one_pool()
def build_catalog(
    config: ProjectConfig,
    *,
    dialect: Dialect | None = None,
    cache: BuildCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    only: set[str] | None = None,
    package_files: bool = True,
    sink: Callable[[CatalogBuild, MomentBuild], None] | None = None,
    finish: Callable[[MomentBuild, Brand], None] | None = None,
    on_loaded: Callable[[CatalogBuild], None] | None = None,
) -> CatalogBuild:
    """Load, render, check and package every moment of the project (or ``only`` these ids).

    With ``sink``, each moment is handed over as soon as it is built (in catalog order) and
    then released, so memory stays flat for catalogs of any size; ``artifacts`` then holds only
    catalog.json, and the sink writes the rest (see :class:`.write.zips.ZipMerger`).

    ``finish`` (a picklable callable) runs on each fresh build in the process that made it,
    before the build travels back: it can write the moment's files and :meth:`~MomentBuild.release`
    it there, so only the light build crosses to this process. Megabytes of HTML per moment
    otherwise queue in the pipe from the workers, which wait while this process is busy.

    ``on_loaded`` is called once every spec and the results are read, before the first moment is
    built: from then on the build's catalog, brand and results are complete, and each moment's
    diagnostics are all in the report by the time ``sink`` receives it.

    Loading and rendering share one set of worker processes (see :func:`.parallel.one_pool`).
    """
    reset_layout_cache()
    catalog = load_catalog(config, cache=cache.loaded if cache is not None else None)
    report = Report(config.rules)
    brand = load_brand(config.templates_path, report, root=config.root)
    chosen: Dialect = dialect or config.dialect
    result = CatalogBuild(catalog=catalog, brand=brand, dialect=chosen, report=report)
    report.extend(d for d in catalog.report if d.moment is None)
    report.extend(d for d in catalog.report.suppressed if d.moment is None)
    shared = _fingerprint(
        config.model_dump(mode="json"),
        chosen,
        brand.model_dump(mode="json"),
        catalog.context.journey.model_dump(mode="json") if catalog.context.journey else None,
        {k: v.model_dump(mode="json") for k, v in catalog.context.tones.items()},
        _folder_hash(config.templates_path),
    )
    ordered = [m for m in catalog.ordered() if only is None or m.id in only]
    by_moment: dict[str | None, list[Diagnostic]] = {}
    for d in catalog.report:
        by_moment.setdefault(d.moment, []).append(d)
    silenced: dict[str | None, list[Diagnostic]] = {}
    for d in catalog.report.suppressed:
        silenced.setdefault(d.moment, []).append(d)
    todo: list[tuple[Moment, list[Diagnostic]]] = []
    found: dict[str, MomentBuild] = {}
    for moment in ordered:
        loaded = by_moment.get(moment.id, [])
        key = _fingerprint(shared, moment.source_hash, [d.to_json() for d in loaded])
        result.keys[moment.id] = key
        built = cache.get(key) if cache is not None else None
        if built is None:
            todo.append((moment, loaded))
        else:
            found[moment.id] = built
    # read before any moment is built, so a moment is complete (results problems included)
    # when it reaches the sink
    result.results = load_results(config, catalog, report)
    if on_loaded is not None:
        on_loaded(result)
    state = {"ctx": catalog.context, "brand": brand, "dialect": chosen, "finish": finish}
    fresh = iter(pmap(_build_one, todo, state=state, jobs=config.jobs))
    for index, moment in enumerate(ordered, start=1):
        built = found.get(moment.id) or next(fresh)
        built.moment = moment
        if moment.id not in found:
            built.suppressed[:0] = silenced.get(moment.id, [])
            if cache is not None:
                # encoded now, as the cache may store the build right away; catalog.json and
                # later builds that reuse this one take the text as it is
                built.index_text = index_text(moment, built)
                cache.put(result.keys[moment.id], built)
        result.moments[moment.id] = built
        report.extend(built.diagnostics)
        report.extend(built.suppressed)
        built.diagnostics = report.interned(built.diagnostics)
        if sink is not None:
            sink(result, built)
            built.release()
            if cache is None or not cache.keep_sources:  # no positions needed: keep memory flat
                moment.yaml = None
                for translation in moment.translations.values():
                    translation.yaml = None
        if progress is not None:
            progress(index, len(ordered))
    if sink is not None:
        result.artifacts = {"catalog.json": catalog_json(result, remember=cache is not None)}
    elif package_files:
        result.artifacts = package(result)
    if cache is not None:
        cache.keep_only(set(result.keys.values()))
    return result


def _build_one(item: tuple[Moment, list[Diagnostic]]) -> MomentBuild:
    state = worker_state()
    built = build_moment(item[0], state["ctx"], state["brand"], state["dialect"], item[1])
    finish = state["finish"]
    if finish is not None:
        finish(built, state["brand"])
        # the caller has this spec already and attaches it again: do not send it back
        built.moment = None  # type: ignore[assignment]
    return built


def build_moment(
    moment: Moment, ctx: Context, brand: Brand, dialect: Dialect, loaded: list[Diagnostic]
) -> MomentBuild:
    """Render, check and package one moment (its load diagnostics are ``loaded``)."""
    built = MomentBuild(moment=moment, diagnostics=list(loaded))
    if not moment.ok or any(d.severity is Severity.ERROR for d in loaded):
        return built  # a broken spec gets a page with its diagnostics, but no modules
    render = render_moment(moment, ctx, brand)
    built.was_rendered = bool(render.renditions)
    report = Report(ctx.config.rules)
    report.extend(render.diagnostics)
    for rendition in render.renditions:
        key = (rendition.locale, rendition.variant)
        built.renditions[key] = rendition
        for scenario, values_of in SCENARIOS.items():
            filler = Filler(rendition.slots, rendition.data, values_of(rendition.data))
            built.previews[(rendition.locale, rendition.variant, scenario)] = preview(
                rendition, filler
            )
        built.production[key] = production(rendition, dialect, moment, report)
    check_renditions(moment, ctx, built.previews, report)
    built.diagnostics.extend(report.diagnostics)
    built.suppressed.extend(report.suppressed)
    if not any(d.severity is Severity.ERROR for d in built.diagnostics):
        built.artifacts = moment_artifacts(built, brand, dialect, ctx)
        built.sizes = {name: len(data) for name, data in built.artifacts.items()}
        built.zip = deterministic_zip({f"{moment.id}/{n}": d for n, d in built.artifacts.items()})
    return built


def preview(rendition: Rendition, filler: Filler) -> Rendition:
    """The rendition with every token filled by ``filler``'s values."""
    return rendition.transform(
        html=lambda t: filler.fill(t, escape=True),
        text=lambda t: filler.fill(t, escape=False),
    )


def production(rendition: Rendition, dialect: Dialect, moment: Moment, report: Report) -> Rendition:
    """The rendition with merge tags of ``dialect``; what it cannot express is reported."""
    as_html = render_slots(rendition.slots, rendition.data, dialect, html=True)
    as_text = render_slots(rendition.slots, rendition.data, dialect, html=False)
    seen: set[str] = set()
    for problem in [*as_html.problems, *as_text.problems]:
        if problem.message in seen:
            continue
        seen.add(problem.message)
        report.add(UNEXPRESSIBLE.id, moment.path, moment.key_pos("channels"),
                   f"{dialect}: {problem.message}", problem.hint, moment=moment.id)  # fmt: skip
    return rendition.transform(
        html=lambda t: apply(t, as_html, dialect),
        text=lambda t: apply(t, as_text, dialect),
    )


def package(result: CatalogBuild) -> dict[str, bytes]:
    """All artifacts: per-moment files, a zip per moment, the catalog zip and catalog.json."""
    files: dict[str, bytes] = {}
    zips = []
    for mid, built in result.moments.items():
        if not built.artifacts:
            continue
        for name, data in built.artifacts.items():
            files[f"{mid}/{name}"] = data
        files[f"{mid}.zip"] = built.zip
        zips.append(built.zip)
    files["catalog.json"] = catalog_json(result)
    files[CATALOG_ZIP] = merge_zips(zips, {"catalog.json": files["catalog.json"]})
    return files


def diagnostics_by_moment(result: CatalogBuild) -> Mapping[str, list[Diagnostic]]:
    """Sorted diagnostics per moment id."""
    out: dict[str, list[Diagnostic]] = {mid: [] for mid in result.moments}
    for d in result.report.sorted():
        if d.moment in out:
            out[d.moment].append(d)
    return out


def json_bytes(value: Any) -> bytes:
    """Stable, readable JSON."""
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode()
