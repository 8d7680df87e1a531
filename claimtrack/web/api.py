"""The JSON API under /api: the CLI's ``--json`` shapes over HTTP, and two writes.

Reads are open to all. The writes (add a claim, record a verdict) need the site's token in
``Authorization: Bearer …``: without a token configured the tracker is read-only (403); with
one, a request without it or with another gets 401. Each write is one transaction, as in the
CLI.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from claimtrack.deadlines.days import MAX_DAYS, parse_date
from claimtrack.deadlines.hand import HandReading
from claimtrack.errors import BadInput
from claimtrack.records import attribution, claims, corrections, moments, reading, shapes
from claimtrack.records.models import MAX_ID, Claim
from claimtrack.records.status import STATUSES
from claimtrack.reports import deadline_report
from claimtrack.web.schemas import (
    ClaimIn,
    ClaimOut,
    EventOut,
    LogEntryOut,
    Problem,
    RemovalIn,
    RemovedOut,
    ReportOut,
    RetractionIn,
    VerdictIn,
)
from claimtrack.web.site import (
    DATE,
    ENV_TOKEN,
    After,
    AsOfParam,
    Before,
    ClaimId,
    Offset,
    Site,
    SiteDep,
    declared,
)


def _answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The refusals a route can answer, each a Problem, for the OpenAPI description."""
    said = {
        401: "The write token is missing or wrong.",
        403: "The tracker is read-only (started without a token).",
        404: "No such claim or verdict.",
        409: "Another writer changed the same records; run it again.",
        410: "The claim was removed from the record.",
        413: "The request body is over the limit ([web] max_body).",
        422: "A parameter or the body is not valid: the detail names it.",
        503: "The database cannot be reached.",
    }
    return {code: {"model": Problem, "description": said[code]} for code in (*codes, 422, 503)}


READ = _answers()
CLAIM = _answers(404, 410)
WRITE = _answers(401, 403, 404, 409, 410, 413)
router = APIRouter()

VerdictId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="The verdict's number, as the claim's JSON lists it.")
]

bearer = HTTPBearer(
    auto_error=False,
    description=f"The token the tracker was started with (${ENV_TOKEN}); writes only.",
)


def writer(
    site: SiteDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Site:
    """The site, if this request may write to it."""
    refused = site.refusal(credentials.credentials if credentials else None)
    if refused is not None:
        status, detail, headers = refused
        raise HTTPException(status, detail, headers=headers or None)
    return site


WriterDep = Annotated[Site, Depends(writer)]


def _json(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status_code)


def _claim_json(claim: Claim, moment: moments.AsOf, status_code: int = 200) -> JSONResponse:
    """A claim as `show --json` prints it, with its status at ``moment`` and its verdicts as
    the record stood then."""
    status = reading.status_of(claim, moment)
    return _json(shapes.claim_json(claim, status, moment.tz, moment), status_code)


@router.get("/api/claims", response_model=list[ClaimOut], responses=_answers(404), tags=["claims"])
def list_claims(
    site: SiteDep,
    as_of: AsOfParam = None,
    status: Annotated[
        str | None,
        Query(
            description="pending, due, kept, …",
            min_length=1,
            json_schema_extra=declared(enum=list(STATUSES)),
        ),
    ] = None,
    by: Annotated[
        str | None,
        Query(
            description="Part of a claimant's name.",
            min_length=1,
            max_length=500,
            json_schema_extra=declared(minLength=1, maxLength=500),
        ),
    ] = None,
    tag: Annotated[
        str | None,
        Query(min_length=1, max_length=100, json_schema_extra=declared(minLength=1, maxLength=100)),
    ] = None,
    due_before: Annotated[
        str | None, Query(description="YYYY-MM-DD", json_schema_extra=declared(**DATE))
    ] = None,
    q: Annotated[
        str | None,
        Query(
            description="Words to search for.",
            max_length=500,
            # at least one word, and no NUL
            json_schema_extra=declared(pattern="^[^\x00]*[^\\W_][^\x00]*$", maxLength=500),
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
    after: After = None,
    before: Before = None,
) -> Response:
    """Claims with their status, soonest deadline first: `claimtrack list --json`. Deep in
    a large list, page with `after` (the last id of a page), not `offset`: it reads from
    where the page starts."""
    moment = site.as_of(as_of)
    day = parse_date(due_before, "due_before") if due_before is not None else None
    with site.database.read() as session:
        rows = reading.list_claims(
            session,
            moment,
            status=status,
            claimant=by,
            tag=tag,
            due_before=day,
            matching=q,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )
        return _json([shapes.claim_json(c, s, moment.tz, moment) for c, s in rows])


@router.get("/api/claims/{claim_id}", response_model=ClaimOut, responses=CLAIM, tags=["claims"])
def show_claim(site: SiteDep, claim_id: ClaimId, as_of: AsOfParam = None) -> Response:
    """One claim with its sources, quotes and verdicts: `claimtrack show ID --json`."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        claim = claims.get_claim(session, claim_id)
        return _claim_json(claim, moment)


@router.get(
    "/api/claims/{claim_id}/history",
    response_model=list[EventOut],
    responses=CLAIM,
    tags=["claims"],
)
def claim_history(site: SiteDep, claim_id: ClaimId) -> Response:
    """Every change made to the claim, oldest first: `claimtrack history ID --json`. A
    removed claim's answers 410, as its other addresses do."""
    with site.database.read() as session:
        events = reading.history(session, claim_id, removed=False)  # a removed claim: 410
        return _json([shapes.event_json(e) for e in events])


@router.get("/api/report", response_model=ReportOut, responses=READ, tags=["report"])
def report(
    site: SiteDep,
    as_of: AsOfParam = None,
    days: Annotated[
        int, Query(ge=0, le=MAX_DAYS, description="Window for upcoming and recent.")
    ] = 30,
    limit: Annotated[
        int, Query(ge=0, le=1_000_000, description="The most each list shows; 0: all.")
    ] = deadline_report.LIMIT,
) -> Response:
    """The deadline report: `claimtrack report --json`."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        built = deadline_report.build_report(session, moment, days, limit or None)
        return _json(deadline_report.to_json(built))


@router.post(
    "/api/claims", response_model=ClaimOut, status_code=201, responses=WRITE, tags=["writes"]
)
def add_claim(site: WriterDep, claim: ClaimIn) -> Response:
    """Record a claim (`claimtrack add`). Needs the token."""
    citations = []
    if claim.source is not None:
        info = attribution.SourceInfo(
            url=claim.source.url,
            title=claim.source.title,
            publisher=claim.source.publisher,
            language=claim.language,
        )
        citations.append(attribution.Citation(info, claim.source.quote))
    hand = None
    if claim.due_date is not None:
        hand = HandReading(claim.due_date, claim.due_kind, claim.due_precision)
    elif claim.due_kind is not None or claim.due_precision is not None:
        raise BadInput("due_date", "due_kind and due_precision go with a reading by hand: due_date")
    clock = moments.Clock(site.clock(), site.tz, "api")
    with site.database.write() as session:
        added = claims.add_claim(
            session,
            claim.text,
            claimants=claim.claimants,
            clock=clock,
            kind=claim.kind,
            language=claim.language,
            translation=claim.translation,
            stated_on=claim.stated_on,
            deadline=claim.deadline,
            citations=citations,
            tags=claim.tags,
            criteria=claim.criteria,
            context=claim.context,
            duplicate_ok=claim.duplicate_ok,
            hand=hand,
        )
        return _claim_json(added, moments.AsOf(clock.now, clock.tz), 201)


@router.post(
    "/api/claims/{claim_id}/verdicts",
    response_model=ClaimOut,
    status_code=201,
    responses=WRITE,
    tags=["writes"],
)
def record_verdict(site: WriterDep, claim_id: ClaimId, verdict: VerdictIn) -> Response:
    """Record the outcome of a check (`claimtrack verdict`); answers with the claim. Needs
    the token."""
    evidence = [
        attribution.Citation(attribution.SourceInfo(url=e.url), e.quote) for e in verdict.evidence
    ]
    clock = moments.Clock(site.clock(), site.tz, "api")
    with site.database.write() as session:
        corrections.record_or_correct(
            session,
            claim_id,
            verdict.verdict,
            note=verdict.note,
            clock=clock,
            checked_on=verdict.checked_on,
            evidence=evidence,
            reviewer=verdict.reviewer,
            corrects=verdict.corrects,
            reason=verdict.reason,
            happened_on=verdict.happened_on,
            cause=verdict.cause,
        )
        claim = claims.get_claim(session, claim_id)
        return _claim_json(claim, moments.AsOf(clock.now, clock.tz), 201)


@router.post(
    "/api/claims/{claim_id}/verdicts/{verdict_id}/retraction",
    response_model=ClaimOut,
    responses=WRITE,
    tags=["writes"],
)
def retract_verdict(
    site: WriterDep, claim_id: ClaimId, verdict_id: VerdictId, retraction: RetractionIn
) -> Response:
    """Retract a verdict recorded by mistake (`claimtrack retract`): from now on it counts
    nowhere; it stays on the record, marked retracted with the reason, and in the public
    corrections log. Answers with the claim. Needs the token."""
    clock = moments.Clock(site.clock(), site.tz, "api")
    with site.database.write() as session:
        corrections.retract_verdict(
            session, claim_id, verdict_id, reason=retraction.reason, clock=clock
        )
        claim = claims.get_claim(session, claim_id)
        return _claim_json(claim, moments.AsOf(clock.now, clock.tz))


@router.post(
    "/api/claims/{claim_id}/removal", response_model=RemovedOut, responses=WRITE, tags=["writes"]
)
def remove_claim(site: WriterDep, claim_id: ClaimId, removal: RemovalIn) -> Response:
    """Remove a claim (`claimtrack remove`): it leaves every list, page, answer and public
    export, and the monitor; the JSON export and the corrections log keep it. Afterwards
    its address answers 410 Gone. Needs the token."""
    clock = moments.Clock(site.clock(), site.tz, "api")
    with site.database.write() as session:
        claim = corrections.remove_claim(session, claim_id, reason=removal.reason, clock=clock)
        gone = {"on": clock.now.isoformat(), "reason": claim.removal_reason}
        return _json({"id": claim.id, "removed": gone})


@router.get(
    "/api/corrections", response_model=list[LogEntryOut], responses=READ, tags=["corrections"]
)
def corrections_log(
    site: SiteDep,
    since: Annotated[
        str | None,
        Query(
            description="YYYY-MM-DD: made on or after it.",
            json_schema_extra=declared(**DATE),
        ),
    ] = None,
) -> Response:
    """The public corrections log, newest first: `claimtrack corrections --json`."""
    start = parse_date(since, "since") if since is not None else None
    with site.database.read() as session:
        found = corrections.corrections_log(
            session, since=corrections.start_of(start, site.tz) if start else None
        )
        return _json([entry.to_json() for entry in found])
