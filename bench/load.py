"""The served tracker under load, measured with a real load generator (wrk).

    python bench/load.py                          # 100k and 1M claims, 20 and 100 connections
    python bench/load.py --sizes 100000 --duration 5

For each size, bench/run.py's synthetic database (built once, kept in --folder) is served
by `claimtrack serve` (one worker, as the first figures of issue 22 were taken) twice: with
its cache off (``[web] cache = false``: every request renders) and on (the default). wrk
(``apt-get install wrk``; installed here if missing) asks each address for --duration
seconds per connection count, after a warm-up; the server's own static stylesheet is asked
in the same run, the ceiling a cached answer is compared with. Prints a Markdown table for
docs/benchmarks.md and the targets: the cached home page at 1M at least half the static
file's rate, and its p99 under 100 ms at 20 connections. No test asserts a time.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run, web  # noqa: E402

CONNECTIONS = (20, 100)
WARM_UP_S = 2


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def addresses(claim_id: int) -> dict[str, str]:
    return {
        "home `/`": "/",
        "claim page": f"/claims/{claim_id}",
        "`/api/claims`": "/api/claims",
        "static CSS": "/static/site.css",
        "`/deadlines.ics`": "/deadlines.ics",  # last: what it leaves queued delays nothing
    }


def wrk(binary: str, url: str, connections: int, seconds: float) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) of one wrk run."""
    out = subprocess.run(
        [
            binary,
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "--timeout",
            "30s",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    found = {"rps": rate}
    for percentile in ("50", "99"):
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if match:
            value, unit = float(match.group(1)), match.group(2)
            found[f"p{percentile}"] = value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    found["errors"] = float(errors.group(1)) if errors else 0.0
    return found


def measure(info: dict[str, Any], binary: str, seconds: float, folder: Path) -> dict[str, Any]:
    db = run.working_copy(info, "load")
    results: dict[str, Any] = {}
    for mode in ("uncached", "cached"):
        config = folder / f"load-{mode}.toml"
        config.write_text("[web]\ncache = false\n" if mode == "uncached" else "")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")},
            "CLAIMTRACK_CONFIG": str(config),
            "CLAIMTRACK_USER": "bench",
        }
        process, port = web.serve(db, env)
        try:
            for name, path in addresses(info["claim_id"]).items():
                url = f"http://127.0.0.1:{port}{path}"
                wrk(binary, url, 2, WARM_UP_S)
                for connections in CONNECTIONS:
                    figures = wrk(binary, url, connections, seconds)
                    results[f"{mode}|{name}|{connections}"] = figures
                    print(f"  {mode} {name} c={connections}: {figures}", file=sys.stderr)
        finally:
            process.kill()  # not a clean stop: requests wrk left queued would be finished
            process.wait(20)
    return results


def table(sizes: list[int], found: dict[int, dict[str, Any]], seconds: float) -> list[str]:
    lines = [
        f"Requests per second (p50 / p99 latency in ms), wrk -t2, {seconds:g} s per cell, "
        "one worker:",
        "",
        "| address | cache | "
        + " | ".join(f"{s:,} × {c} conn." for s in sizes for c in CONNECTIONS)
        + " |",
        "|---|---|" + "---:|" * (len(sizes) * len(CONNECTIONS)),
    ]
    names = list(addresses(1))
    for name in names:
        for mode in ("uncached", "cached"):
            if name == "static CSS" and mode == "uncached":
                continue
            cells = []
            for size in sizes:
                for connections in CONNECTIONS:
                    f = found[size].get(f"{mode}|{name}|{connections}")
                    if f is None:
                        cells.append("not asked")
                        continue
                    cells.append(
                        f"{f['rps']:,.0f} ({f.get('p50', 0):.1f} / {f.get('p99', 0):.1f})"
                        + (f", {f['errors']:.0f} errors" if f["errors"] else "")
                    )
            label = "—" if name == "static CSS" else mode
            lines.append(f"| {name} | {label} | " + " | ".join(cells) + " |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "claimtrack-bench"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    binary = ensure_wrk()
    found: dict[int, dict[str, Any]] = {}
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    for size in args.sizes:
        print(f"{size:,} claims: setting up", file=sys.stderr)
        info = run.database(args.folder, size) | {"claims": size}
        found[size] = measure(info, binary, args.duration, args.folder)
    print(
        f"Taken {started}, `python bench/load.py --sizes {' '.join(map(str, args.sizes))} "
        f"--duration {args.duration:g}`\n"
    )
    print("\n".join(table(args.sizes, found, args.duration)))
    biggest = max(args.sizes)
    home = found[biggest]["cached|home `/`|20"]
    static = found[biggest]["cached|static CSS|20"]
    ratio = home["rps"] / static["rps"]
    print(
        f"\nAt {biggest:,} claims, 20 connections: cached home {home['rps']:,.0f}/s = "
        f"{ratio:.2f}× the static file's {static['rps']:,.0f}/s (target ≥ 0.5: "
        f"{'met' if ratio >= 0.5 else 'not met'}); p99 {home.get('p99', 0):.1f} ms "
        f"(target < 100: {'met' if home.get('p99', 1e9) < 100 else 'not met'})"
    )


if __name__ == "__main__":
    main()
