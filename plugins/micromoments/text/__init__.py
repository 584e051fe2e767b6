"""Text analysis for copy: tokens and sentences, readability (LIX), SMS encoding, push payloads,
visible prose of a copy section, and tone-of-voice findings.

Everything here is pure: functions take text (and rules) and return values with character
offsets. The checks in :mod:`micromoments.checks` turn those offsets into file positions.
"""

from .words import Language, Sentence, Token, language_of, sentences, tokenize

__all__ = ["Language", "Sentence", "Token", "language_of", "sentences", "tokenize"]
