"""The web tracker: one FastAPI application over the service functions the CLI uses.

`claimtrack serve` builds it for one database. The pages (pages.py) and the JSON API
(api.py) are read-only unless a write token is configured; then the API's writes need that
token. This module holds what both share: the site's settings, the clock, the error pages,
the security headers, and the server itself.
"""

from __future__ import annotations

import hmac
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
from claimtrack.records.claims import AsOf
from claimtrack.records.models import MAX_ID
from claimtrack.records.store import Database

if TYPE_CHECKING:
    import uvicorn

ENV_TOKEN = "CLAIMTRACK_TOKEN"
MIN_TOKEN_LENGTH = 16
READ_ONLY = f"this tracker is read-only; start claimtrack serve with {ENV_TOKEN} set"
NEEDS_TOKEN = "writing needs the tracker's token: Authorization: Bearer TOKEN"
STATIC = Path(__file__).with_name("static")

# No script runs on these pages, none is loaded from elsewhere, and no page can be framed:
# should an escape ever be missed, the browser still refuses to run what got through.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


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


def site_of(request: Request) -> Site:
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


class HeadAsGet:
    """Answers HEAD as GET without the body, for every address: link checkers, uptime
    monitors and calendar clients ask with HEAD, and FastAPI's routes answer only GET."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(site: Site) -> FastAPI:
    """The application for ``site``: pages at /, the API at /api (OpenAPI at /openapi.json
    and /docs), the calendar at /deadlines.ics."""
    from claimtrack import api, pages, web_guard

    app = FastAPI(
        title=f"{site.name} API",
        summary="Public claims and commitments, their sources, deadlines and verdicts.",
        version=_version(),
        redoc_url=None,
        dependencies=[Depends(storable_query)],
    )
    app.state.site = site
    app.add_middleware(
        web_guard.WriteGuard, refusal=site.refusal, max_body=lambda: site.config.web.max_body
    )
    app.add_middleware(
        web_guard.SecurityHeaders, page_policy=PAGE_POLICY, exempt=lambda p: p == app.docs_url
    )
    app.add_middleware(HeadAsGet)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(ClaimtrackError)
    async def _refused(request: Request, error: ClaimtrackError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": message(error)}, status_code=status_code(error))
        return pages.error_page(request, status_code(error), message(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 400:  # FastAPI's answer to a body that is not UTF-8 JSON
            error = StarletteHTTPException(422, "body: not JSON in UTF-8; send a JSON object")
        if _is_api(request):
            return await http_exception_handler(request, error)
        text = (
            "There is no page at this address; it may be mistyped, or the page may have moved."
            if error.status_code == 404
            else str(error.detail)
        )
        return pages.error_page(request, error.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": problems(error)}, status_code=422)
        return pages.error_page(request, 422, problems(error))

    return app


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


def storable_query(request: Request) -> None:
    """Refuses a query parameter that no database could compare (a NUL): it would be sent
    to PostgreSQL as a filter and fail there."""
    for key, value in request.query_params.multi_items():
        storable.check(key, "query")
        storable.check(value, key)


def _is_api(request: Request) -> bool:
    """Whether the request is for JSON or a feed (errors as JSON) rather than a page."""
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".ics", ".json"))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrack")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0"


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` before the server starts, so that a port in use
    or a host that is not this machine's is one line of error, not a server log."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise BadInput(
            "--host", f"'{host}' is not a host name or address ({error.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise BadInput(
            "--port",
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host",
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def server(site: Site, *, log: bool = True) -> uvicorn.Server:
    """A uvicorn server for ``site``; ``.run(sockets=[listen(…)])`` serves until SIGINT or
    SIGTERM (or ``should_exit``), finishing the requests under way."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            """Stop on SIGINT or SIGTERM, then return, so that `claimtrack serve` exits 0
            after a clean stop (uvicorn raises the signal again, and the exit code would
            say it was killed)."""
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            before = {number: signal.signal(number, self.handle_exit) for number in stops}
            try:
                yield
            finally:
                for number, handler in before.items():
                    signal.signal(number, handler)

    config = uvicorn.Config(
        create_app(site),
        log_level="info" if log else "warning",
        access_log=log,
        proxy_headers=False,
        server_header=False,
    )
    return Server(config)
