"""Atom feeds of what changes on the record, read back with feedparser as readers do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from tests.conftest import assert_refused

SEED = Path(__file__).resolve().parents[1] / "db" / "examples" / "iraq-2024.json"
# The CLI stamps its changes with the wall clock: read the feeds a day after it.
LATER = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()


@pytest.fixture
def story(run):
    assert run("import", str(SEED)).code == 0
    run("verdict", "1", "kept", "--note", "The mission ended", "--checked-on", "2025-10-15")
    run("revise", "3", "--due", "au moins jusqu'en mars 2027", "--stated", "2026-10-15")
    run("retract", "1", "2", "--reason", "Recorded on the wrong claim")
    run(
        "add",
        "Texte avec \x1b[31m un code",
        "--by",
        "Government of Iraq",
        "--lang",
        "fr",
        "--tag",
        "iraq",
    )
    return run


def read(client, path: str) -> feedparser.FeedParserDict:
    answer = client.get(path, params={"as_of": LATER})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(answer.text)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def test_the_record_feed_has_each_kind_of_change_newest_first(story, client):
    parsed = read(client, "/feed.atom")
    titles = [e.title for e in parsed.entries]
    assert any(t.startswith("New claim #") for t in titles)
    assert "Verdict on #1: kept" in titles
    assert "Verdict retracted on #1" in titles
    assert "Deadline moved: #8 supersedes #3" in titles
    assert any(t.startswith("Deadline passed: #3") for t in titles)
    moments = [e.updated_parsed for e in parsed.entries]
    assert moments == sorted(moments, reverse=True)
    assert all(e.link.startswith("http://testserver/claims/") for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    control = next(e for e in parsed.entries if "code" in e.title)
    assert "\ufffd[31m" in control.title  # a control character XML cannot carry


def test_the_feeds_of_a_claimant_and_a_tag_hold_only_theirs(story, client):
    singh = read(client, "/claimants/Sabrina%20Singh/feed.atom")
    assert {e.link for e in singh.entries} <= {"http://testserver/claims/5"}
    tagged = read(client, "/tags/syria/feed.atom")
    assert {e.link.rsplit("/", 1)[1] for e in tagged.entries} <= {"3", "8"}
    assert client.get("/tags/nothing/feed.atom").status_code == 404
    assert client.get("/claimants/Nobody/feed.atom").status_code == 404


def test_pages_point_feed_readers_to_their_feed(story, client):
    home = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml"' in home
    page = client.get("/claimants/Government%20of%20Iraq").text
    assert 'href="/claimants/Government%20of%20Iraq/feed.atom"' in page


def test_export_writes_the_same_feed_and_needs_the_public_address(story, tmp_path):
    assert_refused(story("export", "--format", "atom"), "[publishing] url: is not set")
    config = tmp_path / "config.toml"
    config.write_text(
        '[publishing]\nname = "Desk"\nurl = "https://factcheck.example"\n'
        'claim_url = "https://factcheck.example/claims/{id}"\n'
    )
    out = tmp_path / "feed.atom"
    done = story(
        "export",
        "--format",
        "atom",
        "--config",
        str(config),
        "--output",
        str(out),
        "--as-of",
        LATER,
    )
    assert done.code == 0, done.err
    parsed = feedparser.parse(out.read_text())
    assert not parsed.bozo
    assert parsed.feed.title == "Desk: changes on the record"
    assert any(e.link == "https://factcheck.example/claims/1" for e in parsed.entries)


def test_a_feed_cut_at_its_limit_keeps_the_newest_changes_of_every_kind(story, database):
    """Each kind of change is read newest first on its own and the kinds merged: cut at a
    limit, a feed keeps the newest changes whatever their kind, as the whole feed lists
    them."""
    from claimtrack.records import changes
    from claimtrack.records.moments import AsOf

    # Links that move no deadline are in the history but not in a feed: newer than the
    # moved deadline, they fill a first read of the links that the feed must read past.
    for other in ("4", "5", "6"):
        assert story("link", "1", other, "--as", "contradicts").code == 0
    as_of = AsOf(datetime.fromisoformat(LATER).replace(tzinfo=UTC) + timedelta(days=1))
    with database.read() as session:
        whole = [(c.kind, c.key) for c in changes.changes(session, as_of, limit=100)]
        assert {"created", "verdict", "retracted", "moved"} <= {kind for kind, _ in whole}
        assert ("moved", "11") in whole[:4]
        for limit in (1, 3, 4, 5):
            cut = [(c.kind, c.key) for c in changes.changes(session, as_of, limit=limit)]
            assert cut == whole[:limit], limit
        tagged = [(c.kind, c.key) for c in changes.changes(session, as_of, tag="iraq")]
        assert tagged
        assert [(c.kind, c.key) for c in changes.changes(session, as_of, tag="iraq", limit=2)] == (
            tagged[:2]
        )
