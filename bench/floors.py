"""What a CLI command costs at the least: the floors its wall time is compared with.

Two floors per command, both found by running the command once under observation:

- the *import floor*: a fresh Python process that imports exactly the modules the command
  had loaded when it ended (read from ``sys.modules`` at exit), and does nothing else;
- the *sqlite3 floor*: a fresh Python process that runs the statements the command sent to
  SQLite (caught at SQLAlchemy's ``before_cursor_execute``, with their parameters) with
  the ``sqlite3`` module alone, on a connection set up as claimtrack sets up its own.

A command's wall time over its import floor shows what claimtrack adds to loading its
code: the database work and everything around it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# Runs the command in this process, then writes the names of the modules it loaded.
MODULES = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: json.dump(sorted(sys.modules), open(out, "w")))
from claimtrack.cli import main
sys.exit(main(sys.argv[2:]))
"""

# Runs the command in this process, writing down each statement sent to the database.
STATEMENTS = """
import json, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
seen = []
@event.listens_for(Engine, "before_cursor_execute")
def _seen(connection, cursor, statement, parameters, context, executemany):
    rows = [list(p) for p in parameters] if executemany else list(parameters or ())
    seen.append([statement, rows, executemany])
from claimtrack.cli import main
code = main(sys.argv[2:])
json.dump({"code": code, "statements": seen}, open(sys.argv[1], "w"))
"""

IMPORT_FLOOR = """
import importlib, json, sys
for name in json.load(open(sys.argv[1])):
    if name not in sys.modules:
        try:
            importlib.import_module(name)
        except Exception:
            pass
"""

SQLITE_FLOOR = """
import json, sqlite3, sys
statements = json.load(open(sys.argv[1]))
connection = sqlite3.connect(sys.argv[2], isolation_level=None)
for pragma in ("busy_timeout = 30000", "foreign_keys = ON", "journal_mode = WAL",
               "synchronous = NORMAL"):
    connection.execute("PRAGMA " + pragma)
# SQLAlchemy ends transactions through the driver, unseen: each ends where the next begins.
end = "ROLLBACK" if sys.argv[3:] == ["rollback"] else "COMMIT"
for statement, parameters, many in statements:
    if statement.startswith("BEGIN") and connection.in_transaction:
        connection.execute(end)
    if many:
        connection.executemany(statement, parameters)
    else:
        connection.execute(statement, parameters).fetchall()
if connection.in_transaction:
    connection.execute(end)
"""


def observe(args: list[str], env: dict[str, str], folder: Path) -> dict[str, Any]:
    """Run ``claimtrack ARGS`` twice in-process: once for its modules, once for its SQL."""
    modules = folder / "modules.json"
    statements = folder / "statements.json"
    for code, out in ((STATEMENTS, statements), (MODULES, modules)):  # SQL on the first run
        done = subprocess.run(
            [sys.executable, "-c", code, str(out), *args], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"claimtrack {' '.join(args)} failed: {done.stderr.strip()}")
    seen = json.loads(statements.read_text())
    queries = folder / "queries.json"
    queries.write_text(json.dumps(seen["statements"]))
    return {
        "modules": modules,
        "module_count": len(json.loads(modules.read_text())),
        "queries": queries,
        "statement_count": len(seen["statements"]),
    }


def import_floor(observed: dict[str, Any]) -> list[str]:
    return [sys.executable, "-c", IMPORT_FLOOR, str(observed["modules"])]


def sqlite_floor(observed: dict[str, Any], db: Path) -> list[str]:
    return [sys.executable, "-c", SQLITE_FLOOR, str(observed["queries"]), str(db)]


def scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="claimtrack-floor-"))
