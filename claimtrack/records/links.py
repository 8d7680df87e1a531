"""Typed links between claims, and moved goalposts.

``link`` and ``unlink`` record that one claim supersedes, contradicts, repeats or is part of
another, on both claims' histories. ``revise`` records a later statement that moves a
deadline as a new claim that supersedes the original, never by editing it: the original's
deadline still comes due and still wants a verdict. ``moves`` is the chain of deadlines a
claim belongs to, first statement first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from claimtrack.errors import BadInput, NotFound
from claimtrack.records.attribution import Citation, check_citation, source_for
from claimtrack.records.claims import add_claim, deadline_of, get_claim, record_event, refreshed
from claimtrack.records.models import LINK_KINDS, Claim, ClaimLink
from claimtrack.records.moments import Clock
from claimtrack.records.validation import check_choice, clean


def _supersedes(session: Session, claim_id: int) -> list[int]:
    return list(
        session.exec(
            select(ClaimLink.other_id).where(
                ClaimLink.claim_id == claim_id, ClaimLink.relation == "supersedes"
            )
        )
    )


def reaches(session: Session, start: int, target: int) -> bool:
    """Whether ``start`` supersedes ``target``, directly or through others."""
    seen, todo = set(), [start]
    while todo:
        current = todo.pop()
        if current == target:
            return True
        if current not in seen:
            seen.add(current)
            todo += _supersedes(session, current)
    return False


def link(
    session: Session,
    claim_id: int,
    other_id: int,
    relation: str,
    clock: Clock,
    *,
    note: str | None = None,
    citation: Citation | None = None,
) -> ClaimLink:
    """Record that claim ``claim_id`` ``relation`` claim ``other_id`` (5 supersedes 1)."""
    check_choice(relation, LINK_KINDS, "--as")
    if claim_id == other_id:
        raise BadInput("--as", "a claim cannot be linked to itself; give two claims")
    claim, other = get_claim(session, claim_id), get_claim(session, other_id)
    if relation == "supersedes" and reaches(session, other_id, claim_id):
        raise BadInput(
            "--as",
            f"#{other_id} already supersedes #{claim_id} (directly or through others); "
            "a chain of statements cannot loop",
        )
    exists = session.exec(
        select(ClaimLink.id).where(
            ClaimLink.claim_id == claim_id,
            ClaimLink.other_id == other_id,
            ClaimLink.relation == relation,
        )
    ).first()
    if exists is not None:
        raise BadInput("--as", f"#{claim_id} {relation} #{other_id} is recorded already")
    checked = check_citation(citation, "--source") if citation is not None else None
    source = source_for(session, checked.source, clock) if checked is not None else None
    made = ClaimLink(
        claim_id=claim_id,
        other_id=other_id,
        relation=relation,
        note=clean(note),
        source_id=source.id if source else None,
        quote=checked.quote if checked else None,
        created_at=clock.now,
    )
    session.add(made)
    session.flush()
    data = {"relation": relation, "note": made.note, "source": source.url if source else None}
    record_event(session, claim, "linked", clock, other=other_id, direction="to", **data)
    record_event(session, other, "linked", clock, other=claim_id, direction="from", **data)
    refreshed(session, claim)
    refreshed(session, other)
    return made


def unlink(
    session: Session, claim_id: int, other_id: int, relation: str | None, clock: Clock
) -> list[str]:
    """Remove the links from ``claim_id`` to ``other_id`` (of ``relation``, else all);
    the relations removed. Both histories keep the link and its removal."""
    claim, other = get_claim(session, claim_id), get_claim(session, other_id)
    if relation is not None:
        check_choice(relation, LINK_KINDS, "--as")
    query = select(ClaimLink).where(ClaimLink.claim_id == claim_id, ClaimLink.other_id == other_id)
    if relation is not None:
        query = query.where(ClaimLink.relation == relation)
    found = list(session.exec(query))
    if not found:
        raise NotFound(
            "link", f"#{claim_id} has no link to #{other_id}; see: claimtrack show {claim_id}"
        )
    for made in found:
        for one, direction, two in ((claim, "to", other_id), (other, "from", claim_id)):
            record_event(
                session,
                one,
                "unlinked",
                clock,
                other=two,
                direction=direction,
                relation=made.relation,
            )
        session.delete(made)
    session.flush()
    refreshed(session, claim)
    refreshed(session, other)
    return [made.relation for made in found]


def revise(
    session: Session,
    claim_id: int,
    clock: Clock,
    *,
    deadline: str,
    stated_on: date,
    text: str | None = None,
    citation: Citation | None = None,
    note: str | None = None,
) -> Claim:
    """A later statement moving the deadline of ``claim_id``: a new claim, as said then,
    that supersedes it. The original keeps its own deadline, comes due and wants a verdict."""
    original = get_claim(session, claim_id)
    if original.stated_on is not None and stated_on < original.stated_on:
        raise BadInput(
            "--stated",
            f"{stated_on.isoformat()} is before #{claim_id} was stated "
            f"({original.stated_on.isoformat()}); a revision comes after what it revises",
        )
    revised = add_claim(
        session,
        text or original.text,
        claimants=original.claimants,
        clock=clock,
        kind=original.kind,
        language=original.language,
        translation=None if text else original.translation,
        stated_on=stated_on,
        deadline=deadline,
        citations=[citation] if citation else [],
        tags=original.tags,
        criteria=original.criteria,
        context=original.context,
        duplicate_ok=True,  # the same words, said again with another deadline
    )
    assert revised.id is not None
    assert original.id is not None
    link(session, revised.id, original.id, "supersedes", clock, note=note)
    return refreshed(session, revised)


@dataclass(frozen=True)
class Move:
    """One statement of a chain of deadlines: the claim, when it was said, its deadline."""

    claim_id: int
    stated_on: date | None
    deadline: Any
    claimants: list[str]


def moves(session: Session, claim: Claim) -> list[Move]:
    """The chain of statements ``claim`` belongs to through ``supersedes``, first statement
    first; a single claim alone when it supersedes nothing and nothing supersedes it."""
    first = claim
    seen = {claim.id}
    while True:
        earlier = [link for link in first.links_out if link.relation == "supersedes"]
        if not earlier:
            break
        before = session.get(Claim, earlier[0].other_id)
        if before is None or before.id in seen:
            break
        seen.add(before.id)
        first = before
    chain, current = [first], first
    while True:
        later = [link for link in current.links_in if link.relation == "supersedes"]
        nxt = None
        for made in sorted(later, key=lambda made: made.id or 0):
            candidate = session.get(Claim, made.claim_id)
            if candidate is not None and candidate.id not in {c.id for c in chain}:
                nxt = candidate
                break
        if nxt is None:
            break
        chain.append(nxt)
        current = nxt
    return [
        Move(c.id or 0, c.stated_on, deadline_of(c), c.claimants)
        for c in chain
        if c.removed_at is None
    ]


# How a link reads from the other claim's side: #5 supersedes #1, so #1 is superseded by #5.
RELATED = {
    "supersedes": "superseded by",
    "contradicts": "contradicted by",
    "repeats": "repeated by",
    "part-of": "has as a part",
}


def related(claim: Claim) -> list[tuple[str, int, ClaimLink]]:
    """The claim's links from both sides, each as words, the other claim's number and the
    link: ("supersedes", 1, …), ("superseded by", 5, …)."""
    found = [(made.relation, made.other_id, made) for made in claim.links_out]
    return found + [(RELATED[made.relation], made.claim_id, made) for made in claim.links_in]


def find(session: Session, claim_id: int) -> list[ClaimLink]:
    return list(
        session.exec(
            select(ClaimLink).where(
                (col(ClaimLink.claim_id) == claim_id) | (col(ClaimLink.other_id) == claim_id)
            )
        )
    )
