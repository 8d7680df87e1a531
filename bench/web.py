"""The web tracker's speed: its pages served by `claimtrack serve`, against the CLI report.

    python bench/web.py                      # 100k claims, 50 requests per page
    python bench/web.py --size 10000 --runs 20

The database is bench/run.py's synthetic one (built once and kept in --folder). The real
server runs in its own process; after a warm-up of each page, every page is requested
--runs times over one kept-alive connection, and the time to the last byte is taken. The CLI
report is timed as in bench/run.py: a fresh process per run. It prints a table and the
target of issue 7: the home page in under a tenth of the CLI report's time. No test asserts
a time.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

AS_OF = run.AS_OF
WARM_UP = 5


def pages(claim_id: int) -> dict[str, str]:
    return {
        "home /": f"/?as_of={AS_OF}",
        "claim page": f"/claims/{claim_id}?as_of={AS_OF}",
        "filtered: status due": f"/?status=due&as_of={AS_OF}",
        "search": f"/?q={run.SEARCH_WORD}&as_of={AS_OF}",
        "API report": f"/api/report?as_of={AS_OF}",
        "API claim": f"/api/claims/{claim_id}?as_of={AS_OF}",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(connection: http.client.HTTPConnection, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}: {body[:200]!r}")
    return elapsed, len(body)


def serve(db: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """`claimtrack serve` on ``db``, once it answers."""
    port = _free_port()
    executable = str(Path(sys.executable).with_name("claimtrack"))
    process = subprocess.Popen(
        [executable, "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("claimtrack serve did not start within 30 s")


def measure(info: dict[str, Any], runs: int, env: dict[str, str]) -> dict[str, Any]:
    db = run.working_copy(info, "web")
    executable = str(Path(sys.executable).with_name("claimtrack"))
    report = [executable, "report", "--as-of", AS_OF, "--db", str(db)]
    run.timed(report, env)  # warm the page cache
    cli = [run.timed(report, env) for _ in range(min(runs, 5))]
    process, port = serve(db, env)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        found: dict[str, Any] = {}
        for name, path in pages(info["claim_id"]).items():
            for _ in range(WARM_UP):
                _get(connection, path)
            times, size = [], 0
            for _ in range(runs):
                elapsed, size = _get(connection, path)
                times.append(elapsed)
            found[name] = run.stats(times) | {"bytes": size}
        connection.close()
    finally:
        process.terminate()
        process.wait(10)
    return {"claims": info["claims"], "cli_report": run.stats(cli), "pages": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--folder", type=Path, default=Path(tempfile.gettempdir()) / "claimtrack-bench"
    )
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    env = run.environment(args.folder)
    print(f"{args.size:,} claims: setting up", file=sys.stderr)
    info = run.database(args.folder, args.size) | {"claims": args.size}
    result = measure(info, args.runs, env)
    cli = result["cli_report"]["median"]
    print(f"\n{args.size:,} claims, {args.runs} requests per page after {WARM_UP} to warm up")
    print(f"CLI `claimtrack report` (fresh process): median {cli * 1000:.0f} ms\n")
    print("| page | median ms | min | max | KB | ÷ CLI report |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, value in result["pages"].items():
        print(
            f"| {name} | {value['median'] * 1000:.1f} | {value['min'] * 1000:.1f} | "
            f"{value['max'] * 1000:.1f} | {value['bytes'] / 1000:.0f} | "
            f"{value['median'] / cli:.3f} |"
        )
    home = result["pages"]["home /"]["median"] / cli
    verdict = "met" if home < 0.1 else "**not met**"
    print(f"\nhome page / CLI report: {home:.3f} (under 0.1): {verdict}")


if __name__ == "__main__":
    main()
