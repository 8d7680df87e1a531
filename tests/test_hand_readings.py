"""A deadline the reader must refuse is recorded as said, with a reading given by hand; and
phrases read to a claimant's term of office. Every write path: CLI, API, CSV, JSON."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import TOKEN, assert_refused, dump

QUINQUENNAT = "avant la fin du quinquennat"
MACRON = "Emmanuel Macron"


def add(run, *extra: str):
    return run("add", "La réforme sera votée", "--by", MACRON, "--lang", "fr", *extra, "--json")


def test_a_phrase_the_reader_refuses_is_kept_as_said_with_the_hands_reading(run):
    refused = add(run, "--stated", "2024-09-27", "--due", QUINQUENNAT)
    assert_refused(refused, "--term-end")  # the reader alone cannot read it
    added = add(run, "--stated", "2024-09-27", "--due", QUINQUENNAT, "--due-date", "2027-05-13")
    assert added.code == 0, added.err
    assert added.json()["deadline"] == {
        "text": QUINQUENNAT,
        "kind": "by",
        "date": "2027-05-13",
        "precision": "day",
        "due_at": "2027-05-14T00:00:00+00:00",
        "read_by": "hand",
    }
    assert added.err == ""  # the reader had nothing to say against it
    shown = run("show", "1")
    assert "by 2027-05-13 (day) — “avant la fin du quinquennat”, read by hand" in shown.out


def test_the_hands_kind_and_precision_are_kept(run):
    added = add(
        run,
        "--due",
        "early 2026",
        "--due-date",
        "2026-03-31",
        "--due-kind",
        "on",
        "--due-precision",
        "quarter",
    )
    assert added.code == 0, added.err
    deadline = added.json()["deadline"]
    assert (deadline["kind"], deadline["date"], deadline["precision"]) == (
        "on",
        "2026-03-31",
        "quarter",
    )


def test_when_the_reader_disagrees_it_says_so_on_stderr_and_the_hands_date_stays(run):
    added = add(run, "--due", "by September 2025", "--due-date", "2025-09-15")
    assert added.code == 0
    assert added.err.count("\n") == 1
    assert "the reader reads 'by September 2025' as by 2025-09-30 (month)" in added.err
    assert added.json()["deadline"]["date"] == "2025-09-15"
    assert added.json()["deadline"]["read_by"] == "hand"


def test_a_hands_reading_keeps_every_rule_of_a_deadline(run, db):
    run("init")
    before = dump(db)
    too_early = add(run, "--stated", "2024-09-27", "--due", QUINQUENNAT, "--due-date", "2024-01-01")
    assert_refused(too_early, "before the commitment was stated on 2024-09-27")
    assert_refused(add(run, "--due", QUINQUENNAT, "--due-date", "13/05/2027"), "--due-date")
    assert_refused(
        add(run, "--due", QUINQUENNAT, "--due-date", "2027-05-13", "--due-kind", "soon"),
        "'soon' is not one of by, until, on, from",
    )
    assert_refused(add(run, "--due-date", "2027-05-13"), "needs the phrase as said")
    assert_refused(add(run, "--due", QUINQUENNAT, "--due-kind", "by"), "add --due-date")
    assert dump(db) == before


def test_the_due_moment_of_a_hands_reading_is_in_the_trackers_zone(run, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_TZ", "Europe/Paris")
    added = add(run, "--due", QUINQUENNAT, "--due-date", "2027-05-13")
    assert added.json()["deadline"]["due_at"] == "2027-05-13T22:00:00+00:00"


def test_edit_gives_the_recorded_phrase_a_reading_by_hand_and_history_keeps_both(run):
    add(run, "--stated", "2024-09-27", "--due", "by September 2025")
    edited = run("edit", "1", "--due-date", "2025-09-01", "--json")
    assert edited.code == 0, edited.err
    assert "the reader reads 'by September 2025' as by 2025-09-30" in edited.err
    assert edited.json()["deadline"]["read_by"] == "hand"
    assert edited.json()["deadline"]["text"] == "by September 2025"
    history = run("history", "1", "--json").json()
    change = history[-1]["data"]["changes"]["deadline"]
    assert change["from"]["read_by"] == "reader"
    assert change["to"] == {
        **change["from"],
        "date": "2025-09-01",
        "due_at": change["to"]["due_at"],
        "read_by": "hand",
    }


def test_a_new_stated_date_moves_a_relative_phrase_but_not_a_hands_reading(run):
    add(run, "--stated", "2024-09-27", "--due", "within twelve months", "--due-date", "2025-06-30")
    moved = run("edit", "1", "--stated", "2024-10-01", "--json")
    assert moved.json()["deadline"]["date"] == "2025-06-30"


def test_a_term_of_office_reads_the_end_of_the_term(run):
    described = run("actor", MACRON, "--term-start", "2022-05-14", "--term-end", "2027-05-13")
    assert "term 2022-05-14 to 2027-05-13" in described.out
    added = add(run, "--stated", "2024-09-27", "--due", "d'ici la fin du quinquennat")
    assert added.code == 0, added.err
    deadline = added.json()["deadline"]
    assert (deadline["kind"], deadline["date"], deadline["read_by"]) == (
        "by",
        "2027-05-13",
        "reader",
    )


def test_day_one_counts_from_a_term_still_to_come_else_from_the_statement(run):
    run("actor", "Candidate", "--term-start", "2025-01-20")
    campaign = run(
        "add",
        "I will do it",
        "--by",
        "Candidate",
        "--stated",
        "2024-10-01",
        "--due",
        "on day one",
        "--json",
    )
    assert campaign.json()["deadline"]["date"] == "2025-01-20"
    hundred = run(
        "add",
        "Another",
        "--by",
        "Candidate",
        "--stated",
        "2024-10-01",
        "--due",
        "in the first 100 days",
        "--json",
    )
    assert hundred.json()["deadline"]["date"] == "2025-04-29"  # day 100, counting day one
    in_office = run(
        "add",
        "Third",
        "--by",
        "Candidate",
        "--stated",
        "2025-03-01",
        "--due",
        "on day one",
        "--json",
    )
    assert in_office.json()["deadline"]["date"] == "2025-03-01"


def test_claimants_with_different_terms_are_refused_naming_them(run, db):
    run("actor", MACRON, "--term-end", "2027-05-13")
    run("actor", "Olaf Scholz", "--term-end", "2025-05-06")
    before = dump(db)
    joint = run(
        "add",
        "Joint",
        "--by",
        MACRON,
        "--by",
        "Olaf Scholz",
        "--stated",
        "2024-09-27",
        "--due",
        "by the end of their term",
    )
    assert_refused(
        joint,
        "the claimants' terms differ (Emmanuel Macron: ? to 2027-05-13; "
        "Olaf Scholz: ? to 2025-05-06)",
    )
    assert dump(db) == before


def test_a_term_that_ends_before_it_starts_is_refused(run):
    assert_refused(
        run("actor", MACRON, "--term-start", "2027-05-13", "--term-end", "2022-05-14"),
        "before the term's start",
    )


def test_the_api_takes_a_hands_reading_and_refuses_a_kind_without_a_date(writable, db):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {
        "text": "La réforme",
        "claimants": [MACRON],
        "language": "fr",
        "deadline": QUINQUENNAT,
        "due_date": "2027-05-13",
        "due_kind": "by",
    }
    answer = writable.post("/api/claims", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["deadline"]["read_by"] == "hand"
    before = dump(db)
    lone = writable.post(
        "/api/claims", json={**body, "text": "Other", "due_date": None}, headers=headers
    )
    assert lone.status_code == 422
    assert lone.json()["detail"].startswith("due_date: ")
    assert dump(db) == before


def test_export_and_import_keep_the_hands_reading_and_the_terms(run, tmp_path):
    run("actor", MACRON, "--term-start", "2022-05-14", "--term-end", "2027-05-13")
    add(run, "--due", "early 2026", "--due-date", "2026-03-31")
    exported = tmp_path / "out.json"
    run("export", "--output", str(exported))
    document = json.loads(exported.read_text())
    assert document["claims"][0]["deadline"]["read_by"] == "hand"
    assert document["actors"][0]["term_end"] == "2027-05-13"
    csv_file = tmp_path / "out.csv"
    run("export", "--format", "csv", "--output", str(csv_file))
    rows = list(csv.DictReader(io.StringIO(csv_file.read_text())))
    assert rows[0]["deadline_read_by"] == "hand"
    fresh = tmp_path / "fresh.db"
    imported = run("import", str(exported), "--db", str(fresh))
    assert imported.code == 0, imported.err
    shown = run("show", "1", "--db", str(fresh), "--json").json()
    assert shown["deadline"]["read_by"] == "hand"
    again = run("import", str(csv_file), "--db", str(tmp_path / "csv.db"))
    assert again.code == 0, again.err
    assert (
        run("show", "1", "--db", str(tmp_path / "csv.db"), "--json").json()["deadline"]["read_by"]
        == "hand"
    )


def test_a_document_reading_that_contradicts_its_phrase_is_accepted_only_by_hand(run, tmp_path):
    claim = {
        "text": "T",
        "claimants": ["A"],
        "stated_on": "2024-09-27",
        "deadline": {"text": "by September 2025", "date": "2025-09-15"},
    }
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}))
    assert_refused(run("import", str(path)), '"read_by": "hand"')
    claim["deadline"]["read_by"] = "hand"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}))
    assert run("import", str(path)).code == 0
    assert run("show", "1", "--json").json()["deadline"]["date"] == "2025-09-15"


def test_a_start_is_named_a_start_in_show_the_report_the_page_and_the_calendar(run, client):
    added = run(
        "add",
        "Le moteur thermique sera interdit",
        "--by",
        "Union européenne",
        "--lang",
        "fr",
        "--stated",
        "2023-03-28",
        "--due",
        "à partir de 2035",
        "--json",
    )
    assert added.json()["deadline"]["kind"] == "from"
    assert added.json()["deadline"]["date"] == "2035-01-01"
    assert "start: from 2035-01-01 (year, a start)" in run("show", "1").out
    report = run("report", "--as-of", "2034-12-01", "--days", "60")
    assert "start: from 2035-01-01 (year, a start)" in report.out
    page = client.get("/claims/1").text
    assert "<dt>Start</dt>" in page
    assert "a start, checked once that day has passed" in page
    calendar = client.get("/deadlines.ics", params={"to": "2035-12-31"}).text.replace("\r\n ", "")
    assert "Start: à partir de 2035 (from 2035-01-01)" in calendar


def test_the_page_says_a_reading_was_given_by_hand(run, client):
    add(run, "--due", QUINQUENNAT, "--due-date", "2027-05-13")
    page = client.get("/claims/1").text
    assert "read by hand as" in page
