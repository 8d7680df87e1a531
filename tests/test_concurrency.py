"""Many writers and several monitors on one database, as in a newsroom.

Writers never see "database is locked" (SQLite queues them on its write lock); a lock held
too long is exit 3 with one line; two monitors share the work without doing any of it twice,
and the alerts of one that dies are delivered by the other once its lease runs out.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from claimtrack.records import store
from claimtrack.records.models import Actor, Claim, Source
from tests.adder import due_of
from tests.invariants import alerts_and_flags, assert_each_due_claim_flagged_once
from tests.processes import (
    ROOT,
    Lines,
    env_for,
    file_channel,
    seed_database,
    start,
    write_config,
)

WORKERS, ADDS = 4, 100


@pytest.mark.slow
def test_four_writers_and_a_monitor_lose_nothing_and_flag_each_deadline_once(db, tmp_path, run):
    out = tmp_path / "alerts.jsonl"
    config = write_config(tmp_path / "monitor.toml", "sweep_interval = 1\n", file_channel(out))
    assert run("init").code == 0
    monitor = start([sys.executable, "scheduler.py"], db, config)
    log = Lines(monitor.stderr)
    try:
        log.wait_for("monitor started")
        writers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.adder", str(worker), str(ADDS)],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for worker in range(WORKERS)
        ]
        said = [writer.communicate(timeout=600)[1] for writer in writers]
        monitor.send_signal(signal.SIGTERM)
        assert monitor.wait(timeout=60) == 0
    finally:
        for process in (monitor, *locals().get("writers", [])):
            if process.poll() is None:
                process.kill()
    for writer, err in zip(writers, said, strict=True):
        assert (writer.returncode, err) == (0, ""), err  # no error seen by any writer
    log.wait_for("monitor stopped")
    passes = [line for line in log.seen if "pass as of" in line]
    assert not [line for line in log.seen if "failed:" in line]
    assert any("flagged 0 " not in line for line in passes), "no pass ran beside the writers"

    assert run("check", "--config", str(config)).code == 0  # the pass after the last add
    opened = store.open_database(db)
    try:
        with opened.read() as session:
            rows = session.exec(select(Claim.id, Claim.text)).all()
    finally:
        opened.dispose()
    texts = {text: claim_id for claim_id, text in rows}
    expected = {
        (f"Worker {w} claim {n}: la coalition partira d’ici là", due_of(n))
        for w in range(WORKERS)
        for n in range(ADDS)
    }
    assert len(rows) == len(texts) == WORKERS * ADDS
    assert {text for text, _ in expected} == set(texts)
    due_ids = {texts[text] for text, due in expected if due.startswith("2025")}
    assert assert_each_due_claim_flagged_once(db, datetime.now(UTC)) == len(due_ids)
    delivered = Counter(
        alert["alert_id"]
        for line in out.read_text().splitlines()
        for alert in json.loads(line)["alerts"]
    )
    assert len(delivered) == len(due_ids)


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it: a connection holding the write lock."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE claim SET updated_at = updated_at")
    return holder


@pytest.mark.sqlite_only
def test_a_writer_waits_for_the_lock_instead_of_failing(run, db_path, monkeypatch):
    assert run("add", "first", "--by", "A").code == 0
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "30")
    holder = hold_write_lock(db_path)
    release = threading.Timer(0.5, holder.commit)  # the other writer finishes its change
    release.start()
    try:
        result = run("add", "second", "--by", "A")
    finally:
        release.join()
        holder.close()
    assert (result.code, result.err) == (0, "")
    assert run("list", "--json").json()[-1]["text"] == "second"


@pytest.mark.sqlite_only
def test_a_lock_held_too_long_is_exit_3_with_one_line_and_nothing_written(
    run, db_path, monkeypatch
):
    assert run("add", "first", "--by", "A").code == 0
    monkeypatch.setenv("CLAIMTRACK_BUSY_TIMEOUT", "0.3")
    holder = hold_write_lock(db_path)
    try:
        result = run("add", "second", "--by", "A")
    finally:
        holder.rollback()
        holder.close()
    assert result.code == 3
    assert result.err.count("\n") == 1
    assert "stayed locked by another process" in result.err
    assert "CLAIMTRACK_BUSY_TIMEOUT" in result.err
    assert [c["text"] for c in run("list", "--json").json()] == ["first"]


@pytest.mark.slow
def test_alerts_of_a_monitor_killed_mid_delivery_go_out_through_the_other(db, tmp_path, slow_hook):
    url, arrived, release, bodies = slow_hook
    seed_database(db)
    config = write_config(
        tmp_path / "monitor.toml",
        f'lease = 10\n[[channels]]\nname = "desk"\ntype = "webhook"\nurl = "{url}"\n',
    )
    first = start([sys.executable, "-m", "claimtrack", "check", "--json"], db, config)
    try:
        assert arrived.wait(60), "the first monitor never reached the webhook"
        first.kill()  # SIGKILL while the webhook holds its report: nothing recorded
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    release.set()
    alerts, _ = alerts_and_flags(db)
    assert len(alerts) == 3
    assert all(a.delivered_at is None for a in alerts)

    now = datetime.now(UTC)

    def second_monitor(seconds_later: int) -> dict:
        as_of = (now + timedelta(seconds=seconds_later)).isoformat()
        done = subprocess.run(
            [sys.executable, "-m", "claimtrack", "check", "--json", "--as-of", as_of],
            cwd=ROOT,
            env=env_for(db, config),
            capture_output=True,
            text=True,
            timeout=120,
        )
        return json.loads(done.stdout)

    assert second_monitor(5)["delivered"] == 0  # still leased by the dead monitor
    report = second_monitor(11)  # the 10 s lease has run out
    assert (report["flagged"], report["delivered"], report["failed"]) == ([], 3, 0)
    alerts, flags = alerts_and_flags(db)
    assert all(a.delivered_at is not None for a in alerts)
    assert len(flags) == 3  # flagged once, by the monitor that died
    sent = [sorted(a["alert_id"] for a in json.loads(body)["alerts"]) for body in bodies]
    assert sent == [sorted(a.id for a in alerts)] * 2  # at least once: the dead one's, then ours


def test_two_writers_adding_the_same_new_claimant_and_source_both_succeed(database, clock):
    """The race the 4-writer test once lost on PostgreSQL: both insert "Actor 0"; one row."""
    from claimtrack.records import attribution, claims

    citation = attribution.Citation(attribution.SourceInfo(url="https://example.org/same"), "quote")
    second: list[BaseException | int] = []

    def other_writer() -> None:
        try:
            with database.write() as session:
                made = claims.add_claim(
                    session, "second", claimants=["New Actor"], clock=clock, citations=[citation]
                )
                second.append(made.id)
        except BaseException as error:  # reported to the test's thread below
            second.append(error)

    with database.write() as session:  # the first writer, its change not yet committed
        claims.add_claim(
            session, "first", claimants=["New Actor"], clock=clock, citations=[citation]
        )
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(timeout=0.5)  # the other writer now waits on our lock (or runs, if none)
    thread.join(timeout=60)
    assert len(second) == 1
    assert isinstance(second[0], int), second[0]
    with database.read() as session:
        shown = [claims.get_claim(session, n) for n in (1, second[0])]
        actors = session.exec(select(Actor).where(Actor.name == "New Actor")).all()
        sources = session.exec(select(Source).where(Source.url == "https://example.org/same")).all()
    assert [c.claimants for c in shown] == [["New Actor"]] * 2
    assert len(actors) == len(sources) == 1


def test_two_imports_of_one_file_at_once_add_its_claims_once(database, clock, backend, tmp_path):
    """The second import either waits and finds the claims there (SQLite's write lock), or
    meets the first's rows at commit (PostgreSQL) and is refused whole, asking to run again."""
    from claimtrack.errors import Conflict
    from claimtrack.formats import document_reader, importing

    data = {
        "format_version": 1,
        "claims": [
            {"uuid": f"00000000-0000-4000-8000-{n:012d}", "text": f"N{n}", "claimants": ["A"]}
            for n in range(50)
        ],
    }
    parsed = document_reader.read_document(data, clock)
    second: list[object] = []

    def other_import() -> None:
        try:
            with database.write() as session:
                second.append(importing.import_document(session, parsed, clock))
        except BaseException as error:  # reported to the test's thread below
            second.append(error)

    with database.write() as session:
        importing.import_document(session, parsed, clock)
        thread = threading.Thread(target=other_import)
        thread.start()
        thread.join(timeout=0.5)  # the other import now waits (on the lock or on our rows)
    thread.join(timeout=60)
    assert len(second) == 1
    if backend == "sqlite":
        assert second[0].to_json() == {"added": 0, "updated": 0, "unchanged": 50, "skipped": 0}
    else:
        assert isinstance(second[0], Conflict), second[0]
        assert "run it again" in str(second[0])
    with database.read() as session:
        assert len(session.exec(select(Claim)).all()) == 50
