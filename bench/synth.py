"""Synthetic claim databases for the benchmarks: many claimants, French and English text,
deadlines spread over twenty years, a share with verdicts, sources and quotes, tags, one
creation event per claim, the full-text search index, and each claim's standing.

Rows go in with SQLAlchemy Core's executemany on a database made by claimtrack's own
migrations, so the schema and indexes are exactly those users have. The search rows hold
what ``search.document`` would make of each claim.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from claimtrack.records import search, store
from claimtrack.records.models import (
    LOOK_NOW,
    Actor,
    Claim,
    ClaimActor,
    ClaimSource,
    ClaimTag,
    Event,
    Source,
    Verdict,
)
from claimtrack.records.search import claim_fts

CHUNK = 20_000
FIRST_DAY = date(2016, 1, 1)
SPAN_DAYS = 365 * 20  # deadlines from 2016 to 2035
ACTORS = 2000
TAGS = [
    "climate", "housing", "defence", "iraq", "syria", "budget", "health", "transport",
    "energy", "education", "employment", "migration", "justice", "agriculture", "digital",
]  # fmt: skip
SHARE_CITED = 0.3  # claims with an origin source and its quote; three claims per source
SHARE_FINAL = 0.2  # claims with a final verdict
SHARE_INTERIM = 0.03  # claims whose only verdict is interim (in progress, stalled)
SHARE_UNDATED = 0.05  # assertions without a deadline
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
QUOTES = [
    "« C’est un engagement ferme », a déclaré le ministre.",
    "“We are committed to this timeline,” the spokesperson said.",
    "The statement was repeated at the press conference.",
]
NOTES = ["Checked against the record.", "Confirmed by the official figures.", "Not done."]


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


def build(
    path: Path | str, count: int, now: datetime, newly_due: int, seed: int = 7
) -> dict[str, Any]:
    """A database of ``count`` claims; ``newly_due`` of them fall due in the hour after
    ``now`` (at half past), while every other deadline and reminder falls at midnight.
    ``path`` is a SQLite file (made anew) or the URL of an empty PostgreSQL database."""
    rng = random.Random(seed)
    if isinstance(path, Path):
        path.unlink(missing_ok=True)
    opened = store.open_database(str(path))
    postgres = not opened.is_sqlite
    search_table = search._postgres_table() if postgres else claim_fts
    actors = [
        f"Actor {i} {rng.choice(['Dupont', 'Smith', 'al-Sudani', 'Müller'])}" for i in range(ACTORS)
    ]
    special = set(rng.sample(range(count), newly_due))
    totals = {"claims": count, "newly_due": newly_due, "verdicts": 0, "cited": 0}
    with opened.engine.begin() as connection:
        connection.execute(
            insert(Actor),
            [{"name": name, "kind": "person", "created_at": now} for name in actors],
        )
        sources = 0
        for start in range(0, count, CHUNK):
            claims, links, tags, events, verdicts, cites, new_sources, found = (
                [],
                [],
                [],
                [],
                [],
                [],
                [],
                [],
            )
            for i in range(start, min(count, start + CHUNK)):
                claim_id = i + 1
                french = rng.random() < 0.5
                template = rng.choice(FRENCH if french else ENGLISH)
                undated = i not in special and rng.random() < SHARE_UNDATED
                if i in special:
                    last = now.date()
                    due_at: datetime | None = datetime.combine(last, time(now.hour, 30), UTC)
                else:
                    last = _deadline(rng)
                    due_at = datetime.combine(last + timedelta(days=1), time(), UTC)
                text = template.format(n=rng.randint(2, 60), y=last.year)
                actor = rng.randrange(ACTORS)
                tag = rng.choice(TAGS)
                claims.append(
                    {
                        "id": claim_id,
                        "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                        "text": text,
                        "language": "fr" if french else "en",
                        "kind": "assertion" if undated else "commitment",
                        "stated_on": last - timedelta(days=rng.randint(100, 2000)),
                        "deadline_text": None if undated else last.isoformat(),
                        "deadline_kind": None if undated else "by",
                        "deadline_date": None if undated else last,
                        "deadline_precision": None if undated else "day",
                        "due_at": None if undated else due_at,
                        "watch_at": None if undated else LOOK_NOW,
                        "verdict": None,
                        "last_checked_on": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                links.append({"claim_id": claim_id, "actor_id": actor + 1, "position": 0})
                tags.append({"claim_id": claim_id, "tag": tag})
                events.append(
                    {
                        "claim_id": claim_id,
                        "kind": "created",
                        "at": now,
                        "actor": "bench",
                        "data": {},
                    }
                )
                body = [text, actors[actor], tag]
                title = None
                if rng.random() < SHARE_CITED:
                    if sources == 0 or rng.random() < 1 / 3:
                        sources += 1
                        new_sources.append(
                            {
                                "id": sources,
                                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                                "url": f"https://news.example/{sources}",
                                "title": f"Article {sources}",
                                "publisher": "Example News",
                                "published_on": last - timedelta(days=100),
                                "created_at": now,
                            }
                        )
                    quote = rng.choice(QUOTES)
                    cites.append(
                        {
                            "claim_id": claim_id,
                            "source_id": sources,
                            "role": "origin",
                            "quote": quote,
                            "created_at": now,
                        }
                    )
                    body.append(quote)
                    title = f"Article {sources}"
                    totals["cited"] += 1
                draw = rng.random()
                if i not in special and (draw < SHARE_FINAL or draw > 1 - SHARE_INTERIM):
                    final = draw < SHARE_FINAL
                    note = rng.choice(NOTES)
                    verdicts.append(
                        {
                            "claim_id": claim_id,
                            "verdict": rng.choice(
                                ["kept", "broken", "partial"] if final else ["in_progress"]
                            ),
                            "note": note,
                            "checked_on": now.date() - timedelta(days=rng.randint(1, 3000)),
                            "recorded_at": now,
                        }
                    )
                    body.append(note)
                    claims[-1] |= {  # its standing, as claims.restand keeps it
                        "verdict": verdicts[-1]["verdict"],
                        "last_checked_on": verdicts[-1]["checked_on"],
                    }
                if title:  # in the order search.document joins them
                    body.append(title)
                text = "\n".join(body)
                found.append({"rowid": claim_id, "body": search.fold(text) if postgres else text})
            totals["verdicts"] += len(verdicts)
            for table, rows in (
                (Source, new_sources),
                (Claim, claims),
                (ClaimActor, links),
                (ClaimTag, tags),
                (ClaimSource, cites),
                (Event, events),
                (Verdict, verdicts),
                (search_table, found),
            ):
                if rows:
                    connection.execute(insert(table), rows)
        totals["sources"] = sources
    opened.dispose()
    return totals
