"""A deadline as read: the phrase as said, its kind, the day it names, how precise it is and
who read it (the reader, or a person by hand); and the moment that day ends in the
tracker's zone, when a check falls due.

Kinds: ``by`` (done no later than the last day), ``until`` (still so at least through it),
``on`` (happening within the period, its last day), ``from`` (in effect from the first day:
a start, not a deadline; checked once that day has passed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

KINDS = ("by", "until", "on", "from")
PRECISIONS = ("day", "week", "month", "half", "quarter", "season", "year", "decade")
READERS = ("reader", "hand")  # who gave the reading: the deadline reader, or a person


@dataclass(frozen=True)
class Term:
    """A claimant's term of office, as far as it is known: "by the end of this Parliament"
    is read to its end, "on day one" to its start."""

    start: date | None = None
    end: date | None = None
    # Set when the claimants' terms differ (a joint statement): a phrase that needs the
    # term is refused with this explanation rather than read to one of them.
    conflict: str | None = None


def shared_term(terms: dict[str, tuple[date | None, date | None]], names: list[str]) -> Term | None:
    """The term of office the claimants ``names`` share, from what is recorded of each.

    Claimants whose terms differ (or where only some have one) get a Term that refuses any
    phrase needing it, naming them, rather than the term of one of them."""
    seen = {terms.get(name, (None, None)) for name in names}
    if seen <= {(None, None)}:
        return None
    if len(seen) > 1:
        said = "; ".join(f"{name}: {term_text(*terms.get(name, (None, None)))}" for name in names)
        return Term(
            conflict=f"the claimants' terms differ ({said}); record the claim once per "
            "claimant, or give the reading by hand (--due-date)"
        )
    start, end = seen.pop()
    return Term(start, end)


def term_text(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "none recorded"
    return f"{start.isoformat() if start else '?'} to {end.isoformat() if end else '?'}"


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase and how it was read."""

    text: str
    kind: str
    date: date
    precision: str
    read_by: str = "reader"

    @property
    def by_hand(self) -> bool:
        return self.read_by == "hand"

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
            "read_by": self.read_by,
        }


def due_moment(last_day: date, tz: tzinfo = UTC) -> datetime:
    """Midnight starting the day after ``last_day`` in ``tz``, expressed in UTC."""
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)


def days_overdue(last_day: date, today: date) -> int:
    """Whole days since the deadline passed, at the midnight that ended ``last_day``: 0 on
    the day it passes (never "1 day overdue" at its first instant), 1 the day after."""
    return max(0, (today - last_day).days - 1)


def days_left(last_day: date, today: date) -> int:
    """Days until the midnight that ends ``last_day``, today included: 7 a week before (when
    a 7-day reminder fires), 1 on the last day itself, which is "due today"."""
    return max(0, (last_day - today).days + 1)
