"""`claimtrack publish` on bench/run.py's synthetic databases: the first run into an empty
folder, then a run after one verdict (what it rewrites), each timed as a fresh process.

    python bench/publish.py --sizes 10000 100000

Prints a Markdown table for docs/benchmarks.md. No test asserts a time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

BASE = "https://tracker.example.org/"


def _claimtrack(*args: str, env: dict[str, str]) -> tuple[float, dict[str, Any]]:
    executable = str(Path(sys.executable).with_name("claimtrack"))
    started = time.perf_counter()
    done = subprocess.run(
        [executable, *args, "--json"], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"claimtrack {' '.join(args)} failed: {done.stderr.strip()[:500]}")
    return elapsed, json.loads(done.stdout) if done.stdout.strip() else {}


def measure(info: dict[str, Any], folder: Path, env: dict[str, str]) -> dict[str, Any]:
    db = run.working_copy(info, "publish")
    out = folder / f"site-{info['claims']}"
    shutil.rmtree(out, ignore_errors=True)
    first_s, first = _claimtrack("publish", str(out), "--base-url", BASE, "--db", str(db), env=env)
    _, due = _claimtrack("list", "--status", "due", "--limit", "1", "--db", str(db), env=env)
    claim = str(due[0]["id"])  # a claim awaiting a check gets its verdict
    verdict = ("verdict", claim, "broken", "--note", "Bench.", "--checked-on", "2026-01-15")
    _claimtrack(*verdict, "--db", str(db), env=env)
    again_s, again = _claimtrack("publish", str(out), "--base-url", BASE, "--db", str(db), env=env)
    return {"first_s": first_s, "first": first, "again_s": again_s, "again": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "claimtrack-bench"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    env = run.environment(args.folder)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    for size in args.sizes:
        print(f"{size:,} claims: setting up", file=sys.stderr)
        info = run.database(args.folder, size) | {"claims": size}
        found = measure(info, args.folder, env)
        print(f"  {found}", file=sys.stderr)
        rows.append((size, found))
    print(f"Taken {started}, `python bench/publish.py --sizes {' '.join(map(str, args.sizes))}`\n")
    print("| claims | first run (s) | files | MB | after one verdict (s) | files rewritten |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, f in rows:
        print(
            f"| {size:,} | {f['first_s']:.1f} | {f['first']['files']:,} | "
            f"{f['first']['bytes'] / 1e6:,.0f} | {f['again_s']:.1f} | {f['again']['written']:,} |"
        )


if __name__ == "__main__":
    main()
