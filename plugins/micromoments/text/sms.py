"""SMS encoding and segments: GSM-7 or UCS-2, what it costs, and which characters force UCS-2.

An SMS is sent in GSM-7 (the GSM 03.38 alphabet, 7 bits a character) when every character is
in it; one character outside it, such as a typographic apostrophe ’ or an emoji, switches the
whole message to UCS-2, which halves the space. Limits per segment:

    GSM-7: 160 septets in a single SMS, 153 per part of a long SMS (the rest is the header)
    UCS-2:  70 UTF-16 units single, 67 per part (an emoji outside the BMP takes 2 units)

The GSM-7 extension characters ``^ { } \\ [ ] ~ | €`` (and form feed) take two septets (an
escape and the character), and a part never ends between the two; nor does a UCS-2 part split
a surrogate pair.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from .words import EMOJI

Encoding = Literal["GSM-7", "UCS-2"]

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[]~|€")

_KEYCAP_BASES = frozenset("0123456789#*")

SINGLE_LIMIT: dict[Encoding, int] = {"GSM-7": 160, "UCS-2": 70}
PART_LIMIT: dict[Encoding, int] = {"GSM-7": 153, "UCS-2": 67}

# Characters outside GSM-7 with a plain equivalent inside it. "" means: just delete it.
SWAPS: dict[str, str] = {
    **dict.fromkeys("’‘‚‛′`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
    **dict.fromkeys("–—‒―−‐‑", "-"),
    "…": "...",
    **dict.fromkeys(
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000\t",
        " ",
    ),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff\ufe0f", ""),
    "•": "-",
    "·": "-",
    "×": "x",
    "÷": "/",
    "™": "TM",
    "©": "(c)",
    "®": "(R)",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "œ": "oe",
    "Œ": "OE",
    "ð": "d",
    "Ð": "D",
    "þ": "th",
    "Þ": "Th",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
}


def gsm_units(char: str) -> int | None:
    """Septets ``char`` takes in GSM-7 (1 or 2), or None when GSM-7 cannot encode it."""
    if char in GSM_BASIC:
        return 1
    if char in GSM_EXTENSION:
        return 2
    return None


def is_gsm(text: str) -> bool:
    """True when every character of ``text`` is in the GSM-7 alphabet (basic or extension)."""
    return all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text)


def swap_for(char: str) -> str | None:
    """A GSM-7 replacement for ``char`` ("" = delete it), or None when there is none."""
    if char in SWAPS:
        return SWAPS[char]
    # Accented letters outside GSM-7 (á, ê, ç, ō): the bare letter is, and reads fine.
    base = unicodedata.normalize("NFD", char)[:1]
    if base != char and base in GSM_BASIC and base.isalpha():
        return base
    return None


@dataclass(frozen=True, slots=True)
class ForcingChar:
    """A character (or emoji sequence) that forces UCS-2, with a suggested GSM-7 swap.

    ``swap`` is the replacement ("" = delete), or None when there is no equivalent: an emoji is
    best removed, other characters need rewording.
    """

    index: int  # offset in the text (Python string index)
    char: str
    swap: str | None
    is_emoji: bool = False

    @property
    def advice(self) -> str:
        """The suggested fix in words, e.g. ``’ → '`` or ``remove 🎉``."""
        if self.swap is None:
            return (
                f"remove {self.char}"
                if self.is_emoji
                else f"rewrite {self.char!r} (no GSM-7 equivalent)"
            )
        if self.swap == "":
            return f"delete {describe_char(self.char)}"
        return f"{describe_char(self.char)} → {describe_char(self.swap)}"


def describe_char(char: str) -> str:
    """A readable name for an invisible or look-alike character (``non-breaking space``)."""
    if len(char) == 1 and (unicodedata.category(char) in ("Zs", "Cf", "Cc") or char == "\u00ad"):
        name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
        return name if char != "\t" else "tab"
    return char


@dataclass(frozen=True, slots=True)
class SmsAnalysis:
    """What an SMS text costs: encoding, length in that encoding's units, and segments."""

    text: str
    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    characters: int  # code points
    segments: int
    forcing: tuple[ForcingChar, ...]

    @property
    def single_limit(self) -> int:
        """Units that fit in a single SMS in this encoding (160 or 70)."""
        return SINGLE_LIMIT[self.encoding]

    @property
    def per_segment(self) -> int:
        """Units per segment as sent: the single limit for one segment, else 153 or 67."""
        return SINGLE_LIMIT[self.encoding] if self.segments <= 1 else PART_LIMIT[self.encoding]

    @property
    def swapped_text(self) -> str:
        """The text with every suggested swap applied (characters without a swap removed)."""
        return swap_to_gsm(self.text)


def _unit_sizes(text: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [gsm_units(ch) or 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def count_segments(sizes: list[int], encoding: Encoding) -> int:
    """Segments for characters of the given unit sizes; a character is never split."""
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= SINGLE_LIMIT[encoding]:
        return 1
    limit = PART_LIMIT[encoding]
    segments, used = 1, 0
    for size in sizes:
        if used + size > limit:
            segments += 1
            used = 0
        used += size
    return segments


def forcing_chars(text: str) -> list[ForcingChar]:
    """Every character (emoji sequences as one) that GSM-7 cannot encode, in order."""
    found: list[ForcingChar] = []
    pos = 0
    while pos < len(text):
        ch = text[pos]
        gsm = ch in GSM_BASIC or ch in GSM_EXTENSION
        # A keycap emoji (1️⃣) starts with a GSM-7 digit, so digits are tried as emoji too.
        match = EMOJI.match(text, pos) if not gsm or ch in _KEYCAP_BASES else None
        if gsm and match is None:
            pos += 1
            continue
        if match:
            found.append(ForcingChar(pos, match.group(0), None, is_emoji=True))
            pos = match.end()
            continue
        found.append(ForcingChar(pos, ch, swap_for(ch)))
        pos += 1
    return found


def swap_to_gsm(text: str) -> str:
    """``text`` with every UCS-2-forcing character swapped (or removed when there is no swap)."""
    out: list[str] = []
    last = 0
    for item in forcing_chars(text):
        out.append(text[last : item.index])
        out.append(item.swap or "")
        last = item.index + len(item.char)
    out.append(text[last:])
    return "".join(out)


def analyse_sms(text: str) -> SmsAnalysis:
    """Encoding, units, characters, segments and UCS-2-forcing characters of ``text``."""
    forcing = tuple(forcing_chars(text))
    encoding: Encoding = "UCS-2" if forcing else "GSM-7"
    sizes = _unit_sizes(text, encoding)
    return SmsAnalysis(
        text=text,
        encoding=encoding,
        units=sum(sizes),
        characters=len(text),
        segments=count_segments(sizes, encoding),
        forcing=forcing,
    )
