"""The PostgreSQL server restarted under a running monitor: the monitor logs the outage,
keeps running, and catches up when the server is back.

Stopping the server needs the command that controls it, in CLAIMTRACK_TEST_POSTGRES_CTL
(``.ci/run`` sets it to this machine's ``pg_ctlcluster … main``); without it the test is
skipped, with that reason.
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

from tests.invariants import assert_each_due_claim_flagged_once
from tests.processes import Lines, file_channel, start, write_config

CTL_ENV = "CLAIMTRACK_TEST_POSTGRES_CTL"


def server_control() -> list[str]:
    """The command that stops and starts the test server; the test is skipped without it."""
    command = os.environ.get(CTL_ENV)
    if not command:
        pytest.skip(f"stopping the PostgreSQL server needs {CTL_ENV}, e.g. 'pg_ctlcluster 15 main'")
    return shlex.split(command)


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
    server_control()  # skips now, with the reason, if the server cannot be controlled
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
