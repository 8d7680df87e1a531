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
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from claimtrack.deadlines.deadline import Deadline
from claimtrack.deadlines.vocabulary import (
    AT_LEAST_SUFFIXES,
    INNER,
    LATEST_SUFFIXES,
    MONTH,
    MONTHS,
    NUM,
    NUMBERS,
    ORDINAL,
    ORDINAL_QUARTERS,
    PREFIXES,
    UNIT,
    UNITS,
    WEEKDAY,
    WEEKDAYS,
)
from claimtrack.errors import BadInput

ACCEPTED_FORMS = (
    '"2025-09-30", "by September 2025", "no later than Q3 2025", "at least until September '
    '2026", "within 12 months", "end of 2025", "au plus tard en septembre 2025", '
    '"d\'ici fin 2025", "jusqu\'en septembre 2026", "dans les douze prochains mois", "T3 2025"'
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
    if m := re.fullmatch(WEEKDAY + r"(\d{1,2}) " + MONTH + r",? (\d{4})", r):
        period = _day(_year(m[4]), MONTHS[m[3]], int(m[2]), raw)
        _check_weekday(m[1], period.first, raw)
        return period, end_of
    if m := re.fullmatch(WEEKDAY + MONTH + r" (\d{1,2}),? (\d{4})", r):
        period = _day(_year(m[4]), MONTHS[m[2]], int(m[3]), raw)
        _check_weekday(m[1], period.first, raw)
        return period, end_of
    if m := re.fullmatch(MONTH + r",? (?:of |de |d')?(\d{4})", r):
        year, month = _year(m[2]), MONTHS[m[1]]
        return _Period(date(year, month, 1), _month_last(year, month), "month"), end_of
    if m := re.fullmatch(r"(?:q|t)([1-4])[ /-]?(\d{4})|(\d{4})[ /-]?(?:q|t)([1-4])", r):
        quarter, year = (int(m[1]), _year(m[2])) if m[1] else (int(m[4]), _year(m[3]))
        return _quarter(year, quarter), end_of
    if m := re.fullmatch(
        rf"(?:{ORDINAL}|([1-4])) (?:quarter|trimestre)(?: of| de)? (\d{{4}})"
        r"|(?:quarter|trimestre) ([1-4]) (?:of |de )?(\d{4})",
        r,
    ):
        if m[5]:
            return _quarter(_year(m[5]), int(m[4])), end_of
        quarter = ORDINAL_QUARTERS[m[1]] if m[1] else int(m[2])
        return _quarter(_year(m[3]), quarter), end_of
    if m := re.fullmatch(r"(\d{4})", r):
        year = _year(m[1])
        return _Period(date(year, 1, 1), date(year, 12, 31), "year"), end_of
    raise _Unreadable


def _quarter(year: int, quarter: int) -> _Period:
    first = date(year, 3 * quarter - 2, 1)
    return _Period(first, _month_last(year, 3 * quarter), "quarter")


def _check_weekday(name: str | None, day: date, raw: str) -> None:
    if name and WEEKDAYS[name] != day.weekday():
        raise BadInput(
            "deadline",
            f"'{raw}': {day.isoformat()} is a {day.strftime('%A')}, not a {name}; check the date",
        )


_NEXT = "(?:prochain(?:e)?s )?"  # "douze prochains mois"
_COMING = "(?: (?:a venir|qui viennent|prochain(?:e)?s))?"  # "douze mois à venir"
_RELATIVE: list[tuple[str, str]] = [
    # by: within N units of the statement
    (rf"(?:within|in|over|during) the (?:next|coming) {NUM} {UNIT}", "by"),
    (rf"within (?:the next )?{NUM} {UNIT}", "by"),
    (rf"no later than {NUM} {UNIT} (?:after|from) (?:that|then|now|the statement)", "by"),
    (
        rf"dans les {NUM} {_NEXT}{UNIT}{_COMING}",
        "by",
    ),
    (rf"au cours des {NUM} {_NEXT}{UNIT}{_COMING}", "by"),
    (rf"(?:dans un delai de|sous|d'ici|en moins de) {NUM} {UNIT}", "by"),
    # until: for at least N units
    (rf"for (?:at least )?(?:another |the next )?{NUM} (?:more )?{UNIT}", "until"),
    (rf"pendant (?:au moins |encore )?(?:les )?{NUM} {_NEXT}{UNIT}", "until"),
    # on: N units after the statement
    (rf"in {NUM} {UNIT}(?: time)?|{NUM} {UNIT} (?:from now|later)", "on"),
    (rf"dans {NUM} {UNIT}", "on"),
]


def _read_relative(s: str, stated: date | None, raw: str) -> Deadline | None:
    for pattern, kind in _RELATIVE:
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        number_text, unit_text = (g for g in m.groups() if g is not None)
        count = int(number_text) if number_text.isdigit() else NUMBERS[number_text]
        if count <= 0:
            raise BadInput("deadline", f"'{raw}' counts {count} {unit_text}; give a positive count")
        if stated is None:
            raise BadInput(
                "deadline",
                f"'{raw}' counts from the date the claim was stated; give it (--stated YYYY-MM-DD)",
            )
        unit = UNITS[unit_text]
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
    for suffixes, kind_of_suffix in ((LATEST_SUFFIXES, "by"), (AT_LEAST_SUFFIXES, "until")):
        for suffix in suffixes:
            if s.endswith(suffix):
                s, suffix_kind = s[: -len(suffix)], kind_of_suffix
    prefix_kind, mode = None, "last"
    for prefix, kind_of_prefix, mode_of_prefix in PREFIXES:
        if s.startswith(prefix):
            s, prefix_kind, mode = s[len(prefix) :], kind_of_prefix, mode_of_prefix
            s = next((s[len(w) :] for w in INNER if s.startswith(w)), s)
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
