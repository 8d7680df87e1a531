"""The record read by claimant and by tag: an index of each with its meter, and a page per
claimant (their scorecard) and per tag, at stable, readable addresses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2.filters import do_urlencode

from claimtrack.language import gettext as _
from claimtrack.records import scorecards
from claimtrack.records.status import STATUSES
from claimtrack.web.pages import kept, meter, page, row
from claimtrack.web.paging import pages_of
from claimtrack.web.site import After, AsOfParam, Before, Offset, SiteDep

router = APIRouter(include_in_schema=False)


@router.get("/claimants", response_class=HTMLResponse)
def claimants_page(request: Request, site: SiteDep, as_of: AsOfParam = None) -> Response:
    """Every claimant with their meter, most awaiting a check first."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        found = scorecards.lines(session, moment)
    return page(
        request,
        "claimants.html",
        as_of=moment,
        lines=[
            (line, meter(line.counts), scorecards.days_left(line.term_end, moment))
            for line in found
        ],
        keep=kept(request, as_of),
    )


@router.get("/claimants/{name:path}", response_class=HTMLResponse)
def claimant_page(request: Request, site: SiteDep, name: str, as_of: AsOfParam = None) -> Response:
    """One claimant's scorecard: meter, claims by status, verdicts in order, the term."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        card = scorecards.scorecard(session, name, moment, rows_only=True)
        return page(
            request,
            "claimant.html",
            as_of=moment,
            card=card,
            meter=meter(card.line.counts),
            groups=[(s, [row(c, s, moment) for c in claims]) for s, claims in card.claims.items()],
            days_left=scorecards.days_left(card.actor.term_end, moment),
            keep=kept(request, as_of),
        )


@router.get("/tags", response_class=HTMLResponse)
def tags_page(request: Request, site: SiteDep, as_of: AsOfParam = None) -> Response:
    """Every tag with its meter, the most claims first."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        found = scorecards.tag_lines(session, moment)
    return page(
        request,
        "tags.html",
        as_of=moment,
        lines=[(line, meter(line.counts)) for line in found],
        keep=kept(request, as_of),
    )


@router.get("/tags/{tag}", response_class=HTMLResponse)
def tag_page(
    request: Request,
    site: SiteDep,
    tag: str,
    as_of: AsOfParam = None,
    offset: Offset = 0,
    after: After = None,
    before: Before = None,
) -> Response:
    """The claims of one tag, soonest deadline first, page by page."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        keep = kept(request, as_of)
        shown, newer, older = pages_of(
            session,
            moment,
            {"tag": tag},
            offset,
            after,
            before,
            site.taken_once,
            lambda start: "?" + do_urlencode({**keep, "after": start}),  # as tag.html links
        )
        named = tag.strip().lower()
        lines = site.once(
            ("tag", named, moment.moment), lambda: scorecards.tag_lines(session, moment, named)
        )
        counts = lines[0].counts if lines else {}
    if not shown and not offset and not counts:
        from claimtrack.errors import NotFound

        raise NotFound("tag", _("no claim is tagged '%(tag)s'; see /tags") % {"tag": tag})
    return page(
        request,
        "tag.html",
        as_of=moment,
        tag=tag,
        meter=meter(counts),
        rows=[row(c, s, moment) for c, s in shown],
        first=offset + 1,
        older=older,
        newer=newer,  # a Previous: after its claim, or the first page
        statuses=STATUSES,
        keep=keep,
    )
