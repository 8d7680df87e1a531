"""Deadline phrases inside running text: every span of a sentence the reader can read,
longest first, with its exact character offsets.

"La mission … se terminera au plus tard en septembre 2025." yields the span "au plus tard
en septembre 2025" and its reading. The finder tries the reader on word spans, starting at
each word, longest first (at most ``MAX_WORDS``); a span found is not searched again. A
span that would be read but needs a date the caller does not know (a relative phrase
without the stated date) is kept, with the reason instead of a reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimtrack.deadlines.deadline import Deadline, Term
from claimtrack.deadlines.reader import normalize, parse_deadline
from claimtrack.errors import BadInput

MAX_WORDS = 12
# A word of running text: letters, digits and the marks inside dates ("30/09/2025",
# "mi-2026", "aujourd'hui"); punctuation around it is not part of a span.
_WORD = re.compile(r"[\w’'/.\-]+")
# One-word spans are dates or these; a lone month name ("may", "mars") is too often a word.
_ONE_WORD = {"tomorrow", "demain"}
_NEEDS = ("--stated", "--term-end", "term")


@dataclass(frozen=True)
class Span:
    """A deadline phrase found in a sentence: ``text[start:end]`` is the phrase."""

    start: int
    end: int
    text: str
    reading: Deadline | None
    problem: str | None = None  # why there is no reading: a date that is not known


def _words(sentence: str) -> list[tuple[int, int]]:
    spans = []
    for m in _WORD.finditer(sentence):
        start, end = m.start(), m.end()
        while end > start and sentence[end - 1] in ".-’'/":  # "2025." ends a sentence
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _acceptable(phrase: str) -> bool:
    words = normalize(phrase).split()
    if len(words) == 1:
        return any(c.isdigit() for c in words[0]) or words[0] in _ONE_WORD
    return True


def _read(
    phrase: str, stated: date | None, term: Term | None
) -> tuple[Deadline | None, str | None]:
    """The reading of ``phrase``; (None, reason) when it needs a date that is not known;
    (None, None) when it is no deadline."""
    try:
        return parse_deadline(phrase, stated, term=term), None
    except BadInput as refused:
        if any(needed in refused.message for needed in _NEEDS) and "with confidence" not in (
            refused.message
        ):
            return None, refused.message
        return None, None


def find_deadlines(
    sentence: str, stated: date | None = None, term: Term | None = None
) -> list[Span]:
    """Every deadline phrase of ``sentence``, left to right, each the longest readable one
    starting at its first word."""
    words = _words(sentence)
    found: list[Span] = []
    index = 0
    while index < len(words):
        for last in range(min(len(words), index + MAX_WORDS) - 1, index - 1, -1):
            start, end = words[index][0], words[last][1]
            phrase = sentence[start:end]
            if not _acceptable(phrase):
                continue
            reading, problem = _read(phrase, stated, term)
            if reading is not None or problem is not None:
                found.append(Span(start, end, phrase, reading, problem))
                index = last + 1
                break
        else:
            index += 1
    return found
