"""`claimtrack extract`: from an article (a file, or a page served on 127.0.0.1) to the
commitments it holds, reviewed, then recorded with their source and quote."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from claimtrack.deadlines.finder import find_deadlines
from tests.conftest import assert_refused, dump

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "db" / "examples" / "iraq-2024-article.fr.txt"
EVAL = ROOT / "bench" / "extract_eval"
PAGE = (EVAL / "04_city_pledge.en.html").read_bytes()


class Pages(BaseHTTPRequestHandler):
    """Fixture answers: an article, an image, a huge page, an error."""

    def do_GET(self) -> None:
        if self.path == "/article":
            self._answer(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/image":
            self._answer(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
        elif self.path == "/huge":
            self._answer(200, "text/html", b"<html><body><p>" + b"a " * 3_000_000 + b"</p>")
        else:
            self._answer(404, "text/plain", b"not here")

    def _answer(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # The client stops reading at its size cap: that is the point of /huge.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up is not the command's output (it would land on stderr)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_finder_gives_each_deadline_span_with_its_exact_offsets():
    sentence = "La mission de la coalition se terminera au plus tard en septembre 2025."
    (span,) = find_deadlines(sentence)
    assert sentence[span.start : span.end] == "au plus tard en septembre 2025"
    assert span.reading is not None
    assert (span.reading.kind, span.reading.date.isoformat()) == ("by", "2025-09-30")


def test_a_relative_span_without_a_stated_date_says_so_instead_of_guessing():
    (span,) = find_deadlines("Elle aura lieu au cours des douze prochains mois.")
    assert span.reading is None
    assert "--stated" in (span.problem or "")


def test_the_founding_article_gives_its_commitments_and_no_past_fact(run):
    found = run("extract", str(SEED), "--stated", "2024-09-27", "--json")
    assert found.code == 0, found.err
    candidates = found.json()["candidates"]
    deadlines = [(c["deadline"]["text"], c["deadline"]["date"]) for c in candidates]
    assert ("au plus tard en septembre 2025", "2025-09-30") in deadlines
    assert ("au moins jusqu’en septembre 2026", "2026-09-30") in deadlines
    assert ("au cours des douze prochains mois", "2025-09-27") in deadlines
    assert not [d for d in deadlines if d[1] < "2024-09-27"]  # 2003, 2014, 2021: past facts
    text = SEED.read_text(encoding="utf-8")
    for c in candidates:
        assert text[c["start"] : c["end"]] == c["sentence"]
        assert c["sentence"][c["deadline_start"] : c["deadline_end"]] == c["deadline"]["text"]
        assert c["kind"] == "commitment"


def test_a_page_served_locally_gives_its_metadata_and_candidates(run, server):
    found = run("extract", f"{server}/article", "--json")
    assert found.code == 0, found.err
    data = found.json()
    assert data["source"]["title"] == "Mayor pledges 1,000 new homes by 2027"
    assert data["source"]["publisher"] == "Riverside Gazette"
    assert data["source"]["published_on"] == "2025-03-14"
    assert data["stated_on"] == "2025-03-14"  # relative phrases count from the page's date
    texts = [c["deadline"]["text"] for c in data["candidates"]]
    assert texts == ["by the end of 2027", "before the summer", "by September 2026"]
    assert data["candidates"][0]["claimants"] == ["Ana Lopez"]


def test_add_records_every_candidate_with_the_page_as_source_and_skips_them_next_time(run, server):
    added = run("extract", f"{server}/article", "--add", "--by", "City of Riverside")
    assert added.code == 0, added.err
    assert "added claim #1 from candidate 1" in added.out
    shown = run("show", "1", "--json").json()
    assert shown["text"].startswith("The mayor of Riverside, Ana Lopez, pledged")
    assert shown["claimants"] == ["Ana Lopez"]
    assert shown["stated_on"] == "2025-03-14"
    assert shown["sources"][0]["url"] == f"{server}/article"
    assert shown["sources"][0]["quote"] == shown["text"]
    assert shown["deadline"]["date"] == "2027-12-31"
    again = run("extract", f"{server}/article", "--add", "--by", "City of Riverside")
    assert "skipped candidate 1: claim #1 records it already" in again.out
    assert run("list", "--json").json().__len__() == 3


def test_pick_records_only_the_chosen_candidates(run):
    picked = run("extract", str(SEED), "--stated", "2024-09-27", "--pick", "3", "--by", "USA")
    assert picked.code == 0, picked.err
    claims = run("list", "--json").json()
    assert [c["deadline"]["text"] for c in claims] == ["au plus tard en septembre 2025"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--pick", "9"], "--pick: no candidate 9"),
        (["--pick", "one"], "--pick: 'one' is not a list of numbers"),
        (["--add", "--pick", "1"], "not both"),
        (["--add"], "names no claimant; give who made it with --by"),
    ],
)
def test_a_bad_pick_writes_nothing(run, db, args, says):
    run("init")
    before = dump(db)
    assert_refused(run("extract", str(SEED), "--stated", "2024-09-27", *args), says)
    assert dump(db) == before


def test_a_relative_candidate_without_a_date_is_not_recorded(run, tmp_path):
    text = tmp_path / "undated.txt"
    text.write_text("The minister said the plan will be published within six months.\n")
    found = run("extract", str(text), "--json").json()
    assert found["candidates"][0]["deadline"]["problem"].count("--stated") == 1
    assert_refused(run("extract", str(text), "--add", "--by", "Minister"), "--stated")


def test_bad_sources_get_one_line_and_write_nothing(run, db, server, tmp_path):
    run("init")
    before = dump(db)
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    german = tmp_path / "de.txt"
    german.write_text(
        "Die Regierung wird das Gesetz bis Ende 2026 verabschieden, sagte der Minister."
    )
    for args, says in [
        ([str(binary)], "binary file"),
        ([str(empty)], "the text is empty"),
        ([str(german)], "neither English nor French"),
        ([str(tmp_path / "missing.txt")], "cannot read"),
        ([f"{server}/image"], "answered image/png, not a web page"),
        ([f"{server}/huge"], "is over 5,000,000 bytes"),
        (["ftp://example.org/a"], "not an http(s) address"),
    ]:
        assert_refused(run("extract", *args), says)
    for url in (f"{server}/missing", "http://127.0.0.1:9/"):
        result = run("extract", url)
        assert result.code == 3, result.err
        assert result.err.count("\n") == 1
    assert dump(db) == before
