"""An answer of the tracker made a static file: the request that gets it from the
application in this process (no socket), the file its address becomes, and its links made
relative to that file so that the copy works from any folder or domain. web/publish.py
crawls the site with these."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import anyio
import lxml.etree
import lxml.html

NOT_PUBLISHED = ("/docs",)  # the OpenAPI viewer runs scripts from a CDN: live servers only
KEPT_SUFFIXES = (".html", ".atom", ".ics", ".css", ".json", ".png", ".svg", ".ico")
APP = "http://app.invalid"  # how the crawl resolves the pages' own links
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Answer:
    """What answering one address gave: its file (None: the address answered ``status``,
    an error) and the site addresses its page links to."""

    address: str
    status: int
    name: str | None = None
    size: int = 0
    written: bool = False
    links: tuple[str, ...] = ()
    reused: bool = False  # kept as the last run left it, not rendered


def file_for(path: str, query: str = "") -> str:
    """Where the answer to ``path?query`` (as written in a link) lives in the published tree.

    Each segment is stored decoded (the name a web server looks for), except that ``%`` and
    ``/`` inside one stay escaped; a query goes into the name after ``@``."""
    if path in ("", "/"):
        stem, suffix = "index", ".html"
    else:
        segments = [
            unquote(part).replace("%", "%25").replace("/", "%2F")
            for part in path.strip("/").split("/")
        ]
        name = "/".join(segments)
        suffix = posixpath.splitext(name)[1]
        if suffix in KEPT_SUFFIXES:
            stem = name[: -len(suffix)]
        else:
            stem, suffix = name, ".json" if path.startswith("/api/") else ".html"
    return f"{stem}@{query}{suffix}" if query else stem + suffix


def href_for(name: str, page: str) -> str:
    """The link from the file ``page`` to the file ``name``, relative and URL-escaped."""
    return _relative(name, posixpath.dirname(page) or ".")


@lru_cache(maxsize=1 << 16)
def _relative(name: str, here: str) -> str:
    # Kept: every page links to the same few dozen pages from a handful of folders, and
    # relpath resolves both paths each time (a tenth of a list page's rewriting).
    return quote(posixpath.relpath(name, here), safe="/")


async def ask(app: Any, base_url: str, path: str, query: str) -> tuple[int, str, bytes]:
    """One GET answered by the application in this process, as if ``base_url`` served it."""
    base = urlsplit(base_url)
    root = base.path.rstrip("/")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": base.scheme,
        "server": (base.hostname, base.port or (443 if base.scheme == "https" else 80)),
        "client": ("127.0.0.1", 0),
        "root_path": root,
        "path": root + unquote(path),
        "raw_path": (root + path).encode(),
        "query_string": query.encode(),
        "headers": [(b"host", base.netloc.encode())],
    }
    answer: dict[str, Any] = {"status": 500, "headers": [], "body": []}
    asked = False
    done = anyio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:  # the request (it has no body); then the client "leaves" when served
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"], answer["headers"] = message["status"], message["headers"]
        elif message["type"] == "http.response.body":
            answer["body"].append(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    await app(scope, receive, send)
    content_type = dict(answer["headers"]).get(b"content-type", b"").decode()
    return answer["status"], content_type, b"".join(answer["body"])


def site_address(link: str, page: str, base_url: str) -> tuple[str, str] | None:
    """The site address a link leads to (path?query, fragment), or None if it leads off
    the site. The pages' links are the application's own paths; absolute ones (structured
    data, feeds) start with the base URL."""
    if link.startswith(base_url):
        link = "/" + link[len(base_url) :]
    if link.startswith("/") and not link.startswith("//") and "/." not in link:
        # The application's own links are paths from the root: nothing to resolve, and
        # urljoin was a third of the rewriting of a page of fifty claims.
        address, _, fragment = link.partition("#")
        return address.removesuffix("?"), fragment
    resolved = urlsplit(urljoin(APP + page, link))
    if f"{resolved.scheme}://{resolved.netloc}" != APP:
        return None
    address = resolved.path + (f"?{resolved.query}" if resolved.query else "")
    return address, resolved.fragment


def rewrite_page(body: bytes, address: str, name: str, base_url: str) -> tuple[bytes, list[str]]:
    """The page with its links made relative to its file, and the addresses they lead to."""
    document = lxml.html.document_fromstring(body)
    found: list[str] = []
    for element, attribute, link, position in list(document.iterlinks()):
        if attribute is None or position != 0:
            continue  # a url() inside a style: none on these pages
        target = site_address(link, address, base_url)
        if target is None:
            continue
        target_address, fragment = target
        path, _, query = target_address.partition("?")
        if path.startswith(NOT_PUBLISHED):
            del element.attrib[attribute]  # no such page on a static site
            continue
        if path == urlsplit(APP + address).path and not query and fragment:
            continue  # a link within the page
        found.append(target_address)
        href = href_for(file_for(path, query), name)
        element.set(attribute, href + (f"#{fragment}" if fragment else ""))
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8"), found


def rewrite_feed(body: bytes, base_url: str) -> bytes:
    """A feed's links to the site's pages, made to lead to their published files."""
    feed = lxml.etree.fromstring(body)
    for link in feed.iter(f"{ATOM}link"):
        href = link.get("href", "")
        if href.startswith(base_url):
            path, _, query = ("/" + href[len(base_url) :]).partition("?")
            link.set("href", base_url + quote(file_for(path, query), safe="/"))
    return lxml.etree.tostring(feed, xml_declaration=True, encoding="utf-8")
