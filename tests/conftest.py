"""Each test gets its own database, and a `run` helper that calls the CLI as a user would.

Every test that touches the database runs twice: on a SQLite file and on a PostgreSQL
database of its own, created on the server named by ``CLAIMTRACK_TEST_POSTGRES_URL`` and
dropped afterwards. Without that variable the PostgreSQL half is skipped, with the reason
shown. A test that checks something only one backend has is marked ``sqlite_only`` or
``postgres_only``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from claimtrack.cli import main
from claimtrack.records import moments, store
from claimtrack.records.search import claim_fts

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POSTGRES_ENV = "CLAIMTRACK_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: the test checks something only SQLite has")
    config.addinivalue_line("markers", "postgres_only: the test needs a PostgreSQL server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses the `backend` fixture on each database it applies to."""
    if "backend" not in metafunc.fixturenames:
        return
    names = BACKENDS
    only = {"sqlite_only": ("sqlite",), "postgres_only": ("postgresql",)}
    for marker in metafunc.definition.iter_markers():  # the closest first: a test's own mark
        if marker.name in only:  # wins over its module's
            names = only[marker.name]
            break
    metafunc.parametrize("backend", names, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql" and not os.environ.get(POSTGRES_ENV):
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    return request.param


def postgres_admin(server: str | None = None) -> Any:
    """An autocommit engine on the test server, or on ``server`` (CREATE DATABASE runs
    outside a transaction)."""
    # No pool: a test may restart the server between the CREATE and the DROP.
    url = server or os.environ[POSTGRES_ENV]
    return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The test's own database: a SQLite file path, or a fresh PostgreSQL database's URL."""
    with new_database(backend, tmp_path / "claims.db") as url:
        yield url


@contextmanager
def new_database(backend: str, path: Path, server: str | None = None) -> Iterator[str]:
    """An empty database of its own: the SQLite file ``path``, or a new PostgreSQL database
    (dropped afterwards) on the test server or on ``server``."""
    if backend == "sqlite":
        yield str(path)
        return
    name = f"claimtrack_test_{uuid4().hex[:16]}"
    admin = postgres_admin(server)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = server or os.environ[POSTGRES_ENV]
        yield make_url(url).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db: str) -> None:
    monkeypatch.setenv("CLAIMTRACK_DB", db)
    monkeypatch.setenv("CLAIMTRACK_USER", "tester")
    monkeypatch.delenv("CLAIMTRACK_TZ", raising=False)
    monkeypatch.delenv("CLAIMTRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))  # no user config


@pytest.fixture
def db(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test's database, set as the CLI's default (CLAIMTRACK_DB)."""
    _environment(monkeypatch, tmp_path, db_url)
    return db_url


@pytest.fixture
def db_path(db: str, backend: str) -> Path:
    """The SQLite file itself, for tests about the file (they are marked sqlite_only)."""
    assert backend == "sqlite", "a test that uses db_path must be marked sqlite_only"
    return Path(db)


@pytest.fixture
def run(db: str, capsys: pytest.CaptureFixture[str]):
    """Run `claimtrack ARGS…` in-process against the test's database."""

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def database(db: str):
    opened = store.open_database(db)
    yield opened
    opened.dispose()


@pytest.fixture
def clock() -> moments.Clock:
    return moments.Clock(NOW, UTC, "tester")


def assert_refused(result: Result, message: str) -> None:
    """A refusal as a user sees it: exit 2 and one line on stderr saying what was wrong."""
    assert result.code == 2, result.out
    assert result.err.startswith("claimtrack: error: "), result.err
    assert message in result.err
    assert result.err.count("\n") == 1, result.err


def dump(db: str) -> dict[str, list[tuple]]:
    """Every row of every table, search index included: proof that a refusal wrote nothing."""
    from sqlmodel import SQLModel

    engine = store.make_engine(store.resolve_url(db))
    try:
        with engine.connect() as connection:
            tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
            rows = {
                name: sorted(map(tuple, connection.execute(select(table))), key=repr)
                for name, table in tables.items()
            }
            rows["claim_fts"] = sorted(
                map(tuple, connection.execute(select(claim_fts.c.rowid, claim_fts.c.body)))
            )
            return rows
    finally:
        engine.dispose()


IRAQ = (
    "Washington conclura la mission internationale dirigée par les États-Unis en Irak au cours "
    "des douze prochains mois ; elle se terminera au plus tard en septembre 2025."
)
SYRIA = (
    "La présence des forces de la coalition en Syrie se poursuivra au moins jusqu’en "
    "septembre 2026."
)
ARTICLE_QUOTE = (
    "Cette élimination progressive aura lieu au cours des douze prochains mois et se terminera "
    "au plus tard en septembre 2025."
)


# Who made the seed's joint statement, in which language, and when.
JOINT_STATEMENT = (
    "--by",
    "Government of the United States",
    "--by",
    "Government of Iraq",
    "--lang",
    "fr",
    "--stated",
    "2024-09-27",
)


@pytest.fixture
def seeded(run) -> Any:
    """The seed's two deadline claims, added through the CLI as a user would."""
    iraq = run(
        "add",
        IRAQ,
        *JOINT_STATEMENT,
        "--due",
        "au plus tard en septembre 2025",
        "--source",
        "https://www.state.gov/joint-statement",
        "--quote",
        ARTICLE_QUOTE,
        "--title",
        "Joint statement",
        "--tag",
        "iraq",
        "--tag",
        "coalition",
        "--criteria",
        "Kept if the coalition mission in Iraq ended by 30 September 2025.",
        "--json",
    )
    assert iraq.code == 0, iraq.err
    syria = run(
        "add",
        SYRIA,
        *JOINT_STATEMENT,
        "--due",
        "au moins jusqu'en septembre 2026",
        "--tag",
        "syria",
        "--json",
    )
    assert syria.code == 0, syria.err
    pentagon = run(
        "add",
        "Non, les États-Unis ne se retirent pas d’Irak.",
        "--by",
        "Sabrina Singh",
        "--kind",
        "assertion",
        "--lang",
        "fr",
        "--stated",
        "2024-09-27",
        "--tag",
        "iraq",
        "--json",
    )
    assert pentagon.code == 0, pentagon.err
    return iraq.json(), syria.json(), pentagon.json()


@pytest.fixture
def slow_hook() -> Iterator[tuple[str, threading.Event, threading.Event, list[bytes]]]:
    """A webhook that holds each request until the test releases it."""
    arrived, release, bodies = threading.Event(), threading.Event(), []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            arrived.set()
            release.wait(60)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", arrived, release, bodies
    finally:
        release.set()
        server.shutdown()
        server.server_close()


# --- the web tracker -----------------------------------------------------------------------------

TOKEN = "s3cret-token-for-tests-0123456789"


@pytest.fixture
def site(database):
    """The web tracker over the test's database, its clock stopped at NOW, read-only; its
    cache looks at the database's version on every request (tests/test_web_cache.py tests
    the once-a-second check with a clock of its own)."""
    from claimtrack.config import Config, Web
    from claimtrack.web.site import Site

    return Site(database, Config(web=Web(cache_check=0)), clock=lambda: NOW)


@pytest.fixture
def client(site):
    """FastAPI's test client on that tracker (no network, no server)."""
    from fastapi.testclient import TestClient

    from claimtrack.web.app import create_app

    with TestClient(create_app(site)) as test_client:
        yield test_client


@pytest.fixture
def writable(site):
    """A test client on the same tracker, started with a write token."""
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from claimtrack.web.app import create_app

    with TestClient(create_app(replace(site, token=TOKEN))) as test_client:
        yield test_client
