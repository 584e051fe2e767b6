"""Building the catalog site's content from a project: the core build plus results, arranged.

This is the only place the plugin calls the core. It never touches MkDocs objects, so it can be
tested and reused on its own; :mod:`.plugin` turns the result into MkDocs files and pages.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..build import BuildCache, MomentBuild, build_catalog
from ..checks.sms import sms_summary
from ..config import Dialect, ProjectConfig
from ..diagnostics import Diagnostic
from ..results.charts import moment_charts
from ..results.summary import portfolio, summarize_catalog
from . import layout
from .previews import SCHEMES, AssetCopies, email_preview, web_preview
from .structure import CatalogSite, Download, MomentView, PreviewState
from .tracking import tracking_plan


def load_site(
    project: ProjectConfig, *, cache: BuildCache | None = None, dialect: Dialect | None = None
) -> CatalogSite:
    """Build every moment (reusing ``cache``), read the results, and arrange the site."""
    build = build_catalog(project, cache=cache, dialect=dialect)
    diagnostics = build.report.sorted()
    assert build.results is not None
    summaries = summarize_catalog(build.catalog, build.results)
    site = CatalogSite(
        build=build,
        moments=[],
        events=tracking_plan(build.catalog.ordered()),
        results=summaries,
        portfolio=portfolio(summaries.values()),
        diagnostics=diagnostics,
    )
    assets = AssetCopies()
    for moment in build.catalog.ordered():
        built = build.moments.get(moment.id) or MomentBuild(moment=moment)
        mine = [d for d in diagnostics if d.moment == moment.id]
        site.moments.append(_moment_view(site, built, mine, assets))
    for key, data in build.artifacts.items():
        site.files[layout.download(key)] = data
    for event in site.events:
        path = layout.event_schema(event.slug)
        site.schemas[event.slug] = path
        text = json.dumps(event.schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        site.files[path] = text.encode()
    site.files.update(assets.files)
    return site


def _moment_view(
    site: CatalogSite, built: MomentBuild, diagnostics: list[Diagnostic], assets: AssetCopies
) -> MomentView:
    moment = built.moment
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
        diagnostics=diagnostics,
        phase_title=phase_title,
        tone=site.tones.get(spec.tone) if spec else None,
        audiences=audiences,
        results=site.results.get(moment.id),
    )
    if view.results is not None and view.results.has_data:
        view.charts = moment_charts(view.results)
    view.previews = _previews(site, built, assets)
    for name, data in built.artifacts.items():
        view.downloads.append(Download(name, layout.download(f"{moment.id}/{name}"), len(data)))
    zipped = site.build.artifacts.get(f"{moment.id}.zip")
    if zipped is not None:
        view.zip = Download(f"{moment.id}.zip", layout.download(f"{moment.id}.zip"), len(zipped))
    return view


def _previews(site: CatalogSite, built: MomentBuild, assets: AssetCopies) -> list[PreviewState]:
    moment = built.moment
    brand = site.build.brand
    templates = site.build.catalog.config.templates_path
    journey = site.journey
    locales = moment.locale_ids()
    states: list[PreviewState] = []
    ordered = sorted(built.previews.items(), key=lambda kv: (
        locales.index(kv[0][0]) if kv[0][0] in locales else len(locales),
        kv[0][1] or "", 0 if kv[0][2] == "sample" else 1))  # fmt: skip
    for (locale, variant, scenario), rendition in ordered:
        known = journey.locales.get(locale) if journey else None
        state = PreviewState(locale, known.name if known else locale, variant, scenario, rendition)
        for scheme in SCHEMES:
            if rendition.email is not None:
                target = layout.preview_file(moment.id, "email", locale, variant, scenario, scheme)
                state.email[scheme] = target
                site.files[target] = email_preview(
                    rendition.email.html, scheme, target=target, brand=brand,
                    templates=templates, assets=assets,
                ).encode()  # fmt: skip
            if rendition.web is not None:
                target = layout.preview_file(moment.id, "web", locale, variant, scenario, scheme)
                state.web[scheme] = target
                site.files[target] = web_preview(
                    rendition.web.html, scheme, target=target, title=rendition.web.title,
                    locale=locale, direction=rendition.direction, brand=brand,
                    templates=templates, assets=assets,
                ).encode()  # fmt: skip
        if rendition.sms is not None:
            state.sms = sms_summary(rendition.sms)
        states.append(state)
    return states


def project_root(config_file: str | None) -> Path:
    """The folder of mkdocs.yml: the root every project path is relative to."""
    return Path(config_file or "mkdocs.yml").resolve().parent
