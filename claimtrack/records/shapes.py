"""The JSON shapes of DESIGN.md: what `--json` prints, part of the contract with scripts."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from claimtrack.records.claims import deadline_of
from claimtrack.records.models import Claim, ClaimSource, Event, Verdict
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import evidence_by_verdict, verdicts_at
from claimtrack.records.status import is_final
from claimtrack.records.verdicts import days_late


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def source_json(link: ClaimSource) -> dict[str, Any]:
    source = link.source
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "published_on": _iso(source.published_on),
        "archive_url": source.archive_url,
        "quote": link.quote,
        "role": link.role,
        "verdict_id": link.verdict_id,
    }


def verdict_json(
    verdict: Verdict,
    evidence: list[ClaimSource],
    retracted: bool | None = None,
    deadline_day: date | None = None,
) -> dict[str, Any]:
    """A verdict; ``retracted`` tells whether its retraction is shown (as of a moment before
    it, it is not), by default whether there is one."""
    shown = verdict.retracted_at is not None if retracted is None else retracted
    return {
        "id": verdict.id,
        "verdict": verdict.verdict,
        "final": is_final(verdict.verdict),
        "note": verdict.note,
        "checked_on": _iso(verdict.checked_on),
        "recorded_at": _iso(verdict.recorded_at),
        "reviewer": verdict.reviewer,
        "happened_on": _iso(verdict.happened_on),
        "days_late": days_late(verdict, deadline_day),
        "cause": verdict.cause,
        "evidence": [source_json(link) for link in evidence],
        "retracted": {
            "on": _iso(verdict.retracted_at),
            "reason": verdict.retraction_reason,
        }
        if shown
        else None,
    }


def claim_json(claim: Claim, status: str, tz: tzinfo, as_of: AsOf | None = None) -> dict[str, Any]:
    """A claim with its status; with ``as_of``, its verdicts as the record stood then."""
    deadline = deadline_of(claim)
    evidence = evidence_by_verdict(claim)
    return {
        "id": claim.id,
        "uuid": claim.uuid,
        "text": claim.text,
        "language": claim.language,
        "translation": claim.translation,
        "kind": claim.kind,
        "claimants": claim.claimants,
        "stated_on": _iso(claim.stated_on),
        "deadline": deadline.to_json(tz) if deadline else None,
        "status": status,
        "tags": claim.tags,
        "criteria": claim.criteria,
        "context": claim.context,
        "sources": [source_json(link) for link in claim.source_links],
        "verdicts": [
            verdict_json(
                v, evidence.get(v.id or 0, []), retracted, deadline.date if deadline else None
            )
            for v, retracted in verdicts_at(claim, as_of)
        ],
        "links": links_json(claim),
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
    }


def links_json(claim: Claim) -> list[dict[str, Any]]:
    """The claim's links from both sides: ``to`` (this claim supersedes #5), ``from`` (#7
    supersedes this one)."""
    return [
        {
            "relation": made.relation,
            "direction": direction,
            "claim_id": made.other_id if direction == "to" else made.claim_id,
            "note": made.note,
            "source": (made.source.url or made.source.title) if made.source else None,
            "quote": made.quote,
        }
        for direction, found in (("to", claim.links_out), ("from", claim.links_in))
        for made in found
    ]


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "claim_id": event.claim_id,
        "kind": event.kind,
        "at": _iso(event.at),
        "actor": event.actor,
        "data": event.data,
    }
