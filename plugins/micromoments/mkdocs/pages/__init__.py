"""The catalog's generated pages: one module per page kind, each giving its template's context.

A page is a virtual Markdown file (front-matter only: title, tags, layout hints) whose HTML the
plugin renders from a template in ``templates/micromoments/``. The Markdown processor never sees
text from the specs, so nothing in a spec is ever interpreted as Markdown or HTML.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..structure import CatalogSite
from . import catalog, downloads, journey, moment, portfolio, quality, tones, tracking

Context = Callable[[], dict[str, Any]]


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

    def source(self) -> str:
        """The virtual Markdown file: front-matter only.

        Material prints ``page.meta.title`` (and tags) into the HTML without escaping, so every
        value that can come from a spec is HTML-escaped here.
        """
        meta: dict[str, Any] = {"title": html.escape(self.title, quote=False)}
        if self.description:
            meta["description"] = html.escape(self.description, quote=True)
        if self.hide:
            meta["hide"] = list(self.hide)
        if self.tags:
            meta["tags"] = [html.escape(t, quote=True) for t in self.tags]
        meta.update(self.extra)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)
        return f"---\n{front}---\n"


def overview_pages(site: CatalogSite) -> list[GeneratedPage]:
    """The pages meant for the nav: catalog, journey map, tracking plan, tones, ..."""
    return [
        GeneratedPage(catalog.URI, catalog.TITLE, catalog.TEMPLATE,
                      lambda: catalog.context(site), hide=("toc",)),
        GeneratedPage(journey.URI, journey.TITLE, journey.TEMPLATE,
                      lambda: journey.context(site), hide=("navigation", "toc")),
        GeneratedPage(tracking.URI, tracking.TITLE, tracking.TEMPLATE,
                      lambda: tracking.context(site)),
        GeneratedPage(tones.URI, tones.TITLE, tones.TEMPLATE, lambda: tones.context(site)),
        GeneratedPage(portfolio.URI, portfolio.TITLE, portfolio.TEMPLATE,
                      lambda: portfolio.context(site), hide=("toc",)),
        GeneratedPage(quality.URI, quality.TITLE, quality.TEMPLATE,
                      lambda: quality.context(site)),
        GeneratedPage(downloads.URI, downloads.TITLE, downloads.TEMPLATE,
                      lambda: downloads.context(site)),
    ]  # fmt: skip


def moment_pages(site: CatalogSite) -> list[GeneratedPage]:
    """One page per moment, out of the nav (overview pages link to them)."""
    pages = []
    for view in site.moments:
        pages.append(
            GeneratedPage(
                view.page,
                view.title,
                moment.TEMPLATE,
                # bind the loop variable now, not when the page is rendered
                (lambda v=view: moment.context(site, v)),  # type: ignore[misc]
                in_nav=False,
                hide=("navigation",),
                tags=tuple(view.tags),
                description=view.summary,
            )
        )
    return pages


def all_pages(site: CatalogSite) -> list[GeneratedPage]:
    """Every generated page."""
    return overview_pages(site) + moment_pages(site)
