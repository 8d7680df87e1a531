"""`claimtrack check`: one pass from the command line, and passes racing on one database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claimtrack.records import claims, moments, store
from tests.conftest import NOW, dump
from tests.invariants import alerts_and_flags
from tests.processes import file_channel, reports_in, write_config

AS_OF = "2026-11-24T12:00:00Z"


def test_check_flags_prints_and_exits(run, seeded):
    iraq, syria, _ = seeded
    first = run("check", "--as-of", AS_OF, "--json")
    assert first.code == 0, first.err
    report = first.json()
    assert report["as_of"] == "2026-11-24T12:00:00+00:00"
    assert [(f["claim_id"], f["kind"], f["due_at"]) for f in report["flagged"]] == [
        (iraq["id"], "due", "2025-10-01T00:00:00+00:00"),
        (syria["id"], "due", "2026-10-01T00:00:00+00:00"),
    ]
    assert report["delivered"] == 2
    assert report["failed"] == 0
    assert report["awaiting_check"] == 2
    assert "2 deadlines passed" in first.err  # the stdout channel moved aside for --json
    again = run("check", "--as-of", AS_OF, "--json")
    assert again.json()["flagged"] == []
    assert again.json()["delivered"] == 0
    history = run("history", str(iraq["id"]), "--json").json()
    assert [e["kind"] for e in history].count("flagged") == 1
    assert [e["kind"] for e in history].count("delivered") == 1


def test_check_in_text_says_what_it_did(run, seeded):
    result = run("check", "--as-of", AS_OF)
    assert result.code == 0, result.err
    assert "Deadline passed — awaiting a check (2):" in result.out  # the stdout channel
    assert "419 days overdue" in result.out
    assert "flagged 2:" in result.out
    assert "awaiting a check: 2 claims" in result.out


def test_fail_on_due_exits_1_only_when_claims_await_a_check(run, seeded):
    before = run("check", "--as-of", "2025-09-30", "--fail-on-due", "--json")
    assert before.code == 0
    assert before.json()["awaiting_check"] == 0
    after = run("check", "--as-of", AS_OF, "--fail-on-due", "--json")
    assert after.code == 1
    assert after.json()["awaiting_check"] == 2
    iraq, syria, _ = seeded
    for claim in (iraq, syria):
        run("verdict", str(claim["id"]), "broken", "--note", "n", "--checked-on", "2026-11-01")
    settled = run("check", "--as-of", AS_OF, "--fail-on-due")
    assert settled.code == 0


def test_a_digest_on_demand_sends_the_whole_report(run, seeded, tmp_path):
    out = tmp_path / "out.jsonl"
    config = write_config(tmp_path / "c.toml", file_channel(out))
    result = run("check", "--as-of", AS_OF, "--config", str(config), "--digest")
    assert result.code == 0, result.err
    reports = reports_in(out)
    assert [r["report"] for r in reports] == ["alerts", "digest"]
    assert len(reports[1]["due"]) == 2
    assert reports[1]["counts"] == {"due": 2, "unrated": 1}


@pytest.mark.parametrize(
    ("config_text", "message"),
    [
        ("reminders = [-1]\n", "config {path}: reminders[1]: Input should be greater than"),
        ('[[channels]]\ntype = "pager"\n', "config {path}: channels[1]: unknown channel type"),
        (
            '[[channels]]\ntype = "webhook"\nurl = "https://h.example.org/x"\n'
            'token_env = "CLAIMTRACK_TEST_UNSET_TOKEN"\n',
            "config: channels[1].token_env: environment variable CLAIMTRACK_TEST_UNSET_TOKEN "
            "is not set",
        ),
    ],
)
def test_a_bad_configuration_is_refused_before_anything_is_written(
    run, seeded, db, tmp_path, config_text, message
):
    config = tmp_path / "bad.toml"
    config.write_text(config_text, encoding="utf-8")
    before = dump(db)
    result = run("check", "--as-of", AS_OF, "--config", str(config))
    assert result.code == 2
    assert result.err.startswith("claimtrack: error: " + message.format(path=config))
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert dump(db) == before


def test_the_configured_time_zone_applies_to_the_cli(run, tmp_path, monkeypatch):
    config = tmp_path / "paris.toml"
    config.write_text('timezone = "Europe/Paris"\n', encoding="utf-8")
    monkeypatch.setenv("CLAIMTRACK_CONFIG", str(config))
    added = run("add", "x", "--by", "A", "--due", "2026-12-30", "--json")
    due_at = datetime.fromisoformat(added.json()["deadline"]["due_at"])
    assert due_at == datetime(2026, 12, 30, 23, tzinfo=UTC)  # midnight in Paris
    monkeypatch.setenv("CLAIMTRACK_TZ", "UTC")  # the environment overrides the file
    assert run("parse-deadline", "2026-12-30", "--json").json()["due_at"] == (
        "2026-12-31T00:00:00+00:00"
    )


# --- racing passes ------------------------------------------------------------------------------


def make_due_claims(db: str, count: int) -> None:
    """``count`` claims whose deadlines passed, spread over the two years before NOW."""
    opened = store.open_database(db)
    clock = moments.Clock(NOW, UTC, "tester")
    try:
        with opened.write() as session:
            for n in range(count):
                day = (NOW - timedelta(days=1 + n % 700)).date().isoformat()
                claims.add_claim(
                    session, f"Claim {n}", claimants=[f"Actor {n % 13}"], clock=clock, deadline=day
                )
    finally:
        opened.dispose()


def check_process(db: str, config: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "CLAIMTRACK_DB": db, "CLAIMTRACK_CONFIG": str(config)}
    return subprocess.Popen(
        [sys.executable, "-m", "claimtrack", "check", "--as-of", AS_OF, "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_checks_at_once_then_a_third_never_flag_the_same_deadline_twice(db, tmp_path, run):
    count = 1200  # several batches each, so the two passes interleave
    make_due_claims(db, count)
    out = tmp_path / "alerts.jsonl"
    config = write_config(tmp_path / "c.toml", file_channel(out))
    processes = [check_process(db, config) for _ in range(2)]
    results = [process.communicate(timeout=300) for process in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    flagged = [f["alert_id"] for stdout, _ in results for f in json.loads(stdout)["flagged"]]
    third = run("check", "--as-of", AS_OF, "--config", str(config), "--json")
    assert third.json()["flagged"] == []

    assert len(flagged) == len(set(flagged)) == count
    rows, flag_events = alerts_and_flags(db)
    assert len(rows) == count
    assert Counter((a.claim_id, a.kind) for a in rows).most_common(1)[0][1] == 1
    assert sorted(e.data["alert_id"] for e in flag_events) == sorted(flagged)
    assert all(a.delivered_at is not None for a in rows)
    delivered = [alert["alert_id"] for report in reports_in(out) for alert in report["alerts"]]
    assert sorted(delivered) == sorted(flagged)  # each report once: leases, no double send


@pytest.mark.sqlite_only
def test_check_against_an_unreachable_database_is_one_line_and_exit_3(run, tmp_path):
    target = tmp_path / "not-a-db"
    target.write_bytes(b"this is not a database" * 100)
    result = run("check", "--db", str(target))
    assert result.code == 3
    assert result.err.startswith("claimtrack: error: cannot open database")
    assert result.err.count("\n") == 1


def test_check_runs_at_the_wall_clock_by_default(run, seeded):
    result = run("check", "--json")
    as_of = datetime.fromisoformat(result.json()["as_of"])
    assert abs(as_of - datetime.now(UTC)) < timedelta(minutes=5)
