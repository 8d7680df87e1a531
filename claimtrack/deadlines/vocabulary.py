"""The words of deadline phrases in English and French: months, weekdays, units, seasons,
holidays, ordinal quarters, and the prefixes and suffixes that give a phrase its kind
("no later than", "au plus tard", "at least until", "à partir de"). Counts in words are
read by numbers.py. Written in the normalised form the
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
    "decade": "decades",
    "decades": "decades",
    "decennie": "decades",
    "decennies": "decades",
}
UNIT = "(" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"

# Hours count as the days they reach into: "within 48 hours" of a statement ends two days on.
HOURS = ("hours", "hour", "heures", "heure", "h")
HOUR = "(" + "|".join(HOURS) + ")"

# Meteorological seasons, as official statistics count them (Northern Hemisphere): spring
# is March to May, summer June to August, autumn September to November, and winter YEAR is
# December YEAR to February YEAR+1, the winter that begins in YEAR.
SEASONS: dict[str, int] = {  # the season's first month
    "spring": 3,
    "printemps": 3,
    "summer": 6,
    "ete": 6,
    "autumn": 9,
    "fall": 9,
    "automne": 9,
    "winter": 12,
    "hiver": 12,
}
SEASON = "(" + "|".join(sorted(SEASONS, key=len, reverse=True)) + ")"

# Holidays with a fixed date (month, day), or "easter" (dateutil.easter computes it).
HOLIDAYS: dict[str, tuple[int, int] | str] = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "noel": (12, 25),
    "christmas eve": (12, 24),
    "veille de noel": (12, 24),
    "new year's eve": (12, 31),
    "saint-sylvestre": (12, 31),
    "saint sylvestre": (12, 31),
    "new year's day": (1, 1),
    "jour de l'an": (1, 1),
    "nouvel an": (1, 1),
    "toussaint": (11, 1),
    "halloween": (10, 31),
    "easter": "easter",
    "easter sunday": "easter",
    "paques": "easter",
}
HOLIDAY = "(" + "|".join(sorted(map(re.escape, HOLIDAYS), key=len, reverse=True)) + ")"

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
    ("dans les ", "on", "last"),  # "dans les années 2030"
    ("a ", "", "last"),  # "à l'été 2026", "à Noël", "à la fin de 2025": no kind of its own
    # by, in French planning language: "à l'horizon 2035"
    ("a l'horizon ", "by", "last"),
    ("horizon ", "by", "last"),
    # from: the first day it is in effect
    ("from ", "from", "first"),
    ("starting ", "from", "first"),
    ("starting in ", "from", "first"),
    ("starting on ", "from", "first"),
    ("starting from ", "from", "first"),
    ("beginning ", "from", "first"),
    ("beginning in ", "from", "first"),
    ("beginning on ", "from", "first"),
    ("as of ", "from", "first"),
    ("as from ", "from", "first"),
    ("effective ", "from", "first"),
    ("with effect from ", "from", "first"),
    ("a partir de ", "from", "first"),
    ("a partir du ", "from", "first"),
    ("a partir de l'", "from", "first"),
    ("a partir des ", "from", "first"),
    ("a compter de ", "from", "first"),
    ("a compter du ", "from", "first"),
    ("des ", "from", "first"),
]
PREFIXES.sort(key=lambda p: len(p[0]), reverse=True)

# Words that may follow a prefix without changing its meaning ("au plus tard en", "jusqu'au").
INNER = ("en ", "in ", "on ", "le ", "au ", "a ", "the ", "la ", "les ", "l'")

LATEST_SUFFIXES = (" at the latest", " au plus tard", " or earlier", " ou avant")
AT_LEAST_SUFFIXES = (" at least", " au moins", " or later")
FROM_SUFFIXES = (" onwards", " onward", " on", " and beyond", " et au-dela", " et apres")
