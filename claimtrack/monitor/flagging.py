"""The flag pass: every alert that is due becomes a row, inserted only if absent on its
unique key, so that racing passes, two monitors, a crash and a re-run never flag twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from claimtrack.config import Config
from claimtrack.monitor.planning import WHO, to_look_at
from claimtrack.records.models import (
    LOOK_NOW,
    Alert,
    Claim,
    Event,
    MonitorState,
)
from claimtrack.records.sql import (
    bulk_insert,
    bulk_update,
    insert_absent,
    insert_skipping_existing,
)
from claimtrack.records.store import Database

BATCH = 500  # claims looked at per transaction: short write locks, flat memory


@dataclass(frozen=True)
class Flagged:
    alert_id: int
    claim_id: int
    kind: str
    due_at: datetime
    days_before: int
    fires_at: datetime
    reopening: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "claim_id": self.claim_id,
            "kind": self.kind,
            "due_at": self.due_at.isoformat(),
            "days_before": self.days_before,
            "fires_at": self.fires_at.isoformat(),
            "reopening": self.reopening,
        }


def _insert_if_absent(session: Session, rows: list[dict[str, Any]]) -> list[Flagged]:
    """Insert alerts, skipping any that exist; return those this call inserted."""
    table = Alert.__table__  # type: ignore[attr-defined]
    inserted = insert_absent(
        session,
        table,
        rows,
        keys=["claim_id", "kind", "due_at", "days_before", "reopening"],
        returning=[
            table.c.id,
            table.c.claim_id,
            table.c.kind,
            table.c.due_at,
            table.c.days_before,
            table.c.fires_at,
            table.c.reopening,
        ],
    )
    return [Flagged(*row) for row in inserted]


def _sync_reminders(db: Database, config: Config, now: datetime) -> None:
    """New reminder offsets re-plan every claim still waiting for one (once per change)."""
    with db.read() as session:  # the common case: unchanged, and no write lock taken
        state = session.get(MonitorState, "reminders")
        if state is not None and state.value == config.reminders:
            return
    with db.write() as session:
        # Two monitors starting at once: the row lock (PostgreSQL) or the write lock (SQLite)
        # lets one re-plan; the other then finds the offsets already recorded.
        state = session.execute(
            select(MonitorState).where(MonitorState.name == "reminders").with_for_update()
        ).scalar_one_or_none()
        if state is None:
            session.execute(
                insert_skipping_existing(session, MonitorState.__table__)  # type: ignore[attr-defined]
                .values(name="reminders", value=config.reminders)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        elif state.value != config.reminders:
            state.value = config.reminders
            session.execute(
                update(Claim).where(col(Claim.watch_at) > now).values(watch_at=LOOK_NOW)
            )


def flag(db: Database, now: datetime, config: Config, batch: int = BATCH) -> list[Flagged]:
    """Flag every alert due at ``now`` exactly once; one transaction per batch of claims.

    A crash between batches leaves the claims not yet looked at with ``watch_at`` in the
    past, so the next pass takes them up: nothing is missed, nothing flagged twice.
    """
    _sync_reminders(db, config, now)
    flagged: list[Flagged] = []
    table = Claim.__table__  # type: ignore[attr-defined]
    while True:
        with db.write() as session:
            looked_at = to_look_at(session, now, config.tz, batch, lock=True)
            if not looked_at:
                break
            rows: list[dict[str, Any]] = []
            watch: list[dict[str, Any]] = []
            for looked in looked_at:
                planned = looked.plan(config, now)
                watch.append({"id": looked.claim_id, "watch_at": planned.watch_at})
                rows += [
                    {
                        "claim_id": looked.claim_id,
                        "kind": alert.kind,
                        "due_at": alert.due_at,
                        "days_before": alert.days_before,
                        "reopening": alert.reopening,
                        "fires_at": alert.fires_at,
                        "flagged_at": now,
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                    for alert in planned.alerts
                ]
            new = _insert_if_absent(session, rows) if rows else []
            bulk_insert(session, Event.__table__, [_flag_event(alert, now) for alert in new])  # type: ignore[attr-defined]
            bulk_update(session, table, watch)
        flagged += new
        if len(looked_at) < batch:
            break
    return sorted(flagged, key=lambda alert: alert.alert_id)


def _flag_event(alert: Flagged, now: datetime) -> dict[str, Any]:
    data = alert.to_json()
    del data["claim_id"]
    return {"claim_id": alert.claim_id, "kind": "flagged", "at": now, "actor": WHO, "data": data}
