"""A reading given by hand: for a phrase the reader must refuse ("avant la fin du
quinquennat" with no term recorded, "early 2026"), or reads otherwise than the person who
knows the context. The phrase is kept as said; the date, kind and precision are the hand's,
and the reading says so (``read_by = "hand"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimtrack.deadlines.deadline import KINDS, PRECISIONS, Deadline, Term
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput


@dataclass(frozen=True)
class HandReading:
    """What a person gave: the day, and optionally the kind and precision."""

    date: date
    kind: str | None = None
    precision: str | None = None


def read_by_hand(
    phrase: str | None,
    hand: HandReading,
    stated: date | None = None,
    term: Term | None = None,
) -> tuple[Deadline, str | None]:
    """The hand's reading of ``phrase``, and a note when the reader reads it otherwise.

    Kind and precision not given are the reader's when it can read the phrase, else ``by``
    and ``day``.
    """
    if phrase is None or not phrase.strip():
        raise BadInput(
            "--due-date",
            "a reading by hand needs the phrase as said: --due PHRASE --due-date YYYY-MM-DD",
        )
    text = " ".join(phrase.split())
    if hand.kind is not None and hand.kind not in KINDS:
        raise BadInput("--due-kind", f"'{hand.kind}' is not one of {', '.join(KINDS)}")
    if hand.precision is not None and hand.precision not in PRECISIONS:
        raise BadInput(
            "--due-precision", f"'{hand.precision}' is not one of {', '.join(PRECISIONS)}"
        )
    try:
        own: Deadline | None = parse_deadline(text, stated, term=term)
    except BadInput:
        own = None
    kind = hand.kind or (own.kind if own else "by")
    precision = hand.precision or (own.precision if own else "day")
    reading = Deadline(text, kind, hand.date, precision, read_by="hand")
    note = None
    if own is not None and (own.kind, own.date, own.precision) != (kind, hand.date, precision):
        note = (
            f"the reader reads '{text}' as {own.kind} {own.date.isoformat()} ({own.precision}); "
            f"kept the reading given by hand: {kind} {hand.date.isoformat()} ({precision})"
        )
    return reading, note
