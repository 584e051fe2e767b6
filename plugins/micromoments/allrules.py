"""Import every module that declares rules, so the registry is complete.

The docs, ``micromoments rules`` and the validation of ``rules:`` in mkdocs.yml need every
rule, including those of modules a given run may not import (render, results).
"""

from __future__ import annotations

from .diagnostics import RULES, Rule


def all_rules() -> dict[str, Rule]:
    """Every declared rule, by id."""
    from . import checks  # noqa: F401
    from .load import loader  # noqa: F401
    from .render import dialects, email  # noqa: F401

    return RULES
