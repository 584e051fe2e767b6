"""Downloads: every module of every moment, zipped, plus catalog.json and the event schemas."""

from __future__ import annotations

from typing import Any

from .. import layout
from ..structure import CatalogSite, Download

URI = layout.DOWNLOADS
TITLE = "Downloads"
TEMPLATE = "downloads.html"
ALL_MODULES = "micromoments-modules.zip"
CATALOG_JSON = "catalog.json"


def context(site: CatalogSite) -> dict[str, Any]:
    """The catalog-wide files and the per-moment zips."""
    store = site.store
    overall = [Download(name, layout.download(name), store.file(layout.download(name)).stat().st_size)
               for name in (ALL_MODULES, CATALOG_JSON)
               if store is not None and layout.download(name) in store.paths]  # fmt: skip
    schemas = [(e, site.schemas[e.slug]) for e in site.events]
    return {"overall": overall, "moments": site.moments, "schemas": schemas,
            "dialect": site.build.dialect}  # fmt: skip
