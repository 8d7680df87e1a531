"""A monitor that cannot be tricked: no write in the future, a dry run that writes nothing,
failures that are loud (exit 4, a WARNING, a name in the digest), and a change of time zone
that moves every planned alert to the moment `show` prints."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from claimtrack import config
from claimtrack.monitor import channels, flagging, passes, planning, service
from claimtrack.records import claims
from claimtrack.records.models import Alert, Claim
from tests.conftest import IRAQ, NOW, assert_refused, dump
from tests.processes import file_channel, reports_in, write_config
from tests.test_notify import free_port

FUTURE = "2031-01-01"


def dead_email(**extra: object) -> dict[str, object]:
    """An email channel to a port where no SMTP server listens."""
    return {
        "type": "email",
        "host": "127.0.0.1",
        "port": free_port(),
        "security": "plain",
        "from": "ct@example.org",
        "to": ["desk@example.org"],
        "timeout": 5,
        **extra,
    }


def dead_smtp(port: int) -> str:
    return (
        '[[channels]]\ntype = "email"\nhost = "127.0.0.1"\n'
        f'port = {port}\nsecurity = "plain"\nfrom = "ct@example.org"\nto = ["desk@example.org"]\n'
        "timeout = 5\n"
    )


def test_a_check_in_the_future_is_refused_and_writes_nothing(run, seeded, db):
    before = dump(db)
    refused = run("check", "--as-of", FUTURE)
    assert_refused(refused, "is in the future")
    assert "claimtrack check --dry-run --as-of 2031-01-01" in refused.err
    assert dump(db) == before
    # a minute ahead of the clock still counts as now (two machines' clocks disagree)
    soon = (datetime.now(UTC) + timedelta(seconds=30)).isoformat()
    assert run("check", "--as-of", soon, "--json").code == 0


def test_a_dry_run_at_any_moment_says_what_would_happen_and_writes_nothing(run, seeded, db):
    before = dump(db)
    preview = run("check", "--dry-run", "--as-of", FUTURE, "--json")
    assert preview.code == 0, preview.err
    seen = preview.json()
    assert seen["dry_run"] is True
    assert sorted(f["claim_id"] for f in seen["would_flag"]) == [seeded[0]["id"], seeded[1]["id"]]
    assert seen["would_deliver"] == 2
    assert seen["awaiting_check"] == 2
    text = run("check", "--dry-run", "--as-of", FUTURE)
    assert "nothing written, nothing sent" in text.out
    assert "would flag 2:" in text.out
    assert dump(db) == before
    # and the real pass, later, flags at the real moment
    real = run("check", "--json").json()
    assert len(real["flagged"]) == 2
    assert run("check", "--dry-run", "--json").json()["would_flag"] == []


@pytest.mark.sqlite_only
def test_a_dry_run_creates_no_database_and_upgrades_none(run, db, tmp_path):
    missing = tmp_path / "missing.db"
    refused = run("check", "--dry-run", "--db", str(missing))
    assert refused.code == 3
    assert "run: claimtrack init" in refused.err
    assert not missing.exists()


@pytest.mark.sqlite_only
def test_a_dry_run_leaves_the_sqlite_file_byte_identical(run, seeded, db_path):
    assert run("check").code == 0  # a first real pass: the monitor's own rows exist
    run("verdict", "1", "kept", "--note", "n", "--checked-on", "2025-10-15")
    before = db_path.read_bytes()
    assert run("check", "--dry-run", "--as-of", FUTURE).code == 0
    assert run("check", "--dry-run").code == 0
    assert db_path.read_bytes() == before


def test_a_dead_smtp_server_exits_4_and_warns(run, seeded, tmp_path):
    config_path = write_config(tmp_path / "c.toml", dead_smtp(free_port()))
    result = run("check", "--config", str(config_path), "--fail-on-due", "--json")
    assert result.code == 4  # 4 wins over the 1 of --fail-on-due
    assert "claimtrack: warning: channel email failed:" in result.err
    assert result.json()["failed"] == 2


def add_iraq(database, clock) -> None:
    with database.write() as session:
        claims.add_claim(
            session,
            IRAQ,
            claimants=["Government of Iraq"],
            clock=clock,
            stated_on=datetime(2024, 9, 27).date(),
            deadline="au plus tard en septembre 2025",
        )


def test_the_monitor_logs_a_failed_delivery_as_a_warning(database, clock, caplog):
    add_iraq(database, clock)
    cfg = config.parse({"channels": [dead_email()]}, "test.toml")
    watcher = service.Monitor(database, cfg, channels.senders(cfg), clock=lambda: NOW)
    with caplog.at_level(logging.INFO, logger="claimtrack"):
        result = watcher.run_once(NOW)
    assert result is not None
    assert result.delivery.failed
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith("delivery to channel email failed: ")


def test_a_channel_failing_for_long_is_named_in_the_digest(database, clock, tmp_path):
    add_iraq(database, clock)
    out = tmp_path / "out.jsonl"
    settings = {
        "alarm_after": 3600,
        "channels": [
            {"type": "file", "path": str(out), "format": "json"},
            dead_email(name="desk-mail"),
        ],
    }
    cfg = config.parse(settings, "test.toml")
    senders = channels.senders(cfg)
    passes.run_pass(database, cfg, NOW, senders)
    passes.send_digest(database, cfg, NOW + timedelta(minutes=30), senders)
    passes.run_pass(database, cfg, NOW + timedelta(hours=2), senders)  # still failing
    passes.send_digest(database, cfg, NOW + timedelta(hours=2), senders)
    digests = [r for r in reports_in(out) if r["report"] == "digest"]
    assert digests[0]["failing_channels"] == []  # failing for 30 minutes only
    (named,) = digests[1]["failing_channels"]
    assert named["channel"] == "desk-mail"
    assert named["since"] == NOW.isoformat()
    assert "connect" in named["error"].lower() or "refused" in named["error"].lower()


# --- a change of the tracker's time zone ------------------------------------------------------


def test_a_new_time_zone_replans_deadlines_and_alerts_once(
    run, db, database, tmp_path, monkeypatch
):
    """Due in UTC, then the desk moves to Auckland (UTC+13 in January): the due moment
    `show` prints and the moment the alert fires are the same, 13 hours earlier."""
    out = tmp_path / "out.jsonl"
    utc = write_config(tmp_path / "utc.toml", file_channel(out))
    added = run("add", "Nous partirons.", "--by", "Ministre", "--due", "2030-01-31", "--json")
    assert added.json()["deadline"]["due_at"] == "2030-02-01T00:00:00+00:00"
    assert run("check", "--config", str(utc)).code == 0  # planned in UTC
    auckland = write_config(
        tmp_path / "auckland.toml", 'timezone = "Pacific/Auckland"\n', file_channel(out)
    )
    preview = run("check", "--dry-run", "--config", str(auckland))
    assert "the time zone changed: a real check first re-plans" in preview.out
    first = run("check", "--config", str(auckland))
    assert first.code == 0, first.err
    assert first.err.startswith("claimtrack: re-planned 1 deadlines for Pacific/Auckland\n")
    assert "re-planned" not in run("check", "--config", str(auckland)).err  # once

    expected = datetime(2030, 1, 31, 11, tzinfo=UTC)  # midnight in Auckland, in UTC
    monkeypatch.setenv("CLAIMTRACK_CONFIG", str(auckland))
    shown = run("show", "1", "--json").json()
    assert datetime.fromisoformat(shown["deadline"]["due_at"]) == expected
    cfg = config.load(str(auckland))
    before = passes.run_pass(database, cfg, expected - timedelta(seconds=1), [])
    assert [a.kind for a in before.flagged if a.kind == "due"] == []
    at_due = passes.run_pass(database, cfg, expected, [])
    assert [(a.kind, a.due_at) for a in at_due.flagged] == [("due", expected)]
    with database.read() as session:
        assert session.exec(select(Claim.due_at)).one() == expected


def test_an_undelivered_reminder_moves_with_its_deadline(database, clock):
    with database.write() as session:
        claims.add_claim(
            session,
            "Nous partirons.",
            claimants=["Ministre"],
            clock=clock,
            deadline="2027-01-31",
        )
    utc = config.parse({"reminders": [7]}, "t.toml")
    seven_before = datetime(2027, 1, 25, tzinfo=UTC)
    planning.replan_zone(database, utc, NOW)
    flagged = flagging.flag(database, seven_before, utc)
    assert [(a.kind, a.days_before) for a in flagged] == [("reminder", 7)]
    later = config.parse({"reminders": [7], "timezone": "America/Los_Angeles"}, "t.toml")
    assert planning.replan_zone(database, later, seven_before) == 1
    assert planning.replan_zone(database, later, seven_before) == 0
    with database.read() as session:
        alert = session.exec(select(Alert)).one()
        due = datetime(2027, 2, 1, 8, tzinfo=UTC)  # midnight in Los Angeles
        assert alert.due_at == due
        assert alert.fires_at == due - timedelta(days=7)
        assert alert.next_attempt_at == due - timedelta(days=7)  # waits for its new moment
    # and it is not flagged a second time under its new moment
    assert flagging.flag(database, due - timedelta(days=7), later) == []
