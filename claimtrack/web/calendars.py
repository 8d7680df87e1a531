"""Calendars to subscribe to: the deadlines nearest to today, of the whole record
(/deadlines.ics), of one claimant or of one tag.

Each holds the deadlines of a window of days around today (``[web] calendar_past_days``
back, ``calendar_ahead_days`` ahead, or ``from``/``to``), the nearest first, at most
``[web] calendar_limit`` of them, and says so in its description; every deadline is in
`claimtrack export --format ics`. A calendar client fetches a subscription again every few
hours, so its cost must follow the limit, not the size of the record.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from claimtrack.deadlines.days import parse_date
from claimtrack.formats import collect, export, ics
from claimtrack.records.calendar_window import Window, nearest_deadlines
from claimtrack.web.api import READ
from claimtrack.web.feeds import require_scope
from claimtrack.web.site import DATE, AsOfParam, Site, SiteDep, declared

router = APIRouter(tags=["calendar"])
ICS = "text/calendar; charset=utf-8"
DAY = {
    "description": "YYYY-MM-DD: the first (from) or last (to) day of the window.",
    "json_schema_extra": declared(**DATE),
}
CALENDAR = {200: {"content": {"text/calendar": {}}, "description": "An iCalendar file."}}


def _window(site: Site, day: date, first: str | None, last: str | None) -> Window:
    web = site.config.web
    around = Window.around(day, web.calendar_past_days, web.calendar_ahead_days, web.calendar_limit)
    start = parse_date(first, "from") if first is not None else around.first
    end = parse_date(last, "to") if last is not None else around.last
    return Window(start, end, around.limit)


def _calendar(
    site: SiteDep,
    as_of: str | None,
    first: str | None,
    last: str | None,
    *,
    claimant: str | None = None,
    tag: str | None = None,
) -> Response:
    moment = site.as_of(as_of)
    window = _window(site, moment.day, first, last)
    out = io.StringIO()
    with site.database.read() as session:
        require_scope(session, claimant=claimant, tag=tag)
        chosen = nearest_deadlines(session, moment, window, claimant=claimant, tag=tag)
        found = collect.claims_by_id(
            session, chosen.claim_ids, collect.source_keys(session, chosen.claim_ids)
        )
        records = export.published((found[i] for i in chosen.claim_ids), moment)
        ics.write(
            out,
            records,
            moment,
            site.config.publishing,
            site.clock(),
            subject=claimant or (f"#{tag.lower()}" if tag else None),
            description=ics.window_description(chosen, moment.day),
        )
    return Response(
        out.getvalue(),
        media_type=ICS,
        headers={"Content-Disposition": 'inline; filename="deadlines.ics"'},
    )


@router.get("/deadlines.ics", response_class=Response, responses={**CALENDAR, **READ})
def calendar(
    site: SiteDep,
    as_of: AsOfParam = None,
    first: Annotated[str | None, Query(alias="from", **DAY)] = None,
    last: Annotated[str | None, Query(alias="to", **DAY)] = None,
) -> Response:
    """The deadlines nearest to today as all-day events, to subscribe to in a calendar;
    each shows the claim's status. At most `[web] calendar_limit` of them, from
    `calendar_past_days` back to `calendar_ahead_days` ahead unless `from` and `to` say
    otherwise; the calendar's description says how many the window held. Every deadline:
    `claimtrack export --format ics`."""
    return _calendar(site, as_of, first, last)


@router.get("/claimants/{name}/deadlines.ics", include_in_schema=False)
def claimant_calendar(
    site: SiteDep,
    name: str,
    as_of: AsOfParam = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """One claimant's deadlines nearest to today."""
    return _calendar(site, as_of, first, last, claimant=name)


@router.get("/tags/{tag}/deadlines.ics", include_in_schema=False)
def tag_calendar(
    site: SiteDep,
    tag: str,
    as_of: AsOfParam = None,
    first: Annotated[str | None, Query(alias="from")] = None,
    last: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    """One tag's deadlines nearest to today."""
    return _calendar(site, as_of, first, last, tag=tag)
