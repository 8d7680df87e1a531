"""Read deadline phrases as people write them, in English and French, and dates typed by users.

The reader is a small grammar, not python-dateutil's parser: dateutil fills missing fields
from today's date and knows no French, and a fact-checker must never get a guessed
deadline. dateutil does the calendar arithmetic (month ends, "within twelve months" from a
stated date, leap years). A phrase the grammar does not know is refused with the forms it
accepts.

A reading is ``Deadline(text, kind, date, precision)``: ``date`` is the last day the phrase
covers, inclusive; ``due_at(tz)`` is the first instant after it, the moment a check is due.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta

from claimtrack.errors import BadInput

KINDS = ("by", "until", "on")
PRECISIONS = ("day", "month", "quarter", "year")

ACCEPTED_FORMS = (
    '"2025-09-30", "by September 2025", "no later than Q3 2025", "at least until September '
    '2026", "within 12 months", "end of 2025", "au plus tard en septembre 2025", '
    '"d\'ici fin 2025", "jusqu\'en septembre 2026", "dans les douze prochains mois", "T3 2025"'
)


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase and how it was read."""

    text: str
    kind: str
    date: date
    precision: str

    def due_at(self, tz: tzinfo = UTC) -> datetime:
        """The first instant after ``date`` in the tracker's zone, in UTC: when the check is due."""
        return due_moment(self.date, tz)

    def to_json(self, tz: tzinfo = UTC) -> dict[str, Any]:
        return {
            "text": self.text,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "precision": self.precision,
            "due_at": self.due_at(tz).isoformat(),
        }


def due_moment(last_day: date, tz: tzinfo = UTC) -> datetime:
    """Midnight starting the day after ``last_day`` in ``tz``, expressed in UTC."""
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


# --- vocabulary -------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
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
        _MONTHS[_name] = _number
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"

_WEEKDAYS = {
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
_WEEKDAY = "(?:(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + "),? )?"

_UNITS = {
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
_UNIT = "(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"

_EN_SMALL = [
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
_FR_SMALL = [
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
_FR_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}


def _number_words() -> dict[str, int]:
    words: dict[str, int] = {"a": 1, "an": 1, "une": 1}
    for small, tens in ((_EN_SMALL, _EN_TENS), (_FR_SMALL, _FR_TENS)):
        words.update({w: i for i, w in enumerate(small)})
        for ten_word, ten in tens.items():
            words[ten_word] = ten
            for unit in range(1, 10):
                unit_word = small[unit]
                words[f"{ten_word}-{unit_word}"] = ten + unit
                words[f"{ten_word} {unit_word}"] = ten + unit
            if small is _FR_SMALL:
                words[f"{ten_word} et un"] = ten + 1
                words[f"{ten_word}-et-un"] = ten + 1
    return words


_NUMBERS = _number_words()
_NUM = "(\\d{1,4}|" + "|".join(re.escape(w) for w in sorted(_NUMBERS, key=len, reverse=True)) + ")"

_ORDINAL_QUARTERS = {
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
_ORDINAL = "(" + "|".join(sorted(_ORDINAL_QUARTERS, key=len, reverse=True)) + ")"

# Prefixes, longest first at use. mode "last": the period's last day; "before": the day
# before the period starts.
_PREFIXES: list[tuple[str, str, str]] = [
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
_PREFIXES.sort(key=lambda p: len(p[0]), reverse=True)

# Words that may follow a prefix without changing its meaning ("au plus tard en", "jusqu'au").
_INNER = ("en ", "in ", "on ", "le ", "au ", "a ", "the ", "la ", "les ", "l'")

_LATEST_SUFFIXES = (" at the latest", " au plus tard", " or earlier", " ou avant")
_AT_LEAST_SUFFIXES = (" at least", " au moins", " or later")


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


@dataclass(frozen=True)
class _Period:
    first: date
    last: date
    precision: str


def _month_last(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(day=31)


def _year(text: str) -> int:
    year = int(text)
    if not 1000 <= year <= 9998:
        raise _Unreadable
    return year


def _day(year: int, month: int, day: int, raw: str) -> _Period:
    try:
        d = date(year, month, day)
    except ValueError:
        raise BadInput(
            "deadline", f"'{raw}' is not a real date; write it as YYYY-MM-DD, e.g. 2025-09-30"
        ) from None
    return _Period(d, d, "day")


class _Unreadable(Exception):
    pass


def _read_period(r: str, stated: date | None, raw: str) -> tuple[_Period, bool]:
    """Read a calendar period; the flag says the phrase named the end of it ("end of 2025")."""
    end_of = False
    m = re.fullmatch(
        r"(?:at )?(?:the )?(?:very )?end(?: of| of the| of l')? (.+)|(?:a )?(?:la )?(?:toute )?fin "
        r"(?:de l'|de la |du |des |de |d')?(.+)|(?:year-end|year end) (.+)|end-(\d{4})",
        r,
    )
    if m:
        end_of = True
        r = next(g for g in m.groups() if g)
    r = re.sub(r"^(?:the|le|la|les) ", "", r)

    def relative_year(offset: int) -> _Period:
        if stated is None:
            raise BadInput(
                "deadline",
                f"'{raw}' counts from the date the claim was stated; give it (--stated YYYY-MM-DD)",
            )
        y = stated.year + offset
        return _Period(date(y, 1, 1), date(y, 12, 31), "year")

    if r in (
        "this year",
        "the year",
        "year",
        "annee",
        "l'annee",
        "cette annee",
        "l'annee en cours",
    ):
        return relative_year(0), end_of
    if r in ("next year", "l'annee prochaine", "l'an prochain", "annee prochaine"):
        return relative_year(1), end_of
    r = re.sub(r"^(?:the )?month of |^(?:le )?mois (?:de |d')", "", r)
    r = re.sub(r"^(?:the )?(?:calendar )?year |^(?:l')?(?:annee|an) (?:civile )?", "", r)
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", r):
        return _day(_year(m[1]), int(m[2]), int(m[3]), raw), end_of
    if m := re.fullmatch(r"(\d{4})-(\d{2})", r):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise BadInput("deadline", f"'{raw}' has no month {month}; write YYYY-MM, e.g. 2025-09")
        year = _year(m[1])
        return _Period(date(year, month, 1), _month_last(year, month), "month"), end_of
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", r):
        return _day(_year(m[3]), int(m[2]), int(m[1]), raw), end_of
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", r):
        a, b, year = int(m[1]), int(m[2]), _year(m[3])
        if a > 12 >= b:
            return _day(year, b, a, raw), end_of
        if b > 12 >= a or a == b:
            return _day(year, a, b, raw), end_of
        raise BadInput(
            "deadline",
            f"'{raw}' could be day/month or month/day; write it as YYYY-MM-DD, e.g. 2025-09-30",
        )
    if m := re.fullmatch(_WEEKDAY + r"(\d{1,2}) " + _MONTH + r",? (\d{4})", r):
        period = _day(_year(m[4]), _MONTHS[m[3]], int(m[2]), raw)
        _check_weekday(m[1], period.first, raw)
        return period, end_of
    if m := re.fullmatch(_WEEKDAY + _MONTH + r" (\d{1,2}),? (\d{4})", r):
        period = _day(_year(m[4]), _MONTHS[m[2]], int(m[3]), raw)
        _check_weekday(m[1], period.first, raw)
        return period, end_of
    if m := re.fullmatch(_MONTH + r",? (?:of |de |d')?(\d{4})", r):
        year, month = _year(m[2]), _MONTHS[m[1]]
        return _Period(date(year, month, 1), _month_last(year, month), "month"), end_of
    if m := re.fullmatch(r"(?:q|t)([1-4])[ /-]?(\d{4})|(\d{4})[ /-]?(?:q|t)([1-4])", r):
        quarter, year = (int(m[1]), _year(m[2])) if m[1] else (int(m[4]), _year(m[3]))
        return _quarter(year, quarter), end_of
    if m := re.fullmatch(
        rf"(?:{_ORDINAL}|([1-4])) (?:quarter|trimestre)(?: of| de)? (\d{{4}})"
        r"|(?:quarter|trimestre) ([1-4]) (?:of |de )?(\d{4})",
        r,
    ):
        if m[5]:
            return _quarter(_year(m[5]), int(m[4])), end_of
        quarter = _ORDINAL_QUARTERS[m[1]] if m[1] else int(m[2])
        return _quarter(_year(m[3]), quarter), end_of
    if m := re.fullmatch(r"(\d{4})", r):
        year = _year(m[1])
        return _Period(date(year, 1, 1), date(year, 12, 31), "year"), end_of
    raise _Unreadable


def _quarter(year: int, quarter: int) -> _Period:
    first = date(year, 3 * quarter - 2, 1)
    return _Period(first, _month_last(year, 3 * quarter), "quarter")


def _check_weekday(name: str | None, day: date, raw: str) -> None:
    if name and _WEEKDAYS[name] != day.weekday():
        raise BadInput(
            "deadline",
            f"'{raw}': {day.isoformat()} is a {day.strftime('%A')}, not a {name}; check the date",
        )


_NEXT = "(?:prochain(?:e)?s )?"  # "douze prochains mois"
_COMING = "(?: (?:a venir|qui viennent|prochain(?:e)?s))?"  # "douze mois à venir"
_RELATIVE: list[tuple[str, str]] = [
    # by: within N units of the statement
    (rf"(?:within|in|over|during) the (?:next|coming) {_NUM} {_UNIT}", "by"),
    (rf"within (?:the next )?{_NUM} {_UNIT}", "by"),
    (rf"no later than {_NUM} {_UNIT} (?:after|from) (?:that|then|now|the statement)", "by"),
    (
        rf"dans les {_NUM} {_NEXT}{_UNIT}{_COMING}",
        "by",
    ),
    (rf"au cours des {_NUM} {_NEXT}{_UNIT}{_COMING}", "by"),
    (rf"(?:dans un delai de|sous|d'ici|en moins de) {_NUM} {_UNIT}", "by"),
    # until: for at least N units
    (rf"for (?:at least )?(?:another |the next )?{_NUM} (?:more )?{_UNIT}", "until"),
    (rf"pendant (?:au moins |encore )?(?:les )?{_NUM} {_NEXT}{_UNIT}", "until"),
    # on: N units after the statement
    (rf"in {_NUM} {_UNIT}(?: time)?|{_NUM} {_UNIT} (?:from now|later)", "on"),
    (rf"dans {_NUM} {_UNIT}", "on"),
]


def _read_relative(s: str, stated: date | None, raw: str) -> Deadline | None:
    for pattern, kind in _RELATIVE:
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        number_text, unit_text = (g for g in m.groups() if g is not None)
        count = int(number_text) if number_text.isdigit() else _NUMBERS[number_text]
        if count <= 0:
            raise BadInput("deadline", f"'{raw}' counts {count} {unit_text}; give a positive count")
        if stated is None:
            raise BadInput(
                "deadline",
                f"'{raw}' counts from the date the claim was stated; give it (--stated YYYY-MM-DD)",
            )
        unit = _UNITS[unit_text]
        delta = relativedelta(days=7 * count) if unit == "weeks" else relativedelta(**{unit: count})
        try:
            last = stated + delta
        except (OverflowError, ValueError):
            raise BadInput("deadline", f"'{raw}' reaches past the year 9998") from None
        return Deadline(raw, kind, last, "day")
    return None


def parse_deadline(phrase: str, stated: date | None = None) -> Deadline:
    """Read ``phrase``; relative phrases count from ``stated``. Refuses what it cannot read surely.

    Raises ``BadInput`` naming accepted forms for vague phrases ("soon", "bientôt"), and for
    dates that do not exist ("30 février 2025").
    """
    raw = " ".join(phrase.split())
    if not raw:
        raise BadInput("deadline", f"empty phrase; accepted forms include {ACCEPTED_FORMS}")
    s = normalize(raw)

    relative = _read_relative(s, stated, raw)
    if relative:
        return relative

    suffix_kind = None
    for suffixes, kind_of_suffix in ((_LATEST_SUFFIXES, "by"), (_AT_LEAST_SUFFIXES, "until")):
        for suffix in suffixes:
            if s.endswith(suffix):
                s, suffix_kind = s[: -len(suffix)], kind_of_suffix
    prefix_kind, mode = None, "last"
    for prefix, kind_of_prefix, mode_of_prefix in _PREFIXES:
        if s.startswith(prefix):
            s, prefix_kind, mode = s[len(prefix) :], kind_of_prefix, mode_of_prefix
            s = next((s[len(w) :] for w in _INNER if s.startswith(w)), s)
            break
    if suffix_kind and prefix_kind not in (None, "on", suffix_kind):
        raise BadInput("deadline", f"'{raw}' says both {prefix_kind} and {suffix_kind}; keep one")
    kind = suffix_kind or prefix_kind
    try:
        period, end_of = _read_period(s, stated, raw)
    except _Unreadable:
        raise BadInput(
            "deadline",
            f"cannot read '{raw}' with confidence; accepted forms include {ACCEPTED_FORMS}",
        ) from None
    if kind is None:
        kind = "by" if end_of else "on"
    if mode == "before" and not end_of:
        return Deadline(raw, kind, period.first - timedelta(days=1), period.precision)
    return Deadline(raw, kind, period.last, period.precision)


# --- dates typed on the command line ------------------------------------------------------


# The years a date or moment typed by a user may fall in. Far enough either way for any
# record, and far enough from Python's year 1 and 9999 that a report's window around it
# (at most MAX_DAYS) and the end of a day in any zone are still dates.
FIRST_YEAR, LAST_YEAR = 1000, 9800
MAX_DAYS = 36_600  # a report's window: a hundred years


def _in_range(moment: date, text: str, field: str) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise BadInput(
            field,
            f"'{text}' is outside the years {FIRST_YEAR} to {LAST_YEAR} that claimtrack takes; "
            "give a date such as 2025-10-01",
        )


def parse_date(text: str, field: str) -> date:
    """A calendar date typed by a user (YYYY-MM-DD): refuses impossible dates such as 2024-13-45."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        raise BadInput(field, f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2024-09-27")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(
            field, f"'{text}' is not a real date; use YYYY-MM-DD, e.g. 2024-09-27"
        ) from None
    _in_range(day, text, field)
    return day


def end_of_day(day: date, tz: tzinfo = UTC) -> datetime:
    """The last instant of ``day`` in ``tz``, in UTC: what "as of 2025-10-01" means."""
    return due_moment(day, tz) - timedelta(microseconds=1)


def parse_moment(text: str, field: str, tz: tzinfo = UTC) -> datetime:
    """A moment typed by a user: a date (the end of that day in ``tz``) or an ISO date-time.

    A date-time without an offset is read in ``tz``. The result is aware and in UTC.
    """
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        return end_of_day(parse_date(value, field), tz)
    try:
        if not value.isascii():
            raise ValueError(value)  # fromisoformat takes other scripts' digits
        moment = datetime.fromisoformat(value)
        _in_range(moment, text, field)
    except ValueError:
        raise BadInput(
            field,
            f"'{text}' is not a date or date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM], "
            "e.g. 2025-10-01 or 2025-10-01T09:30+02:00",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
