"""The claimtrack document (format_version 1): every claim with all it holds, as plain data,
and its writing as JSON.

One format serves both directions. ``claimtrack export`` writes it whole (every field, the
deadline as read, the history, time stamps); a person may write it by hand with much less
(the seed file in ``db/examples`` is one), which document_reader reads and checks.
docs/formats.md describes each field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, TextIO

from claimtrack.deadlines.deadline import Deadline

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
    term_start: date | None = None
    term_end: date | None = None


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
    happened_on: date | None = None
    cause: str | None = None


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
class LinkRecord:
    """A link from the claim to another, named by its uuid."""

    relation: str
    other: str
    note: str | None = None
    source_url: str | None = None
    quote: str | None = None
    created_at: datetime | None = None


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
    links: list[LinkRecord] = field(default_factory=list)


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
        "term_start": _iso(actor.term_start),
        "term_end": _iso(actor.term_end),
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
                "happened_on": _iso(v.happened_on),
                "cause": v.cause,
            }
            for v in claim.verdicts
        ],
        "history": [
            {"kind": e.kind, "at": e.at.isoformat(), "actor": e.actor, "data": e.data}
            for e in claim.history or []
        ],
        "links": [
            {
                "relation": link.relation,
                "claim": link.other,
                "note": link.note,
                "source": link.source_url,
                "quote": link.quote,
                "created_at": _iso(link.created_at),
            }
            for link in claim.links
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
