"""CSV, one row per claim, for spreadsheets; ``claimtrack import`` reads the same columns.

A row holds the claim's fields, its first origin source with its quote, and its latest
verdict: what fits a spreadsheet. The JSON document is the lossless format; a CSV round trip
keeps every claim, but not its other sources, earlier verdicts, evidence or history.
Lists (claimants, tags) are joined with "; ". The csv module quotes fields that hold commas,
quotes or line breaks (RFC 4180), so a quote spanning lines stays one cell.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from claimtrack.errors import BadInput
from claimtrack.formats.document import ClaimRecord, Document, SourceRecord
from claimtrack.formats.document_reader import read_claim
from claimtrack.records import storable
from claimtrack.records.moments import AsOf, Clock
from claimtrack.records.status import derive_status
from claimtrack.records.validation import check_url

SEPARATOR = "; "
COLUMNS = (
    "id",
    "uuid",
    "text",
    "language",
    "translation",
    "kind",
    "claimants",
    "stated_on",
    "deadline",
    "deadline_kind",
    "deadline_date",
    "deadline_precision",
    "deadline_read_by",
    "due_at",
    "status",
    "tags",
    "criteria",
    "context",
    "source_url",
    "source_title",
    "source_publisher",
    "quote",
    "verdict",
    "verdict_note",
    "checked_on",
    "reviewer",
    "created_at",
    "updated_at",
)
REQUIRED = ("text", "claimants")


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


def row_of(record: ClaimRecord, sources: dict[str, SourceRecord], as_of: AsOf) -> dict[str, str]:
    deadline = record.deadline
    origin = next((c for c in record.citations if c.role == "origin"), None)
    source = sources[origin.source] if origin else None
    latest = record.verdicts[-1] if record.verdicts else None
    return {
        "id": str(record.id or ""),
        "uuid": record.uuid,
        "text": record.text,
        "language": record.language,
        "translation": record.translation or "",
        "kind": record.kind,
        "claimants": SEPARATOR.join(record.claimants),
        "stated_on": _iso(record.stated_on),
        "deadline": deadline.text if deadline else "",
        "deadline_kind": deadline.kind if deadline else "",
        "deadline_date": _iso(deadline.date if deadline else None),
        "deadline_precision": deadline.precision if deadline else "",
        "deadline_read_by": deadline.read_by if deadline else "",
        "due_at": _iso(record.due_at),
        "status": derive_status(record.due_at, record.verdicts, as_of.moment, as_of.day),
        "tags": SEPARATOR.join(record.tags),
        "criteria": record.criteria or "",
        "context": record.context or "",
        "source_url": (source.url or "") if source else "",
        "source_title": (source.title or "") if source else "",
        "source_publisher": (source.publisher or "") if source else "",
        "quote": (origin.quote or "") if origin else "",
        "verdict": latest.verdict if latest else "",
        "verdict_note": latest.note if latest else "",
        "checked_on": _iso(latest.checked_on if latest else None),
        "reviewer": (latest.reviewer or "") if latest else "",
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
    }


# A cell a spreadsheet would take for a formula (OWASP "CSV injection", CWE-1236): it begins
# with one of these, perhaps after quotes this module added. Such a cell is written with one
# more leading quote, which spreadsheets show as text and the importer takes off again.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def neutralised(value: str) -> str:
    """The cell as written: a leading ``'`` before what a spreadsheet would evaluate.

    Written here rather than with defusedcsv: that library leaves TAB and CR alone, which
    OWASP lists, and rewrites every ``|`` inside a cell, which no reader could undo; this
    rule is undone exactly by :func:`restored`, so a CSV round trip keeps every text."""
    return "'" + value if _FORMULA.match(value) else value


def restored(value: str) -> str:
    """The text a neutralised cell stands for."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


def write_csv(
    out: TextIO, records: Iterable[ClaimRecord], sources: dict[str, SourceRecord], as_of: AsOf
) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for record in records:
        row = row_of(record, sources, as_of)
        writer.writerow({name: neutralised(value) for name, value in row.items()})
        count += 1
    return count


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_csv(text: str, clock: Clock, where: str = "file") -> Document:
    """Claims from a CSV with the export's header (column order free; only text and claimants
    are required; status is ignored), checked whole before anything is written. Separated by
    commas, or by semicolons as a spreadsheet set to French (or German…) saves it."""
    rows = []
    header: list[str] = []
    for line, cells in _records(text, where):
        if not header:
            header = _header(cells, where)
            continue
        if len(cells) > len(header):
            raise BadInput(f"line {line}", f"more cells than the {len(header)} columns")
        row = dict(zip(header, cells, strict=False))
        for name, value in row.items():
            storable.check(value, f"line {line}: column '{name}'")
        rows.append((line, {name: restored(value) for name, value in row.items()}))
    if not header:
        raise BadInput(where, f"is empty; give a header line ({', '.join(REQUIRED)}, ...)")
    sources: dict[str, SourceRecord] = {}
    raws = [(line, _raw_claim(row, sources, f"line {line}", clock)) for line, row in rows]
    records = [read_claim(raw, f"line {line}", sources, clock) for line, raw in raws]
    for record in records:  # a row holds the latest verdict only (see ClaimRecord)
        record.latest_verdict_only = True
    seen: dict[str, int] = {}
    for (line, _), record in zip(raws, records, strict=True):
        if record.uuid in seen:
            raise BadInput(f"line {line}", f"the same uuid as line {seen[record.uuid]}")
        seen[record.uuid] = line
    return Document([], sources, records)


def _records(text: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank record with the line it starts on, as an editor numbers lines (a quote
    spanning lines is one record)."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]  # not split(): that would copy the whole file
    delimiter = ";" if ";" in first and "," not in first else ","
    # The whole file is in memory, so no cell can be longer than it; the csv module's own
    # limit (131,072 characters) would refuse a long quote our export wrote. The limit is
    # process-wide, hence restored.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise BadInput(f"line {start}", f"not CSV: {error}") from None
            if cells:
                yield start, cells
    finally:
        csv.field_size_limit(limit)


def _header(cells: list[str], where: str) -> list[str]:
    header = [name.strip() for name in cells]
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        hint = (
            "; separate the columns with commas (,) or semicolons (;)"
            if "\t" in unknown[0] or "|" in unknown[0]
            else f"; the columns are {', '.join(COLUMNS)}"
        )
        raise BadInput(where, f"line 1: unknown column '{unknown[0]}'{hint}")
    twice = [name for index, name in enumerate(header) if name in header[:index]]
    if twice:
        raise BadInput(where, f"line 1: column '{twice[0]}' is given twice; keep one")
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise BadInput(where, f"no '{missing[0]}' column; a CSV import needs text and claimants")
    return header


def _raw_claim(
    row: dict[str, str], sources: dict[str, SourceRecord], where: str, clock: Clock
) -> dict[str, Any]:
    """A CSV row as the claim object of a JSON document, for the same checks."""
    cell = {name: (value or "").strip() for name, value in row.items()}
    raw: dict[str, Any] = {
        name: cell.get(name) or None
        for name in (
            "uuid",
            "text",
            "language",
            "translation",
            "kind",
            "stated_on",
            "criteria",
            "context",
            "created_at",
            "updated_at",
        )
    }
    raw["claimants"] = _split(cell.get("claimants", ""))
    raw["tags"] = _split(cell.get("tags", ""))
    if cell.get("id"):
        if not cell["id"].isdigit():
            raise BadInput(f"{where}: column 'id'", f"'{cell['id']}' is not a claim id; use 12")
        raw["id"] = int(cell["id"])
    if cell.get("deadline_date"):
        raw["deadline"] = {
            "text": cell.get("deadline") or cell["deadline_date"],
            "kind": cell.get("deadline_kind") or None,
            "date": cell["deadline_date"],
            "precision": cell.get("deadline_precision") or None,
            "read_by": cell.get("deadline_read_by") or None,
            "due_at": cell.get("due_at") or None,
        }
    else:
        raw["deadline"] = cell.get("deadline") or None
    url = cell.get("source_url")
    if url or cell.get("source_title"):
        key = url or " | ".join(filter(None, (cell["source_title"], cell.get("source_publisher"))))
        sources.setdefault(
            key,
            SourceRecord(
                key=key,
                uuid=str(uuid.uuid4()),
                url=check_url(url, f"{where}: column 'source_url'") if url else None,
                title=cell.get("source_title") or None,
                publisher=cell.get("source_publisher") or None,
                created_at=clock.now,
            ),
        )
        raw["citations"] = [{"source": key, "quote": cell.get("quote") or None}]
    elif cell.get("quote"):
        raise BadInput(f"{where}: column 'quote'", "a quote needs the source_url it comes from")
    if cell.get("verdict"):
        raw["verdicts"] = [
            {
                "verdict": cell["verdict"],
                "note": cell.get("verdict_note"),
                "checked_on": cell.get("checked_on") or None,
                "reviewer": cell.get("reviewer") or None,
            }
        ]
    return raw
