"""The plugin's settings in mkdocs.yml, validated by MkDocs and handed to the core as-is."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c


class MicromomentsConfig(base.Config):
    """``plugins: - micromoments: {...}``; see docs/configuration.md for every key."""

    moments_dir = c.Type(str, default="moments")
    templates_dir = c.Type(str, default="templates")
    dialect = c.Choice(("liquid", "handlebars", "mailchimp", "jinja"), default="liquid")
    locales = c.Optional(c.ListOfItems(c.Type(str)))
    rules = c.Type(dict, default={})
    options = c.Type(dict, default={})
    clients = c.ListOfItems(c.Type(str), default=["gmail", "apple-mail", "outlook", "yahoo"])
    results_dir = c.Type(str, default="results")
    cache = c.Type(bool, default=True)
    jobs = c.Type(int, default=0)
    # how `mkdocs serve` notices edits; only the MkDocs adapter reads it (see watcher.py)
    serve_watcher = c.Choice(("native", "polling"), default="native")

    ADAPTER_ONLY = frozenset({"serve_watcher"})

    def core_values(self) -> dict[str, Any]:
        """The settings as the core's ProjectConfig expects them."""
        return {
            key: self[key] for key in self if self[key] is not None and key not in self.ADAPTER_ONLY
        }
