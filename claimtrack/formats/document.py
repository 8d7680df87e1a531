"""The claimtrack document (format_version 1): every claim with all it holds, as plain data.

One format serves both directions. ``claimtrack export`` writes it whole (every field, the
deadline as read, the history, time stamps); a person may write it by hand with much less
(the seed file in ``db/examples`` is one): a deadline given only as its phrase is read here,
a missing time stamp is the moment of import, and a claim without history gets the history
the CLI would have written. docs/formats.md describes each field.

Reading checks every record before anything is written and names the first wrong field by
its path, the claim's index and uuid, and an accepted form. It is written by hand, not with
a validation library, so that a hundred thousand claims are read in about a second.
"""

from __future__ import annotations

import json
import re
import uuid as uuidlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, TextIO

from claimtrack.deadlines.days import parse_date
from claimtrack.deadlines.deadline import KINDS, PRECISIONS, Deadline, due_moment
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput
from claimtrack.records import storable
from claimtrack.records.models import ACTOR_KINDS, CLAIM_KINDS, EVENT_KINDS, MAX_ID, SOURCE_ROLES
from claimtrack.records.moments import Clock
from claimtrack.records.validation import (
    check_checked_after_stated,
    check_deadline_after_stated,
    check_language,
    check_url,
    check_verdict,
)

FORMAT_VERSION = 1


@dataclass
class SourceRecord:
    """A document cited by claims; ``key`` names it inside the file (a uuid in exports)."""

    key: str
    uuid: str
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    retrieved_on: date | None = None
    archive_url: str | None = None
    language: str | None = None
    created_at: datetime | None = None


@dataclass
class ActorRecord:
    name: str
    kind: str | None = None
    role: str | None = None
    affiliation: str | None = None
    created_at: datetime | None = None


@dataclass
class CitationRecord:
    source: str  # a key of the document's sources
    quote: str | None
    role: str
    created_at: datetime


@dataclass
class VerdictRecord:
    verdict: str
    note: str
    checked_on: date
    recorded_at: datetime
    reviewer: str | None
    evidence: list[CitationRecord]
    id: int | None = None  # only to order verdicts recorded in the same instant
    retracted_at: datetime | None = None
    retraction_reason: str | None = None


@dataclass
class EventRecord:
    kind: str
    at: datetime
    actor: str | None
    data: dict[str, Any]

    def key(self) -> tuple[str, str, str]:
        """What makes two history entries the same entry, whichever database holds them."""
        return (self.kind, self.at.isoformat(), json.dumps(self.data, sort_keys=True))


@dataclass
class ClaimRecord:
    uuid: str
    text: str
    claimants: list[str]
    kind: str = "commitment"
    language: str = "en"
    translation: str | None = None
    stated_on: date | None = None
    deadline: Deadline | None = None
    due_at: datetime | None = None
    tags: list[str] = field(default_factory=list)
    criteria: str | None = None
    context: str | None = None
    citations: list[CitationRecord] = field(default_factory=list)
    verdicts: list[VerdictRecord] = field(default_factory=list)
    history: list[EventRecord] | None = None  # None: the file gave none
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None  # kept on import when that id is free
    removed_at: datetime | None = None
    removal_reason: str | None = None
    # A CSV row holds only the claim's latest verdict: on update, a different one there
    # corrects the database's latest, where a full document's verdicts pair by recorded_at.
    latest_verdict_only: bool = False


@dataclass
class Document:
    actors: list[ActorRecord]
    sources: dict[str, SourceRecord]
    claims: list[ClaimRecord]


# --- writing ------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def source_json(source: SourceRecord) -> dict[str, Any]:
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published_on": _iso(source.published_on),
        "retrieved_on": _iso(source.retrieved_on),
        "archive_url": source.archive_url,
        "language": source.language,
        "created_at": _iso(source.created_at),
    }


def actor_json(actor: ActorRecord) -> dict[str, Any]:
    return {
        "name": actor.name,
        "kind": actor.kind,
        "role": actor.role,
        "affiliation": actor.affiliation,
        "created_at": _iso(actor.created_at),
    }


def _citation_json(citation: CitationRecord, with_role: bool = True) -> dict[str, Any]:
    shape: dict[str, Any] = {"source": citation.source, "quote": citation.quote}
    if with_role:
        shape["role"] = citation.role
    shape["created_at"] = _iso(citation.created_at)
    return shape


def correction_json(on: datetime | None, reason: str | None) -> dict[str, Any] | None:
    """A retraction or a removal: ``{"on", "reason"}``, or None."""
    return None if on is None else {"on": on.isoformat(), "reason": reason}


def claim_json(claim: ClaimRecord, tz: tzinfo) -> dict[str, Any]:
    """A claim in the document. ``tz`` only fills ``due_at`` when the record has none."""
    deadline = None
    if claim.deadline is not None:
        deadline = claim.deadline.to_json(tz)
        if claim.due_at is not None:
            deadline["due_at"] = claim.due_at.isoformat()
    return {
        "id": claim.id,
        "uuid": claim.uuid,
        "text": claim.text,
        "language": claim.language,
        "translation": claim.translation,
        "kind": claim.kind,
        "claimants": claim.claimants,
        "stated_on": _iso(claim.stated_on),
        "deadline": deadline,
        "tags": claim.tags,
        "criteria": claim.criteria,
        "context": claim.context,
        "citations": [_citation_json(c) for c in claim.citations],
        "verdicts": [
            {
                "verdict": v.verdict,
                "note": v.note,
                "checked_on": v.checked_on.isoformat(),
                "recorded_at": v.recorded_at.isoformat(),
                "reviewer": v.reviewer,
                "evidence": [_citation_json(e, with_role=False) for e in v.evidence],
                "retracted": correction_json(v.retracted_at, v.retraction_reason),
            }
            for v in claim.verdicts
        ],
        "history": [
            {"kind": e.kind, "at": e.at.isoformat(), "actor": e.actor, "data": e.data}
            for e in claim.history or []
        ],
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
        "removed": correction_json(claim.removed_at, claim.removal_reason),
    }


def header() -> dict[str, Any]:
    return {
        "format": "claimtrack",
        "format_version": FORMAT_VERSION,
    }


def write_document(
    out: TextIO,
    actors: list[ActorRecord],
    sources: dict[str, SourceRecord],
    claims: Iterable[ClaimRecord],
    tz: tzinfo,
) -> int:
    """Write the document claim by claim (never the whole database in memory); returns the
    number of claims.

    One actor, source or claim per line: the same data gives the same text, a change to one
    claim is a change to one line of a diff, and json's C encoder does the work (with
    ``indent`` it falls back to Python, several times slower for a large export).
    """

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    def listed(name: str, lines: Iterable[str], last: bool = False) -> int:
        out.write(f"  {json.dumps(name)}: {'{' if name == 'sources' else '['}")
        count = 0
        for line in lines:
            out.write(",\n    " if count else "\n    ")
            out.write(line)
            count += 1
        closing = "}" if name == "sources" else "]"
        out.write(f"\n  {closing}" if count else closing)
        out.write("\n" if last else ",\n")
        return count

    out.write("{\n")
    for key, value in header().items():
        out.write(f"  {json.dumps(key)}: {json.dumps(value)},\n")
    listed("actors", (dumps(actor_json(a)) for a in actors))
    listed("sources", (f"{json.dumps(k)}: {dumps(source_json(s))}" for k, s in sources.items()))
    count = listed("claims", (dumps(claim_json(c, tz)) for c in claims), last=True)
    out.write("}\n")
    return count


def parse_json(text: str, where: str) -> Any:
    """The JSON text of a file, or one line saying where it stops being JSON."""
    if not text.strip():
        raise BadInput(where, "is empty; give a claimtrack document (claimtrack export)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            problem = "ends before the JSON document does (is it truncated?)"
        else:
            problem = f"is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        raise BadInput(
            where, f"{problem}; give a claimtrack document (claimtrack export --format json)"
        ) from None
    except RecursionError:
        raise BadInput(where, "is nested too deep to be a claimtrack document") from None
    storable.check_all(data, where)
    return data


# --- reading ------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one JSON object, raising BadInput with the field's full path."""

    __slots__ = ("data", "where")

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise BadInput(where, f"expected an object {{...}}, found {_kind_of(data)}")
        self.data: dict[str, Any] = data
        self.where = where

    def fail(self, key: str, message: str) -> BadInput:
        return BadInput(f"{self.where}: field '{key}'", message)

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is missing; give a string")
            return None
        if not isinstance(value, str):
            raise self.fail(key, f"expected a string, found {_kind_of(value)}")
        value = value.strip()
        if required and not value:
            raise self.fail(key, "is empty; give a string")
        return value or None

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            raise self.fail(key, f"'{value}' is not one of {', '.join(choices)}")
        return value

    def day(self, key: str) -> date | None:
        value = self.text(key)
        return None if value is None else parse_date(value, f"{self.where}: field '{key}'")

    def moment(self, key: str) -> datetime | None:
        value = self.text(key)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self.fail(
                key, f"'{value}' is not a date-time with its offset; e.g. 2024-09-27T18:00:00+00:00"
            )
        return moment

    def past(self, key: str, clock: Clock) -> datetime | None:
        """A moment that has happened: nothing is recorded as done after now."""
        moment = self.moment(key)
        if moment is not None and moment > clock.now:
            raise self.fail(key, f"{moment.isoformat()} is after now ({clock.now.isoformat()})")
        return moment

    def correction(self, key: str, clock: Clock) -> tuple[datetime | None, str | None]:
        """A retraction or removal, ``{"on": moment, "reason": text}``, or (None, None)."""
        raw = self.data.get(key)
        if raw is None:
            return None, None
        inner = _Reader(raw, f"{self.where}.{key}")
        on = inner.past("on", clock)
        if on is None:
            raise inner.fail("on", "is missing; e.g. 2025-10-02T09:00:00+00:00")
        return on, inner.required_text("reason")

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list [...], found {_kind_of(value)}")
        return value

    def strings(self, key: str) -> list[str]:
        values = []
        for index, item in enumerate(self.items(key)):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{index}]", f"expected a non-empty string, found {item!r}")
            values.append(item.strip())
        return values

    def url(self, key: str) -> str | None:
        value = self.text(key)
        if value is None:
            return None
        return check_url(value, f"{self.where}: field '{key}'")

    def language(self, key: str, default: str | None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        return check_language(value, f"{self.where}: field '{key}'")


def _kind_of(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def check_header(data: Any, where: str) -> None:
    """Refuse a document of another program or of a version this one cannot read."""
    if not isinstance(data, dict):
        raise BadInput(where, f"expected a claimtrack document {{...}}, found {_kind_of(data)}")
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
    top = _Reader(data, where)
    actors = _read_actors(top)
    raw_sources = data.get("sources") or {}
    if not isinstance(raw_sources, dict):
        raise top.fail(
            "sources", f"expected an object {{key: source}}, found {_kind_of(raw_sources)}"
        )
    sources = {
        key: _read_source(key, _Reader(raw, f"sources.{key}")) for key, raw in raw_sources.items()
    }
    claims = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(data["claims"]):
        record = read_claim(raw, f"claims[{index}]", sources, clock)
        if record.uuid in seen:
            raise BadInput(
                f"claims[{index}] (uuid {record.uuid})",
                f"the same uuid as claims[{seen[record.uuid]}]; each claim needs its own",
            )
        seen[record.uuid] = index
        claims.append(record)
    return Document(actors, sources, claims)


def _read_actors(top: _Reader) -> list[ActorRecord]:
    """The described actors; one named twice must say the same both times, as a document
    cannot say which of two descriptions is right."""
    actors: dict[str, tuple[int, ActorRecord]] = {}
    for index, raw in enumerate(top.items("actors")):
        actor = _read_actor(_Reader(raw, f"actors[{index}]"))
        if actor.name in actors and actors[actor.name][1] != actor:
            raise BadInput(
                f"actors[{index}] ({actor.name})",
                f"describes the same actor as actors[{actors[actor.name][0]}] differently; "
                "keep one description",
            )
        actors.setdefault(actor.name, (index, actor))
    return [actor for _, actor in actors.values()]


def _read_actor(reader: _Reader) -> ActorRecord:
    return ActorRecord(
        name=reader.required_text("name"),
        kind=reader.choice("kind", ACTOR_KINDS, None),
        role=reader.text("role"),
        affiliation=reader.text("affiliation"),
        created_at=reader.moment("created_at"),
    )


def _read_source(key: str, reader: _Reader) -> SourceRecord:
    url = reader.url("url")
    title = reader.text("title")
    if url is None and title is None:
        raise reader.fail("url", "a source needs a url or at least a title")
    return SourceRecord(
        key=key,
        uuid=_uuid_or_none(key) or str(uuidlib.uuid4()),
        url=url,
        title=title,
        publisher=reader.text("publisher"),
        published_on=reader.day("published_on"),
        retrieved_on=reader.day("retrieved_on"),
        archive_url=reader.url("archive_url"),
        language=reader.language("language", None),
        created_at=reader.moment("created_at"),
    )


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _uuid_or_none(value: str) -> str | None:
    """The uuid in its canonical form, or None; exports hold canonical ones (the quick path)."""
    if _CANONICAL_UUID.fullmatch(value):
        return value
    try:
        return str(uuidlib.UUID(value))
    except ValueError:
        return None


def read_claim(raw: Any, where: str, sources: dict[str, SourceRecord], clock: Clock) -> ClaimRecord:
    """One claim of a document (or a CSV row made into one), checked field by field;
    ``where`` names it in errors (``claims[3]``)."""
    reader = _Reader(raw, where)
    given_uuid = reader.text("uuid")
    if given_uuid is None:
        claim_uuid = str(uuidlib.uuid4())
    else:
        checked = _uuid_or_none(given_uuid)
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
    deadline, due_at = _read_deadline(reader, stated_on, clock)
    try:
        check_deadline_after_stated(kind, deadline, stated_on)
    except BadInput as error:
        raise reader.fail("deadline", error.message.removeprefix("--due: ")) from None
    claimants = list(dict.fromkeys(reader.strings("claimants")))
    if not claimants:
        raise reader.fail(
            "claimants", "a claim needs at least one claimant, e.g. ['Sabrina Singh']"
        )
    tags = []
    for tag in reader.strings("tags"):
        tag = tag.lower()
        if "," in tag or ";" in tag:
            raise reader.fail(
                "tags", f"'{tag}' is not a tag; use a word such as iraq or us-military"
            )
        tags.append(tag)

    citations = [
        _read_citation(_Reader(item, f"{reader.where}.citations[{i}]"), sources, now, None)
        for i, item in enumerate(reader.items("citations"))
    ]
    verdicts = [
        _read_verdict(
            _Reader(item, f"{reader.where}.verdicts[{i}]"), kind, stated_on, sources, clock
        )
        for i, item in enumerate(reader.items("verdicts"))
    ]
    removed_at, removal_reason = reader.correction("removed", clock)
    history = None
    if "history" in raw and raw["history"] is not None:
        history = [
            _read_event(_Reader(item, f"{reader.where}.history[{i}]"), clock)
            for i, item in enumerate(reader.items("history"))
        ]
    created_at = reader.moment("created_at")
    return ClaimRecord(
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
    reader: _Reader, stated_on: date | None, clock: Clock
) -> tuple[Deadline | None, datetime | None]:
    raw = reader.data.get("deadline")
    if raw is None:
        return None, None
    if isinstance(raw, str):  # a phrase, read as `claimtrack add --due` reads it
        if not raw.strip():
            return None, None
        try:
            reading = parse_deadline(raw, stated=stated_on)
        except BadInput as error:
            raise reader.fail("deadline", error.message) from None
        return reading, reading.due_at(clock.tz)
    inner = _Reader(raw, f"{reader.where}.deadline")
    text = inner.required_text("text")
    day = inner.day("date")
    if day is None:
        raise inner.fail("date", "is missing; use YYYY-MM-DD, the deadline's last day")
    own = _own_reading(text, stated_on)
    reading = Deadline(
        text,
        inner.choice("kind", KINDS, None) or (own.kind if own else "by"),
        day,
        inner.choice("precision", PRECISIONS, None) or (own.precision if own else "day"),
    )
    if own is not None:
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


def _own_reading(text: str, stated_on: date | None) -> Deadline | None:
    try:
        return parse_deadline(text, stated=stated_on)
    except BadInput:
        return None  # a phrase the reader cannot read may carry any reading, given by hand


def _agrees_with_its_phrase(inner: _Reader, reading: Deadline, own: Deadline) -> None:
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
                "correct one of them",
            )


def _read_citation(
    reader: _Reader, sources: dict[str, SourceRecord], now: datetime, role: str | None
) -> CitationRecord:
    key = reader.required_text("source")
    if key not in sources:
        raise reader.fail("source", f"unknown source key '{key}'; declare it under 'sources'")
    if role is None:
        role = reader.choice("role", SOURCE_ROLES, "origin") or "origin"
    return CitationRecord(key, reader.text("quote"), role, reader.moment("created_at") or now)


def _read_verdict(
    reader: _Reader,
    kind: str,
    stated_on: date | None,
    sources: dict[str, SourceRecord],
    clock: Clock,
) -> VerdictRecord:
    value = reader.required_text("verdict")
    try:
        check_verdict(value, kind)
    except BadInput as error:
        raise reader.fail("verdict", error.message.removeprefix("verdict: ")) from None
    checked_on = reader.day("checked_on") or clock.today
    if checked_on > clock.today:
        raise reader.fail("checked_on", f"{checked_on} is after today ({clock.today})")
    try:
        check_checked_after_stated(checked_on, stated_on, "checked_on")
    except BadInput as error:
        raise reader.fail("checked_on", error.message.removeprefix("checked_on: ")) from None
    retracted_at, retraction_reason = reader.correction("retracted", clock)
    evidence = [
        _read_citation(
            _Reader(item, f"{reader.where}.evidence[{i}]"), sources, clock.now, "evidence"
        )
        for i, item in enumerate(reader.items("evidence"))
    ]
    return VerdictRecord(
        verdict=value,
        note=reader.required_text("note"),
        checked_on=checked_on,
        recorded_at=reader.past("recorded_at", clock) or clock.now,
        reviewer=reader.text("reviewer") or clock.who,
        evidence=evidence,
        retracted_at=retracted_at,
        retraction_reason=retraction_reason,
    )


def _read_event(reader: _Reader, clock: Clock) -> EventRecord:
    data = reader.data.get("data") or {}
    if not isinstance(data, dict):
        raise reader.fail("data", f"expected an object {{...}}, found {_kind_of(data)}")
    at = reader.past("at", clock)
    if at is None:
        raise reader.fail("at", "is missing; e.g. 2024-09-27T18:00:00+00:00")
    kind = reader.choice("kind", EVENT_KINDS, None)
    if kind is None:
        raise reader.fail("kind", f"is missing; one of {', '.join(EVENT_KINDS)}")
    return EventRecord(kind, at, reader.text("actor"), data)


__all__ = [
    "FORMAT_VERSION",
    "ActorRecord",
    "CitationRecord",
    "ClaimRecord",
    "Document",
    "EventRecord",
    "SourceRecord",
    "VerdictRecord",
    "check_header",
    "claim_json",
    "read_document",
]
