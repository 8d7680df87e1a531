"""From a text to tracked claims: the candidates of a text, and recording the chosen ones
as claims, each with the text's source and its sentence as the quote, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from claimtrack.deadlines.finder import Span, find_deadlines
from claimtrack.errors import BadInput
from claimtrack.extract.candidates import claimants, judge
from claimtrack.extract.sentences import language_of, sentences
from claimtrack.extract.sources import Text
from claimtrack.records.attribution import Citation, SourceInfo
from claimtrack.records.claims import add_claim
from claimtrack.records.moments import Clock
from claimtrack.records.validation import find_duplicate


@dataclass(frozen=True)
class Candidate:
    """A sentence that commits (or predicts) with a deadline; ``start``/``end`` are the
    sentence's offsets in the text, the span's offsets are within the sentence."""

    number: int
    sentence: str
    start: int
    end: int
    span: Span
    kind: str
    claimants: list[str]
    score: float

    def to_json(self) -> dict[str, Any]:
        reading = self.span.reading
        deadline: dict[str, Any] = {"text": self.span.text}
        if reading is not None:
            deadline |= {
                "kind": reading.kind,
                "date": reading.date.isoformat(),
                "precision": reading.precision,
            }
        else:
            deadline["problem"] = self.span.problem
        return {
            "number": self.number,
            "sentence": self.sentence,
            "deadline": deadline,
            "deadline_start": self.span.start,
            "deadline_end": self.span.end,
            "kind": self.kind,
            "claimants": self.claimants,
            "score": self.score,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Extraction:
    source: Text
    language: str
    stated_on: date | None
    candidates: list[Candidate] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source.to_json(),
            "language": self.language,
            "stated_on": self.stated_on.isoformat() if self.stated_on else None,
            "candidates": [c.to_json() for c in self.candidates],
        }


def extract(text: Text, language: str | None = None, stated: date | None = None) -> Extraction:
    """The candidates of ``text``; relative phrases count from ``stated``, else the text's
    publication date (a candidate that needs one that is not known says so)."""
    lang = language or language_of(text.text)
    stated_on = stated or text.published_on
    found = Extraction(text, lang, stated_on)
    for sentence in sentences(text.text, lang):
        if text.title and sentence.text.strip() == text.title.strip():
            continue  # the headline restates the article's sentence, which is the quote
        for span in find_deadlines(sentence.text, stated_on):
            judged = judge(sentence.text, span, lang, stated_on)
            if judged is None:
                continue
            found.candidates.append(
                Candidate(
                    len(found.candidates) + 1,
                    sentence.text,
                    sentence.start,
                    sentence.end,
                    span,
                    judged.kind,
                    claimants(sentence.text, lang),
                    judged.score,
                )
            )
    return found


@dataclass
class Recorded:
    added: list[tuple[int, int]] = field(default_factory=list)  # (candidate, claim id)
    skipped: list[tuple[int, int]] = field(default_factory=list)  # (candidate, existing id)


def record(
    session: Session,
    extraction: Extraction,
    picked: Sequence[int] | None,
    by: Sequence[str],
    clock: Clock,
) -> Recorded:
    """Record the candidates ``picked`` (numbers; None: all) as claims, in the caller's one
    transaction; ``by`` names the claimants of those whose text names none. A candidate
    recorded already (same text and claimants) is skipped, and said."""
    numbers = [c.number for c in extraction.candidates]
    chosen = list(numbers) if picked is None else list(dict.fromkeys(picked))
    unknown = [n for n in chosen if n not in numbers]
    if unknown:
        raise BadInput(
            "--pick",
            f"no candidate {unknown[0]}; the candidates are 1 to {len(numbers)}"
            if numbers
            else "the text has no candidate to pick",
        )
    source = extraction.source
    done = Recorded()
    for candidate in (c for c in extraction.candidates if c.number in chosen):
        names = candidate.claimants or list(by)
        if not names:
            raise BadInput(
                "--by",
                f"candidate {candidate.number} names no claimant; give who made it with --by",
            )
        if candidate.span.reading is None:
            raise BadInput(f"candidate {candidate.number}", str(candidate.span.problem))
        same = find_duplicate(session, candidate.sentence, names)
        if same is not None:
            done.skipped.append((candidate.number, same))
            continue
        info = SourceInfo(
            url=source.url,
            title=source.title or (None if source.url else "text given to claimtrack extract"),
            publisher=source.publisher,
            published_on=source.published_on,
            language=extraction.language,
        )
        claim = add_claim(
            session,
            candidate.sentence,
            claimants=names,
            clock=clock,
            kind=candidate.kind,
            language=extraction.language,
            stated_on=extraction.stated_on,
            deadline=candidate.span.text,
            citations=[Citation(info, candidate.sentence)],
            duplicate_ok=True,
        )
        assert claim.id is not None
        done.added.append((candidate.number, claim.id))
    return done
