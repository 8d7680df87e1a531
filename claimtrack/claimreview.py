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

from claimtrack.claims import AsOf
from claimtrack.config import Publishing
from claimtrack.document import ActorRecord, CitationRecord, ClaimRecord, SourceRecord
from claimtrack.errors import BadInput
from claimtrack.status import derive_status, is_final

# What a reader sees for each verdict (reviewRating.alternateName).
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


def _needs(publishing: Publishing) -> None:
    for key in ("name", "url", "claim_url"):
        if getattr(publishing, key) is None:
            raise BadInput(
                f"[publishing] {key}",
                "is not set; ClaimReview needs the publisher's name and url and the claims' "
                'page, e.g. claim_url = "https://factcheck.example/claims/{id}" (see README)',
            )


def _work(source: SourceRecord) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork"}
    if source.url:
        work["url"] = source.url
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


def review(
    record: ClaimRecord,
    sources: dict[str, SourceRecord],
    actors: dict[str, ActorRecord],
    as_of: AsOf,
    publishing: Publishing,
) -> dict[str, Any] | None:
    """The ClaimReview of one claim, or None when it has no final verdict at ``as_of``."""
    status = derive_status(record.due_at, record.verdicts, as_of.moment, as_of.day)
    if not is_final(status) or status not in LABELS:
        return None
    verdict = [v for v in record.verdicts if v.verdict == status and v.checked_on <= as_of.day][-1]
    origins: list[CitationRecord] = [c for c in record.citations if c.role == "origin"]
    cited = [sources[c.source] for c in origins]
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
        "url": publishing.link(record.id, record.uuid),
        "claimReviewed": record.translation or record.text,
        "itemReviewed": claim,
        "author": {"@type": "Organization", "name": publishing.name, "url": publishing.url},
        "datePublished": verdict.checked_on.isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "alternateName": LABELS[status],
            "ratingExplanation": verdict.note,
        },
    }


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
    reviews = [r for rec in records if (r := review(rec, sources, by_name, as_of, publishing))]
    out.write(json.dumps(reviews, ensure_ascii=False, indent=2) + "\n")
    return len(reviews)
