"""A claim's status at any moment, derived from its deadline and verdicts, never stored.

Deriving it for an ``as_of`` moment lets a user replay a claim's timeline ("what did we
know on 1 October 2025?") and keeps the database free of values that go stale.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from claimtrack.models import ALL_VERDICTS, INTERIM_VERDICTS

STATUSES = ("pending", "due", "unrated", *ALL_VERDICTS)
OPEN_STATUSES = ("pending", "due", "unrated", *INTERIM_VERDICTS)


class VerdictLike(Protocol):
    verdict: str
    checked_on: date
    recorded_at: datetime
    id: int | None


def is_final(verdict: str) -> bool:
    return verdict not in INTERIM_VERDICTS


def _order(verdict: VerdictLike) -> tuple[date, datetime, int]:
    return (verdict.checked_on, verdict.recorded_at, verdict.id or 0)


def standing(verdicts: Iterable[VerdictLike]) -> tuple[str | None, date | None]:
    """What a claim's verdicts say once all of them are known: the verdict that decides
    its status (the latest final one, else the latest) and the day of the latest check.

    Kept on the claim row (``Claim.verdict``, ``Claim.last_checked_on``) for the SQL twin.
    """
    known = sorted(verdicts, key=_order)
    if not known:
        return None, None
    finals = [v for v in known if is_final(v.verdict)]
    return (finals or known)[-1].verdict, max(v.checked_on for v in known)


def derive_status(
    due_at: datetime | None, verdicts: Iterable[VerdictLike], as_of: datetime, as_of_day: date
) -> str:
    """The status of a claim at ``as_of`` (``as_of_day`` is that moment's date in the tracker).

    In order: the latest final verdict checked on or before ``as_of_day``; else ``due`` once
    the deadline has passed; else the latest interim verdict; else ``pending`` or ``unrated``.
    """
    known = sorted((v for v in verdicts if v.checked_on <= as_of_day), key=_order)
    finals = [v for v in known if is_final(v.verdict)]
    if finals:
        return finals[-1].verdict
    if due_at is not None and due_at <= as_of:
        return "due"
    if known:
        return known[-1].verdict
    return "pending" if due_at is not None else "unrated"
