"""Counts written in words, in English and French, up to the thousands: "a hundred", "two
hundred and fifty", "deux cents", "mille", "quatre-vingt-dix", "soixante et onze".

The words are read by a small parser rather than listed: the list of every count up to
9,999 in two languages would be some forty thousand entries, and the regular expression
built from it would be slow to compile and to match. Written in the reader's normalised
form (lower case, no accents).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_EN_TENS |= {"seventy": 70, "eighty": 80, "ninety": 90}
_FR_UNITS = [
    "zero",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
_FR_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50}
_FR_TENS |= {"soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90}

# Every word a count may be written with; "a"/"an"/"une" only as "one" before a unit.
SMALL: dict[str, int] = {w: i for i, w in enumerate(_EN_UNITS)}
SMALL |= {w: i for i, w in enumerate(_FR_UNITS)}
SMALL |= _EN_TENS | _FR_TENS | {"une": 1}
HUNDRED = {"hundred": 100, "cent": 100, "cents": 100}
THOUSAND = {"thousand": 1000, "mille": 1000}
ARTICLES = {"a": 1, "an": 1, "one": 1, "un": 1, "une": 1}
JOINERS = {"and", "et"}
WORDS = set(SMALL) | set(HUNDRED) | set(THOUSAND) | set(ARTICLES) | JOINERS

# A run of number words (or digits) as the reader finds it in a phrase; ``count`` decides.
_WORD = "|".join(sorted(map(re.escape, WORDS), key=len, reverse=True))
NUM = rf"(\d{{1,4}}|(?:(?:{_WORD})(?:[ -](?:{_WORD}))*))"


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[ -]", text) if t]


def _below_hundred(tokens: list[str]) -> int | None:
    """1-99 from its words: "vingt et un", "quatre vingt dix", "seventy-two", "dix sept"."""
    words = [t for t in tokens if t not in JOINERS]
    if len(words) != len(tokens) and (len(words) != 2 or words[1] not in ("un", "une", "onze")):
        return None  # "et" only in "vingt et un", "soixante et onze"
    if not words:
        return None
    if words[:2] == ["quatre", "vingt"] or words[:2] == ["quatre", "vingts"]:
        rest = _below_hundred(words[2:]) if words[2:] else 0
        return None if rest is None or rest >= 20 else 80 + rest
    first = words[0]
    if first in SMALL and SMALL[first] >= 20:
        if len(words) == 1:
            return SMALL[first]
        rest = _below_hundred(words[1:])
        # soixante-dix, soixante et onze: French counts 70-79 as sixty plus ten to nineteen.
        limit = 20 if first == "soixante" else 10
        return None if rest is None or not 0 < rest < limit else SMALL[first] + rest
    if first == "dix" and len(words) == 2 and words[1] in ("sept", "huit", "neuf"):
        return 10 + SMALL[words[1]]
    if len(words) == 1 and first in SMALL:
        return SMALL[first]
    return None


def _scaled(
    tokens: list[str], scale: dict[str, int], below: Callable[[list[str]], int | None]
) -> int | None:
    """A count with one scale word ("hundred", "mille"): how many of it (one to nine, or
    none or an article for one), times the scale, plus the count ``below`` reads after it."""
    for index, token in enumerate(tokens):
        if token in scale:
            head, tail = tokens[:index], tokens[index + 1 :]
            if not head or (len(head) == 1 and head[0] in ARTICLES):
                times = 1  # "cent", "a hundred", "one thousand", "mille"
            else:
                times = below(head) or 0
                if not 1 < times < 10:
                    return None
            tail = tail[1:] if tail[:1] == ["and"] else tail
            rest = below(tail) if tail else 0
            return None if rest is None else times * scale[token] + rest
    return below(tokens)


def _below_thousand(tokens: list[str]) -> int | None:
    return _scaled(tokens, HUNDRED, _below_hundred) if tokens else None


def count(text: str) -> int | None:
    """The count ``text`` writes (digits or words), or None when it is not one."""
    if text.isdigit():
        return int(text)
    tokens = _tokens(text)
    if tokens in (["a"], ["an"]):
        return 1
    return _scaled(tokens, THOUSAND, _below_thousand)
