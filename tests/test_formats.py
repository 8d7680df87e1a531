"""The exports people open elsewhere: CSV in a spreadsheet, ClaimReview for search engines,
iCalendar in a calendar. Each is parsed back with the library its readers use."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from claimtrack.formats.examples import seed_path
from claimtrack.formats.spreadsheet import COLUMNS
from tests.conftest import assert_refused, dump, new_database

AS_OF = "2026-11-24"
TRICKY = 'Il a dit : « on part », puis "non",\nsur deux lignes; 🙂'


@pytest.fixture
def seed(run) -> None:
    assert run("import", str(seed_path())).code == 0


@pytest.fixture
def publishing(tmp_path: Path) -> Path:
    path = tmp_path / "publishing.toml"
    path.write_text(
        "[publishing]\n"
        'name = "Le Desk"\n'
        'url = "https://desk.example"\n'
        'claim_url = "https://desk.example/claims/{id}"\n',
        encoding="utf-8",
    )
    return path


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_has_one_row_per_claim_with_the_documented_columns(run, seed):
    result = run("export", "--format", "csv", "--as-of", AS_OF)
    assert result.code == 0, result.err
    table = rows(result.out)
    assert len(table) == 7
    assert tuple(table[0]) == COLUMNS
    iraq = table[0]
    assert iraq["claimants"] == "Government of the United States; Government of Iraq"
    assert iraq["deadline"] == "au plus tard en septembre 2025"
    assert iraq["deadline_date"] == "2025-09-30"
    assert iraq["status"] == "due"
    wmd = next(row for row in table if row["verdict"])
    assert (wmd["verdict"], wmd["status"]) == ("false", "false")


def test_quotes_commas_and_line_breaks_survive_a_spreadsheet_round_trip(run, backend, tmp_path):
    added = run(
        "add",
        TRICKY,
        "--by",
        "Ministre",
        "--source",
        "https://example.org/a",
        "--quote",
        TRICKY,
        "--due",
        "fin 2027",
        "--json",
    )
    assert added.code == 0, added.err
    first = run("export", "--format", "csv", "--as-of", AS_OF).out
    assert rows(first)[0]["text"] == TRICKY
    assert rows(first)[0]["quote"] == TRICKY
    with new_database(backend, tmp_path / "sheet.db") as other:
        path = tmp_path / "claims.csv"
        path.write_text(first, encoding="utf-8", newline="")
        assert run("import", str(path), "--db", other).code == 0
        again = run("import", str(path), "--db", other)
        assert "0 added, 0 updated, 1 unchanged" in again.out
        assert run("export", "--format", "csv", "--as-of", AS_OF, "--db", other).out == first


def test_a_csv_made_in_a_spreadsheet_imports_with_only_the_columns_it_has(run, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text(
        "text,claimants,language,stated_on,deadline,tags\r\n"
        "Nous quitterons la base d’ici douze mois.,Ministre; Gouvernement,fr,2024-09-27,"
        "au cours des douze prochains mois,iraq; base\r\n",
        encoding="utf-8",
    )
    result = run("import", str(path))
    assert result.code == 0, result.err
    shown = run("show", "1", "--json", "--as-of", AS_OF).json()
    assert shown["claimants"] == ["Ministre", "Gouvernement"]
    assert shown["deadline"]["date"] == "2025-09-27"
    assert shown["status"] == "due"
    assert shown["tags"] == ["base", "iraq"]


def test_a_csv_separated_by_semicolons_as_a_french_spreadsheet_saves_it_is_read(run, db, tmp_path):
    path = tmp_path / "tableur.csv"
    path.write_text(
        "text;claimants;stated_on;deadline\r\n"
        '"Nous partirons; dit-il, en 2025.";Ministre;2024-09-27;fin 2025\r\n',
        encoding="utf-8",
    )
    result = run("import", str(path))
    assert result.code == 0, result.err
    shown = run("show", "1", "--json").json()
    assert shown["text"] == "Nous partirons; dit-il, en 2025."
    assert shown["deadline"]["date"] == "2025-12-31"


def test_a_cell_longer_than_the_csv_modules_limit_round_trips(run, db, tmp_path):
    context = "Contexte. " * 20_000  # 200,000 characters; the csv module stops at 131,072
    path = tmp_path / "long.csv"
    path.write_text(f'text,claimants,context\r\nx,A,"{context}"\r\n', encoding="utf-8")
    assert run("import", str(path)).code == 0
    exported = run("export", "--format", "csv").out
    (tmp_path / "again.csv").write_text(exported, encoding="utf-8")
    result = run("import", str(tmp_path / "again.csv"))
    assert result.code == 0, result.err
    assert run("show", "1", "--json").json()["context"] == context.strip()


def test_export_for_excel_starts_with_a_byte_order_mark_and_imports_back(run, seed, tmp_path):
    path = tmp_path / "excel.csv"
    assert run("export", "--format", "csv", "--excel", "-o", str(path)).code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,uuid,text,")
    assert raw.decode("utf-8-sig") == run("export", "--format", "csv").out
    result = run("import", str(path))
    assert result.code == 0, result.err
    assert "0 added" in result.out  # the same claims, by uuid


def test_excel_applies_to_csv_only(run, seed):
    assert_refused(run("export", "--format", "json", "--excel"), "--excel: applies to --format csv")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text,speaker\r\nx,A\r\n", "unknown column 'speaker'; the columns are id, uuid, text"),
        ("text\r\nx\r\n", "no 'claimants' column"),
        ("text,claimants,stated_on\r\nx,A,2024-09-27\r\ny,B,hier\r\n", "line 3 (uuid "),
        ("text,claimants\r\nx,A,extra\r\n", "line 2: more cells than the 2 columns"),
        ("text,claimants,quote\r\nx,A,Oui.\r\n", "a quote needs the source_url"),
        ("text,claimants,text\r\nx,A,y\r\n", "line 1: column 'text' is given twice; keep one"),
        ("text\tclaimants\r\nx\tA\r\n", "separate the columns with commas (,) or semicolons"),
        ("", "is empty; give a header line"),
        # a record spanning lines is named by the line it starts on, as an editor shows it
        ('text,claimants,stated_on\r\nx,A,2024-09-27\r\n"y\r\nz",B,hier\r\n', "line 3 (uuid "),
        ('text,claimants,stated_on\r\n"x\r\n\r\nx",A,2024-09-27\r\n\r\ny,B,hier\r\n', "line 6 "),
    ],
)
def test_a_malformed_csv_is_refused_naming_the_line_and_writes_nothing(
    run, seed, db, tmp_path, content, message
):
    path = tmp_path / "claims.csv"
    path.write_text(content, encoding="utf-8")
    before = dump(db)
    assert_refused(run("import", str(path)), message)
    assert dump(db) == before


# --- ClaimReview --------------------------------------------------------------------------------


def test_claimreview_has_one_review_per_final_verdict_with_what_google_reads(run, seed, publishing):
    result = run("export", "--format", "claimreview", "--config", str(publishing))
    assert result.code == 0, result.err
    reviews = json.loads(result.out)
    assert len(reviews) == 1  # only the 2003 WMD claim has a final verdict
    review = reviews[0]
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == "https://desk.example/claims/7"
    assert "weapons of mass destruction" in review["claimReviewed"]
    assert review["author"] == {
        "@type": "Organization",
        "name": "Le Desk",
        "url": "https://desk.example",
    }
    assert review["datePublished"] == "2024-09-27"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "name": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
        "ratingExplanation": review["reviewRating"]["ratingExplanation"],
    }
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == [{"@type": "Organization", "name": "Government of the United States"}]
    assert claim["datePublished"] == "2003-03-20"
    assert claim["firstAppearance"] in claim["appearance"]
    assert claim["firstAppearance"]["@type"] == "CreativeWork"
    assert "url" not in claim["firstAppearance"]  # the seed's article is known by its title


@pytest.mark.parametrize(
    ("verdict", "value"),
    [("kept", 5), ("partial", 3), ("broken", 1), ("unverifiable", None), ("withdrawn", None)],
)
def test_each_verdict_has_its_place_on_one_rating_scale(run, seed, publishing, verdict, value):
    run("verdict", "1", verdict, "--note", "Checked.", "--checked-on", "2025-10-15")
    reviews = json.loads(run("export", "--format", "claimreview", "--config", str(publishing)).out)
    rating = next(r for r in reviews if r["url"].endswith("/1"))["reviewRating"]
    assert rating.get("ratingValue") == value
    if value is None:  # off the scale: the words alone, no scale to misread
        assert "bestRating" not in rating
        assert "worstRating" not in rating
    else:
        assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
    assert rating["name"] == rating["alternateName"]


def test_a_source_quoted_twice_appears_once_with_its_address(run, publishing):
    run(
        "add",
        "We will do it by 2025.",
        "--by",
        "Minister",
        "--due",
        "2025-06-30",
        "--source",
        "https://news.example/a",
        "--quote",
        "We will do it",
    )
    run("source", "1", "https://news.example/a", "--quote", "by 2025")
    run("source", "1", "https://news.example/b", "--archive-url", "https://archive.example/b")
    run("verdict", "1", "broken", "--note", "Not done.", "--checked-on", "2025-07-01")
    reviews = json.loads(run("export", "--format", "claimreview", "--config", str(publishing)).out)
    claim = reviews[0]["itemReviewed"]
    urls = [(work["url"], work.get("archivedAt")) for work in claim["appearance"]]
    assert urls == [
        ("https://news.example/a", None),
        ("https://news.example/b", "https://archive.example/b"),
    ]
    assert [work["@type"] for work in claim["appearance"]] == ["CreativeWork", "CreativeWork"]


def test_a_new_final_verdict_adds_its_review_and_an_interim_one_does_not(run, seed, publishing):
    run("verdict", "1", "broken", "--note", "Troops still there.", "--checked-on", "2025-10-15")
    run("verdict", "3", "in_progress", "--note", "Still in Syria.", "--checked-on", "2026-10-01")
    reviews = json.loads(run("export", "--format", "claimreview", "--config", str(publishing)).out)
    assert [r["url"] for r in reviews] == [
        "https://desk.example/claims/1",
        "https://desk.example/claims/7",
    ]
    assert reviews[0]["reviewRating"]["alternateName"] == "Broken"
    assert reviews[0]["datePublished"] == "2025-10-15"


def test_claimreview_without_the_publisher_in_the_configuration_is_refused(run, seed):
    assert_refused(run("export", "--format", "claimreview"), "[publishing] name: is not set")


# --- iCalendar ----------------------------------------------------------------------------------


def test_ics_has_one_all_day_event_per_deadline_that_a_calendar_reads(run, seed, publishing):
    result = run("export", "--format", "ics", "--as-of", AS_OF, "--config", str(publishing))
    assert result.code == 0, result.err
    calendar = Calendar.from_ical(result.out)
    events = calendar.walk("VEVENT")
    assert len(events) == 3  # the claims with a deadline
    iraq = next(e for e in events if "mission in Iraq" in str(e["SUMMARY"]))
    start = iraq.decoded("DTSTART")
    assert not isinstance(start, datetime)  # a date alone: an all-day event
    assert start == date(2025, 9, 30)
    assert iraq.decoded("DTEND") == date(2025, 10, 1)
    assert str(iraq["SUMMARY"]).endswith("(due)")
    description = str(iraq["DESCRIPTION"])
    assert "Claimants: Government of the United States, Government of Iraq" in description
    assert "Deadline: au plus tard en septembre 2025 (by 2025-09-30)" in description
    assert "Status as of 2026-11-24: due" in description
    assert str(iraq["URL"]) == "https://desk.example/claims/1"
    syria = next(e for e in events if "Syria" in str(e["SUMMARY"]))
    assert syria.decoded("DTSTART") == date(2026, 9, 30)


def test_ics_events_keep_their_uid_so_a_subscribed_calendar_updates_them(run, seed):
    before = Calendar.from_ical(run("export", "--format", "ics", "--as-of", "2025-06-01").out)
    run("verdict", "1", "broken", "--note", "Troops still there.", "--checked-on", "2025-10-15")
    after = Calendar.from_ical(run("export", "--format", "ics", "--as-of", AS_OF).out)
    uids = {str(e["UID"]): str(e["SUMMARY"]) for e in before.walk("VEVENT")}
    later = {str(e["UID"]): str(e["SUMMARY"]) for e in after.walk("VEVENT")}
    assert uids.keys() == later.keys()
    iraq = next(uid for uid, summary in later.items() if "mission in Iraq" in summary)
    assert uids[iraq].endswith("(pending)")
    assert later[iraq].endswith("(broken)")


def test_ics_text_is_escaped_so_a_second_parser_reads_every_value_whole(run, tmp_path):
    """RFC 5545 §3.3.11: `,` `;` `\\` and line breaks in TEXT are escaped, X-WR-CALNAME
    included; vobject, a parser independent of the icalendar library that writes the file,
    must read back exactly what was written."""
    import vobject

    name = "Le Desk; Paris, Lyon\\Sud\nsecond line"
    config = tmp_path / "publishing.toml"
    config.write_text(f"[publishing]\nname = {json.dumps(name)}\n", encoding="utf-8")
    added = run("add", TRICKY, "--by", "Ministre; Porte-parole", "--due", "fin 2027")
    assert added.code == 0, added.err
    before = datetime.now(UTC).replace(microsecond=0)
    result = run("export", "--format", "ics", "--as-of", "2025-01-01", "--config", str(config))
    after = datetime.now(UTC)
    assert result.code == 0, result.err
    # On the wire, escaped as RFC 5545 TEXT; icalendar leaves an X- property untyped, so
    # its value is checked as written, and read back whole by vobject.
    unfolded = result.out.replace("\r\n ", "")
    assert "X-WR-CALNAME:Deadlines — Le Desk\\; Paris\\, Lyon\\\\Sud\\nsecond line\r\n" in unfolded
    assert vobject.readOne(result.out).contents["x-wr-calname"][0].value == f"Deadlines — {name}"
    ours = Calendar.from_ical(result.out).walk("VEVENT")[0]
    theirs = vobject.readOne(result.out).vevent
    for summary, description, stamp in (
        (str(ours["SUMMARY"]), str(ours["DESCRIPTION"]), ours.decoded("DTSTAMP")),
        (theirs.summary.value, theirs.description.value, theirs.dtstamp.value),
    ):
        assert summary.startswith(" ".join(TRICKY.split()) + " (")
        assert description.startswith(TRICKY + "\n")
        assert "Claimants: Ministre; Porte-parole\n" in description
        # DTSTAMP is when the calendar was written, not the day its statuses are judged at.
        assert before <= stamp <= after


def test_a_line_break_in_the_calendars_name_is_served_not_a_500(database):
    from fastapi.testclient import TestClient

    from claimtrack.config import Config, Publishing
    from claimtrack.web.app import create_app
    from claimtrack.web.site import Site
    from tests.conftest import NOW

    site = Site(database, clock=lambda: NOW)
    site = replace(site, config=Config(publishing=Publishing(name="Desk\r\nX-EVIL:1")))
    with TestClient(create_app(site)) as client:
        feed = client.get("/deadlines.ics")
    assert feed.status_code == 200
    assert "\nX-EVIL" not in feed.text  # the name cannot start a property of its own
    assert "X-WR-CALNAME:Deadlines — Desk\\nX-EVIL:1\r\n" in feed.text  # a line end, escaped


# --- CSV formula injection (OWASP CSV injection, CWE-1236) ---------------------------------------

FORMULA = '=HYPERLINK("https://evil.example","click")'


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab |"), max_size=8))
def test_a_neutralised_cell_is_restored_exactly(value):
    from claimtrack.formats.spreadsheet import neutralised, restored

    cell = neutralised(value)
    assert restored(cell) == value
    assert not cell or cell[0] not in "=+-@\t\r"  # nothing a spreadsheet would evaluate


def test_csv_cells_that_a_spreadsheet_would_evaluate_are_neutralised_and_read_back(
    run, db, tmp_path
):
    added = run(
        "add", FORMULA, "--by", "@attacker", "--by", "Desk", "--criteria", "+1", "--tag", "-x"
    )
    assert added.code == 0, added.err
    exported = run("export", "--format", "csv")
    assert exported.code == 0, exported.err
    (row,) = rows(exported.out)
    assert row["text"] == "'" + FORMULA
    assert row["claimants"] == "'@attacker; Desk"
    assert row["criteria"] == "'+1"
    assert row["tags"] == "'-x"
    assert run("export").json()["claims"][0]["text"] == FORMULA  # JSON keeps the exact text
    path = tmp_path / "claims.csv"
    path.write_text(exported.out, encoding="utf-8")
    copy = str(tmp_path / "copy.db")
    assert run("import", str(path), "--db", copy).code == 0
    shown = run("show", "1", "--json", "--db", copy).json()
    assert (shown["text"], shown["claimants"], shown["criteria"], shown["tags"]) == (
        FORMULA,
        ["@attacker", "Desk"],
        "+1",
        ["-x"],
    )
