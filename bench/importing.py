"""Import benchmark: `claimtrack import` of a realistic export of N claims, against the floor
of raw ``sqlite3.executemany`` of the very rows that import wrote, on the same machine.

    python bench/importing.py                   # 100,000 claims, 3 runs
    python bench/importing.py --claims 10000 --runs 5

The file: N claims as ``claimtrack export`` writes them (deadline readings, two claimants
out of 2,000, two tags, one citation with a quote of one source per ten claims, a fifth
with a verdict and its evidence, history). Each run imports it into a new SQLite database
with the installed CLI in a fresh process, timed from start to exit, JSON parsing and
checking included. The floor: the rows that import left in each table (search index
included) are read back, then written with the ``sqlite3`` module alone, one executemany
per table in one transaction, into a new database of the same schema; only that is timed.
It prints a Markdown table and writes bench/results/importing.json. No test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
TABLES = (  # in the order foreign keys allow
    "actor",
    "source",
    "claim",
    "claim_actor",
    "claim_tag",
    "verdict",
    "claim_source",
    "event",
    "claim_fts",
)
FRENCH = [
    "Le gouvernement réduira les émissions de {n} % d’ici {y}.",
    "La mission de la coalition en Irak se terminera au plus tard en {y}.",
    "Nous construirons {n}000 logements sociaux avant la fin de {y}.",
]
ENGLISH = [
    "We will cut emissions by {n}% by {y}.",
    "The coalition mission will end no later than {y}.",
    "The bridge will open to traffic in {y}.",
]


def make_file(path: Path, count: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    stamp = NOW.isoformat()
    actors = [f"Actor {i} {rng.choice(['Dupont', 'Smith', 'al-Sudani'])}" for i in range(2000)]
    sources = {
        str(uuid.UUID(int=rng.getrandbits(128))): {
            "url": f"https://news.example/{i}",
            "title": f"Article {i}",
            "publisher": "News",
            "created_at": stamp,
        }
        for i in range(max(1, count // 10))
    }
    keys = list(sources)
    claims = []
    for i in range(count):
        french = rng.random() < 0.5
        last = date(2016, 1, 1) + timedelta(days=rng.randrange(365 * 20))
        stated = min(last - timedelta(days=400), date(2026, 1, 1))
        text = rng.choice(FRENCH if french else ENGLISH).format(n=rng.randint(2, 60), y=last.year)
        verdicts = []
        if rng.random() < 0.2:
            verdicts.append(
                {
                    "verdict": rng.choice(["kept", "broken", "partial"]),
                    "note": "Checked against the official record.",
                    "checked_on": "2026-01-15",
                    "recorded_at": stamp,
                    "reviewer": "desk",
                    "evidence": [{"source": rng.choice(keys), "quote": None, "created_at": stamp}],
                }
            )
        claims.append(
            {
                "id": i + 1,
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "text": text,
                "language": "fr" if french else "en",
                "translation": None,
                "kind": "commitment",
                "claimants": rng.sample(actors, 2),
                "stated_on": stated.isoformat(),
                "deadline": {
                    "text": f"by {last.isoformat()}",
                    "kind": "by",
                    "date": last.isoformat(),
                    "precision": "day",
                    "due_at": datetime.combine(
                        last + timedelta(days=1), datetime.min.time(), UTC
                    ).isoformat(),
                },
                "tags": sorted(rng.sample(["iraq", "climate", "housing", "budget", "eu"], 2)),
                "criteria": None,
                "context": None,
                "citations": [
                    {
                        "source": rng.choice(keys),
                        "quote": text,
                        "role": "origin",
                        "created_at": stamp,
                    }
                ],
                "verdicts": verdicts,
                "history": [{"kind": "created", "at": stamp, "actor": "desk", "data": {}}],
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    document = {"format": "claimtrack", "format_version": 1, "actors": [], "sources": sources}
    document["claims"] = claims
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def claimtrack_import(file: Path, db: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "claimtrack", "import", str(file), "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"claimtrack import failed: {done.stderr}")
    return elapsed


PHASES = """
import gc, sys, time
gc.disable()  # as claimtrack import does
from datetime import UTC, datetime
start = time.perf_counter()
from claimtrack.formats import document, importing
from claimtrack.formats import fields
from claimtrack.formats import document_reader
from claimtrack.records import claims, store
from claimtrack.records import moments
loaded = time.perf_counter()
text = open(sys.argv[1], encoding="utf-8").read()
clock = moments.Clock(datetime.now(UTC), UTC, "bench")
data = fields.parse_json(text, sys.argv[1])
parsed = time.perf_counter()
records = document_reader.read_document(data, clock)
checked = time.perf_counter()
opened = store.open_database(sys.argv[2])
ready = time.perf_counter()
with opened.write() as session:
    importing.import_document(session, records, clock)
written = time.perf_counter()
print(loaded - start, parsed - loaded, checked - parsed, ready - checked, written - ready)
"""
PHASE_NAMES = ("imports", "JSON parse", "checks", "open database", "write + commit")


def phases(file: Path, db: Path) -> list[float]:
    """The same import in a fresh process, timed phase by phase."""
    done = subprocess.run(
        [sys.executable, "-c", PHASES, str(file), str(db)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return [float(value) for value in done.stdout.split()]


def raw_rows(db: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row the import wrote, table by table, as the sqlite3 module reads them."""
    connection = sqlite3.connect(db)
    rows = {}
    for table in TABLES:
        cursor = connection.execute(
            f"SELECT rowid, body FROM {table}" if table == "claim_fts" else f"SELECT * FROM {table}"
        )
        rows[table] = ([c[0] for c in cursor.description], cursor.fetchall())
    connection.close()
    return rows


def raw_insert(empty: Path, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> float:
    """Write the rows with sqlite3 alone, one transaction, settings as claimtrack's."""
    connection = sqlite3.connect(empty, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        columns, values = rows[table]
        marks = ", ".join("?" for _ in columns)
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values
        )
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def empty_database(path: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "claimtrack", "init", "--db", str(path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return path


def measure(claims: int, runs: int) -> dict[str, Any]:
    """Import a file of ``claims`` claims ``runs`` times, each beside its raw floor."""
    with tempfile.TemporaryDirectory(prefix="claimtrack-bench-") as folder:
        work = Path(folder)
        file = work / "claims.json"
        make_file(file, claims)
        size_mb = file.stat().st_size / 1e6
        imports, raws, steps = [], [], []
        for run in range(runs):
            db = work / f"import-{run}.db"
            imports.append(claimtrack_import(file, db))
            steps.append(phases(file, work / f"phases-{run}.db"))
            rows = raw_rows(db)
            raws.append(raw_insert(empty_database(work / f"raw-{run}.db"), rows))
        counted = {table: len(rows[table][1]) for table in TABLES}
    return {
        "taken": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "claims": claims,
        "file_mb": round(size_mb, 1),
        "rows": counted,
        "import_s": imports,
        "raw_s": raws,
        "phases_s": [dict(zip(PHASE_NAMES, step, strict=True)) for step in steps],
    }


def print_table(result: dict[str, Any]) -> None:
    claims, imports, raws = result["claims"], result["import_s"], result["raw_s"]
    steps = [list(step.values()) for step in result["phases_s"]]
    median_import, median_raw = statistics.median(imports), statistics.median(raws)
    rate, raw_rate = claims / median_import, claims / median_raw
    rows = sum(result["rows"].values())
    print(f"{claims:,} claims, {result['file_mb']:.0f} MB file, {rows:,} rows written")
    print("| path | s (median) | min | max | claims/s |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| claimtrack import (whole command) | {median_import:.2f} | {min(imports):.2f} | "
        f"{max(imports):.2f} | {rate:,.0f} |"
    )
    print(
        f"| sqlite3.executemany, same rows | {median_raw:.2f} | {min(raws):.2f} | "
        f"{max(raws):.2f} | {raw_rate:,.0f} |"
    )
    write = statistics.median(step[-1] for step in steps)
    print(
        f"| claimtrack's database writing alone | {write:.2f} | "
        f"{min(s[-1] for s in steps):.2f} | {max(s[-1] for s in steps):.2f} | "
        f"{claims / write:,.0f} |"
    )
    print(f"import rate / raw rate: {rate / raw_rate:.2f} (target: at least 0.5)")
    print(f"database writing alone / raw rate: {median_raw / write:.2f}")
    print(
        "where the whole command's time goes (median s): "
        + ", ".join(
            f"{name} {statistics.median(step[i] for step in steps):.2f}"
            for i, name in enumerate(PHASE_NAMES)
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    result = measure(args.claims, args.runs)
    print_table(result)
    out = ROOT / "bench" / "results" / "importing.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
