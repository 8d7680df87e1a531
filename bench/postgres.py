"""PostgreSQL beside SQLite, in the same run: the import of the same claims, then every
command of bench/run.py on each database.

    python bench/postgres.py --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/postgres.py --sizes 10000 100000 --runs 3

For each size, the same synthetic claims (bench/synth.py, same seed) are on a SQLite file
(bench/run.py's, built once and kept in --folder) and on a new PostgreSQL database made on
the server for this run (dropped after), both at the monitor's steady state. Each command
of bench/run.py runs --runs times on each, a fresh process each time (median kept), after a
warm-up. The import: bench/importing.py's file of N claims, `claimtrack import` into an
empty database of each kind, one run. The monitor's sweep is measured on SQLite by
bench/monitor.py, not here. No test asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

EXECUTABLE = str(Path(sys.executable).with_name("claimtrack"))


def _timed(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run([EXECUTABLE, *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"claimtrack {' '.join(args)[:200]} failed: {done.stderr.strip()[:400]}")
    return elapsed


def _server_database(url: str, name: str, create: bool) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        else:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _postgres_copy(url: str, size: int) -> tuple[str, float]:
    """The same synthetic claims (bench/synth.py, same seed) on a new PostgreSQL database,
    brought to the monitor's steady state as bench/run.py brings the SQLite one."""
    from sqlalchemy import text, update

    from bench import monitor, synth
    from claimtrack import config
    from claimtrack.monitor import flagging
    from claimtrack.records import store
    from claimtrack.records.models import Alert

    name = f"claimtrack_bench_{uuid.uuid4().hex[:8]}"
    _server_database(url, name, create=True)
    server = url.rsplit("/", 1)[0] + f"/{name}"
    started = time.perf_counter()
    synth.build(server, size, monitor.NOW, monitor.NEWLY_DUE)
    db = store.open_database(server)
    with db.write() as session:  # synth gives the ids: move the sequences past them
        for table in ("actor", "source", "claim", "verdict", "event", "alert"):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )
        # Statistics for the planner, as after any bulk load: without them the monitor's
        # catch-up sorts every waiting claim for each batch of 500 (minutes at 1M).
        session.execute(text("ANALYZE"))
    flagging.flag(db, monitor.NOW, config.Config())
    with db.write() as session:
        session.execute(update(Alert).values(delivered_at=monitor.NOW, next_attempt_at=None))
    db.dispose()
    return server, time.perf_counter() - started


def measure(
    info: dict[str, Any], url: str, runs: int, folder: Path, env: dict[str, str], imports: bool
) -> dict:
    from bench import importing

    document = folder / f"import-{info['claims']}.json"
    if not document.exists():
        importing.make_file(document, info["claims"])
    sqlite_import = folder / f"imported-{info['claims']}.db"
    found: dict[str, Any] = {}
    made: list[str] = []
    try:
        name = f"claimtrack_bench_{uuid.uuid4().hex[:8]}"
        _server_database(url, name, create=True)
        made.append(name)
        server_import = url.rsplit("/", 1)[0] + f"/{name}"
        for label, db in (("sqlite", str(sqlite_import)), ("postgresql", server_import)):
            if not imports:
                break
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_import}{suffix}").unlink(missing_ok=True)
            _timed(["init", "--db", db], env)
            found[f"import|{label}"] = [_timed(["import", str(document), "--db", db], env)]
            print(f"  import {label}: {found[f'import|{label}']}", file=sys.stderr)
        server, built = _postgres_copy(url, info["claims"])
        made.append(server.rsplit("/", 1)[1])
        print(f"  PostgreSQL copy built in {built:.0f} s", file=sys.stderr)
        lite = str(run.working_copy(info, "postgres-bench"))
        for command, args in run.commands(info["claim_id"], info["claimant"]).items():
            for label, db in (("sqlite", lite), ("postgresql", server)):
                _timed([*args, "--db", db], env)  # warm-up
                found[f"{command}|{label}"] = [
                    _timed([*args, "--db", db], env) for _ in range(runs)
                ]
                print(f"  {command} {label}: {found[f'{command}|{label}']}", file=sys.stderr)
    finally:
        for name in made:
            _server_database(url, name, create=False)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-import", action="store_true", help="only the commands")
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "claimtrack-bench"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    env = run.environment(args.folder)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        print(f"{size:,} claims: setting up", file=sys.stderr)
        info = run.database(args.folder, size) | {"claims": size}
        results[size] = measure(info, args.url, args.runs, args.folder, env, not args.skip_import)
    sizes = " ".join(map(str, args.sizes))
    print(f"Taken {started}, `python bench/postgres.py --sizes {sizes} --runs {args.runs}`")
    print("\nSeconds, median of the runs (import: one run), each a fresh process:\n")
    header = " | ".join(f"{s:,} SQLite | {s:,} PostgreSQL | ×" for s in args.sizes)
    print(f"| command | {header} |")
    print("|---|" + "---:|---:|---:|" * len(args.sizes))
    names = [*([] if args.skip_import else ["import"]), *run.commands(1, "x")]
    for command in names:
        cells = []
        for size in args.sizes:
            lite = statistics.median(results[size][f"{command}|sqlite"])
            pg = statistics.median(results[size][f"{command}|postgresql"])
            cells.append(f"{lite:.3f} | {pg:.3f} | {pg / lite:.2f}")
        print(f"| `{command}` | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
