"""Operations on claims: record, cite, judge, edit, find, and read their history.

Every function takes the session of the caller's one transaction and validates all of its
input before it writes anything, so a refused change leaves the database as it was. Each
change appends an Event, the claim's history. Nothing here prints.
"""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from claimtrack.deadlines.deadline import Deadline
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput, NotFound, Removed
from claimtrack.records import search
from claimtrack.records.models import (
    ACTOR_KINDS,
    ALL_VERDICTS,
    CLAIM_KINDS,
    EVENT_KINDS,
    FINAL_VERDICTS,
    INTERIM_VERDICTS,
    LOOK_NOW,
    SOURCE_ROLES,
    Actor,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
    Source,
    Verdict,
    utcnow,
)
from claimtrack.records.status import STATUSES, derive_status, standing
from claimtrack.records.status_sql import has_status, live
from claimtrack.records.store import chunks, count_rows, insert_skipping_existing

_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")


@dataclass(frozen=True)
class SourceInfo:
    """What is known of a document; ``url`` identifies it when there is one."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    retrieved_on: date | None = None
    archive_url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Citation:
    """A source as cited by a claim or a verdict, with the exact words quoted from it."""

    source: SourceInfo
    quote: str | None = None


@dataclass(frozen=True)
class Clock:
    """The moment of a change and the tracker's time zone: "now" is always passed in."""

    now: datetime
    tz: tzinfo = UTC
    who: str | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()


# --- validation -----------------------------------------------------------------------------


def check_url(url: str, field: str) -> str:
    """An http(s) URL with a host; anything else is refused, naming the accepted form."""
    value = url.strip()
    try:
        parts = urlsplit(value)
    except ValueError:  # a malformed IPv6 host, "https://[::1/"
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path")
    if "@" in parts.netloc:
        raise BadInput(
            field,
            f"'{url}' holds a user or password (user:pass@host); give the address without them",
        )
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise BadInput(field, f"'{url}' is not a web address; use http(s)://host/path") from None
    if "." not in host and host != "localhost":
        raise BadInput(field, f"'{url}' has no valid host; use http(s)://host/path")
    return value


def _check_choice(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        raise BadInput(field, f"'{value}' is not one of {', '.join(choices)}")
    return value


def check_language(value: str, field: str = "--lang") -> str:
    if not _LANGUAGE.fullmatch(value):
        raise BadInput(field, f"'{value}' is not a language tag; use BCP 47, e.g. fr, en, pt-BR")
    return value


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _check_citation(citation: Citation, field: str) -> Citation:
    source = citation.source
    if source.url is None and not source.title:
        raise BadInput(field, "a source needs a URL or at least a title")
    checked = replace(
        source,
        url=check_url(source.url, field) if source.url else None,
        archive_url=check_url(source.archive_url, "--archive-url") if source.archive_url else None,
        language=check_language(source.language, "source language") if source.language else None,
        title=_clean(source.title),
        publisher=_clean(source.publisher),
    )
    return Citation(checked, _clean(citation.quote))


def check_verdict(verdict: str, claim_kind: str) -> str:
    """Commitments are kept or broken, assertions true or false; interim values fit all."""
    accepted = (*FINAL_VERDICTS[claim_kind], *INTERIM_VERDICTS)
    if verdict not in ALL_VERDICTS:
        raise BadInput("verdict", f"'{verdict}' is not a verdict; use one of {', '.join(accepted)}")
    if verdict not in accepted:
        article = "an" if claim_kind[0] in "aeiou" else "a"
        raise BadInput(
            "verdict",
            f"'{verdict}' does not rate {article} {claim_kind}; use one of {', '.join(accepted)}",
        )
    return verdict


def check_deadline_after_stated(
    kind: str, deadline: Deadline | None, stated_on: date | None, field: str = "--due"
) -> None:
    """A commitment or prediction is about the future of the day it was made: its deadline
    cannot end before that day (an assertion may be about any time)."""
    if kind == "assertion" or deadline is None or stated_on is None:
        return
    if deadline.date < stated_on:
        raise BadInput(
            field,
            f"the deadline “{deadline.text}” ends on {deadline.date.isoformat()}, before the "
            f"{kind} was stated on {stated_on.isoformat()}; give the deadline as said, or "
            "correct --stated",
        )


def check_checked_after_stated(checked_on: date, stated_on: date | None, field: str) -> None:
    """A claim cannot have been checked before it was made."""
    if stated_on is not None and checked_on < stated_on:
        raise BadInput(
            field,
            f"{checked_on.isoformat()} is before the claim was stated on "
            f"{stated_on.isoformat()}; give a check date on or after it",
        )


def normalised(text: str) -> str:
    """A claim's text as compared for duplicates: case, accents, spacing and punctuation
    set aside."""
    return " ".join(re.findall(r"[^\W_]+", search.fold(text)))


def find_duplicate(session: Session, text: str, claimants: Sequence[str]) -> int | None:
    """The id of a claim not removed whose normalised text and claimants are those given.

    The search index narrows the candidates to the claims holding every word of the text,
    and the first claimant narrows them again, so this costs a few index lookups whatever
    the size of the database.
    """
    wanted = normalised(text)
    if not wanted or not claimants:
        return None
    people = {name.casefold() for name in claimants}
    by_first = (
        select(ClaimActor.claim_id)
        .join(Actor, col(Actor.id) == col(ClaimActor.actor_id))
        .where(func.lower(Actor.name) == claimants[0].lower())
    )
    candidates = (
        select(Claim)
        .where(col(Claim.id).in_(search.matching(session, wanted)), live())
        .where(col(Claim.id).in_(by_first))
        .order_by(col(Claim.id))
    )
    for claim in session.exec(candidates):
        if normalised(claim.text) == wanted and {n.casefold() for n in claim.claimants} == people:
            return claim.id
    return None


def _check_not_future(day: date | None, clock: Clock, field: str) -> None:
    if day is not None and day > clock.today:
        raise BadInput(field, f"{day.isoformat()} is after today ({clock.today.isoformat()})")


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


def _actor(session: Session, name: str) -> Actor:
    """The claimant of that name, created if new (safe when two writers add it at once)."""
    session.execute(
        insert_skipping_existing(session, Actor.__table__)  # type: ignore[attr-defined]
        .values(name=name, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return session.exec(select(Actor).where(Actor.name == name)).one()


def save_actor(
    session: Session,
    name: str,
    *,
    kind: str | None = None,
    role: str | None = None,
    affiliation: str | None = None,
) -> Actor:
    """Create or describe a claimant (a person, a government, an organisation)."""
    name = name.strip()
    if not name:
        raise BadInput("actor", "empty name; give the claimant's name, e.g. 'Sabrina Singh'")
    if kind is not None:
        _check_choice(kind, ACTOR_KINDS, "--kind")
    actor = _actor(session, name)
    actor.kind = kind or actor.kind
    actor.role = _clean(role) or actor.role
    actor.affiliation = _clean(affiliation) or actor.affiliation
    return actor


def _source(session: Session, info: SourceInfo, clock: Clock) -> Source:
    if info.url:  # created if new, safe when two writers cite the same URL at once
        session.execute(
            insert_skipping_existing(session, Source.__table__)  # type: ignore[attr-defined]
            .values(uuid=str(uuidlib.uuid4()), url=info.url, created_at=clock.now)
            .on_conflict_do_nothing(index_elements=["url"])
        )
        found = session.exec(select(Source).where(Source.url == info.url)).first()
    else:
        found = session.exec(
            select(Source).where(
                col(Source.url).is_(None),
                Source.title == info.title,
                col(Source.publisher).is_(info.publisher)
                if info.publisher is None
                else Source.publisher == info.publisher,
            )
        ).first()
    if found is None:
        found = Source(uuid=str(uuidlib.uuid4()), url=info.url, created_at=clock.now)
        session.add(found)
    for name in ("title", "publisher", "published_on", "retrieved_on", "archive_url", "language"):
        value = getattr(info, name)
        if value is not None:
            setattr(found, name, value)
    session.flush()
    return found


def _cite(
    session: Session,
    claim: Claim,
    citation: Citation,
    role: str,
    clock: Clock,
    verdict: Verdict | None = None,
) -> ClaimSource:
    source = _source(session, citation.source, clock)
    assert claim.id is not None
    assert source.id is not None
    link = ClaimSource(
        claim_id=claim.id,
        source_id=source.id,
        verdict_id=verdict.id if verdict else None,
        role=role,
        quote=citation.quote,
        created_at=clock.now,
    )
    session.add(link)
    session.flush()
    return link


def read_deadline(phrase: str | None, stated_on: date | None) -> Deadline | None:
    if phrase is None or not phrase.strip():
        return None
    return parse_deadline(phrase, stated=stated_on)


def _set_deadline(claim: Claim, deadline: Deadline | None, tz: tzinfo) -> None:
    claim.deadline_text = deadline.text if deadline else None
    claim.deadline_kind = deadline.kind if deadline else None
    claim.deadline_date = deadline.date if deadline else None
    claim.deadline_precision = deadline.precision if deadline else None
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
) -> Claim:
    """Record a claim as it was said, with who said it, its deadline and its sources.

    The same text (case, accents, spacing and punctuation aside) by the same claimants as a
    claim already recorded is refused, naming it, unless ``duplicate_ok``."""
    text = text.strip()
    if not text:
        raise BadInput("text", "empty claim text; give the claim as it was said, in quotes")
    names = [name.strip() for name in claimants if name.strip()]
    if not names:
        raise BadInput("--by", "a claim needs at least one claimant, e.g. --by 'Sabrina Singh'")
    _check_choice(kind, CLAIM_KINDS, "--kind")
    check_language(language)
    _check_not_future(stated_on, clock, "--stated")
    reading = read_deadline(deadline, stated_on)
    check_deadline_after_stated(kind, reading, stated_on)
    checked = [_check_citation(c, "--source") for c in citations]
    tag_names = _check_tags(tags)
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
        translation=_clean(translation),
        kind=kind,
        stated_on=stated_on,
        criteria=_clean(criteria),
        context=_clean(context),
        created_at=clock.now,
        updated_at=clock.now,
    )
    _set_deadline(claim, reading, clock.tz)
    session.add(claim)
    session.flush()
    assert claim.id is not None
    for position, name in enumerate(dict.fromkeys(names)):
        actor_id = _actor(session, name).id
        assert actor_id is not None
        session.add(ClaimActor(claim_id=claim.id, actor_id=actor_id, position=position))
    for tag in tag_names:
        session.add(ClaimTag(claim_id=claim.id, tag=tag))
    for citation in checked:
        _cite(session, claim, citation, "origin", clock)
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
    return _refreshed(session, claim)


def _check_tags(tags: Sequence[str]) -> list[str]:
    cleaned = []
    for tag in tags:
        value = tag.strip().lower()
        if not value or "," in value:
            raise BadInput("--tag", f"'{tag}' is not a tag; use a word such as iraq or us-military")
        cleaned.append(value)
    return list(dict.fromkeys(cleaned))


def _refreshed(session: Session, claim: Claim) -> Claim:
    session.flush()
    search.reindex(session, claim.id)
    session.expire(claim)
    return get_claim(session, claim.id)


def get_claim(session: Session, claim_id: int | None, *, removed: bool = False) -> Claim:
    """The claim of that id; a removed one only when ``removed`` is asked for (its history,
    restoring or purging it), else it is refused as :class:`Removed`."""
    claim = session.get(Claim, claim_id) if claim_id is not None else None
    if claim is None:
        raise NotFound("claim", f"no claim with id {claim_id}", "list them with: claimtrack list")
    if claim.removed_at is not None and not removed:
        raise Removed(
            "claim",
            f"claim {claim_id} was removed on {claim.removed_at.date().isoformat()} "
            f"({claim.removal_reason})",
            f"bring it back with: claimtrack restore {claim_id}",
        )
    return claim


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
    _check_choice(role, SOURCE_ROLES, "--role")
    checked = _check_citation(citation, "url")
    link = _cite(session, claim, checked, role, clock)
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
    _refreshed(session, claim)
    return link


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
) -> Verdict:
    """Record the outcome of a check; earlier verdicts stay, the latest one counts."""
    claim = get_claim(session, claim_id)
    check_verdict(verdict, claim.kind)
    note = note.strip()
    if not note:
        raise BadInput("--note", "a verdict needs a note saying what was found")
    checked_on = checked_on or clock.today
    _check_not_future(checked_on, clock, "--checked-on")
    check_checked_after_stated(checked_on, claim.stated_on, "--checked-on")
    checked = [_check_citation(c, "--source") for c in evidence]
    row = Verdict(
        claim_id=claim.id,
        verdict=verdict,
        note=note,
        checked_on=checked_on,
        recorded_at=clock.now,
        reviewer=_clean(reviewer) or clock.who,
    )
    session.add(row)
    session.flush()
    for citation in checked:
        _cite(session, claim, citation, "evidence", clock, verdict=row)
    record_event(
        session,
        claim,
        "verdict",
        clock,
        **verdict_data(
            verdict, note, checked_on, [c.source.url or c.source.title for c in checked]
        ),
    )
    claim.updated_at = clock.now
    restand(session, [claim.id])
    _refreshed(session, claim)
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
) -> Claim:
    """Change what was recorded of a claim; the history keeps the values before and after.

    ``deadline=""`` removes the deadline; leaving it out keeps it.
    """
    claim = get_claim(session, claim_id)
    changes: dict[str, dict[str, Any]] = {}
    new: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            raise BadInput("--text", "empty claim text; give the claim as it was said")
        new["text"] = text.strip()
    if kind is not None:
        new["kind"] = _check_choice(kind, CLAIM_KINDS, "--kind")
    if language is not None:
        new["language"] = check_language(language)
    if translation is not None:
        new["translation"] = _clean(translation)
    if criteria is not None:
        new["criteria"] = _clean(criteria)
    if context is not None:
        new["context"] = _clean(context)
    if stated_on is not None:
        _check_not_future(stated_on, clock, "--stated")
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
    if deadline is not _UNSET:
        reading = read_deadline(deadline, stated)
    elif stated_on is not None and claim_deadline is not None:
        reading = read_deadline(claim_deadline.text, stated)  # relative phrases move with it
    check_deadline_after_stated(new.get("kind", claim.kind), reading, stated)
    adds, removes = _check_tags(add_tags), _check_tags(remove_tags)

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
    return _refreshed(session, claim)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AsOf:
    """A moment to judge statuses at, with its calendar day in the tracker's zone."""

    moment: datetime
    tz: tzinfo = UTC

    @property
    def day(self) -> date:
        return self.moment.astimezone(self.tz).date()


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
        _check_choice(status, STATUSES, "--status")
    query = select(Claim).where(live())
    if matching is not None:  # words to search for, which the search refuses if it has none
        query = query.where(col(Claim.id).in_(search.matching(session, matching)))
    if claimant:
        query = query.where(
            col(Claim.id).in_(
                select(ClaimActor.claim_id)
                .join(Actor)
                .where(func.lower(Actor.name).contains(claimant.strip().lower()))
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
    get_claim(session, claim_id, removed=True)
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


__all__ = [
    "AsOf",
    "Citation",
    "Clock",
    "SourceInfo",
    "add_claim",
    "add_source",
    "claim_statuses",
    "edit_claim",
    "get_claim",
    "history",
    "list_claims",
    "record_verdict",
    "save_actor",
    "search_claims",
]
