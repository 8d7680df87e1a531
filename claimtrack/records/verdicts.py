"""Verdicts: recording one with its evidence, and a claim's standing (its settling verdict
and last check) worked out again after a verdict or a retraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from claimtrack.errors import BadInput
from claimtrack.records.attribution import Citation, check_citation, cite
from claimtrack.records.claims import get_claim, record_event, refreshed
from claimtrack.records.models import (
    BREAK_CAUSES,
    INTERIM_VERDICTS,
    LOOK_NOW,
    Claim,
    Verdict,
)
from claimtrack.records.moments import Clock
from claimtrack.records.sql import chunks
from claimtrack.records.status import standing
from claimtrack.records.validation import (
    check_checked_after_stated,
    check_choice,
    check_not_future,
    check_verdict,
    clean,
)


def verdict_data(
    verdict: str, note: str, checked_on: date, evidence: Sequence[str | None]
) -> dict[str, Any]:
    """What a "verdict" history entry records."""
    return {
        "verdict": verdict,
        "note": note,
        "checked_on": checked_on.isoformat(),
        "evidence": list(evidence),
    }


def retraction_data(verdict: Verdict, reason: str, corrected_by: int | None) -> dict[str, Any]:
    """What a "retracted" history entry records (the corrections log reads it); the CLI's
    retraction and an import's write the same."""
    return {
        "verdict_id": verdict.id,
        "verdict": verdict.verdict,
        "checked_on": verdict.checked_on.isoformat(),
        "reason": reason,
        "corrected_by": corrected_by,
    }


def check_happened(happened_on: date, checked_on: date, stated_on: date | None) -> None:
    """An outcome happens after the claim was made and before it is checked."""
    if happened_on > checked_on:
        raise BadInput(
            "--happened-on",
            f"{happened_on.isoformat()} is after the check of {checked_on.isoformat()}; an "
            "outcome is checked once it has happened",
        )
    if stated_on is not None and happened_on < stated_on:
        raise BadInput(
            "--happened-on",
            f"{happened_on.isoformat()} is before the claim was stated on {stated_on.isoformat()}",
        )


def days_late(verdict: Verdict, deadline_day: date | None) -> int | None:
    """How many days after the deadline a kept promise's outcome happened (None: on time,
    or not known)."""
    if verdict.verdict != "kept" or verdict.happened_on is None or deadline_day is None:
        return None
    late = (verdict.happened_on - deadline_day).days
    return late if late > 0 else None


def record_verdict(
    session: Session,
    claim_id: int,
    verdict: str,
    *,
    note: str,
    clock: Clock,
    checked_on: date | None = None,
    evidence: Sequence[Citation] = (),
    reviewer: str | None = None,
    happened_on: date | None = None,
    cause: str | None = None,
) -> Verdict:
    """Record the outcome of a check; earlier verdicts stay, the latest one counts.
    ``happened_on`` is the day the outcome happened (not the day it was checked); ``cause``
    says why a broken promise broke."""
    claim = get_claim(session, claim_id)
    check_verdict(verdict, claim.kind)
    note = note.strip()
    if not note:
        raise BadInput("--note", "a verdict needs a note saying what was found")
    checked_on = checked_on or clock.today
    check_not_future(checked_on, clock, "--checked-on")
    check_checked_after_stated(checked_on, claim.stated_on, "--checked-on")
    checked = [check_citation(c, "--source") for c in evidence]
    if happened_on is not None:
        check_happened(happened_on, checked_on, claim.stated_on)
    if cause is not None:
        check_choice(cause, BREAK_CAUSES, "--cause")
        if verdict != "broken":
            raise BadInput(
                "--cause", f"a cause says why a promise broke; '{verdict}' is not broken"
            )
    row = Verdict(
        happened_on=happened_on,
        cause=cause,
        claim_id=claim.id,
        verdict=verdict,
        note=note,
        checked_on=checked_on,
        recorded_at=clock.now,
        reviewer=clean(reviewer) or clock.who,
    )
    session.add(row)
    session.flush()
    for citation in checked:
        cite(session, claim, citation, "evidence", clock, verdict=row)
    record_event(
        session,
        claim,
        "verdict",
        clock,
        **verdict_data(
            verdict, note, checked_on, [c.source.url or c.source.title for c in checked]
        ),
        **({"happened_on": happened_on.isoformat()} if happened_on else {}),
        **({"cause": cause} if cause else {}),
    )
    claim.updated_at = clock.now
    restand(session, [claim.id])
    refreshed(session, claim)
    return row


def restand(session: Session, claim_ids: Sequence[int | None]) -> None:
    """Bring the stored standing of these claims in line with their verdicts, in the
    caller's transaction: every writer of verdicts calls it (the importer sets it as it
    inserts new claims)."""
    session.flush()
    for some in chunks([i for i in claim_ids if i is not None]):
        found: dict[int, list[Verdict]] = {i: [] for i in some}
        for row in session.exec(select(Verdict).where(col(Verdict.claim_id).in_(some))):
            found[row.claim_id].append(row)
        for claim_id, verdicts in found.items():
            now = standing(verdicts)
            session.execute(
                update(Claim)
                .where(col(Claim.id) == claim_id)
                .values(
                    verdict=now.verdict,
                    last_checked_on=now.last_checked_on,
                    last_retracted_at=now.last_retracted_at,
                )
                .execution_options(synchronize_session=False)
            )


def _settles(verdict: str | None) -> bool:
    return verdict is not None and verdict not in INTERIM_VERDICTS


def restand_after_retraction(session: Session, claim_id: int) -> None:
    """``restand`` one claim whose verdict was just retracted. If that took away the final
    verdict that settled it, the claim is open again: one more reopening, so the monitor
    flags it once more; in any case the monitor looks at it again."""
    session.flush()
    before, due_at = session.execute(
        select(Claim.verdict, Claim.due_at).where(col(Claim.id) == claim_id)
    ).one()
    restand(session, [claim_id])
    after = session.execute(select(Claim.verdict).where(col(Claim.id) == claim_id)).scalar_one()
    values: dict[str, Any] = {"watch_at": LOOK_NOW} if due_at is not None else {}
    if _settles(before) and not _settles(after):
        values["reopenings"] = Claim.reopenings + 1
    if values:
        session.execute(
            update(Claim)
            .where(col(Claim.id) == claim_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
