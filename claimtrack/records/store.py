"""Open the database: where it is, how SQLite is tuned, and bringing its schema to head.

One ``Database`` per process. Writes go through ``Database.write()``: one transaction per
change, taken with ``BEGIN IMMEDIATE`` on SQLite so that two writers queue on the busy
timeout instead of failing halfway; reads take no write lock (WAL lets them run beside a
writer).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from claimtrack.errors import BadInput, Conflict, DatabaseUnavailable
from claimtrack.records import storable, versions
from claimtrack.records.migrations import SCHEMA_REVISION, current_revision, upgrade

ENV_DB = "CLAIMTRACK_DB"
ENV_BUSY_TIMEOUT = "CLAIMTRACK_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds a writer waits for another before giving up (exit 3)
BACKENDS = ("sqlite", "postgresql")  # the databases claimtrack is built and tested for


def data_dir() -> Path:
    """Where the default database lives: the user's data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("claimtrack", appauthor=False))


def resolve_url(db: str | None) -> str:
    """``--db``, else ``CLAIMTRACK_DB``, else a SQLite file in the user's data directory.

    A plain path means SQLite; anything with ``://`` is a SQLAlchemy URL.
    """
    if db is not None and not db.strip():
        raise BadInput("--db", "is empty; give a file path or a database URL, or leave --db out")
    value = db or os.environ.get(ENV_DB) or ""
    if not value:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'claims.db'}"
    if "://" in value:
        accepted = "use a file path or postgresql+psycopg://user@host/dbname"
        try:
            parsed = make_url(value)
            backend = parsed.get_backend_name()
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise BadInput("--db", f"'{value}' is not a database URL; {accepted}") from None
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise BadInput("--db", f"port {parsed.port} is out of range (1-65535); {accepted}")
        if backend not in BACKENDS:
            raise BadInput("--db", f"claimtrack does not support {backend} databases; {accepted}")
        return value
    path = Path(value).expanduser()
    folder = path.parent.resolve() if str(path.parent) else Path.cwd()
    if not folder.exists():
        raise BadInput("--db", f"folder {folder} does not exist; give a path in an existing folder")
    if not folder.is_dir():
        raise BadInput("--db", f"{folder} is not a folder; give a path such as ./claims.db")
    if path.exists() and path.is_dir():
        raise BadInput("--db", f"{path} is a folder; give a file path such as {path}/claims.db")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise BadInput("--db", f"folder {folder} is not writable; give a path in a folder you own")
    return f"sqlite:///{path.resolve()}"


def _busy_timeout() -> float:
    raw = os.environ.get(ENV_BUSY_TIMEOUT)
    if not raw:
        return DEFAULT_BUSY_TIMEOUT
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise BadInput(ENV_BUSY_TIMEOUT, f"'{raw}' is not a number of seconds, e.g. 30") from None


@event.listens_for(Session, "before_flush")
def _refuse_unstorable(session: Session, flush_context: Any, instances: Any) -> None:
    """The last door for text no database keeps (see storable.py): every service and
    importer checks its input with a name the user knows; this catches what they missed,
    on SQLite as on PostgreSQL, before anything is sent."""
    for instance in (*session.new, *session.dirty):
        table = getattr(instance, "__tablename__", type(instance).__name__)
        for column in inspect(instance).mapper.column_attrs:
            value = getattr(instance, column.key, None)
            if isinstance(value, str | dict | list):
                storable.check_all(value, f"{table}.{column.key}")


def read_only_reason(path: Path) -> str | None:
    """Why an existing SQLite file can be read but not written here, or None."""
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK):
        return f"folder {folder} is not writable"
    if not os.access(path, os.W_OK):
        return f"{path} is read-only"
    return None


def _read_only_connection(path: Path, timeout: float) -> Any:
    """A connection that writes nothing, not even the WAL's shared-memory file.

    SQLite reads a WAL database read-only only if its ``-shm`` file exists or can be made;
    in a read-only folder it cannot. When no ``-wal`` file exists no connection is open on
    the database (the last one to close removes it), so it is read as immutable; a writer
    that starts during the read could make it see a torn state, which a read-only folder
    makes unlikely and which never harms the file itself."""
    import sqlite3

    live = Path(f"{path}-wal").exists()
    uri = f"{path.resolve().as_uri()}?{'mode=ro' if live else 'immutable=1'}"
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)


def make_engine(url: str, read_only: bool = False) -> Engine:
    """An engine with SQLite set for safety under concurrency: WAL, foreign keys, busy timeout.
    ``read_only``: a SQLite file opened so that nothing is written, for reads where the file
    cannot be written."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    if not is_sqlite:
        engine = create_engine(url, pool_pre_ping=True)
        versions.watch(engine)
        return engine
    timeout = _busy_timeout()
    if read_only:
        path = Path(make_url(url).database or "")
        engine = create_engine(
            "sqlite://", creator=lambda: _read_only_connection(path, timeout), poolclass=NullPool
        )
    else:
        engine = create_engine(url, connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("claimtrack_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    versions.watch(engine)
    return engine


def _describe(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def _reason(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]


def _is_busy(error: BaseException) -> bool:
    """SQLite's "database is locked" / "database is busy": another process holds the lock."""
    reason = _reason(error)
    return "locked" in reason or "busy" in reason


def unavailable(url: str, error: BaseException) -> DatabaseUnavailable:
    """The one-line message for a database that cannot be opened, reached or locked."""
    if _is_busy(error):
        return DatabaseUnavailable(
            f"database {_describe(url)} stayed locked by another process; try again, or raise "
            f"{ENV_BUSY_TIMEOUT} (seconds, now {_busy_timeout():g})"
        )
    return DatabaseUnavailable(f"cannot open database {_describe(url)}: {_reason(error)}")


# The session Database.reading_together shares, with the database it reads.
_shared: ContextVar[tuple[Database, Session] | None] = ContextVar(
    "claimtrack_shared_read", default=None
)


@dataclass
class Database:
    """An open database whose schema is at the revision this code knows."""

    url: str
    engine: Engine
    created: bool = False
    read_only: str | None = None  # why this file cannot be written here; reads still work
    _writer: Engine | None = field(default=None, repr=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction for one change: committed whole at the end, or not at all."""
        if self.read_only:
            raise BadInput(
                "--db", f"{self.read_only}; this command writes (reading commands still work)"
            )
        writer = self._writer or self.engine.execution_options(claimtrack_write=True)
        self._writer = writer
        try:
            with self._begun(writer) as session:
                versions.begin(session)
                yield session
                versions.raise_if_changed(session)  # one transaction with the change
                session.commit()
        except IntegrityError as error:
            # Every value that must be unique is checked before writing, so only a writer
            # that added the same thing in the meantime gets here (two imports of one file
            # on PostgreSQL, say).
            raise Conflict(
                "another writer added or changed the same records at the same moment; "
                "nothing of this change was written: run it again"
            ) from error
        except (OperationalError, DBAPIError) as error:
            if isinstance(error, OperationalError) or error.connection_invalidated:
                raise unavailable(self.url, error) from error
            raise

    def _begun(self, writer: Engine) -> Session:
        """A session whose transaction has begun: on SQLite, holding the write lock.

        The lock is taken before any work (``BEGIN IMMEDIATE``), so waiting for another
        writer happens here and nowhere later. SQLite's busy handler waits up to the busy
        timeout; a busy answer it does not wait for (WAL recovery, say) is retried here,
        with growing pauses, until the same deadline. Past it, the caller gets exit 3.
        """
        deadline = time.monotonic() + _busy_timeout()
        pause = 0.01
        while True:
            session = Session(writer, expire_on_commit=False)
            try:
                session.connection()  # begins the transaction now
                return session
            except OperationalError as error:
                session.close()
                if not _is_busy(error) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)

    def analyze(self) -> None:
        """After a bulk load on PostgreSQL, what autovacuum would do some time later, now:
        planner statistics, without which the planner takes a million new claims for a
        thousand and the monitor's catch-up sorts every waiting claim for each batch it
        takes (minutes instead of seconds at 1M); and the visibility map, without which no
        count is answered from an index alone (the report's counts by status read the whole
        table: 1.4 s instead of 0.4 s at 1M, bench/postgres.py). VACUUM runs outside a
        transaction. SQLite needs neither."""
        if self.is_sqlite:
            return
        try:
            with self.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("VACUUM (ANALYZE)"))
        except OperationalError as error:
            raise unavailable(self.url, error) from error

    @contextmanager
    def read(self) -> Iterator[Session]:
        shared = _shared.get()
        try:
            if shared is not None and shared[0] is self:
                try:
                    yield shared[1]
                except DBAPIError:  # PostgreSQL aborts the transaction: the reads after
                    shared[1].rollback()  # this one start a new one
                    raise
                return
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except OperationalError as error:
            raise unavailable(self.url, error) from error

    @contextmanager
    def reading_together(self) -> Iterator[Session]:
        """Every ``read()`` inside is this one session, one read transaction: what a claim's
        answers load (the claim with its claimants, sources, verdicts and links, a dozen
        queries) is loaded once for a batch of claims and found in the session after.

        For one line of work at a time, which a publish is: the session is held in a
        context variable, which reaches the threads FastAPI answers the publish's requests
        in (they run in a copy of the caller's context) and no other thread, such as the
        monitor's digest beside its publish. A served site does not use it: its requests
        run together, each in its own session."""
        with self.read() as session:
            token = _shared.set((self, session))
            try:
                yield session
            finally:
                _shared.reset(token)

    def dispose(self) -> None:
        self.engine.dispose()

    def discard(self) -> None:
        """Remove a SQLite file this process created, with its WAL and shared-memory files."""
        self.engine.dispose()
        database = make_url(self.url).database
        if not self.created or not self.is_sqlite or not database:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(database + suffix).unlink(missing_ok=True)


def _upgrade_known(engine: Engine, url: str, revision: str | None) -> None:
    from alembic.util import CommandError

    try:
        upgrade(engine)
    except CommandError:
        raise DatabaseUnavailable(
            f"database {_describe(url)} has schema revision {revision}, which this claimtrack "
            f"does not know (it knows up to {SCHEMA_REVISION}); upgrade claimtrack"
        ) from None


def _tables_of_sqlite_file(path: Path) -> set[str] | None:
    """The tables of an existing SQLite file, read without writing to it (read-only, before
    the engine's connection settings, which would switch its journal to WAL); None when it
    cannot be read this way (the engine then says why)."""
    import sqlite3

    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {name for (name,) in rows}
        finally:
            connection.close()
    except sqlite3.Error:
        return None


def _refuse_foreign(url: str, tables: set[str] | None) -> None:
    """A database that holds tables but no claimtrack schema is another application's:
    refused before anything is written to it, rather than filled with claimtrack's tables."""
    if not tables or "alembic_version" in tables:
        return
    shown = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
    raise DatabaseUnavailable(
        f"database {_describe(url)} holds tables that are not claimtrack's ({shown}); "
        "give claimtrack an empty database or one of its own"
    )


def open_database(db: str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if need be) the database and bring its schema to head.

    ``created`` tells the caller that this call made the file, so a command that then fails
    on bad input can remove it and leave the disk as it found it.
    """
    url = resolve_url(db)
    parsed = make_url(url)
    path = (
        Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None
    )
    existed = path is None or path.exists()
    if path is not None and existed and path.stat().st_size:
        _refuse_foreign(url, _tables_of_sqlite_file(path))
    read_only = read_only_reason(path) if path is not None and existed else None
    try:
        engine = make_engine(url, read_only=read_only is not None)
    except ImportError as error:
        raise DatabaseUnavailable(
            f"no driver for {_describe(url)} ({error}); install it: "
            "pip install 'claimtrack[postgres]'"
        ) from None
    database = Database(url, engine, created=not existed, read_only=read_only)
    try:
        revision = current_revision(engine)
        if revision is None and path is None:
            with engine.connect() as connection:
                _refuse_foreign(url, set(inspect(connection).get_table_names()))
        if revision != SCHEMA_REVISION:
            if read_only:
                raise DatabaseUnavailable(
                    f"database {_describe(url)} is at schema {revision or 'none'}, not "
                    f"{SCHEMA_REVISION}, and cannot be upgraded: {read_only}; run claimtrack "
                    "init where it can be written"
                )
            if not migrate:
                raise DatabaseUnavailable(
                    f"database {_describe(url)} is at schema {revision or 'none'}, not "
                    f"{SCHEMA_REVISION}; run: claimtrack init"
                )
            _upgrade_known(engine, url, revision)
    except Exception as error:
        database.discard()  # disposes the engine; removes the file only if this call made it
        if isinstance(error, DBAPIError):  # OperationalError is one
            raise unavailable(url, error) from None
        raise
    return database
