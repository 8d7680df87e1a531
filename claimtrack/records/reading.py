"""Reading the record: statuses at a moment, lists filtered and paged in SQL, search,
a claim's history, and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from claimtrack.records import search
from claimtrack.records.claims import check_claim, get_claim
from claimtrack.records.models import (
    Actor,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
    Verdict,
)
from claimtrack.records.moments import AsOf
from claimtrack.records.sql import count_rows
from claimtrack.records.status import STATUSES, derive_status
from claimtrack.records.status_sql import has_status, live
from claimtrack.records.validation import check_choice


def verdicts_at(claim: Claim, as_of: AsOf | None) -> list[tuple[Verdict, bool]]:
    """The claim's verdicts as the record stood at ``as_of`` (None: all, as it stands),
    oldest first, each with whether it had been retracted by then: a verdict checked after
    ``as_of`` was not known yet; one retracted later still counted then."""
    if as_of is None:
        return [(v, v.retracted_at is not None) for v in claim.verdicts]
    return [
        (v, v.retracted_at is not None and v.retracted_at <= as_of.moment)
        for v in claim.verdicts
        if v.checked_on <= as_of.day
    ]


def status_of(claim: Claim, as_of: AsOf) -> str:
    return derive_status(claim.due_at, claim.verdicts, as_of.moment, as_of.day)


def claim_statuses(
    session: Session, claim_ids: Sequence[int], as_of: AsOf
) -> list[tuple[int, str]]:
    """The status of each claim asked for; an unknown id refuses the whole request."""
    claims = [get_claim(session, claim_id) for claim_id in claim_ids]
    return [(claim.id or 0, status_of(claim, as_of)) for claim in claims]


def list_claims(
    session: Session,
    as_of: AsOf,
    *,
    status: str | None = None,
    claimant: str | None = None,
    tag: str | None = None,
    due_before: date | None = None,
    matching: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[tuple[Claim, str]]:
    """Claims with their status at ``as_of``, filtered (``matching``: words to search for),
    soonest deadline first."""
    if status is not None:
        check_choice(status, STATUSES, "--status")
    query = select(Claim).where(live())
    if matching is not None:  # words to search for, which the search refuses if it has none
        query = query.where(col(Claim.id).in_(search.matching(session, matching)))
    if claimant:
        # The claimants whose name holds the words first (a scan of the claimants, a few
        # thousand), then their claims by the actor_id index: joined the other way round,
        # SQLite read every claim's claimants (80 ms a page at 100k claims).
        named = select(Actor.id).where(func.lower(Actor.name).contains(claimant.strip().lower()))
        query = query.where(
            col(Claim.id).in_(
                select(ClaimActor.claim_id).where(col(ClaimActor.actor_id).in_(named))
            )
        )
    if tag:
        query = query.where(
            col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == tag.strip().lower()))
        )
    if due_before is not None:
        query = query.where(col(Claim.deadline_date) < due_before)
    if status is not None:  # in SQL: only the page asked for is read, whatever the size
        query = query.where(has_status(status, as_of.moment, as_of.day))
    # Soonest deadline first, claims without one last: two queries, each in the order of an
    # index, rather than one that sorts every claim to put NULLs last.
    dated = query.where(col(Claim.due_at).is_not(None)).order_by(col(Claim.due_at), col(Claim.id))
    found = list(session.exec(dated.offset(offset).limit(limit)))
    if limit is None or len(found) < limit:
        # Past the dated claims: how many there were tells where the undated ones start.
        before = offset + len(found) if found or not offset else count_rows(session, dated)
        undated = query.where(col(Claim.due_at).is_(None)).order_by(col(Claim.id))
        rest = None if limit is None else limit - len(found)
        found += session.exec(undated.offset(max(0, offset - before)).limit(rest))
    return [(claim, status_of(claim, as_of)) for claim in found]


def search_claims(session: Session, query: str, *, limit: int = 50) -> list[Claim]:
    """Claims whose text, translation, quotes, verdict notes, claimants or tags match ``query``."""
    ids = search.matching_ids(session, query, limit=limit)
    if not ids:
        return []
    found = select(Claim).where(col(Claim.id).in_(ids))
    claims = {c.id: c for c in session.exec(found)}
    return [claims[i] for i in ids if i in claims]


def history(session: Session, claim_id: int) -> list[Event]:
    """Every change to the claim, oldest first; a removed claim's too (its removal is one)."""
    check_claim(session, claim_id, removed=True)
    return list(
        session.exec(
            select(Event).where(Event.claim_id == claim_id).order_by(col(Event.at), col(Event.id))
        )
    )


def evidence_by_verdict(claim: Claim) -> dict[int, list[ClaimSource]]:
    found: dict[int, list[ClaimSource]] = {}
    for link in claim.source_links:
        if link.verdict_id is not None:
            found.setdefault(link.verdict_id, []).append(link)
    return found


def count_claims(session: Session, *, removed: bool = False) -> int:
    """How many claims the record holds (with ``removed``, those removed too)."""
    query = select(func.count()).select_from(Claim)
    return session.exec(query if removed else query.where(live())).one()
