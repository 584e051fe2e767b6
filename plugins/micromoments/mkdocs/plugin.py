"""The ``micromoments`` MkDocs plugin: a thin adapter over the core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files

from ..config import ConfigError, ProjectConfig, config_from_mapping
from ..diagnostics import Severity
from ..load import load_catalog
from ..load.loader import Catalog
from .config import MicromomentsConfig
from .pages import generated_pages

log = get_plugin_logger(__name__)


class MicromomentsPlugin(BasePlugin[MicromomentsConfig]):
    """Builds the moment catalog inside any mkdocs-material site."""

    def __init__(self) -> None:
        self.is_serve = False
        self.project: ProjectConfig | None = None
        self.catalog: Catalog | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance alive across `mkdocs serve` rebuilds, so
        # caches survive (see research/mkdocs-plugin-notes.md).
        self.is_serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.project = config_from_mapping(self.config.core_values(), root)
        except ConfigError as error:
            raise PluginError(str(error)) from None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.project is not None
        self.catalog = load_catalog(self.project)
        self._report(self.catalog)
        for uri, content in generated_pages(self.catalog).items():
            files.append(File.generated(config, uri, content=content))
        return files

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        assert self.project is not None
        for folder in (self.project.moments_path, self.project.templates_path,
                       self.project.results_path):  # fmt: skip
            if folder.is_dir():
                server.watch(str(folder))
        return server

    def _report(self, catalog: Catalog) -> None:
        diagnostics = catalog.report.sorted()
        errors = [d for d in diagnostics if d.severity is Severity.ERROR]
        for d in diagnostics:
            text = f"{d.format()}" + (f"\n  hint: {d.hint}" if d.hint else "")
            if d.severity is Severity.WARNING:
                log.warning(text)
            elif d.severity is Severity.INFO:
                log.info(text)
            elif self.is_serve:
                log.error(text)
        if errors and not self.is_serve:
            lines = "\n".join(
                d.format() + (f"\n  hint: {d.hint}" if d.hint else "") for d in errors
            )
            raise PluginError(
                f"micromoments found {len(errors)} error(s) in the moments:\n{lines}\n"
                "Run `micromoments check` for details; the last good site is left in place."
            )
