"""Escaping for the MJML the copy is written as, and what MRML keeps of it.

Kept apart from :mod:`.mjml` so that :mod:`.skeleton`, which judges which words MRML carries
through verbatim, and :mod:`.mjml`, which writes the copy, can share it without importing each
other in a circle.
"""

from __future__ import annotations

import unicodedata


def escape_text(text: str) -> str:
    """Escape text content for XML/HTML (``&``, ``<``, ``>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """Escape an attribute value for a double-quoted XML/HTML attribute.

    Characters MRML would mangle in an attribute (it writes a backslash, a tab or a soft
    hyphen as ``\\\\``, ``\\t``, ``\\u{ad}``) become character references, which it keeps."""
    escaped = escape_text(text).replace('"', "&quot;")
    if verbatim_in_attribute(escaped):
        return escaped
    return "".join(c if verbatim_in_attribute(c) else f"&#{ord(c)};" for c in escaped)


def verbatim_in_attribute(value: str) -> bool:
    """True when MRML writes ``value`` into an attribute as it is. MRML formats attribute values
    the way Rust debug-prints strings: a backslash doubles, and tabs, line breaks, combining
    marks (and the two halfwidth katakana sound marks, which extend graphemes too), format
    characters (soft hyphen, zero-width joiner), private-use and unassigned characters come
    out as escapes such as ``\\u{ad}``."""
    if value.isascii() or max(value) < "\u0300":  # below the combining marks
        return value.isprintable() and "\\" not in value
    return "\\" not in value and all(
        c.isprintable() and not unicodedata.category(c).startswith("M") and c not in _KANA_MARKS
        for c in value
    )


_KANA_MARKS = "\uff9e\uff9f"


__all__ = ["escape_attr", "escape_text", "verbatim_in_attribute"]
