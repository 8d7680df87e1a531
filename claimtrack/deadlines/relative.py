"""Deadlines counted in units from a start: "within 12 months", "dans les douze prochains
mois", "for at least another two years", "in 48 hours", "d'ici quinze jours", "in the first
100 days". The start is the stated date, or for "the first N days" the claimant's first day
in office when that was still to come (periods.counting_start).
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from claimtrack.deadlines.deadline import Deadline
from claimtrack.deadlines.numbers import NUM, count
from claimtrack.deadlines.periods import Context, counting_start
from claimtrack.deadlines.vocabulary import HOUR, UNIT, UNITS
from claimtrack.errors import BadInput

_NEXT = "(?:prochain(?:e)?s )?"  # "douze prochains mois"
_COMING = "(?: (?:a venir|qui viennent|prochain(?:e)?s))?"  # "douze mois à venir"
_SPAN = rf"(?:{UNIT}|{HOUR})"
RELATIVE: list[tuple[str, str]] = [
    # by: within N units of the statement
    (rf"(?:within|in|over|during) the (?:next|coming) {NUM} {_SPAN}", "by"),
    (rf"within (?:the next )?{NUM} {_SPAN}", "by"),
    (rf"no later than {NUM} {_SPAN} (?:after|from) (?:that|then|now|the statement)", "by"),
    (rf"dans les {NUM} {_NEXT}{_SPAN}{_COMING}", "by"),
    (rf"au cours des {NUM} {_NEXT}{_SPAN}{_COMING}", "by"),
    (rf"(?:dans un delai de|sous|d'ici|en moins de|en) {NUM} {_SPAN}", "by"),  # "en dix ans"
    # until: for at least N units
    (rf"for (?:at least )?(?:another |the next )?{NUM} (?:more )?{_SPAN}", "until"),
    (rf"pendant (?:au moins |encore )?(?:les )?{NUM} {_NEXT}{_SPAN}", "until"),
    # on: N units after the statement
    (rf"in {NUM} {_SPAN}'?(?: time)?|{NUM} {_SPAN} (?:from now|later)", "on"),  # months' time
    (rf"dans {NUM} {_SPAN}", "on"),
]
# The first N units of a term (or from the statement): day one is the first of them.
FIRST: list[str] = [
    rf"(?:in|within|during|over) (?:the |my |his |her |our |their )?first (?:{NUM} )?{UNIT}"
    r"(?: in office| of (?:the|my|his|her|our|their) (?:term|mandate|presidency|administration))?",
    rf"(?:dans|au cours|pendant|lors) (?:les|des) {NUM} premi(?:er|ere)s {UNIT}"
    r"(?: (?:du|de son|de mon) (?:mandat|quinquennat))?",
]
# French counts days from today inclusive: "huit jours" is a week, "quinze jours" two.
IDIOMS = {("huit", "days"): 7, ("quinze", "days"): 14}


def _amount(number_text: str, unit: str, unit_text: str, raw: str) -> int:
    amount = count(number_text)
    if amount is None:
        raise _NotACount
    amount = IDIOMS.get((number_text, unit), amount) if unit == "days" else amount
    if amount <= 0:
        raise BadInput("deadline", f"'{raw}' counts {amount} {unit_text}; give a positive count")
    return amount


class _NotACount(Exception):
    pass


def _span(unit_text: str) -> str:
    return "hours" if unit_text in ("hours", "hour", "heures", "heure", "h") else UNITS[unit_text]


def _moved(start: date, unit: str, amount: int, raw: str) -> date:
    try:
        if unit == "hours":  # the day the last hour falls in, counted from the stated day
            return start + timedelta(days=math.ceil(amount / 24))
        if unit == "weeks":
            return start + timedelta(days=7 * amount)
        if unit == "decades":
            return start + relativedelta(years=10 * amount)
        return start + relativedelta(**{unit: amount})
    except (OverflowError, ValueError):
        raise BadInput("deadline", f"'{raw}' reaches past the year 9998") from None


def read_relative(s: str, ctx: Context) -> Deadline | None:
    """The reading of a counted phrase, or None when ``s`` is not one."""
    for pattern in FIRST:
        if m := re.fullmatch(pattern, s):
            number_text, unit_text = m[1] or "1", m[2]  # "the first year": one
            try:
                amount = _amount(number_text, UNITS[unit_text], unit_text, ctx.raw)
            except _NotACount:
                continue
            start = counting_start(ctx)
            last = _moved(start, UNITS[unit_text], amount, ctx.raw) - timedelta(days=1)
            return Deadline(ctx.raw, "by", last, "day")
    for pattern, kind in RELATIVE:
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        number_text, unit_text = (g for g in m.groups() if g is not None)
        unit = _span(unit_text)
        try:
            amount = _amount(number_text, unit, unit_text, ctx.raw)
        except _NotACount:
            continue
        last = _moved(ctx.needs_stated(), unit, amount, ctx.raw)
        return Deadline(ctx.raw, kind, last, "day")
    return None
