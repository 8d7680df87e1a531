"""Status derivation (DESIGN.md, Status): a pure function of deadline, verdicts and a moment."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from claimtrack.status import derive_status

DUE = datetime(2025, 10, 1, tzinfo=UTC)


@dataclass
class V:
    verdict: str
    checked_on: date
    recorded_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    id: int | None = None


def at(day: str) -> tuple[datetime, date]:
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=UTC), d


@pytest.mark.parametrize(
    ("due_at", "verdicts", "day", "expected"),
    [
        (DUE, [], "2025-09-30", "pending"),
        (DUE, [], "2025-10-01", "due"),
        (None, [], "2030-01-01", "unrated"),
        (DUE, [V("in_progress", date(2025, 5, 1))], "2025-06-01", "in_progress"),
        (DUE, [V("stalled", date(2025, 5, 1))], "2025-10-02", "due"),  # interim does not hide due
        (DUE, [V("kept", date(2025, 9, 1))], "2025-10-02", "kept"),
        (DUE, [V("kept", date(2025, 11, 1))], "2025-10-02", "due"),  # not yet checked then
        (None, [V("false", date(2004, 9, 30))], "2004-09-30", "false"),
        (None, [V("false", date(2004, 9, 30))], "2004-09-29", "unrated"),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("in_progress", date(2025, 12, 1), id=2)],
            "2026-01-01",
            "broken",  # the latest *final* verdict wins over a later interim one
        ),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("kept", date(2025, 10, 20), id=2)],
            "2025-10-10",
            "broken",
        ),
        (
            DUE,
            [V("broken", date(2025, 10, 5), id=1), V("kept", date(2025, 10, 20), id=2)],
            "2025-10-20",
            "kept",
        ),
    ],
)
def test_status_follows_the_design_rules(due_at, verdicts, day, expected):
    moment, as_of_day = at(day)
    assert derive_status(due_at, verdicts, moment, as_of_day) == expected


def test_same_day_verdicts_are_ordered_by_when_they_were_recorded():
    first = V("kept", date(2025, 10, 5), datetime(2025, 10, 5, 9, tzinfo=UTC), 2)
    correction = V("partial", date(2025, 10, 5), datetime(2025, 10, 5, 17, tzinfo=UTC), 1)
    moment, day = at("2025-10-06")
    assert derive_status(DUE, [correction, first], moment, day) == "partial"
