"""The deadline monitor's logic, with no scheduler in it: what is due at a moment, the flag
pass, delivery through the outbox, and when to wake up next.

Every function takes ``now``: the scheduler passes the wall clock, ``claimtrack check
--as-of`` and the tests pass what they like. The database is the only state:

- each claim's ``watch_at`` says when the monitor must next look at it (its next reminder or
  its deadline; ``LOOK_NOW`` after a change), so a sweep reads an index range of the claims
  it has work for, never all claims;
- an alert is inserted only if absent on its unique key, so racing passes, two monitors, a
  crash and a re-run never flag twice;
- an alert stays in the outbox until every channel accepted it: delivery is at least once,
  and the alert id travels with each report as the key to drop duplicates.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, delete, func, insert, update
from sqlmodel import Session, col, select

from claimtrack.config import Config
from claimtrack.deadlines.deadline import due_moment
from claimtrack.monitor.channels import DeliveryFailed, Sender
from claimtrack.records.claims import AsOf
from claimtrack.records.models import (
    LOOK_NOW,
    Alert,
    Claim,
    Delivery,
    Event,
    MonitorState,
)
from claimtrack.records.status_sql import has_status, live
from claimtrack.records.status_sql import settled as settled_by
from claimtrack.records.store import Database, insert_skipping_existing

log = logging.getLogger("claimtrack.monitor")

BATCH = 500  # claims looked at per transaction: short write locks, flat memory
OUTBOX_BATCH = 1000  # alerts in one report; more wait for the next pass, which comes at once
WHO = "monitor"


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
) -> Plan:
    """The alerts a claim calls for at ``now``, and when it next needs looking at.

    A settled claim (a final verdict checked by now) and a claim without a deadline call for
    nothing. Once the deadline has passed only ``due`` is flagged: reminders for a moment
    gone by would be noise. Before it, only the latest reminder whose time has come is
    flagged, so a monitor back from a long stop does not send a 30-day reminder next to
    the 7-day one. A claim reopened by a retraction (``reopening``, its count) is flagged
    ``due`` once more; reminders, which were about the same deadline, are not sent again.
    """
    if due_at is None or settled:
        return Plan((), None)
    if due_at <= now:
        return Plan((Planned("due", due_at, 0, due_at, reopening),), None)
    times = {days: fires_at(due_at, days, tz) for days in reminders}
    passed = [days for days, moment in times.items() if moment <= now]
    alerts: tuple[Planned, ...] = ()
    if passed:
        days = min(passed)
        alerts = (Planned("reminder", due_at, days, times[days]),)
    later = [moment for moment in times.values() if moment > now]
    return Plan(alerts, min([*later, due_at]))


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
        return plan(self.due_at, self.settled, config.reminders, now, config.tz, self.reopenings)


def _to_look_at(
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
    for looked in _to_look_at(session, now, config.tz, 10**9, lock=False):
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


# --- the flag pass ----------------------------------------------------------------------------


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
    statement = (
        insert_skipping_existing(session, table)
        .on_conflict_do_nothing(
            index_elements=["claim_id", "kind", "due_at", "days_before", "reopening"]
        )
        .returning(
            table.c.id,
            table.c.claim_id,
            table.c.kind,
            table.c.due_at,
            table.c.days_before,
            table.c.fires_at,
            table.c.reopening,
        )
    )
    inserted = session.execute(statement, rows).all()
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
            looked_at = _to_look_at(session, now, config.tz, batch, lock=True)
            if not looked_at:
                break
            rows: list[dict[str, Any]] = []
            watch: list[dict[str, Any]] = []
            for looked in looked_at:
                planned = looked.plan(config, now)
                watch.append({"claim": looked.claim_id, "watch": planned.watch_at})
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
            if new:
                session.execute(insert(Event), [_flag_event(alert, now) for alert in new])
            session.execute(
                update(table)
                .where(table.c.id == bindparam("claim"))
                .values(watch_at=bindparam("watch")),
                watch,
            )
        flagged += new
        if len(looked_at) < batch:
            break
    return sorted(flagged, key=lambda alert: alert.alert_id)


def _flag_event(alert: Flagged, now: datetime) -> dict[str, Any]:
    data = alert.to_json()
    del data["claim_id"]
    return {"claim_id": alert.claim_id, "kind": "flagged", "at": now, "actor": WHO, "data": data}


# --- delivery through the outbox ----------------------------------------------------------------


@dataclass
class Delivered:
    """What one delivery round did: alerts every channel now has, alerts a channel refused."""

    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # channel name: why it refused
    sent: dict[str, int] = field(default_factory=dict)  # channel name: alerts it accepted


def _lease(db: Database, now: datetime, config: Config, limit: int) -> list[int]:
    """Take the alerts waiting for delivery, for ``config.lease`` seconds: a monitor that
    dies while sending leaves them to the next pass, this monitor's or another's."""
    with db.write() as session:
        query = (
            select(Alert)
            .where(col(Alert.next_attempt_at) <= now)
            .order_by(col(Alert.next_attempt_at), col(Alert.id))  # the index order: no scan
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        alerts = session.exec(query).all()
        for alert in alerts:
            alert.attempts += 1
            alert.next_attempt_at = now + timedelta(seconds=config.lease)
        return [alert.id for alert in alerts if alert.id is not None]


def backoff(attempts: int, config: Config) -> timedelta:
    """Wait before retrying: ``retry_after``, doubling with each failed attempt, capped."""
    seconds = config.retry_after * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, config.retry_max))


def deliver(
    db: Database,
    now: datetime,
    config: Config,
    senders: Sequence[Sender],
    limit: int = OUTBOX_BATCH,
) -> Delivered:
    """Send one report per channel with the alerts it has not yet accepted; record the result.

    An alert leaves the outbox only when every channel took it; a channel that failed gets
    it again on a later pass, after a growing delay, and the error stays on the alert row.
    """
    from claimtrack.records.claims import status_of
    from claimtrack.reports import deadline_report

    result = Delivered()
    leased = _lease(db, now, config, limit)
    if not leased:
        return result
    as_of = AsOf(now, config.tz)
    with db.read() as session:
        alerts = session.exec(
            select(Alert).where(col(Alert.id).in_(leased)).order_by(col(Alert.id))
        ).all()
        claim_ids = {alert.claim_id for alert in alerts}
        claims = {
            claim.id: claim
            for claim in session.exec(select(Claim).where(col(Claim.id).in_(claim_ids))).all()
        }
        accepted = {
            (row.alert_id, row.channel)
            for row in session.exec(select(Delivery).where(col(Delivery.alert_id).in_(leased)))
        }
        items = [
            deadline_report.AlertItem(alert, claim, status_of(claim, as_of))
            for alert in alerts
            for claim in [claims[alert.claim_id]]
        ]
        taken: list[tuple[int, str]] = []
        for sender in senders:
            todo = [item for item in items if (item.alert.id, sender.name) not in accepted]
            if not todo:
                continue
            try:
                sender.send(deadline_report.alerts_message(todo, as_of))
            except DeliveryFailed as error:
                result.errors[sender.name] = str(error)
            except Exception as error:  # a bug in a channel must not lose the flag either
                log.exception("channel %s failed unexpectedly", sender.name)
                result.errors[sender.name] = f"{type(error).__name__}: {error}"
            else:
                taken += [(item.alert.id, sender.name) for item in todo if item.alert.id]
                result.sent[sender.name] = len(todo)
    _record(db, now, config, leased, accepted | set(taken), set(taken), senders, result)
    return result


def _record(
    db: Database,
    now: datetime,
    config: Config,
    ids: Sequence[int],
    accepted: set[tuple[int, str]],
    taken: set[tuple[int, str]],
    senders: Sequence[Sender],
    result: Delivered,
) -> None:
    """One transaction: what each channel took, and each alert delivered or set to retry.
    Statements go by the batch (executemany), not one ORM round trip per alert."""
    names = [sender.name for sender in senders]
    with db.write() as session:
        _note_health(session, now, result)
        if taken:
            session.execute(
                insert(Delivery),
                [{"alert_id": a, "channel": c, "delivered_at": now} for a, c in sorted(taken)],
            )
        current = session.exec(
            select(Alert.id, Alert.claim_id, Alert.attempts)
            .where(col(Alert.id).in_(ids))
            .where(col(Alert.delivered_at).is_(None))
            .order_by(col(Alert.id))
        ).all()
        retry: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for alert_id, claim_id, attempts in current:
            missing = [name for name in names if (alert_id, name) not in accepted]
            if not missing:
                events.append(
                    {
                        "claim_id": claim_id,
                        "kind": "delivered",
                        "at": now,
                        "actor": WHO,
                        "data": {"alert_id": alert_id, "channels": names},
                    }
                )
                result.delivered.append(alert_id)
            else:
                error = "; ".join(f"{n}: {result.errors.get(n, 'not sent')}" for n in missing)
                retry.append(
                    {
                        "id": alert_id,
                        "last_error": error,
                        "next_attempt_at": now + backoff(attempts, config),
                    }
                )
                result.failed.append(alert_id)
        if result.delivered:
            table = Alert.__table__  # type: ignore[attr-defined]
            session.execute(
                update(table)
                .where(table.c.id == bindparam("alert"))
                .values(delivered_at=now, next_attempt_at=None, last_error=None),
                [{"alert": alert_id} for alert_id in result.delivered],
            )
            session.execute(insert(Event), events)
        if retry:
            session.execute(update(Alert), retry)  # ORM bulk UPDATE by primary key


# --- channels that keep failing -------------------------------------------------------------


def _health_key(name: str) -> str:
    return f"channel:{name}"


def _note_health(session: Session, now: datetime, result: Delivered) -> None:
    """Remember since when each failing channel has been failing; forget it once it takes a
    delivery again. The digest names those failing for longer than ``alarm_after``."""
    for name, error in result.errors.items():
        state = session.get(MonitorState, _health_key(name))
        since = state.value.get("since") if state and state.value else now.isoformat()
        value = {"since": since, "error": error}
        if state is None:
            session.execute(
                insert_skipping_existing(session, MonitorState.__table__)  # type: ignore[attr-defined]
                .values(name=_health_key(name), value=value)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        else:
            state.value = value
    for name in result.sent:
        if name not in result.errors:
            session.execute(delete(MonitorState).where(col(MonitorState.name) == _health_key(name)))


@dataclass(frozen=True)
class Failing:
    channel: str
    since: datetime
    error: str


def failing_channels(session: Session, now: datetime, config: Config) -> list[Failing]:
    """The channels that have refused every delivery for longer than ``alarm_after``."""
    found = []
    prefix = _health_key("")
    rows = session.exec(select(MonitorState).where(col(MonitorState.name).startswith(prefix)))
    for state in rows:
        since = datetime.fromisoformat(state.value["since"])
        if now - since >= timedelta(seconds=config.alarm_after):
            found.append(Failing(state.name.removeprefix(prefix), since, state.value["error"]))
    return sorted(found, key=lambda failing: failing.channel)


# --- a whole pass, and when to run the next ----------------------------------------------------


def next_wakeup(session: Session, now: datetime) -> datetime | None:
    """The earliest moment the monitor has work: a claim's next reminder or deadline, or a
    delivery to retry. Both are index lookups. May be at or before ``now``: work is waiting."""
    # "IS NOT NULL" lets SQLite seek past the NULLs (settled claims, delivered alerts)
    # instead of stepping over them one by one.
    watch = session.exec(
        select(func.min(Claim.watch_at)).where(col(Claim.watch_at).is_not(None))
    ).one()
    retry = session.exec(
        select(func.min(Alert.next_attempt_at)).where(col(Alert.next_attempt_at).is_not(None))
    ).one()
    moments = [moment for moment in (watch, retry) if moment is not None]
    return min(moments) if moments else None


@dataclass
class PassResult:
    as_of: datetime
    flagged: list[Flagged]
    delivery: Delivered
    next_wakeup: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "flagged": [alert.to_json() for alert in self.flagged],
            "delivered": len(self.delivery.delivered),
            "failed": len(self.delivery.failed),
            "channels": {
                name: {"accepted": self.delivery.sent.get(name, 0), "error": error}
                for name, error in {
                    **dict.fromkeys(self.delivery.sent, None),
                    **self.delivery.errors,
                }.items()
            },
            "next_wakeup": self.next_wakeup.isoformat() if self.next_wakeup else None,
        }

    def summary(self) -> str:
        """The one log line of a pass."""
        kinds = {kind: sum(a.kind == kind for a in self.flagged) for kind in ("due", "reminder")}
        parts = [
            f"pass as of {self.as_of.isoformat()}:",
            f"flagged {len(self.flagged)} (due {kinds['due']}, reminder {kinds['reminder']}),",
            f"delivered {len(self.delivery.delivered)},",
            f"failed {len(self.delivery.failed)}",
        ]
        if self.delivery.errors:
            parts.append(
                "(" + "; ".join(f"{n}: {e}" for n, e in self.delivery.errors.items()) + ")"
            )
        wake = self.next_wakeup.isoformat() if self.next_wakeup else "none"
        return " ".join(parts) + f"; next wake-up {wake}"


def run_pass(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> PassResult:
    """One monitor pass: flag what is due, deliver the outbox, and say when to come back."""
    flagged = flag(db, now, config)
    delivery = deliver(db, now, config, senders)
    with db.read() as session:
        wake = next_wakeup(session, now)
    return PassResult(now, flagged, delivery, wake)


def count_awaiting(session: Session, as_of: AsOf) -> int:
    """Claims awaiting a check at ``as_of``: deadline passed, no final verdict by then."""
    query = (
        select(func.count()).select_from(Claim).where(has_status("due", as_of.moment, as_of.day))
    )
    return int(session.exec(query).one())


def send_digest(
    db: Database, config: Config, now: datetime, senders: Sequence[Sender]
) -> dict[str, str]:
    """The periodic digest: the whole deadline report to every channel. Returns failures.

    Not kept in the outbox: each digest is complete, so one that fails is replaced by the
    next, and the alerts it summarises were delivered on their own.
    """
    from claimtrack.reports import deadline_report

    as_of = AsOf(now, config.tz)
    with db.read() as session:
        report = deadline_report.build_report(session, as_of, config.digest_days)
        message = deadline_report.digest_message(report, failing_channels(session, now, config))
    errors: dict[str, str] = {}
    for sender in senders:
        try:
            sender.send(message)
        except Exception as error:
            errors[sender.name] = str(error)
    return errors


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
        alert.fires_at = fires_at(new, alert.days_before, config.tz)
        waiting = alert.delivered_at is None and alert.next_attempt_at is not None
        if waiting and alert.fires_at > now:
            alert.next_attempt_at = max(alert.next_attempt_at, alert.fires_at)
    session.flush()


# --- a preview: what a pass would do, writing nothing -----------------------------------------


@dataclass
class Preview:
    as_of: datetime
    would_flag: list[tuple[int, Planned]]
    would_deliver: list[int]  # alert ids waiting in the outbox at that moment
    channels: list[str]
    replan_pending: bool = False  # the zone changed: a real check re-plans first

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": True,
            "would_flag": [
                {
                    "claim_id": claim_id,
                    "kind": planned.kind,
                    "due_at": planned.due_at.isoformat(),
                    "days_before": planned.days_before,
                    "fires_at": planned.fires_at.isoformat(),
                    "reopening": planned.reopening,
                }
                for claim_id, planned in self.would_flag
            ],
            "would_deliver": len(self.would_flag) + len(self.would_deliver),
            "channels": self.channels,
            "replan_pending": self.replan_pending,
        }


def preview(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> Preview:
    """What ``run_pass`` at ``now`` would flag and deliver, read in one read transaction;
    nothing is written and nothing is sent."""
    with db.read() as session:
        would_flag = due_as_of(session, now, config)
        waiting = session.exec(
            select(Alert.id)
            .join(Claim, col(Claim.id) == col(Alert.claim_id))
            .where(col(Alert.next_attempt_at) <= now, live())
            .order_by(col(Alert.id))
        ).all()
        zone = session.get(MonitorState, ZONE_STATE)
    return Preview(
        now,
        would_flag,
        [i for i in waiting if i is not None],
        [s.name for s in senders],
        replan_pending=zone is not None and zone.value != config.timezone,
    )
