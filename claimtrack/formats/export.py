"""``claimtrack export``: one read of the database, written in the format asked for.

Every format reads the same records (claimtrack.formats.collect) inside one read transaction, so
that the file describes the database at one instant even while others write to it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from claimtrack.config import Config
from claimtrack.errors import BadInput
from claimtrack.formats import collect
from claimtrack.formats.document import ClaimRecord
from claimtrack.language import gettext as _
from claimtrack.records.moments import AsOf
from claimtrack.records.sql import is_postgres


@contextmanager
def target(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file that appears whole or not at all (written beside it, then
    renamed), so that a failed export never leaves half a file where the last one was."""
    if path is None:
        yield sys.stdout
        return
    final = Path(path)
    partial = final.with_name(f".{final.name}.{os.getpid()}.partial")
    try:
        try:
            out = open(partial, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as error:
            raise BadInput("--output", f"cannot write {path} ({error.strerror})") from None
        with out:
            yield out
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


def published(records: Iterable[ClaimRecord], as_of: AsOf) -> Iterator[ClaimRecord]:
    """What the public formats (CSV, ClaimReview, iCalendar) carry: no removed claim, and no
    verdict retracted by ``as_of``. Only the JSON document, the backup, keeps them all."""
    for record in records:
        if record.removed_at is not None:
            continue
        kept = [
            v for v in record.verdicts if v.retracted_at is None or v.retracted_at > as_of.moment
        ]
        yield record if len(kept) == len(record.verdicts) else replace(record, verdicts=kept)


def write(
    session: Session,
    fmt: str,
    out: TextIO,
    as_of: AsOf,
    config: Config,
    produced: datetime,
    excel: bool = False,
) -> int:
    """Write every claim in ``fmt``; returns how many records the file holds. ``produced``
    (the calendar's DTSTAMP) is when the file is written, which ``as_of`` need not be.
    ``excel`` starts a CSV with a UTF-8 byte order mark, without which Excel reads it in the
    system's code page and garbles every accent; the importer skips the mark."""
    if is_postgres(session):  # one snapshot for all the chunked queries below
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    if fmt == "json":
        from claimtrack.formats import document

        return document.write_document(
            out,
            collect.actors(session),
            collect.sources(session),
            collect.iter_claims(session),
            as_of.tz,
        )
    if fmt == "csv":
        from claimtrack.formats import spreadsheet

        sources = collect.sources(session)
        if excel:
            out.write("\ufeff")
        return spreadsheet.write_csv(
            out, published(collect.iter_claims(session), as_of), sources, as_of
        )
    if fmt == "claimreview":
        from claimtrack.formats import claimreview

        return claimreview.write(
            out,
            published(collect.iter_claims(session), as_of),
            collect.sources(session),
            collect.actors(session),
            as_of,
            config.publishing,
        )
    if fmt == "ics":
        from claimtrack.formats import ics

        records = published(collect.iter_claims(session), as_of)
        return ics.write(out, records, as_of, config.publishing, produced)
    if fmt == "atom":
        from claimtrack.formats import atom
        from claimtrack.records.changes import changes

        publishing = config.publishing
        for key in ("url", "claim_url"):
            if getattr(publishing, key) is None:
                raise BadInput(
                    f"[publishing] {key}",
                    "is not set; a feed links each entry to the claim's page, e.g. "
                    'url = "https://factcheck.example", claim_url = '
                    '"https://factcheck.example/claims/{id}" (see README)',
                )
        assert publishing.url is not None
        found = changes(session, as_of)
        out.write(
            atom.feed(
                found,
                title=_("%(site)s: changes on the record")
                % {"site": publishing.name or "claimtrack"},
                feed_url=publishing.url.rstrip("/") + "/feed.atom",
                site_url=publishing.url,
                link=lambda claim: publishing.link(claim.id, claim.uuid) or "",
                updated=produced,
            ).decode()
        )
        return len(found)
    raise ValueError(f"unknown export format {fmt!r}")
