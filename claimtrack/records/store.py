"""Open the database: where it is, how SQLite is tuned, and bringing its schema to head.

One ``Database`` per process. Writes go through ``Database.write()``: one transaction per
change, taken with ``BEGIN IMMEDIATE`` on SQLite so that two writers queue on the busy
timeout instead of failing halfway; reads take no write lock (WAL lets them run beside a
writer).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, cast, create_engine, event, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from claimtrack.errors import BadInput, Conflict, DatabaseUnavailable
from claimtrack.records import storable

ENV_DB = "CLAIMTRACK_DB"
ENV_BUSY_TIMEOUT = "CLAIMTRACK_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 30.0  # seconds a writer waits for another before giving up (exit 3)

# The newest migration this code knows; a test checks it against db/migrations.
SCHEMA_REVISION = "0005"
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
        return create_engine(url, pool_pre_ping=True)
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
                yield session
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

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                yield session
        except OperationalError as error:
            raise unavailable(self.url, error) from error

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


def is_postgres(session: Session) -> bool:
    """Whether the session is on PostgreSQL (else SQLite: the only two claimtrack accepts)."""
    return session.get_bind().dialect.name == "postgresql"


def insert_skipping_existing(session: Session, table: Any) -> Any:
    """``INSERT`` that can take ``.on_conflict_do_nothing()``, in the session's dialect.

    Get-or-create under concurrency: two writers adding the same new name both insert, one
    row results, and neither fails (PostgreSQL makes the second wait for the first).
    """
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table)


def count_rows(session: Session, query: Any) -> int:
    """How many rows ``query`` gives, counted by the database, its order left out."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int(session.execute(counted).scalar_one())


def chunks(values: Sequence[Any], size: int = 1000) -> Iterator[Sequence[Any]]:
    """``values`` in slices small enough for one ``IN (…)`` list on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` many rows (all with the same keys) in one ``executemany``.

    On SQLite, SQLAlchemy compiles the statement and supplies each column type's bind
    processor, applied column by column, and the rows go to the driver as tuples:
    SQLAlchemy's own executemany builds and checks a parameter dictionary per row, which
    costs more than SQLite's insert itself (bench/importing.py). PostgreSQL takes the usual
    path.
    """
    if not rows:
        return
    if is_postgres(session):
        session.execute(insert(table), rows)
        return
    connection = session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or [])
    processors = [table.c[name].type._cached_bind_processor(connection.dialect) for name in order]
    if not any(processors):
        values: list[Any] = list(map(itemgetter(*order), rows))
        if len(order) == 1:
            values = [(value,) for value in values]
    else:  # column by column: map() runs each processor over a whole column at C speed
        columns = [
            map(process, map(itemgetter(name), rows)) if process else map(itemgetter(name), rows)
            for name, process in zip(order, processors, strict=True)
        ]
        values = list(zip(*columns, strict=True))
    connection.exec_driver_sql(compiled.string, values)


def _sequence(table: Any) -> Any:
    return func.pg_get_serial_sequence(table.name, "id")


def ids_taken_or_reserved(session: Session, table: Any, wanted: Sequence[int]) -> set[int]:
    """Which of ``wanted`` a bulk insert may not use as explicit ids: those in use, and on
    PostgreSQL also those the id sequence may already have handed to a writer in flight."""
    taken: set[int] = set()
    for chunk in chunks(wanted):
        taken.update(session.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    if is_postgres(session) and wanted:
        from sqlalchemy.dialects.postgresql import REGCLASS

        handed = session.execute(
            select(func.pg_sequence_last_value(cast(_sequence(table), REGCLASS)))
        ).scalar()
        taken.update(i for i in wanted if i <= (handed or 0))
    return taken


def allocate_ids(session: Session, table: Any, count: int, keep: Sequence[int] = ()) -> list[int]:
    """``count`` new ids for a bulk insert with explicit ids, and make sure that later inserts
    never pick any of them, nor any of the free ids in ``keep`` that the caller will use.

    SQLite: the writer holds the database's write lock, so the ids after the largest one in
    use are free. PostgreSQL: the id sequence hands them out, then is moved past ``keep``.
    """
    if not is_postgres(session):
        top = session.execute(select(func.max(table.c.id))).scalar() or 0
        start = max([top, *keep]) + 1
        return list(range(start, start + count))
    sequence = _sequence(table)
    if keep:
        top = max(keep)
        session.execute(select(func.setval(sequence, func.greatest(func.nextval(sequence), top))))
    if not count:
        return []
    return list(
        session.execute(
            select(func.nextval(sequence)).select_from(func.generate_series(1, count))
        ).scalars()
    )


def migrations_dir() -> Path:
    """The Alembic scripts: inside the wheel as claimtrack/_db, or db/ in a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the claimtrack package
    for candidate in (here / "_db" / "migrations", here.parent / "db" / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise DatabaseUnavailable("the migrations are missing from this installation; reinstall it")


def examples_dir() -> Path:
    return migrations_dir().parent / "examples"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (head by default)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


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
