"""What must hold of a database after any crash: it opens, and every due claim is flagged
exactly once (one `due` alert and one `flagged` event), none missed, none twice."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import text
from sqlmodel import select

from claimtrack.records import store
from claimtrack.records.models import Alert, Claim, Event


def opens_intact(db: str) -> None:
    """The database opens at the current schema; on SQLite its pages pass integrity_check."""
    opened = store.open_database(db, migrate=False)
    try:
        with opened.read() as session:
            if opened.is_sqlite:
                assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            session.execute(select(Claim.id).limit(1)).all()
    finally:
        opened.dispose()


def alerts_and_flags(db: str) -> tuple[list[Alert], list[Event]]:
    """Every alert, and every `flagged` event of the history."""
    opened = store.open_database(db)
    try:
        with opened.read() as session:
            alerts = list(session.exec(select(Alert)).all())
            flags = list(session.exec(select(Event).where(Event.kind == "flagged")).all())
    finally:
        opened.dispose()
    return alerts, flags


def due_flags(db: str, as_of: datetime) -> tuple[set[int], Counter[int], Counter[int]]:
    """Claims due at ``as_of``, and per claim: its `due` alerts, its `flagged`-due events."""
    opened = store.open_database(db)
    try:
        with opened.read() as session:
            due = set(session.exec(select(Claim.id).where(Claim.due_at <= as_of)).all())
            alerts = Counter(session.exec(select(Alert.claim_id).where(Alert.kind == "due")).all())
            events = Counter(
                event.claim_id
                for event in session.exec(select(Event).where(Event.kind == "flagged")).all()
                if event.data["kind"] == "due"
            )
    finally:
        opened.dispose()
    return due, alerts, events


def assert_each_due_claim_flagged_once(db: str, as_of: datetime) -> int:
    """Returns how many claims are due, having checked each is flagged exactly once."""
    due, alerts, events = due_flags(db, as_of)
    assert set(alerts) == due, "a due claim was missed, or a claim not due was flagged"
    assert set(alerts.values()) <= {1}, "a deadline was flagged twice"
    assert events == alerts, "the history does not say flagged exactly once per alert"
    return len(due)
