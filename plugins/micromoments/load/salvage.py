"""Keeping what is valid of a broken front-matter, so one typo does not hide other problems.

When the front-matter fails validation, the errors are reported first. Then the entries that
failed are dropped (a whole top-level key, or just one variable under ``data:`` or one item of a
list) and required keys are filled with neutral values, so that the reference, fallback, copy and
data checks still run and report everything in one go.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..model import MomentSpec

_PER_ENTRY = ("data",)
_PER_ITEM = ("kpis", "fallback", "audiences", "tags", "channels", "locales")


def salvage(data: dict[str, Any], fill: dict[str, Any]) -> MomentSpec | None:
    """A spec built from the valid part of ``data`` with ``fill`` for missing required keys."""
    cleaned: dict[str, Any] = dict(data)
    for _attempt in range(5):
        try:
            return MomentSpec.model_validate(cleaned)
        except ValidationError as error:
            items: dict[str, set[int]] = {}
            for problem in error.errors(include_url=False):
                loc = problem["loc"]
                if not loc:
                    return None
                top = str(loc[0])
                if problem["type"] == "missing" and len(loc) == 1:
                    if top not in fill:
                        return None
                    cleaned[top] = fill[top]
                elif top in _PER_ENTRY and len(loc) >= 2 and isinstance(cleaned.get(top), dict):
                    cleaned[top] = {k: v for k, v in cleaned[top].items() if k != loc[1]}
                elif top in _PER_ITEM and len(loc) >= 2 and isinstance(loc[1], int):
                    items.setdefault(top, set()).add(loc[1])
                elif top in fill:
                    cleaned[top] = fill[top]
                else:
                    cleaned.pop(top, None)
            for top, bad in items.items():
                value = cleaned.get(top)
                if isinstance(value, list):
                    kept = [v for i, v in enumerate(value) if i not in bad]
                    cleaned[top] = kept if kept or top not in fill else fill[top]
    return None
