"""PostgreSQL beside SQLite, in the same run: the import of the same claims, then every
command of bench/run.py on each database.

    python bench/postgres.py --url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/postgres.py --sizes 10000 100000 --runs 3

For each size, the same synthetic claims (bench/synth.py, same seed) are on a SQLite file
(bench/run.py's, built once and kept in --folder) and on a new PostgreSQL database made on
the server for this run (dropped after), both at the monitor's steady state. Each command
of bench/run.py runs --runs times on each, a fresh process each time (median kept), after a
warm-up. The import: bench/importing.py's file of N claims, `claimtrack import` into an
empty database of each kind, one run. The monitor's sweep (bench/monitor.py's: one pass at
the moment 100 deadlines have just passed, in a fresh process) runs --runs times on a fresh
copy of each database (a file copy; CREATE DATABASE … TEMPLATE on the server), the two in
turn, and each pair's ratio is printed too. No test asserts a time.
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


def _on_server(url: str, statement: str) -> None:
    """One statement that runs outside a transaction (CREATE DATABASE, CHECKPOINT)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(statement))
    engine.dispose()


def _server_database(url: str, name: str, create: bool, template: str | None = None) -> None:
    if create:
        copy = f' TEMPLATE "{template}"' if template else ""
        _on_server(url, f'CREATE DATABASE "{name}"{copy}')
    else:
        _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
    # What `claimtrack import` does after a bulk load: statistics for the planner (without
    # them the monitor's catch-up sorts every waiting claim for each batch of 500, minutes
    # at 1M) and the visibility map (without it no count is read from an index alone).
    db.analyze()
    flagging.flag(db, monitor.NOW, config.Config())
    with db.write() as session:
        session.execute(update(Alert).values(delivered_at=monitor.NOW, next_attempt_at=None))
    # The catch-up rewrote half the claims (watch_at) and every alert: a running server's
    # autovacuum would have passed since (its update threshold is a fifth of a table).
    db.analyze()
    db.dispose()
    return server, time.perf_counter() - started


def _sweep(url: str, source: str, folder: Path, made: list[str], idle_warmup: bool) -> float:
    """One monitor sweep (bench/monitor.py) on a fresh copy of ``source``, in its own
    process; the seconds of the pass alone."""
    import json
    import os
    import shutil

    if "://" in source:  # the server copies a database from a template (no connection on it)
        name = f"claimtrack_bench_{uuid.uuid4().hex[:8]}"
        _server_database(url, name, create=True, template=source.rsplit("/", 1)[1])
        made.append(name)
        work = source.rsplit("/", 1)[0] + f"/{name}"
        # CREATE DATABASE writes the copy through the WAL: written out before the timing
        # (as os.sync() below), or the checkpointer writes it during the sweep.
        _on_server(url, "CHECKPOINT")
    else:
        work = str(folder / "sweep-work.db")
        for suffix in ("-wal", "-shm"):
            Path(work + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, work)
        os.sync()  # the copy written before the timing (see bench/monitor.py)
    child = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "monitor.py"),
            "--sweep",
            work,
            str(folder / "sweep.txt"),
        ]
        + (["--idle-warmup"] if idle_warmup else []),
        capture_output=True,
        text=True,
        check=True,
    )
    done = json.loads(child.stdout)
    assert done["flagged"] == 100, done
    return done["seconds"]


def measure(
    info: dict[str, Any],
    url: str,
    runs: int,
    folder: Path,
    env: dict[str, str],
    imports: bool,
    commands: bool = True,
    idle_warmup: bool = False,
) -> dict:
    from bench import importing

    document = folder / f"import-{info['claims']}.json"
    if imports and not document.exists():  # a gigabyte at 1M: only when it is imported
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
        timed = run.commands(info["claim_id"], info["claimant"]) if commands else {}
        for command, args in timed.items():
            for label, db in (("sqlite", lite), ("postgresql", server)):
                _timed([*args, "--db", db], env)  # warm-up
                found[f"{command}|{label}"] = [
                    _timed([*args, "--db", db], env) for _ in range(runs)
                ]
                print(f"  {command} {label}: {found[f'{command}|{label}']}", file=sys.stderr)
        # Alternated, one of each in turn: SQLite's pass moves by half from one minute to
        # the next on this machine, and a drift would otherwise fall on one side only.
        for _ in range(runs):
            for label, source in (("sqlite", lite), ("postgresql", server)):
                found.setdefault(f"sweep|{label}", []).append(
                    _sweep(url, source, folder, made, idle_warmup)
                )
        for label in ("sqlite", "postgresql"):
            print(f"  sweep {label}: {found[f'sweep|{label}']}", file=sys.stderr)
    finally:
        for name in made:
            _server_database(url, name, create=False)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-import", action="store_true", help="only the commands")
    parser.add_argument("--only-sweep", action="store_true", help="no import, no commands")
    parser.add_argument(
        "--idle-warmup",
        action="store_true",
        help="the sweep's warm-up pass delivers nothing (bench/monitor.py; before stop 35)",
    )
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
        results[size] = measure(
            info,
            args.url,
            args.runs,
            args.folder,
            env,
            imports=not (args.skip_import or args.only_sweep),
            commands=not args.only_sweep,
            idle_warmup=args.idle_warmup,
        )
    sizes = " ".join(map(str, args.sizes))
    flags = {
        "--skip-import": args.skip_import,
        "--only-sweep": args.only_sweep,
        "--idle-warmup": args.idle_warmup,
    }
    skipped = "".join(f" {flag}" for flag, given in flags.items() if given)
    print(
        f"Taken {started}, `python bench/postgres.py --sizes {sizes} --runs {args.runs}{skipped}`"
    )
    print("\nSeconds, median of the runs (import: one run), each a fresh process:\n")
    header = " | ".join(f"{s:,} SQLite | {s:,} PostgreSQL | ×" for s in args.sizes)
    print(f"| command | {header} |")
    print("|---|" + "---:|---:|---:|" * len(args.sizes))
    names = [
        *([] if args.skip_import or args.only_sweep else ["import"]),
        *([] if args.only_sweep else run.commands(1, "x")),
        "sweep",
    ]
    for command in names:
        cells = []
        for size in args.sizes:
            lite = statistics.median(results[size][f"{command}|sqlite"])
            pg = statistics.median(results[size][f"{command}|postgresql"])
            cells.append(f"{lite:.3f} | {pg:.3f} | {pg / lite:.2f}")
        print(f"| `{command}` | " + " | ".join(cells) + " |")
    for size in args.sizes:  # the sweep's runs were taken in pairs, one of each in turn
        sqlite_runs = results[size]["sweep|sqlite"]
        pairs = list(zip(sqlite_runs, results[size]["sweep|postgresql"], strict=True))
        shown = ", ".join(f"{1000 * a:.0f}/{1000 * b:.0f}" for a, b in pairs)
        ratio = statistics.median(b / a for a, b in pairs)
        print(f"\nThe sweep at {size:,}, ms SQLite/PostgreSQL run by run: {shown}.")
        print(f"Median of the runs' ratios: {ratio:.2f}×.")


if __name__ == "__main__":
    main()
