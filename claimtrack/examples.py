"""Load the example data in db/examples (the seed article's claims) through the service layer.

The loader calls the same functions as the CLI, so the demo exercises the real code path:
deadline phrases are read, quotes attached, verdicts recorded, history written.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session

from claimtrack import claims
from claimtrack.dates import parse_date
from claimtrack.errors import BadInput
from claimtrack.models import Claim
from claimtrack.store import examples_dir

SEED = "iraq-2024.json"


def seed_path() -> Path:
    return examples_dir() / SEED


def _day(value: str | None, field: str) -> date | None:
    return parse_date(value, field) if value else None


def _citation(
    entry: dict[str, Any], sources: dict[str, dict[str, Any]], where: str
) -> claims.Citation:
    key = entry.get("source")
    if key not in sources:
        raise BadInput(where, f"unknown source key {key!r}; declare it under 'sources'")
    raw = sources[key]
    info = claims.SourceInfo(
        url=raw.get("url"),
        title=raw.get("title"),
        publisher=raw.get("publisher"),
        published_on=_day(raw.get("published_on"), f"sources.{key}.published_on"),
        archive_url=raw.get("archive_url"),
        language=raw.get("language"),
    )
    return claims.Citation(info, entry.get("quote"))


def load(session: Session, path: Path, clock: claims.Clock) -> list[Claim]:
    """Add every actor, claim, citation and verdict of an example file, in the caller's
    transaction. Refuses a file of another format version."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format_version") != 1:
        raise BadInput(str(path), "unknown format_version; this claimtrack reads version 1")
    for actor in data.get("actors", []):
        claims.save_actor(
            session,
            actor["name"],
            kind=actor.get("kind"),
            role=actor.get("role"),
            affiliation=actor.get("affiliation"),
        )
    sources = data.get("sources", {})
    added = []
    for index, entry in enumerate(data["claims"]):
        where = f"claims[{index}]"
        claim = claims.add_claim(
            session,
            entry["text"],
            claimants=entry["claimants"],
            clock=clock,
            kind=entry.get("kind", "commitment"),
            language=entry.get("language", "en"),
            translation=entry.get("translation"),
            stated_on=_day(entry.get("stated_on"), f"{where}.stated_on"),
            deadline=entry.get("deadline"),
            citations=[_citation(c, sources, where) for c in entry.get("citations", [])],
            tags=entry.get("tags", []),
            criteria=entry.get("criteria"),
            context=entry.get("context"),
            claim_uuid=entry.get("uuid"),
        )
        assert claim.id is not None
        for verdict in entry.get("verdicts", []):
            claims.record_verdict(
                session,
                claim.id,
                verdict["verdict"],
                note=verdict["note"],
                clock=clock,
                checked_on=_day(verdict.get("checked_on"), f"{where}.verdicts.checked_on"),
                evidence=[_citation(e, sources, where) for e in verdict.get("evidence", [])],
                reviewer=verdict.get("reviewer"),
            )
        added.append(claims.get_claim(session, claim.id))
    return added
