"""Reading a claimtrack document: every record is checked before anything is written, and
the first wrong field is named by its path, the claim's index and uuid, and an accepted
form. A person may write a document by hand with much less than an export holds: a
deadline given only as its phrase is read here, a missing time stamp is the moment of
import, and a claim without history gets the history the CLI would have written.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

from claimtrack.deadlines.deadline import (
    KINDS,
    PRECISIONS,
    READERS,
    Deadline,
    Term,
    due_moment,
    shared_term,
)
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput
from claimtrack.formats.document import (
    FORMAT_VERSION,
    ActorRecord,
    ClaimRecord,
    Document,
    SourceRecord,
)
from claimtrack.formats.fields import Fields, kind_of, uuid_or_none
from claimtrack.formats.record_parts import read_citation, read_event, read_link, read_verdict
from claimtrack.records.models import (
    ACTOR_KINDS,
    CLAIM_KINDS,
    MAX_ID,
)
from claimtrack.records.moments import Clock
from claimtrack.records.validation import (
    check_deadline_after_stated,
)


def check_header(data: Any, where: str) -> None:
    """Refuse a document of another program or of a version this one cannot read."""
    if not isinstance(data, dict):
        raise BadInput(where, f"expected a claimtrack document {{...}}, found {kind_of(data)}")
    kind = data.get("format")
    if kind is not None and kind != "claimtrack":
        raise BadInput(
            where, f'format {kind!r} is not a claimtrack document ("format": "claimtrack")'
        )
    version = data.get("format_version")
    # type() and not ==: JSON's true and 1.0 are equal to 1 in Python, and are not versions.
    if type(version) is not int or version != FORMAT_VERSION:
        found = "no format_version" if version is None else f"format_version {version!r}"
        raise BadInput(
            where, f"{found}; this claimtrack reads claimtrack documents of format_version 1"
        )
    if not isinstance(data.get("claims"), list):
        raise BadInput(where, "field 'claims' is missing or not a list; see docs/formats.md")


def read_document(data: Any, clock: Clock, where: str = "file") -> Document:
    """Check a parsed document whole and return its records; nothing is written here."""
    check_header(data, where)
    top = Fields(data, where)
    actors = _read_actors(top)
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise top.fail(
            "sources", f"expected an object {{key: source}}, found {kind_of(raw_sources)}"
        )
    sources = {
        key: _read_source(key, Fields(raw, f"sources.{key}")) for key, raw in raw_sources.items()
    }
    claims = []
    seen: dict[str, int] = {}
    terms = {actor.name: (actor.term_start, actor.term_end) for actor in actors}
    for index, raw in enumerate(data["claims"]):
        record = read_claim(raw, f"claims[{index}]", sources, clock, terms)
        if record.uuid in seen:
            raise BadInput(
                f"claims[{index}] (uuid {record.uuid})",
                f"the same uuid as claims[{seen[record.uuid]}]; each claim needs its own",
            )
        seen[record.uuid] = index
        claims.append(record)
    return Document(actors, sources, claims)


def _read_actors(top: Fields) -> list[ActorRecord]:
    """The described actors; one named twice must say the same both times, as a document
    cannot say which of two descriptions is right."""
    actors: dict[str, tuple[int, ActorRecord]] = {}
    for index, raw in enumerate(top.items("actors")):
        actor = _read_actor(Fields(raw, f"actors[{index}]"))
        if actor.name in actors and actors[actor.name][1] != actor:
            raise BadInput(
                f"actors[{index}] ({actor.name})",
                f"describes the same actor as actors[{actors[actor.name][0]}] differently; "
                "keep one description",
            )
        actors.setdefault(actor.name, (index, actor))
    return [actor for _, actor in actors.values()]


def _read_actor(reader: Fields) -> ActorRecord:
    actor = ActorRecord(
        name=reader.required_text("name"),
        kind=reader.choice("kind", ACTOR_KINDS, None),
        role=reader.text("role"),
        affiliation=reader.text("affiliation"),
        created_at=reader.moment("created_at"),
        term_start=reader.day("term_start"),
        term_end=reader.day("term_end"),
    )
    if actor.term_start and actor.term_end and actor.term_end < actor.term_start:
        raise reader.fail("term_end", f"{actor.term_end} is before term_start {actor.term_start}")
    return actor


def _read_source(key: str, reader: Fields) -> SourceRecord:
    url = reader.url("url")
    title = reader.text("title")
    if url is None and title is None:
        raise reader.fail("url", "a source needs a url or at least a title")
    return SourceRecord(
        key=key,
        uuid=uuid_or_none(key) or str(uuidlib.uuid4()),
        url=url,
        title=title,
        publisher=reader.text("publisher"),
        published_on=reader.day("published_on"),
        retrieved_on=reader.day("retrieved_on"),
        archive_url=reader.url("archive_url"),
        language=reader.language("language", None),
        created_at=reader.moment("created_at"),
    )


def read_claim(
    raw: Any,
    where: str,
    sources: dict[str, SourceRecord],
    clock: Clock,
    terms: dict[str, tuple[date | None, date | None]] | None = None,
) -> ClaimRecord:
    """One claim of a document; ``terms`` are the described actors' terms of office, to
    which "by the end of this Parliament" is read."""
    """One claim of a document (or a CSV row made into one), checked field by field;
    ``where`` names it in errors (``claims[3]``)."""
    reader = Fields(raw, where)
    given_uuid = reader.text("uuid")
    if given_uuid is None:
        claim_uuid = str(uuidlib.uuid4())
    else:
        checked = uuid_or_none(given_uuid)
        if checked is None:
            raise reader.fail("uuid", f"'{given_uuid}' is not a UUID; e.g. {uuidlib.uuid4()}")
        claim_uuid = checked
    reader.where = f"{where} (uuid {claim_uuid})"
    now = clock.now

    claim_id = raw.get("id")
    if claim_id is not None and (
        not isinstance(claim_id, int) or isinstance(claim_id, bool) or not 1 <= claim_id <= MAX_ID
    ):
        raise reader.fail(
            "id", f"{claim_id!r} is not a claim id; use a whole number from 1 to {MAX_ID}"
        )
    kind = reader.choice("kind", CLAIM_KINDS, "commitment")
    assert kind is not None
    stated_on = reader.day("stated_on")
    if stated_on is not None and stated_on > clock.today:
        raise reader.fail("stated_on", f"{stated_on} is after today ({clock.today})")
    claimants = list(dict.fromkeys(reader.strings("claimants")))
    if not claimants:
        raise reader.fail(
            "claimants", "a claim needs at least one claimant, e.g. ['Sabrina Singh']"
        )
    term = shared_term(terms or {}, claimants)
    deadline, due_at = _read_deadline(reader, stated_on, clock, term)
    try:
        check_deadline_after_stated(kind, deadline, stated_on)
    except BadInput as error:
        raise reader.fail("deadline", error.message.removeprefix("--due: ")) from None
    tags = []
    for tag in reader.strings("tags"):
        tag = tag.lower()
        if "," in tag or ";" in tag:
            raise reader.fail(
                "tags", f"'{tag}' is not a tag; use a word such as iraq or us-military"
            )
        tags.append(tag)

    citations = [
        read_citation(Fields(item, f"{reader.where}.citations[{i}]"), sources, now, None)
        for i, item in enumerate(reader.items("citations"))
    ]
    verdicts = [
        read_verdict(Fields(item, f"{reader.where}.verdicts[{i}]"), kind, stated_on, sources, clock)
        for i, item in enumerate(reader.items("verdicts"))
    ]
    removed_at, removal_reason = reader.correction("removed", clock)
    history = None
    if "history" in raw and raw["history"] is not None:
        history = [
            read_event(Fields(item, f"{reader.where}.history[{i}]"), clock)
            for i, item in enumerate(reader.items("history"))
        ]
    links = [
        read_link(Fields(item, f"{reader.where}.links[{i}]"), claim_uuid)
        for i, item in enumerate(reader.items("links"))
    ]
    created_at = reader.moment("created_at")
    return ClaimRecord(
        links=links,
        id=claim_id,
        uuid=claim_uuid,
        text=reader.required_text("text"),
        claimants=claimants,
        kind=kind,
        language=reader.language("language", "en") or "en",
        translation=reader.text("translation"),
        stated_on=stated_on,
        deadline=deadline,
        due_at=due_at,
        tags=sorted(set(tags)),
        criteria=reader.text("criteria"),
        context=reader.text("context"),
        citations=citations,
        verdicts=verdicts,
        history=history,
        created_at=created_at,
        updated_at=reader.moment("updated_at") or created_at,
        removed_at=removed_at,
        removal_reason=removal_reason,
    )


def _read_deadline(
    reader: Fields, stated_on: date | None, clock: Clock, term: Term | None = None
) -> tuple[Deadline | None, datetime | None]:
    raw = reader.data.get("deadline")
    if raw is None:
        return None, None
    if isinstance(raw, str):  # a phrase, read as `claimtrack add --due` reads it
        if not raw.strip():
            return None, None
        try:
            reading = parse_deadline(raw, stated=stated_on, term=term)
        except BadInput as error:
            raise reader.fail("deadline", error.message) from None
        return reading, reading.due_at(clock.tz)
    inner = Fields(raw, f"{reader.where}.deadline")
    text = inner.required_text("text")
    day = inner.day("date")
    if day is None:
        raise inner.fail("date", "is missing; use YYYY-MM-DD, the deadline's last day")
    read_by = inner.choice("read_by", READERS, None)
    own = _own_reading(text, stated_on, term)
    if read_by == "reader" and own is None:
        raise inner.fail(
            "read_by",
            f"'reader', but the reader cannot read '{text}'; a reading of it is given by "
            'hand: "read_by": "hand"',
        )
    by_hand = read_by == "hand" or own is None  # an unreadable phrase's reading is a hand's
    guide = None if read_by == "hand" else own
    reading = Deadline(
        text,
        inner.choice("kind", KINDS, None) or (guide.kind if guide else "by"),
        day,
        inner.choice("precision", PRECISIONS, None) or (guide.precision if guide else "day"),
        "hand" if by_hand else "reader",
    )
    if not by_hand and own is not None:
        _agrees_with_its_phrase(inner, reading, own)
    due_at = inner.moment("due_at")
    if due_at is not None:
        # The midnight after `date` in the zone of the tracker that wrote it: UTC-12 to UTC+14.
        utc = due_moment(day, UTC)
        if not utc - timedelta(hours=14) <= due_at <= utc + timedelta(hours=12):
            raise inner.fail(
                "due_at",
                f"{due_at.isoformat()} is not the end of {day} in any time zone; "
                "leave due_at out to have it computed from date",
            )
    return reading, due_at or reading.due_at(clock.tz)


def _own_reading(text: str, stated_on: date | None, term: Term | None) -> Deadline | None:
    try:
        return parse_deadline(text, stated=stated_on, term=term)
    except BadInput:
        return None  # a phrase the reader cannot read may carry any reading, given by hand


def _agrees_with_its_phrase(inner: Fields, reading: Deadline, own: Deadline) -> None:
    """A reading must be the one its phrase has when the reader can read the phrase."""
    for key, given, read in (
        ("date", reading.date, own.date),
        ("kind", reading.kind, own.kind),
        ("precision", reading.precision, own.precision),
    ):
        if given != read:
            raise inner.fail(
                key,
                f"'{given}' contradicts its phrase '{reading.text}', which reads as {read}; "
                'correct one of them, or mark the reading as given by hand: "read_by": "hand"',
            )
