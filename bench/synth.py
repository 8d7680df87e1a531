"""Synthetic claim databases for the benchmarks: many claimants, French and English text,
deadlines spread over twenty years, a share with verdicts, one creation event per claim.

Rows go in with SQLAlchemy Core's executemany on a database made by claimtrack's own
migrations, so the schema and indexes are exactly those users have. The full-text index
is not filled (the monitor never reads it).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from claimtrack import store
from claimtrack.models import LOOK_NOW, Actor, Claim, ClaimActor, Event, Verdict

CHUNK = 20_000
FIRST_DAY = date(2016, 1, 1)
SPAN_DAYS = 365 * 20  # deadlines from 2016 to 2035

FRENCH = [
    "Le gouvernement réduira les émissions de {n} % d’ici {y}.",
    "La mission de la coalition en Irak se terminera au plus tard en {y}.",
    "Nous construirons {n}000 logements sociaux avant la fin de {y}.",
    "Le déficit public passera sous les {n} % du PIB en {y}.",
]
ENGLISH = [
    "We will cut emissions by {n}% by {y}.",
    "The coalition mission will end no later than {y}.",
    "Unemployment will fall below {n}% before the end of {y}.",
    "The bridge will open to traffic in {y}.",
]


def _chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _deadline(rng: random.Random) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange(SPAN_DAYS))


def build(path: Path, count: int, now: datetime, newly_due: int, seed: int = 7) -> dict[str, Any]:
    """A database of ``count`` claims; ``newly_due`` of them fall due in the hour after
    ``now`` (at half past), while every other deadline and reminder falls at midnight."""
    rng = random.Random(seed)
    path.unlink(missing_ok=True)
    opened = store.open_database(str(path))
    actors = [
        f"Actor {i} {rng.choice(['Dupont', 'Smith', 'al-Sudani', 'Müller'])}" for i in range(2000)
    ]
    special = set(rng.sample(range(count), newly_due))
    verdicts = 0
    with opened.engine.begin() as connection:
        connection.execute(
            insert(Actor),
            [{"name": name, "kind": "person", "created_at": now} for name in actors],
        )

        def claims() -> Iterator[dict[str, Any]]:
            for i in range(count):
                french = rng.random() < 0.5
                template = rng.choice(FRENCH if french else ENGLISH)
                if i in special:
                    last = now.date()
                    due_at = datetime.combine(last, time(now.hour, 30), UTC)
                else:
                    last = _deadline(rng)
                    due_at = datetime.combine(last + timedelta(days=1), time(), UTC)
                yield {
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                    "text": template.format(n=rng.randint(2, 60), y=last.year),
                    "language": "fr" if french else "en",
                    "kind": "commitment",
                    "stated_on": last - timedelta(days=rng.randint(100, 2000)),
                    "deadline_text": last.isoformat(),
                    "deadline_kind": "by",
                    "deadline_date": last,
                    "deadline_precision": "day",
                    "due_at": due_at,
                    "watch_at": LOOK_NOW,
                    "created_at": now,
                    "updated_at": now,
                }

        for batch in _chunks(claims()):
            connection.execute(insert(Claim), batch)
        links = (
            {"claim_id": i + 1, "actor_id": rng.randrange(len(actors)) + 1, "position": 0}
            for i in range(count)
        )
        for batch in _chunks(links):
            connection.execute(insert(ClaimActor), batch)
        events = (
            {"claim_id": i + 1, "kind": "created", "at": now, "actor": "bench", "data": {}}
            for i in range(count)
        )
        for batch in _chunks(events):
            connection.execute(insert(Event), batch)

        def judged() -> Iterator[dict[str, Any]]:
            nonlocal verdicts
            for i in range(count):  # a fifth of the claims carry a final verdict
                if i not in special and rng.random() < 0.2:
                    verdicts += 1
                    yield {
                        "claim_id": i + 1,
                        "verdict": rng.choice(["kept", "broken", "partial"]),
                        "note": "Checked against the record.",
                        "checked_on": now.date() - timedelta(days=rng.randint(1, 3000)),
                        "recorded_at": now,
                    }

        for batch in _chunks(judged()):
            connection.execute(insert(Verdict), batch)
    opened.dispose()
    return {"claims": count, "verdicts": verdicts, "newly_due": newly_due}
