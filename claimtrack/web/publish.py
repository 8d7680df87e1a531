"""`claimtrack publish DIR`: the whole public site as static files that any web server or CDN
can serve: every page, the JSON of the API's read answers, the calendar and the feeds.

The site is crawled, not rendered a second way: the application answers each address in
this process (no socket), starting from the home page and the documents nothing links to
(feeds, calendar, API), and following every link on every page. So the published site is
the served one, page for page, and a link can only lead to a file this run wrote; a link to
an address that answers an error is reported, as a bug would be.

Each answer becomes a file whose name says what it is (``claims/1.html``, ``api/claims/1.json``,
``index@status=due.html`` for a page with a query), and the links in the pages are rewritten
relative to the page, so the site works served from a domain's root, from a sub-path, or
opened from the disk. Absolute addresses (feeds, calendar, structured data) use
``--base-url``.

A file is rewritten only when its bytes differ from what is on disk (compared, not
guessed), through a temporary file in the same folder renamed over it, so a reader gets the
old file or the new one, never half of one. Files a previous run wrote that this run did not
are removed at the end (the list is kept in .claimtrack-publish.json).

With ``workers`` above one, the addresses are answered by that many processes, each with
its own application and connection, while this one keeps the crawl (what was seen, what is
left): the files are the same, written sooner on a machine with the cores.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import posixpath
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import anyio
import lxml.etree
import lxml.html

from claimtrack.config import Config
from claimtrack.errors import BadInput
from claimtrack.records import versions
from claimtrack.records.store import Database

MANIFEST = ".claimtrack-publish.json"
# What nothing links to but readers and programs ask for, besides the home page.
SEEDS = (
    "/",
    "/feed.atom",
    "/deadlines.ics",
    "/api/claims",
    "/api/report",
    "/openapi.json",
    "/static/site.css",
)
NOT_PUBLISHED = ("/docs",)  # the OpenAPI viewer runs scripts from a CDN: live servers only
KEPT_SUFFIXES = (".html", ".atom", ".ics", ".css", ".json", ".png", ".svg", ".ico")
APP = "http://app.invalid"  # how the crawl resolves the pages' own links
CHUNK = 64  # addresses a worker process answers per task: few round trips, even shares
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Published:
    """What a run did: the files it made, how many it rewrote, what it removed."""

    directory: Path
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    size: int = 0
    broken: list[tuple[str, int, str]] = field(default_factory=list)  # (address, status, from)
    skipped: bool = False  # nothing changed since the last run (the monitor's check)

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "files": self.files,
            "written": len(self.written),
            "unchanged": self.files - len(self.written),
            "removed": len(self.removed),
            "bytes": self.size,
            "broken": [{"address": a, "status": s, "linked_from": f} for a, s, f in self.broken],
            "skipped": self.skipped,
        }

    def summary(self) -> str:
        if self.skipped:
            return f"claimtrack: {self.directory} is current; nothing to publish"
        return (
            f"claimtrack: published {self.files:,} files to {self.directory} "
            f"({len(self.written):,} written, {self.files - len(self.written):,} unchanged, "
            f"{len(self.removed):,} removed; {self.size / 1e6:,.1f} MB)"
        )


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


def base_url_of(value: str | None, config: Config) -> str:
    """The site's public address, ending in /: --base-url, else [publishing] url."""
    given = value or config.publishing.url
    if not given:
        raise BadInput(
            "--base-url",
            "the feeds and the calendar need the site's address: "
            "--base-url https://tracker.example.org/ (or [publishing] url)",
        )
    parts = urlsplit(given)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or "@" in parts.netloc
    ):
        raise BadInput(
            "--base-url",
            f"'{given}' is not a site address; give e.g. https://tracker.example.org/ or "
            "https://example.org/tracker/",
        )
    return given if given.endswith("/") else given + "/"


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
    here = posixpath.dirname(page) or "."
    return quote(posixpath.relpath(name, here), safe="/")


def publish(
    db: Database,
    config: Config,
    directory: Path,
    base_url: str,
    now: datetime,
    *,
    as_given: bool = False,
    only_if_changed: bool = False,
    workers: int = 1,
) -> Published:
    """Write the site into ``directory`` as it stands at ``now`` (dated from the moment that
    state began; ``as_given``: dated ``now`` itself, for --as-of); with ``only_if_changed``
    (the monitor), do nothing when neither the data nor that moment moved since last time;
    ``workers``: how many processes answer the addresses."""
    try:
        return _publish(
            db, config, directory, base_url, now, as_given, only_if_changed, max(1, workers)
        )
    except OSError as error:  # a folder that cannot be made or written, a full disk
        where = error.filename or directory
        raise BadInput(
            "DIRECTORY", f"cannot write {where} ({error.strerror}); give a folder you can write"
        ) from None


def _publish(
    db: Database,
    config: Config,
    directory: Path,
    base_url: str,
    now: datetime,
    as_given: bool,
    only_if_changed: bool,
    workers: int,
) -> Published:
    directory.mkdir(parents=True, exist_ok=True)
    before = _manifest(directory)
    with db.read() as session:
        state = versions.window(session, now, config.tz)
    # The site as of the moment its current state began: two runs with nothing changed in
    # between write the same bytes (the pages name their moment), so nothing is rewritten.
    moment = now if as_given else min(state.since, now)
    began = moment if as_given else state.since
    stamp = {"version": state.version, "as_of": began.isoformat(), "base_url": base_url}
    if only_if_changed and all(before.get(k) == v for k, v in stamp.items()):
        return Published(directory, files=len(before.get("files", [])), skipped=True)
    result = Published(directory)
    if workers == 1:
        names = _crawl(_Answerer(db, config, base_url, moment, directory).answer_all, result)
    else:
        spawn = multiprocessing.get_context("spawn")  # no copy of this process's connections
        start = (db.url, config, base_url, moment, directory)
        with ProcessPoolExecutor(workers, spawn, initializer=_start_worker, initargs=start) as pool:
            names = _crawl(lambda batch: _answer_in(pool, batch), result)
    for stale in sorted(set(before.get("files", [])) - names):
        target = directory / stale
        if target.is_file():
            target.unlink()
            result.removed.append(stale)
    _write(directory, MANIFEST, json.dumps({**stamp, "files": sorted(names)}).encode())
    return result


def _crawl(answer: Callable[[list[str]], Iterable[Answer]], result: Published) -> set[str]:
    """Breadth first from the seeds: each round answers every address found so far and
    queues the new ones its pages link to; what a run wrote is listed in address order
    whatever answered it."""
    queue: deque[str] = deque(SEEDS)
    seen = set(SEEDS)
    linked_from: dict[str, str] = {}
    names: set[str] = set()
    while queue:
        batch = list(queue)
        queue.clear()
        for found in answer(batch):
            if found.name is None:
                result.broken.append(
                    (found.address, found.status, linked_from.get(found.address, ""))
                )
                continue
            names.add(found.name)
            result.files += 1
            result.size += found.size
            if found.written:
                result.written.append(found.name)
            for link in found.links:
                if link not in seen:
                    seen.add(link)
                    linked_from[link] = found.address
                    queue.append(link)
    result.written.sort()
    result.broken.sort()
    return names


class _Answerer:
    """The application that answers the crawl's addresses, in one process: the site as of
    ``moment``, in its own language, its feeds and calendar linking to the published
    pages."""

    def __init__(
        self, db: Database, config: Config, base_url: str, moment: datetime, directory: Path
    ) -> None:
        from claimtrack.web.app import create_app
        from claimtrack.web.site import Site

        publishing = config.publishing
        if not publishing.claim_url:  # feeds and calendar entries link to the published page
            claim_url = f"{base_url}claims/{{id}}.html"
            publishing = publishing.model_copy(update={"claim_url": claim_url})
        configured = config.model_copy(update={"publishing": publishing})
        site = Site(db, configured, clock=lambda: moment)
        site.languages = (site.language,)  # a static copy is in the site's language only
        site.taken_once = {}
        self.app = create_app(site, cache=False)
        self.base_url = base_url
        self.directory = directory

    def answer_all(self, addresses: list[str]) -> list[Answer]:
        return anyio.run(self._answer_each, addresses)

    async def _answer_each(self, addresses: list[str]) -> list[Answer]:
        return [await self._answer(address) for address in addresses]

    async def _answer(self, address: str) -> Answer:
        """One address asked of the application, its page's links rewritten, its file
        written if its bytes changed."""
        path, _, query = address.partition("?")
        asked = path.removesuffix(".html")  # an address claim_url's pages are linked by
        status, content_type, body = await _get(self.app, self.base_url, asked or "/", query)
        if status != 200:
            return Answer(address, status)
        name = file_for(path, query)
        links: list[str] = []
        if content_type.startswith("text/html"):
            body, links = _rewrite_page(body, address, name, self.base_url)
        elif content_type.startswith("application/atom+xml"):
            body = _rewrite_feed(body, self.base_url)
        written = _write(self.directory, name, body)
        return Answer(address, status, name, len(body), written, tuple(links))


# A worker process's answerer, made once at its start (the pool's initializer).
_worker: list[_Answerer] = []


def _start_worker(
    url: str, config: Config, base_url: str, moment: datetime, directory: Path
) -> None:
    from claimtrack.records.store import open_database

    _worker.append(
        _Answerer(open_database(url, migrate=False), config, base_url, moment, directory)
    )


def _answer_in_worker(addresses: list[str]) -> list[Answer]:
    return _worker[0].answer_all(addresses)


def _answer_in(pool: ProcessPoolExecutor, addresses: list[str]) -> Iterator[Answer]:
    chunks = [addresses[i : i + CHUNK] for i in range(0, len(addresses), CHUNK)]
    for answers in pool.map(_answer_in_worker, chunks):
        yield from answers


async def _get(app: Any, base_url: str, path: str, query: str) -> tuple[int, str, bytes]:
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


def _site_address(link: str, page: str, base_url: str) -> tuple[str, str] | None:
    """The site address a link leads to (path?query, fragment), or None if it leads off
    the site. The pages' links are the application's own paths; absolute ones (structured
    data, feeds) start with the base URL."""
    if link.startswith(base_url):
        link = "/" + link[len(base_url) :]
    resolved = urlsplit(urljoin(APP + page, link))
    if f"{resolved.scheme}://{resolved.netloc}" != APP:
        return None
    address = resolved.path + (f"?{resolved.query}" if resolved.query else "")
    return address, resolved.fragment


def _rewrite_page(body: bytes, address: str, name: str, base_url: str) -> tuple[bytes, list[str]]:
    """The page with its links made relative to its file, and the addresses they lead to."""
    document = lxml.html.document_fromstring(body)
    found: list[str] = []
    for element, attribute, link, position in list(document.iterlinks()):
        if attribute is None or position != 0:
            continue  # a url() inside a style: none on these pages
        target = _site_address(link, address, base_url)
        if target is None:
            continue
        site_address, fragment = target
        path, _, query = site_address.partition("?")
        if path.startswith(NOT_PUBLISHED):
            del element.attrib[attribute]  # no such page on a static site
            continue
        if path == urlsplit(APP + address).path and not query and fragment:
            continue  # a link within the page
        found.append(site_address)
        href = href_for(file_for(path, query), name)
        element.set(attribute, href + (f"#{fragment}" if fragment else ""))
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8"), found


def _rewrite_feed(body: bytes, base_url: str) -> bytes:
    """A feed's links to the site's pages, made to lead to their published files."""
    feed = lxml.etree.fromstring(body)
    for link in feed.iter(f"{ATOM}link"):
        href = link.get("href", "")
        if href.startswith(base_url):
            path, _, query = ("/" + href[len(base_url) :]).partition("?")
            link.set("href", base_url + quote(file_for(path, query), safe="/"))
    return lxml.etree.tostring(feed, xml_declaration=True, encoding="utf-8")


def _write(directory: Path, name: str, body: bytes) -> bool:
    """Replace the file if its bytes differ, atomically; whether it was written."""
    target = directory / name
    try:
        if target.stat().st_size == len(body) and target.read_bytes() == body:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".publishing-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _manifest(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
