"""The application: the pages, the API and the calendar of one served tracker, behind the
guards (write token and body cap, security headers), with the error pages of both."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrack import language
from claimtrack.errors import ClaimtrackError
from claimtrack.web import api, caching, calendars, feeds, guard, indexes, pages, speaking
from claimtrack.web.site import Site, message, problems, status_code, storable_query

STATIC = Path(__file__).with_name("static")

# No script runs on these pages, none is loaded from elsewhere, and no page can be framed:
# should an escape ever be missed, the browser still refuses to run what got through.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


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


def create_app(
    site: Site, monotonic: Callable[[], float] = time.monotonic, *, cache: bool = True
) -> FastAPI:
    """The application for ``site``: pages at /, the API at /api (OpenAPI at /openapi.json
    and /docs), the calendar at /deadlines.ics; answers kept and served again by
    web/caching.py (``monotonic`` times its checks of the database's version; ``cache``
    off for a publish, which asks for each address once)."""
    app = FastAPI(
        title=f"{site.name} API",
        summary="Public claims and commitments, their sources, deadlines and verdicts.",
        version=_version(),
        redoc_url=None,
        dependencies=[Depends(storable_query)],
    )
    app.state.site = site
    app.add_middleware(
        guard.WriteGuard, refusal=site.refusal, max_body=lambda: site.config.web.max_body
    )
    app.add_middleware(
        guard.SecurityHeaders, page_policy=PAGE_POLICY, exempt=lambda p: p == app.docs_url
    )
    app.add_middleware(HeadAsGet)
    if cache:
        app.add_middleware(
            caching.Cache,
            site=site,
            check_every=site.config.web.cache_check,
            monotonic=monotonic,
            keep=site.config.web.cache,
        )
    # Outermost: the cache keeps one answer per address and language.
    app.add_middleware(
        speaking.Speaking, offered=lambda: site.offered, default=lambda: site.language
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(calendars.router)  # before indexes: /claimants/NAME/deadlines.ics
    app.include_router(pages.router)
    app.include_router(feeds.router)  # before indexes: /claimants/NAME/feed.atom
    app.include_router(indexes.router)

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
            language.gettext(
                "There is no page at this address; it may be mistyped, or the page may have moved."
            )
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


def _is_api(request: Request) -> bool:
    """Whether the request is for JSON or a feed (errors as JSON) rather than a page."""
    path = request.url.path
    return path.startswith("/api/") or path.endswith((".ics", ".json", ".atom"))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrack")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0"
