"""Operations on claims: record one with its deadline, claimants and source, cite another
source, edit what was recorded, and fetch one by its id.

Every function takes the session of the caller's one transaction and validates all of its
input before it writes anything, so a refused change leaves the database as it was. Each
change appends an Event, the claim's history. Nothing here prints.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Collection, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import Deadline, Term
from claimtrack.deadlines.hand import HandReading, read_by_hand
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput, NotFound, Removed
from claimtrack.language import gettext as _
from claimtrack.records import search
from claimtrack.records.attribution import (
    Citation,
    actor_named,
    check_citation,
    cite,
    term_of,
)
from claimtrack.records.models import (
    CLAIM_KINDS,
    EVENT_KINDS,
    LOOK_NOW,
    SOURCE_ROLES,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
)
from claimtrack.records.moments import Clock
from claimtrack.records.sql import chunks, one_of
from claimtrack.records.validation import (
    check_choice,
    check_deadline_after_stated,
    check_language,
    check_not_future,
    check_tags,
    clean,
    find_duplicate,
)

# --- writing --------------------------------------------------------------------------------


def record_event(session: Session, claim: Claim, event: str, clock: Clock, **data: Any) -> None:
    """Append one entry to the claim's history, in the caller's transaction."""
    assert claim.id is not None
    assert event in EVENT_KINDS, event
    session.add(Event(claim_id=claim.id, kind=event, at=clock.now, actor=clock.who, data=data))


def created_data(
    text: str,
    claimants: Sequence[str],
    kind: str,
    deadline: dict[str, Any] | None,
    tags: Sequence[str],
    sources: Sequence[str | None],
) -> dict[str, Any]:
    """What a claim's "created" history entry records (an import without history writes the
    same)."""
    return {
        "text": text,
        "claimants": list(claimants),
        "kind": kind,
        "deadline": deadline,
        "tags": list(tags),
        "sources": list(sources),
    }


def read_deadline(
    phrase: str | None,
    stated_on: date | None,
    term: Term | None = None,
    hand: HandReading | None = None,
    notes: list[str] | None = None,
) -> Deadline | None:
    """The reading of ``phrase``: the reader's, or the one given by ``hand`` (a note is added
    to ``notes`` when the reader reads the phrase otherwise)."""
    if hand is not None:
        reading, note = read_by_hand(phrase, hand, stated_on, term)
        if note and notes is not None:
            notes.append(note)
        return reading
    if phrase is None or not phrase.strip():
        return None
    return parse_deadline(phrase, stated=stated_on, term=term)


def _set_deadline(claim: Claim, deadline: Deadline | None, tz: tzinfo) -> None:
    claim.deadline_text = deadline.text if deadline else None
    claim.deadline_kind = deadline.kind if deadline else None
    claim.deadline_date = deadline.date if deadline else None
    claim.deadline_precision = deadline.precision if deadline else None
    claim.deadline_read_by = deadline.read_by if deadline else None
    claim.due_at = deadline.due_at(tz) if deadline else None
    # A new or changed deadline: the monitor plans its reminders and flag on its next sweep.
    claim.watch_at = LOOK_NOW if deadline else None


def deadline_of(claim: Claim) -> Deadline | None:
    if claim.deadline_text is None or claim.deadline_date is None:
        return None
    return Deadline(
        claim.deadline_text,
        claim.deadline_kind or "by",
        claim.deadline_date,
        claim.deadline_precision or "day",
        claim.deadline_read_by or "reader",
    )


def add_claim(
    session: Session,
    text: str,
    *,
    claimants: Sequence[str],
    clock: Clock,
    kind: str = "commitment",
    language: str = "en",
    translation: str | None = None,
    stated_on: date | None = None,
    deadline: str | None = None,
    citations: Sequence[Citation] = (),
    tags: Sequence[str] = (),
    criteria: str | None = None,
    context: str | None = None,
    claim_uuid: str | None = None,
    duplicate_ok: bool = False,
    hand: HandReading | None = None,
    notes: list[str] | None = None,
) -> Claim:
    """Record a claim as it was said, with who said it, its deadline and its sources.

    The deadline is the reader's reading of the phrase ``deadline``, or the one given by
    ``hand``; what the reader said of a hand's reading goes to ``notes``. The same text
    (case, accents, spacing and punctuation aside) by the same claimants as a claim already
    recorded is refused, naming it, unless ``duplicate_ok``."""
    text = text.strip()
    if not text:
        raise BadInput("text", "empty claim text; give the claim as it was said, in quotes")
    names = [name.strip() for name in claimants if name.strip()]
    if not names:
        raise BadInput("--by", "a claim needs at least one claimant, e.g. --by 'Sabrina Singh'")
    check_choice(kind, CLAIM_KINDS, "--kind")
    check_language(language)
    check_not_future(stated_on, clock, "--stated")
    reading = read_deadline(deadline, stated_on, term_of(session, names), hand, notes)
    check_deadline_after_stated(kind, reading, stated_on)
    checked = [check_citation(c, "--source") for c in citations]
    tag_names = check_tags(tags)
    if not duplicate_ok:
        same = find_duplicate(session, text, names)
        if same is not None:
            raise BadInput(
                "text",
                f"claim {same} already records this text by {', '.join(dict.fromkeys(names))}; "
                f"see it with: claimtrack show {same}, or add it again with --duplicate-ok "
                "(duplicate_ok in the API)",
            )
    if claim_uuid is not None:
        try:
            claim_uuid = str(uuidlib.UUID(claim_uuid))
        except ValueError:
            raise BadInput("uuid", f"'{claim_uuid}' is not a UUID") from None
        if session.exec(select(Claim.id).where(Claim.uuid == claim_uuid)).first() is not None:
            raise BadInput("uuid", f"a claim with uuid {claim_uuid} exists already")

    claim = Claim(
        uuid=claim_uuid or str(uuidlib.uuid4()),
        text=text,
        language=language,
        translation=clean(translation),
        kind=kind,
        stated_on=stated_on,
        criteria=clean(criteria),
        context=clean(context),
        created_at=clock.now,
        updated_at=clock.now,
    )
    _set_deadline(claim, reading, clock.tz)
    session.add(claim)
    session.flush()
    assert claim.id is not None
    for position, name in enumerate(dict.fromkeys(names)):
        actor_id = actor_named(session, name).id
        assert actor_id is not None
        session.add(ClaimActor(claim_id=claim.id, actor_id=actor_id, position=position))
    for tag in tag_names:
        session.add(ClaimTag(claim_id=claim.id, tag=tag))
    for citation in checked:
        cite(session, claim, citation, "origin", clock)
    record_event(
        session,
        claim,
        "created",
        clock,
        **created_data(
            text,
            names,
            kind,
            reading.to_json(clock.tz) if reading else None,
            tag_names,
            [c.source.url or c.source.title for c in checked],
        ),
    )
    return refreshed(session, claim)


def refreshed(session: Session, claim: Claim) -> Claim:
    session.flush()
    search.reindex(session, claim.id)
    session.expire(claim)
    return get_claim(session, claim.id)


def get_claim(session: Session, claim_id: int | None, *, removed: bool = False) -> Claim:
    """The claim of that id; a removed one only when ``removed`` is asked for (its history,
    restoring or purging it), else it is refused as :class:`Removed`."""
    claim = session.get(Claim, claim_id) if claim_id is not None else None
    if claim is None:
        raise _not_found(claim_id)
    if claim.removed_at is not None and not removed:
        raise _removed(claim_id, claim.removed_at, claim.removal_reason)
    return claim


def load_claims(session: Session, ids: Collection[int]) -> list[Claim]:
    """The claims of those ids with everything ``get_claim`` loads (claimants, sources,
    verdicts, links: each one query for them all), for answers about many claims read in
    one session (a publish): ``get_claim`` then finds each in the session, no query. The
    caller holds the list while it needs them (the session holds its objects weakly)."""
    found: list[Claim] = []
    for chunk in chunks(sorted(ids)):
        found += session.exec(select(Claim).where(one_of(session, col(Claim.id), chunk))).all()
    return found


def check_claim(session: Session, claim_id: int, *, removed: bool = False) -> None:
    """Refuses as :func:`get_claim` does, reading one row's two columns: loading a claim
    loads its claimants, sources, verdicts and links too (a dozen queries), which an
    answer that only needs to know the claim is there (its history) should not pay."""
    found = session.exec(
        select(Claim.removed_at, Claim.removal_reason).where(Claim.id == claim_id)
    ).first()
    if found is None:
        raise _not_found(claim_id)
    if found[0] is not None and not removed:
        raise _removed(claim_id, found[0], found[1])


def _not_found(claim_id: int | None) -> NotFound:
    said = _("no claim with id %(id)s") % {"id": claim_id}
    return NotFound("claim", said, "list them with: claimtrack list")


def _removed(claim_id: int | None, removed_at: datetime, reason: str | None) -> Removed:
    return Removed(
        "claim",
        _("claim %(id)s was removed on %(day)s (%(reason)s)")
        % {"id": claim_id, "day": removed_at.date().isoformat(), "reason": reason},
        f"bring it back with: claimtrack restore {claim_id}",
    )


def add_source(
    session: Session,
    claim_id: int,
    citation: Citation,
    *,
    clock: Clock,
    role: str = "origin",
) -> ClaimSource:
    """Cite one more source for a claim, with the exact quote it holds."""
    claim = get_claim(session, claim_id)
    check_choice(role, SOURCE_ROLES, "--role")
    checked = check_citation(citation, "url")
    link = cite(session, claim, checked, role, clock)
    record_event(
        session,
        claim,
        "source_added",
        clock,
        url=checked.source.url,
        title=checked.source.title,
        quote=checked.quote,
        role=role,
    )
    claim.updated_at = clock.now
    refreshed(session, claim)
    return link


_UNSET: Any = object()


def edit_claim(
    session: Session,
    claim_id: int,
    *,
    clock: Clock,
    text: str | None = None,
    kind: str | None = None,
    language: str | None = None,
    translation: str | None = None,
    stated_on: date | None = None,
    deadline: str | None = _UNSET,
    criteria: str | None = None,
    context: str | None = None,
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    hand: HandReading | None = None,
    notes: list[str] | None = None,
) -> Claim:
    """Change what was recorded of a claim; the history keeps the values before and after.

    ``deadline=""`` removes the deadline; leaving it out keeps it. ``hand`` gives the
    reading by hand (of the new phrase, or of the one recorded). A new stated date moves a
    relative phrase read by the reader, never a reading given by hand.
    """
    claim = get_claim(session, claim_id)
    changes: dict[str, dict[str, Any]] = {}
    new: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise BadInput("--text", "empty claim text; give the claim as it was said")
        new["text"] = text.strip()
    if kind is not None:
        new["kind"] = check_choice(kind, CLAIM_KINDS, "--kind")
    if language is not None:
        new["language"] = check_language(language)
    if translation is not None:
        new["translation"] = clean(translation)
    if criteria is not None:
        new["criteria"] = clean(criteria)
    if context is not None:
        new["context"] = clean(context)
    if stated_on is not None:
        check_not_future(stated_on, clock, "--stated")
        earliest = min(
            (v.checked_on for v in claim.verdicts if v.retracted_at is None), default=None
        )
        if earliest is not None and earliest < stated_on:
            raise BadInput(
                "--stated",
                f"{stated_on.isoformat()} is after the claim's check of {earliest.isoformat()}; "
                "a claim is stated before it is checked (retract that verdict first if it is "
                "the mistake)",
            )
        new["stated_on"] = stated_on
    stated = new.get("stated_on", claim.stated_on)
    reading = claim_deadline = deadline_of(claim)
    term = term_of(session, claim.claimants)
    if hand is not None:
        phrase = deadline if deadline is not _UNSET else (claim_deadline and claim_deadline.text)
        reading = read_deadline(phrase, stated, term, hand, notes)
    elif deadline is not _UNSET:
        reading = read_deadline(deadline, stated, term)
    elif stated_on is not None and claim_deadline is not None and not claim_deadline.by_hand:
        reading = read_deadline(claim_deadline.text, stated, term)  # relative phrases move
    check_deadline_after_stated(new.get("kind", claim.kind), reading, stated)
    adds, removes = check_tags(add_tags), check_tags(remove_tags)

    for name, value in new.items():
        if getattr(claim, name) != value:
            changes[name] = {"from": _jsonable(getattr(claim, name)), "to": _jsonable(value)}
            setattr(claim, name, value)
    if reading != claim_deadline:
        changes["deadline"] = {
            "from": claim_deadline.to_json(clock.tz) if claim_deadline else None,
            "to": reading.to_json(clock.tz) if reading else None,
        }
        _set_deadline(claim, reading, clock.tz)
    existing = set(claim.tags)
    for tag in adds:
        if tag not in existing:
            session.add(ClaimTag(claim_id=claim.id, tag=tag))
    for link in list(claim.tag_links):
        if link.tag in removes:
            session.delete(link)
    if set(adds) - existing or set(removes) & existing:
        changes["tags"] = {
            "from": sorted(existing),
            "to": sorted((existing | set(adds)) - set(removes)),
        }
    if not changes:
        return claim
    claim.updated_at = clock.now
    record_event(session, claim, "edited", clock, changes=changes)
    return refreshed(session, claim)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
