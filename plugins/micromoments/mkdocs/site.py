"""Building the catalog site's content from a project: the core build plus results, arranged.

This is the only place the plugin calls the core. It never touches MkDocs objects, so it can be
tested and reused on its own; :mod:`.plugin` turns the result into MkDocs files and pages.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..build import CATALOG_ZIP, BuildCache, CatalogBuild, MomentBuild, build_catalog
from ..checks.sms import sms_summary
from ..config import Dialect, ProjectConfig
from ..diagnostics import Diagnostic, Report
from ..render.brand import Brand
from ..render.email import find_asset
from ..results.charts import moment_charts
from ..results.summary import portfolio, summarize_catalog
from ..write.zips import ZipMerger
from . import layout
from .previews import SCHEMES, AssetCopies, email_previews, localised, web_previews
from .store import FileStore
from .structure import CatalogSite, Download, MomentView, PreviewState
from .tracking import tracking_plan


def load_site(
    project: ProjectConfig,
    *,
    cache: BuildCache | None = None,
    dialect: Dialect | None = None,
    store: FileStore | None = None,
    serve: bool = False,
    view_cache: dict[str, MomentView] | None = None,
    on_loaded: Callable[[CatalogSite], None] | None = None,
    on_moment: Callable[[MomentView], None] | None = None,
) -> CatalogSite:
    """Build every moment (reusing ``cache``), read the results, and arrange the site.

    Moments stream: each one's previews and downloads go to ``store`` as soon as it is built,
    and only what the pages show stays in memory. While serving, the catalog-wide zip (which
    changes with every edit and takes a while for large catalogs) is left as it was built last.

    ``view_cache`` (kept across serve rebuilds, by build key) lends the page data of a moment whose
    build was reused; it is updated to this build's views.

    ``on_loaded`` receives the site as soon as every spec is read (its moments still to come),
    and ``on_moment`` each moment's finished view, in catalog order: a moment's page can be
    written while later moments are still being built. The site is complete when this returns.
    """
    store = store or FileStore(project.root / ".cache" / "micromoments" / "site")
    store.clear()
    assets = AssetCopies()
    reused = dict(view_cache) if view_cache is not None else {}
    if view_cache is not None:
        view_cache.clear()
    views: list[MomentView] = []
    holder: list[CatalogSite] = []
    problems = _ProblemsByMoment()
    # while serving, a catalog zip from an earlier build is kept rather than rebuilt per edit
    kept_zip = serve and store.keep(layout.download(CATALOG_ZIP))
    zip_part = store.root / ".catalog-zip.partial"
    with contextlib.ExitStack() as stack:
        merger = None
        if not kept_zip:
            zip_part.parent.mkdir(parents=True, exist_ok=True)
            merger = ZipMerger(stack.enter_context(zip_part.open("wb")))

        def loaded(build: CatalogBuild) -> None:
            holder.append(_arranged(build, views))
            holder[0].store = store
            if on_loaded is not None:
                on_loaded(holder[0])

        def sink(build: CatalogBuild, built: MomentBuild) -> None:
            site = holder[0]
            key = build.keys.get(built.moment.id, "")
            view = _moment_view(site, built, assets, store, reused.get(key))
            view.diagnostics = problems.of(built.moment.id, build.report)
            results = view.results = site.results.get(view.id)
            view.charts = moment_charts(results) if results is not None and results.has_data else {}
            views.append(view)
            if view_cache is not None:
                view_cache[key] = view
            if merger is not None and built.sizes:
                # a cached build was released after its first build: its zip is in the store
                zipped = built.zip or store.read(layout.download(f"{built.moment.id}.zip"))
                merger.add_zip(zipped)
            if on_moment is not None:
                on_moment(view)

        finish = StoreFiles(store.root, project.templates_path)
        build = build_catalog(project, cache=cache, dialect=dialect, sink=sink, finish=finish,
                              on_loaded=loaded)  # fmt: skip
        catalog_json = build.artifacts["catalog.json"]
        if merger is not None:
            merger.add("catalog.json", catalog_json)
            merger.close()
    if not kept_zip:
        store.adopt(layout.download(CATALOG_ZIP), zip_part)
    store.put(layout.download("catalog.json"), catalog_json)
    # the images previews show are published with them (names are by content: never stale)
    for path, data in assets.files.items():
        store.put(path, data)
    site = holder[0]
    site.build = build
    site.diagnostics = build.report.sorted()
    store.prune()
    return site


def _arranged(build: CatalogBuild, views: list[MomentView]) -> CatalogSite:
    """The site as far as it is known once specs and results are read (moments still to come)."""
    assert build.results is not None
    summaries = summarize_catalog(build.catalog, build.results)
    site = CatalogSite(build=build, moments=views, events=tracking_plan(build.catalog.ordered()),
                       results=summaries, portfolio=portfolio(summaries.values()),
                       diagnostics=[])  # fmt: skip
    for event in site.events:
        path = layout.event_schema(event.slug)
        site.schemas[event.slug] = path
        text = json.dumps(event.schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        site.files[path] = text.encode()
    return site


class _ProblemsByMoment:
    """Each moment's diagnostics, found in the build's report as moments arrive.

    A moment's diagnostics (its spec's, its results', its build's) are all in the report when
    it reaches the sink; indexing only what was added since the last moment keeps this linear.
    """

    def __init__(self) -> None:
        self.seen = 0
        self.by_moment: dict[str | None, list[Diagnostic]] = {}

    def of(self, moment_id: str, report: Report) -> list[Diagnostic]:
        """``moment_id``'s diagnostics, in the order of :meth:`.Report.sorted`."""
        fresh = report.diagnostics[self.seen :]
        self.seen += len(fresh)
        for d in fresh:
            self.by_moment.setdefault(d.moment, []).append(d)
        return sorted(set(self.by_moment.pop(moment_id, [])), key=Diagnostic.sort_key)


@dataclass(frozen=True)
class StoreFiles:
    """Writes a fresh moment's downloads and previews to the file store, where it was built.

    It runs in the worker that built the moment (see ``finish`` in
    :func:`~micromoments.build.build_catalog`), so only the light build travels back: the
    preview HTML is made, and every file written, on all cores rather than in the one process
    that also receives the builds. The build records what went where (``written``, ``changed``,
    ``preview_assets``) for :func:`_moment_view` and for the build cache.
    """

    root: Path
    templates: Path

    def __call__(self, built: MomentBuild, brand: Brand) -> None:
        store = FileStore(self.root)
        moment_id = built.moment.id
        for name, data in built.artifacts.items():
            store.put(layout.download(f"{moment_id}/{name}"), data)
        if built.zip:
            store.put(layout.download(f"{moment_id}.zip"), built.zip)
        assets = AssetCopies()
        for (locale, variant, scenario), rendition in built.previews.items():
            for channel, source in (("email", rendition.email), ("web", rendition.web)):
                if source is None:
                    continue
                files = {scheme: layout.preview_file(moment_id, channel, locale, variant,
                                                     scenario, scheme) for scheme in SCHEMES}  # fmt: skip
                document = localised(source.html, beside=files["light"], brand=brand,
                                     templates=self.templates, assets=assets)  # fmt: skip
                if channel == "web" and rendition.web is not None:
                    pages = web_previews(document, title=rendition.web.title, locale=locale,
                                         direction=rendition.direction)  # fmt: skip
                else:
                    pages = email_previews(document)
                for scheme, target in files.items():
                    store.put(target, pages[scheme].encode())
        built.written = list(store.order)
        built.changed = [path for path in store.order if path in store.written]
        built.preview_assets = sorted(assets.used)
        built.release()


def _moment_view(
    site: CatalogSite,
    built: MomentBuild,
    assets: AssetCopies,
    store: FileStore,
    reused: MomentView | None = None,
) -> MomentView:
    """What the moment's page shows; ``reused`` is the last build's view, taken if still right.

    The moment's files are in the store already (written by :class:`StoreFiles`, in this
    build or an earlier one); here they are only counted as this build's.
    """
    moment = built.moment
    templates = site.build.catalog.config.templates_path
    for path in built.written:
        store.keep(path, check=False)
    store.written.update(built.changed)
    built.changed = []  # a later build that reuses this one changes nothing
    for name in built.preview_assets:  # its previews' images go into this site too
        file = find_asset(templates, name)
        if file is not None:
            assets.site_path(file)
    if reused is not None and reused.built is built and reused.moment is moment:
        return reused
    spec = moment.spec
    journey = site.journey
    phase = spec.phase if spec else ""
    phase_title = journey.phases[phase].title if journey and phase in journey.phases else phase
    audiences = []
    for audience in spec.audiences if spec else []:
        known = journey.audiences.get(audience) if journey else None
        audiences.append((audience, known.title if known else audience))
    view = MomentView(
        moment=moment,
        built=built,
        page=layout.moment_page(moment.id),
        diagnostics=[],
        phase_title=phase_title,
        tone=site.tones.get(spec.tone) if spec else None,
        audiences=audiences,
        results=None,
    )
    view.previews = _previews(site, built)
    for name, size in built.sizes.items():
        view.downloads.append(Download(name, layout.download(f"{moment.id}/{name}"), size))
    zipped = layout.download(f"{moment.id}.zip")
    if built.sizes and zipped in store.paths:
        view.zip = Download(f"{moment.id}.zip", zipped, store.file(zipped).stat().st_size)
    return view


def _previews(site: CatalogSite, built: MomentBuild) -> list[PreviewState]:
    """The previews a moment page shows, in locale, variant and scenario order."""
    moment = built.moment
    journey = site.journey
    locales = moment.locale_ids()
    states: list[PreviewState] = []
    ordered = sorted(built.previews.items(), key=lambda kv: (
        locales.index(kv[0][0]) if kv[0][0] in locales else len(locales),
        kv[0][1] or "", 0 if kv[0][2] == "sample" else 1))  # fmt: skip
    for (locale, variant, scenario), light in ordered:
        known = journey.locales.get(locale) if journey else None
        state = PreviewState(locale, known.name if known else locale, variant, scenario, light)
        for scheme in SCHEMES:
            if light.email is not None:
                state.email[scheme] = layout.preview_file(moment.id, "email", locale, variant,
                                                          scenario, scheme)  # fmt: skip
            if light.web is not None:
                state.web[scheme] = layout.preview_file(moment.id, "web", locale, variant,
                                                        scenario, scheme)  # fmt: skip
        if light.sms is not None:
            state.sms = sms_summary(light.sms)
        states.append(state)
    return states


def project_root(config_file: str | None) -> Path:
    """The folder of mkdocs.yml: the root every project path is relative to."""
    return Path(config_file or "mkdocs.yml").resolve().parent
