"""Text no database keeps (a NUL, half of a UTF-16 pair) and numbers and dates no column
holds are refused at every door, in one line, alike on SQLite and PostgreSQL, and nothing is
written: the CLI's arguments, the JSON and CSV importers, the API's bodies and queries.

Generated strings put the bad character anywhere among ordinary text, control characters
and other scripts; a fixed number of examples keeps the suite short.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TOKEN, assert_refused, dump

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ordinary = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
unstorable = st.sampled_from(["\x00", "\ud800", "\udfff", "\udcff"])


@st.composite
def holding_one(draw) -> str:
    """Ordinary text with one character no database keeps, somewhere in it."""
    before, after = draw(ordinary), draw(ordinary)
    return before + draw(unstorable) + after


@SETTINGS
@given(text=holding_one())
def test_the_cli_refuses_an_argument_no_database_keeps(run, seeded, db, text):
    before = dump(db)
    result = run("add", text, "--by", "Government of Iraq")
    assert_refused(result, "argument 2")
    assert "Traceback" not in result.err
    assert dump(db) == before


@SETTINGS
@given(text=holding_one(), field=st.sampled_from(["text", "context", "criteria", "claimants"]))
def test_a_json_import_refuses_it_naming_where_it_is(run, seeded, db, tmp_path, text, field):
    claim = {"text": "La mission se terminera.", "claimants": ["Gouvernement"]}
    claim[field] = [text] if field == "claimants" else text
    path = tmp_path / "claims.json"
    path.write_text(json.dumps({"format_version": 1, "claims": [claim]}), encoding="utf-8")
    before = dump(db)
    result = run("import", str(path))
    assert_refused(result, f"claims[0].{field}")
    assert dump(db) == before


def test_a_csv_import_refuses_a_nul_naming_its_line(run, seeded, db, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("text,claimants\nfine,Gouvernement\nbad\x00text,Gouvernement\n")
    before = dump(db)
    assert_refused(run("import", str(path)), "line 3")
    assert dump(db) == before


@SETTINGS
@given(text=holding_one(), field=st.sampled_from(["text", "translation", "deadline", "tags"]))
def test_the_api_refuses_it_in_a_body_with_422(writable, seeded, db, text, field):
    claim = {"text": "La mission se terminera.", "claimants": ["Gouvernement"]}
    claim[field] = [text] if field == "tags" else text
    before = dump(db)
    # Sent as JSON escapes (\u0000, \ud800), which is how a lone surrogate travels.
    answer = writable.post(
        "/api/claims",
        content=json.dumps(claim).encode(),
        headers={**AUTH, "content-type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(field)
    assert dump(db) == before


@pytest.mark.parametrize("param", ["by", "tag", "q", "status", "as_of", "due_before"])
def test_the_api_refuses_a_nul_in_any_query_parameter(client, seeded, param):
    answer = client.get("/api/claims", params={param: "iraq\x00"})
    assert answer.status_code == 422
    assert answer.json() == {
        "detail": f"{param}: holds a NUL character (U+0000) at character 5; remove it"
    }


def test_a_page_refuses_a_nul_with_a_page(client, seeded):
    answer = client.get("/?by=%00")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert "holds a NUL character" in answer.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "٣"], "'٣' is not a whole number; use digits"),
        (["show", "99999999999999999999"], "is not between 1 and 2147483647"),
        (["show", "2147483648"], "is not between 1 and 2147483647"),
        (["list", "--limit", "18446744073709551616"], "is not between 1 and 1000000"),
        (["list", "--offset", "-1"], "'-1' is not a whole number"),
        (["report", "--days", "99999999"], "is not between 0 and 36600"),
        (["list", "--as-of", "9999-12-31"], "outside the years 1000 to 9800"),
        (["report", "--as-of", "0001-01-01"], "outside the years 1000 to 9800"),
        (["report", "--as-of", "9999-12-31T23:59:59+14:00"], "outside the years 1000 to 9800"),
        (["list", "--as-of", ""], "'' is not a date or date-time"),
        (["list", "--due-before", ""], "'' is not a date"),
        (["add", "x", "--by", "y", "--stated", ""], "'' is not a date"),
    ],
)
def test_numbers_and_dates_beyond_any_column_are_one_line(run, seeded, db, args, message):
    before = dump(db)
    assert_refused(run(*args), message)
    assert dump(db) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/claims/2147483648",
        "/api/claims/99999999999999999999999",
        "/claims/2147483648",
        "/api/claims?offset=99999999999999999999999",
        "/api/report?days=99999999",
        "/api/report?as_of=9999-12-31",
        "/api/report?as_of=0001-01-01T00:00:00-14:00",
        "/?as_of=9999-12-31",
        "/api/claims?as_of=",
        "/api/corrections?since=",
    ],
)
def test_web_numbers_and_dates_beyond_any_column_are_422(client, seeded, url):
    answer = client.get(url)
    assert answer.status_code == 422, answer.text


def test_the_clis_bounds_are_the_columns_and_the_readers():
    """The CLI writes its bounds out (so --help loads neither models nor dates)."""
    from claimtrack.cli import common
    from claimtrack.deadlines import days
    from claimtrack.records import models

    assert common.ID.high == models.MAX_ID
    assert common.MAX_DAYS == days.MAX_DAYS


@pytest.mark.parametrize(
    ("text", "may"),
    [
        (r'{"a": "\u0000"}', True),
        (r'{"a": "\ud800"}', True),
        (r'{"a": "\uDBFF"}', True),
        (r'{"a": "\udc00"}', True),
        (r'{"a": "\uDFFF"}', True),
        ('{"a": "\x00"}', True),
        (r'{"a": "\ud7ff \ue000 \u00e9 \u0001"}', False),
        ('{"a": "é, « guillemets », 中文"}', False),
    ],
)
def test_a_json_text_is_walked_only_when_it_may_hold_what_no_database_keeps(text, may):
    """The import skips the walk over every string when the text holds no NUL and no escape
    of one or of half a UTF-16 pair: it may skip only what could not be there."""
    from claimtrack.records import storable

    assert storable.json_may_hold(text) is may
