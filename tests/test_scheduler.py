"""The long-running monitor: its APScheduler jobs, and stopping it with a signal mid-pass."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text
from sqlmodel import select

from claimtrack.config import Config
from claimtrack.errors import DatabaseUnavailable
from claimtrack.monitor import passes, service
from claimtrack.records import store
from claimtrack.records.models import Alert
from tests.conftest import NOW
from tests.processes import Lines, seed_database, start
from tests.test_monitor import FakeChannel, add


@pytest.fixture
def paused() -> Iterator[BackgroundScheduler]:
    """A real APScheduler that holds its jobs without running them: we read their times."""
    scheduler = service.make_scheduler(Config(), BackgroundScheduler)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


def test_after_a_pass_the_wakeup_job_is_armed_for_the_next_known_moment(database, clock, paused):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    add(database, clock, "Report published", "2026-12-30")  # 30-day reminder on 2026-12-01
    desk = FakeChannel("desk")
    mon = service.Monitor(database, Config(), [desk], scheduler=paused, clock=lambda: NOW)
    result = mon.run_once(NOW)
    assert [a.kind for a in result.flagged] == ["due"]
    assert paused.get_job("wakeup").next_run_time == datetime(2026, 12, 1, tzinfo=UTC)

    at_reminder = datetime(2026, 12, 1, tzinfo=UTC)
    mon.clock = lambda: at_reminder
    assert [(a.kind, a.days_before) for a in mon.run_once(at_reminder).flagged] == [
        ("reminder", 30)
    ]
    assert paused.get_job("wakeup").next_run_time == datetime(2026, 12, 24, tzinfo=UTC)


def test_with_nothing_left_to_watch_no_wakeup_stays_armed(database, clock, paused):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    mon = service.Monitor(
        database, Config(), [FakeChannel("d")], scheduler=paused, clock=lambda: NOW
    )
    mon.arm(NOW + timedelta(days=1))
    mon.run_once(NOW)
    assert paused.get_job("wakeup") is None


def test_the_sweep_runs_at_start_and_the_digest_on_its_crontab(database, paused):
    config = Config(timezone="Europe/Paris", digest="0 9 * * mon", sweep_interval=120)
    mon = service.Monitor(database, config, [], scheduler=paused, clock=lambda: NOW)
    mon.install()
    assert paused.get_job("sweep").next_run_time == NOW  # the catch-up, at once
    digest = paused.get_job("digest").next_run_time
    assert digest == datetime(2026, 11, 30, 8, tzinfo=UTC)  # Monday 09:00 in Paris
    assert digest.astimezone(config.tz).hour == 9


def test_a_failed_pass_is_logged_and_the_monitor_goes_on(database, paused, caplog, monkeypatch):
    def unreachable(*args: Any) -> None:
        raise DatabaseUnavailable("cannot open database x: server closed the connection")

    monkeypatch.setattr(passes, "run_pass", unreachable)
    mon = service.Monitor(database, Config(), [], scheduler=paused, clock=lambda: NOW)
    assert mon.run_once(NOW) is None
    assert "failed: cannot open database x: server closed the connection" in caplog.text


def test_the_digest_sends_the_whole_report(database, clock, paused):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    desk = FakeChannel("desk")
    service.Monitor(database, Config(), [desk], scheduler=paused, clock=lambda: NOW).digest()
    [message] = desk.messages
    assert message.subject == "claimtrack digest: 1 claim awaiting a check"
    assert message.data["report"] == "digest"
    assert message.data["due"][0]["overdue_days"] == 419


# --- the real process, stopped by a signal -------------------------------------------------------


@pytest.mark.slow
def test_sigterm_during_a_pass_lets_it_finish_and_exits_0(db, tmp_path, slow_hook):
    url, arrived, release, bodies = slow_hook
    seed_database(db)
    config = tmp_path / "monitor.toml"
    config.write_text(f'[[channels]]\ntype = "webhook"\nurl = "{url}"\n', encoding="utf-8")
    process = start([sys.executable, "scheduler.py"], db, config)
    log = Lines(process.stderr)
    try:
        log.wait_for("monitor started")
        assert arrived.wait(60), "the first pass never reached the webhook"
        process.send_signal(signal.SIGTERM)  # the pass is under way: the webhook holds it
        log.wait_for("SIGTERM received")
        release.set()
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    log.wait_for("monitor stopped")
    summary = next(line for line in log.seen if "pass as of" in line)
    assert "flagged 3 (due 3, reminder 0), delivered 3, failed 0" in summary
    assert len(bodies) == 1

    opened = store.open_database(db)
    try:
        with opened.read() as session:
            if opened.is_sqlite:
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            rows = session.exec(select(Alert)).all()
    finally:
        opened.dispose()
    assert len(rows) == 3
    assert all(a.delivered_at is not None and a.next_attempt_at is None for a in rows)


@pytest.mark.slow
def test_the_installed_monitor_stops_on_ctrl_c_with_exit_0(db, tmp_path):
    script = shutil.which("claimtrack", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("claimtrack console script not installed")
    seed_database(db)
    config = tmp_path / "monitor.toml"
    config.write_text('sweep_interval = 3600\n[[channels]]\ntype = "stdout"\n', encoding="utf-8")
    process = start([script, "monitor"], db, config)
    log = Lines(process.stderr)
    try:
        log.wait_for("pass as of")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    out = process.stdout.read()
    assert "claimtrack: 3 deadlines passed" in out
    assert "Washington conclura la mission internationale" in out
    log.wait_for("monitor stopped")


def test_scheduler_py_in_a_python_without_the_project_says_how_to_install(tmp_path):
    """Run with a bare Python (a venv without the project's dependencies): one line on
    stderr naming what is missing and the command that installs it, exit 2."""
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    script = Path(__file__).resolve().parents[1] / "scheduler.py"
    done = subprocess.run(
        [str(bare / "bin" / "python"), str(script)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert "cannot import claimtrack" in done.stderr
    assert "python3 -m pip install ." in done.stderr


def test_an_idle_monitor_logs_one_heartbeat_an_hour_and_each_pass_that_did_something(
    database, clock, paused, caplog
):
    import logging

    mon = service.Monitor(database, Config(), [], scheduler=paused, clock=lambda: NOW)
    caplog.set_level(logging.DEBUG, logger="claimtrack.monitor")

    def at_info() -> list[str]:
        return [r.message for r in caplog.records if r.levelno == logging.INFO]

    for minutes in (0, 1, 59, 60):
        mon.run_once(NOW + timedelta(minutes=minutes))
    beats = [line for line in at_info() if "(idle;" in line]
    assert len(beats) == 2  # at 0 and at 60 minutes
    assert sum("pass as of" in r.message for r in caplog.records) == 4  # the rest at DEBUG
