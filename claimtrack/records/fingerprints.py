"""One number per claim that changes whenever anything its published files show changes.

A claim's page, its JSON and its history are made from the claim's row and the rows that
hang from it: claimants, tags, citations and their sources, verdicts, history. Hashing
those rows for every claim, one pass over each table, takes seconds at a million claims,
where rendering the claims' files takes hours; so a publish that finds a claim's number
unchanged since its last run keeps that claim's files and renders only the others
(web/publish.py).

The rows are found from the schema, not listed by hand: every table a reader sees
(records/versions.py says which) with a foreign key to a claim, and the rows its other
foreign keys point to (a claimant, a source), every column of each except the monitor's
own. A column or a table added later is in the number without anyone remembering it. Two
things are not rows: whether the claim's deadline has passed at the moment asked about
(its status moves then), which is in the number; and a link between two claims, which
shows each claim on the other's page, so a linked claim has no number (None) and is always
rendered (links are few).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from hashlib import blake2b
from typing import Any

from sqlalchemy import Row, Table, select
from sqlmodel import Session, SQLModel

from claimtrack.records.versions import MONITOR_ONLY, UNSERVED

MASK = (1 << 64) - 1
BATCH = 20_000  # rows fetched at a time: a table of millions is never held whole


def claim_numbers(session: Session, moment: datetime) -> dict[int, str | None]:
    """Every claim's number at ``moment`` (None: always render it), removed claims too."""
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in UNSERVED]
    claim = SQLModel.metadata.tables["claim"]
    hanging = [t for t in tables if _claim_keys(t) and t is not claim]
    pointed = {  # the rows other than claims that those point to, each hashed once
        fk.column.table.name
        for table in hanging
        for fk in table.foreign_keys
        if fk.column.table is not claim and not _claim_keys(fk.column.table)
    }
    digests = {name: _row_digests(session, SQLModel.metadata.tables[name]) for name in pointed}
    sums: dict[int, int] = {}
    kept = [c for c in claim.c if c.name not in MONITOR_ONLY.get("claim", ())]
    for row in _rows(session, select(*kept)):
        passed = row.due_at is not None and row.due_at <= moment
        sums[row.id] = _digest(("claim", tuple(row), passed))
    linked: set[int] = set()
    for table in hanging:
        keys = _claim_keys(table)
        references = [
            (column, fk.column.table.name)
            for column in table.c
            for fk in column.foreign_keys
            if fk.column.table.name in digests
        ]
        for row in _rows(session, select(table)):
            if len(keys) > 1:  # a link: each claim shows the other
                linked.update(row._mapping[key] for key in keys)
                continue
            owner = row._mapping[keys[0]]
            pointing = tuple(digests[name].get(row._mapping[col.name]) for col, name in references)
            row_digest = _digest((table.name, tuple(row), pointing))
            sums[owner] = (sums.get(owner, 0) + row_digest) & MASK
    return {
        claim_id: None if claim_id in linked else format(total, "016x")
        for claim_id, total in sums.items()
    }


def _claim_keys(table: Table) -> list[str]:
    """The table's columns that name a claim."""
    return [
        column.name
        for column in table.c
        if any(fk.column.table.name == "claim" for fk in column.foreign_keys)
    ]


def _row_digests(session: Session, table: Table) -> dict[Any, int]:
    (key,) = table.primary_key.columns
    return {
        row._mapping[key.name]: _digest((table.name, tuple(row)))
        for row in _rows(session, select(table))
    }


def _rows(session: Session, query: Any) -> Iterator[Row[Any]]:
    result = session.execute(query.execution_options(yield_per=BATCH))
    yield from result


def _digest(values: tuple[Any, ...]) -> int:
    return int.from_bytes(blake2b(repr(values).encode(), digest_size=8).digest(), "big")
