"""Which deadlines a served calendar holds: those of a window of days around a moment, the
nearest to it first, at most a limit of them, for the whole record, one claimant or one tag.

A calendar that people subscribe to is fetched again every few hours by every subscriber's
client; with every deadline of a large record in it, each fetch would cost what the whole
export costs (44 MB and 43 s at 100k claims). What a subscriber looks at is the weeks
around today: the deadlines that just passed and those coming. Both sides are read from
the due_at index, nearest first, so the cost follows the limit, not the record's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from claimtrack.records.models import Actor, Claim, ClaimActor, ClaimTag
from claimtrack.records.moments import AsOf
from claimtrack.records.status_sql import live


@dataclass(frozen=True)
class Window:
    """The days whose deadlines a calendar may hold (``first`` to ``last``, both included),
    and how many of them at most."""

    first: date
    last: date
    limit: int

    @classmethod
    def around(cls, day: date, past_days: int, ahead_days: int, limit: int) -> Window:
        return cls(day - timedelta(days=past_days), day + timedelta(days=ahead_days), limit)


@dataclass(frozen=True)
class Nearest:
    """The claims chosen, in deadline order, and how many deadlines the window held."""

    claim_ids: list[int]
    in_window: int
    window: Window

    @property
    def complete(self) -> bool:
        return len(self.claim_ids) == self.in_window


def nearest_deadlines(
    session: Session,
    as_of: AsOf,
    window: Window,
    *,
    claimant: str | None = None,
    tag: str | None = None,
) -> Nearest:
    """The live claims whose deadline's last day lies in ``window``, the nearest to
    ``as_of`` first (passed and coming alike), at most ``window.limit``; returned in
    deadline order. ``claimant`` is an exact name, ``tag`` a tag."""
    # A deadline's last day D is due at the first instant of D + 1 in the tracker's zone.
    start = _first_instant(window.first + timedelta(days=1), as_of)
    end = _first_instant(window.last + timedelta(days=2), as_of)
    moment = as_of.moment
    conditions: list[Any] = [
        live(),
        col(Claim.due_at).is_not(None),
        col(Claim.due_at) >= start,
        col(Claim.due_at) < end,
    ]
    if claimant is not None:
        conditions.append(
            col(Claim.id).in_(
                select(ClaimActor.claim_id).join(Actor).where(col(Actor.name) == claimant)
            )
        )
    if tag is not None:
        conditions.append(
            col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == tag.lower()))
        )
    total = _count(session, conditions, start, end, whole=claimant is None and tag is None)
    passed = session.exec(
        select(Claim.id, Claim.due_at)
        .where(*conditions, col(Claim.due_at) <= moment)
        .order_by(col(Claim.due_at).desc(), col(Claim.id).desc())
        .limit(window.limit)
    ).all()
    coming = session.exec(
        select(Claim.id, Claim.due_at)
        .where(*conditions, col(Claim.due_at) > moment)
        .order_by(col(Claim.due_at), col(Claim.id))
        .limit(window.limit)
    ).all()
    nearest = sorted([*passed, *coming], key=lambda row: (abs(row[1] - moment), row[0]))
    nearest = sorted(nearest[: window.limit], key=lambda row: (row[1], row[0]))
    return Nearest([claim_id for claim_id, _ in nearest], total, window)


def _first_instant(day: date, as_of: AsOf) -> datetime:
    return datetime.combine(day, time(), tzinfo=as_of.tz)


def _count(
    session: Session, conditions: list[Any], start: datetime, end: datetime, whole: bool
) -> int:
    """How many deadlines the window holds. For the whole record, every deadline in the
    range less the removed ones: the first is read from the due_at index alone, the second
    from the small index of removed claims, where checking each of a large window's claims
    for its removal would read them all (142,000 rows at 1M claims)."""
    if not whole:
        return session.exec(select(func.count()).select_from(Claim).where(*conditions)).one()
    in_range = (col(Claim.due_at) >= start, col(Claim.due_at) < end)
    every = session.exec(select(func.count()).select_from(Claim).where(*in_range)).one()
    # Removed claims are few: their deadlines are read from their own index and counted here.
    removed = session.exec(select(Claim.due_at).where(col(Claim.removed_at).is_not(None))).all()
    return every - sum(1 for due in removed if due is not None and start <= due < end)
