"""The JSON API's shapes, for its OpenAPI description and to read what it is sent.

The output models describe what shapes.py and reports.to_json build — the shapes the CLI
prints with ``--json`` — and forbid extra keys, so the tests can hold every response to its
description. Responses are the service's dicts themselves, not re-serialised models: the API
and the CLI cannot drift apart in what they print.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from claimtrack.records import storable
from claimtrack.records.models import MAX_ID


# What a write may carry: long enough for any statement, quote or note worth recording (a
# long joint statement's paragraph is a few thousand characters), short enough that no
# request can fill the database; the request body as a whole is capped too ([web] max_body).
# A NUL or a lone surrogate is refused as on every other door (storable.py).
def _storable(value: str) -> str:
    said = storable.problem(value)
    if said is not None:
        raise ValueError(said)
    return value


Storable = AfterValidator(_storable)
Text = Annotated[str, StringConstraints(max_length=20_000), Storable]
Name = Annotated[str, StringConstraints(min_length=1, max_length=500), Storable]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2_000), Storable]
Word = Annotated[str, StringConstraints(max_length=100), Storable]
MAX_ITEMS = 100


class Problem(BaseModel):
    """Every refusal and failure: one line naming what was wrong and, where it can, a form
    that is accepted."""

    detail: str = Field(examples=["status: 'kaput' is not one of pending, due, kept, …"])


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeadlineOut(_Out):
    text: str = Field(description="The deadline as written: 'au plus tard en septembre 2025'.")
    kind: str = Field(
        description="by (done by then), until (goes on until then), on, or from (a start: "
        "in effect from that day)."
    )
    date: str = Field(description="The last day it covers; for from, the first (ISO date).")
    precision: str = Field(description="day, week, month, half, quarter, season, year or decade.")
    due_at: str = Field(description="When it passes: the next midnight in the tracker's zone.")
    read_by: str = Field(description="reader (read from the phrase) or hand (given by a person).")


class SourceOut(_Out):
    url: str | None
    title: str | None
    publisher: str | None
    published_on: str | None
    archive_url: str | None
    quote: str | None = Field(description="The exact words in that source.")
    role: str = Field(description="origin (where it was said) or evidence (for a verdict).")
    verdict_id: int | None


class CorrectionOut(_Out):
    on: str = Field(description="When it was made (ISO date-time); it counts from then on.")
    reason: str | None


class VerdictOut(_Out):
    id: int
    verdict: str
    final: bool = Field(description="False for in_progress and stalled, which settle nothing.")
    note: str
    checked_on: str
    recorded_at: str
    reviewer: str | None
    happened_on: str | None = Field(description="The day the outcome happened, if known.")
    days_late: int | None = Field(description="For kept: days after the deadline it happened.")
    cause: str | None = Field(description="For broken: why it broke, if known.")
    evidence: list[SourceOut]
    retracted: CorrectionOut | None = Field(
        description="Null, or when and why it was retracted: from then on it counts nowhere."
    )


class LinkOut(_Out):
    relation: str = Field(description="supersedes, contradicts, repeats or part-of.")
    direction: str = Field(description="to: this claim supersedes claim_id; from: the reverse.")
    claim_id: int
    note: str | None
    source: str | None
    quote: str | None


class ClaimOut(_Out):
    id: int
    uuid: str
    text: str = Field(description="As said, in the original language.")
    language: str
    translation: str | None
    kind: str = Field(description="commitment, prediction or assertion.")
    claimants: list[str]
    stated_on: str | None
    deadline: DeadlineOut | None
    status: str = Field(description="At the moment asked about (as_of), derived, never stored.")
    tags: list[str]
    criteria: str | None
    context: str | None
    sources: list[SourceOut]
    verdicts: list[VerdictOut] = Field(
        description="Oldest first; the latest final one not retracted counts."
    )
    links: list[LinkOut] = Field(description="Typed links to and from other claims.")
    created_at: str
    updated_at: str


class DueClaimOut(ClaimOut):
    overdue_days: int = Field(description="Whole days since the deadline passed: 0 that day.")


class UpcomingClaimOut(ClaimOut):
    days_left: int = Field(description="Days until the deadline passes, today included.")


class RecentVerdictOut(_Out):
    claim_id: int
    claim: str
    verdict: str
    note: str
    checked_on: str
    recorded_at: str
    reviewer: str | None


class ReportOut(_Out):
    as_of: str
    days: int
    due: list[DueClaimOut] = Field(description="Deadline passed, no final verdict.")
    upcoming: list[UpcomingClaimOut]
    recent_verdicts: list[RecentVerdictOut]
    moved: list[dict[str, Any]] = Field(
        description="Deadlines moved in the window: a later statement superseding an earlier one."
    )
    limit: int | None = Field(description="The most each list holds; null: all.")
    totals: dict[str, int] = Field(description="Each list's length before the limit.")
    counts: dict[str, int] = Field(description="Claims by status.")


class EventOut(_Out):
    id: int
    claim_id: int
    kind: str
    at: str
    actor: str | None
    data: dict[str, Any]


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(examples=["https://www.state.gov/joint-statement"])
    title: Name | None = None
    publisher: Name | None = None
    quote: Text | None = Field(default=None, description="The exact words in that source.")


class ClaimIn(BaseModel):
    """A claim to record, as `claimtrack add` takes it."""

    model_config = ConfigDict(extra="forbid")

    text: Text = Field(description="As said, in the original language.")
    claimants: list[Name] = Field(
        min_length=1, max_length=MAX_ITEMS, examples=[["Government of Iraq"]]
    )
    kind: Word = "commitment"
    language: Word = Field(default="en", description="BCP 47 tag of the text.")
    translation: Text | None = None
    stated_on: date | None = None
    deadline: Name | None = Field(default=None, examples=["au plus tard en septembre 2025"])
    due_date: date | None = Field(
        default=None,
        description="A reading of the deadline given by hand: the day it names, for a phrase "
        "the reader refuses or reads otherwise (`--due-date`).",
    )
    due_kind: Word | None = Field(default=None, description="With due_date: by, until, on or from.")
    due_precision: Word | None = Field(
        default=None, description="With due_date: day, week, month, half, …, decade."
    )
    source: SourceIn | None = None
    tags: list[Word] = Field(default=[], max_length=MAX_ITEMS)
    criteria: Text | None = None
    context: Text | None = None
    duplicate_ok: bool = Field(
        default=False,
        description="Record it even if a claim with the same text and claimants exists.",
    )


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    quote: Text | None = None


class VerdictIn(BaseModel):
    """The outcome of a check, as `claimtrack verdict` takes it."""

    model_config = ConfigDict(extra="forbid")

    verdict: Word = Field(examples=["kept"])
    note: Text = Field(description="What the check found.")
    checked_on: date | None = Field(default=None, description="Default: today.")
    evidence: list[EvidenceIn] = Field(default=[], max_length=MAX_ITEMS)
    reviewer: Name | None = None
    corrects: int | None = Field(
        default=None,
        ge=1,
        le=MAX_ID,
        description="A verdict of this claim to retract, in the same change.",
    )
    reason: Text | None = Field(default=None, description="Why (with corrects).")
    happened_on: date | None = Field(
        default=None, description="The day the outcome happened, if not the day checked."
    )
    cause: Word | None = Field(
        default=None,
        description="Why a broken promise broke: no-majority, changed-position, "
        "not-prioritised, outside-events or other.",
    )


class RetractionIn(BaseModel):
    """Why a verdict is retracted (`claimtrack retract`); the reason is public."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, examples=["Recorded on the wrong claim."])


class RemovalIn(BaseModel):
    """Why a claim is removed (`claimtrack remove`); the reason is public."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, examples=["Duplicate of claim 3."])


class RemovedOut(_Out):
    id: int
    removed: CorrectionOut


class LogEntryOut(_Out):
    at: str
    kind: str = Field(description="retraction, correction, removal or restoration.")
    claim_id: int
    claim_uuid: str
    claim_text: str
    reason: str | None
    by: str | None
    verdict_id: int | None
    verdict: str | None
    checked_on: str | None
    corrected_by: int | None = Field(description="The verdict recorded in its place, if any.")
