"""Dates and moments typed by users (``--stated``, ``--as-of``, API parameters): ISO forms
only, within the years every database and every zone can hold."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from claimtrack.deadlines.deadline import due_moment
from claimtrack.errors import BadInput
from claimtrack.language import gettext as _

# The years a date or moment typed by a user may fall in. Far enough either way for any
# record, and far enough from Python's year 1 and 9999 that a report's window around it
# (at most MAX_DAYS) and the end of a day in any zone are still dates.
FIRST_YEAR, LAST_YEAR = 1000, 9800
MAX_DAYS = 36_600  # a report's window: a hundred years


def _in_range(moment: date, text: str, field: str) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        said = _(
            "'%(text)s' is outside the years %(first)s to %(last)s that claimtrack takes; "
            "give a date such as 2025-10-01"
        )
        raise BadInput(field, said % {"text": text, "first": FIRST_YEAR, "last": LAST_YEAR})


def parse_date(text: str, field: str) -> date:
    """A calendar date typed by a user (YYYY-MM-DD): refuses impossible dates such as 2024-13-45."""
    value = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value, re.ASCII):
        said = _("'%(text)s' is not a date; use YYYY-MM-DD, e.g. 2024-09-27")
        raise BadInput(field, said % {"text": text})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        said = _("'%(text)s' is not a real date; use YYYY-MM-DD, e.g. 2024-09-27")
        raise BadInput(field, said % {"text": text}) from None
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
        said = _(
            "'%(text)s' is not a date or date-time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM], "
            "e.g. 2025-10-01 or 2025-10-01T09:30+02:00"
        )
        raise BadInput(field, said % {"text": text}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)
