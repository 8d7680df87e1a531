"""A claim's status at any moment, derived from its deadline and verdicts, never stored.

Deriving it for an ``as_of`` moment lets a user replay a claim's timeline ("what did we
know on 1 October 2025?") and keeps the database free of values that go stale.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from claimtrack.records.models import ALL_VERDICTS, INTERIM_VERDICTS

STATUSES = ("pending", "due", "unrated", *ALL_VERDICTS)
OPEN_STATUSES = ("pending", "due", "unrated", *INTERIM_VERDICTS)


class VerdictLike(Protocol):
    verdict: str
    checked_on: date
    recorded_at: datetime
    retracted_at: datetime | None
    id: int | None


def is_final(verdict: str) -> bool:
    return verdict not in INTERIM_VERDICTS


def _order(verdict: VerdictLike) -> tuple[date, datetime, int]:
    return (verdict.checked_on, verdict.recorded_at, verdict.id or 0)


def counts_at(verdict: VerdictLike, as_of: datetime, as_of_day: date) -> bool:
    """Whether a verdict counted at ``as_of``: checked by that day, and not yet retracted."""
    return verdict.checked_on <= as_of_day and (
        verdict.retracted_at is None or verdict.retracted_at > as_of
    )


@dataclass(frozen=True)
class Standing:
    """What a claim's verdicts say once all of them are known, kept on the claim row for the
    SQL twin: the verdict that decides its status (the latest final one not retracted, else
    the latest not retracted), the day of the latest check among those, and the moment of
    the latest retraction (before which the standing may not be what was known)."""

    verdict: str | None
    last_checked_on: date | None
    last_retracted_at: datetime | None


def standing(verdicts: Iterable[VerdictLike]) -> Standing:
    every = list(verdicts)
    retractions = [v.retracted_at for v in every if v.retracted_at is not None]
    known = sorted((v for v in every if v.retracted_at is None), key=_order)
    last_retracted = max(retractions, default=None)
    if not known:
        return Standing(None, None, last_retracted)
    finals = [v for v in known if is_final(v.verdict)]
    return Standing((finals or known)[-1].verdict, max(v.checked_on for v in known), last_retracted)


def derive_status(
    due_at: datetime | None, verdicts: Iterable[VerdictLike], as_of: datetime, as_of_day: date
) -> str:
    """The status of a claim at ``as_of`` (``as_of_day`` is that moment's date in the tracker).

    In order: the latest final verdict checked on or before ``as_of_day`` and not retracted
    by ``as_of``; else ``due`` once
    the deadline has passed; else the latest interim verdict; else ``pending`` or ``unrated``.
    """
    known = sorted((v for v in verdicts if counts_at(v, as_of, as_of_day)), key=_order)
    finals = [v for v in known if is_final(v.verdict)]
    if finals:
        return finals[-1].verdict
    if due_at is not None and due_at <= as_of:
        return "due"
    if known:
        return known[-1].verdict
    return "pending" if due_at is not None else "unrated"
