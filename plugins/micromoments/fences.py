"""Fenced code blocks in Markdown: lines inside them are never headings, fields or directives."""

from __future__ import annotations

import re

FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


class Fences:
    """Follows fenced code blocks through lines fed in order.

    A reader that skips some lines (a multi-line HTML comment, where a fence marker is not a
    fence) simply does not feed them.
    """

    def __init__(self) -> None:
        self.open: str | None = None  # the marker of the block we are inside (``` or ~~~)

    @property
    def inside(self) -> bool:
        """True between an opening fence and its closing one."""
        return self.open is not None

    def feed(self, line: str) -> bool:
        """Whether ``line`` belongs to a fenced block (the fence lines themselves included)."""
        found = FENCE.match(line)
        if found is None:
            return self.open is not None
        marker = found.group(1)
        if self.open is None:
            self.open = marker[0] * 3
        elif marker.startswith(self.open):
            self.open = None
        return True


def fence_mask(lines: list[str]) -> list[bool]:
    """For each line, whether it belongs to a fenced code block (fence lines included)."""
    fences = Fences()
    return [fences.feed(line) for line in lines]
