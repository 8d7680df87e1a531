"""The PostgreSQL server restarted under a running monitor: the monitor logs the outage,
keeps running, and catches up when the server is back.

The server it stops is one of its own, so that the rest of the suite (on the server of
CLAIMTRACK_TEST_POSTGRES_URL) can run beside it, in other processes: its address in
CLAIMTRACK_TEST_OUTAGE_URL and the command that stops and starts it in
CLAIMTRACK_TEST_POSTGRES_CTL (``.ci/run`` makes that server, a cluster named ``outage`` on
port 5433, and sets both). Without them the test is skipped, with that reason.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import new_database
from tests.invariants import assert_each_due_claim_flagged_once
from tests.processes import Lines, file_channel, start, write_config

CTL_ENV = "CLAIMTRACK_TEST_POSTGRES_CTL"
URL_ENV = "CLAIMTRACK_TEST_OUTAGE_URL"


def server_control() -> list[str]:
    """The command that stops and starts the test's server; the test is skipped without it."""
    command = os.environ.get(CTL_ENV)
    if not command or not os.environ.get(URL_ENV):
        pytest.skip(
            f"stopping a PostgreSQL server needs {CTL_ENV} and {URL_ENV}, e.g. "
            "'pg_ctlcluster 15 outage' and postgresql+psycopg://postgres@127.0.0.1:5433/postgres"
        )
    return shlex.split(command)


@pytest.fixture
def db_url(backend: str, tmp_path):
    """The test's database, on the server the test stops (not the one the others share)."""
    server_control()  # skips now, with the reason, if there is no such server
    with new_database(backend, tmp_path / "claims.db", server=os.environ[URL_ENV]) as url:
        yield url


def server(action: str) -> None:
    subprocess.run([*server_control(), action], check=True, capture_output=True, timeout=120)


def wait_until_accepting(url: str) -> None:
    """Poll the server after its start (the test waits on the server, not on the clock)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url)
    try:
        for _ in range(600):
            try:
                with engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return
            except OperationalError:
                time.sleep(0.1)
        raise AssertionError("the PostgreSQL server did not come back")
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres_only
def test_a_server_restart_under_the_monitor_is_logged_and_caught_up(db, tmp_path, run):
    assert run("add", "Avant la panne", "--by", "A", "--due", "2025-01-31").code == 0
    out = tmp_path / "alerts.jsonl"
    config = write_config(tmp_path / "monitor.toml", "sweep_interval = 1\n", file_channel(out))
    monitor = start([sys.executable, "scheduler.py"], db, config)
    log = Lines(monitor.stderr)
    try:
        assert "flagged 1 " in log.wait_for("pass as of")
        server("stop")
        try:
            outage = log.wait_for("failed:")
        finally:
            server("start")
        wait_until_accepting(db)
        assert monitor.poll() is None, "the monitor stopped with the server"
        assert run("add", "Après la panne", "--by", "A", "--due", "2025-02-28").code == 0
        while "flagged 1 " not in log.wait_for("pass as of"):
            pass  # passes until the one that flags the claim added after the outage
        assert monitor.poll() is None
        monitor.send_signal(signal.SIGTERM)
        assert monitor.wait(timeout=60) == 0
    finally:
        if monitor.poll() is None:
            monitor.kill()
    assert "cannot open database" in outage or "connection" in outage.lower()
    assert len(outage.strip().splitlines()) == 1
    assert assert_each_due_claim_flagged_once(db, datetime.now(UTC)) == 2
    print(f"\noutage logged as: {outage.strip()}")
