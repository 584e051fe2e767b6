"""The catalog's generated pages: one module per page kind, each giving its template's context.

A page is a virtual Markdown file (front-matter only: title, tags, layout hints) whose HTML the
plugin renders from a template in ``templates/micromoments/``. The Markdown processor never sees
text from the specs, so nothing in a spec is ever interpreted as Markdown or HTML.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from .. import layout
from ..structure import CatalogSite, MomentView
from . import catalog, downloads, journey, moment, portfolio, quality, tones, tracking

Context = Callable[[], dict[str, Any]]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass(frozen=True)
class GeneratedPage:
    """A page the plugin adds: where it lives, its title, template and template context."""

    uri: str
    title: str
    template: str
    context: Context
    in_nav: bool = True
    hide: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    fingerprint: str | None = None  # what the page shows; None: rebuild every time

    def source(self) -> str:
        """The virtual Markdown file: front-matter only.

        Material prints ``page.meta.title`` (and tags) into the HTML without escaping, so every
        value that can come from a spec is HTML-escaped here.
        """
        key = (self.title, self.description, self.hide, self.tags, repr(self.extra))
        known = _SOURCES.get(key)
        if known is not None:
            return known
        meta: dict[str, Any] = {"title": html.escape(self.title, quote=False)}
        if self.description:
            meta["description"] = html.escape(self.description, quote=True)
        if self.hide:
            meta["hide"] = list(self.hide)
        if self.tags:
            meta["tags"] = [html.escape(t, quote=True) for t in self.tags]
        meta.update(self.extra)
        front = yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=True)
        if len(_SOURCES) >= _SOURCES_KEPT:
            _SOURCES.clear()
        _SOURCES[key] = text = f"---\n{front}---\n"
        return text


# Front-matter texts already dumped: a serve rebuild asks for every page's again, and YAML
# dumping a thousand of them took a tenth of a second. Bounded, so long sessions stay small.
_SOURCES: dict[tuple[str, str, tuple[str, ...], tuple[str, ...], str], str] = {}
_SOURCES_KEPT = 50_000


# Lists of moments repeat what the moment pages say; searching them would only return the same
# moment twice (and indexing a 10,000-card catalog page takes seconds on every rebuild).
_UNSEARCHED = {"search": {"exclude": True}}


def _overview_fingerprint(site: CatalogSite) -> str:
    """What the overview pages show: each moment's front-matter, problems and results.

    Editing a moment's copy leaves it unchanged, so ``serve --dirty`` then rebuilds just the
    moment's own page instead of every list of a thousand moments as well.
    """
    digest = hashlib.sha256()
    for view in site.moments:
        spec = view.spec
        digest.update(view.id.encode())
        digest.update(spec.model_dump_json().encode() if spec is not None else b"-")
        digest.update(_checks_and_results(view))
    for d in site.diagnostics:
        if d.moment is None:
            digest.update(d.format().encode())
    return digest.hexdigest()


def overview_pages(site: CatalogSite, *, fingerprints: bool = True) -> list[GeneratedPage]:
    """The pages meant for the nav: catalog, journey map, tracking plan, tones, ...

    Without ``fingerprints`` (the moments are still being built), they are always written.
    """
    shown = _overview_fingerprint(site) if fingerprints else None
    pages = [
        GeneratedPage(catalog.URI, catalog.TITLE, catalog.TEMPLATE,
                      lambda: catalog.context(site), hide=("toc",), extra=_UNSEARCHED),
        GeneratedPage(journey.URI, journey.TITLE, journey.TEMPLATE,
                      lambda: journey.context(site), hide=("navigation", "toc"),
                      extra=_UNSEARCHED),
        GeneratedPage(tracking.URI, tracking.TITLE, tracking.TEMPLATE,
                      lambda: tracking.context(site)),
        GeneratedPage(tones.URI, tones.TITLE, tones.TEMPLATE, lambda: tones.context(site)),
        GeneratedPage(portfolio.URI, portfolio.TITLE, portfolio.TEMPLATE,
                      lambda: portfolio.context(site), hide=("toc",), extra=_UNSEARCHED),
        GeneratedPage(quality.URI, quality.TITLE, quality.TEMPLATE,
                      lambda: quality.context(site), extra=_UNSEARCHED),
    ]  # fmt: skip
    pages = [replace(p, fingerprint=shown) for p in pages]
    # the downloads page shows file sizes, which change with every edit
    pages.append(GeneratedPage(downloads.URI, downloads.TITLE, downloads.TEMPLATE,
                               lambda: downloads.context(site), extra=_UNSEARCHED))  # fmt: skip
    return pages


def moment_pages(
    site: CatalogSite, view_of: Callable[[str], MomentView] | None = None
) -> list[GeneratedPage]:
    """One page per moment, out of the nav (overview pages link to them).

    With ``view_of``, the moments may still be being built: each page asks for its moment's
    view only when it is rendered, and has no fingerprint (it is always written). Without it,
    every view is in ``site.moments``.
    """
    views = {view.id: view for view in site.moments}
    get = view_of or views.__getitem__
    pages = []
    for item in site.build.catalog.ordered():
        spec = item.spec
        view = views.get(item.id)
        pages.append(
            GeneratedPage(
                layout.moment_page(item.id),
                item.title,
                moment.TEMPLATE,
                # bind the moment id now, not when the page is rendered
                (lambda mid=item.id: moment.context(site, get(mid))),  # type: ignore[misc]
                in_nav=False,
                hide=("navigation",),
                tags=tuple(spec.tags) if spec else (),
                description=item.summary_in(item.default_locale),
                fingerprint=_fingerprint(site, view) if view_of is None and view else None,
            )
        )
    return pages


def _fingerprint(site: CatalogSite, view: MomentView) -> str:
    """A moment page changes with its build, its diagnostics and its results."""
    digest = hashlib.sha256(site.build.keys.get(view.id, "").encode())
    digest.update(_checks_and_results(view))
    return digest.hexdigest()


def _checks_and_results(view: MomentView) -> bytes:
    """What a moment shows beyond its spec and build: its problems and its results."""
    parts = [d.format() for d in view.diagnostics]
    if view.results is not None:
        parts.append(json.dumps(view.results.to_json(), sort_keys=True, default=str))
    return "\n".join(parts).encode()


def all_pages(
    site: CatalogSite, view_of: Callable[[str], MomentView] | None = None
) -> list[GeneratedPage]:
    """Every generated page (see :func:`moment_pages` for ``view_of``)."""
    return overview_pages(site, fingerprints=view_of is None) + moment_pages(site, view_of)
