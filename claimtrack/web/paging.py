"""A list's pages: read by cursor, each with its links to the pages before and after it,
counted in whole pages from the first, so that each page has one address however it was
reached (a static copy holds it once); and, for a publish, where every page of a list
starts, read once."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from sqlmodel import Session

from claimtrack.records import reading
from claimtrack.records.models import Claim
from claimtrack.records.moments import AsOf

PAGE_SIZE = 50  # claims per page of a filtered list

# In a publish, the links to the later pages of each list whose first page it asks for
# (publish._Answerer sets it around each request): it then asks for every page of a long
# list at once, instead of one page after the other by their "next" links, one worker
# walking the list of a million claims alone at the end of the run. Unset when served.
LATER_PAGES: ContextVar[list[str] | None] = ContextVar("later_pages", default=None)


@dataclass(frozen=True)
class Previous:
    """Where a list page's link to the page before it goes: after that claim, or (None) to
    the list's first page."""

    after: int | None


def pages_of(
    session: Session,
    moment: AsOf,
    listed: dict[str, Any],
    offset: int,
    after: int | None,
    before: int | None,
    run: dict[tuple[Any, ...], Any] | None = None,
    href: Callable[[int], str] | None = None,
) -> tuple[list[tuple[Claim, str]], Previous | None, int | None]:
    """A page of the list ``listed`` names (reading.list_claims' filters): its claims, its
    link to the previous page (None: it is the first) and the claim its next page starts
    after (None: it is the last).

    Links only ever say ``after``, counted in whole pages from the start, so each page of a
    list has one address however it was reached: a static copy holds it once. One claim
    more than the page is read each way to tell whether there is a page beyond.

    ``run`` is a publish's memory (``Site.taken_once``; None when served): there, where
    every page of the list starts is read once (``list_pages``), and a page's link back is
    taken from it instead of reading the 51 claims before the page (a sixth of a list
    page's time at a million claims); and the list's first page names all the later ones
    to the publish (``LATER_PAGES``), each linked as ``href`` of the claim it starts after
    (as the page links to the next)."""
    found = reading.list_claims(
        session,
        moment,
        **listed,
        limit=PAGE_SIZE + 1,
        offset=offset,
        after=after,
        before=before,
        rows_only=True,
    )
    if before is not None and after is None:  # read backwards (after wins, as in the list)
        shown, later = found[-PAGE_SIZE:], True
    else:
        shown, later = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    if not shown:
        return shown, None, None
    following = shown[-1][0].id if later else None
    first_page = after is None and before is None and not offset
    if following is not None and first_page:
        _name_later_pages(session, moment, listed, run, href)
    previous = None
    if not first_page:
        starts = list_pages(session, moment, listed, run) if run is not None else {}
        if after in starts and before is None and not offset:
            previous = Previous(starts[after])
        else:
            first = shown[0][0].id or 0
            earlier = reading.ids_before(session, moment, first, PAGE_SIZE + 1, **listed)
            if earlier:
                previous = Previous(earlier[0] if len(earlier) > PAGE_SIZE else None)
    return shown, previous, following


def list_pages(
    session: Session, moment: AsOf, listed: dict[str, Any], run: dict[tuple[Any, ...], Any]
) -> dict[int, int | None]:
    """The pages of the list after its first, each by the claim it starts after, with where
    the page before it starts (None: the first page); read once in a publish (``run``)."""
    key = ("pages", moment.moment, *sorted(listed.items()))
    if key not in run:
        starts = reading.page_starts(session, moment, PAGE_SIZE, **listed)
        run[key] = {start: starts[n - 1] for n, start in enumerate(starts) if start is not None}
    return cast(dict[int, int | None], run[key])


def _name_later_pages(
    session: Session,
    moment: AsOf,
    listed: dict[str, Any],
    run: dict[tuple[Any, ...], Any] | None,
    href: Callable[[int], str] | None,
) -> None:
    """From a list's first page, in a publish that asks (``LATER_PAGES``): the link to each
    of its later pages (``href`` of the claim it starts after), written as the pages' own
    links are."""
    wanted = LATER_PAGES.get()
    if wanted is not None and run is not None and href is not None:
        wanted += [href(start) for start in list_pages(session, moment, listed, run)]
