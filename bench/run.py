"""The benchmark: claimtrack's commands at 10k, 100k and 1M claims, against their floors,
the monitor, the import, and Taskwarrior on the same items, in one run.

    python bench/run.py                              # 10k, 100k, 1M; 5 runs each
    python bench/run.py --sizes 10000 100000 --runs 3
    python bench/run.py --skip taskwarrior import    # parts: cli monitor import taskwarrior

For each size a synthetic database is built once (bench/synth.py; kept in --folder and
reused while the generator and schema are unchanged) and brought to a running monitor's
steady state. Then, each timed as the median of --runs runs (after one untimed run) with
min and max, in fresh processes:

- the installed ``claimtrack`` for each command of COMMANDS, beside its two floors
  (bench/floors.py): a Python that only imports the modules the command loaded, and a
  Python that sends the command's own SQL with the ``sqlite3`` module alone;
- one monitor sweep with 100 newly due claims, and the monitor's resident memory
  (bench/monitor.py);
- Taskwarrior, when ``task`` is installed (Debian package ``taskwarrior``): ``task import``
  of the same items into an empty data folder, ``task +OVERDUE count``, ``task add``.

Once, at --import-claims: ``claimtrack import`` beside raw ``sqlite3.executemany`` of the
same rows (bench/importing.py). It prints a Markdown table with the targets of issue 6 and
writes bench/results/run.json. No test asserts a time.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import floors, importing, monitor, synth, taskwarrior  # noqa: E402

AS_OF = "2026-11-24"
PARTS = ("cli", "monitor", "import", "taskwarrior")
SEARCH_WORD = "coalition"  # in one claim in four: a common word, not a rare one


def commands(claim_id: int, claimant: str) -> dict[str, list[str]]:
    """What a person at the terminal types, by the name the tables use."""
    return {
        "status ID": ["status", str(claim_id)],
        "show ID": ["show", str(claim_id)],
        "list --status due": ["list", "--status", "due", "--as-of", AS_OF],
        "report --json": ["report", "--as-of", AS_OF, "--json"],
        "scorecard --json": ["scorecard", "--as-of", AS_OF, "--json"],
        "scorecard NAME": ["scorecard", claimant, "--as-of", AS_OF, "--json"],
        "add": [
            "add",
            "Nous ouvrirons la nouvelle ligne de tramway avant la fin de 2027.",
            "--by",
            claimant,
            "--due",
            "by the end of 2027",
            "--lang",
            "fr",
            "--tag",
            "transport",
            # Each run adds the same claim again: without this the second would be refused
            # as a duplicate (the lookup it skips is an index search, timed in the notes).
            "--duplicate-ok",
        ],
        f"search {SEARCH_WORD}": ["search", SEARCH_WORD],
    }


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)[:200]} failed: {done.stderr.decode().strip()}")
    return elapsed


def environment(folder: Path) -> dict[str, str]:
    """The commands' environment: none of the shell's CLAIMTRACK_ settings, no configuration
    file, a named user."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")},
        "XDG_CONFIG_HOME": str(folder / "config"),  # no configuration file
        "CLAIMTRACK_USER": "bench",
    }


def stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


# --- the databases ----------------------------------------------------------------------------


def _fingerprint(size: int) -> str:
    from claimtrack.records.migrations import SCHEMA_REVISION

    # What makes the database: the generator and the catch-up pass, and the schema (the
    # migrations' text: a migration changed before it is released keeps its revision).
    source = (ROOT / "bench" / "synth.py").read_text() + inspect.getsource(monitor.catch_up)
    source += "".join(
        path.read_text() for path in sorted((ROOT / "db" / "migrations" / "versions").glob("*.py"))
    )
    return f"{size}-{SCHEMA_REVISION}-{hashlib.sha256(source.encode()).hexdigest()[:12]}"


def database(folder: Path, size: int) -> dict[str, Any]:
    """The synthetic database of ``size`` claims, after the monitor's catch-up; built once."""
    path = folder / f"claims-{size}.db"
    stamp = folder / f"claims-{size}.json"
    if path.exists() and stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("fingerprint") == _fingerprint(size):
            return info
    started = time.perf_counter()
    info = synth.build(path, size, monitor.NOW, monitor.NEWLY_DUE)
    info["build_s"] = time.perf_counter() - started
    info |= monitor.catch_up(path)
    connection = sqlite3.connect(path)
    # A claim as the tables show it: in the middle, with a source and a verdict.
    info["claim_id"], info["claimant"] = connection.execute(
        "SELECT claim.id, actor.name FROM claim "
        "JOIN claim_actor ON claim_actor.claim_id = claim.id "
        "JOIN actor ON actor.id = claim_actor.actor_id "
        "WHERE claim.id >= ? AND EXISTS (SELECT 1 FROM verdict WHERE claim_id = claim.id) "
        "AND EXISTS (SELECT 1 FROM claim_source WHERE claim_id = claim.id) "
        "ORDER BY claim.id LIMIT 1",
        (size // 2,),
    ).fetchone()
    connection.close()
    info |= {"path": str(path), "size_mb": round(path.stat().st_size / 1e6, 1)}
    info["fingerprint"] = _fingerprint(size)
    stamp.write_text(json.dumps(info, indent=2))
    return info


def working_copy(info: dict[str, Any], name: str) -> Path:
    """A copy to run commands on, so ``add`` leaves the kept database as it was built."""
    base = Path(info["path"])
    copy = base.with_name(f"{name}-{base.name}")
    for suffix in ("-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(base, copy)
    return copy


# --- the parts --------------------------------------------------------------------------------


Timings = dict[str, list[float]]


def cli_commands(info: dict[str, Any], env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Each command of COMMANDS on this database, with its two floors as command lines."""
    db = working_copy(info, "cli")
    watched = working_copy(info, "observed")  # where add's observed run leaves its claim
    replayed = working_copy(info, "floor")  # where the floor's inserts are rolled back
    executable = str(Path(sys.executable).with_name("claimtrack"))
    found = {}
    for name, args in commands(info["claim_id"], info["claimant"]).items():
        observed = floors.observe([*args, "--db", str(watched)], env, floors.scratch())
        sql = floors.sqlite_floor(observed, replayed)
        if name == "add":  # the floor sends the same inserts, which must not stay
            sql = [*sql, "rollback"]
        found[name] = {
            "lines": {
                "cli": [executable, *args, "--db", str(db)],
                "import_floor": floors.import_floor(observed),
                "sqlite_floor": sql,
            },
            "modules": observed["module_count"],
            "statements": observed["statement_count"],
        }
    return found


def taskwarrior_setup(info: dict[str, Any], runs: int, folder: Path) -> dict[str, Any]:
    """``task import`` of the claims into an empty data folder, ``runs`` times (the last
    import's data stays for the commands), and the command lines to time."""
    tasks = folder / f"tasks-{info['claims']}.json"
    count = taskwarrior.write_tasks(Path(info["path"]), tasks)
    place = folder / f"taskwarrior-{info['claims']}"
    imports = []
    for _ in range(runs):
        imports.append(timed(["task", "import", str(tasks)], taskwarrior.environment(place)))
    env = {**os.environ, "TASKRC": str(place / "taskrc")}
    overdue = subprocess.run(
        ["task", "+OVERDUE", "count"], env=env, capture_output=True, text=True, check=True
    )
    return {
        "tasks": count,
        "overdue": int(overdue.stdout.strip()),
        "import": stats(imports),
        "env": env,
        "lines": {
            "+OVERDUE count": ["task", "+OVERDUE", "count"],
            "add": ["task", "add", "Nouvelle ligne de tramway", "due:2027-12-31"],
        },
    }


def measure_all(rows: list[dict[str, Any]], runs: int, env: dict[str, str], folder: Path) -> None:
    """Every timed command at every size, run after run: each run goes through all sizes
    and all commands in turn, so that a slow spell of the machine (a VM's neighbours, its
    clock speed) falls on every size alike instead of on the one measured at that time.
    The first run warms the caches and is not counted."""
    for row in rows:
        row["timings"] = {"cli": {}, "taskwarrior": {}, "sweep": []}
    for run in range(runs + 1):
        print(f"run {run} of {runs}{' (warm-up)' if not run else ''}", file=sys.stderr)
        for row in rows:
            timings = row["timings"]
            for name, command in row.get("cli", {}).items():
                for key, line in command["lines"].items():
                    elapsed = timed(line, env)
                    if run:
                        timings["cli"].setdefault(name, {}).setdefault(key, []).append(elapsed)
            task = row.get("taskwarrior")
            for name, line in (task or {}).get("lines", {}).items():
                elapsed = timed(line, task["env"])
                if run:
                    timings["taskwarrior"].setdefault(name, []).append(elapsed)
            if "monitor" in row and run:
                timings["sweep"] += monitor.measure(row["database"], 1, folder)
    for row in rows:
        timings = row.pop("timings")
        for name, by_key in timings["cli"].items():
            row["cli"][name] |= {key: stats(values) for key, values in by_key.items()}
            row["cli"][name]["runs"] = by_key
            del row["cli"][name]["lines"]
        for name, values in timings["taskwarrior"].items():
            row["taskwarrior"][name] = stats(values)
        if row.get("taskwarrior"):
            del row["taskwarrior"]["env"], row["taskwarrior"]["lines"]
        if "monitor" in row:
            sweeps = timings["sweep"]
            assert all(r["flagged"] == monitor.NEWLY_DUE for r in sweeps), sweeps
            row["monitor"] = {
                "sweep": stats([r["seconds"] for r in sweeps]),
                "rss_mb": statistics.median(r["rss_kb"] for r in sweeps) / 1024,
                "peak_mb": statistics.median(r["peak_kb"] for r in sweeps) / 1024,
                "plan": sweeps[0]["plan"],
            }


# --- the table --------------------------------------------------------------------------------


def _cell(value: dict[str, float]) -> str:
    return f"{value['median']:.3f} ({value['min']:.3f}–{value['max']:.3f})"


def _verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def print_tables(result: dict[str, Any]) -> None:
    sizes = [row["claims"] for row in result["sizes"]]
    rows = result["sizes"]
    first, last = rows[0], rows[-1]
    heads = " | ".join(f"{size:,}" for size in sizes)
    print(f"Taken {result['taken']} on {result['machine']}.\n")
    if "cli" in first:
        print("Seconds, median (min–max) of", result["runs"], "runs, each in a fresh process.\n")
        print(
            f"| command | {heads} | {last['claims']:,} / {first['claims']:,} "
            "| worst × import floor |"
        )
        print("|---|" + "---:|" * (len(sizes) + 2))
        for name in first["cli"]:
            cells = " | ".join(_cell(row["cli"][name]["cli"]) for row in rows)
            growth = last["cli"][name]["cli"]["median"] / first["cli"][name]["cli"]["median"]
            worst = max(
                row["cli"][name]["cli"]["median"] / row["cli"][name]["import_floor"]["median"]
                for row in rows
            )
            print(f"| `claimtrack {name}` | {cells} | {growth:.2f}× | {worst:.2f}× |")
            for floor, label in (
                ("import_floor", "import floor"),
                ("sqlite_floor", "sqlite3 floor"),
            ):
                cells = " | ".join(_cell(row["cli"][name][floor]) for row in rows)
                print(f"| &nbsp;&nbsp;{label} | {cells} | | |")
        print()
    if "monitor" in first:
        print(f"| monitor | {heads} | {last['claims']:,} / {first['claims']:,} |")
        print("|---|" + "---:|" * (len(sizes) + 1))
        cells = " | ".join(_cell(row["monitor"]["sweep"]) for row in rows)
        growth = last["monitor"]["sweep"]["median"] / first["monitor"]["sweep"]["median"]
        print(f"| sweep, 100 newly due (s) | {cells} | {growth:.2f}× |")
        cells = " | ".join(f"{row['monitor']['peak_mb']:.1f}" for row in rows)
        memory = last["monitor"]["peak_mb"] - first["monitor"]["peak_mb"]
        print(f"| peak resident memory (MB) | {cells} | {memory:+.1f} MB |\n")
    if "taskwarrior" in first:
        print(f"| Taskwarrior {result['task_version']} | {heads} |")
        print("|---|" + "---:|" * len(sizes))
        for name in ("import", "+OVERDUE count", "add"):
            cells = " | ".join(_cell(row["taskwarrior"][name]) for row in rows)
            print(f"| `task {name}` | {cells} |")
        print()
    if "import" in result:
        importing.print_table(result["import"])
        print()
    print("Targets:")
    for line in targets(result):
        print(f"- {line}")


def targets(result: dict[str, Any]) -> list[str]:
    rows = result["sizes"]
    first, last = rows[0], rows[-1]
    lines = []
    if "cli" in first:
        for name in first["cli"]:
            growth = last["cli"][name]["cli"]["median"] / first["cli"][name]["cli"]["median"]
            lines.append(
                f"`{name}` at {last['claims']:,} / at {first['claims']:,}: {growth:.2f}× "
                f"(at most 1.5×): {_verdict(growth <= 1.5)}"
            )
        for name in first["cli"]:
            ratios = [
                row["cli"][name]["cli"]["median"] / row["cli"][name]["import_floor"]["median"]
                for row in rows
            ]
            lines.append(
                f"`{name}` / its import floor: "
                + ", ".join(f"{ratio:.2f}×" for ratio in ratios)
                + f" (at most 1.3× at every size): {_verdict(max(ratios) <= 1.3)}"
            )
    at_100k = [row for row in rows if row["claims"] == 100_000]
    if at_100k and "cli" in at_100k[0] and "taskwarrior" in at_100k[0]:
        ours = at_100k[0]["cli"]["report --json"]["cli"]["median"]
        theirs = at_100k[0]["taskwarrior"]["+OVERDUE count"]["median"]
        lines.append(
            f"`report --json` at 100,000 / `task +OVERDUE count` at 100,000: {ours / theirs:.2f} "
            f"(at most 0.5): {_verdict(ours / theirs <= 0.5)}"
        )
    if "monitor" in first:
        growth = last["monitor"]["sweep"]["median"] / first["monitor"]["sweep"]["median"]
        memory = last["monitor"]["peak_mb"] - first["monitor"]["peak_mb"]
        lines.append(f"sweep growth {growth:.2f}× (at most 1.5×): {_verdict(growth <= 1.5)}")
        lines.append(f"monitor memory {memory:+.1f} MB (within 20 MB): {_verdict(memory <= 20)}")
    if "import" in result:
        found = result["import"]
        ratio = statistics.median(found["raw_s"]) / statistics.median(found["import_s"])
        lines.append(
            f"import rate / raw rate: {ratio:.2f} (at least 0.5): {_verdict(ratio >= 0.5)}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-claims", type=int, default=100_000)
    parser.add_argument("--skip", nargs="+", choices=PARTS, default=[])
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path(tempfile.gettempdir()) / "claimtrack-bench",
        help="where the databases are built and kept between runs",
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    env = environment(args.folder)
    with_task = "taskwarrior" not in args.skip and taskwarrior.installed()
    result: dict[str, Any] = {
        "taken": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "runs": args.runs,
        "sizes": [],
    }
    if with_task:
        version = subprocess.run(["task", "--version"], capture_output=True, text=True)
        result["task_version"] = version.stdout.strip()
    for size in args.sizes:
        print(f"{size:,} claims: setting up", file=sys.stderr)
        info = database(args.folder, size)
        row: dict[str, Any] = {"claims": size, "database": info}
        if "cli" not in args.skip:
            row["cli"] = cli_commands(info, env)
        if "monitor" not in args.skip:
            row["monitor"] = {}
        if with_task:
            row["taskwarrior"] = taskwarrior_setup(info, args.runs, args.folder)
        result["sizes"].append(row)
    measure_all(result["sizes"], args.runs, env, args.folder)
    if "import" not in args.skip:
        print(f"import of {args.import_claims:,} claims", file=sys.stderr)
        result["import"] = importing.measure(args.import_claims, min(args.runs, 3))
    out = ROOT / "bench" / "results" / "run.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print_tables(result)


if __name__ == "__main__":
    main()
