"""The data version: a number that changes whenever something readers can see changes.

A served page, feed or API answer is kept under the version it was rendered at, so the
server needs one primary-key read to know whether what it holds is current, whoever wrote
meanwhile (the CLI, the API, the monitor, another machine on the same PostgreSQL server).
Every write goes through ``Database.write()``, which raises the number in the same
transaction when that transaction wrote a row readers can see: the statements are watched
on the connection (ORM flushes, Core statements and raw SQL alike), so no write path can
forget to. Writes only the monitor reads (its outbox, its state, silences, when to look at
a claim again) leave it alone, so a monitor pass that flags nothing keeps the caches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Connection, Engine, event, func, select, update
from sqlalchemy.sql.dml import Update, UpdateBase
from sqlalchemy.sql.elements import TextClause
from sqlmodel import Session

from claimtrack.records.columns import utcnow
from claimtrack.records.models import Claim, DataVersion

# Tables no page, feed or API answer reads: writing them changes nothing served; and the
# claim's one column that only the monitor reads (when to look at the claim again).
UNSERVED = frozenset({"alert", "delivery", "monitor_state", "silence", "data_version"})
MONITOR_ONLY = {"claim": frozenset({"watch_at"})}
CHANGED = "claimtrack_changed"  # the connection's flag: this transaction wrote served rows


def watch(engine: Engine) -> None:
    """Flag a connection whose transaction writes a served table."""

    @event.listens_for(engine, "before_execute")
    def _before_execute(connection: Connection, statement: Any, *_: Any) -> None:
        if isinstance(statement, UpdateBase):
            if not _unserved(statement):
                connection.info[CHANGED] = True
        elif isinstance(statement, str | TextClause):
            said = (statement if isinstance(statement, str) else statement.text).lstrip().upper()
            if not said.startswith(("SELECT", "PRAGMA", "BEGIN", "SAVEPOINT", "RELEASE")):
                connection.info[CHANGED] = True  # raw SQL: assume it changed something


def mark_changed(connection: Connection, table: str) -> None:
    """What the watch would have flagged for an insert into ``table`` that SQLAlchemy's
    before_execute never saw (the driver's own executemany, a PostgreSQL COPY)."""
    if table not in UNSERVED:
        connection.info[CHANGED] = True


def _unserved(statement: UpdateBase) -> bool:
    table = getattr(statement.table, "name", None)
    if table in UNSERVED:
        return True
    only = MONITOR_ONLY.get(table or "")
    values = getattr(statement, "_values", None)  # what an UPDATE sets; None for an INSERT
    if only is None or not values or not isinstance(statement, Update):
        return False
    return {getattr(column, "key", column) for column in values} <= only


def begin(session: Session) -> None:
    """A write transaction starts with nothing changed (the flag outlives a pooled checkout)."""
    session.connection().info.pop(CHANGED, None)


def raise_if_changed(session: Session) -> None:
    """Before commit: raise the version if this transaction wrote anything served; the
    moment is the wall clock's, as every record's created_at (Last-Modified reads it)."""
    connection = session.connection()
    if connection.info.pop(CHANGED, False):
        session.execute(
            update(DataVersion)
            .where(DataVersion.id == 1)  # type: ignore[arg-type]
            .values(version=DataVersion.version + 1, changed_at=utcnow())
        )


@dataclass(frozen=True)
class Window:
    """The data version at a moment, and the span around it in which every answer stays
    the same: from the later of the last write, the last midnight and the last deadline
    passed, to the next midnight or deadline (statuses and day counts move only then).
    ``since`` may lie after the moment asked about, when a write was dated later."""

    version: int
    since: datetime
    until: datetime


def window(session: Session, now: datetime, tz: tzinfo) -> Window:
    version, changed_at = current(session)
    due = Claim.due_at
    last_due, next_due = session.execute(
        select(
            select(func.max(due)).where(due <= now).scalar_subquery(),
            select(func.min(due)).where(due > now).scalar_subquery(),
        )
    ).one()
    local = now.astimezone(tz)
    midnight = datetime.combine(local.date(), time(), tz)
    next_midnight = datetime.combine(local.date() + timedelta(days=1), time(), tz)
    since = max(filter(None, (changed_at, midnight, last_due)))
    return Window(version, since, min(filter(None, (next_midnight, next_due))))


def current(session: Session) -> tuple[int, datetime | None]:
    """The version now, and when it last changed (None: not since it was made)."""
    row = session.execute(select(DataVersion.version, DataVersion.changed_at)).one()
    return row[0], row[1]
