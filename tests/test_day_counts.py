"""Day counts agree with the calendar in the tracker's zone: a 7-day reminder says "7 days
left", the last day "due today", the day a deadline passes "0 days overdue" (never "1 day
overdue" at its first instant) and the next day "1 day overdue" — in a zone east of UTC
(Auckland, whose midnight is the previous UTC day) and one west of it (Los Angeles, whose
evening is the next UTC day), in alerts, the report and the home page alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from claimtrack import config
from claimtrack.deadlines.deadline import days_left, days_overdue
from claimtrack.monitor import passes
from claimtrack.records import claims
from claimtrack.records.moments import AsOf, Clock
from claimtrack.reports.deadline_report import build_report, render_text, to_json
from tests.schemas import validate_alerts
from tests.test_monitor import FakeChannel

ZONES = ["Pacific/Auckland", "America/Los_Angeles"]


def local(zone: str, *when: int) -> datetime:
    return datetime(*when, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_the_counts_are_whole_calendar_days_to_the_end_of_the_last_day():
    last = date(2026, 3, 31)
    assert [days_left(last, date(2026, 3, d)) for d in (24, 25, 30, 31)] == [8, 7, 2, 1]
    assert [days_overdue(last, date(2026, 4, d)) for d in (1, 2, 11)] == [0, 1, 10]
    assert days_left(last, date(2026, 4, 1)) == 0  # passed: nothing left, never negative


@pytest.fixture(params=ZONES)
def zone(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def tracker(database, zone):
    """One claim due by 31 March 2026 in ``zone``, and the monitor's configuration there."""
    stated = Clock(local(zone, 2026, 1, 10, 9), ZoneInfo(zone), "tester")
    with database.write() as session:
        claims.add_claim(
            session, "The bridge reopens", claimants=["Mayor"], clock=stated, deadline="2026-03-31"
        )
    return config.parse({"timezone": zone, "reminders": [7, 1]}, "t")


def alert_lines(database, cfg, now: datetime) -> list[str]:
    desk = FakeChannel("desk")
    passes.run_pass(database, cfg, now, [desk])
    for message in desk.messages:
        validate_alerts(message.data)
    return [line.strip() for m in desk.messages for line in m.text.splitlines() if "#1 " in line]


def test_alerts_count_to_the_midnight_ending_the_last_day(database, tracker, zone):
    week_before = local(zone, 2026, 3, 25)  # the 7-day reminder fires at local midnight
    assert alert_lines(database, tracker, week_before - timedelta(microseconds=1)) == []
    [line] = alert_lines(database, tracker, week_before)
    assert line.startswith("#1  7 days left")
    [line] = alert_lines(database, tracker, local(zone, 2026, 3, 31))  # the 1-day reminder
    assert line.startswith("#1  due today")
    passed = local(zone, 2026, 4, 1)
    assert alert_lines(database, tracker, passed - timedelta(microseconds=1)) == []
    desk = FakeChannel("desk")
    passes.run_pass(database, tracker, passed, [desk])  # the first instant after the deadline
    [message] = desk.messages
    assert message.subject == "claimtrack: 1 deadline passed — #1, 0 days overdue"
    assert message.data["alerts"][0]["overdue_days"] == 0
    assert "1 day overdue" not in message.text


@pytest.mark.parametrize(
    ("when", "overdue"),
    [
        ((2026, 4, 1, 0, 0), 0),  # the first instant: Auckland's is 31 March in UTC
        ((2026, 4, 1, 20, 0), 0),  # Los Angeles' evening is 2 April in UTC
        ((2026, 4, 1, 23, 59), 0),
        ((2026, 4, 2, 0, 0), 1),
        ((2026, 4, 11, 12, 0), 10),
    ],
)
def test_the_report_and_the_home_page_say_the_same_count(database, tracker, zone, when, overdue):
    as_of = AsOf(local(zone, *when), ZoneInfo(zone))
    with database.read() as session:
        report = build_report(session, as_of)
    [due] = to_json(report)["due"]
    assert due["overdue_days"] == overdue
    words = f"{overdue} day{'' if overdue == 1 else 's'} overdue"
    assert f"#1  {words}" in render_text(report)
    home = served(database, tracker, as_of.moment).get("/").text
    assert words in home


def served(database, cfg, now: datetime):
    from fastapi.testclient import TestClient

    from claimtrack.web.app import create_app
    from claimtrack.web.site import Site

    return TestClient(create_app(Site(database, cfg, clock=lambda: now)))


def test_the_report_says_due_today_on_the_last_day(database, tracker, zone):
    as_of = AsOf(local(zone, 2026, 3, 31, 23, 59), ZoneInfo(zone))
    with database.read() as session:
        report = build_report(session, as_of, 30)
    [upcoming] = to_json(report)["upcoming"]
    assert upcoming["days_left"] == 1
    assert "#1  due today (deadline to come)" in render_text(report)
    assert "due today" in served(database, tracker, as_of.moment).get("/").text
