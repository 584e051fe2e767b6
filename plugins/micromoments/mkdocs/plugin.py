"""The ``micromoments`` MkDocs plugin: a thin adapter over the core.

Event by event:

* ``on_startup``: defining it keeps this instance alive across ``mkdocs serve`` rebuilds, so the
  content-hash cache of moment builds survives and only edited moments are rendered again.
* ``on_config``: validates the settings, puts the plugin's templates right after the user's
  ``custom_dir`` (user overrides win), adds the plugin's CSS and JS. A one-off ``mkdocs build``
  is pointed at a staging folder next to ``site_dir`` (see :mod:`.staging`).
* ``on_pre_build``: a one-off build starts building the site in a thread (see :mod:`.stream`)
  and goes on once the specs are read; the moments follow while MkDocs writes pages.
  ``mkdocs serve`` and ``--dirty`` builds build every moment here, before MkDocs empties
  ``site_dir``, so failing here leaves the last good site untouched.
* ``on_files``: adds the generated pages (virtual files, never written into docs/) and event
  schemas; previews, email images and downloads are published from the file store.
* ``on_env``: while serving, lends the theme environment a bytecode cache kept across rebuilds;
  in a one-off build, moves the overview pages to the end of the file list.
* ``on_page_context``: renders each generated page from its template just before MkDocs writes
  it (a moment page waits for its moment, an overview page for all of them) and sets its table
  of contents, and indexes a slimmed copy for material's search (see :mod:`.searchable` and
  :mod:`.searchindex`).
* ``on_post_page`` lets a generated page's HTML go again; in a one-off build, a moment's
  previews and downloads are then published on a thread (see :class:`.store.EarlyPublisher`).
* ``on_post_build``: reports the moments' problems (errors raise), publishes the stored files
  not published yet, and, after every other plugin, puts a staged site in place.
* ``on_build_error``: stops the moments still being built and discards the staged site.
* Garbage collection: while serving, Python's collector waits until a rebuild is over; a
  one-off build runs no full collections until it is over (see :mod:`.collector`).
* ``on_serve``: watches the moments, email templates, results and the custom_dir, with the
  operating system's file events rather than MkDocs' polling (see :mod:`.watcher`).

During ``mkdocs serve`` problems never stop the server: they are printed (as info, so a strict
config does not abort the rebuild) and shown on the affected moment's page.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2
from material.plugins.search.plugin import SearchPlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from ..config import ConfigError, ProjectConfig, config_from_mapping
from ..diagnostics import Diagnostic, Severity
from ..diskcache import DiskBuildCache
from . import layout
from .collector import IdleCollector, YoungOnly
from .config import MicromomentsConfig
from .logbridge import CoreLog
from .pages import GeneratedPage, all_pages
from .renderer import MemoryBytecodeCache, Renderer, template_env
from .searchable import searchable
from .searchindex import excluded_from_search, index_page, search_plugin
from .site import load_site, project_root
from .staging import StagedSite
from .store import EarlyPublisher, FileStore
from .stream import SiteStream
from .structure import CatalogSite, MomentView
from .toc import page_toc
from .watcher import use_native_events

log = get_plugin_logger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = {layout.STYLESHEET: HERE / "assets" / "micromoments.css",
          layout.SCRIPT: HERE / "assets" / "micromoments.js"}  # fmt: skip


def describe(d: Diagnostic) -> str:
    """A diagnostic as printed: ``path:line:col: RULE message`` and its hint."""
    return d.format() + (f"\n  hint: {d.hint}" if d.hint else "")


def _templates_stamp(folders: list[Path]) -> str:
    """Names and modification times of every template the pages are rendered from."""
    digest = hashlib.sha256()
    for folder in folders:
        for file in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
            digest.update(f"{file}:{file.stat().st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


@dataclass
class _Timings:
    """How long a build spent on the moments and on writing the pages, for its log line."""

    started: float = 0.0
    moments_s: float = 0.0  # loading, rendering and checking (on_pre_build)
    first_page: float | None = None
    last_page: float = 0.0
    pages: int = 0
    reused: int = 0  # moments whose build came from the cache

    def summary(self, moments: int) -> str:
        """The line a build ends with: where its time went (the two phases may overlap)."""
        first = self.first_page if self.first_page is not None else self.last_page
        pages_s = self.last_page - first
        built = self.started + self.moments_s
        overlap = max(0.0, min(built, self.last_page) - max(self.started, first))
        reused = f" ({self.reused} reused from the build cache)" if self.reused else ""
        both = f", {overlap:.1f} s of it while moments were being built" if overlap >= 0.05 else ""
        return (f"{moments} moments loaded, rendered and checked in {self.moments_s:.1f} s"
                f"{reused}; {self.pages} pages written in {pages_s:.1f} s{both}")  # fmt: skip


class _PageFile(File):
    """A generated page that tells ``mkdocs serve --dirty`` whether it needs rebuilding.

    MkDocs treats every generated file as modified; a moment page is rebuilt only when what
    it shows changed, so editing one moment re-renders one page, not a thousand.
    """

    changed = True

    def is_modified(self) -> bool:
        return self.changed


class MicromomentsPlugin(BasePlugin[MicromomentsConfig]):
    """Builds the moment catalog inside any mkdocs-material site."""

    def __init__(self) -> None:
        self.is_serve = False
        self.cache: DiskBuildCache | None = None
        self.view_cache: dict[str, MomentView] = {}  # page data of reused builds, by build key
        self.project: ProjectConfig | None = None
        self.site: CatalogSite | None = None
        self.pages: dict[str, GeneratedPage] = {}
        self.printed: dict[str, str] = {}  # page uri to the fingerprint it was last built with
        self.store: FileStore | None = None
        self.is_dirty = False
        self.published: Path | None = None  # the site folder the store was last published to
        self.renderer: Renderer | None = None
        self.search: SearchPlugin | None = None  # mkdocs-material's search plugin, if enabled
        self._env: tuple[tuple[str, ...], jinja2.Environment] | None = None
        self._full: tuple[Page, str] | None = None  # the page being written and its full HTML
        self.compiled = MemoryBytecodeCache()
        self.collector = IdleCollector()
        self._page_views: dict[str, MomentView] = {}  # moment page uri to its data
        self._page_moments: dict[str, str] = {}  # moment page uri to its moment id
        self.timings = _Timings()
        # a one-off build builds its moments while MkDocs writes pages into a staging folder,
        # which replaces the real site folder only when the whole build succeeded
        self.stream: SiteStream | None = None
        self.young_only = YoungOnly()
        self.staging: StagedSite | None = None
        self.early: EarlyPublisher | None = None  # publishes moments' files as pages are written
        self._hits = 0  # cache hits before this build
        self.core_log = CoreLog()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Remember whether this is ``mkdocs serve``; start with empty caches.

        MkDocs keeps this instance for the life of the process, so a second serve session
        starts from scratch here, its first build a full one again.
        """
        self.is_serve = command == "serve"
        self.is_dirty = dirty
        self.cache = None
        self.view_cache = {}
        # what earlier sessions printed says nothing about this session's site folder
        self.printed = {}
        self.published = None
        self._env = None
        self.compiled = MemoryBytecodeCache()
        self.collector.stop()
        self.collector = IdleCollector()
        self.young_only.thaw()
        self.core_log.start(serving=self.is_serve)

    def on_shutdown(self) -> None:
        """Forget serve mode, so a later build in the same process fails on errors again."""
        if self.early is not None:  # interrupted: its staging folder is not published
            self.early.cancel()
            self.early = None
        self.is_serve = False
        self.collector.stop()
        self.young_only.stop()
        self.core_log.stop()

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build stops building moments and leaves the last good site as it was; a
        failed rebuild ends like a finished one (the paused collector runs again)."""
        if self.stream is not None:
            self.stream.cancel()
            self.stream = None
        if self.early is not None:
            self.early.cancel()
            self.early = None
        if self.staging is not None:
            self.staging.discard()
            self.staging = None
        self.young_only.stop()
        if self.is_serve:
            self.collector.build_ended()

    @event_priority(100)  # before other plugins note where the site is written
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Validate the settings; register templates, CSS and JS; stage a one-off build."""
        self.young_only.thaw()  # a program may call MkDocs' build() again without on_startup
        root = project_root(config.config_file_path)
        try:
            self.project = config_from_mapping(self.config.core_values(), root)
        except ConfigError as error:
            raise PluginError(str(error)) from None
        if not self.is_serve and not self.is_dirty:
            # MkDocs writes pages while moments are still being built, and a moment built late
            # may have an error: the site goes to a staging folder until the build succeeded
            try:
                self.staging = StagedSite(config)
            except OSError as error:
                raise PluginError(
                    f"micromoments cannot make a staging folder next to {config.site_dir}: "
                    f"{error.strerror or error}; check that {Path(config.site_dir).parent} is a "
                    "folder you can write to"
                ) from None
            log.info(f"micromoments: pages go to {self.staging.folder.name} first; it replaces "
                     f"{self.staging.site_dir.name}/ once the build succeeded")  # fmt: skip
        dirs = config.theme.dirs
        ours = str(TEMPLATES)
        if ours not in dirs:
            custom = config.theme.custom_dir
            at = 1 if custom and dirs and Path(dirs[0]) == Path(custom) else 0
            dirs.insert(at, ours)
        if layout.STYLESHEET not in config.extra_css:
            config.extra_css.append(layout.STYLESHEET)
        if layout.SCRIPT not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(layout.SCRIPT)
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """Build the catalog (in a one-off build: start building it); serve and ``--dirty``
        builds stop here, before MkDocs touches site_dir, when it cannot be published."""
        assert self.project is not None
        self.timings = _Timings(started=time.perf_counter())
        if self.is_serve:
            self.collector.build_started()
        folder = self.project.root / ".cache" / "micromoments"
        if self.store is None or self.store.root != folder / "site":
            self.store = FileStore(folder / "site")
        cache = self._cache(folder / "builds.sqlite") if self.project.cache else None
        hits = cache.hits if cache is not None else 0
        self._hits = hits
        if self.staging is not None:
            self.young_only.start()
            project, store = self.project, self.store
            self.stream = SiteStream(lambda loaded, moment: load_site(
                project, cache=cache, store=store, on_loaded=loaded, on_moment=moment))  # fmt: skip
            self.site = self.stream.loaded()  # moments follow while MkDocs writes pages
            return
        # reused page data pays off across serve rebuilds; a one-off build would only hold memory
        views = self.view_cache if cache is not None and self.is_serve else None
        self.site = load_site(self.project, cache=cache, store=self.store, serve=self.is_serve,
                              view_cache=views)  # fmt: skip
        self.timings.moments_s = time.perf_counter() - self.timings.started
        self._built(config)

    def _built(self, config: MkDocsConfig) -> None:
        """Every moment is built: count what the cache gave and report the problems (an error
        raises, so the site is not published)."""
        assert self.site is not None and self.project is not None
        cache = self.cache if self.project.cache else None
        self.timings.reused = cache.hits - self._hits if cache is not None else 0
        self._report(self.site.diagnostics, strict=bool(config.strict))

    def _finish_stream(self) -> None:
        """Wait for the moments still being built; the site is then complete."""
        if self.stream is None:
            return
        self.site = self.stream.finished()
        self.timings.moments_s = self.stream.ended - self.timings.started
        self.stream = None
        self._page_views = {view.page: view for view in self.site.moments}

    def _cache(self, path: Path) -> DiskBuildCache:
        """The build cache: kept in memory across serve rebuilds, on disk between builds."""
        store = self.store
        assert store is not None
        if not self.is_serve or self.cache is None or self.cache.path != path:
            self.cache = DiskBuildCache(path, stamp=lambda built: store.stamp(built.written),
                                        keep_sources=self.is_serve)  # fmt: skip
        return self.cache

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add the generated pages and every file they link to."""
        assert self.site is not None
        self.pages = {}
        stamp = _templates_stamp(
            [TEMPLATES, *([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])]
        )
        streaming = self.stream.view if self.stream is not None else None
        for page in all_pages(self.site, streaming):
            if page.fingerprint is not None:  # an edited template override changes every page
                page = replace(page, fingerprint=page.fingerprint + stamp)
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = _PageFile.generated(config, page.uri, content=page.source(),
                                       inclusion=inclusion)  # fmt: skip
            assert isinstance(file, _PageFile)
            file.changed = (
                page.fingerprint is None or self.printed.get(page.uri) != page.fingerprint
            )
            self._add(files, file)
            self.pages[page.uri] = page
        self._page_views = {view.page: view for view in self.site.moments}
        self._page_moments = {
            layout.moment_page(m.id): m.id for m in self.site.build.catalog.ordered()
        }
        for path, data in sorted(self.site.files.items()):
            self._add(files, File.generated(config, path, content=data))
        for path, source in ASSETS.items():
            self._add(files, File.generated(config, path, content=source.read_bytes()))
        dirs = tuple(config.theme.dirs)
        if self._env is None or self._env[0] != dirs:
            self._env = (dirs, template_env(config, watch=self.is_serve))
        published = self.site.store.paths if self.site.store is not None else set()
        self.renderer = Renderer(self._env[1], config, files, published)
        self.search = search_plugin(config)
        if self.staging is not None and self.store is not None:  # MkDocs emptied the folder
            self.early = EarlyPublisher(self.store, Path(config.site_dir))
        return files

    @event_priority(100)  # before other plugins load templates from the environment
    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        """While serving, reuse the theme's compiled templates from the last rebuild."""
        if self.is_serve and env.bytecode_cache is None:
            env.bytecode_cache = self.compiled
        if self.stream is not None:
            # MkDocs writes pages in the order of its file list: the overview pages, which wait
            # for every moment, go last so the moment pages are written while moments build
            overview = [file for file in files.documentation_pages()
                        if file.src_uri in self.pages and file.src_uri not in self._page_moments]  # fmt: skip
            for file in overview:
                files.remove(file)
                files.append(file)
        return env

    def _publish(self, *, config: MkDocsConfig) -> None:
        """Publish the stored previews and downloads; remember what each moment page showed.

        A one-off build reports the moments' problems here, once they are all built: an error
        stops it before the staged site replaces the last good one.
        """
        if self.staging is not None and self.site is not None:  # not reported in on_pre_build
            self._finish_stream()
            self._built(config)
        if self.store is not None:
            # linked rather than registered as MkDocs files: tens of thousands of File objects
            # cost seconds per rebuild, and unchanged files need no work at all
            site_dir = Path(config.site_dir)
            # a dirty rebuild keeps the site folder: only what this build changed moves
            again = self.is_dirty and self.published == site_dir
            try:
                placed = self.early.finish() if self.early is not None else set()
                self.early = None
                self.store.publish(site_dir, only_written=again, already=placed)
            except OSError as error:
                raise PluginError(
                    f"micromoments could not put the previews and downloads into {site_dir}: "
                    f"{error}. Check that the folder is writable and the disk has room (a "
                    "one-off build leaves the previous site as it was)."
                ) from error
            self.published = site_dir
        self.printed = {uri: p.fingerprint for uri, p in self.pages.items() if p.fingerprint}
        if self.site is not None:
            log.info(self.timings.summary(len(self.site.moments)))
        if self.is_serve:
            self.collector.build_ended()

    @event_priority(-100)  # after every other plugin wrote into the site (the search index)
    def _swap(self, *, config: MkDocsConfig) -> None:
        """Put the staged site where MkDocs was asked to write it."""
        if self.staging is not None:
            self.staging.publish()
            self.staging = None
            self.young_only.finish()  # a one-off build: only the process ending comes next
        self.young_only.stop()

    on_post_build = CombinedEvent(_publish, _swap)

    def on_page_content(
        self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Leave a generated page empty for now: it is rendered in ``on_page_context``.

        MkDocs converts every page before it writes the first one; rendering ours here would
        hold the HTML of every moment page in memory at once (some 650 MB at 10,000 moments).
        """
        return "" if page.file.src_uri in self.pages else html

    @event_priority(50)  # before material's search plugin indexes page.content
    def _render_page(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Render a generated page from its template, right before MkDocs writes it.

        The page is indexed for search here from its words and headings (see
        :mod:`.searchindex`); a page outside what that reads goes to the search plugin, which
        runs next, as those words and headings.
        """
        if self.timings.first_page is None:
            self.timings.first_page = time.perf_counter()
        generated = self.pages.get(page.file.src_uri)
        if generated is None or self.renderer is None or self.site is None:
            return context
        if page.file.src_uri not in self._page_moments:
            self._finish_stream()  # an overview page lists every moment
        content = self.renderer.render(generated.template, page, site=self.site,
                                       **generated.context())  # fmt: skip
        page.toc = page_toc(content)
        self._full = (page, content)
        # material's search leaves lists of moments out: slimming their words would be wasted
        # (MkDocs' own search, under another theme, does not know search.exclude: as before)
        unsearched = self.search is not None and excluded_from_search(page)
        slim = "" if unsearched else searchable(content)
        if self.search is not None and index_page(self.search, page, slim):
            slim = ""  # indexed: the search plugin finds nothing more in it
        page.content = slim
        return context

    @event_priority(-50)  # after the search plugin: the page is written with its full HTML
    def _restore_page(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if self._full is not None and self._full[0] is page:
            page.content = self._full[1]
        self._full = None
        return context

    on_page_context = CombinedEvent(_render_page, _restore_page)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Let go of a generated page's HTML once it is written (MkDocs keeps every page)."""
        self.timings.pages += 1
        self.timings.last_page = time.perf_counter()
        if page.file.src_uri in self.pages:
            page.content = None
            view = self._page_views.get(page.file.src_uri)
            moment_id = self._page_moments.get(page.file.src_uri)
            if view is None and self.stream is not None and moment_id is not None:
                view = self.stream.view(moment_id)
            if view is not None and self.early is not None:
                self.early.send(view.built.written)
            if view is not None and not self.is_serve:
                view.let_go()  # a one-off build writes each moment page once
        return output

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when moments, email templates, results or template overrides change."""
        assert self.project is not None
        if self.config.serve_watcher == "native" and not use_native_events(server):
            log.info("micromoments: this MkDocs keeps its own file watcher (polling)")
        folders = [self.project.moments_path, self.project.templates_path,
                   self.project.results_path]  # fmt: skip
        if config.theme.custom_dir:
            folders.append(Path(config.theme.custom_dir))
        for folder in folders:
            if folder.is_dir():
                server.watch(str(folder))
        return server

    def _add(self, files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            # A hand-written page at the same path would be silently shadowed; say so.
            log.warning(f"{file.src_uri} is generated by micromoments; "
                        f"remove or move docs/{existing.src_uri}")  # fmt: skip
            files.remove(existing)
        files.append(file)

    def _report(self, diagnostics: list[Diagnostic], *, strict: bool) -> None:
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
        notes = [d for d in diagnostics if d.severity is Severity.INFO]
        if self.is_serve:
            # Logged as info: a warning would abort the rebuild of a strict config, and the
            # copywriter would lose the live preview. Each moment page shows its problems.
            for d in [*errors, *warnings]:
                log.info(f"{d.severity.label}: {describe(d)}")
        else:
            for d in warnings:
                log.warning(describe(d))
        for d in notes:
            log.debug(describe(d))
        if notes:
            log.info(f"{len(notes)} note(s) from the checks; see the catalog's Quality page")
        if self.is_serve:
            return
        if errors:
            listing = "\n".join(describe(d) for d in errors)
            raise PluginError(
                f"micromoments found {len(errors)} error(s):\n{listing}\n"
                "Fix them (`micromoments check` lists every problem); the previous site is "
                "left unchanged."
            )
        if strict and warnings:
            raise PluginError(
                f"micromoments found {len(warnings)} warning(s) in strict mode (listed above); "
                "the previous site is left unchanged."
            )
