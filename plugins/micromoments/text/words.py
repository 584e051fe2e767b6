"""A tokenizer for Danish, Norwegian (bokmål) and English copy: tokens and sentences with offsets.

General-purpose sentence splitters cut at every full stop, so "f.eks. kl. 14.30" becomes four
sentences and LIX goes wrong. This one knows the abbreviations, number formats (``1.234,50``,
``14.30``, ``24.12.2026``), URLs, e-mail addresses, order numbers, ellipses, quotes and emoji of
the copy a CX team writes, and keeps the character offset of every token so findings can point
at the exact word in the source file.

A *word* is a run of letters (any script, including æøå, äöü, é) with optional inner hyphens or
apostrophes (``e-mail``, ``SMS'en``, ``don't``); abbreviations count as words too. Numbers,
codes such as ``AB-12345``, URLs, e-mail addresses and emoji are tokens but not words.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets that
follow), and at a blank line or a line that starts a list item or heading. A full stop or an
ellipsis followed by a lower-case word does not end a sentence: that is an ordinal
(``den 24. december``) or an abbreviation this module does not know.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

Language = Literal["da", "nb", "en", "generic"]
TokenKind = Literal[
    "word", "abbr", "number", "code", "url", "email", "emoji", "ellipsis", "terminal", "punct"
]  # fmt: skip

# Abbreviations that never end a sentence: they always introduce something.
_INNER: dict[str, tuple[str, ...]] = {
    "da": (
        "f.eks.", "bl.a.", "ca.", "kl.", "nr.", "inkl.", "ekskl.", "evt.", "dvs.", "d.v.s.",
        "pga.", "p.g.a.", "mht.", "m.h.t.", "ifm.", "i.f.m.", "iflg.", "jf.", "jvf.", "tlf.",
        "vedr.", "ang.", "hhv.", "vha.", "t.o.m.", "f.o.m.", "hr.", "pr.", "el.", "ift.",
        "dr.", "st.",
    ),
    "nb": (
        "f.eks.", "bl.a.", "ca.", "kl.", "nr.", "inkl.", "ekskl.", "evt.", "ev.", "dvs.",
        "pga.", "mht.", "iht.", "ift.", "jf.", "tlf.", "vedr.", "ang.", "hhv.", "t.o.m.",
        "f.o.m.", "pr.", "el.", "dr.", "st.",
    ),
    "en": (
        "e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "st.", "vs.", "approx.", "incl.", "excl.",
        "dept.", "prof.", "tel.", "ref.",
    ),
}  # fmt: skip
# Abbreviations that may also close a sentence: they end one when a capital letter follows.
_TERMINAL: dict[str, tuple[str, ...]] = {
    "da": ("osv.", "o.s.v.", "mv.", "m.v.", "m.m.", "o.l.", "m.fl.", "mfl.", "kr.", "stk.",
           "p.t.", "pt.", "th.", "tv."),
    "nb": ("osv.", "mv.", "m.v.", "m.m.", "o.l.", "m.fl.", "kr.", "stk.", "p.t."),
    "en": ("etc.", "a.m.", "p.m.", "inc.", "ltd.", "co.", "jr.", "sr.", "est."),
}  # fmt: skip


def language_of(locale: str) -> Language:
    """The tokenizer language of a locale: ``da``, ``nb`` (also ``no``/``nn``), ``en``, or
    ``generic`` for anything else (which then uses the English word lists)."""
    code = locale.replace("_", "-").split("-")[0].lower()
    if code == "da":
        return "da"
    if code in ("nb", "no", "nn"):
        return "nb"
    if code == "en":
        return "en"
    return "generic"


def _abbreviations(lang: Language) -> tuple[frozenset[str], frozenset[str]]:
    langs = (lang,) if lang in _INNER else ("da", "nb", "en")
    inner = frozenset(a for code in langs for a in _INNER[code])
    terminal = frozenset(a for code in langs for a in _TERMINAL[code])
    return inner, terminal


# --- emoji -----------------------------------------------------------------------------------
# Extended_Pictographic (Unicode emoji-data), split by default presentation: the first set
# always shows as emoji; the second only with the variation selector U+FE0F (so "©" and "→" in
# running text are not emoji, "©️" is).
_EMOJI_ALWAYS: tuple[tuple[int, int], ...] = (
    (0x231A, 0x231B), (0x23E9, 0x23EC), (0x23F0, 0x23F0), (0x23F3, 0x23F3), (0x25FD, 0x25FE),
    (0x2600, 0x2605), (0x2607, 0x2612), (0x2614, 0x2685), (0x2690, 0x2705), (0x2708, 0x2712),
    (0x2714, 0x2714), (0x2716, 0x2716), (0x271D, 0x271D), (0x2721, 0x2721), (0x2728, 0x2728),
    (0x2733, 0x2734), (0x2744, 0x2744), (0x2747, 0x2747), (0x274C, 0x274C), (0x274E, 0x274E),
    (0x2753, 0x2755), (0x2757, 0x2757), (0x2763, 0x2767), (0x2795, 0x2797), (0x27A1, 0x27A1),
    (0x27B0, 0x27B0), (0x27BF, 0x27BF), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50), (0x2B55, 0x2B55),
    (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F), (0x1F16C, 0x1F171),
    (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A), (0x1F1AD, 0x1F1E5),
    (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A), (0x1F22F, 0x1F22F), (0x1F232, 0x1F23A),
    (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D), (0x1F546, 0x1F64F),
    (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D5, 0x1F7FF), (0x1F80C, 0x1F80F),
    (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8FF),
    (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF), (0x1FC00, 0x1FFFD),
)  # fmt: skip
_EMOJI_WITH_VS: tuple[tuple[int, int], ...] = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049), (0x2122, 0x2122),
    (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA), (0x2328, 0x2328), (0x2388, 0x2388),
    (0x23CF, 0x23CF), (0x23ED, 0x23EF), (0x23F1, 0x23F2), (0x23F8, 0x23FA), (0x24C2, 0x24C2),
    (0x25AA, 0x25AB), (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FC), (0x2934, 0x2935),
    (0x2B05, 0x2B07), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
)  # fmt: skip


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    parts = []
    for low, high in ranges:
        parts.append(
            re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        )
    return "[" + "".join(parts) + "]"


_ALWAYS = _char_class(_EMOJI_ALWAYS)
_WITH_VS = _char_class(_EMOJI_WITH_VS)
_SKIN = "[\U0001f3fb-\U0001f3ff]"
_TAGS = "(?:[\U000e0020-\U000e007e]+\U000e007f)"
_ELEMENT = f"(?:{_ALWAYS}\ufe0f?|{_WITH_VS}\ufe0f){_SKIN}?{_TAGS}?"
_JOINED = f"(?:{_ALWAYS}|{_WITH_VS})\ufe0f?{_SKIN}?"
EMOJI_PATTERN = (
    "(?:[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators
    "|[0-9#*]\ufe0f?\u20e3"  # a keycap: 1️⃣
    f"|{_ELEMENT}(?:\u200d{_JOINED})*)"  # a pictograph, with skin tone and ZWJ sequences
)
EMOJI = re.compile(EMOJI_PATTERN)
# Every emoji starts with a keycap digit, ©, ® or a character from U+203C up (the first range
# above). Saying so up front lets a scan skip letters, æøå and punctuation at once; the matches
# are those of EMOJI.
_EMOJI_FIRST = "[0-9#*\u00a9\u00ae\u203c-\U0010ffff]"
EMOJI_SCAN = re.compile(f"(?={_EMOJI_FIRST}){EMOJI_PATTERN}")

# --- tokens ----------------------------------------------------------------------------------
_LETTER = r"[^\W\d_]"
_WORDCHAR = r"[\w\u0300-\u036f]"
_TLDS = "dk|no|se|fi|is|de|eu|uk|com|net|org|io|app|shop|info|co|nu|example"
# The lookaheads in front of ``emoji`` and ``abbr`` (and of the whole pattern) only say what the
# alternative needs anyway: an emoji starts with _EMOJI_FIRST, an abbreviation is a few letters
# and a full stop, no token starts with a space. They let the scan give up on an alternative at
# the first character, which made the scan about four times faster.
_TOKEN_TEMPLATE = rf"""
    (?P<url>(?:https?://|www\.)[^\s<>"]+
        |(?<![\w@.])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>"]*)?)
    |(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    |(?P<emoji>(?={_EMOJI_FIRST}){EMOJI_PATTERN})
    |(?P<abbr>(?=[^\W\d_]{{1,ABBR_LETTERS}}\.)
        (?:(?<![\w.])ABBR(?!\w)|(?<![\w.])[Nn]o\.(?=\s*\d)))
    |(?P<number>(?>\d+(?:[.,:/-]\d+)*)(?!{_WORDCHAR}|['’-]{_WORDCHAR}))
    |(?P<alnum>{_WORDCHAR}+(?:['’\-‐]{_WORDCHAR}+)*)
    |(?P<ellipsis>\.{{3,}}|…)
    |(?P<terminal>[.!?]+)
    |(?P<punct>\S)
    """
# Most tokens are plain words followed by a space or by punctuation that cannot extend them.
# There every alternative above before ``alnum`` fails: a URL or e-mail address needs a ``.``,
# ``-``, ``:`` or ``@`` next, an abbreviation a ``.``, a number a digit, and no letter starts an
# emoji except U+2139 (left out here). So this alternative, tried first, gives the same token
# without trying the others; anything else falls through to the full list.
_PLAIN_WORD = r"(?P<word>[^\W\d_\u2139]++(?=[\s,;!?)\]}\"”»“«]|\Z))"
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE_START_MARKER = re.compile(r"\n[ \t]*(?:[-*+•#>|]|\d+[.)])")
_CLOSERS = frozenset("\"'’”»)]}")
_TRAIL = ".,;:!?)]}»\"'’”…"


class Token(NamedTuple):
    """One token: its text, kind and ``[start, end)`` character offsets in the analysed text.

    A named tuple rather than a frozen dataclass: a long email has hundreds of tokens, and a
    tuple is made in half the time.
    """

    text: str
    kind: TokenKind
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        """True for words and abbreviations: what LIX counts."""
        return self.kind in ("word", "abbr")

    @property
    def is_term(self) -> bool:
        """True for anything read as a word in a sentence: words, numbers and codes."""
        return self.kind in ("word", "abbr", "number", "code")

    @property
    def letters(self) -> int:
        """How many letters the token has (hyphens, apostrophes and dots not counted)."""
        if self.text.isalpha():
            return len(self.text)
        return sum(1 for ch in self.text if ch.isalpha())


_WORD_KINDS = frozenset(("word", "abbr"))
_TERM_KINDS = frozenset(("word", "abbr", "number", "code"))


@dataclass(frozen=True)
class Sentence:
    """A sentence: its tokens and ``[start, end)`` offsets."""

    tokens: tuple[Token, ...]
    start: int
    end: int

    # Cached in the instance dict by hand: functools.cached_property takes a lock on every
    # first access in Python 3.11, which showed up when checking long catalogs.
    @property
    def words(self) -> tuple[Token, ...]:
        """The words (and abbreviations) of the sentence."""
        found: tuple[Token, ...] | None = self.__dict__.get("_words")
        if found is None:
            found = self.__dict__["_words"] = tuple(
                [t for t in self.tokens if t.kind in _WORD_KINDS]
            )
        return found

    @property
    def terms(self) -> tuple[Token, ...]:
        """Words, abbreviations, numbers and codes: what a reader counts as words."""
        found: tuple[Token, ...] | None = self.__dict__.get("_terms")
        if found is None:
            found = self.__dict__["_terms"] = tuple(
                [t for t in self.tokens if t.kind in _TERM_KINDS]
            )
        return found


class _Tokenizer:
    def __init__(self, lang: Language) -> None:
        inner, terminal = _abbreviations(lang)
        self.terminal_abbr = terminal
        alternatives = "|".join(
            re.escape(a) for a in sorted(inner | terminal, key=len, reverse=True)
        )
        letters = max(len(a.split(".")[0]) for a in inner | terminal)
        full = _TOKEN_TEMPLATE.replace("ABBR_LETTERS", str(letters)).replace(
            "ABBR", f"(?i:{alternatives})"
        )
        self.pattern = re.compile(rf"(?=\S)(?:{_PLAIN_WORD}|{full})", re.VERBOSE)


_TOKENIZERS: dict[Language, _Tokenizer] = {}


def _tokenizer(lang: Language) -> _Tokenizer:
    found = _TOKENIZERS.get(lang)
    if found is None:
        found = _TOKENIZERS[lang] = _Tokenizer(lang)
    return found


def _trim_url(text: str) -> str:
    while text and text[-1] in _TRAIL:
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        text = text[:-1]
    return text


# Token's generated __new__ is a Python function; tuple.__new__ makes the same tuple directly.
_new_token = tuple.__new__


def tokenize(text: str, lang: Language = "en") -> list[Token]:
    """Every token of ``text`` in order (whitespace is not a token)."""
    tokens: list[Token] = []
    append = tokens.append
    pattern = _tokenizer(lang).pattern
    pos = 0
    while pos < len(text):
        for match in pattern.finditer(text, pos):
            kind = match.lastgroup or "punct"
            if kind == "word":
                start, end = match.span()
                append(_new_token(Token, (text[start:end], "word", start, end)))
                continue
            value = match.group()
            start = match.start()
            if kind == "url":
                value = _trim_url(value) or value[:1]
            elif kind == "email":
                value = value.rstrip(".")
            if kind == "alnum":
                kind = _classify(value)
            elif kind == "url" and not value[:1].isalnum():
                kind = "punct"
            end = start + len(value)
            append(_new_token(Token, (value, kind, start, end)))
            if end < match.end():
                pos = end  # a trimmed URL: scan again from where the token really ends
                break
        else:
            break
    return tokens


_ALPHA_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+(?:['’\-‐](?:[^\W\d_]|[\u0300-\u036f])+)*")


def _classify(value: str) -> TokenKind:
    return "word" if _ALPHA_WORD.fullmatch(value) else "code"


def _starts_lower(token: Token) -> bool:
    return token.is_word and token.text[:1].islower()


def _starts_upper(token: Token) -> bool:
    return token.text[:1].isupper()


def _hard_break(text: str, gap_start: int, gap_end: int) -> bool:
    """A blank line, or a new line that starts a list item, heading, quote or table row."""
    gap = text[gap_start:gap_end]
    if "\n" not in gap:
        return False
    if _BLANK_LINE.search(gap):
        return True
    # The marker itself is the next token, so look at the text from the line break onwards.
    return bool(_LINE_START_MARKER.match(text, gap_start + gap.rfind("\n")))


_MAY_END = frozenset(("terminal", "ellipsis", "abbr"))


def _candidates(text: str, toks: Sequence[Token]) -> list[int]:
    """Indices of the tokens a sentence may end after: terminators, abbreviations, tokens
    followed by a line break, and the last token. Every other token just joins its sentence."""
    last = len(toks) - 1
    found = {i for i, tok in enumerate(toks) if tok.kind in _MAY_END}
    found.add(last)
    if "\n" in text:
        # Tokens hold no whitespace, so a line break lies in the gap after the last token
        # that starts before it.
        starts = [tok.start for tok in toks]
        newline = text.find("\n")
        while newline >= 0:
            i = bisect_right(starts, newline) - 1
            if 0 <= i < last:
                found.add(i)
            newline = text.find("\n", newline + 1)
    return sorted(found)


def sentences(
    text: str, lang: Language = "en", tokens: Sequence[Token] | None = None
) -> list[Sentence]:
    """Split ``text`` into sentences (``tokens`` may be passed when already computed)."""
    toks = list(tokens) if tokens is not None else tokenize(text, lang)
    if not toks:
        return []
    terminal_abbr = _tokenizer(lang).terminal_abbr
    last = len(toks) - 1
    out: list[Sentence] = []
    begin = 0  # the first token of the current sentence
    for i in _candidates(text, toks):
        if i < begin:
            continue  # a closing quote or bracket already taken into the previous sentence
        tok = toks[i]
        nxt = toks[i + 1] if i < last else None
        end_here = False
        if tok.kind == "terminal" and ("!" in tok.text or "?" in tok.text):
            end_here = True
        elif tok.kind in ("terminal", "ellipsis"):
            end_here = nxt is None or not _continues(toks, i + 1, text)
            if tok.kind == "terminal" and _is_initial(toks, i) and nxt and _starts_upper(nxt):
                end_here = False
        elif tok.kind == "abbr" and tok.text.lower() in terminal_abbr:
            end_here = nxt is not None and _starts_upper(nxt) and nxt.start > tok.end
        if end_here:
            # Closing quotes and brackets right after the terminator belong to this sentence.
            while i < last and toks[i + 1].text in _CLOSERS and toks[i + 1].start == toks[i].end:
                i += 1
        if end_here or i == last or _hard_break(text, toks[i].end, toks[i + 1].start):
            out.append(Sentence(tuple(toks[begin : i + 1]), toks[begin].start, toks[i].end))
            begin = i + 1
    return out


def _continues(toks: Sequence[Token], j: int, text: str) -> bool:
    """After a full stop or ellipsis: does the sentence go on (a lower-case word follows)?"""
    while j < len(toks) and toks[j].kind == "punct" and toks[j].text in _CLOSERS:
        j += 1
    if j >= len(toks):
        return False
    if _hard_break(text, toks[j - 1].end, toks[j].start):
        return False
    return _starts_lower(toks[j])


def _is_initial(toks: Sequence[Token], i: int) -> bool:
    """``H. C. Andersen``: a single capital letter before the full stop, touching it."""
    if i == 0 or toks[i].text != ".":
        return False
    prev = toks[i - 1]
    return (
        prev.kind == "word"
        and len(prev.text) == 1
        and prev.text.isupper()
        and prev.end == toks[i].start
    )


def words(text: str, lang: Language = "en") -> list[Token]:
    """The words (and abbreviations) of ``text``."""
    return [t for t in tokenize(text, lang) if t.is_word]


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every emoji (a flag, keycap or pictograph sequence counts as one)."""
    return [(m.start(), m.end()) for m in EMOJI_SCAN.finditer(text)]


def visible_length(text: str) -> int:
    """How many characters a reader sees: an emoji sequence or a letter with combining
    accents counts once; variation selectors and zero-width characters not at all."""
    count = 0
    pos = 0
    while pos < len(text):
        match = EMOJI.match(text, pos)
        if match and match.end() > pos:
            count += 1
            pos = match.end()
            continue
        ch = text[pos]
        pos += 1
        if (
            unicodedata.combining(ch)
            or ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad"
            or ("\ufe00" <= ch <= "\ufe0f")
        ):
            continue
        count += 1
    return count
