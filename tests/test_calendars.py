"""The served calendars: a subscriber gets the deadlines nearest to today, from a window of
days around it, at most [web] calendar_limit of them, and the calendar says so; one
claimant's and one tag's calendars hold theirs only. Read back with vobject, a second
parser beside the icalendar that writes them."""

from __future__ import annotations

from dataclasses import replace

import pytest
import vobject
from fastapi.testclient import TestClient

from claimtrack.config import Config, Web
from claimtrack.web.app import create_app

# NOW is 2026-11-24 12:00 UTC (conftest). The last days of the claims' deadlines, and who.
DEADLINES = {
    "by 2026-11-23": ("Ministry of Works", "roads"),  # 1 day ago
    "by 2026-11-20": ("Ministry of Works", "roads"),  # 4 days ago
    "by 2026-11-25": ("Ministry of Health", "hospitals"),  # tomorrow
    "by 2026-12-10": ("Ministry of Health", "roads"),  # 16 days ahead
    "by 2027-06-30": ("Ministry of Works", "hospitals"),  # 7 months ahead
    "by 2025-06-30": ("Ministry of Health", "roads"),  # 17 months ago: outside the window
    "by 2029-01-31": ("Ministry of Works", "roads"),  # 26 months ahead: outside
}


@pytest.fixture
def claims(run) -> dict[str, int]:
    ids = {}
    for phrase, (who, tag) in DEADLINES.items():
        added = run(
            "add",
            f"We will finish it {phrase}.",
            "--by",
            who,
            "--stated",
            "2025-01-01",
            "--due",
            phrase,
            "--tag",
            tag,
            "--json",
        )
        assert added.code == 0, added.err
        ids[phrase] = added.json()["id"]
    return ids


def _tracker(site, **web) -> TestClient:
    config = Config(web=Web(cache_check=0, **web))
    return TestClient(create_app(replace(site, config=config)))


def _read(text: str):
    calendar = vobject.readOne(text)
    events = getattr(calendar, "vevent_list", [])  # vobject has no list when there is none
    days = [event.dtstart.value.isoformat() for event in events]
    return calendar, days


def test_the_calendar_holds_the_window_around_today_and_says_so(site, claims):
    answer = _tracker(site).get("/deadlines.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar, days = _read(answer.text)
    # A year back, two years ahead; the deadlines of 2025-06 and 2029-01 are outside.
    assert days == ["2026-11-20", "2026-11-23", "2026-11-25", "2026-12-10", "2027-06-30"]
    assert calendar.x_wr_caldesc.value == (
        "Every deadline from 2025-11-24 to 2028-11-23: 5 deadlines."
    )


def test_over_the_limit_it_keeps_the_nearest_to_today_passed_and_coming(site, claims):
    answer = _tracker(site, calendar_limit=3).get("/deadlines.ics")
    calendar, days = _read(answer.text)
    # Nearest to 2026-11-24 12:00: due at 11-24 00:00 (by 11-23), 11-26 00:00 (by 11-25),
    # then 11-21 00:00 (by 11-20) before 12-11 00:00 (by 12-10).
    assert days == ["2026-11-20", "2026-11-23", "2026-11-25"]
    assert calendar.x_wr_caldesc.value == (
        "The 3 deadlines nearest to 2026-11-24 of the 5 from 2025-11-24 to 2028-11-23; "
        "every deadline: claimtrack export --format ics."
    )
    statuses = {e.dtstart.value.isoformat(): e.categories.value[0] for e in calendar.vevent_list}
    assert statuses == {"2026-11-20": "due", "2026-11-23": "due", "2026-11-25": "pending"}


def test_from_and_to_choose_the_window(client, claims):
    _, days = _read(client.get("/deadlines.ics", params={"from": "2020-01-01"}).text)
    assert days == [
        "2025-06-30",
        "2026-11-20",
        "2026-11-23",
        "2026-11-25",
        "2026-12-10",
        "2027-06-30",
    ]
    _, days = _read(client.get("/deadlines.ics", params={"to": "2030-12-31"}).text)
    assert days == [
        "2026-11-20",
        "2026-11-23",
        "2026-11-25",
        "2026-12-10",
        "2027-06-30",
        "2029-01-31",
    ]
    only = {"from": "2026-11-25", "to": "2026-11-25"}
    _, days = _read(client.get("/deadlines.ics", params=only).text)
    assert days == ["2026-11-25"]
    backwards = client.get("/deadlines.ics", params={"from": "2027-01-01", "to": "2026-01-01"})
    calendar, days = _read(backwards.text)
    assert days == []
    said = calendar.x_wr_caldesc.value
    assert said == "Every deadline from 2027-01-01 to 2026-01-01: 0 deadlines."


def test_a_removed_claim_leaves_the_calendar(run, client, claims):
    assert run("remove", str(claims["by 2026-11-25"]), "--reason", "A duplicate.").code == 0
    calendar, days = _read(client.get("/deadlines.ics").text)
    assert "2026-11-25" not in days
    assert calendar.x_wr_caldesc.value.endswith(": 4 deadlines.")


def test_a_claimant_and_a_tag_have_their_own_calendars(client, claims):
    works = client.get("/claimants/Ministry of Works/deadlines.ics")
    calendar, days = _read(works.text)
    assert days == ["2026-11-20", "2026-11-23", "2027-06-30"]
    assert calendar.x_wr_calname.value == "Deadlines — Ministry of Works"
    calendar, days = _read(client.get("/tags/hospitals/deadlines.ics").text)
    assert days == ["2026-11-25", "2027-06-30"]
    assert calendar.x_wr_calname.value == "Deadlines — #hospitals"


def test_the_claimant_and_tag_pages_link_their_calendars(client, claims):
    page = client.get("/claimants/Ministry of Health").text
    assert 'href="/claimants/Ministry%20of%20Health/deadlines.ics"' in page
    assert 'type="text/calendar" title="Deadlines: Ministry of Health"' in page
    assert 'href="/tags/roads/deadlines.ics"' in client.get("/tags/roads").text


@pytest.mark.parametrize(
    ("address", "code", "said"),
    [
        ("/deadlines.ics?from=2026-02-30", 422, "from: '2026-02-30' is not a real date; use"),
        ("/deadlines.ics?to=soon", 422, "to: 'soon' is not a date; use YYYY-MM-DD"),
        ("/claimants/Nobody/deadlines.ics", 404, "no claimant is named 'Nobody'; see /claimants"),
        ("/tags/none/deadlines.ics", 404, "no claim is tagged 'none'; see /tags"),
    ],
)
def test_a_bad_window_or_an_unknown_name_is_one_line(client, claims, address, code, said):
    answer = client.get(address)
    assert answer.status_code == code
    assert said in answer.text
    assert "BEGIN:VCALENDAR" not in answer.text
