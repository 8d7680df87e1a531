"""A whole monitor pass, with no scheduler in it: flag what is due (flagging), deliver the
outbox (outbox), say when to wake up next; the periodic digest; and a preview that writes
nothing.

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

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from claimtrack import language
from claimtrack.config import Config
from claimtrack.monitor.channels import Sender
from claimtrack.monitor.flagging import Flagged, flag
from claimtrack.monitor.health import failing_channels
from claimtrack.monitor.messages import digest_message, repeats_message
from claimtrack.monitor.outbox import Delivered, deliver
from claimtrack.monitor.planning import ZONE_STATE, Planned, due_as_of
from claimtrack.records.models import (
    Alert,
    Claim,
    MonitorState,
)
from claimtrack.records.moments import AsOf
from claimtrack.records.status_sql import has_status, live
from claimtrack.records.store import Database
from claimtrack.reports.deadline_report import build_report
from claimtrack.reports.prose import alert_words

# --- a whole pass, and when to run the next ----------------------------------------------------


def next_wakeup(session: Session, now: datetime, digest: bool = False) -> datetime | None:
    """The earliest moment the monitor has work: a claim's next reminder or deadline, or a
    delivery to retry. Both are index lookups. May be at or before ``now``: work is waiting.
    With ``digest`` (digests are on), repeats wait for the digest, not for a pass."""
    # "IS NOT NULL" lets SQLite seek past the NULLs (settled claims, delivered alerts)
    # instead of stepping over them one by one.
    watch = session.exec(
        select(func.min(Claim.watch_at)).where(col(Claim.watch_at).is_not(None))
    ).one()
    waiting = select(func.min(Alert.next_attempt_at)).where(col(Alert.next_attempt_at).is_not(None))
    if digest:
        waiting = waiting.where(col(Alert.kind) != "repeat")
    retry = session.exec(waiting).one()
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

    def text(self, awaiting: int) -> str:
        """What one ``check`` pass did, for a terminal or a cron mail."""
        lines = [f"check as of {self.as_of.isoformat()}"]
        if self.flagged:
            lines.append(f"flagged {len(self.flagged)}:")
            for alert in self.flagged:
                what = alert_words(alert.kind, alert.days_before)
                lines.append(
                    f"  #{alert.claim_id}  {alert.kind}: {what} (due {alert.due_at.isoformat()}; "
                    f"alert {alert.alert_id})"
                )
        else:
            lines.append("flagged nothing new")
        delivery = self.delivery
        sent = ", ".join(f"{name} {n}" for name, n in delivery.sent.items()) or "none"
        lines.append(
            f"delivered {len(delivery.delivered)} alerts (accepted by channel: {sent}); "
            f"failed {len(delivery.failed)}"
        )
        lines.append(f"awaiting a check: {awaiting} claim{'' if awaiting == 1 else 's'}")
        wake = self.next_wakeup.isoformat() if self.next_wakeup else "nothing scheduled"
        lines.append(f"next alert or retry: {wake}")
        return "\n".join(lines)


def _run_pass(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> PassResult:
    """One monitor pass: flag what is due, deliver the outbox, and say when to come back."""
    flagged = flag(db, now, config)
    digest = bool(config.digest)  # then repeats go out with the digest, not on their own
    delivery = deliver(db, now, config, senders, repeats=False if digest else None)
    with db.read() as session:
        wake = next_wakeup(session, now, digest)
    return PassResult(now, flagged, delivery, wake)


def count_awaiting(session: Session, as_of: AsOf) -> int:
    """Claims awaiting a check at ``as_of``: deadline passed, no final verdict by then."""
    query = (
        select(func.count()).select_from(Claim).where(has_status("due", as_of.moment, as_of.day))
    )
    return int(session.exec(query).one())


def _send_digest(
    db: Database, config: Config, now: datetime, senders: Sequence[Sender]
) -> dict[str, str]:
    """The periodic digest: the whole deadline report to every channel. Returns failures.

    Not kept in the outbox: each digest is complete, so one that fails is replaced by the
    next, and the alerts it summarises were delivered on their own. The repeats are the
    exception: they wait in the outbox for the digest, which carries them to each channel
    that takes them (exactly once, as any alert); one a channel refused rides the next.
    """
    as_of = AsOf(now, config.tz)
    with db.read() as session:
        report = build_report(session, as_of, config.digest_days)
        failing = failing_channels(session, now, config)
    delivery = deliver(
        db,
        now,
        config,
        senders,
        repeats=True,
        compose=lambda items: digest_message(
            report, failing, repeats_message(items, as_of, config.publishing)
        ),
    )
    errors = dict(delivery.errors)
    plain = digest_message(report, failing)
    for sender in senders:
        if sender.name in delivery.sent or sender.name in errors:
            continue  # it got (or refused) the digest with its repeats
        try:
            sender.send(plain)
        except Exception as error:
            errors[sender.name] = str(error)
    return errors


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

    def text(self, awaiting: int) -> str:
        """What a ``check --dry-run`` found: what a pass at that moment would flag and deliver."""
        lines = [f"dry run as of {self.as_of.isoformat()}: nothing written, nothing sent"]
        if self.would_flag:
            lines.append(f"would flag {len(self.would_flag)}:")
            for claim_id, planned in self.would_flag:
                what = alert_words(planned.kind, planned.days_before)
                lines.append(
                    f"  #{claim_id}  {planned.kind}: {what} (due {planned.due_at.isoformat()})"
                )
        else:
            lines.append("would flag nothing new")
        total = len(self.would_flag) + len(self.would_deliver)
        channels = ", ".join(self.channels) or "no channel"
        lines.append(f"would deliver {total} alert{'' if total == 1 else 's'} to: {channels}")
        lines.append(f"awaiting a check: {awaiting} claim{'' if awaiting == 1 else 's'}")
        if self.replan_pending:
            lines.append(
                "the time zone changed: a real check first re-plans every due moment, "
                "so what it flags may differ"
            )
        return "\n".join(lines)


def _preview(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> Preview:
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


def _spoken(config: Config) -> AbstractContextManager[None]:
    """The language alerts, digests and previews are worded in: $CLAIMTRACK_LANG, else
    [publishing] language. Set here, not by the caller: the monitor's passes run in
    APScheduler's threads, which do not inherit the caller's context."""
    return language.using(language.from_environment(config.publishing.language))


def run_pass(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> PassResult:
    """One monitor pass: flag what is due, deliver the outbox, and say when to come back."""
    with _spoken(config):
        return _run_pass(db, config, now, senders)


def send_digest(
    db: Database, config: Config, now: datetime, senders: Sequence[Sender]
) -> dict[str, str]:
    """The periodic digest (see _send_digest), in the configured language."""
    with _spoken(config):
        return _send_digest(db, config, now, senders)


def preview(db: Database, config: Config, now: datetime, senders: Sequence[Sender]) -> Preview:
    """What ``run_pass`` at ``now`` would flag and deliver (see _preview); writes nothing."""
    with _spoken(config):
        return _preview(db, config, now, senders)
