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

from ..model import ToneRules
from .readability import Lix, lix_of_sentences
from .words import EMOJI, Language, Sentence, Token, sentences, tokenize

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


def _norm(word: str) -> str:
    return word.replace("’", "'").casefold()


# --- the individual rules --------------------------------------------------------------------
def banned_words(tokens: Sequence[Token], banned: Mapping[str, str | None]) -> list[ToneFinding]:
    """Words (or phrases) from ``banned``, each with its suggested swap."""
    # Entries are indexed by their first word, so a long email with a long list stays fast.
    by_first: dict[str, list[tuple[list[str], bool, str, str | None]]] = {}
    prefixes: list[tuple[list[str], bool, str, str | None]] = []  # one word ending in *
    for entry, swap in banned.items():
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
    norm = [_norm(t.text) if t.is_word else None for t in tokens]
    findings: list[ToneFinding] = []
    for i, first in enumerate(norm):
        if first is None:
            continue
        candidates = by_first.get(first, []) + [p for p in prefixes if first.startswith(p[0][0])]
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
    spans = [m.span() for m in EMOJI.finditer(text)]
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


def formality(found: Sequence[Sentence], wanted: str, lang: RuleLanguage) -> list[ToneFinding]:
    """Forms of address that break the tone's ``du``/``De`` choice (Danish, Norwegian)."""
    if wanted == "any" or lang not in INFORMAL:
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
    starts = {s.words[0].start for s in found if s.words}
    for token in tokens:
        if not token.is_word:
            continue
        word = _norm(token.text)
        if word in YOU_WORDS[lang]:
            you += 1
        elif word in WE_WORDS[lang] and not (lang == "en" and token.text == "US"):
            we += 1
        elif lang in INFORMAL and (
            token.text in FORMAL_ALWAYS
            or (token.text in FORMAL_MID_SENTENCE and token.start not in starts)
        ):
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
    matches: list[tuple[int, int]] = []
    for pattern in SURVEILLANCE_PATTERNS[lang]:
        matches.extend(m.span() for m in pattern.finditer(text))
    matches.sort()
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
    """
    settings = settings or ToneSettings()
    words_lang = rule_language(lang)
    tokens = tokenize(text, lang)
    found = sentences(text, lang, tokens)
    findings: list[ToneFinding] = []
    findings += banned_words(tokens, rules.banned_words)
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
    findings += formality(found, rules.formality, words_lang)
    if rules.min_you_we_ratio is not None:
        findings += customer_focus(tokens, found, words_lang, rules.min_you_we_ratio,
                                   settings.focus_min_words)  # fmt: skip
    if rules.no_surveillance:
        findings += surveillance(text, words_lang, found)
    return sorted(findings, key=lambda f: (f.start, f.kind))
