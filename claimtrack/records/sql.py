"""SQL that works alike on SQLite and PostgreSQL: inserts that skip what exists, counts,
batches, bulk inserts and updates, and the ids they take.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import any_, bindparam, cast, column, func, insert, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session


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


def one_of(session: Session, column: Any, ids: Iterable[Any]) -> Any:
    """``column IN (ids)``, which PostgreSQL is sent as ``column = ANY(:ids)``.

    On PostgreSQL an ``IN`` list is one parameter per value: each pass of the monitor sent
    its statements with 100 to 1,000 of them, a text that changes with the count, so that
    psycopg parsed it again every time (it caches statements up to 4 KB) and the server
    planned it again; one array parameter keeps the text the same, which psycopg caches
    and, from the fifth run in a connection, prepares on the server. SQLite has no arrays:
    there it stays ``IN``."""
    values = list(ids)
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)


def chunks(values: Sequence[Any], size: int = 1000) -> Iterator[Sequence[Any]]:
    """``values`` in slices small enough for one ``IN (…)`` list on every backend."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``INSERT`` many rows (all with the same keys) in one ``executemany``.

    On SQLite, SQLAlchemy compiles the statement and supplies each column type's bind
    processor, applied column by column, and the rows go to the driver as tuples:
    SQLAlchemy's own executemany builds and checks a parameter dictionary per row, which
    costs more than SQLite's insert itself (bench/importing.py). On PostgreSQL the same
    tuples go through the server's bulk path, ``COPY … FROM STDIN`` (psycopg's copy).
    """
    from claimtrack.records import versions

    if not rows:
        return
    connection = session.connection()
    if is_postgres(session):
        _copy(connection, table, rows)
    else:
        compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(rows[0]))
        order = list(compiled.positiontup or [])
        connection.exec_driver_sql(compiled.string, _tuples(connection, table, order, rows))
    # Neither the driver's executemany nor COPY passes through SQLAlchemy's before_execute,
    # where the data version's watch looks: it is told here.
    versions.mark_changed(connection, table.name)


def bulk_update(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """``UPDATE`` many rows by ``id``, each to its own values (all rows with the same keys).

    On PostgreSQL it is one statement, ``UPDATE … FROM unnest(…)`` with an array per column:
    an executemany is a round trip and a plan per row there, which made the monitor's pass
    twice as slow as on SQLite (docs/benchmarks.md), and a ``VALUES`` list is a text that
    changes with the number of rows (see ``one_of``). SQLite has no arrays, and its
    executemany stays in the process, so it keeps that."""
    if not rows:
        return
    names = [name for name in rows[0] if name != "id"]
    if is_postgres(session):
        given = _unnested(table, ["id", *names], rows)
        statement = (
            update(table)
            .where(table.c.id == given.c.id)
            .values({name: given.c[name] for name in names})
        )
        session.execute(statement)
    else:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({name: bindparam(f"_{name}") for name in names})
        )
        session.execute(
            statement, [{f"_{key}": value for key, value in row.items()} for row in rows]
        )


def insert_absent(
    session: Session, table: Any, rows: list[dict[str, Any]], keys: list[str], returning: list[Any]
) -> list[Any]:
    """``INSERT`` the rows (all with the same keys) that are not there yet, by the unique
    ``keys``; the ``returning`` columns of the rows this call inserted.

    On PostgreSQL, one ``INSERT … SELECT … FROM unnest(…)`` with an array per column: a text
    that does not change with the number of rows (see ``one_of``). SQLite takes the rows
    as a multi-row ``VALUES``."""
    if not rows:
        return []
    if is_postgres(session):
        names = list(rows[0])
        given = _unnested(table, names, rows)
        statement = insert_skipping_existing(session, table).from_select(
            names, select(*(given.c[name] for name in names))
        )
        parameters: Any = None
    else:
        statement, parameters = insert_skipping_existing(session, table), rows
    statement = statement.on_conflict_do_nothing(index_elements=keys).returning(*returning)
    return list(session.execute(statement, parameters).all())


def _unnested(table: Any, names: list[str], rows: list[dict[str, Any]]) -> Any:
    """The rows as a table on PostgreSQL: ``unnest`` of one array parameter per column,
    each typed as its column (a column of NULLs is then no longer text to the server)."""
    from sqlalchemy.dialects.postgresql import ARRAY

    arrays = (literal([row[name] for row in rows], ARRAY(table.c[name].type)) for name in names)
    columns = (column(name, table.c[name].type) for name in names)
    return func.unnest(*arrays).table_valued(*columns).render_derived()


def _tuples(connection: Any, table: Any, order: list[str], rows: list[dict[str, Any]]) -> Any:
    """The rows as tuples in ``order``, each value through its column's bind processor."""
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
    return values


def _copy(connection: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    """``COPY`` the rows into ``table`` inside the session's transaction. The driver's
    errors are wrapped as SQLAlchemy wraps a statement's (a unique violation becomes an
    IntegrityError), so a concurrent writer's row is a Conflict here as everywhere."""
    order = list(rows[0])
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in order)
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    driver = connection.connection.driver_connection  # psycopg's, in this transaction
    dbapi = connection.dialect.loaded_dbapi
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in _tuples(connection, table, order, rows):
                copy.write_row(row)
    except dbapi.Error as error:
        raise DBAPIError.instance(statement, None, error, dbapi.Error) from error


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
