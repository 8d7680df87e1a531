"""The SQL twin of ``status.derive_status``: which claims have a given status at a moment.

Statuses are never stored; to filter a hundred thousand claims by status without loading
them, the same rules are written as SQL conditions on the claim row and its verdicts. The
tests check the two agree on generated claims (tests/test_status.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal, or_, select
from sqlmodel import col

from claimtrack.models import ALL_VERDICTS, INTERIM_VERDICTS, Claim, Verdict


def settled(day: date) -> Any:
    """The claim has a final verdict checked on or before ``day``."""
    return (
        exists()
        .where(col(Verdict.claim_id) == Claim.id)
        .where(col(Verdict.verdict).not_in(INTERIM_VERDICTS))
        .where(col(Verdict.checked_on) <= day)
    )


def _checked(day: date) -> Any:
    return exists().where(col(Verdict.claim_id) == Claim.id).where(col(Verdict.checked_on) <= day)


def _latest(day: date, final: bool) -> Any:
    """The value of the claim's latest verdict checked by ``day`` (final ones only, or any)."""
    query = select(Verdict.verdict).where(
        col(Verdict.claim_id) == Claim.id, col(Verdict.checked_on) <= day
    )
    if final:
        query = query.where(col(Verdict.verdict).not_in(INTERIM_VERDICTS))
    return (
        query.order_by(
            col(Verdict.checked_on).desc(), col(Verdict.recorded_at).desc(), col(Verdict.id).desc()
        )
        .limit(1)
        .scalar_subquery()
    )


def has_status(status: str, moment: datetime, day: date) -> Any:
    """SQL condition: the claim's status at ``moment`` (``day`` in the tracker) is ``status``."""
    passed = col(Claim.due_at) <= moment
    open_ = ~settled(day)
    if status == "due":
        return and_(passed, open_)
    not_passed = or_(col(Claim.due_at).is_(None), col(Claim.due_at) > moment)
    if status == "pending":
        return and_(col(Claim.due_at) > moment, open_, ~_checked(day))
    if status == "unrated":
        return and_(col(Claim.due_at).is_(None), ~_checked(day))
    if status in INTERIM_VERDICTS:
        return and_(not_passed, open_, _latest(day, final=False) == status)
    if status in ALL_VERDICTS:
        return _latest(day, final=True) == status
    return false()


def status_of_row(moment: datetime, day: date) -> Any:
    """SQL expression: the claim's status at ``moment``, for counting claims by status."""
    # Each verdict subquery appears once (coalesce), so it runs once per claim.
    unjudged = case((col(Claim.due_at).is_not(None), literal("pending")), else_=literal("unrated"))
    open_ = case(
        (col(Claim.due_at) <= moment, literal("due")),
        else_=func.coalesce(_latest(day, final=False), unjudged),
    )
    return func.coalesce(_latest(day, final=True), open_)
