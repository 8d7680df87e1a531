"""What a request must pass before the application reads a byte of its body.

FastAPI reads and parses a request's body before it resolves the route's dependencies, so
the token check of api.py would come after a 200 MB upload had been taken into memory. This
ASGI layer runs first: a write (any method but GET, HEAD and OPTIONS) without the site's
token is answered 403 or 401 from its headers alone, and a body over the site's limit is
answered 413, from its Content-Length when it declares one, else once the bytes received
pass the limit. Only a body within the limit is ever held, whole, and handed on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("claimtrack.web")

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TooLarge(Exception):
    """The body passed the limit while it was being received."""


class WriteGuard:
    """Token first, then a capped body, for every request that may write."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        refusal: Callable[[str | None], tuple[int, str, dict[str, str]] | None],
        max_body: Callable[[], int],
    ) -> None:
        self.app = app
        self.refusal = refusal  # (token) -> None or (status, detail, headers)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self.refusal(bearer_token(headers.get("authorization")))
        if refused is not None:
            await _answer(send, *refused)
            return
        limit = self.max_body()
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            await _answer(send, 413, _too_large(limit), {})
            return
        try:
            body = await _read_capped(receive, limit)
        except TooLarge:
            await _answer(send, 413, _too_large(limit), {})
            return
        handed = False

        async def replay() -> Message:
            nonlocal handed
            if handed:
                return await receive()  # a disconnect, as the application expects
            handed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header, as FastAPI's HTTPBearer
    reads it (the scheme in any case), or None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _too_large(limit: int) -> str:
    return (
        f"the request body is over the limit of {limit} bytes; send less "
        "(the limit is max_body in the configuration's [web] table)"
    )


async def _read_capped(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _answer(send: Send, status: int, detail: str, headers: dict[str, str]) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """The same security headers on every answer, a refusal or a 500 included.

    An exception that escapes the application is answered here, as a plain 500 with these
    headers, and logged with its traceback for the operator; the client never sees one.
    Starlette's own last-resort handler sits outside every middleware and would answer it
    without them.
    """

    def __init__(self, app: ASGIApp, *, page_policy: str, exempt: Callable[[str], bool]) -> None:
        self.app = app
        self.page_policy = page_policy.encode()
        self.exempt = exempt  # paths whose pages load scripts (the OpenAPI viewer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self._add(scope, list(message["headers"]))}
            await send(message)

        try:
            await self.app(scope, receive, with_headers)
        except Exception:
            log.exception("%s %s failed", scope["method"], scope["path"])
            if started:
                raise
            await _answer(with_headers, 500, "the server failed; the error is logged", {})

    def _add(self, scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        names = {name.lower() for name, _ in headers}
        for name, value in (
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ):
            if name not in names:
                headers.append((name, value))
        html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
        if html and not self.exempt(scope["path"]):
            headers = [(n, v) for n, v in headers if n.lower() != b"content-security-policy"]
            headers.append((b"content-security-policy", self.page_policy))
        return headers
