"""Calendar periods named in a deadline phrase: a day, a week, a month, a half-year, a
quarter, a season, a year, a decade, a holiday, the middle of a year or a month, and the
periods that count from the stated date ("next month", "la semaine prochaine", "the
decade") or from a claimant's term of office ("the end of this Parliament").

Each is read as ``Period(first, last, precision)``: the reader takes ``last`` for "by X",
the day before ``first`` for "before X", and ``first`` for "from X". A named period
without a year ("by September", "avant Noël") is the next one after the stated date; said
during that very period, it could be this one or the next, and is refused naming both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta

from claimtrack.deadlines.deadline import Term
from claimtrack.deadlines.vocabulary import (
    HOLIDAY,
    HOLIDAYS,
    MONTH,
    MONTHS,
    ORDINAL,
    ORDINAL_QUARTERS,
    SEASON,
    SEASONS,
    WEEKDAY,
    WEEKDAYS,
)
from claimtrack.errors import BadInput

FIRST_YEAR, LAST_YEAR = 1000, 9998


class Unreadable(Exception):
    """The phrase is not a period this module knows (the reader then refuses it)."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    precision: str


@dataclass(frozen=True)
class Context:
    """What a phrase may count from: the day it was stated, the claimant's term."""

    raw: str
    stated: date | None = None
    term: Term | None = None

    def needs_stated(self) -> date:
        if self.stated is None:
            raise BadInput(
                "deadline",
                f"'{self.raw}' counts from the date the claim was stated; give it "
                "(--stated YYYY-MM-DD)",
            )
        return self.stated


def month_last(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(day=31)


def year_of(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Unreadable
    return year


def day_period(year: int, month: int, day: int, raw: str) -> Period:
    try:
        d = date(year, month, day)
    except ValueError:
        raise BadInput(
            "deadline", f"'{raw}' is not a real date; write it as YYYY-MM-DD, e.g. 2025-09-30"
        ) from None
    return Period(d, d, "day")


def _month(year: int, month: int) -> Period:
    return Period(date(year, month, 1), month_last(year, month), "month")


def _quarter(year: int, quarter: int) -> Period:
    return Period(date(year, 3 * quarter - 2, 1), month_last(year, 3 * quarter), "quarter")


def _half(year: int, half: int) -> Period:
    return Period(date(year, 6 * half - 5, 1), month_last(year, 6 * half), "half")


def _season(year: int, name: str) -> Period:
    first = date(year, SEASONS[name], 1)
    last = first + relativedelta(months=3) - timedelta(days=1)
    return Period(first, last, "season")


def _decade(start: int) -> Period:
    return Period(date(start, 1, 1), date(start + 9, 12, 31), "decade")


def _week(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())  # ISO weeks: Monday to Sunday
    return Period(monday, monday + timedelta(days=6), "week")


def _middle(last_of_first_half: date) -> Period:
    """The middle of a year or a month: the boundary between its halves. "By mid-2026" and
    "before mid-2026" both end with the first half (30 June)."""
    return Period(last_of_first_half + timedelta(days=1), last_of_first_half, "half")


def _holiday(year: int, name: str) -> Period:
    when = HOLIDAYS[name]
    day = easter(year) if when == "easter" else date(year, *when)
    return Period(day, day, "day")


def check_weekday(name: str | None, day: date, raw: str) -> None:
    if name and WEEKDAYS[name] != day.weekday():
        raise BadInput(
            "deadline",
            f"'{raw}': {day.isoformat()} is a {day.strftime('%A')}, not a {name}; check the date",
        )


def _next_one(of_year: Callable[[int], Period], ctx: Context) -> Period:
    """A period named without its year: the next one after the stated date."""
    stated = ctx.needs_stated()
    before, this = of_year(stated.year - 1), of_year(stated.year)
    if _during(before, stated):  # a winter begun the year before
        this = before
    elif this.last < stated:
        return of_year(stated.year + 1)
    elif this.first > stated:
        return this
    after = of_year(this.first.year + 1)
    raise BadInput(
        "deadline",
        f"'{ctx.raw}' was said on {stated.isoformat()}, during it: it could mean the one "
        f"ending {this.last.isoformat()} or the next, ending {after.last.isoformat()}; "
        "add the year",
    )


def _during(period: Period, day: date) -> bool:
    return min(period.first, period.last) <= day <= max(period.first, period.last)


# Phrases of the claimant's term of office, once "end of" is taken off.
TERM_WORDS = (
    r"(?:this |the |my |his |her |their |our |current )?"
    r"(?:parliament|term|term of office|mandate|administration|presidency|legislature)"
    r"|(?:ce |son |mon |notre |leur )?(?:quinquennat|septennat|mandat|legislature)"
)
DAY_ONE = (
    r"(?:on )?day one|(?:on )?the first day(?: in office)?|(?:on )?(?:my|his|her|our) first "
    r"day(?: in office)?|le premier jour|le 1 jour|premier jour"
)


def _check_term(ctx: Context) -> None:
    if ctx.term is not None and ctx.term.conflict:
        raise BadInput(
            "deadline", f"'{ctx.raw}' needs the claimant's term, but {ctx.term.conflict}"
        )


def term_end(ctx: Context) -> date:
    _check_term(ctx)
    if ctx.term is None or ctx.term.end is None:
        raise BadInput(
            "deadline",
            f"'{ctx.raw}' is read to the claimant's term end, which is not recorded; record "
            "it first: claimtrack actor NAME --term-end YYYY-MM-DD",
        )
    return ctx.term.end


def counting_start(ctx: Context) -> date:
    """Where "day one" and "the first 100 days" count from: the claimant's first day in
    office when it is recorded and was still to come when they spoke (a campaign promise),
    else the day they spoke (a promise made in office)."""
    stated = ctx.needs_stated()
    _check_term(ctx)
    start = ctx.term.start if ctx.term else None
    return start if start is not None and start > stated else stated


_EN_RELATIVE = r"(this |the |the current |current |next )?(week|month|decade)"
_FR_THIS = r"(?:le |la |l'|ce |cette |cet )?(semaine|mois|decennie)(?:-ci| en cours)?"
_FR_NEXT = r"(?:le |la )?(semaine|mois|decennie) prochaine?"
_UNITS = {"semaine": "week", "mois": "month", "decennie": "decade"}


def _relative(r: str, ctx: Context, end_of: bool) -> Period | None:
    """Periods that count from the stated date: this or next week, month, decade. The unit
    alone ("the month", "la semaine") only after "end of": alone it names no period."""
    if m := re.fullmatch(_EN_RELATIVE, r):
        unit, offset, bare = m[2], int(m[1] == "next "), m[1] in (None, "the ")
    elif m := re.fullmatch(_FR_THIS, r):
        unit, offset, bare = _UNITS[m[1]], 0, r == m[1]
    elif m := re.fullmatch(_FR_NEXT, r):
        unit, offset, bare = _UNITS[m[1]], 1, False
    else:
        return None
    if bare and not end_of:
        return None
    stated = ctx.needs_stated()
    if unit == "week":
        return _week(stated + timedelta(weeks=offset))
    if unit == "month":
        moved = stated + relativedelta(months=offset)
        return _month(moved.year, moved.month)
    return _decade(stated.year // 10 * 10 + 10 * offset)


def read_period(r: str, ctx: Context) -> tuple[Period, bool]:
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
    r = re.sub(r"^(?:the |le |la |les |l')", "", r)
    r = re.sub(r"^(?:l')?horizon ", "", r)
    if end_of and re.fullmatch(TERM_WORDS, r):
        day = term_end(ctx)
        return Period(day, day, "day"), True
    if re.fullmatch(DAY_ONE, r):
        day = counting_start(ctx)
        return Period(day, day, "day"), end_of
    if r in ("tomorrow", "demain"):
        day = ctx.needs_stated() + timedelta(days=1)
        return Period(day, day, "day"), end_of
    if r in (
        "later this year",
        "later in the year",
        "plus tard cette annee",
        "plus tard dans l'annee",
    ):
        y = ctx.needs_stated().year
        return Period(date(y, 1, 1), date(y, 12, 31), "year"), True
    # "the year", "l'année" alone only after "end of": in running text "a year" is a length.
    if r in ("this year", "cette annee", "l'annee en cours", "annee en cours") or (
        end_of and r in ("the year", "year", "annee", "l'annee")
    ):
        y = ctx.needs_stated().year
        return Period(date(y, 1, 1), date(y, 12, 31), "year"), end_of
    if r in ("next year", "l'annee prochaine", "l'an prochain", "annee prochaine", "an prochain"):
        y = ctx.needs_stated().year + 1
        return Period(date(y, 1, 1), date(y, 12, 31), "year"), end_of
    if (relative := _relative(r, ctx, end_of)) is not None:
        return relative, end_of
    r = re.sub(r"^(?:the )?month of |^(?:le )?mois (?:de |d')", "", r)
    r = re.sub(r"^(?:the )?(?:calendar )?year |^(?:l')?(?:annee|an) (?:civile )?", "", r)
    return _calendar(r, ctx), end_of


def _calendar(r: str, ctx: Context) -> Period:
    raw = ctx.raw
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", r):
        return day_period(year_of(m[1]), int(m[2]), int(m[3]), raw)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", r):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise BadInput("deadline", f"'{raw}' has no month {month}; write YYYY-MM, e.g. 2025-09")
        return _month(year_of(m[1]), month)
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", r):
        return day_period(year_of(m[3]), int(m[2]), int(m[1]), raw)
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", r):
        a, b, year = int(m[1]), int(m[2]), year_of(m[3])
        if a > 12 >= b:
            return day_period(year, b, a, raw)
        if b > 12 >= a or a == b:
            return day_period(year, a, b, raw)
        raise BadInput(
            "deadline",
            f"'{raw}' could be day/month or month/day ({year}-{b:02d}-{a:02d} or "
            f"{year}-{a:02d}-{b:02d}); write it as YYYY-MM-DD",
        )
    if m := re.fullmatch(WEEKDAY + r"(\d{1,2}) " + MONTH + r"(?:,? (\d{4}))?", r):
        return _dated(m[1], MONTHS[m[3]], int(m[2]), m[4], ctx)
    if m := re.fullmatch(WEEKDAY + MONTH + r" (\d{1,2})(?:,? (\d{4}))?", r):
        return _dated(m[1], MONTHS[m[2]], int(m[3]), m[4], ctx)
    if m := re.fullmatch(
        r"(?:mid|mi)[- ]?(\d{4})|(?:the )?middle of (\d{4})|milieu (?:de )?(\d{4})", r
    ):
        return _middle(date(year_of(m[1] or m[2] or m[3]), 6, 30))
    if m := re.fullmatch(
        rf"(?:mid|mi)[- ]?{MONTH}(?:,? (?:of )?(\d{{4}}))?"
        rf"|(?:the )?middle of {MONTH}(?:,? (\d{{4}}))?"
        rf"|(?:le )?milieu (?:du mois )?(?:de |d'){MONTH}(?: (\d{{4}}))?",
        r,
    ):
        name = m[1] or m[3] or m[5]
        year_text = m[2] or m[4] or m[6]
        month = MONTHS[name]
        if year_text:
            return _middle(date(year_of(year_text), month, 15))
        return _next_one(lambda y: _middle(date(y, month, 15)), ctx)
    if m := re.fullmatch(MONTH + r"(?:,? (?:of |de |d')?(\d{4}))?", r):
        month = MONTHS[m[1]]
        if m[2]:
            return _month(year_of(m[2]), month)
        return _next_one(lambda y: _month(y, month), ctx)
    if m := re.fullmatch(r"(?:q|t)([1-4])[ /-]?(\d{4})|(\d{4})[ /-]?(?:q|t)([1-4])", r):
        quarter, year = (int(m[1]), year_of(m[2])) if m[1] else (int(m[4]), year_of(m[3]))
        return _quarter(year, quarter)
    if m := re.fullmatch(
        rf"(?:{ORDINAL}|([1-4])) (?:quarter|trimestre)(?: of| de)? (\d{{4}})"
        r"|(?:quarter|trimestre) ([1-4]) (?:of |de )?(\d{4})",
        r,
    ):
        if m[5]:
            return _quarter(year_of(m[5]), int(m[4]))
        quarter = ORDINAL_QUARTERS[m[1]] if m[1] else int(m[2])
        return _quarter(year_of(m[3]), quarter)
    if half := _read_half(r):
        return half
    if m := re.fullmatch(SEASON + r"(?: of| de| d')? (\d{4})(?:[-/](\d{2}|\d{4}))?", r):
        return _season_of(m[1], year_of(m[2]), m[3], raw)
    if m := re.fullmatch(SEASON, r):
        return _next_one(lambda y: _season(y, m[1]), ctx)
    if m := re.fullmatch(HOLIDAY + r"(?: (\d{4}))?", r):
        name = m[1]
        if m[2]:
            return _holiday(year_of(m[2]), name)
        return _next_one(lambda y: _holiday(y, name), ctx)
    if m := re.fullmatch(r"(?:annees |the )?(\d{3}0)'?s|annees (\d{3}0)", r):
        return _decade(year_of(m[1] or m[2]))
    if m := re.fullmatch(r"(\d{4})", r):
        year = year_of(m[1])
        return Period(date(year, 1, 1), date(year, 12, 31), "year")
    raise Unreadable


def _dated(weekday: str | None, month: int, day: int, year: str | None, ctx: Context) -> Period:
    if year:
        period = day_period(year_of(year), month, day, ctx.raw)
    else:
        day_period(2000, month, day, ctx.raw)  # a real day in some year (29 February: 2000)
        period = _next_one(lambda y: _day_or_leap(y, month, day, ctx.raw), ctx)
    check_weekday(weekday, period.first, ctx.raw)
    return period


def _day_or_leap(year: int, month: int, day: int, raw: str) -> Period:
    """29 February without a year: the next leap year's."""
    while True:
        try:
            return Period(date(year, month, day), date(year, month, day), "day")
        except ValueError:
            year += 1


_HALF_ORDINALS = {"first": 1, "1": 1, "premier": 1, "second": 2, "2": 2, "deuxieme": 2}
_HALF_ORDINALS |= {"last": 2, "dernier": 2, "latter": 2}


def _read_half(r: str) -> Period | None:
    """ "H1 2026", "S2 2026", "the second half of 2026", "premier semestre 2026"."""
    if m := re.fullmatch(r"(?:h|s)([12])[ /-]?(\d{4})|(\d{4})[ /-]?(?:h|s)([12])", r):
        half, year = (int(m[1]), m[2]) if m[1] else (int(m[4]), m[3])
        return _half(year_of(year), half)
    words = "|".join(_HALF_ORDINALS)
    if m := re.fullmatch(
        rf"({words}) (?:half|semestre)(?: of| de| de l'annee)? (\d{{4}})"
        rf"|(?:half|semestre) ([12]) (?:of |de )?(\d{{4}})",
        r,
    ):
        if m[3]:
            return _half(year_of(m[4]), int(m[3]))
        return _half(year_of(m[2]), _HALF_ORDINALS[m[1]])
    return None


def _season_of(name: str, year: int, second: str | None, raw: str) -> Period:
    """ "winter 2025" is the winter that begins in December 2025; "winter 2025-26" says so."""
    if second is not None:
        following = int(second) if len(second) == 4 else year // 100 * 100 + int(second)
        if SEASONS[name] != 12 or following != year + 1:
            raise BadInput(
                "deadline",
                f"'{raw}': only a winter spans two years, and they follow each other "
                "(winter 2025-2026)",
            )
    return _season(year, name)
