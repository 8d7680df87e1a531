"""Delivery through the outbox: an alert stays until every channel accepted it (at least
once, its id the key to drop duplicates), leased so that two monitors do not send it
together, retried after a growing delay when a channel fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from claimtrack.config import Config
from claimtrack.monitor.channels import DeliveryFailed, Message, Sender
from claimtrack.monitor.health import health_key
from claimtrack.monitor.messages import AlertItem, alerts_message
from claimtrack.monitor.planning import REPEAT_UNIT, WHO
from claimtrack.records.models import (
    ALL_VERDICTS,
    INTERIM_VERDICTS,
    Alert,
    Claim,
    Delivery,
    Event,
    MonitorState,
    Silence,
)
from claimtrack.records.moments import AsOf
from claimtrack.records.silences import HELD, held_by, holding
from claimtrack.records.sql import (
    bulk_insert,
    bulk_update,
    chunks,
    insert_skipping_existing,
    one_of,
)
from claimtrack.records.store import Database

log = logging.getLogger("claimtrack.monitor")
OUTBOX_BATCH = 1000  # alerts in one report; more wait for the next pass, which comes at once


SETTLED = set(ALL_VERDICTS) - set(INTERIM_VERDICTS)  # statuses a final verdict gives


@dataclass
class Delivered:
    """What one delivery round did: alerts every channel now has, alerts a channel refused."""

    delivered: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # channel name: why it refused
    sent: dict[str, int] = field(default_factory=dict)  # channel name: alerts it accepted
    held: list[int] = field(default_factory=list)  # alerts a silence holds until it ends
    settled_while_held: list[int] = field(default_factory=list)  # left the outbox unsent


def _lease(
    db: Database, now: datetime, config: Config, limit: int, repeats: bool | None = None
) -> list[int]:
    """Take the alerts waiting for delivery, for ``config.lease`` seconds: a monitor that
    dies while sending leaves them to the next pass, this monitor's or another's.
    ``repeats``: True for only repeats (the digest's), False for all but repeats."""
    with db.write() as session:
        query = (
            select(Alert.id)
            .where(col(Alert.next_attempt_at) <= now)
            .order_by(col(Alert.next_attempt_at), col(Alert.id))  # the index order: no scan
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        if repeats is not None:
            kind = col(Alert.kind)
            query = query.where(kind == "repeat" if repeats else kind != "repeat")
        taken = [alert_id for alert_id in session.exec(query).all() if alert_id is not None]
        for chunk in chunks(taken):  # one statement, not a round trip per alert
            session.execute(
                update(Alert)
                .where(one_of(session, col(Alert.id), chunk))
                .values(
                    attempts=col(Alert.attempts) + 1,
                    next_attempt_at=now + timedelta(seconds=config.lease),
                )
                .execution_options(synchronize_session=False)
            )
        return taken


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
    repeats: bool | None = None,
    compose: Callable[[list[AlertItem]], Message] | None = None,
) -> Delivered:
    """Send one report per channel with the alerts it has not yet accepted; record the result.

    An alert leaves the outbox only when every channel took it; a channel that failed gets
    it again on a later pass, after a growing delay, and the error stays on the alert row.
    ``repeats`` narrows the alerts taken (see ``_lease``); ``compose`` makes each channel's
    message of its alerts (the digest's carries the repeats); by default, the alerts report.
    """
    from claimtrack.records.reading import status_of

    result = Delivered()
    leased = _lease(db, now, config, limit, repeats)
    if not leased:
        return result
    as_of = AsOf(now, config.tz)
    with db.read() as session:
        alerts = session.exec(
            select(Alert).where(one_of(session, col(Alert.id), leased)).order_by(col(Alert.id))
        ).all()
        claim_ids = {alert.claim_id for alert in alerts}
        claims = {
            claim.id: claim
            for claim in session.exec(
                select(Claim).where(one_of(session, col(Claim.id), claim_ids))
            ).all()
        }
        accepted = {
            (row.alert_id, row.channel)
            for row in session.exec(
                select(Delivery).where(one_of(session, col(Delivery.alert_id), leased))
            )
        }
        items = [
            AlertItem(alert, claim, status_of(claim, as_of))
            for alert in alerts
            for claim in [claims[alert.claim_id]]
        ]
        # Held by a silence: not sent now, kept in the outbox until the silence ends.
        quiet = holding(session, [item.claim for item in items], now)
        held = {
            item.alert.id: quiet[item.claim.id]
            for item in items
            if item.alert.id is not None and item.claim.id in quiet
        }
        items = [item for item in items if item.alert.id not in held]
        # A silence ended on a claim that was settled while it held the alert: nothing is
        # left to check, so the alert leaves the outbox unsent.
        settled = {
            item.alert.id
            for item in items
            if (item.alert.last_error or "").startswith(HELD)
            and item.alert.kind != "reminder"
            and item.status in SETTLED
        }
        result.settled_while_held = sorted(i for i in settled if i is not None)
        taken: list[tuple[int, str]] = []
        exempt = {  # alerts a channel's routes leave out: not waited for from that channel
            (item.alert.id, sender.name)
            for sender in senders
            for item in items
            if item.alert.id is not None
            and (item.alert.id in settled or not _wanted(sender, item, config))
        }
        for sender in senders:
            todo = [item for item in items if (item.alert.id, sender.name) not in accepted | exempt]
            if not todo:
                continue
            try:
                if compose is None:
                    sender.send(alerts_message(todo, as_of, config.publishing))
                else:
                    sender.send(compose(todo))
            except DeliveryFailed as error:
                result.errors[sender.name] = str(error)
            except Exception as error:  # a bug in a channel must not lose the flag either
                log.exception("channel %s failed unexpectedly", sender.name)
                result.errors[sender.name] = f"{type(error).__name__}: {error}"
            else:
                taken += [(item.alert.id, sender.name) for item in todo if item.alert.id]
                result.sent[sender.name] = len(todo)
    done = accepted | set(taken) | exempt
    _record(db, now, config, leased, done, set(taken), senders, result, held)
    return result


def _wanted(sender: Sender, item: AlertItem, config: Config) -> bool:
    """Whether the channel's routes (tags, claimants) take this alert's claim, and, for a
    repeat, whether it falls on the channel's own interval (a weekly desk is not sent the
    daily desk's repeats; a repeat both intervals reach is one alert, sent to both)."""
    channel = getattr(sender, "channel", None)
    if item.alert.kind == "repeat":
        every = config.repeat_of(channel) // REPEAT_UNIT
        if not every or -item.alert.days_before % every:
            return False
    wants = getattr(channel, "wants", None)
    return wants is None or wants(item.claim.tags, item.claim.claimants)


def _record(
    db: Database,
    now: datetime,
    config: Config,
    ids: Sequence[int],
    accepted: set[tuple[int, str]],
    taken: set[tuple[int, str]],
    senders: Sequence[Sender],
    result: Delivered,
    held: dict[int, Silence] | None = None,
) -> None:
    """One transaction: what each channel took, and each alert delivered or set to retry.
    Statements go by the batch (bulk inserts and updates), not one round trip per alert."""
    names = [sender.name for sender in senders]
    with db.write() as session:
        note_health(session, now, result)
        bulk_insert(
            session,
            Delivery.__table__,  # type: ignore[attr-defined]
            [{"alert_id": a, "channel": c, "delivered_at": now} for a, c in sorted(taken)],
        )
        current = session.exec(
            select(Alert.id, Alert.claim_id, Alert.attempts)
            .where(one_of(session, col(Alert.id), ids))
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
            elif held and alert_id in held:
                rule = held[alert_id]
                retry.append(
                    {
                        "id": alert_id,
                        "last_error": held_by(rule),
                        "next_attempt_at": rule.until,
                    }
                )
                result.held.append(alert_id)
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
        for chunk in chunks(result.delivered):
            session.execute(
                update(Alert)
                .where(one_of(session, col(Alert.id), chunk))
                .values(delivered_at=now, next_attempt_at=None, last_error=None)
                .execution_options(synchronize_session=False)
            )
        bulk_insert(session, Event.__table__, events)  # type: ignore[attr-defined]
        bulk_update(session, Alert.__table__, retry)  # type: ignore[attr-defined]


def note_health(session: Session, now: datetime, result: Delivered) -> None:
    """Remember since when each failing channel has been failing; forget it once it takes a
    delivery again. The digest names those failing for longer than ``alarm_after``."""
    for name, error in result.errors.items():
        state = session.get(MonitorState, health_key(name))
        since = state.value.get("since") if state and state.value else now.isoformat()
        value = {"since": since, "error": error}
        if state is None:
            session.execute(
                insert_skipping_existing(session, MonitorState.__table__)  # type: ignore[attr-defined]
                .values(name=health_key(name), value=value)
                .on_conflict_do_nothing(index_elements=["name"])
            )
        else:
            state.value = value
    for name in result.sent:
        if name not in result.errors:
            session.execute(delete(MonitorState).where(col(MonitorState.name) == health_key(name)))
