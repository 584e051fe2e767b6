"""Rendering the plugin's templates with the theme's Jinja environment.

Templates are looked up in ``micromoments/`` through the theme's loader, whose search path is
the user's ``custom_dir`` first, then the plugin's templates, then the theme: a team overrides a
page or fragment by putting a file with the same path in its ``custom_dir``. Unlike MkDocs'
own templates, ours autoescape: every value from a spec is escaped unless a template marks it
safe on purpose.
"""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Collection
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from ..model.types import Duration
from ..results.charts import format_value
from . import layout
from .richtext import markdown_html

NAMESPACE = "micromoments"
PATHS = {
    "catalog": layout.CATALOG,
    "journey": layout.JOURNEY,
    "tracking": layout.TRACKING,
    "tones": layout.TONES,
    "portfolio": layout.PORTFOLIO,
    "quality": layout.QUALITY,
    "downloads": layout.DOWNLOADS,
}


def _size(n: int) -> str:
    """``512 B``, ``18.4 kB``, ``1.2 MB``."""
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.1f} kB"
    return f"{n / 1_000_000:.1f} MB"


def _value(value: Any) -> str:
    """An example or fallback as people read it (lists and objects as compact JSON)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _duration(value: Any) -> str:
    return value.describe() if isinstance(value, Duration) else str(value or "")


def _metric(value: float | None, unit: str = "number") -> str:
    return "–" if value is None else format_value(value, unit)


def _markdown(text: str, top: int = 3) -> Markup:
    return markdown_html(text, top=top)


FILTERS: dict[str, Any] = {
    "mm_size": _size,
    "mm_value": _value,
    "mm_duration": _duration,
    "mm_metric": _metric,
    "mm_markdown": _markdown,
}


def template_env(config: MkDocsConfig, *, watch: bool) -> jinja2.Environment:
    """A Jinja environment over the theme's template path, with autoescaping and our filters.

    It is our own (turning autoescape on cannot affect the theme's pages). With ``watch`` it
    checks template files for changes, so one environment can serve every rebuild of ``mkdocs
    serve``: compiled templates are reused and an edited override is picked up. A one-off build
    does without: the check is a ``stat`` per template per page, about 30 per moment page.
    """
    env = config.theme.get_env()
    env.autoescape = True
    env.auto_reload = watch
    env.filters.update(FILTERS)
    env.globals["paths"] = PATHS
    return env


def _parts(path: str) -> list[str]:
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return path.split("/") if path else []


def relative_url(url: str, other: str) -> str:
    """``url`` relative to the page at ``other``, as ``mkdocs.utils.get_relative_url`` gives it.

    MkDocs keeps the parts of every path it was ever asked about in an unbounded cache; the
    previews and downloads linked from 10,000 moment pages are asked about once each, and
    that cache grew past 100 MB.
    """
    if other.endswith("/") and _plain(other) and _plain(url):
        # both already normal (a moment page's links): the common folders are the common
        # prefix of the two strings, up to its last "/"
        shared = os.path.commonprefix((other, url))  # noqa: RUF071 (cut at "/" below)
        if len(shared) < len(url):  # not one of the page's own folders
            cut = shared.rfind("/") + 1
            return "../" * other.count("/", cut) + url[cut:]
    folder, _slash, name = other.rpartition("/")
    if "." in name:  # a file: links are relative to its folder
        other = folder
    base, dest = _parts(other), _parts(url)
    common = 0
    for a, b in zip(base, dest, strict=False):  # the shorter one ends the common part
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(base) - common) + dest[common:]) or "."
    return relative + "/" if url.endswith("/") else relative


def _plain(path: str) -> bool:
    """True when ``path`` is a relative path with nothing to normalise in it."""
    return bool(path) and not path.startswith("/") and "//" not in path and "/." not in "/" + path


class Renderer:
    """Renders ``micromoments/<name>`` for a page, with links relative to that page."""

    def __init__(
        self,
        env: jinja2.Environment,
        config: MkDocsConfig,
        files: Files,
        published: Collection[str] = (),
    ) -> None:
        self.env = env
        self.config = config
        self.files = files
        self.published = published  # site paths the plugin places itself (previews, downloads)

    def _target(self, path: str) -> str | None:
        """The site URL of docs path ``path``, None if it is not in the site."""
        if _plain(path) and not path.endswith("/"):
            # already what MkDocs' lookup would make of it (with a PurePath per link)
            found = self.files.src_uris.get(path)
        else:
            found = self.files.get_file_from_path(path)
        if found is not None:
            return found.url
        return path if path in self.published else None

    def link(self, page: Page, path: str, anchor: str = "") -> str | None:
        """URL of the file at docs path ``path`` relative to ``page`` (None if not in the site)."""
        target = self._target(path)
        if target is None:
            return None
        return relative_url(target, page.url) + (f"#{anchor}" if anchor else "")

    def render(self, name: str, page: Page, **context: Any) -> str:
        """The HTML of template ``micromoments/<name>``."""
        template = self.env.get_template(posixpath.join(NAMESPACE, name))

        def url(path: str, anchor: str = "") -> str:
            return self.link(page, path, anchor) or ""

        return template.render(config=self.config, page=page, url=url, **context)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory across the rebuilds of ``mkdocs serve``.

    MkDocs makes a new theme environment for every rebuild, so each rebuild compiled the
    theme's templates again (half a second for mkdocs-material). Jinja checks each entry against
    its template's source, so an edited template is compiled afresh.
    """

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()
