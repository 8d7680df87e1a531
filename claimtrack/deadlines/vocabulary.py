"""The words of deadline phrases in English and French: months, weekdays, units, numbers
in words, ordinal quarters, and the prefixes and suffixes that give a phrase its kind
("no later than", "au plus tard", "at least until"). Written in the normalised form the
reader compares against (lower case, no accents)."""

from __future__ import annotations

import re

# --- vocabulary -------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan janvier janv",
        "february feb febr fevrier fevr fev",
        "march mar mars",
        "april apr avril avr",
        "may mai",
        "june jun juin",
        "july jul juillet juil",
        "august aug aout",
        "september sep sept septembre",
        "october oct octobre",
        "november nov novembre",
        "december dec decembre",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"

WEEKDAYS = {
    name: n
    for n, names in enumerate(
        [
            "monday mon lundi",
            "tuesday tue tues mardi",
            "wednesday wed mercredi",
            "thursday thu thurs jeudi",
            "friday fri vendredi",
            "saturday sat samedi",
            "sunday sun dimanche",
        ]
    )
    for name in names.split()
}
WEEKDAY = "(?:(" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + "),? )?"

UNITS = {
    "day": "days",
    "days": "days",
    "jour": "days",
    "jours": "days",
    "week": "weeks",
    "weeks": "weeks",
    "semaine": "weeks",
    "semaines": "weeks",
    "month": "months",
    "months": "months",
    "mois": "months",
    "year": "years",
    "years": "years",
    "an": "years",
    "ans": "years",
    "annee": "years",
    "annees": "years",
}
UNIT = "(" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"

EN_SMALL = [
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
EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
FR_SMALL = [
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
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
FR_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}


def number_words() -> dict[str, int]:
    words: dict[str, int] = {"a": 1, "an": 1, "une": 1}
    for small, tens in ((EN_SMALL, EN_TENS), (FR_SMALL, FR_TENS)):
        words.update({w: i for i, w in enumerate(small)})
        for ten_word, ten in tens.items():
            words[ten_word] = ten
            for unit in range(1, 10):
                unit_word = small[unit]
                words[f"{ten_word}-{unit_word}"] = ten + unit
                words[f"{ten_word} {unit_word}"] = ten + unit
            if small is FR_SMALL:
                words[f"{ten_word} et un"] = ten + 1
                words[f"{ten_word}-et-un"] = ten + 1
    return words


NUMBERS = number_words()
NUM = "(\\d{1,4}|" + "|".join(re.escape(w) for w in sorted(NUMBERS, key=len, reverse=True)) + ")"

ORDINAL_QUARTERS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": 4,
    "premier": 1,
    "1er": 1,
    "deuxieme": 2,
    "2e": 2,
    "2eme": 2,
    "troisieme": 3,
    "3e": 3,
    "3eme": 3,
    "quatrieme": 4,
    "4e": 4,
    "4eme": 4,
    "dernier": 4,
}
ORDINAL = "(" + "|".join(sorted(ORDINAL_QUARTERS, key=len, reverse=True)) + ")"

# Prefixes, longest first at use. mode "last": the period's last day; "before": the day
# before the period starts.
PREFIXES: list[tuple[str, str, str]] = [
    # English: no later than
    ("no later than ", "by", "last"),
    ("not later than ", "by", "last"),
    ("at the latest by ", "by", "last"),
    ("at the latest in ", "by", "last"),
    ("on or before ", "by", "last"),
    ("by ", "by", "last"),
    ("deadline ", "by", "last"),
    ("due by ", "by", "last"),
    ("due ", "by", "last"),
    ("before ", "by", "before"),
    ("prior to ", "by", "before"),
    # English: at least until
    ("at least until ", "until", "last"),
    ("at least till ", "until", "last"),
    ("at least through ", "until", "last"),
    ("until at least ", "until", "last"),
    ("through at least ", "until", "last"),
    ("until ", "until", "last"),
    ("till ", "until", "last"),
    ("til ", "until", "last"),
    ("through ", "until", "last"),
    ("thru ", "until", "last"),
    # English: on
    ("sometime in ", "on", "last"),
    ("during ", "on", "last"),
    ("on ", "on", "last"),
    ("in ", "on", "last"),
    # French: au plus tard
    ("au plus tard ", "by", "last"),
    ("d'ici ", "by", "last"),
    ("avant ", "by", "before"),
    ("pour ", "by", "last"),
    # French: au moins jusqu'en
    ("au moins jusqu'", "until", "last"),
    ("jusqu'au moins ", "until", "last"),
    ("jusqu'", "until", "last"),
    # French: en, le
    ("dans le courant de ", "on", "last"),
    ("dans le courant du ", "on", "last"),
    ("courant ", "on", "last"),
    ("au cours de l'", "on", "last"),
    ("au cours de ", "on", "last"),
    ("au cours du ", "on", "last"),
    ("en ", "on", "last"),
    ("le ", "on", "last"),
    ("au ", "on", "last"),
]
PREFIXES.sort(key=lambda p: len(p[0]), reverse=True)

# Words that may follow a prefix without changing its meaning ("au plus tard en", "jusqu'au").
INNER = ("en ", "in ", "on ", "le ", "au ", "a ", "the ", "la ", "les ", "l'")

LATEST_SUFFIXES = (" at the latest", " au plus tard", " or earlier", " ou avant")
AT_LEAST_SUFFIXES = (" at least", " au moins", " or later")
