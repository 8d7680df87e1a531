"""What is due, and when: the alerts a claim's deadline calls for (pure), the claims a sweep
looks at (an index range of ``watch_at``), and re-planning every due moment once after
the tracker's time zone changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import update
from sqlmodel import Session, col, select

from claimtrack.config import Config
from claimtrack.deadlines.deadline import due_moment
from claimtrack.records.models import (
    LOOK_NOW,
    Alert,
    Claim,
    MonitorState,
)
from claimtrack.records.sql import insert_skipping_existing
from claimtrack.records.status_sql import live
from claimtrack.records.status_sql import settled as settled_by
from claimtrack.records.store import Database

WHO = "monitor"
NO_GRACE = timedelta(0)
REPEAT_UNIT = timedelta(minutes=1)  # a repeat's key: the minutes since the first flag


# --- what is due: pure ------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """An alert a claim calls for: ``due`` when its deadline passed, or a reminder."""

    kind: str
    due_at: datetime
    days_before: int
    fires_at: datetime
    reopening: int = 0  # ``due`` alerts: how many times the claim had been reopened


@dataclass(frozen=True)
class Plan:
    alerts: tuple[Planned, ...]
    watch_at: datetime | None  # when to look at the claim again; None: nothing left to flag


def fires_at(due_at: datetime, days_before: int, tz: tzinfo) -> datetime:
    """``days_before`` calendar days before the deadline, on the tracker's wall clock: a
    reminder for a deadline at midnight in Paris comes at midnight in Paris, across DST."""
    local = due_at.astimezone(tz) - relativedelta(days=days_before)
    return local.astimezone(UTC)


def plan(
    due_at: datetime | None,
    settled: bool,
    reminders: Sequence[int],
    now: datetime,
    tz: tzinfo,
    reopening: int = 0,
    grace: timedelta = NO_GRACE,
    repeats: Sequence[timedelta] = (),
) -> Plan:
    """The alerts a claim calls for at ``now``, and when it next needs looking at.

    A settled claim (a final verdict checked by now) and a claim without a deadline call for
    nothing. Once the deadline has passed only ``due`` is flagged: reminders for a moment
    gone by would be noise. Before it, only the latest reminder whose time has come is
    flagged, so a monitor back from a long stop does not send a 30-day reminder next to
    the 7-day one. A claim reopened by a retraction (``reopening``, its count) is flagged
    ``due`` once more; reminders, which were about the same deadline, are not sent again.

    While it stays due, each interval in ``repeats`` (one per channel's ``repeat``) calls
    for a ``repeat`` every interval after the first flag, keyed by the minutes since then
    (``-days_before``), so that a repeat two intervals share is one alert, and only the
    latest of each is flagged after a stop.
    """
    if due_at is None or settled:
        return Plan((), None)
    if due_at + grace <= now:
        start = due_at + grace
        alerts = {0: Planned("due", due_at, 0, start, reopening)}
        later: list[datetime] = []
        for every in repeats:
            count = (now - start) // every  # repeats whose time has come; the latest is sent
            later.append(start + (count + 1) * every)
            if count >= 1:
                after = count * every
                minutes = after // REPEAT_UNIT
                alerts[minutes] = Planned("repeat", due_at, -minutes, start + after, reopening)
        return Plan(tuple(alerts[key] for key in sorted(alerts)), min(later, default=None))
    if due_at <= now:  # passed, within the grace: nothing yet; look again when it ends
        return Plan((), due_at + grace)
    times = {days: fires_at(due_at, days, tz) for days in reminders}
    passed = [days for days, moment in times.items() if moment <= now]
    alerts: tuple[Planned, ...] = ()
    if passed:
        days = min(passed)
        alerts = (Planned("reminder", due_at, days, times[days]),)
    later = [moment for moment in times.values() if moment > now]
    return Plan(alerts, min([*later, due_at + grace]))


def look_at_query(now: datetime, tz: tzinfo, limit: int) -> Any:
    """The claims a sweep has work for: an index range on ``watch_at``, whatever the size.
    (A removed claim has none; ``live`` also keeps out one removed in a race.)"""
    day = now.astimezone(tz).date()
    return (
        select(Claim.id, Claim.due_at, settled_by(day, now).label("settled"), Claim.reopenings)
        .where(col(Claim.watch_at) <= now, live())
        .order_by(col(Claim.watch_at), col(Claim.id))
        .limit(limit)
    )


@dataclass(frozen=True)
class LookedAt:
    claim_id: int
    due_at: datetime | None
    settled: bool
    reopenings: int

    def plan(self, config: Config, now: datetime) -> Plan:
        return plan(
            self.due_at,
            self.settled,
            config.reminders,
            now,
            config.tz,
            self.reopenings,
            config.grace,
            config.repeats,
        )


def to_look_at(
    session: Session, now: datetime, tz: tzinfo, limit: int, lock: bool
) -> list[LookedAt]:
    query = look_at_query(now, tz, limit)
    if lock:  # PostgreSQL: two monitors share the work instead of waiting on each other
        query = query.with_for_update(of=Claim, skip_locked=True)  # type: ignore[arg-type]
    return [
        LookedAt(row[0], row[1], bool(row[2]), row[3] or 0) for row in session.exec(query).all()
    ]


def due_as_of(session: Session, now: datetime, config: Config) -> list[tuple[int, Planned]]:
    """The alerts a pass at ``now`` would flag, without writing anything."""
    found: list[tuple[int, Planned]] = []
    for looked in to_look_at(session, now, config.tz, 10**9, lock=False):
        claim_id = looked.claim_id
        for planned in looked.plan(config, now).alerts:
            flagged = session.exec(
                select(Alert.id).where(
                    Alert.claim_id == claim_id,
                    Alert.kind == planned.kind,
                    Alert.due_at == planned.due_at,
                    Alert.days_before == planned.days_before,
                    Alert.reopening == planned.reopening,
                )
            ).first()
            if flagged is None:
                found.append((claim_id, planned))
    return found


# --- the tracker's time zone changed -----------------------------------------------------------

ZONE_STATE = "timezone"
REPLAN_BATCH = 1000


def replan_zone(db: Database, config: Config, now: datetime) -> int:
    """Once, after the configured time zone changed: every stored due moment is worked out
    again in the new zone, in one transaction, with the alerts about it, so that alerts fire
    at the moment ``show`` prints. Returns how many deadlines moved (0: nothing to do).

    An alert keeps its identity (its key follows the deadline to its new moment), so a
    deadline already flagged is not flagged again; one not yet delivered waits for its new
    moment if that is still to come.
    """
    name = config.timezone
    with db.read() as session:  # the common case: unchanged, no write lock taken
        state = session.get(MonitorState, ZONE_STATE)
        if state is not None and state.value == name:
            return 0
    moved = 0
    with db.write() as session:
        state = session.execute(
            select(MonitorState).where(MonitorState.name == ZONE_STATE).with_for_update()
        ).scalar_one_or_none()
        if state is not None and state.value == name:
            return 0  # another process re-planned first
        last = 0
        while True:
            rows = session.execute(
                select(Claim.id, Claim.deadline_date, Claim.due_at, Claim.removed_at)
                .where(col(Claim.id) > last, col(Claim.deadline_date).is_not(None))
                .order_by(col(Claim.id))
                .limit(REPLAN_BATCH)
            ).all()
            if not rows:
                break
            last = rows[-1][0]
            for claim_id, last_day, due_at, removed_at in rows:
                new = due_moment(last_day, config.tz)
                if new == due_at:
                    continue
                moved += 1
                _move_deadline(session, claim_id, due_at, new, removed_at is None, config, now)
        if state is None:
            session.execute(
                insert_skipping_existing(session, MonitorState.__table__)  # type: ignore[attr-defined]
                .values(name=ZONE_STATE, value=name)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        else:
            state.value = name
    return moved


def _move_deadline(
    session: Session,
    claim_id: int,
    old: datetime | None,
    new: datetime,
    live: bool,
    config: Config,
    now: datetime,
) -> None:
    values: dict[str, Any] = {"due_at": new}
    if live:
        values["watch_at"] = LOOK_NOW  # the sweep plans its reminders and flag again
    session.execute(update(Claim).where(col(Claim.id) == claim_id).values(**values))
    if old is None:
        return
    alerts = session.exec(
        select(Alert).where(col(Alert.claim_id) == claim_id, col(Alert.due_at) == old)
    ).all()
    for alert in alerts:
        alert.due_at = new
        if alert.kind == "reminder":
            alert.fires_at = fires_at(new, alert.days_before, config.tz)
        else:  # due, and its repeats: the grace, then the minutes since the first flag
            alert.fires_at = new + config.grace - alert.days_before * REPEAT_UNIT
        waiting = alert.delivered_at is None and alert.next_attempt_at is not None
        if waiting and alert.fires_at > now:
            alert.next_attempt_at = max(alert.next_attempt_at, alert.fires_at)
    session.flush()
