"""Run the deadline monitor as a long-lived process: `python scheduler.py`.

The monitor itself (APScheduler wiring, sweep, wake-up, delivery) is the next piece of work
(issue "Deadline monitor"); until it lands this entry point says so and exits non-zero
rather than pretending to watch deadlines.
"""

import sys

if __name__ == "__main__":
    print(
        "claimtrack: the deadline monitor is not built yet; use `claimtrack report`",
        file=sys.stderr,
    )
    sys.exit(2)
