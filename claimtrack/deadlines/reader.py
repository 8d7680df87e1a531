"""Read deadline phrases as people write them, in English and French.

The reader is a small grammar, not python-dateutil's parser: dateutil fills missing fields
from today's date and knows no French, and a fact-checker must never get a guessed
deadline. dateutil does the calendar arithmetic (month ends, "within twelve months" from a
stated date, leap years, Easter). A phrase the grammar does not know, or that could mean
two things, is refused with the forms it accepts (or both readings); the claim can then be
recorded with a reading given by hand (hand.py).

A reading is ``Deadline(text, kind, date, precision)``: ``date`` is the last day the phrase
covers, inclusive (for ``from``, the first day in effect); ``due_at(tz)`` is the first
instant after it, the moment a check is due. The periods are read by periods.py, counted
phrases by relative.py.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from claimtrack.deadlines.deadline import Deadline, Term
from claimtrack.deadlines.periods import Context, Unreadable, read_period
from claimtrack.deadlines.relative import read_relative
from claimtrack.deadlines.vocabulary import (
    AT_LEAST_SUFFIXES,
    FROM_SUFFIXES,
    INNER,
    LATEST_SUFFIXES,
    PREFIXES,
)
from claimtrack.errors import BadInput

ACCEPTED_FORMS = (
    '"2025-09-30", "by September 2025", "no later than Q3 2025", "at least until September '
    '2026", "within 12 months", "end of 2025", "au plus tard en septembre 2025", '
    '"d\'ici fin 2025", "jusqu\'en septembre 2026", "dans les douze prochains mois", "T3 2025", '
    '"H1 2026", "by summer 2026", "avant Noël 2026", "à partir de 2035", "by the end of the 2030s"'
)


def normalize(phrase: str) -> str:
    """Lower case, no accents, ASCII apostrophes, single spaces: the form the grammar reads."""
    s = phrase.strip().lower()
    for quote in "’‘`´ʼ′":
        s = s.replace(quote, "'")
    s = s.replace("\u00a0", " ").replace("\u202f", " ")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"(?<=[a-z])\.", "", s)  # "sept." -> "sept"
    s = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th|er|re|e|eme)\b", r"\1", s)  # 1st, 1er -> 1
    s = re.sub(r"(\d)(?:st|nd|rd|th)? of ", r"\1 ", s)  # "30th of" -> "30"
    s = re.sub(r"\s+", " ", s)
    return s.strip(" ,;:!.")


# Words that name no day a check could fall due: refused, with the way out (a hand reading).
VAGUE = re.compile(
    r"\b(?:early|late|soon|shortly|eventually|coming (?:months|years|weeks)|months to come"
    r"|fiscal|fy ?\d*|bientot|prochainement|debut|courant des prochains|prochains mois"
    r"|prochaines annees|a terme|tot ou tard)\b"
)
HAND = "or record the phrase with a reading given by hand: --due-date YYYY-MM-DD"


def parse_deadline(
    phrase: str, stated: date | None = None, *, term: Term | None = None
) -> Deadline:
    """Read ``phrase``; relative phrases count from ``stated``, terms of office from ``term``.
    Refuses what it cannot read surely.

    Raises ``BadInput`` naming accepted forms for vague phrases ("soon", "bientôt", "early
    2026"), both readings of a phrase that could mean two things, and dates that do not exist
    ("30 février 2025").

    A reading depends on nothing else, and a Deadline is immutable, so readings are kept:
    an import of a desk's export reads the same phrases said on the same days again and
    again (7,300 distinct of 100,000 in bench/importing.py's file).
    """
    return _read(phrase, stated, term)


@lru_cache(maxsize=16_384)
def _read(phrase: str, stated: date | None, term: Term | None) -> Deadline:
    raw = " ".join(phrase.split())
    if not raw:
        raise BadInput("deadline", f"empty phrase; accepted forms include {ACCEPTED_FORMS}")
    s = normalize(raw)
    ctx = Context(raw, stated, term)

    relative = read_relative(s, ctx)
    if relative:
        return relative

    said = s
    suffix_kind = None
    for suffixes, kind_of_suffix in (
        (LATEST_SUFFIXES, "by"),
        (AT_LEAST_SUFFIXES, "until"),
        (FROM_SUFFIXES, "from"),
    ):
        for suffix in suffixes:
            if s.endswith(suffix) and (suffix != " on" or _starts_from(s)):
                s, suffix_kind = s[: -len(suffix)], kind_of_suffix
    prefix_kind, mode = None, "last"
    for prefix, kind_of_prefix, mode_of_prefix in PREFIXES:
        if s.startswith(prefix):
            s, prefix_kind, mode = s[len(prefix) :], kind_of_prefix or None, mode_of_prefix
            s = next((s[len(w) :] for w in INNER if s.startswith(w)), s)
            break
    if suffix_kind and prefix_kind not in (None, "on", suffix_kind):
        raise BadInput("deadline", f"'{raw}' says both {prefix_kind} and {suffix_kind}; keep one")
    kind = suffix_kind or prefix_kind
    if kind == "from":
        mode = "first"
    try:
        period, end_of = read_period(s, ctx)
    except Unreadable:
        if VAGUE.search(said):
            raise BadInput(
                "deadline",
                f"cannot read '{raw}' with confidence: it names no day a check could fall "
                "due (early, late, soon, the coming "
                f"months and fiscal years are not read); accepted forms include {ACCEPTED_FORMS}; "
                + HAND,
            ) from None
        raise BadInput(
            "deadline",
            f"cannot read '{raw}' with confidence; accepted forms include {ACCEPTED_FORMS}; "
            + HAND,
        ) from None
    if kind is None:
        kind = "by" if end_of else "on"
    if mode == "before" and not end_of:
        return Deadline(raw, kind, period.first - timedelta(days=1), period.precision)
    if mode == "first" and not end_of:
        return Deadline(raw, kind, period.first, period.precision)
    return Deadline(raw, kind, period.last, period.precision)


def _starts_from(s: str) -> bool:
    return any(s.startswith(p) for p, kind, _ in PREFIXES if kind == "from")
