"""The crash test's large import: a claims file loaded in one transaction, as a child process.

Run as ``python -m tests.importer FILE`` with CLAIMTRACK_DB set. It loads the file through
``examples.load`` (the loader `claimtrack demo` uses: every claim through the service layer,
in the one transaction of ``Database.write``), so a kill at any moment tests that path.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from claimtrack import claims, examples, store


def main(path: Path) -> None:
    opened = store.open_database()
    try:
        with opened.write() as session:
            examples.load(session, path, claims.Clock(datetime.now(UTC), UTC, "importer"))
    finally:
        opened.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
