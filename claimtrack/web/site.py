"""The web tracker: one FastAPI application over the service functions the CLI uses.

`claimtrack serve` builds it for one database. The pages (pages.py) and the JSON API
(api.py) are read-only unless a write token is configured; then the API's writes need that
token. This module holds what both share: the site's settings, the clock, the error pages,
the security headers, and the server itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError

from claimtrack import language
from claimtrack.config import Config
from claimtrack.deadlines.days import parse_moment
from claimtrack.errors import (
    BadInput,
    ClaimtrackError,
    Conflict,
    DatabaseUnavailable,
    NotFound,
    Removed,
)
from claimtrack.records import storable
from claimtrack.records.models import MAX_ID
from claimtrack.records.moments import AsOf
from claimtrack.records.store import Database

ENV_TOKEN = "CLAIMTRACK_TOKEN"
MIN_TOKEN_LENGTH = 16
READ_ONLY = f"this tracker is read-only; start claimtrack serve with {ENV_TOKEN} set"
NEEDS_TOKEN = "writing needs the tracker's token: Authorization: Bearer TOKEN"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Site:
    """What one served tracker is: its database, configuration, write token and clock.

    ``clock`` is the site's "now" (tests and screenshots pass a fixed one); every page and
    the API also take ``as_of`` to show the tracker at another moment.
    """

    database: Database
    config: Config = field(default_factory=Config)
    token: str | None = None
    clock: Callable[[], datetime] = _now
    # The languages a reader may choose (?lang=, Accept-Language); None: every one
    # claimtrack speaks. A static copy is in one language: the site's.
    languages: tuple[str, ...] | None = None
    # A publish reads the record as it stands and writes thousands of list pages, each with
    # the site-wide meter, and every page of a tag's list with the tag's: with this set,
    # such counts are taken once per moment (30 ms for the site's at a million claims, 250
    # for a large tag's). A served site leaves it None: its record changes.
    taken_once: dict[tuple[Any, ...], Any] | None = None

    @property
    def language(self) -> str:
        """The site's own language: $CLAIMTRACK_LANG, else [publishing] language."""
        return language.from_environment(self.config.publishing.language)

    @property
    def offered(self) -> tuple[str, ...]:
        return self.languages or language.LANGUAGES

    @property
    def tz(self) -> tzinfo:
        return self.config.tz

    @property
    def name(self) -> str:
        return self.config.publishing.name or "claimtrack"

    def as_of(self, value: str | None) -> AsOf:
        """``as_of`` from a query string (a day, or an ISO date-time), else now."""
        tz = self.tz
        return AsOf(parse_moment(value, "as_of", tz) if value is not None else self.clock(), tz)

    def counts(self, session: Any, as_of: AsOf) -> dict[str, int]:
        """The claims by status at ``as_of``, the whole site's (the meter's)."""
        from claimtrack.records.status_sql import count_by_status

        return self.once(
            ("counts", as_of.moment), lambda: count_by_status(session, as_of.moment, as_of.day)
        )

    def once(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, or what it gave for ``key`` earlier in a publish (``taken_once``)."""
        if self.taken_once is None:
            return compute()
        if key not in self.taken_once:
            self.taken_once[key] = compute()
        return self.taken_once[key]

    def refusal(self, token: str | None) -> tuple[int, str, dict[str, str]] | None:
        """Why a write carrying ``token`` is refused (status, detail, headers), or None: no
        token configured is 403, a missing or wrong token 401."""
        if self.token is None:
            return 403, READ_ONLY, {}
        if not self.allows(token):
            return 401, NEEDS_TOKEN, {"WWW-Authenticate": "Bearer"}
        return None

    def allows(self, token: str | None) -> bool:
        """Whether ``token`` is this site's write token (compared in constant time)."""
        if self.token is None or not token:
            return False
        return hmac.compare_digest(token.encode(), self.token.encode())


async def site_of(request: Request) -> Site:
    """The tracker a request is for. ``async``, as every dependency that does no I/O: FastAPI
    runs a plain function in its thread pool, a hand-over to and from another thread at
    every request."""
    return request.app.state.site


# deadlines.days.FIRST_YEAR to LAST_YEAR, for the OpenAPI description of dates and moments.
IN_YEARS = "^(1[0-9]{3}|[2-8][0-9]{3}|9[0-7][0-9]{2}|9800)-"
DATE = {"format": "date", "pattern": IN_YEARS}
MOMENT = {"anyOf": [DATE, {"format": "date-time", "pattern": IN_YEARS}]}
NO_NUL = "^[^\x00]*$"  # refused by storable_query, as everywhere


def declared(**schema: Any) -> dict[str, Any]:
    """The OpenAPI schema of an optional query string that the service checks itself (its
    refusal names the accepted form, better than FastAPI's would): a string of ``schema``."""
    return {"anyOf": [{"type": "string", "pattern": NO_NUL, **schema}, {"type": "null"}]}


# What the pages and the API take from every request.
SiteDep = Annotated[Site, Depends(site_of)]
AsOfParam = Annotated[
    str | None,
    Query(
        description="Judge statuses at this moment: YYYY-MM-DD (end of that day in the "
        "tracker's zone) or an ISO date-time. Default: now.",
        examples=["2026-11-24"],
        # Declared, not validated by FastAPI: the service's refusal names the accepted forms.
        json_schema_extra=declared(**MOMENT),
        max_length=100,
    ),
]
BIGGEST = 2**63 - 1  # a 64-bit column's largest value
ClaimId = Annotated[
    int, PathParam(ge=1, le=MAX_ID, description="The claim's number, as the CLI shows it (#1).")
]
Offset = Annotated[int, Query(ge=0, le=BIGGEST // 2)]
# A list's pages by cursor (reading.list_claims), since an offset deep in a large list costs
# the database every row before it: the links of a page give ``after``; ``before`` reads
# backwards. OpenAPI cannot say two parameters exclude each other, so the description says
# which one wins.
After = Annotated[
    int | None,
    Query(ge=1, le=MAX_ID, description="The page of the list that starts after this claim."),
]
Before = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="The page of the list that ends before this claim; not read when `after` "
        "is given.",
    ),
]


def check_token(token: str | None) -> str | None:
    """The write token from the environment: none (read-only), or one too long to guess and
    without spaces (which a header would not carry as typed)."""
    if token is None or token == "":
        return None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise BadInput(
            ENV_TOKEN,
            f"a write token needs at least {MIN_TOKEN_LENGTH} characters and no spaces, e.g. "
            "the output of: python3 -c 'import secrets; print(secrets.token_urlsafe())'",
        )
    return token


def status_code(error: ClaimtrackError) -> int:
    """The HTTP status for an error a service function raised."""
    if isinstance(error, Removed):
        return 410
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, BadInput):
        return 422
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, DatabaseUnavailable):
        return 503
    return 400


# The CLI's option names that the API calls otherwise; the rest lose their dashes (--status:
# status), so that a refusal names the field the request gave.
FIELD_NAMES = {
    "--by": "claimants",
    "--due": "deadline",
    "--lang": "language",
    "--source": "source.url",
    "--stated": "stated_on",
    "--tag": "tags",
}


def message(error: ClaimtrackError) -> str:
    """The error's message, naming fields as the web does (stated_on, not --stated)."""
    field_name = getattr(error, "field", "")
    if field_name.startswith("--") and error.message.startswith(f"{field_name}:"):
        name = FIELD_NAMES.get(field_name, field_name[2:].replace("-", "_"))
        return name + error.message[len(field_name) :]
    return error.message


def problems(error: RequestValidationError) -> str:
    """What a request got wrong, on one line: ``text: String should have at most 20000
    characters``; the first problem, and how many more there are."""
    found = error.errors()
    if not found:
        return "the request is not valid"
    first = found[0]
    where = ".".join(map(str, first["loc"][1:])) or str(first["loc"][0])
    said = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "json_invalid":
        said = f"not JSON ({first.get('ctx', {}).get('error', said)}); send a JSON object"
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    return " ".join(f"{where}: {said}{more}".split())


async def storable_query(request: Request) -> None:
    """Refuses a query parameter that no database could compare (a NUL): it would be sent
    to PostgreSQL as a filter and fail there."""
    for key, value in request.query_params.multi_items():
        storable.check(key, "query")
        storable.check(value, key)
        if key == "lang":
            language.check(value, "lang")
