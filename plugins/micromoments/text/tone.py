"""Tone-of-voice findings for a piece of prose, measured against a profile's :class:`ToneRules`.

Each finding carries prose offsets; the tone check maps them to file positions. The rules:

- banned words: an entry matches whole words, case-insensitively ("desværre" does not match
  "desværres"); an entry ending in ``*`` matches every word that starts with it ("beklag*":
  beklager, beklagelse); an entry of several words matches them in a row.
- sentence length in words (numbers and order numbers count as words here).
- LIX, on the part of the prose the caller chooses (the body).
- exclamation marks and emoji in the whole message.
- formality (Danish and Norwegian): ``du`` flags the formal Dem/Deres (always, when
  capitalised) and De (when not the first word of a sentence, where it could be "de" = they);
  ``De`` flags du/dig/din/dit/dine (Danish) and du/deg/din/di/ditt/dine (Norwegian).
- customer focus: you-words per we-word.
- surveillance-sounding personalisation ("vi kan se, at du…", "we noticed you…").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..model import ToneRules
from .readability import Lix, lix_of_sentences
from .words import EMOJI_SCAN, Language, Sentence, Token, sentences, tokenize

BANNED_WORD = "banned-word"
LONG_SENTENCE = "long-sentence"
LIX_RANGE = "lix-out-of-range"
EXCLAMATIONS = "too-many-exclamations"
EMOJI_COUNT = "too-many-emoji"
FORMALITY = "formality"
CUSTOMER_FOCUS = "customer-focus"
SURVEILLANCE = "surveillance"

RuleLanguage = str  # "da", "nb" or "en": which word lists apply


def rule_language(lang: Language) -> RuleLanguage:
    """The word lists a tokenizer language uses (unknown languages use English)."""
    return lang if lang in ("da", "nb") else "en"


@dataclass(frozen=True, slots=True)
class ToneFinding:
    """One tone problem at ``[start, end)`` of the prose."""

    kind: str
    start: int
    end: int
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class ToneSettings:
    """Thresholds that tones.yml does not hold (they come from the project's options)."""

    lix_min_words: int = 10  # fewer words than this: too short for LIX to mean anything
    focus_min_words: int = 2  # fewer you+we words than this: too few to judge customer focus


# --- word lists --------------------------------------------------------------------------------
YOU_WORDS: dict[RuleLanguage, frozenset[str]] = {
    "da": frozenset({"du", "dig", "din", "dit", "dine", "jer", "jeres"}),
    "nb": frozenset({"du", "deg", "din", "di", "ditt", "dine", "dere", "dykk"}),
    "en": frozenset({"you", "your", "yours", "yourself", "yourselves", "you're", "you've",
                     "you'll", "you'd", "y'all"}),
}  # fmt: skip
WE_WORDS: dict[RuleLanguage, frozenset[str]] = {
    "da": frozenset({"vi", "os", "vores", "vor", "vort", "vore"}),
    "nb": frozenset({"vi", "oss", "vår", "vårt", "våre"}),
    "en": frozenset({"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'll", "we'd"}),
}
# Formal address: capitalised only (lower-case dem/deres is "them/their").
FORMAL_ALWAYS = frozenset({"Dem", "Deres"})
FORMAL_MID_SENTENCE = frozenset({"De"})
INFORMAL: dict[RuleLanguage, frozenset[str]] = {
    "da": frozenset({"du", "dig", "din", "dit", "dine"}),
    "nb": frozenset({"du", "deg", "din", "di", "ditt", "dine"}),
}
INFORMAL_SWAPS: dict[RuleLanguage, dict[str, str]] = {
    "da": {"du": "De", "dig": "Dem", "din": "Deres", "dit": "Deres", "dine": "Deres"},
    "nb": {"du": "De", "deg": "Dem", "din": "Deres", "di": "Deres", "ditt": "Deres",
           "dine": "Deres"},
}  # fmt: skip
FORMAL_SWAPS: dict[RuleLanguage, dict[str, str]] = {
    "da": {"De": "du", "Dem": "dig", "Deres": "din/dit/dine"},
    "nb": {"De": "du", "Dem": "deg", "Deres": "din/ditt/dine"},
}

_NUMBER_WORDS = {
    "da": r"\d+|to|tre|fire|fem|seks|syv|otte|ni|ti|flere|mange",
    "nb": r"\d+|to|tre|fire|fem|seks|syv|sju|åtte|ni|ti|flere|mange",
    "en": r"\d+|two|three|four|five|six|seven|eight|nine|ten|several|many",
}
_SURVEILLANCE_SOURCES: dict[RuleLanguage, tuple[str, ...]] = {
    "da": (
        r"\bvi har (?:bemærket|lagt mærke til|registreret|observeret|fulgt med i)\b",
        r"\bvi (?:bemærkede|lagde mærke til|så)\b(?=,? at\b|,? du\b|,? dig\b)",
        r"\bvi har set\b(?! på\b)",
        r"\bvi kan se\b,?(?= at\b| du\b| dig\b| din\b| dine\b| dit\b)",
        r"\bvi ved\b,?(?= at du\b| du\b| hvad du\b)",
        r"\bdu har (?:kigget på|set på|været inde på|klikket på|besøgt)\b",
        rf"\b(?:besøgt|kigget på|set på|været inde på)\b[^.!?\n]{{0,40}}?\b(?:{_NUMBER_WORDS['da']}) gange\b",
    ),
    "nb": (
        r"\bvi (?:har )?(?:lagt merke til|la merke til|merket oss|registrert|observert)\b",
        r"\bvi har sett\b(?! på\b)",
        r"\bvi så\b(?=,? at\b|,? du\b)",
        r"\bvi kan se\b,?(?= at\b| du\b| deg\b| din\b| dine\b| ditt\b)",
        r"\bvi vet\b,?(?= at du\b| du\b| hva du\b)",
        r"\bdu har (?:kikket på|sett på|sjekket ut|vært inne på|klikket på|besøkt)\b",
        rf"\b(?:besøkt|kikket på|sett på|vært inne på)\b[^.!?\n]{{0,40}}?\b(?:{_NUMBER_WORDS['nb']}) ganger\b",
    ),
    "en": (
        r"\bwe(?:'ve| have)? noticed\b",
        r"\bwe (?:saw|see|can see|could see)\b,?(?= that\b| you\b| your\b)",
        r"\bwe(?:'ve| have) (?:seen|spotted|observed|tracked)\b,?(?= that\b| you\b| your\b)",
        r"\bwe know\b,?(?= that you\b| you\b| what you\b)",
        r"\bwe(?:'ve| have) been watching\b",
        r"\byou(?:'ve| have) (?:been )?(?:looking at|viewing|browsing|checking out|visited)\b",
        r"\byou (?:recently )?(?:viewed|looked at|browsed|visited)\b",
        rf"\b(?:visited|viewed|looked at|browsed)\b[^.!?\n]{{0,40}}?\b(?:{_NUMBER_WORDS['en']}) times\b",
    ),
}  # fmt: skip
SURVEILLANCE_PATTERNS: dict[RuleLanguage, tuple[re.Pattern[str], ...]] = {
    lang: tuple(re.compile(p.replace(" ", r"\s+"), re.IGNORECASE) for p in sources)
    for lang, sources in _SURVEILLANCE_SOURCES.items()
}

_LEADING_WORDS = re.compile(r"\\b(?:\(\?:(?P<alternatives>[^()]*)\)|(?P<word>[^\W\d_]+))")
_LEADING_LETTERS = re.compile(r"[^\W\d_]+")


def _top_level_bar(source: str) -> bool:
    """Whether ``source`` has a ``|`` outside every group (escapes and classes skipped)."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 1  # the escaped character is a literal
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


def _leading_word(text: str, source: str) -> str:
    found = _LEADING_LETTERS.match(text)
    word = found[0] if found else ""
    if text[len(word) : len(word) + 1] in ("?", "*", "{"):
        word = word[:-1]  # the last letter is optional: the word is only sure without it
    if not word:
        raise ValueError(f"a surveillance pattern must start with a word: {source}")
    return word


def _first_words(source: str) -> tuple[str, ...]:
    """The words a surveillance pattern can start with (each a prefix every match has): it is
    ``\\b`` and then a word, or a group of alternatives that each start with a word."""
    found = _LEADING_WORDS.match(source)
    if found is None or _top_level_bar(source):
        raise ValueError(f"a surveillance pattern must start with \\b and a word: {source}")
    if found["word"]:
        return (_leading_word(source[found.start("word") :], source),)
    return tuple(_leading_word(alt, source) for alt in found["alternatives"].split("|"))


@dataclass(frozen=True, slots=True)
class _SurveillanceScan:
    """Where the patterns of one language can start. Each begins (case-insensitively) with one
    of a few words, so one scan for those words finds every place worth trying, and a pattern
    is tried only there instead of scanning the whole text once per pattern."""

    words: tuple[str, ...]  # lower case, longest first
    index_of: dict[str, int]  # word: its index in words
    # The words, case-sensitive, for text as _fold gives it. (No groups: sre skips ahead to a
    # possible first letter only in a pattern without them, several times faster.)
    starts: re.Pattern[str]
    starts_ignorecase: re.Pattern[str]  # the same with IGNORECASE, for text _fold cannot take;
    # group n + 1 is words[n]
    patterns_of_group: tuple[tuple[int, ...], ...]  # per word: the patterns to try there
    # Per word: all its patterns in one alternation, which matches where any of them does.
    # Most places a word like "vi" starts, none does, and one try answers for all of them.
    any_of_group: tuple[re.Pattern[str], ...]


def _surveillance_scan(
    sources: Sequence[str], compiled: Sequence[re.Pattern[str]]
) -> _SurveillanceScan:
    first: dict[str, list[int]] = {}  # first word: the patterns that start with it
    for index, source in enumerate(sources):
        for word in _first_words(source):
            first.setdefault(word.lower(), []).append(index)
    # Longest first; where one word begins another ("vi", "vil"), the scan reports the longer,
    # so its group also tries the patterns of the shorter.
    words = tuple(sorted(first, key=len, reverse=True))
    groups = tuple(
        tuple(sorted({i for w in words if word.startswith(w) for i in first[w]})) for word in words
    )
    any_of_group = tuple(
        re.compile("|".join(f"(?:{compiled[i].pattern})" for i in group), re.IGNORECASE)
        for group in groups
    )
    alternatives = "|".join(map(re.escape, words))
    groups_of_words = "|".join(f"({re.escape(w)})" for w in words)
    # No \b in the fast scan: a plain alternation of literals is found by a quick prefix
    # search, and a hit inside a word just fails the pattern's own \b. (Such a hit cannot hide
    # a real start: that would need a word boundary between two letters.)
    return _SurveillanceScan(
        words,
        {word: n for n, word in enumerate(words)},
        re.compile(alternatives),
        re.compile(rf"\b(?:{groups_of_words})", re.IGNORECASE),
        groups,
        any_of_group,
    )


_SURVEILLANCE_SCANS = {
    lang: _surveillance_scan(sources, SURVEILLANCE_PATTERNS[lang])
    for lang, sources in _SURVEILLANCE_SOURCES.items()
}
# re.IGNORECASE takes these for i and s as well; str.lower() leaves them.
_IGNORECASE_EXTRA = (("ı", "i"), ("ſ", "s"))


def _fold(text: str) -> str | None:
    """``text`` lower-cased character for character, so that wherever the IGNORECASE
    patterns see a lower-case word, the folded text has it at the same offset. None when
    lower-casing changes the length (as "İ" does), so offsets would shift."""
    folded = text.lower()
    if len(folded) != len(text):
        return None
    for odd, letter in _IGNORECASE_EXTRA:
        if odd in folded:
            folded = folded.replace(odd, letter)
    return folded


# Every emoji holds a character from this class (its first one, or U+20E3 of a keycap), and a
# plain class is found by a fast scan: most copy has none of them.
_EMOJI_HINT = re.compile("[\u00a9\u00ae\u203c-\U0010ffff]")


def _norm(word: str) -> str:
    return word.replace("’", "'").casefold()


# --- the individual rules --------------------------------------------------------------------
_BannedEntry = tuple[list[str], bool, str, str | None]  # words, last is a prefix, entry, swap


@dataclass(frozen=True, slots=True)
class _BannedIndex:
    """A tone's banned words, prepared once: entries by their first word, the one-word prefix
    entries, and one regex of every first word, searched in the normalised text to skip the
    word-by-word pass when no entry can be there (the common case)."""

    by_first: dict[str, list[_BannedEntry]]
    prefixes: list[_BannedEntry]
    prefix_words: tuple[str, ...]
    screen: re.Pattern[str] | None  # None: the list is empty


@lru_cache(maxsize=256)
def _banned_index(banned: tuple[tuple[str, str | None], ...]) -> _BannedIndex:
    by_first: dict[str, list[_BannedEntry]] = {}
    prefixes: list[_BannedEntry] = []
    for entry, swap in banned:
        parts = [_norm(p) for p in entry.split()]
        if not parts:
            continue
        prefix = parts[-1].endswith("*")
        if prefix:
            parts[-1] = parts[-1].rstrip("*")
            if not parts[-1]:
                continue  # a lone "*" would ban every word
        item = (parts, prefix, entry, swap)
        if prefix and len(parts) == 1:
            prefixes.append(item)
        else:
            by_first.setdefault(parts[0], []).append(item)
    prefix_words = tuple(p[0][0] for p in prefixes)
    firsts = sorted({*by_first, *prefix_words}, key=len, reverse=True)
    screen = re.compile("|".join(map(re.escape, firsts))) if firsts else None
    return _BannedIndex(by_first, prefixes, prefix_words, screen)


def banned_words(
    tokens: Sequence[Token], banned: Mapping[str, str | None], text: str | None = None
) -> list[ToneFinding]:
    """Words (or phrases) from ``banned``, each with its suggested swap.

    ``text``, the text the tokens come from, lets a text with no banned word skip the
    word-by-word pass.
    """
    index = _banned_index(tuple(banned.items()))
    if index.screen is None:
        return []
    # A word's normal form is a piece of the normalised text (case folding and the apostrophe
    # swap work character by character), so a first word missing from it matches no token.
    if text is not None and not index.screen.search(_norm(text)):
        return []
    by_first, prefixes, prefix_words = index.by_first, index.prefixes, index.prefix_words
    norm = [_norm(t.text) if t.is_word else None for t in tokens]
    findings: list[ToneFinding] = []
    for i, first in enumerate(norm):
        if first is None:
            continue
        candidates = by_first.get(first, [])
        if prefix_words and first.startswith(prefix_words):
            candidates = candidates + [p for p in prefixes if first.startswith(p[0][0])]
        for parts, prefix, _entry, swap in candidates:
            # A phrase matches adjacent words only: punctuation between them breaks it.
            window = norm[i : i + len(parts)]
            if len(window) < len(parts) or any(w is None for w in window):
                continue
            if window[:-1] != parts[:-1]:
                continue
            last = window[-1] or ""
            if not (last.startswith(parts[-1]) if prefix else last == parts[-1]):
                continue
            end = tokens[i + len(parts) - 1].end
            written = " ".join(t.text for t in tokens[i : i + len(parts)])
            hint = f"write {swap!r} instead" if swap else "rephrase without it"
            findings.append(
                ToneFinding(BANNED_WORD, tokens[i].start, end,
                            f"{written!r} is on the tone's list of words to avoid", hint)
            )  # fmt: skip
    return findings


def long_sentences(found: Sequence[Sentence], max_words: int) -> list[ToneFinding]:
    """Sentences with more than ``max_words`` words."""
    findings = []
    for sentence in found:
        count = len(sentence.terms)
        if count > max_words:
            findings.append(
                ToneFinding(LONG_SENTENCE, sentence.start, sentence.end,
                            f"this sentence has {count} words; the tone allows {max_words}",
                            "split it in two, or cut what the customer does not need")
            )  # fmt: skip
    return findings


def lix_finding(
    found: Sequence[Sentence], low: int, high: int, channel: str, min_words: int
) -> tuple[Lix | None, ToneFinding | None]:
    """The LIX of ``found`` and a finding when it is outside ``[low, high]``."""
    score = lix_of_sentences(found)
    if score is None or score.words < min_words:
        return score, None
    value = score.rounded
    if low <= value <= high:
        return score, None
    start = found[0].start
    if value > high:
        longest = max(found, key=lambda s: len(s.words))
        message = f"LIX {value} ({score.band}) is above the {channel} range {low}-{high}"
        hint = (
            f"use shorter sentences (the longest has {len(longest.words)} words) and shorter "
            f"words ({score.long_words} of {score.words} have more than 6 letters)"
        )
    else:
        message = f"LIX {value} ({score.band}) is below the {channel} range {low}-{high}"
        hint = "the text reads choppy; join short sentences where it helps"
    return score, ToneFinding(LIX_RANGE, start, start, message, hint)


def exclamations(text: str, maximum: int) -> list[ToneFinding]:
    """A finding at the first exclamation mark over ``maximum``."""
    if text.count("!") <= maximum:
        return []
    marks = [m.start() for m in re.finditer("!", text)]
    if len(marks) <= maximum:
        return []
    at = marks[maximum]
    return [
        ToneFinding(EXCLAMATIONS, at, at + 1,
                    f"{len(marks)} exclamation marks; the tone allows {maximum}",
                    "keep the one that matters most, end the others with a full stop")
    ]  # fmt: skip


def emoji(text: str, maximum: int) -> list[ToneFinding]:
    """A finding at the first emoji over ``maximum``."""
    if not _EMOJI_HINT.search(text):
        return []  # no emoji at all, and maximum is never negative
    spans = [m.span() for m in EMOJI_SCAN.finditer(text)]
    if len(spans) <= maximum:
        return []
    start, end = spans[maximum]
    allowed = "no emoji" if maximum == 0 else f"{maximum}"
    return [
        ToneFinding(EMOJI_COUNT, start, end,
                    f"{len(spans)} emoji ({' '.join(text[s:e] for s, e in spans)}); the tone "
                    f"allows {allowed}",
                    "remove emoji; words carry the feeling better and every client shows them")
    ]  # fmt: skip


def formality(
    found: Sequence[Sentence], wanted: str, lang: RuleLanguage, text: str | None = None
) -> list[ToneFinding]:
    """Forms of address that break the tone's ``du``/``De`` choice (Danish, Norwegian).

    ``text``, the text the sentences come from, lets a ``du`` text without "De" (the start of
    every formal form) skip the word-by-word pass.
    """
    if wanted == "any" or lang not in INFORMAL:
        return []
    if wanted == "du" and text is not None and "De" not in text:
        return []
    findings = []
    for sentence in found:
        words = sentence.words
        for n, word in enumerate(words):
            if wanted == "du":
                formal = word.text in FORMAL_ALWAYS or (word.text in FORMAL_MID_SENTENCE and n > 0)
                if formal:
                    swap = FORMAL_SWAPS[lang][word.text]
                    findings.append(
                        ToneFinding(FORMALITY, word.start, word.end,
                                    f"{word.text!r} is the formal address; this tone says du",
                                    f"write {swap!r}")
                    )  # fmt: skip
            elif _norm(word.text) in INFORMAL[lang]:
                swap = INFORMAL_SWAPS[lang][_norm(word.text)]
                findings.append(
                    ToneFinding(FORMALITY, word.start, word.end,
                                f"{word.text!r} is the informal address; this tone says De",
                                f"write {swap!r}")
                )  # fmt: skip
    return findings


def you_we_counts(
    tokens: Sequence[Token], found: Sequence[Sentence], lang: RuleLanguage
) -> tuple[int, int]:
    """How many you-words and we-words the text has."""
    you = we = 0
    you_words, we_words = YOU_WORDS[lang], WE_WORDS[lang]
    formal = lang in INFORMAL
    starts: set[int] | None = None  # where sentences start, worked out when first needed
    for token in tokens:
        if token.kind != "word" and token.kind != "abbr":
            continue
        text = token.text
        word = text.replace("’", "'").casefold()
        if word in you_words:
            you += 1
        elif word in we_words and not (lang == "en" and text == "US"):
            we += 1
        elif formal and text in FORMAL_ALWAYS:
            you += 1
        elif formal and text in FORMAL_MID_SENTENCE:
            if starts is None:
                starts = {s.words[0].start for s in found if s.words}
            if token.start not in starts:
                you += 1
    return you, we


def customer_focus(
    tokens: Sequence[Token],
    found: Sequence[Sentence],
    lang: RuleLanguage,
    min_ratio: float,
    min_words: int,
) -> list[ToneFinding]:
    """A finding when you-words per we-word fall below ``min_ratio``."""
    you, we = you_we_counts(tokens, found, lang)
    if we == 0 or you + we < min_words or you / we >= min_ratio:
        return []
    first_we = next(t for t in tokens if t.is_word and _norm(t.text) in WE_WORDS[lang])
    examples = {"da": "du/din", "nb": "du/din", "en": "you/your"}[lang]
    we_examples = {"da": "vi/vores", "nb": "vi/vår", "en": "we/our"}[lang]
    return [
        ToneFinding(CUSTOMER_FOCUS, first_we.start, first_we.end,
                    f"{you} you-word(s) ({examples}) to {we} we-word(s) ({we_examples}): "
                    f"{you / we:.1f} per we-word, the tone asks for at least {min_ratio:g}",
                    "write from the customer's side: what they get and can do, not what we do")
    ]  # fmt: skip


def surveillance(
    text: str, lang: RuleLanguage, found: Sequence[Sentence] | None = None
) -> list[ToneFinding]:
    """Personalisation that sounds like being watched: one finding per sentence (at its first
    such phrase, naming all of them)."""
    matches = _surveillance_matches(text, lang)
    groups: dict[int, list[tuple[int, int]]] = {}
    for start, end in matches:
        sentence = next((s.start for s in found or () if s.start <= start < s.end), start)
        group = groups.setdefault(sentence, [])
        # Two patterns can catch the same words; keep the first of overlapping matches.
        if not group or start >= group[-1][1]:
            group.append((start, end))
    findings = []
    for group in groups.values():
        phrases = " and ".join(repr(text[s:e]) for s, e in group)
        findings.append(
            ToneFinding(SURVEILLANCE, group[0][0], group[0][1],
                        f"{phrases} sound{'s' if len(group) == 1 else ''} like the customer is "
                        "being watched",
                        "say what is useful to them without telling what we tracked, "
                        "e.g. 'the shoes are back in your size'")
        )  # fmt: skip
    return sorted(findings, key=lambda f: f.start)


def _surveillance_matches(text: str, lang: RuleLanguage) -> list[tuple[int, int]]:
    """Every match of every surveillance pattern (as each pattern's ``finditer`` finds them),
    sorted; each pattern is only tried where one of its first words starts."""
    patterns = SURVEILLANCE_PATTERNS[lang]
    scan = _SURVEILLANCE_SCANS[lang]
    folded = _fold(text)
    starts: list[tuple[int, int]]  # where a first word starts, and which (an index of words)
    if folded is not None:
        index_of = scan.index_of
        starts = [(m.start(), index_of[m.group()]) for m in scan.starts.finditer(folded)]
    else:
        hits = scan.starts_ignorecase.finditer(text)
        starts = [(m.start(), (m.lastindex or 1) - 1) for m in hits]
    resume = [0] * len(patterns)  # like finditer: a pattern's next match starts after its last
    matches: list[tuple[int, int]] = []
    for at, group in starts:
        if not scan.any_of_group[group].match(text, at):
            continue
        for index in scan.patterns_of_group[group]:
            if at >= resume[index]:
                found = patterns[index].match(text, at)
                if found:
                    matches.append(found.span())
                    resume[index] = found.end()
    matches.sort()
    return matches


def analyse_tone(
    text: str,
    rules: ToneRules,
    *,
    lang: Language,
    channel: str,
    lix_span: tuple[int, int] | None = None,
    settings: ToneSettings | None = None,
) -> list[ToneFinding]:
    """Every finding of ``rules`` on ``text`` (one message, in language ``lang``).

    ``lix_span`` is the ``[start, end)`` of the text LIX is computed on (default: all of it);
    LIX is only checked when ``rules.lix`` has a range for ``channel``.

    The answer depends on nothing but the arguments, so the last few thousand are kept:
    ``mkdocs serve`` checks every moment again on each change, and most text has not changed.
    """
    found = _analyse_cached(
        text, _Rules(rules), lang, channel, lix_span, settings or ToneSettings()
    )
    return list(found)


class _Rules:
    """ToneRules (a mutable model) as a cache key: equal when all their values are equal."""

    __slots__ = ("key", "rules")

    def __init__(self, rules: ToneRules) -> None:
        self.rules = rules
        self.key = rules.model_dump_json()  # every field, in order (banned words' order shows)

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Rules) and self.key == other.key


@lru_cache(maxsize=4096)
def _analyse_cached(
    text: str,
    keyed: _Rules,
    lang: Language,
    channel: str,
    lix_span: tuple[int, int] | None,
    settings: ToneSettings,
) -> tuple[ToneFinding, ...]:
    rules = keyed.rules
    words_lang = rule_language(lang)
    tokens = tokenize(text, lang)
    found = sentences(text, lang, tokens)
    findings: list[ToneFinding] = []
    findings += banned_words(tokens, rules.banned_words, text)
    if rules.max_sentence_words is not None:
        findings += long_sentences(found, rules.max_sentence_words)
    lix_range = {str(k): v for k, v in rules.lix.items()}.get(channel)
    if lix_range is not None:
        low, high = lix_range
        start, end = lix_span or (0, len(text))
        part = [s for s in found if s.start >= start and s.end <= end]
        _score, out_of_range = lix_finding(part, low, high, channel, settings.lix_min_words)
        if out_of_range is not None:
            findings.append(out_of_range)
    if rules.max_exclamations is not None:
        findings += exclamations(text, rules.max_exclamations)
    if rules.max_emoji is not None:
        findings += emoji(text, rules.max_emoji)
    findings += formality(found, rules.formality, words_lang, text)
    if rules.min_you_we_ratio is not None:
        findings += customer_focus(tokens, found, words_lang, rules.min_you_we_ratio,
                                   settings.focus_min_words)  # fmt: skip
    if rules.no_surveillance:
        findings += surveillance(text, words_lang, found)
    return tuple(sorted(findings, key=lambda f: (f.start, f.kind)))
