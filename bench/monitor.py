"""Monitor benchmark: one sweep with 100 newly due claims, and the monitor's memory, at
10k, 100k and 1M claims. The sweep should cost the same at every size (an index range on
``watch_at``, no full scan) and the memory should stay flat.

    python bench/monitor.py                      # 10k, 100k, 1M; 5 runs each
    python bench/monitor.py --sizes 10000 --runs 3

Each size: a database is built (bench/synth.py), one catch-up pass flags every deadline
already passed and its alerts are marked delivered (the steady state of a monitor that has
been running), then each run copies that database and runs, in a fresh process, the
monitor's own pass (``service.Monitor.run_once``) once with nothing new (as a running
monitor's earlier pass, which warms SQLAlchemy's statement cache), then, timed, at the moment
100 deadlines have just passed, delivering their report to a file channel. It prints a
Markdown table (median, min, max) and writes bench/results/monitor.json. No test asserts a
time.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # the catch-up pass
SWEEP_AT = NOW + timedelta(hours=1)  # 100 deadlines fall at 12:30 in between
NEWLY_DUE = 100


def _memory() -> dict[str, int]:
    """Resident memory now and at its peak, in kB, from /proc (Linux)."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def _reopen_newest(db: Any) -> None:
    """Put the newest ``NEWLY_DUE`` alerts of the catch-up back in the outbox, so that the
    warm-up pass delivers them as a running monitor's earlier pass has delivered alerts."""
    from sqlalchemy import update
    from sqlmodel import col, select

    from claimtrack.records.models import Alert

    newest = select(Alert.id).order_by(col(Alert.id).desc()).limit(NEWLY_DUE)
    with db.write() as session:
        session.execute(
            update(Alert)
            .where(col(Alert.id).in_(newest.scalar_subquery()))
            .values(delivered_at=None, next_attempt_at=NOW)
        )


def sweep_once(path: Path | str, out: Path, idle_warmup: bool = False) -> dict[str, Any]:
    """In this process: open the database (a SQLite file, or a PostgreSQL URL) as the
    monitor does and run one pass, after a warm-up pass that delivers 100 alerts (with
    ``idle_warmup``, one that does nothing, as before stop 35: the delivery's statements
    then run for the first time in the timed pass, on a PostgreSQL connection whose
    server process has not yet read those tables' catalog entries)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from sqlalchemy import text

    from claimtrack import config
    from claimtrack.monitor import channels, flagging, planning, service
    from claimtrack.records import store

    cfg = config.parse({"channels": [{"type": "file", "path": str(out)}]}, "bench")
    db = store.open_database(str(path))
    scheduler = service.make_scheduler(cfg, BackgroundScheduler)
    scheduler.start(paused=True)
    mon = service.Monitor(db, cfg, channels.senders(cfg), scheduler, clock=lambda: SWEEP_AT)
    if not idle_warmup:
        _reopen_newest(db)
    warm = mon.run_once(NOW + timedelta(minutes=1))  # a running monitor's earlier pass
    assert warm is not None
    assert not warm.flagged
    assert len(warm.delivery.delivered) == (0 if idle_warmup else NEWLY_DUE)
    # A full collection of the garbage collector falls due after so many allocations: one
    # owed by the warm-up would land in the timed pass of whichever database's process
    # allocated more before it (PostgreSQL's, 72 ms at 10k, stop 35). Collected here, on
    # both, the pass is timed from the same state.
    gc.collect()
    started = time.perf_counter()
    result = mon.run_once(SWEEP_AT)
    seconds = time.perf_counter() - started
    assert result is not None
    query = planning.look_at_query(SWEEP_AT, cfg.tz, flagging.BATCH)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    explain = "EXPLAIN QUERY PLAN" if db.is_sqlite else "EXPLAIN"
    with db.engine.connect() as connection:
        plan = [row[-1] for row in connection.execute(text(f"{explain} {compiled}"))]
    scheduler.shutdown(wait=False)
    db.dispose()
    return {
        "seconds": seconds,
        "flagged": len(result.flagged),
        "delivered": len(result.delivery.delivered),
        "rss_kb": _memory()["VmRSS"],
        "peak_kb": _memory()["VmHWM"],
        "plan": plan,
    }


def catch_up(path: Path) -> dict[str, Any]:
    """Bring a new synthetic database to a running monitor's steady state: every deadline
    already passed flagged, and those alerts delivered long ago."""
    from sqlalchemy import text, update

    from claimtrack import config
    from claimtrack.monitor import flagging
    from claimtrack.records import store
    from claimtrack.records.models import Alert

    db = store.open_database(str(path))
    started = time.perf_counter()
    flagged = flagging.flag(db, NOW, config.Config())
    info: dict[str, Any] = {"catch_up_s": time.perf_counter() - started}
    info["catch_up_flagged"] = len(flagged)
    with db.write() as session:
        session.execute(update(Alert).values(delivered_at=NOW, next_attempt_at=None))
    with db.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    db.dispose()
    return info


def prepare(folder: Path, size: int) -> dict[str, Any]:
    from bench import synth

    path = folder / f"monitor-{size}.db"
    started = time.perf_counter()
    info = synth.build(path, size, NOW, NEWLY_DUE)
    info["build_s"] = time.perf_counter() - started
    info |= catch_up(path)
    info["path"] = str(path)
    info["size_mb"] = round(path.stat().st_size / 1e6, 1)
    return info


def measure(
    info: dict[str, Any], runs: int, folder: Path, idle_warmup: bool = False
) -> list[dict[str, Any]]:
    results = []
    for run in range(runs):
        work = folder / "work.db"
        for suffix in ("-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        shutil.copyfile(info["path"], work)
        # Written to disk before the timing: otherwise the kernel writes the copy (a
        # gigabyte at 1M claims) during the sweep, which then waits on the disk.
        os.sync()
        out = folder / f"report-{run}.txt"
        child = subprocess.run(
            [sys.executable, __file__, "--sweep", str(work), str(out)]
            + (["--idle-warmup"] if idle_warmup else []),
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(child.stdout))
    return results


def _stats(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, help="where to build the databases")
    parser.add_argument(
        "--idle-warmup",
        action="store_true",
        help="warm up with a pass that delivers nothing (the measure before stop 35)",
    )
    parser.add_argument("--sweep", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sweep:
        where = args.sweep[0]
        database = where if "://" in where else Path(where)
        print(json.dumps(sweep_once(database, Path(args.sweep[1]), args.idle_warmup)))
        return

    folder = args.folder or Path(tempfile.mkdtemp(prefix="claimtrack-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes:
        info = prepare(folder, size)
        runs = measure(info, args.runs, folder, args.idle_warmup)
        assert all(r["flagged"] == NEWLY_DUE for r in runs), runs
        rows.append({**info, "runs": runs})
        print(
            f"built {size:,} claims in {info['build_s']:.1f} s ({info['size_mb']} MB); "
            f"catch-up flagged {info['catch_up_flagged']:,} in {info['catch_up_s']:.1f} s",
            file=sys.stderr,
        )
        Path(info["path"]).unlink()

    print(f"Monitor sweep, {NEWLY_DUE} newly due; {args.runs} runs each; {platform.node()}, ")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print("| claims | sweep ms (median) | min | max | flagged | RSS MB after | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        med, low, high = _stats([r["seconds"] * 1000 for r in row["runs"]])
        rss = statistics.median(r["rss_kb"] for r in row["runs"]) / 1024
        peak = statistics.median(r["peak_kb"] for r in row["runs"]) / 1024
        print(
            f"| {row['claims']:,} | {med:.1f} | {low:.1f} | {high:.1f} | "
            f"{row['runs'][0]['flagged']} | {rss:.1f} | {peak:.1f} |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        ratio = statistics.median(r["seconds"] for r in last["runs"]) / statistics.median(
            r["seconds"] for r in first["runs"]
        )
        memory = (
            statistics.median(r["peak_kb"] for r in last["runs"])
            - statistics.median(r["peak_kb"] for r in first["runs"])
        ) / 1024
        print(
            f"\nsweep at {last['claims']:,} / at {first['claims']:,}: {ratio:.2f}x; "
            f"peak memory difference {memory:+.1f} MB"
        )
    print(f"query plan of the sweep: {'; '.join(rows[-1]['runs'][0]['plan'])}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    document = {"taken_at": stamp, "machine": platform.node(), "rows": rows}
    (results / "monitor.json").write_text(json.dumps(document, indent=2, default=str))


if __name__ == "__main__":
    main()
