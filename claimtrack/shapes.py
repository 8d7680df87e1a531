"""The JSON shapes of DESIGN.md: what `--json` prints, part of the contract with scripts."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from claimtrack.claims import deadline_of, evidence_by_verdict
from claimtrack.models import Claim, ClaimSource, Event, Verdict
from claimtrack.status import is_final


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


def verdict_json(verdict: Verdict, evidence: list[ClaimSource]) -> dict[str, Any]:
    return {
        "id": verdict.id,
        "verdict": verdict.verdict,
        "final": is_final(verdict.verdict),
        "note": verdict.note,
        "checked_on": _iso(verdict.checked_on),
        "recorded_at": _iso(verdict.recorded_at),
        "reviewer": verdict.reviewer,
        "evidence": [source_json(link) for link in evidence],
    }


def claim_json(claim: Claim, status: str, tz: tzinfo) -> dict[str, Any]:
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
        "verdicts": [verdict_json(v, evidence.get(v.id or 0, [])) for v in claim.verdicts],
        "created_at": _iso(claim.created_at),
        "updated_at": _iso(claim.updated_at),
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "claim_id": event.claim_id,
        "kind": event.kind,
        "at": _iso(event.at),
        "actor": event.actor,
        "data": event.data,
    }
