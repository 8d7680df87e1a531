"""One writer of the concurrency test: ``count`` `claimtrack add` commands, one after another.

Run as ``python -m tests.adder WORKER COUNT`` with CLAIMTRACK_DB set. Each command is the
CLI's own ``main``, as a user's shell would run it, in one process so that 200 of them fit
in the suite's time. Exits 1 if any command failed; what it said is on stderr.
"""

from __future__ import annotations

import sys

from claimtrack.cli import main

PAST_DUE = "2025-06-{day:02d}"  # deadlines already passed: the monitor must flag them
LATER = "2031-01-15"  # far enough that no reminder is due either


def due_of(n: int) -> str:
    return LATER if n % 3 == 0 else PAST_DUE.format(day=1 + n % 28)


def add_all(worker: int, count: int) -> int:
    failures = 0
    for n in range(count):
        text = f"Worker {worker} claim {n}: la coalition partira d’ici là"
        code = main(["add", text, "--by", f"Actor {n % 7}", "--due", due_of(n)])
        failures += code != 0
    return failures


if __name__ == "__main__":
    sys.exit(1 if add_all(int(sys.argv[1]), int(sys.argv[2])) else 0)
