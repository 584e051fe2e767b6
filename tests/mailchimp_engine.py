"""Mailchimp's merge-tag rules, implemented for the differential tests.

Mailchimp renders ``*|TAG|*`` with the subscriber's value (HTML-escaped in HTML content; the
``*|HTML:TAG|*`` form would not escape and is never emitted), and the conditional blocks
``*|IF:TAG|*``, ``*|IFNOT:TAG|*``, ``*|ELSEIF:TAG|*``, ``*|ELSE:|*`` and ``*|END:IF|*``. A
condition is true when the merge field is set and not empty. There are no loops.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

_TAG = re.compile(r"\*\|([A-Z0-9_]+(?::[A-Z0-9_]*)?)\|\*")


def _blank(value: Any) -> bool:
    return value is None or value is False or value == "" or value == 0 or value == []


def render(template: str, values: Mapping[str, Any], *, escape: bool) -> str:
    """Render merge tags; raise ValueError on a tag the rules do not allow."""
    out: list[str] = []
    # each frame: (this branch is active, some earlier branch was taken, parent active)
    stack: list[list[bool]] = []
    active = True
    pos = 0
    for match in _TAG.finditer(template):
        if active:
            out.append(template[pos : match.start()])
        pos = match.end()
        tag = match.group(1)
        kind, _, name = tag.partition(":")
        if not _ and kind not in ("ELSE",):
            if active:
                value = values.get(tag)
                text = "" if _blank(value) else str(value)
                out.append(html.escape(text) if escape else text)
            continue
        if kind in ("IF", "IFNOT"):
            truth = not _blank(values.get(name))
            if kind == "IFNOT":
                truth = not truth
            stack.append([active and truth, truth, active])
            active = active and truth
        elif kind == "ELSEIF":
            frame = stack[-1]
            truth = not frame[1] and not _blank(values.get(name))
            frame[1] = frame[1] or truth
            active = frame[2] and truth
        elif kind == "ELSE":
            frame = stack[-1]
            active = frame[2] and not frame[1]
            frame[1] = True
        elif kind == "END" and name == "IF":
            frame = stack.pop()
            active = frame[2]
        else:
            raise ValueError(f"unknown merge tag *|{tag}|*")
    if active:
        out.append(template[pos:])
    if stack:
        raise ValueError("unclosed *|IF:...|*")
    return "".join(out)
