"""The tracker's HTML pages: the home page (meter, awaiting a check, upcoming, filters,
search) and a page per claim. Server-rendered, no script: they work in any browser, and
everything a claim holds goes through Jinja2's escaping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from claimtrack import language
from claimtrack.deadlines.deadline import Deadline, days_left, days_overdue
from claimtrack.records import claims, links, reading
from claimtrack.records.claims import deadline_of
from claimtrack.records.models import Claim
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import evidence_by_verdict
from claimtrack.records.status import STATUSES
from claimtrack.records.verdicts import days_late
from claimtrack.reports import deadline_report
from claimtrack.reports.prose import (
    CAUSE_WORDS,
    KIND_WORDS,
    PRECISION_WORDS,
    RELATION_WORDS,
    VERDICT_WORDS,
    deadline_label,
    event_text,
    left_words,
    moment_text,
    overdue_words,
    reading_words,
    status_words,
    word_for,
)
from claimtrack.web.paging import pages_of
from claimtrack.web.site import After, AsOfParam, Before, ClaimId, Offset, SiteDep
from claimtrack.web.speaking import chosen_language

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))

HOME_LIMIT = 20  # claims per list on the home page; the counts say how many more there are
UPCOMING_DAYS = 90  # the home page's window for upcoming deadlines (the CLI report: 30)

# The meter's order: what needs doing, then what was settled, then the rest.
METER_ORDER = (
    "due",
    "pending",
    "in_progress",
    "stalled",
    "kept",
    "partial",
    "broken",
    "true",
    "misleading",
    "false",
    "unverifiable",
    "withdrawn",
    "unrated",
)


def web_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, to make a link of; anything else (javascript:,
    data:, a relative path) is shown as text only."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


templates.env.filters["web_link"] = web_link
templates.env.add_extension("jinja2.ext.i18n")
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    language.gettext, language.ngettext, newstyle=True
)
templates.env.globals["day"] = language.day
templates.env.globals["number"] = language.number
templates.env.globals["instant"] = language.moment
NAMES = {"en": "English", "fr": "Français"}  # each in its own language, for the switch


@dataclass
class Row:
    """A claim in a list: what the page shows of it without opening it."""

    claim: Claim
    status: str
    deadline: Deadline | None
    when: str  # "420 days overdue", "12 days left", "by 2025-09-30"


def row(claim: Claim, status: str, as_of: AsOf) -> Row:
    deadline = deadline_of(claim)
    if deadline is None:
        when = language.gettext("no deadline")
    elif status == "due":
        when = overdue_words(days_overdue(deadline.date, as_of.day))
    elif deadline.date >= as_of.day and status in ("pending", "in_progress", "stalled"):
        when = left_words(days_left(deadline.date, as_of.day))
    else:
        when = reading_words(deadline.kind, deadline.date)
    return Row(claim, status, deadline, when)


@dataclass
class Meter:
    """Counts by status, with each one's share of the whole, for the bar and its legend."""

    total: int
    parts: list[tuple[str, int, float, float]]  # status, count, start %, width %


def meter(counts: dict[str, int]) -> Meter:
    total = sum(counts.values())
    parts, start = [], 0.0
    for status in sorted(counts, key=lambda s: (METER_ORDER + STATUSES).index(s)):
        width = 100 * counts[status] / total if total else 0.0
        parts.append((status, counts[status], start, width))
        start += width
    return Meter(total, parts)


def page(request: Request, template: str, code: int = 200, **context: Any) -> Response:
    site = request.app.state.site
    spoken = language.current()
    switch = [  # this page in each other language the site offers
        (
            code_,
            NAMES[code_],
            request.url.path + "?" + _query(**{**request.query_params, "lang": code_}),
        )
        for code_ in site.offered
        if code_ != spoken
    ]
    shared = {"site": site, "lang": spoken, "switch": switch}
    return templates.TemplateResponse(request, template, {**shared, **context}, code)


def kept(request: Request, as_of: str | None) -> dict[str, str]:
    """What the page's links carry over: the moment asked about, and a language chosen."""
    keep = {"as_of": as_of} if as_of else {}
    chosen = chosen_language(request.scope)  # as web/speaking.py read it for the page
    return {**keep, "lang": chosen} if chosen else keep


def error_page(request: Request, status_code: int, text: str) -> Response:
    now = request.app.state.site.as_of(None)
    return page(
        request, "error.html", status_code, status_code=status_code, message=text, as_of=now
    )


def _query(**params: Any) -> str:
    """A query string of the non-empty ``params``, for links that keep the filters."""
    return urlencode({k: v for k, v in params.items() if v not in (None, "", 0)})


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    site: SiteDep,
    as_of: AsOfParam = None,
    status: str | None = None,
    by: str | None = None,
    tag: str | None = None,
    q: str | None = None,
    offset: Offset = 0,
    every: bool = False,
    after: After = None,
    before: Before = None,
) -> Response:
    """The meter, then the claims awaiting a check (most overdue first) and the deadlines to
    come; with a filter or a search (or ``every``: all claims), the claims that match, page
    by page."""
    moment = site.as_of(as_of)
    status, by, tag, q = (v.strip() if v and v.strip() else None for v in (status, by, tag, q))
    filters: dict[str, Any] = {"status": status, "by": by, "tag": tag, "q": q}
    if every:
        filters["every"] = 1
    keep = kept(request, as_of)
    with site.database.read() as session:
        if not any(filters.values()):
            report = deadline_report.build_report(session, moment, UPCOMING_DAYS, HOME_LIMIT)
            return page(
                request,
                "home.html",
                as_of=moment,
                meter=meter(report.counts),
                due=[row(c, "due", moment) for c, _ in report.due],
                upcoming=[row(c, s, moment) for c, s, _ in report.upcoming],
                totals=report.totals,
                days=UPCOMING_DAYS,
                filters=filters,
                statuses=STATUSES,
                more_due="?" + _query(status="due", **keep),
                keep=keep,
            )
        listed = {"status": status, "claimant": by, "tag": tag, "matching": q}
        later = partial(_query, **filters, **keep)  # as the page links to the next
        shown, newer, older = pages_of(
            session,
            moment,
            listed,
            offset,
            after,
            before,
            site.taken_once,
            lambda start: f"/?{later(after=start)}",
        )
        counts = site.counts(session, moment)
    return page(
        request,
        "home.html",
        as_of=moment,
        meter=meter(counts),
        rows=[row(c, s, moment) for c, s in shown],
        offset=offset,
        first=offset + 1,
        newer="?" + _query(**filters, **keep, after=newer.after) if newer else None,
        older="?" + _query(**filters, **keep, after=older) if older else None,
        filters=filters,
        statuses=STATUSES,
        keep=keep,
    )


@router.get("/claims/{claim_id}", response_class=HTMLResponse)
def claim_page(
    request: Request, site: SiteDep, claim_id: ClaimId, as_of: AsOfParam = None
) -> Response:
    """Everything known of one claim: as said, who said it, the deadline and how it was
    read, the sources with their quotes, the verdicts with their evidence, every change."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        claim = claims.get_claim(session, claim_id)
        status = reading.status_of(claim, moment)
        events = reading.events_of(session, claim_id)  # get_claim refused a removed one
        return page(
            request,
            "claim.html",
            as_of=moment,
            claim=claim,
            item=row(claim, status, moment),
            actors=[link.actor for link in claim.actor_links],
            origins=[link for link in claim.source_links if link.verdict_id is None],
            evidence=evidence_by_verdict(claim),
            verdicts=reading.verdicts_at(claim, moment),
            events=events,
            links=links.related(claim),
            moved=_moved(session, claim),
            review=_review(request, session, claim, moment, status),
            keep=kept(request, as_of),
        )


def _moved(session: Any, claim: Claim) -> str | None:
    from claimtrack.reports.render import moves_line

    chain = links.moves(session, claim)
    return moves_line(chain) if len(chain) > 1 else None


def _review(
    request: Request, session: Any, claim: Claim, as_of: AsOf, status: str
) -> dict[str, Any] | None:
    """The claim's ClaimReview, embedded in its page as JSON-LD for search engines: the same
    object ``export --format claimreview`` writes, its ``url`` this page (or the public
    address ``[publishing] claim_url`` gives it), its author the publisher or the site.
    None, read without a query, for a claim of a ``status`` that has none."""
    from claimtrack.formats import claimreview, collect

    if not claimreview.reviewed(status):
        return None
    site = request.app.state.site
    publishing = site.config.publishing
    record, sources, actors = collect.one_claim(session, claim)
    url = publishing.link(claim.id, claim.uuid) or str(
        request.url_for("claim_page", claim_id=claim.id)
    )
    author = claimreview.organisation(site.name, publishing.url or str(request.base_url))
    return claimreview.review(record, sources, actors, as_of, author, url)


@router.get("/corrections", response_class=HTMLResponse)
def corrections_page(request: Request, site: SiteDep, since: str | None = None) -> Response:
    """The public corrections log: every retraction, correction, removal and restoration,
    newest first, with its date and reason, linked to the claim it concerns."""
    from claimtrack.deadlines.days import parse_date
    from claimtrack.records import corrections

    start = parse_date(since, "since") if since else None
    with site.database.read() as session:
        found = corrections.corrections_log(
            session, since=corrections.start_of(start, site.tz) if start else None
        )
    return page(
        request,
        "corrections.html",
        as_of=site.as_of(None),
        entries=found,
        since=start,
        keep=kept(request, None),
    )


def html_time(value: date | datetime) -> str:
    """The value as HTML's ``<time datetime>`` takes it: a date, or a global date and time
    with at most three digits of a second's fraction (Python's isoformat writes six, which
    the HTML checker refuses). A moment without a zone is one the database kept in UTC."""
    if not isinstance(value, datetime):
        return value.isoformat()
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")


def iso(value: date | None) -> str:
    return value.isoformat() if value else "unknown"


templates.env.filters["days_late"] = lambda verdict, deadline: days_late(
    verdict, deadline.date if deadline else None
)
templates.env.filters["words"] = status_words
templates.env.filters["verdict_word"] = lambda code: word_for(code, VERDICT_WORDS)
templates.env.filters["kind_word"] = lambda code: word_for(code, KIND_WORDS)
templates.env.filters["precision_word"] = lambda code: word_for(code, PRECISION_WORDS)
templates.env.filters["cause_word"] = lambda code: word_for(code, CAUSE_WORDS)
templates.env.filters["relation_word"] = lambda words: word_for(words, RELATION_WORDS)
templates.env.filters["deadline_label"] = lambda deadline: deadline_label(deadline.kind)
templates.env.filters["deadline_reading"] = lambda deadline: reading_words(
    deadline.kind, deadline.date
)
templates.env.filters["moment"] = moment_text
templates.env.filters["event_text"] = event_text
templates.env.filters["iso"] = iso
templates.env.filters["html_time"] = html_time
