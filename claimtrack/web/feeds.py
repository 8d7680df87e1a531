"""Atom feeds of what changes on the record: the whole record, one claimant, one tag."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import select

from claimtrack.errors import NotFound
from claimtrack.formats import atom
from claimtrack.language import gettext as _
from claimtrack.records.changes import changes
from claimtrack.records.models import Actor, Claim, ClaimTag
from claimtrack.web.site import AsOfParam, SiteDep

router = APIRouter(include_in_schema=False)
ATOM = "application/atom+xml; charset=utf-8"


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
        if session.exec(select(Actor.id).where(Actor.name == name)).first() is None:
            raise NotFound(
                "claimant", _("no claimant is named '%(name)s'; see /claimants") % {"name": name}
            )
        found = changes(session, moment, claimant=name)
        title = f"{site.name}: {name}"
        return _answer(request, site, title, found, f"/claimants/{name}")


@router.get("/tags/{tag}/feed.atom")
def tag_feed(request: Request, site: SiteDep, tag: str, as_of: AsOfParam = None) -> Response:
    """The latest changes on one tag's claims."""
    moment = site.as_of(as_of)
    with site.database.read() as session:
        if (
            session.exec(select(ClaimTag.claim_id).where(ClaimTag.tag == tag.lower())).first()
            is None
        ):
            raise NotFound("tag", _("no claim is tagged '%(tag)s'; see /tags") % {"tag": tag})
        found = changes(session, moment, tag=tag)
        title = _("%(site)s: claims tagged %(tag)s") % {"site": site.name, "tag": tag}
        return _answer(request, site, title, found, f"/tags/{tag}")
