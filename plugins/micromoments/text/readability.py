"""LIX (läsbarhetsindex), the readability score used for Danish, Norwegian and Swedish.

    LIX = words / sentences + 100 × long words / words

A long word has more than six letters. Only words count (numbers, order numbers, URLs and
emoji do not), and only sentences that hold at least one word. Sentences come from
:mod:`micromoments.text.words`, so abbreviations such as "f.eks." or "e.g." do not split them.
The Danish interpretation scale:

    ≤ 24 very easy · 25–34 easy · 35–44 medium · 45–54 hard · ≥ 55 very hard
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .words import Language, Sentence, sentences

LONG_WORD_LETTERS = 6
BANDS: tuple[tuple[float, str], ...] = (
    (25, "very easy"),
    (35, "easy"),
    (45, "medium"),
    (55, "hard"),
)


def band(score: float) -> str:
    """The Danish interpretation of a LIX score: very easy, easy, medium, hard, very hard."""
    for upper, label in BANDS:
        if score < upper:
            return label
    return "very hard"


@dataclass(frozen=True, slots=True)
class Lix:
    """A LIX score with the counts it was computed from."""

    score: float
    words: int
    sentences: int
    long_words: int

    @property
    def band(self) -> str:
        """The Danish interpretation of the score."""
        return band(self.score)

    @property
    def rounded(self) -> int:
        """The score rounded half up, as LIX is usually quoted."""
        return int(self.score + 0.5)


def lix_of_sentences(found: Sequence[Sentence]) -> Lix | None:
    """LIX of already split sentences; None when they hold no words."""
    counted = [s.words for s in found if s.words]
    n_words = sum(len(w) for w in counted)
    if not n_words:
        return None
    # A token has no more letters than characters: only longer tokens need counting.
    n_long = sum(
        1
        for w in counted
        for token in w
        if len(token.text) > LONG_WORD_LETTERS and token.letters > LONG_WORD_LETTERS
    )
    n_sentences = len(counted)
    score = n_words / n_sentences + 100 * n_long / n_words
    return Lix(score=score, words=n_words, sentences=n_sentences, long_words=n_long)


def lix(text: str, lang: Language = "da") -> Lix | None:
    """LIX of ``text`` in language ``lang``; None when the text has no words."""
    return lix_of_sentences(sentences(text, lang))
