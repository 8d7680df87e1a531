"""Reading the record: statuses at a moment, lists filtered and paged in SQL, search,
a claim's history, and counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from math import isqrt
from typing import Any

from sqlalchemy import exists, func, tuple_
from sqlalchemy.orm import lazyload, selectinload
from sqlmodel import Session, col, select

from claimtrack.errors import NotFound
from claimtrack.language import gettext as _
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
from claimtrack.records.status_sql import has_status, live, status_condition
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


UNDATED = "unrated"  # the one status only claims without a deadline have
DENSE = 64  # about a list page (50) and the one more read: see tagged
# A list's row shows a claim's text, claimants, deadline and status (from its verdicts): the
# claim's other collections, and each verdict's evidence, are left to load if touched. A
# page of 50 claims read them all: five more queries, and most of its objects.
ROW_LOADING = (
    lazyload(Claim.tag_links),  # type: ignore[arg-type]
    lazyload(Claim.source_links),  # type: ignore[arg-type]
    lazyload(Claim.links_out),  # type: ignore[arg-type]
    lazyload(Claim.links_in),  # type: ignore[arg-type]
    selectinload(Claim.verdicts).lazyload(Verdict.evidence),  # type: ignore[arg-type]
)


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
    after: int | None = None,
    before: int | None = None,
    rows_only: bool = False,
) -> list[tuple[Claim, str]]:
    """Claims with their status at ``as_of``, filtered (``matching``: words to search for),
    soonest deadline first; those after (or before) the claim ``after`` (``before``) in that
    order, when given, instead of from ``offset``. With ``rows_only`` (a page of a list),
    only what a list's row shows is read with them: claimants and verdicts; anything else
    is read if asked for, claim by claim."""
    query = _listed(session, as_of, status, claimant, tag, due_before, matching)
    if rows_only:
        query = query.options(*ROW_LOADING)
    dated = status != UNDATED
    if after is not None or before is not None:
        found = _from_cursor(session, query, after, before, limit, dated)
        return [(c, status_of(c, as_of)) for c in found]
    # Soonest deadline first, claims without one last: two queries, each in the order of an
    # index, rather than one that sorts every claim to put NULLs last.
    by_deadline = query.where(col(Claim.due_at).is_not(None))
    by_deadline = by_deadline.order_by(col(Claim.due_at), col(Claim.id))
    found = list(session.exec(by_deadline.offset(offset).limit(limit))) if dated else []
    if limit is None or len(found) < limit:
        # Past the dated claims: how many there were tells where the undated ones start.
        before = (
            offset + len(found)
            if found or not offset or not dated
            else count_rows(session, by_deadline)
        )
        undated = query.where(col(Claim.due_at).is_(None)).order_by(col(Claim.id))
        rest = None if limit is None else limit - len(found)
        found += session.exec(undated.offset(max(0, offset - before)).limit(rest))
    return [(claim, status_of(claim, as_of)) for claim in found]


def ids_before(
    session: Session,
    as_of: AsOf,
    before: int,
    limit: int,
    *,
    status: str | None = None,
    claimant: str | None = None,
    tag: str | None = None,
    matching: str | None = None,
) -> list[int]:
    """The ids of the ``limit`` claims just before the claim ``before`` in the list, in its
    order: where a list page's link back goes, read as ids from the index, not ``limit``
    claims loaded whole with everything that hangs from them."""
    query = _listed(session, as_of, status, claimant, tag, None, matching)
    ids = query.with_only_columns(col(Claim.id))
    return _from_cursor(session, ids, None, before, limit, status != UNDATED)


def page_starts(
    session: Session,
    as_of: AsOf,
    size: int,
    *,
    status: str | None = None,
    claimant: str | None = None,
    tag: str | None = None,
    matching: str | None = None,
) -> list[int | None]:
    """Where each page of ``size`` claims of the list starts, counted from its first: None
    for the first page, then the claim each later page starts after (the last of the page
    before). A publish asks this once a list and then writes every page of it at once,
    where following each page's link to the next would write a long list one page at a
    time. Read as ids from the index, in the list's order (list_claims). Read whole, a
    tag's list starts from the tag's own claims, however common the tag (walking the
    deadline index for it took 4 s at a million claims, 0.2 s so)."""
    query = _listed(session, as_of, status, claimant, tag, None, matching, whole=True)
    ids = query.with_only_columns(col(Claim.id))
    due_at = col(Claim.due_at)
    found: list[int] = []
    if status != UNDATED:
        found += session.exec(ids.where(due_at.is_not(None)).order_by(due_at, col(Claim.id)))
    found += session.exec(ids.where(due_at.is_(None)).order_by(col(Claim.id)))
    return [None, *(found[end] for end in range(size - 1, len(found) - 1, size))]


def _listed(
    session: Session,
    as_of: AsOf,
    status: str | None,
    claimant: str | None,
    tag: str | None,
    due_before: date | None,
    matching: str | None,
    whole: bool = False,
) -> Any:
    """The claims a list holds, in no order yet: the live ones, filtered; ``whole``: to be
    read whole, not a page of it (see tagged)."""
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
    widely = False  # a tag a large share of the claims carry (tagged)
    if tag:
        tag = tag.strip().lower()
        widely = not whole and _common(session, tag)
        query = query.where(tagged(session, tag, widely))
    if due_before is not None:
        query = query.where(col(Claim.deadline_date) < due_before)
    if status is not None:  # in SQL: only the page asked for is read, whatever the size
        # A list narrowed to a few claims (a claimant's, a search's, a rare tag's) is read
        # from those, each one's status tested: from the (verdict, due_at) index, SQLite
        # would walk every claim of that status to find the few (a claimant's pending
        # claims: 30 -> 98 ms a page at a million claims).
        narrow = claimant or matching is not None or (tag and not widely)
        moment, day = as_of.moment, as_of.day
        if narrow:
            query = query.where(has_status(status, moment, day))
        else:
            query = query.where(status_condition(session, status, moment, day))
    return query


def tagged(session: Session, tag: str, widely: bool | None = None) -> Any:
    """The condition that a claim carries ``tag``, in the form that reads a list's page
    fastest for a tag that size.

    A tag a large share of the claims carry is tested claim by claim as the list walks its
    deadline index (EXISTS on claim_tag's key): a page costs about PAGE x claims / tagged
    lookups. A rarer tag's claims are read from the tag index first (IN), which costs the
    tag's size and a sort. The first wins once the tag's size squared passes PAGE x claims.
    SQLite keeps no statistics per value to choose by itself: at a million claims a page of
    a tag of 67,000 took 140 to 740 ms by IN and 9 to 30 ms by EXISTS, and a tag of ten
    claims would take a walk of the whole index by EXISTS. The tag is counted only up to
    where the choice is made (an index range of a few thousand entries at most), once a
    session: a page reads its claims and then its link back. ``widely`` says it when
    already known; a list read whole is read from the tag's claims, which costs the tag's
    size, where EXISTS costs the whole record."""
    if _common(session, tag) if widely is None else widely:
        return exists().where(ClaimTag.claim_id == Claim.id, ClaimTag.tag == tag)
    return col(Claim.id).in_(select(ClaimTag.claim_id).where(ClaimTag.tag == tag))


def _common(session: Session, tag: str) -> bool:
    """Whether a page of the tag's list is found sooner by walking the deadline index than
    from the tag's own claims (tagged says when)."""
    chosen: dict[str, bool] = session.info.setdefault("common tags", {})
    if tag not in chosen:
        top = session.exec(select(func.max(Claim.id))).one() or 0  # about how many claims
        enough = isqrt(DENSE * top) + 1
        # The tag column alone: read from the tag's index without a visit to each row.
        carrying = select(ClaimTag.tag).where(ClaimTag.tag == tag).limit(enough)
        counted = select(func.count()).select_from(carrying.subquery())
        chosen[tag] = session.exec(counted).one() >= enough
    return chosen[tag]


def _from_cursor(
    session: Session,
    query: Any,
    after: int | None,
    before: int | None,
    limit: int | None,
    dated: bool = True,
) -> list[Any]:
    """The page of ``query`` that follows the claim ``after`` (or precedes ``before``) in
    the lists' order (deadline, then id; claims without a deadline last), read from the
    ``due_at`` index where that claim stands: the cost of a page, however deep. An offset
    makes the database step over every claim before the page: a second a page, deep in the
    list of every claim at a million claims (docs/benchmarks.md)."""
    cursor = after if after is not None else before
    name = "after" if after is not None else "before"
    due_at, id_ = col(Claim.due_at), col(Claim.id)
    found = session.exec(select(Claim.id, Claim.due_at).where(id_ == cursor)).first()
    if found is None:
        said = _("no claim %(id)s to page from; start again from the list's first page")
        raise NotFound(name, said % {"id": cursor})
    at = found[1]  # the cursor claim's deadline, None for one without
    # A list of claims without a deadline (``dated`` False) asks nothing of the dated part:
    # neither planner sees "due_at IS NULL AND due_at IS NOT NULL" is empty, and SQLite
    # would walk every open claim dated after the cursor to find so (60 ms at 1M).
    dated_part = query.where(due_at.is_not(None)) if dated else None
    undated = query.where(due_at.is_(None))
    # Past the cursor in (due_at, id) order, said as a row value (with a plain range on
    # due_at beside it, which either planner reads from the index): "due_at > at OR
    # (due_at = at AND id > after)" made SQLite join two index searches and sort every claim
    # they gave, about a second a page in the middle of a million claims.
    pair = tuple_(due_at, id_)
    if after is not None:
        first = None
        if at is not None and dated_part is not None:
            first = dated_part.where(due_at >= at, pair > tuple_(at, after))
        then = undated.where(id_ > after) if at is None else undated
        parts = [(first, (due_at, id_)), (then, (id_,))]
    else:
        first = undated.where(id_ < before) if at is None else None
        then = dated_part
        if at is not None and dated_part is not None:
            then = dated_part.where(due_at <= at, pair < tuple_(at, before))
        parts = [(first, (id_.desc(),)), (then, (due_at.desc(), id_.desc()))]
    rows: list[Any] = []
    for part, order in parts:
        if part is None or (limit is not None and len(rows) >= limit):
            continue
        wanted = None if limit is None else limit - len(rows)
        rows += session.exec(part.order_by(*order).limit(wanted))
    return rows if after is not None else rows[::-1]


def search_claims(session: Session, query: str, *, limit: int = 50) -> list[Claim]:
    """Claims whose text, translation, quotes, verdict notes, claimants or tags match ``query``."""
    ids = search.matching_ids(session, query, limit=limit)
    if not ids:
        return []
    found = select(Claim).where(col(Claim.id).in_(ids))
    claims = {c.id: c for c in session.exec(found)}
    return [claims[i] for i in ids if i in claims]


def history(session: Session, claim_id: int, *, removed: bool = True) -> list[Event]:
    """Every change to the claim, oldest first; a removed claim's too (its removal is one),
    unless ``removed`` is False: then a removed claim is refused, as its pages refuse it."""
    check_claim(session, claim_id, removed=removed)
    return events_of(session, claim_id)


def events_of(session: Session, claim_id: int) -> list[Event]:
    """The claim's changes, oldest first, for a caller that already holds the claim."""
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
