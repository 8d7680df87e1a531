"""Sentences of a text with their exact offsets, by pysbd (which knows French and English
abbreviations, "M.", "Dr.", "U.S.", and quotes), and the text's language when not given.

The language is told by its commonest words: a few dozen per language tell English from
French surely on any paragraph, and a text in neither is refused rather than misread. A
model (fastText, langdetect) would name a hundred languages; the reader reads two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimtrack.errors import BadInput

LANGUAGES = ("en", "fr")
_EN = "the of and to in is that for it with as was on be by at this are from have has will"
_FR = "le la les des de du et est que qui dans pour une un sur au aux par pas plus avec ce"
_COMMON = {
    "en": {*_EN.split(), "not", "but", "which", "they", "their", "its", "said", "would", "an"},
    "fr": {*_FR.split(), "cette", "sont", "été", "sera", "a", "il", "elle", "ont", "aussi"},
}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def language_of(text: str) -> str:
    """ "en" or "fr", from the share of each language's commonest words."""
    words = re.findall(r"[a-zàâçéèêëîïôûùœ']+", text.lower())
    if len(words) < 3:
        raise BadInput("--lang", "the text is too short to tell its language; give --lang en|fr")
    shares = {
        lang: sum(w in common for w in words) / len(words) for lang, common in _COMMON.items()
    }
    best = max(shares, key=lambda lang: shares[lang])
    if shares[best] < 0.08:
        raise BadInput(
            "--lang",
            "the text is in neither English nor French, the languages the deadline reader "
            "reads; give --lang en|fr if it is one of them",
        )
    return best


def sentences(text: str, language: str) -> list[Sentence]:
    """The sentences of ``text``; ``text[s.start:s.end] == s.text``."""
    import pysbd

    if language not in LANGUAGES:
        raise BadInput("--lang", f"'{language}' is not one of {', '.join(LANGUAGES)}")
    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    found = []
    for span in segmenter.segment(text):
        start, end = span.start, span.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            found.append(Sentence(start, end, text[start:end]))
    return found
