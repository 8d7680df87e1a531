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

A run renders only what may have changed since the last one. The manifest keeps each
claim's number (records/fingerprints.py: a digest of every row its files are made of), and
what the whole site is made of besides (this code, the configuration, the address, the
language and the day every page shows: the frame; web/keeping.py). With the same frame, a
claim whose number is the same keeps its page, JSON and history as they are, unread; every
other file (the lists, the indexes, the feeds, the changed claims) is rendered and
compared. A claim page's links lead to its JSON and history and otherwise to pages the
lists and indexes link to, so a kept page adds those two to the crawl
(tests/test_publish.py checks that a run that keeps files leaves the same tree as a run
from nothing).

With ``workers`` above one, the addresses are answered by that many processes, each with
its own application and connection, while this one keeps the crawl (what was seen, what is
left): the files are the same, written sooner on a machine with the cores.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio

from claimtrack.config import Config
from claimtrack.errors import BadInput
from claimtrack.records import claims, fingerprints, versions
from claimtrack.records.sql import chunks
from claimtrack.records.store import Database
from claimtrack.web import keeping
from claimtrack.web.paging import LATER_PAGES
from claimtrack.web.static_copy import (
    Answer,
    ask,
    file_for,
    rewrite_feed,
    rewrite_page,
    site_address,
)

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
PROGRESS_EVERY = 1000  # files between two reports of a run's progress
CHUNK = 64  # addresses a worker process answers per task: few round trips, even shares
# The addresses about one claim: its page, its JSON and its history.
CLAIM_ADDRESS = re.compile(r"/(?:api/)?claims/(\d+)(?:\.html|/history)?")


@dataclass
class Published:
    """What a run did: the files it made, how many it rewrote, what it removed."""

    directory: Path
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reused: int = 0  # files of unchanged claims kept without rendering them
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
            "reused": self.reused,
            "bytes": self.size,
            "broken": [{"address": a, "status": s, "linked_from": f} for a, s, f in self.broken],
            "skipped": self.skipped,
        }

    def summary(self) -> str:
        if self.skipped:
            return f"claimtrack: {self.directory} is current; nothing to publish"
        kept = f"; {self.reused:,} of unchanged claims kept unrendered" if self.reused else ""
        return (
            f"claimtrack: published {self.files:,} files to {self.directory} "
            f"({len(self.written):,} written, {self.files - len(self.written):,} unchanged, "
            f"{len(self.removed):,} removed; {self.size / 1e6:,.1f} MB{kept})"
        )


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
    keep: bool = True,
    progress: Callable[[Published], None] | None = None,
) -> Published:
    """Write the site into ``directory`` as it stands at ``now`` (dated from the moment that
    state began; ``as_given``: dated ``now`` itself, for --as-of); with ``only_if_changed``
    (the monitor), do nothing when neither the data nor that moment moved since last time;
    ``workers``: how many processes answer the addresses; ``keep``: leave the files of the
    claims unchanged since the last run unrendered (else every file is rendered and
    compared, which also puts right a file edited by hand); ``progress``: told what the run
    has done so far every PROGRESS_EVERY files (a first run at a million claims takes an
    hour)."""
    try:
        return _publish(
            db,
            config,
            directory,
            base_url,
            now,
            as_given,
            only_if_changed,
            max(1, workers),
            keep,
            progress,
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
    keep: bool,
    progress: Callable[[Published], None] | None,
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
    with db.read() as session:
        numbers = fingerprints.claim_numbers(session, moment)
    frame = keeping.frame(config, base_url, moment, as_given)
    kept = keeping.Kept(directory, before if keep else {}, frame, numbers)
    result = Published(directory)
    if workers == 1:
        answerer = _Answerer(db, config, base_url, moment, directory)
        names = _crawl(partial(_by_chunk, answerer), result, kept, progress)
    else:
        spawn = multiprocessing.get_context("spawn")  # no copy of this process's connections
        start = (db.url, config, base_url, moment, directory)
        with ProcessPoolExecutor(workers, spawn, initializer=_start_worker, initargs=start) as pool:
            names = _crawl(lambda batch: _answer_in(pool, batch, workers), result, kept, progress)
    for stale in sorted(set(before.get("files", [])) - names):
        target = directory / stale
        if target.is_file():
            target.unlink()
            result.removed.append(stale)
    claims = {str(k): v for k, v in numbers.items()}
    manifest = {**stamp, "frame": frame, "files": sorted(names), "claims": claims}
    _write(directory, MANIFEST, json.dumps(manifest).encode())
    return result


def _crawl(
    answer: Callable[[list[str]], Iterable[Answer]],
    result: Published,
    kept: keeping.Kept,
    progress: Callable[[Published], None] | None = None,
) -> set[str]:
    """Breadth first from the seeds: each round answers every address found so far (or
    finds it kept) and queues the new ones its pages link to; what a run wrote is listed in
    address order whatever answered it."""
    queue = list(SEEDS)
    seen = set(SEEDS)
    linked_from: dict[str, str] = {}
    names: set[str] = set()
    while queue:
        batch, queue = queue, []
        reused = [kept.answer(address) for address in batch]
        asked = [address for address, found in zip(batch, reused, strict=True) if found is None]
        for found in chain((found for found in reused if found is not None), answer(asked)):
            if found.name is None:
                result.broken.append(
                    (found.address, found.status, linked_from.get(found.address, ""))
                )
                continue
            names.add(found.name)
            result.files += 1
            result.size += found.size
            result.reused += found.reused
            if found.written:
                result.written.append(found.name)
            if progress is not None and result.files % PROGRESS_EVERY == 0:
                progress(result)  # after the file is counted whole: written or kept
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
        self.database = db
        self.base_url = base_url
        self.directory = directory

    def answer_all(self, addresses: list[str]) -> list[Answer]:
        """Each chunk of addresses in one read session, the claims they are about loaded
        together first (a claim's page, JSON and history ask for the same claim)."""
        answers: list[Answer] = []
        for chunk in chunks(addresses, CHUNK):
            with self.database.reading_together() as session:
                ids = {int(found[1]) for a in chunk if (found := CLAIM_ADDRESS.fullmatch(a))}
                loaded = claims.load_claims(session, ids)  # held: the session keeps them
                answers += anyio.run(self._answer_each, chunk)
                del loaded
        return answers

    async def _answer_each(self, addresses: list[str]) -> list[Answer]:
        return [await self._answer(address) for address in addresses]

    async def _answer(self, address: str) -> Answer:
        """One address asked of the application, its page's links rewritten, its file
        written if its bytes changed."""
        path, _, query = address.partition("?")
        asked = path.removesuffix(".html")  # an address claim_url's pages are linked by
        later: list[str] = []  # a list's first page names its later pages here
        named = LATER_PAGES.set(later)
        try:
            status, content_type, body = await ask(self.app, self.base_url, asked or "/", query)
        finally:
            LATER_PAGES.reset(named)
        if status != 200:
            return Answer(address, status)
        name = file_for(path, query)
        links: list[str] = []
        if content_type.startswith("text/html"):
            body, links = rewrite_page(body, address, name, self.base_url)
            for link in later:
                if found := site_address(link, address, self.base_url):
                    links.append(found[0])
        elif content_type.startswith("application/atom+xml"):
            body = rewrite_feed(body, self.base_url)
        written = _write(self.directory, name, body)
        return Answer(address, status, name, len(body), written, tuple(links))


def _by_chunk(answerer: _Answerer, addresses: list[str]) -> Iterator[Answer]:
    """The addresses answered in this process chunk by chunk, as they come (the progress)."""
    for chunk in chunks(addresses, CHUNK):
        yield from answerer.answer_all(list(chunk))


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


def _answer_in(pool: ProcessPoolExecutor, addresses: list[str], workers: int) -> Iterator[Answer]:
    """The addresses answered by the pool's workers, in chunks of at most CHUNK; a round of
    the crawl smaller than that is still shared between them."""
    size = max(1, min(CHUNK, -(-len(addresses) // workers)))
    for answers in pool.map(_answer_in_worker, chunks(addresses, size)):
        yield from answers


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
    """The last run's manifest, or nothing to go by if it is not one this code wrote. Its
    files are names inside the folder only: the run removes those it did not make."""
    try:
        found = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError):
        return {}
    files = found.get("files") if isinstance(found, dict) else None
    if not isinstance(files, list):
        return {}
    inside = [
        name
        for name in files
        if isinstance(name, str) and not Path(name).is_absolute() and ".." not in Path(name).parts
    ]
    return {**found, "files": inside}
