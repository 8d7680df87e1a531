"""Which language a request is answered in: ``?lang=`` when the reader chose one, else the
first of their browser's Accept-Language that the site offers, else the site's own.

It runs before the cache, which keeps one answer per address and language, and it says
``Vary: Accept-Language`` so that shared caches (a proxy, a CDN) keep them apart too.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimtrack import language

STATE_KEY = "language"


class Speaking:
    def __init__(
        self, app: ASGIApp, offered: Callable[[], tuple[str, ...]], default: Callable[[], str]
    ) -> None:
        self.app = app
        self.offered = offered
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = self.offered()
        chosen = chosen_language(scope)
        if chosen in offered:
            code = chosen
        else:
            headers = dict(scope.get("headers") or [])
            accepted = headers.get(b"accept-language", b"").decode("latin-1")
            code = language.negotiate(accepted, self.default())
            code = code if code in offered else self.default()
        scope.setdefault("state", {})[STATE_KEY] = code
        language.set_current(code)

        async def vary(message: Message) -> None:
            if message["type"] == "http.response.start" and len(offered) > 1:
                MutableHeaders(scope=message).add_vary_header("Accept-Language")
            await send(message)

        await self.app(scope, receive, vary)


def chosen_language(scope: Scope) -> str | None:
    """The reader's ``?lang=`` (checked elsewhere: an unknown one is refused with a 422)."""
    for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if key == "lang":
            return value
    return None


def language_of(scope: Scope) -> str:
    return scope.get("state", {}).get(STATE_KEY, language.DEFAULT)
