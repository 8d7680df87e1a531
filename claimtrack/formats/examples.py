"""The example data in db/examples: the seed article's claims, as a claimtrack document.

The seed file is a hand-written claimtrack document (docs/formats.md): deadlines given as
their phrases, sources under short keys, no history. ``demo`` loads it through the same
reader and importer as ``claimtrack import``, so the demo exercises the real code path.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from claimtrack.formats import document_reader, fields, importing
from claimtrack.records import moments
from claimtrack.records.migrations import examples_dir
from claimtrack.records.models import Claim

SEED = "iraq-2024.json"


def seed_path() -> Path:
    return examples_dir() / SEED


def load(session: Session, path: Path, clock: moments.Clock) -> list[Claim]:
    """Add every actor, claim, citation and verdict of a document, in the caller's
    transaction, and return the claims in the file's order."""
    text = path.read_text(encoding="utf-8")
    parsed = document_reader.read_document(fields.parse_json(text, str(path)), clock, str(path))
    importing.import_document(session, parsed, clock)
    uuids = [record.uuid for record in parsed.claims]
    found = {c.uuid: c for c in session.exec(select(Claim).where(col(Claim.uuid).in_(uuids)))}
    return [found[u] for u in uuids]
