"""The two moments the record knows: when a change is made and by whom (Clock), and when
statuses are judged (AsOf), each with the tracker's zone. "Now" is always passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo


@dataclass(frozen=True)
class Clock:
    """The moment of a change and the tracker's time zone: "now" is always passed in."""

    now: datetime
    tz: tzinfo = UTC
    who: str | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """A moment to judge statuses at, with its calendar day in the tracker's zone."""

    moment: datetime
    tz: tzinfo = UTC

    @property
    def day(self) -> date:
        return self.moment.astimezone(self.tz).date()
