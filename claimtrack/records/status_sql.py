"""The SQL twin of ``status.derive_status``: which claims have a given status at a moment,
and how many claims have each.

Statuses are never stored, since they depend on the moment asked about. What is stored is
each claim's standing (``Claim.verdict``, ``Claim.last_checked_on``: status.standing),
which with the deadline gives the status at any moment on or after the latest check, from
an index. For a moment before a claim's latest check, the status is worked out from the
claim's verdicts, as ``derive_status`` does. The tests check the SQL and Python agree on
generated claims at many moments (tests/test_status.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlmodel import Session, col

from claimtrack.records.models import ALL_VERDICTS, INTERIM_VERDICTS, Claim, Verdict
from claimtrack.records.status import STATUSES


def verdict_counts(moment: datetime) -> Any:
    """The verdict is not retracted at ``moment`` (a retraction counts from its instant)."""
    retracted = col(Verdict.retracted_at)
    return or_(retracted.is_(None), retracted > moment)


def live() -> Any:
    """SQL condition: the claim has not been removed (removed claims are in no list)."""
    return col(Claim.removed_at).is_(None)


def settled(day: date, moment: datetime) -> Any:
    """The claim has a final verdict checked on or before ``day``, not retracted at ``moment``."""
    return (
        exists()
        .where(col(Verdict.claim_id) == Claim.id)
        .where(col(Verdict.verdict).not_in(INTERIM_VERDICTS))
        .where(col(Verdict.checked_on) <= day, verdict_counts(moment))
    )


def _checked(day: date, moment: datetime) -> Any:
    return (
        exists()
        .where(col(Verdict.claim_id) == Claim.id)
        .where(col(Verdict.checked_on) <= day, verdict_counts(moment))
    )


def _latest(day: date, moment: datetime, final: bool) -> Any:
    """The value of the claim's latest verdict counting at ``moment`` (final ones only, or
    any)."""
    query = select(Verdict.verdict).where(
        col(Verdict.claim_id) == Claim.id, col(Verdict.checked_on) <= day, verdict_counts(moment)
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


def _stale(day: date, moment: datetime) -> Any:
    """The claim was checked after ``day``, or one of its verdicts retracted after
    ``moment``: its stored standing may not be what was known then (NULL is not stale)."""
    return or_(col(Claim.last_checked_on) > day, col(Claim.last_retracted_at) > moment)


_UNJUDGED = or_(col(Claim.verdict).is_(None), col(Claim.verdict).in_(INTERIM_VERDICTS))


def _stored_status(status: str, moment: datetime) -> Any:
    """The status at ``moment`` from the stored standing (for claims fresh then)."""
    verdict, due_at = col(Claim.verdict), col(Claim.due_at)
    if status == "due":
        return and_(due_at <= moment, _UNJUDGED)
    if status == "pending":
        return and_(due_at > moment, verdict.is_(None))
    if status == "unrated":
        return and_(due_at.is_(None), verdict.is_(None))
    if status in INTERIM_VERDICTS:
        return and_(verdict == status, or_(due_at.is_(None), due_at > moment))
    if status in ALL_VERDICTS:
        return verdict == status
    return false()


def _either(day: date, moment: datetime, stored: Any, derived: Any) -> Any:
    """``derived`` for claims checked after ``day``, else ``stored``.

    A CASE, not an OR: SQLite would split an OR into one index search per branch and then
    sort every match for the ORDER BY (a second at a million claims), where a CASE leaves
    it walking the deadline index in order and stopping at the page's end.
    """
    return type_coerce(case((_stale(day, moment), derived), else_=stored), Boolean)


def unsettled(day: date, moment: datetime) -> Any:
    """SQL condition: the claim has no final verdict counting at ``moment`` (``day``)."""
    return _either(day, moment, _UNJUDGED, ~settled(day, moment))


# Which deadlines each status allows, as a condition on the indexed deadline moment.
def _deadline_range(status: str, moment: datetime) -> Any:
    due_at = col(Claim.due_at)
    ranges = {"due": due_at <= moment, "pending": due_at > moment, "unrated": due_at.is_(None)}
    return ranges.get(status, true())


def has_status(status: str, moment: datetime, day: date) -> Any:
    """SQL condition: the claim is not removed and its status at ``moment`` (``day`` in the
    tracker) is ``status``."""
    return and_(
        live(),
        _deadline_range(status, moment),
        _either(day, moment, _stored_status(status, moment), _derived_status(status, moment, day)),
    )


def any_stale(session: Session, moment: datetime, day: date) -> bool:
    """Whether any claim's stored standing may not be what was known at ``moment``: one
    checked after ``day`` or with a verdict retracted after ``moment``. Never so of now
    (nothing is checked in the future), often so of a moment in the past. Asked once a
    session: a list page asks it for its claims and again for its link back, and a
    publish's batch of pages shares one session (one state of the record)."""
    known: dict[tuple[datetime, date], bool] = session.info.setdefault("any stale", {})
    if (moment, day) not in known:
        found = select(Claim.id).where(_stale(day, moment)).limit(1)
        known[moment, day] = session.execute(found).first() is not None
    return known[moment, day]


def status_condition(session: Session, status: str, moment: datetime, day: date) -> Any:
    """``has_status``, said from the stored standing alone when no claim's standing is
    stale at ``moment`` (the same claims then).

    A list of one status reads its page in deadline order. With the CASE, SQLite tests the
    status claim by claim along the deadline index, stepping over every claim of another
    status: for a status one claim in fifteen has, about 750 claims a page, and fifteen
    times that with a tag as well (100 to 170 ms a page at a million claims). From the
    standing, the (verdict, due_at) index holds that status's claims in that order. Not
    for "due", whose standing is one of several verdicts (none, or an interim one): SQLite
    would read each one's range and sort them all, where the deadline index, walked in
    order, finds a page of due claims at once (half the claims or more are due)."""
    if status == "due" or any_stale(session, moment, day):
        return has_status(status, moment, day)
    return and_(live(), _deadline_range(status, moment), _stored_status(status, moment))


def _derived_status(status: str, moment: datetime, day: date) -> Any:
    """The status at ``moment`` from the claim's verdicts, whatever the moment."""
    passed = col(Claim.due_at) <= moment
    open_ = ~settled(day, moment)
    if status == "due":
        return and_(passed, open_)
    not_passed = or_(col(Claim.due_at).is_(None), col(Claim.due_at) > moment)
    if status == "pending":
        return and_(col(Claim.due_at) > moment, open_, ~_checked(day, moment))
    if status == "unrated":
        return and_(col(Claim.due_at).is_(None), ~_checked(day, moment))
    if status in INTERIM_VERDICTS:
        return and_(not_passed, open_, _latest(day, moment, final=False) == status)
    if status in ALL_VERDICTS:
        return _latest(day, moment, final=True) == status
    return false()


def status_of_row(moment: datetime, day: date) -> Any:
    """SQL expression: the claim's status at ``moment``, for counting claims by status."""
    # Each verdict subquery appears once (coalesce), so it runs once per claim.
    unjudged = case((col(Claim.due_at).is_not(None), literal("pending")), else_=literal("unrated"))
    open_ = case(
        (col(Claim.due_at) <= moment, literal("due")),
        else_=func.coalesce(_latest(day, moment, final=False), unjudged),
    )
    return func.coalesce(_latest(day, moment, final=True), open_)


def _stored_status_of_row(moment: datetime) -> Any:
    verdict, due_at = col(Claim.verdict), col(Claim.due_at)
    return case(
        (verdict.not_in(INTERIM_VERDICTS), verdict),
        (due_at <= moment, literal("due")),
        (verdict.is_not(None), verdict),
        (due_at.is_not(None), literal("pending")),
        else_=literal("unrated"),
    )


def count_by_status(session: Session, moment: datetime, day: date) -> dict[str, int]:
    """How many claims not removed have each status at ``moment``, in the order of
    ``STATUSES``.

    Ranges of the (verdict, due_at) index, counted without reading a claim; then the few
    claims checked after ``day`` or retracted after ``moment`` (none when asking about
    now) move from the status their standing gives to the one their verdicts gave then;
    then the few removed claims are taken out.
    """
    verdict, due_at = col(Claim.verdict), col(Claim.due_at)
    counts: Counter[str] = Counter()
    judged = select(verdict, func.count()).where(verdict.is_not(None)).group_by(verdict)
    counts.update(dict(session.execute(judged).all()))
    overdue = (
        select(verdict, func.count())
        .where(verdict.in_(INTERIM_VERDICTS), due_at <= moment)
        .group_by(verdict)
    )
    for value, n in session.execute(overdue):
        counts[value] -= n
        counts["due"] += n
    unjudged = select(func.count()).where(verdict.is_(None))
    counts["due"] += session.execute(unjudged.where(due_at <= moment)).scalar_one()
    counts["pending"] += session.execute(unjudged.where(due_at > moment)).scalar_one()
    counts["unrated"] += session.execute(unjudged.where(due_at.is_(None))).scalar_one()
    stale = select(_stored_status_of_row(moment), status_of_row(moment, day)).where(
        _stale(day, moment), live()
    )
    for stored, derived in session.execute(stale):
        counts[stored] -= 1
        counts[derived] += 1
    # Removed claims are few (an index range): counted above by their standing, taken out.
    for stored in session.execute(select(_stored_status_of_row(moment)).where(~live())).scalars():
        counts[stored] -= 1
    return {name: counts[name] for name in STATUSES if counts[name]}


def status_expression(moment: datetime, day: date) -> Any:
    """SQL expression: each claim's status at ``moment``, from its standing when that is
    fresh then and from its verdicts otherwise, for grouping claims by status."""
    return case(
        (_stale(day, moment), status_of_row(moment, day)), else_=_stored_status_of_row(moment)
    )
