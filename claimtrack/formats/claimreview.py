"""schema.org ClaimReview (JSON-LD): the verdicts, in the form search engines and fact-check
aggregators read (https://schema.org/ClaimReview).

One review per claim whose status at the export's moment is a final verdict. The author is
the publishing organisation of the configuration; each review's ``url`` is the claim's page
(``[publishing] claim_url``), since a ClaimReview without its page is not publishable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from claimtrack.config import Publishing
from claimtrack.errors import BadInput
from claimtrack.formats.document import (
    ActorRecord,
    CitationRecord,
    ClaimRecord,
    SourceRecord,
    VerdictRecord,
)
from claimtrack.records.moments import AsOf
from claimtrack.records.status import derive_status, is_final

# What a reader sees for each verdict (reviewRating.name and alternateName).
LABELS = {
    "kept": "Kept",
    "broken": "Broken",
    "partial": "Partially kept",
    "true": "True",
    "false": "False",
    "misleading": "Misleading",
    "unverifiable": "Unverifiable",
    "withdrawn": "Withdrawn",
}

# The numeric rating Google and the fact-check aggregators ask for beside the words, on one
# scale for promises and statements alike: 1 is the worst (broken, false), 5 the best (kept,
# true). A verdict that says nothing of truth or keeping (unverifiable, withdrawn) has no
# place on it and carries its words only, as schema.org allows.
WORST, BEST = 1, 5
RATINGS = {"kept": 5, "true": 5, "partial": 3, "misleading": 2, "broken": 1, "false": 1}


def _needs(publishing: Publishing) -> None:
    for key in ("name", "url", "claim_url"):
        if getattr(publishing, key) is None:
            raise BadInput(
                f"[publishing] {key}",
                "is not set; ClaimReview needs the publisher's name and url and the claims' "
                'page, e.g. claim_url = "https://factcheck.example/claims/{id}" (see README)',
            )


def _work(source: SourceRecord) -> dict[str, Any]:
    """The source as a CreativeWork with the address a reader finds it at (its own, else its
    archived copy). A source known by no address (a speech heard, a paper copy, an article
    reported second-hand) is described inline by its title and publisher, as schema.org allows
    for an appearance, rather than left out of where the claim was made."""
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if source.url or source.archive_url:
        work["url"] = source.url or source.archive_url
    if source.title:
        work["headline"] = source.title
    if source.publisher:
        work["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        work["datePublished"] = source.published_on.isoformat()
    if source.archive_url:
        work["archivedAt"] = source.archive_url
    if source.language:
        work["inLanguage"] = source.language
    return work


def _person(name: str, actors: dict[str, ActorRecord]) -> dict[str, str]:
    known = actors.get(name)
    kind = "Person" if known is not None and known.kind == "person" else "Organization"
    return {"@type": kind, "name": name}


def rating(status: str, note: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "Rating", "name": LABELS[status]}
    if status in RATINGS:
        found |= {"ratingValue": RATINGS[status], "bestRating": BEST, "worstRating": WORST}
    found["alternateName"] = LABELS[status]
    if note:
        found["ratingExplanation"] = note
    return found


def _explained(verdict: VerdictRecord, record: ClaimRecord) -> str:
    """The note, with the lateness of a promise kept late or the cause of one broken: the
    reader judges what a late promise is worth."""
    parts = [verdict.note]
    if verdict.verdict == "kept" and verdict.happened_on and record.deadline:
        late = (verdict.happened_on - record.deadline.date).days
        if late > 0:
            parts.append(f"Kept {late} day{'' if late == 1 else 's'} late.")
    if verdict.cause:
        parts.append(f"Why it broke: {verdict.cause}.")
    return " ".join(p for p in parts if p)


def reviewed(status: str) -> bool:
    """Whether a claim of that status has a ClaimReview: a final verdict with a rating.
    A claim's page asks first, so most pages (no verdict yet) read nothing more for it."""
    return is_final(status) and status in LABELS


def review(
    record: ClaimRecord,
    sources: dict[str, SourceRecord],
    actors: dict[str, ActorRecord],
    as_of: AsOf,
    author: dict[str, Any],
    url: str | None,
) -> dict[str, Any] | None:
    """The ClaimReview of one claim, or None when it has no final verdict at ``as_of``.
    ``url`` is the page that shows the review (the claim's page), ``author`` who publishes it."""
    status = derive_status(record.due_at, record.verdicts, as_of.moment, as_of.day)
    if not reviewed(status):
        return None
    verdict = [v for v in record.verdicts if v.verdict == status and v.checked_on <= as_of.day][-1]
    origins: list[CitationRecord] = [c for c in record.citations if c.role == "origin"]
    keys = dict.fromkeys(c.source for c in origins)  # a source quoted twice appears once
    cited = [sources[key] for key in keys]
    claim: dict[str, Any] = {
        "@type": "Claim",
        "author": [_person(name, actors) for name in record.claimants],
        "inLanguage": record.language,
    }
    if record.stated_on:
        claim["datePublished"] = record.stated_on.isoformat()
    if cited:
        claim["appearance"] = [_work(source) for source in cited]
        dated = [s for s in cited if s.published_on is not None]
        first = min(dated, key=lambda s: s.published_on) if dated else cited[0]  # type: ignore[arg-type, return-value]
        claim["firstAppearance"] = _work(first)
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        **({"url": url} if url else {}),
        "claimReviewed": record.translation or record.text,
        "itemReviewed": claim,
        "author": author,
        "datePublished": verdict.checked_on.isoformat(),
        "reviewRating": rating(status, _explained(verdict, record)),
    }


def organisation(name: str, url: str | None) -> dict[str, Any]:
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def write(
    out: TextIO,
    records: Iterable[ClaimRecord],
    sources: dict[str, SourceRecord],
    actors: list[ActorRecord],
    as_of: AsOf,
    publishing: Publishing,
) -> int:
    """A JSON array of ClaimReview objects, each with its @context so it can be embedded
    alone in the claim's page."""
    _needs(publishing)
    by_name = {actor.name: actor for actor in actors}
    author = organisation(publishing.name or "", publishing.url)
    reviews = [
        r
        for rec in records
        if (r := review(rec, sources, by_name, as_of, author, publishing.link(rec.id, rec.uuid)))
    ]
    out.write(json.dumps(reviews, ensure_ascii=False, indent=2) + "\n")
    return len(reviews)
