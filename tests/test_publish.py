"""`claimtrack publish DIR`: the site as static files, crawled back over HTTP from a real
server on 127.0.0.1 (served from the root and from a sub-path) with no broken link; a run
after one verdict rewrites only what changed; a file is replaced whole or not at all."""

from __future__ import annotations

import json
import re
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.html
import pytest

from claimtrack.web import publish, static_copy
from tests.conftest import assert_refused

pytestmark = pytest.mark.sqlite_only  # the crawl is the same on both; the data is the CLI's

BASE = "https://tracker.example/"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    """Any web server serving the folder: here Python's, on 127.0.0.1."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def crawl(start: str) -> dict[str, bytes]:
    """Every address reachable by links from ``start`` on the same server; fails on any
    link that does not answer 200, naming the page it was found on."""
    host = urlsplit(start).netloc
    found: dict[str, bytes] = {}
    queue = [(start, "(start)")]
    while queue:
        address, page = queue.pop()
        address = address.split("#")[0]
        if address in found:
            continue
        try:
            with urllib.request.urlopen(address, timeout=10) as answer:
                body = answer.read()
                kind = answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"broken link on {page}: {address} answers {error.code}") from None
        found[address] = body
        if kind.startswith("text/html"):
            for _, _, link, _ in lxml.html.document_fromstring(body).iterlinks():
                target = urljoin(address, link)
                if urlsplit(target).netloc == host and urlsplit(target).scheme == "http":
                    queue.append((target, address))
    return found


def published(run, out: Path, *more: str) -> dict[str, Any]:
    result = run("publish", str(out), "--base-url", BASE, "--json", *more)
    assert result.code == 0, result.err
    return result.json()


def tree(root: Path) -> dict[str, bytes]:
    """Every file of a published site but the manifest, by name."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != publish.MANIFEST
    }


def test_the_published_site_has_no_broken_link_from_the_root_or_a_sub_path(run, seeded, tmp_path):
    www = tmp_path / "www"
    summary = published(run, www)
    assert summary["broken"] == []
    assert summary["written"] == summary["files"] > 10
    with static_server(www) as root:
        at_root = crawl(root)
    assert f"{root}claims/1.html" in at_root
    assert f"{root}claimants/Government%20of%20Iraq.html" in at_root
    assert f"{root}api/claims/1.json" in at_root
    shutil.copytree(www, tmp_path / "site" / "tracker")
    with static_server(tmp_path / "site") as host:
        under = crawl(host + "tracker/")
    assert len(under) == len(at_root)  # the same site, every link relative
    # the JSON is the API's answer, and the feed and calendar are there with absolute links
    api = json.loads((www / "api" / "claims" / "1.json").read_text())
    assert api == run("show", "1", "--json").json()
    feed = feedparser.parse((www / "feed.atom").read_bytes())
    assert not feed.bozo
    links = {entry.link for entry in feed.entries}
    assert f"{BASE}claims/1.html" in links
    assert "BEGIN:VCALENDAR" in (www / "deadlines.ics").read_text()
    assert not (www / "docs.html").exists()  # the API viewer runs scripts: live only


def test_a_run_after_one_verdict_rewrites_only_what_changed(run, seeded, tmp_path):
    www = tmp_path / "www"
    first = published(run, www)
    inodes = {path: path.stat().st_ino for path in www.rglob("*") if path.is_file()}
    again = published(run, www)
    assert (again["written"], again["removed"]) == (0, 0)  # nothing changed, nothing written
    verdict = ("verdict", "1", "broken", "--note", "Still there.", "--checked-on", "2025-10-15")
    assert run(*verdict).code == 0
    after = published(run, www, "--list")
    written = set(after["written_files"])
    assert {"claims/1.html", "api/claims/1.json", "index.html", "feed.atom"} <= written
    assert "claims/2.html" not in written
    assert "api/claims/2.json" not in written
    assert after["files"] >= first["files"]
    for path, inode in inodes.items():
        name = path.relative_to(www).as_posix()
        if path.exists() and name not in written and name != publish.MANIFEST:
            assert path.stat().st_ino == inode, name  # left alone, not rewritten
    assert "Still there." in (www / "claims" / "1.html").read_text()


def test_a_run_renders_only_the_claims_that_changed_and_leaves_the_site_a_fresh_run_would(
    run, seeded, tmp_path
):
    """A run keeps the page, JSON and history of each claim whose rows did not change since
    the last run, unread; after each kind of change a user makes, the site it leaves is byte
    for byte the one a run into an empty folder writes."""
    kept = tmp_path / "kept"
    assert published(run, kept)["reused"] == 0  # nothing to keep from
    assert published(run, kept)["reused"] == 9  # three claims, three files each
    iraq_source = "https://www.state.gov/joint-statement"
    changes = [  # (a change, how many claims' files it leaves as they were)
        (("verdict", "1", "broken", "--note", "Still there.", "--checked-on", "2025-10-15"), 2),
        (("edit", "2", "--context", "Announced with the Iraq end date."), 2),
        (("retract", "1", "{verdict}", "--reason", "Recorded by mistake."), 2),
        # claim 1 cites that source: its page shows the new title, with nothing in its history
        (("source", "2", iraq_source, "--title", "Joint statement (State)", "--quote", "x"), 1),
        (("actor", "Sabrina Singh", "--role", "Pentagon deputy press secretary"), 2),
        (("link", "3", "1", "--as", "contradicts", "--note", "Said the opposite."), 1),
        (("unlink", "3", "1"), 1),  # the history of both says so
        (("remove", "3", "--reason", "Duplicate."), 2),
        (("restore", "3"), 2),
        (("check",), None),  # the monitor flags what is due: their histories grow
    ]
    for number, (change, unchanged) in enumerate(changes):
        verdict = run("show", "1", "--json").json()["verdicts"]
        said = [part.format(verdict=verdict[0]["id"] if verdict else "") for part in change]
        done = run(*said)
        assert done.code == 0, (said, done.err)
        again = published(run, kept)
        fresh = tmp_path / f"fresh-{number}"
        published(run, fresh)
        assert tree(kept) == tree(fresh), said
        if unchanged is not None:
            assert again["reused"] == 3 * unchanged, said
    assert "Joint statement (State)" in (kept / "claims" / "1.html").read_text()


def test_a_new_configuration_or_all_renders_every_file_again(run, seeded, tmp_path):
    www = tmp_path / "www"
    published(run, www)
    config = tmp_path / "claimtrack.toml"
    config.write_text('[publishing]\nname = "Promise watch"\n')
    again = published(run, www, "--config", str(config))
    assert again["reused"] == 0
    assert "Promise watch" in (www / "claims" / "1.html").read_text()
    assert published(run, www, "--config", str(config))["reused"] == 9
    page = www / "claims" / "1.html"
    page.write_text("edited by hand")  # a kept file is not read back: --all puts it right
    assert published(run, www, "--config", str(config))["reused"] == 9
    assert page.read_text() == "edited by hand"
    again = published(run, www, "--config", str(config), "--all")
    assert (again["reused"], again["written"]) == (0, 1)
    assert "Promise watch" in page.read_text()


def test_several_workers_publish_the_same_site_byte_for_byte(run, seeded, tmp_path):
    """--workers N answers the addresses in N processes; the files, the summary and the
    manifest are the one process's, and a second run by workers rewrites nothing."""
    alone, together = tmp_path / "alone", tmp_path / "together"
    one = published(run, alone)
    two = published(run, together, "--workers", "2")
    assert {k: v for k, v in two.items() if k != "directory"} == {
        k: v for k, v in one.items() if k != "directory"
    }
    assert tree(together) == tree(alone)
    manifest = (together / publish.MANIFEST).read_bytes()
    assert manifest == (alone / publish.MANIFEST).read_bytes()
    again = published(run, together, "--workers", "2")
    assert (again["written"], again["removed"]) == (0, 0)


def test_each_claims_files_are_what_the_server_answers_for_it(run, seeded, database, tmp_path):
    """A publish reads each batch of addresses in one session, the batch's claims loaded
    together: every claim's page, JSON and history are still the served answers, byte for
    byte (the page with its links made relative, as every published page)."""
    from fastapi.testclient import TestClient

    from claimtrack.config import Config, Publishing
    from claimtrack.web.app import create_app
    from claimtrack.web.site import Site
    from tests.conftest import NOW

    out = tmp_path / "site"
    published(run, out, "--as-of", NOW.isoformat())
    config = Config(publishing=Publishing(claim_url=f"{BASE}claims/{{id}}.html"))
    site = Site(database, config, clock=lambda: NOW)
    site.languages = (site.language,)
    with TestClient(create_app(site, cache=False), base_url=BASE.rstrip("/")) as client:
        for claim in seeded:
            number = claim["id"]
            for address, name in (
                (f"/api/claims/{number}", f"api/claims/{number}.json"),
                (f"/api/claims/{number}/history", f"api/claims/{number}/history.json"),
            ):
                assert (out / name).read_bytes() == client.get(address).content, name
            served = client.get(f"/claims/{number}").content
            page, _ = static_copy.rewrite_page(
                served, f"/claims/{number}.html", f"claims/{number}.html", BASE
            )
            assert (out / f"claims/{number}.html").read_bytes() == page


def test_a_publish_asks_for_every_page_of_a_list_at_once_and_they_are_the_served_pages(
    run, seeded, database, tmp_path, monkeypatch
):
    """A list's first page names all its later pages to the publish, which asks for them
    together instead of one round of the crawl per page (one worker walking the longest
    list alone), and takes each page's link back from where the pages start instead of
    reading the claims before it. Every page is still the served page, byte for byte, and
    every page written is one the site links to."""
    from fastapi.testclient import TestClient

    from claimtrack.records import reading
    from claimtrack.web import paging
    from claimtrack.web.app import create_app
    from claimtrack.web.site import Site
    from tests.conftest import NOW

    monkeypatch.setattr(paging, "PAGE_SIZE", 1)
    # "city" (7 claims in 9) counts as common, so that a served page of its list walks the
    # deadline index (EXISTS) while the publish reads the whole list from the tag (IN).
    monkeypatch.setattr(reading, "DENSE", 1)
    for n in range(7):
        due = f"2025-{n % 3 + 1:02d}-1{n}"
        assert run("add", f"Promise {n}", "--by", "Mayor", "--due", due, "--tag", "city").code == 0
    read_back, rounds = [], []
    ids_before, crawl_rounds = reading.ids_before, publish._crawl

    def noted(*args, **kwargs):
        read_back.append(args)
        return ids_before(*args, **kwargs)

    def counted(answer, *args):
        def answering(addresses):
            rounds.append(len(addresses))
            return answer(addresses)

        return crawl_rounds(answering, *args)

    monkeypatch.setattr(reading, "ids_before", noted)
    monkeypatch.setattr(publish, "_crawl", counted)
    out = tmp_path / "site"
    published(run, out, "--as-of", NOW.isoformat())
    assert read_back == []
    # The list of every claim has 9 pages, a tag's 8: page by page, as many rounds and more.
    assert len(rounds) <= 6, rounds
    later_pages = sorted(p for p in out.rglob("*@*after=*.html"))
    assert len(later_pages) >= 20  # the lists of every claim, by status, by tag, by claimant
    site = Site(database, clock=lambda: NOW)
    site.languages = (site.language,)
    with TestClient(create_app(site, cache=False), base_url=BASE.rstrip("/")) as client:
        for file in later_pages:
            name = file.relative_to(out).as_posix()
            stem, _, query = name.removesuffix(".html").partition("@")
            path = "/" if stem == "index" else f"/{stem}"
            served = client.get(f"{path}?{query}")
            assert served.status_code == 200, name
            page, _ = static_copy.rewrite_page(served.content, f"{path}?{query}", name, BASE)
            assert file.read_bytes() == page, name
    assert read_back  # the server, answering a page on its own, reads where the one before starts
    with static_server(out) as root:
        linked = {unquote(urlsplit(address).path)[1:] for address in crawl(root)}
    assert {name for name in tree(out) if name.endswith(".html")} <= linked


def test_the_claims_of_a_batch_are_read_in_one_session_whose_thread_answers_them(
    run, seeded, tmp_path, monkeypatch
):
    """The answers run in FastAPI's threads; the batch's session reaches them, so each
    claim's page and JSON find the claim loaded, not one session (and a dozen queries)
    each."""
    from claimtrack.records import claims

    get_claim = claims.get_claim
    sessions: list[object] = []  # held, so that no two sessions share an id()

    def noting_the_session(session, claim_id, **kwargs):
        sessions.append(session)
        return get_claim(session, claim_id, **kwargs)

    monkeypatch.setattr(claims, "get_claim", noting_the_session)
    published(run, tmp_path / "site")
    assert len(sessions) >= 2 * len(seeded)  # each claim's page and JSON
    assert len({id(session) for session in sessions}) <= 3  # one a batch, not one an answer


@pytest.mark.postgres_only
def test_a_page_that_fails_on_the_database_leaves_the_rest_of_its_batch_published(
    run, seeded, tmp_path, monkeypatch
):
    """A batch of addresses is read in one transaction. On PostgreSQL a statement that
    fails aborts that transaction: the pages after it in the batch would fail too. The one
    page fails and is reported; the others are published."""
    from sqlalchemy import text

    from claimtrack.records import claims

    get_claim = claims.get_claim

    def failing_for_the_first(session, claim_id, **kwargs):
        if claim_id == seeded[0]["id"]:
            session.execute(text("SELECT * FROM no_such_table"))
        return get_claim(session, claim_id, **kwargs)

    monkeypatch.setattr(claims, "get_claim", failing_for_the_first)
    out = tmp_path / "site"
    result = run("publish", str(out), "--base-url", BASE)
    assert result.code == 1
    first = seeded[0]["id"]
    assert f"/claims/{first}" in result.err
    assert not (out / f"claims/{first}.html").exists()
    for claim in seeded[1:]:
        assert (out / f"claims/{claim['id']}.html").is_file()
        assert (out / f"api/claims/{claim['id']}.json").is_file()


def test_a_broken_link_is_named_with_its_page_by_workers_too(run, seeded, tmp_path, monkeypatch):
    """A link to an address that answers an error is reported, the page naming it, and
    the command fails, however many processes answered."""
    for workers in ("1", "2"):
        monkeypatch.setattr(publish, "SEEDS", (*publish.SEEDS, "/claims/999"))
        result = run("publish", str(tmp_path / workers), "--base-url", BASE, "--workers", workers)
        assert result.code == 1
        assert "/claims/999 answered 404" in result.err


def test_a_long_run_says_how_far_it_has_got_when_asked(run, seeded, tmp_path, monkeypatch):
    """A first publish at a million claims takes an hour: with --progress (by default on a
    terminal) it says on stderr how many files it has made so far, every few seconds."""
    from claimtrack.cli import serving

    monkeypatch.setattr(publish, "PROGRESS_EVERY", 5)
    monkeypatch.setattr(serving, "PROGRESS_SECONDS", 0.0)
    shown = run("publish", str(tmp_path / "site"), "--base-url", BASE, "--progress")
    assert shown.code == 0, shown.err
    lines = re.findall(r"^claimtrack: ([\d,]+) files so far \(([\d,]+) written", shown.err, re.M)
    counts = [
        (int(made.replace(",", "")), int(written.replace(",", ""))) for made, written in lines
    ]
    files = int(re.search(r"([\d,]+) files", shown.out)[1].replace(",", ""))
    # A first run writes every file it makes, and each line says so: a line counted a file
    # before its writing, "999 written" of 1,000 made, which read as a file left unwritten.
    assert counts == [(n, n) for n in range(5, files + 1, 5)]
    assert len(counts) >= 5
    again = run("publish", str(tmp_path / "site"), "--base-url", BASE, "--progress")
    assert "of unchanged claims kept unrendered)" in again.err.splitlines()[-1]
    for quiet in ((), ("--no-progress",)):  # not a terminal here, and asked not to
        result = run("publish", str(tmp_path / "site"), "--base-url", BASE, *quiet)
        assert result.code == 0
        assert "so far" not in result.err


def test_a_manifest_that_is_not_one_is_taken_as_none(run, seeded, tmp_path):
    """A run goes by the last run's manifest to remove the files it no longer makes; one
    edited or planted by hand neither stops the run nor reaches outside the folder."""
    www, outside = tmp_path / "www", tmp_path / "keep-me.txt"
    outside.write_text("not the site's")
    published(run, www)
    for planted in ('{"files": 3}', "[1, 2]", '{"files": ["../keep-me.txt", "/etc/hostname"]}'):
        (www / publish.MANIFEST).write_text(planted)
        again = published(run, www)
        assert (again["written"], again["removed"]) == (0, 0), planted
        assert outside.read_text() == "not the site's"
    assert (www / "claims" / "1.html").exists()


def test_a_removed_claim_loses_its_files(run, seeded, tmp_path):
    www = tmp_path / "www"
    published(run, www)
    assert (www / "claims" / "2.html").exists()
    assert run("remove", "2", "--reason", "Duplicate.").code == 0
    after = published(run, www)
    assert after["removed"] >= 1
    assert not (www / "claims" / "2.html").exists()


def test_a_file_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    (tmp_path / "claims").mkdir()
    page = tmp_path / "claims" / "1.html"
    page.write_bytes(b"old page")
    seen: list[tuple[bytes, bytes]] = []
    real_replace = publish.os.replace

    def replace(source: str, target: Path) -> None:
        seen.append((Path(target).read_bytes(), Path(source).read_bytes()))
        real_replace(source, target)

    monkeypatch.setattr(publish.os, "replace", replace)
    assert publish._write(tmp_path, "claims/1.html", b"new page, complete")
    assert seen == [(b"old page", b"new page, complete")]  # the old one until the rename
    assert page.read_bytes() == b"new page, complete"

    def fails(source: str, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publish.os, "replace", fails)
    with pytest.raises(OSError, match="disk full"):
        publish._write(tmp_path, "claims/1.html", b"a newer page")
    assert page.read_bytes() == b"new page, complete"
    assert [p.name for p in page.parent.iterdir()] == ["1.html"]  # no temporary left


def test_publish_needs_the_sites_address(run, seeded, tmp_path):
    result = run("publish", str(tmp_path / "www"))
    assert_refused(result, "--base-url")
    assert not (tmp_path / "www").exists()
    result = run("publish", str(tmp_path / "www"), "--base-url", "ftp://x")
    assert_refused(result, "is not a site address")


def test_file_names_keep_what_a_web_server_looks_for():
    assert static_copy.file_for("/") == "index.html"
    assert static_copy.file_for("/", "status=due") == "index@status=due.html"
    assert (
        static_copy.file_for("/claimants/Government%20of%20Iraq")
        == "claimants/Government of Iraq.html"
    )
    assert static_copy.file_for("/claimants/US%2FIraq") == "claimants/US%2FIraq.html"
    assert static_copy.file_for("/api/claims/1/history") == "api/claims/1/history.json"
    assert static_copy.file_for("/tags/iraq/feed.atom") == "tags/iraq/feed.atom"
    assert static_copy.href_for("claimants/Government of Iraq.html", "claims/1.html") == (
        "../claimants/Government%20of%20Iraq.html"
    )
    assert static_copy.href_for("claimants/US%2FIraq.html", "index.html") == (
        "claimants/US%252FIraq.html"
    )


def test_the_monitor_publishes_after_a_pass_that_changed_something(run, seeded, tmp_path):
    www = tmp_path / "www"
    config = tmp_path / "claimtrack.toml"
    config.write_text(
        f'reminders = []\ndigest = ""\n[publishing]\nurl = "{BASE}"\nstatic_dir = "{www}"\n'
        '[[channels]]\ntype = "file"\npath = "' + str(tmp_path / "alerts.log") + '"\n'
    )
    assert run("check", "--config", str(config)).code == 0
    index = www / "index.html"
    assert index.exists()
    stamp = json.loads((www / publish.MANIFEST).read_text())
    second = run("check", "--config", str(config))
    assert second.code == 0  # nothing changed: not rewritten
    assert json.loads((www / publish.MANIFEST).read_text()) == stamp
    verdict = ("verdict", "2", "kept", "--note", "Still in Syria.", "--checked-on", "2026-10-01")
    assert run(*verdict).code == 0
    assert run("check", "--config", str(config)).code == 0
    assert "Still in Syria." in (www / "claims" / "2.html").read_text()


def test_a_folder_that_cannot_be_made_is_one_line_and_writes_nothing(run, seeded, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run("publish", str(tmp_path / "a-file" / "www"), "--base-url", BASE)
    assert_refused(result, "DIRECTORY: cannot write")
    assert "give a folder you can write" in result.err
    assert (tmp_path / "a-file").read_text() == "not a folder"
