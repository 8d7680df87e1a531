"""The parts of a claim in a claimtrack document, each checked and named by its path: a
citation, a verdict (with its evidence, outcome day and cause), a history entry, a link.
"""

from __future__ import annotations

from datetime import date, datetime

from claimtrack.errors import BadInput
from claimtrack.formats.document import (
    CitationRecord,
    EventRecord,
    LinkRecord,
    SourceRecord,
    VerdictRecord,
)
from claimtrack.formats.fields import Fields, kind_of, uuid_or_none
from claimtrack.records.models import (
    BREAK_CAUSES,
    EVENT_KINDS,
    LINK_KINDS,
    SOURCE_ROLES,
)
from claimtrack.records.moments import Clock
from claimtrack.records.validation import (
    check_checked_after_stated,
    check_url,
    check_verdict,
)
from claimtrack.records.verdicts import check_happened


def read_link(reader: Fields, own_uuid: str) -> LinkRecord:
    relation = reader.choice("relation", LINK_KINDS, None)
    if relation is None:
        raise reader.fail("relation", f"is missing; one of {', '.join(LINK_KINDS)}")
    other = uuid_or_none(reader.required_text("claim"))
    if other is None:
        raise reader.fail("claim", "is not a claim's uuid")
    if other == own_uuid:
        raise reader.fail("claim", "is the claim itself; a claim cannot be linked to itself")
    url = reader.text("source")
    return LinkRecord(
        relation,
        other,
        reader.text("note"),
        check_url(url, f"{reader.where}.source") if url else None,
        reader.text("quote"),
        reader.moment("created_at"),
    )


def read_citation(
    reader: Fields, sources: dict[str, SourceRecord], now: datetime, role: str | None
) -> CitationRecord:
    key = reader.required_text("source")
    if key not in sources:
        raise reader.fail("source", f"unknown source key '{key}'; declare it under 'sources'")
    if role is None:
        role = reader.choice("role", SOURCE_ROLES, "origin") or "origin"
    return CitationRecord(key, reader.text("quote"), role, reader.moment("created_at") or now)


def read_verdict(
    reader: Fields,
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
        read_citation(Fields(item, f"{reader.where}.evidence[{i}]"), sources, clock.now, "evidence")
        for i, item in enumerate(reader.items("evidence"))
    ]
    happened_on = reader.day("happened_on")
    cause = reader.choice("cause", BREAK_CAUSES, None)
    try:
        if happened_on is not None:
            check_happened(happened_on, checked_on, stated_on)
    except BadInput as error:
        raise reader.fail("happened_on", error.message.removeprefix("--happened-on: ")) from None
    if cause is not None and value != "broken":
        raise reader.fail("cause", f"says why a promise broke; '{value}' is not broken")
    return VerdictRecord(
        happened_on=happened_on,
        cause=cause,
        verdict=value,
        note=reader.required_text("note"),
        checked_on=checked_on,
        recorded_at=reader.past("recorded_at", clock) or clock.now,
        reviewer=reader.text("reviewer") or clock.who,
        evidence=evidence,
        retracted_at=retracted_at,
        retraction_reason=retraction_reason,
    )


def read_event(reader: Fields, clock: Clock) -> EventRecord:
    data = reader.data.get("data") or {}
    if not isinstance(data, dict):
        raise reader.fail("data", f"expected an object {{...}}, found {kind_of(data)}")
    at = reader.past("at", clock)
    if at is None:
        raise reader.fail("at", "is missing; e.g. 2024-09-27T18:00:00+00:00")
    kind = reader.choice("kind", EVENT_KINDS, None)
    if kind is None:
        raise reader.fail("kind", f"is missing; one of {', '.join(EVENT_KINDS)}")
    return EventRecord(kind, at, reader.text("actor"), data)
