"""Project configuration, shared by the CLI and the MkDocs plugin.

The single source is the ``micromoments`` entry under ``plugins:`` in ``mkdocs.yml``; the CLI
reads that file as plain YAML (never importing MkDocs), the plugin hands MkDocs' parsed config
to :func:`config_from_mapping`. Both get the same validation and the same errors.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .diagnostics import Severity

Dialect = Literal["liquid", "handlebars", "mailchimp", "jinja"]
DIALECTS: tuple[Dialect, ...] = ("liquid", "handlebars", "mailchimp", "jinja")


class ConfigError(Exception):
    """The configuration is wrong; the message names the file, key and fix."""


class ProjectConfig(BaseModel):
    """Settings of a micromoments project (paths are relative to ``root``)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    root: Path = Field(default_factory=Path.cwd, exclude=True)
    moments_dir: str = Field("moments", description="Folder with the moment specs.")
    templates_dir: str = Field("templates", description="Folder with email/ layouts, brand.yml.")
    dialect: Dialect = Field("liquid", description="Merge-tag dialect of production output.")
    locales: list[str] | None = Field(
        None, description="Build only these locales (default: all in journey.yml)."
    )
    rules: dict[str, Severity] = Field(
        default_factory=dict, description="Rule id to severity: error, warning, info or off."
    )
    options: dict[str, Any] = Field(
        default_factory=dict, description="Thresholds of the checks, by option name."
    )
    clients: list[str] = Field(
        default_factory=lambda: ["gmail", "apple-mail", "outlook", "yahoo"],
        description="Email clients the client-support check covers (caniemail families).",
    )
    results_dir: str = Field("results", description="Folder with KPI results (CSV).")
    cache: bool = Field(True, description="Reuse builds of unchanged moments (kept in .cache/).")
    jobs: int = Field(
        0, ge=0, description="Worker processes for large catalogs (0: one per core; 1: none)."
    )

    @field_validator("rules", mode="before")
    @classmethod
    def _severities(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        out: dict[str, Severity] = {}
        for key, level in value.items():
            if isinstance(level, Severity):
                out[str(key)] = level
                continue
            if level is False:
                level = "off"
            out[str(key)] = Severity.parse(str(level))
        return out

    @field_validator("clients")
    @classmethod
    def _known_clients(cls, value: list[str]) -> list[str]:
        from .clients.data import load_dataset

        load_dataset().resolve_clients(value)  # ValueError with a did-you-mean
        return value

    @property
    def moments_path(self) -> Path:
        """Absolute path of the moments folder."""
        return self.root / self.moments_dir

    @property
    def templates_path(self) -> Path:
        """Absolute path of the templates folder."""
        return self.root / self.templates_dir

    @property
    def results_path(self) -> Path:
        """Absolute path of the results folder."""
        return self.root / self.results_dir

    def unknown_rules(self) -> list[str]:
        """Configured rule ids that no rule declares (typos in mkdocs.yml)."""
        from .allrules import all_rules

        known = all_rules()
        return [r for r in self.rules if r not in known]


def config_from_mapping(
    values: dict[str, Any], root: Path, source: str = "mkdocs.yml"
) -> ProjectConfig:
    """Validate the plugin's settings; raise :class:`ConfigError` with a readable message."""
    jobs = os.environ.get("MICROMOMENTS_JOBS", "").strip()
    if jobs:  # e.g. MICROMOMENTS_JOBS=1 on a shared CI machine
        if not jobs.isdigit():
            raise ConfigError(
                f"MICROMOMENTS_JOBS={jobs!r} is not a number of worker processes; "
                "use 0 (one per core), 1 (no workers) or more, or unset it"
            )
        values = {**values, "jobs": int(jobs)}
    try:
        config = ProjectConfig.model_validate({**values, "root": root})
    except ValidationError as error:
        lines = []
        for item in error.errors(include_url=False):
            where = ".".join(str(p) for p in item["loc"])
            lines.append(f"{source}: plugins.micromoments.{where}: {item['msg']}")
        raise ConfigError("\n".join(lines)) from None
    unknown = config.unknown_rules()
    if unknown:
        raise ConfigError(
            f"{source}: plugins.micromoments.rules: unknown rule id(s) {', '.join(unknown)}; "
            "`micromoments rules` lists them"
        )
    return config


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring the !!python and !ENV tags MkDocs themes use."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    return None


_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)
_LenientLoader.add_multi_constructor("!", _ignore_tag)


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds mkdocs.yml or a moments/ folder."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "mkdocs.yml").is_file() or (folder / "moments" / "journey.yml").is_file():
            return folder
    return None


def load_project_config(start: Path, **overrides: Any) -> ProjectConfig:
    """Configuration for the project around ``start`` (mkdocs.yml if present, else defaults)."""
    root = find_project_root(start) or start.resolve()
    values: dict[str, Any] = {}
    mkdocs_yml = root / "mkdocs.yml"
    if mkdocs_yml.is_file():
        try:
            data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_LenientLoader)
        except yaml.YAMLError as error:
            raise ConfigError(f"mkdocs.yml: cannot be read: {error}") from None
        for entry in (data or {}).get("plugins", []) or []:
            if isinstance(entry, dict) and "micromoments" in entry:
                values = dict(entry["micromoments"] or {})
    values.update({k: v for k, v in overrides.items() if v is not None})
    return config_from_mapping(values, root)
