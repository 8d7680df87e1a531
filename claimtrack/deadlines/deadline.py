"""A deadline as read: the phrase as said, its kind, the last day it covers, and how precise
it is; and the moment that day ends in the tracker's zone, when a check falls due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

KINDS = ("by", "until", "on")
PRECISIONS = ("day", "month", "quarter", "year")


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
