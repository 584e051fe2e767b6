"""Fenced code blocks in Markdown: lines inside them are never headings, fields or directives."""

from __future__ import annotations

import re

FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


def fence_mask(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fence lines included)."""
    mask: list[bool] = []
    fence: str | None = None
    for line in lines:
        found = FENCE.match(line)
        if found:
            marker = found.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            mask.append(True)
        else:
            mask.append(fence is not None)
    return mask
