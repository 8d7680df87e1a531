"""Served answers kept and served again, and never stale: ETags and 304s, Cache-Control, and
freshness within a second of a write by another process (the CLI, the monitor); at once
after a write through the tracker's own API; at midnight and when a deadline passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from claimtrack.config import Config, Web
from claimtrack.records import claims, store, verdicts, versions
from claimtrack.records.moments import Clock
from claimtrack.web.app import create_app
from claimtrack.web.site import Site
from tests.conftest import NOW, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADDRESSES = ["/", "/claims/1", "/api/claims/1", "/api/claims", "/deadlines.ics", "/feed.atom"]


class Moments:
    """The tracker's two clocks, moved by hand: the wall clock (what "now" is) and the
    monotonic one (how long since the cache last read the database's version)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.seconds = 0.0

    def wall(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds


@pytest.fixture
def moments() -> Moments:
    return Moments(NOW)


@pytest.fixture
def tracker(database, moments):
    """The tracker as served: its cache checks the version once a second (the default)."""
    site = Site(database, Config(web=Web()), token=TOKEN, clock=moments.wall)
    with TestClient(create_app(site, monotonic=moments.monotonic)) as client:
        yield client


def elsewhere(db: str):
    """The same database opened by another process would be: the CLI, the monitor."""
    return store.open_database(db)


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_answer_has_an_etag_and_a_304_for_a_client_that_has_it(tracker, seeded, address):
    first = tracker.get(address)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"')
    assert len(etag) > 10
    assert "Last-Modified" in first.headers
    again = tracker.get(address, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag
    since = tracker.get(address, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    other = tracker.get(address, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.content == first.content


def test_cache_control_is_short_for_pages_longer_for_feeds_and_static_files(tracker, seeded):
    assert tracker.get("/").headers["Cache-Control"] == "public, max-age=10"
    assert tracker.get("/api/claims/1").headers["Cache-Control"] == "public, max-age=10"
    assert tracker.get("/deadlines.ics").headers["Cache-Control"] == "public, max-age=300"
    assert tracker.get("/static/site.css").headers["Cache-Control"] == "public, max-age=86400"
    assert tracker.get("/claims/999").headers["Cache-Control"] == "no-store"


def test_a_write_by_another_process_shows_within_a_second(tracker, seeded, db, moments):
    before = tracker.get("/claims/1")
    assert "awaiting a check" in before.text
    cli = elsewhere(db)
    with cli.write() as session:
        verdicts.record_verdict(
            session, 1, "kept", note="The mission ended.", clock=Clock(NOW, UTC, "desk")
        )
    cli.dispose()
    moments.seconds += 0.5  # within the second the kept copy may still be served
    assert tracker.get("/claims/1").headers["ETag"] == before.headers["ETag"]
    moments.seconds += 0.5  # a second on: the version is read again
    after = tracker.get("/claims/1")
    assert "The mission ended." in after.text
    assert after.headers["ETag"] != before.headers["ETag"]
    stale = tracker.get("/claims/1", headers={"If-None-Match": before.headers["ETag"]})
    assert stale.status_code == 200


def test_a_write_through_the_api_shows_on_the_next_request(tracker, seeded):
    before = tracker.get("/api/claims/1").json()
    assert before["status"] == "due"
    verdict = {"verdict": "broken", "note": "Still there.", "checked_on": "2025-10-15"}
    assert tracker.post("/api/claims/1/verdicts", json=verdict, headers=AUTH).status_code == 201
    assert tracker.get("/api/claims/1").json()["status"] == "broken"  # no clock moved


def test_an_answer_changes_at_midnight_without_a_write(tracker, seeded, moments):
    today = tracker.get("/claims/1")
    assert "419 days overdue" in today.text
    moments.now = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # the tracker's midnight (UTC)
    tomorrow = tracker.get("/claims/1", headers={"If-None-Match": today.headers["ETag"]})
    assert tomorrow.status_code == 200
    assert "420 days overdue" in tomorrow.text


def test_a_deadline_passing_changes_the_answer_at_that_moment(tracker, db, moments):
    with elsewhere(db).write() as session:
        claims.add_claim(
            session,
            "Nous partirons",
            claimants=["Ministre"],
            clock=Clock(NOW, UTC, "t"),
            deadline="by 2026-11-24",
        )
    assert tracker.get("/api/claims/1").json()["status"] == "pending"
    moments.now = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # it passes at the day's end
    assert tracker.get("/api/claims/1").json()["status"] == "due"


def test_a_missing_page_is_not_kept_once_the_claim_exists(tracker, db, moments):
    assert tracker.get("/claims/1").status_code == 404
    with elsewhere(db).write() as session:
        claims.add_claim(session, "Nous partirons", claimants=["M"], clock=Clock(NOW, UTC, "t"))
    moments.seconds += 1
    assert tracker.get("/claims/1").status_code == 200


def test_head_is_answered_from_the_same_copy_without_a_body(tracker, seeded):
    got = tracker.get("/claims/1")
    head = tracker.head("/claims/1")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["ETag"] == got.headers["ETag"]
    assert head.headers["Content-Length"] == str(len(got.content))


# --- the data version: raised by every write readers can see, and only by those ----------------


def version(database) -> int:
    with database.read() as session:
        return versions.current(session)[0]


def test_writes_raise_the_version_and_a_failed_write_does_not(database, clock):
    start = version(database)
    with database.write() as session:
        claims.add_claim(session, "Nous partirons", claimants=["M"], clock=clock)
    assert version(database) == start + 1

    def fails_halfway() -> None:
        with database.write() as session:
            claims.add_claim(session, "Nous resterons", claimants=["M"], clock=clock)
            raise RuntimeError("the change fails halfway")

    with pytest.raises(RuntimeError):
        fails_halfway()
    assert version(database) == start + 1
    with database.write() as session:
        pass  # a transaction that writes nothing
    assert version(database) == start + 1


def test_the_cli_raises_the_version_for_every_kind_of_change(run, database, seeded, tmp_path):
    steps = [
        ("verdict", "1", "kept", "--note", "Done.", "--checked-on", "2025-10-15"),
        ("retract", "1", "1", "--reason", "Mistaken."),
        ("edit", "2", "--tag", "levant"),
        ("export", "--output", str(tmp_path / "out.json")),  # a read: no change
        ("remove", "2", "--reason", "Duplicate."),
    ]
    for step in steps:
        before = version(database)
        result = run(*step)
        assert result.code == 0, (step, result.err)
        changed = version(database) != before
        assert changed == (step[0] != "export"), step


def test_a_bulk_insert_raises_the_version_though_the_watch_never_sees_it(database, seeded):
    """An import's rows go in by the driver's executemany (SQLite) or COPY (PostgreSQL),
    which SQLAlchemy's before_execute never sees: a file of new claims by known claimants
    wrote nothing else, and left every cache serving the record without them."""
    from claimtrack.records.models import ClaimTag
    from claimtrack.records.sql import bulk_insert

    before = version(database)
    with database.write() as session:
        bulk_insert(session, ClaimTag.__table__, [{"claim_id": 1, "tag": "bulk"}])
    assert version(database) == before + 1
    with database.read() as session:
        assert session.get(ClaimTag, (1, "bulk")) is not None


def test_a_monitor_pass_that_flags_nothing_leaves_the_version(database, clock):
    """A pass that only moves when to look at a claim again (here: within its grace)
    changes nothing a reader sees; the flag, later, is on the claim's history."""
    from claimtrack import config
    from claimtrack.monitor import passes
    from tests.test_monitor import FakeChannel

    with database.write() as session:
        claims.add_claim(
            session, "Nous partirons", claimants=["M"], clock=clock, deadline="by 2026-11-23"
        )
    cfg = config.parse({"reminders": [], "digest": "", "grace": "3d"}, "t")
    desk = FakeChannel("desk")
    start = version(database)
    assert passes.run_pass(database, cfg, NOW, [desk]).flagged == []
    assert version(database) == start
    flagged = passes.run_pass(database, cfg, NOW + timedelta(days=3), [desk])
    assert len(flagged.flagged) == 1
    assert version(database) > start


def test_with_the_cache_off_every_request_renders_and_etags_stay(database, db, seeded, moments):
    site = Site(database, Config(web=Web(cache=False)), clock=moments.wall)
    with TestClient(create_app(site, monotonic=moments.monotonic)) as uncached:
        before = uncached.get("/claims/1")
        with elsewhere(db).write() as session:
            verdicts.record_verdict(
                session, 1, "kept", note="The mission ended.", clock=Clock(NOW, UTC, "desk")
            )
        after = uncached.get("/claims/1")  # no clock moved: rendered again all the same
        assert "The mission ended." in after.text
        again = uncached.get("/claims/1", headers={"If-None-Match": after.headers["ETag"]})
        assert again.status_code == 304
        assert before.headers["ETag"] != after.headers["ETag"]
