"""The tables: one SQLModel class per table, fields and relationships declared once.

Statuses are not stored anywhere: they are derived from verdicts and deadlines by
``claimtrack.records.status`` for any moment, so that a claim's timeline can be replayed.
Time stamps are aware datetimes in UTC on the Python side whatever the database keeps.
"""

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlmodel import Field, Relationship, SQLModel

from claimtrack.records.columns import moment as _moment
from claimtrack.records.columns import text as _text
from claimtrack.records.columns import utcnow

CLAIM_KINDS = ("commitment", "prediction", "assertion")
ACTOR_KINDS = ("person", "government", "organisation")
SOURCE_ROLES = ("origin", "evidence")
# A repeat is "still awaiting a check", every `repeat` after the deadline; its days_before is
# minus its number (the first repeat -1), which keeps each one once in the alert's key.
ALERT_KINDS = ("reminder", "due", "repeat")
# Every kind of history entry the program writes; an import may carry only these.
EVENT_KINDS = (
    "created",
    "edited",
    "source_added",
    "verdict",
    "retracted",
    "removed",
    "restored",
    "flagged",
    "imported",
    "linked",
    "unlinked",
)
# How one claim relates to another: a later statement that moves the deadline supersedes the
# first; "part-of" links a step to the commitment it belongs to.
LINK_KINDS = ("supersedes", "contradicts", "repeats", "part-of")
# Why a promise broke, after Holder de Ord's list: the votes were not there, the claimant
# changed position, it was not given priority, events outside their control, or another.
BREAK_CAUSES = ("no-majority", "changed-position", "not-prioritised", "outside-events", "other")

# A claim's ``watch_at`` set to this asks the monitor to look at the claim on its next
# sweep: a new or changed deadline, whose alerts the monitor has not planned yet.
# Ids are INTEGER columns: 32 bits on PostgreSQL (64 on SQLite), so one rule for both.
MAX_ID = 2**31 - 1
LOOK_NOW = datetime(1970, 1, 1, tzinfo=UTC)

# Verdict values by what they may rate. The latest final verdict decides a claim's status.
FINAL_VERDICTS: dict[str, tuple[str, ...]] = {
    "commitment": ("kept", "broken", "partial", "unverifiable", "withdrawn"),
    "prediction": ("kept", "broken", "partial", "unverifiable", "withdrawn"),
    "assertion": ("true", "false", "misleading", "unverifiable", "withdrawn"),
}
INTERIM_VERDICTS = ("in_progress", "stalled")
ALL_VERDICTS = (
    "kept",
    "broken",
    "partial",
    "true",
    "false",
    "misleading",
    "unverifiable",
    "withdrawn",
    *INTERIM_VERDICTS,
)


class Actor(SQLModel, table=True):
    """Who makes claims: a person, a government, an organisation."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str | None = None
    role: str | None = None
    affiliation: str | None = None
    # The term of office, when the claimant holds one: "by the end of this Parliament" is
    # read to its end, "on day one" to its start.
    term_start: date | None = None
    term_end: date | None = None
    created_at: datetime = _moment(default_factory=utcnow)


class ClaimActor(SQLModel, table=True):
    """A claimant of a claim; a joint statement has several, kept in the order given."""

    __tablename__: ClassVar[str] = "claim_actor"  # type: ignore[misc]

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", primary_key=True, index=True)
    position: int = 0

    actor: Actor = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class ClaimTag(SQLModel, table=True):
    __tablename__: ClassVar[str] = "claim_tag"  # type: ignore[misc]

    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    tag: str = Field(primary_key=True, index=True)


class Source(SQLModel, table=True):
    """A document: an article, a statement, a briefing. Identified by its URL when it has one."""

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True, max_length=36)
    url: str | None = Field(default=None, unique=True)
    title: str | None = None
    publisher: str | None = None
    published_on: date | None = None
    retrieved_on: date | None = None
    archive_url: str | None = None
    language: str | None = None
    created_at: datetime = _moment(default_factory=utcnow)


class ClaimSource(SQLModel, table=True):
    """A citation: where a claim was made (origin) or what shows its outcome (evidence).

    The exact quote belongs here, not to the source: one article quotes several claims.
    """

    __tablename__: ClassVar[str] = "claim_source"  # type: ignore[misc]

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    source_id: int = Field(foreign_key="source.id", index=True)
    verdict_id: int | None = Field(default=None, foreign_key="verdict.id", index=True)
    role: str = "origin"
    quote: str | None = _text(default=None, nullable=True)
    created_at: datetime = _moment(default_factory=utcnow)

    source: Source = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class Verdict(SQLModel, table=True):
    """One check of a claim against what happened. All are kept; the latest one counts."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    verdict: str
    note: str = _text()
    checked_on: date = Field(index=True)
    recorded_at: datetime = _moment(default_factory=utcnow)
    reviewer: str | None = None
    # The day the outcome happened (a deadline met late is kept, N days late), and for a
    # broken promise why it broke (BREAK_CAUSES), when known.
    happened_on: date | None = None
    cause: str | None = None
    # A verdict recorded by mistake is retracted, never deleted: from ``retracted_at`` on it
    # no longer counts anywhere, and the record shows it, struck, with the reason.
    retracted_at: datetime | None = _moment(default=None, nullable=True)
    retraction_reason: str | None = _text(default=None, nullable=True)

    evidence: list[ClaimSource] = Relationship(
        sa_relationship_kwargs={"order_by": "ClaimSource.id", "lazy": "selectin"}
    )


class ClaimLink(SQLModel, table=True):
    """A typed link from one claim to another (``claim supersedes other``), with its note
    and, when a source shows it, that source and the exact words quoted from it."""

    __tablename__: ClassVar[str] = "claim_link"  # type: ignore[misc]
    __table_args__ = (UniqueConstraint("claim_id", "other_id", "relation"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    other_id: int = Field(foreign_key="claim.id", index=True)
    relation: str
    note: str | None = _text(default=None, nullable=True)
    source_id: int | None = Field(default=None, foreign_key="source.id")
    quote: str | None = _text(default=None, nullable=True)
    created_at: datetime = _moment(default_factory=utcnow)

    source: Source | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})


class Claim(SQLModel, table=True):
    """Something said by someone, with when it should come true and how to check it."""

    __table_args__ = (
        Index("ix_claim_due_at", "due_at"),
        # With the id: the monitor takes claims in (watch_at, id) order, 500 at a time. SQLite
        # has the rowid in every index; PostgreSQL without it sorted every waiting claim for
        # each batch (a 1M-claim catch-up took 20 minutes instead of seconds).
        Index("ix_claim_watch_at", "watch_at", "id"),
        Index("ix_claim_verdict_due_at", "verdict", "due_at"),
        Index("ix_claim_last_checked_on", "last_checked_on"),
        # Partial on SQLite: only the few claims retracted or removed are in them. A full
        # index on removed_at tempted SQLite to serve "removed_at IS NULL" (every live claim)
        # from it, then sort them all, instead of walking the deadline index in order
        # (docs/benchmarks.md). PostgreSQL's planner knows from its statistics that the
        # column is nearly all NULL; and a postgresql_where here would load the PostgreSQL
        # dialect in every command on SQLite.
        Index(
            "ix_claim_last_retracted_at",
            "last_retracted_at",
            sqlite_where=sql_text("last_retracted_at IS NOT NULL"),
        ),
        Index("ix_claim_removed_at", "removed_at", sqlite_where=sql_text("removed_at IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(unique=True, max_length=36)
    text: str = _text()
    language: str = "en"
    translation: str | None = _text(default=None, nullable=True)
    kind: str = "commitment"
    stated_on: date | None = None
    context: str | None = _text(default=None, nullable=True)
    criteria: str | None = _text(default=None, nullable=True)
    deadline_text: str | None = None
    deadline_kind: str | None = None
    deadline_date: date | None = None
    deadline_precision: str | None = None
    deadline_read_by: str | None = None  # "reader" or "hand" (deadlines.deadline.READERS)
    due_at: datetime | None = _moment(default=None, nullable=True)
    # When the monitor must next look at this claim: its next reminder or its deadline,
    # LOOK_NOW after a change, NULL when nothing is left to flag. Monitor bookkeeping that
    # lets a sweep read only the claims it has work for (an index range), never all claims.
    watch_at: datetime | None = _moment(default=None, nullable=True)
    # The claim's standing (status.standing), kept with every verdict written: the verdict
    # that decides its status (the latest final one, else the latest) and the day of its
    # latest check. Derived data, indexed so that counting or listing claims by status reads
    # an index rather than every claim's verdicts; for a moment before ``last_checked_on``
    # the status is worked out from the verdicts themselves (status_sql).
    verdict: str | None = None
    last_checked_on: date | None = None
    # The latest retraction of one of its verdicts: before that moment the standing above
    # (which leaves retracted verdicts out) may not be what was known, so SQL works the
    # status out from the verdicts themselves, as for a moment before the latest check.
    last_retracted_at: datetime | None = _moment(default=None, nullable=True)
    # How many times a retraction took away the final verdict that settled the claim: each
    # reopening arms the "due" flag once more (Alert.reopening), so it is flagged again.
    reopenings: int = 0
    # A removed claim (a duplicate, test data) leaves every list, count, page, export and
    # the monitor, but stays in the database, its history and the JSON export; restorable.
    removed_at: datetime | None = _moment(default=None, nullable=True)
    removal_reason: str | None = _text(default=None, nullable=True)
    created_at: datetime = _moment(default_factory=utcnow)
    updated_at: datetime = _moment(default_factory=utcnow)

    actor_links: list[ClaimActor] = Relationship(
        sa_relationship_kwargs={"order_by": "ClaimActor.position", "lazy": "selectin"}
    )
    tag_links: list[ClaimTag] = Relationship(
        sa_relationship_kwargs={"order_by": "ClaimTag.tag", "lazy": "selectin"}
    )
    source_links: list[ClaimSource] = Relationship(
        sa_relationship_kwargs={
            "order_by": "ClaimSource.id",
            "lazy": "selectin",
            "primaryjoin": "Claim.id == ClaimSource.claim_id",
            "viewonly": True,
        }
    )
    verdicts: list[Verdict] = Relationship(
        sa_relationship_kwargs={
            "order_by": "(Verdict.checked_on, Verdict.recorded_at, Verdict.id)",
            "lazy": "selectin",
            "viewonly": True,
        }
    )
    links_out: list[ClaimLink] = Relationship(
        sa_relationship_kwargs={
            "primaryjoin": "Claim.id == ClaimLink.claim_id",
            "order_by": "(ClaimLink.created_at, ClaimLink.id)",
            "lazy": "selectin",
            "viewonly": True,
        }
    )
    links_in: list[ClaimLink] = Relationship(
        sa_relationship_kwargs={
            "primaryjoin": "Claim.id == ClaimLink.other_id",
            "order_by": "(ClaimLink.created_at, ClaimLink.id)",
            "lazy": "selectin",
            "viewonly": True,
        }
    )

    @property
    def claimants(self) -> list[str]:
        return [link.actor.name for link in self.actor_links]

    @property
    def tags(self) -> list[str]:
        return [link.tag for link in self.tag_links]


class Event(SQLModel, table=True):
    """Append-only history: every change to a claim, who made it, when, and what changed."""

    # The corrections log reads the few retractions and removals by kind, newest first.
    __table_args__ = (Index("ix_event_kind_at", "kind", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    kind: str
    at: datetime = _moment()
    actor: str | None = None
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Alert(SQLModel, table=True):
    """A flag raised by the monitor: a reminder before a deadline, or the deadline passed.

    The unique key makes the flag exist at most once however many passes race to insert
    it; a changed deadline has a new ``due_at`` and so arms new alerts. The row is also an
    outbox: it stays undelivered (``next_attempt_at`` set) until every channel took it.
    """

    __table_args__ = (
        UniqueConstraint("claim_id", "kind", "due_at", "days_before", "reopening"),
        Index("ix_alert_next_attempt_at", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    kind: str  # reminder | due
    due_at: datetime = _moment()  # the claim's deadline moment this alert is about
    days_before: int = 0  # 0 for ``due``; N for the reminder N days before
    reopening: int = 0  # the claim's ``reopenings`` when a ``due`` alert was flagged
    fires_at: datetime = _moment()  # when the alert became due: due_at less days_before
    flagged_at: datetime = _moment()
    delivered_at: datetime | None = _moment(default=None, nullable=True)
    attempts: int = 0
    last_error: str | None = _text(default=None, nullable=True)
    # When a delivery may next be tried: NULL once delivered; moved ahead while a pass holds
    # the alert (a lease) and after a failure (backoff).
    next_attempt_at: datetime | None = _moment(default=None, nullable=True)


class Delivery(SQLModel, table=True):
    """One channel accepted one alert, so a retry after a partial failure skips it."""

    alert_id: int = Field(foreign_key="alert.id", primary_key=True)
    channel: str = Field(primary_key=True)
    delivered_at: datetime = _moment()


class MonitorState(SQLModel, table=True):
    """What the monitor must remember between runs, such as the reminder offsets in force."""

    __tablename__: ClassVar[str] = "monitor_state"  # type: ignore[misc]

    name: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class Silence(SQLModel, table=True):
    """Alerts about some claims held, not lost, until a moment: those of a claimant, a tag
    or one claim (a government's claims during a caretaker period). Ended early, it stays
    on the record with the moment it was lifted."""

    id: int | None = Field(default=None, primary_key=True)
    claimant: str | None = None
    tag: str | None = None
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    until: datetime = _moment(index=True)
    reason: str = _text()
    created_at: datetime = _moment(default_factory=utcnow)
    actor: str | None = None
    lifted_at: datetime | None = _moment(default=None, nullable=True)


class DataVersion(SQLModel, table=True):
    """The change counter (one row): raised by every write that readers can see, so a cached
    page is known current from one read of it, on SQLite and PostgreSQL alike."""

    __tablename__: ClassVar[str] = "data_version"  # type: ignore[misc]

    id: int = Field(default=1, primary_key=True)
    version: int = Field(sa_type=BigInteger)
    changed_at: datetime | None = _moment(default=None, nullable=True)
