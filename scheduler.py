"""Run the deadline monitor as a long-lived process: `python scheduler.py [--config PATH]
[--db URL_OR_PATH]`, the same as the installed `claimtrack monitor`.

It catches up at start (every deadline that passed while it was down is flagged once), flags
each deadline within a second of passing, sends reminders and the digest, and stops cleanly
on SIGTERM or Ctrl-C. See the README's "Deadline monitor" section for the configuration.
"""

import sys

try:
    from claimtrack.cli import main
except ImportError as missing:  # this Python lacks the project or one of its dependencies
    print(
        f"scheduler.py: {sys.executable} cannot import claimtrack ({missing}); install it "
        "first, from this folder: python3 -m pip install .",
        file=sys.stderr,
    )
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(main(["monitor", *sys.argv[1:]]))
