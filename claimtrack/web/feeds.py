"""Atom feeds of what changes on the record: the whole record, one claimant, one tag."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from claimtrack.errors import NotFound
from claimtrack.formats import atom
from claimtrack.language import gettext as _
from claimtrack.records.changes import changes
from claimtrack.records.models import Actor, Claim, ClaimTag
from claimtrack.web.site import AsOfParam, SiteDep

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"


def require_scope(session: Session, *, claimant: str | None = None, tag: str | None = None) -> None:
    """404 for a claimant no claim names or a tag no claim carries: a feed or a calendar of
    one (web/calendars.py) is refused rather than served empty."""
    if (
        claimant is not None
        and session.exec(select(Actor.id).where(Actor.name == claimant)).first() is None
    ):
        said = _("no claimant is named '%(name)s'; see /claimants") % {"name": claimant}
        raise NotFound("claimant", said)
    if tag is not None:
        # LIMIT 1: an ORM query reads all its rows before first() takes one (a tag's 67,000
        # at a million claims, 60 ms).
        carried = select(ClaimTag.claim_id).where(ClaimTag.tag == tag.lower()).limit(1)
        if session.exec(carried).first() is None:
            said = _("no claim is tagged '%(tag)s'; see /tags") % {"tag": tag}
            raise NotFound("tag", said)


def _answer(request: Request, site: SiteDep, title: str, found: list, page: str) -> Response:
    base = str(request.base_url).rstrip("/")
    publishing = site.config.publishing

    def link(claim: Claim) -> str:
        return publishing.link(claim.id, claim.uuid) or f"{base}/claims/{claim.id}"

    body = atom.feed(
        found,
        title=title,
        feed_url=str(request.url),
        site_url=base + page,
        link=link,
        updated=site.clock(),
    )
    return Response(body, media_type=ATOM)


@router.get("/feed.atom")
def record_feed(request: Request, site: SiteDep, as_of: AsOfParam = None) -> Response:
    """The latest changes on the whole record."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        found = changes(session, moment)
        title = _("%(site)s: changes on the record") % {"site": site.name}
        return _answer(request, site, title, found, "/")


@router.get("/claimants/{name}/feed.atom")
def claimant_feed(request: Request, site: SiteDep, name: str, as_of: AsOfParam = None) -> Response:
    """The latest changes on one claimant's claims."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        require_scope(session, claimant=name)
        found = changes(session, moment, claimant=name)
        title = f"{site.name}: {name}"
        return _answer(request, site, title, found, f"/claimants/{name}")


@router.get("/tags/{tag}/feed.atom")
def tag_feed(request: Request, site: SiteDep, tag: str, as_of: AsOfParam = None) -> Response:
    """The latest changes on one tag's claims."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        require_scope(session, tag=tag)
        found = changes(session, moment, tag=tag)
        title = _("%(site)s: claims tagged %(tag)s") % {"site": site.name, "tag": tag}
        return _answer(request, site, title, found, f"/tags/{tag}")
