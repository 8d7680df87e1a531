"""Answers that cost almost nothing to serve again: an in-process cache of rendered answers,
ETags, ``304 Not Modified`` and ``Cache-Control``.

An answer to a GET depends on the database, on the moment it is judged at, and on the
address. The database's part is the data version (records/versions.py), which every write
raises; the moment's part only changes at the tracker's midnight or when some deadline
passes (statuses and day counts move then and at no other time). So a rendered answer is
kept under its address and served again, straight from here, until the version moves or the
next such moment comes. The version is read at most once every ``check_every`` seconds
(default 1: a write by another process is visible within a second); a write through this
process's own API makes the next request read it at once.

The ETag is a hash of the answer's bytes: the same in every worker and after a restart,
and unchanged across a midnight that changed nothing in it. ``Last-Modified`` is the later
of the last write and the last such moment. Errors and writes are never cached.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING

import anyio
from cachetools import LRUCache
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrack.errors import ClaimtrackError
from claimtrack.records import versions
from claimtrack.web.speaking import language_of

if TYPE_CHECKING:
    from claimtrack.web.site import Site

# Short for what changes with the record (a reader's reload asks again with the ETag), a
# few minutes for what clients poll (calendars, feeds), a day for the stylesheet.
PAGE_CACHE = b"public, max-age=10"
POLLED_CACHE = b"public, max-age=300"
STATIC_CACHE = b"public, max-age=86400"
NO_STORE = b"no-store"
MAX_BYTES = 64 * 2**20  # what the cache may hold, in rendered bytes
MAX_ANSWER = 8 * 2**20  # a larger answer is served but not kept


State = versions.Window  # what the cache knows of the database


@dataclass
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes
    version: int
    until: datetime


@dataclass
class Cache:
    """The cache middleware for one site; ``monotonic`` is injectable for tests."""

    app: ASGIApp
    site: Site
    check_every: float = 1.0
    monotonic: Callable[[], float] = time.monotonic
    keep: bool = True  # False: every request renders (ETags and 304s all the same)
    entries: LRUCache = field(
        default_factory=lambda: LRUCache(maxsize=MAX_BYTES, getsizeof=lambda e: len(e.body))
    )
    _state: State | None = None
    _checked_at: float = float("-inf")
    _lock: anyio.Lock = field(default_factory=anyio.Lock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            try:
                await self.app(scope, receive, _with_cache_control(send, NO_STORE))
            finally:
                self._checked_at = float("-inf")  # a write here: look at the version now
            return
        if scope["path"].removeprefix(scope.get("root_path", "")).startswith("/static/"):
            await self.app(scope, receive, _with_cache_control(send, STATIC_CACHE))
            return
        state = await self._current()
        if state is None:  # the database cannot be read: the application says so
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""), language_of(scope))
        entry = self.entries.get(key) if self.keep else None
        now = self.site.clock()
        if entry is None or entry.version != state.version or now >= entry.until:
            entry = await self._render(scope, receive, send, state)
            if entry is None:
                return  # answered as rendered: an error, a HEAD, a large answer
            if self.keep:
                self.entries[key] = entry
        await _answer(scope, send, entry, state, now)

    async def _current(self) -> State | None:
        """The database's state, read again once ``check_every`` has passed or the next
        midnight or deadline has come (one reader at a time; the others take what it read)."""
        if self._fresh():
            return self._state
        async with self._lock:
            if not self._fresh():
                checked = self.monotonic()
                try:
                    self._state = await anyio.to_thread.run_sync(self._read)
                except ClaimtrackError:
                    self._state = None
                    return None
                self._checked_at = checked
        return self._state

    def _fresh(self) -> bool:
        return (
            self._state is not None
            and self.monotonic() - self._checked_at < self.check_every
            and self.site.clock() < self._state.until
        )

    def _read(self) -> versions.Window:
        with self.site.database.read() as session:
            return versions.window(session, self.site.clock(), self.site.tz)

    async def _render(
        self, scope: Scope, receive: Receive, send: Send, state: State
    ) -> Entry | None:
        """Render through the application; keep what can be served again."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app({**scope, "method": "GET"}, receive, capture)  # HEAD: as GET, kept
        body = b"".join(chunks)
        headers = list(start.get("headers", []))
        status = start.get("status", 500)
        entry = Entry(status, headers, body, _etag(body), state.version, state.until)
        if status == 200 and not any(name.lower() == b"set-cookie" for name, _ in headers):
            if len(body) <= MAX_ANSWER:
                return entry
            await _answer(scope, send, entry, state, self.site.clock())  # served, not kept
            return None
        if not any(name.lower() == b"cache-control" for name, _ in headers):
            headers.append((b"cache-control", NO_STORE))
        await send({**start, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
        return None


def _etag(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


def _policy(scope: Scope) -> bytes:
    path: str = scope["path"]
    return POLLED_CACHE if path.endswith((".ics", ".atom")) else PAGE_CACHE


def _headers(
    headers: list[tuple[bytes, bytes]], etag: bytes, since: datetime, policy: bytes
) -> list[tuple[bytes, bytes]]:
    kept = [
        (name, value)
        for name, value in headers
        if name.lower() not in (b"etag", b"last-modified", b"cache-control", b"content-length")
    ]
    return [
        *kept,
        (b"etag", etag),
        (b"last-modified", format_datetime(since.astimezone(UTC), usegmt=True).encode()),
        (b"cache-control", policy),
    ]


def _not_modified(scope: Scope, etag: bytes, since: datetime) -> bool:
    """RFC 9110: If-None-Match decides when sent; otherwise If-Modified-Since."""
    headers = dict(scope["headers"])
    if b"if-none-match" in headers:
        asked = [tag.strip().removeprefix(b"W/") for tag in headers[b"if-none-match"].split(b",")]
        return etag in asked or b"*" in asked
    if b"if-modified-since" in headers:
        try:
            asked_since = parsedate_to_datetime(headers[b"if-modified-since"].decode("latin-1"))
        except (TypeError, ValueError):
            return False
        return since.replace(microsecond=0) <= asked_since
    return False


async def _answer(scope: Scope, send: Send, entry: Entry, state: State, now: datetime) -> None:
    since = min(state.since, now)  # never a Last-Modified after the answer's own moment
    headers = _headers(entry.headers, entry.etag, since, _policy(scope))
    if _not_modified(scope, entry.etag, since):
        kept = [(n, v) for n, v in headers if n.lower() != b"content-type"]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    headers.append((b"content-length", str(len(entry.body)).encode()))
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    body = entry.body if scope["method"] == "GET" else b""
    await send({"type": "http.response.body", "body": body})


def _with_cache_control(send: Send, policy: bytes) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, value)
                for name, value in message["headers"]
                if name.lower() != b"cache-control"
            ]
            message = {**message, "headers": [*headers, (b"cache-control", policy)]}
        await send(message)

    return sending
