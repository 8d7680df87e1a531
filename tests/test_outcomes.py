"""Late fulfilment and why promises break: a verdict's day of outcome and cause."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import assert_refused, dump

SEED = Path(__file__).resolve().parents[1] / "db" / "examples" / "iraq-2024.json"


def test_a_promise_kept_late_shows_its_lateness_everywhere(run, client):
    assert run("import", str(SEED)).code == 0
    kept = run(
        "verdict",
        "1",
        "kept",
        "--note",
        "The mission ended in October",
        "--checked-on",
        "2025-11-01",
        "--happened-on",
        "2025-10-12",
        "--json",
    )
    assert kept.code == 0, kept.err
    verdict = kept.json()["verdicts"][-1]
    assert (verdict["happened_on"], verdict["days_late"]) == ("2025-10-12", 12)
    assert "kept, 12 days late (happened 2025-10-12)" in run("show", "1").out
    page = client.get("/claims/1").text
    assert "12 days late" in page
    assert "Kept 12 days late." in page  # the ClaimReview's ratingExplanation
    line = run("scorecard", "--as-of", "2026-11-24", "--json").json()
    iraq = next(x for x in line if x["name"] == "Government of Iraq")
    assert (iraq["kept"], iraq["kept_late"]) == (1, 1)
    assert "kept 1 (1 late)" in run("scorecard", "--as-of", "2026-11-24").out


def test_a_broken_promise_names_its_cause_and_round_trips(run, tmp_path):
    assert run("import", str(SEED)).code == 0
    broken = run(
        "verdict",
        "3",
        "broken",
        "--note",
        "No vote was held",
        "--cause",
        "no-majority",
        "--checked-on",
        "2026-10-05",
        "--json",
    )
    assert broken.json()["verdicts"][-1]["cause"] == "no-majority"
    assert "broken (cause: no-majority)" in run("show", "3").out
    out = tmp_path / "all.json"
    run("export", "--output", str(out))
    document = json.loads(out.read_text())
    assert document["claims"][2]["verdicts"][-1]["cause"] == "no-majority"
    fresh = tmp_path / "fresh.db"
    assert run("import", str(out), "--db", str(fresh)).code == 0
    again = run("show", "3", "--db", str(fresh), "--json").json()["verdicts"][-1]
    assert again["cause"] == "no-majority"


def test_an_impossible_outcome_or_cause_is_refused_and_writes_nothing(run, db):
    assert run("import", str(SEED)).code == 0
    before = dump(db)
    assert_refused(
        run(
            "verdict",
            "1",
            "kept",
            "--note",
            "n",
            "--checked-on",
            "2025-11-01",
            "--happened-on",
            "2025-12-01",
        ),
        "is after the check of 2025-11-01",
    )
    assert_refused(
        run("verdict", "1", "kept", "--note", "n", "--happened-on", "2020-01-01"),
        "before the claim was stated",
    )
    assert_refused(
        run("verdict", "1", "kept", "--note", "n", "--cause", "no-majority"), "'kept' is not broken"
    )
    assert_refused(
        run("verdict", "1", "broken", "--note", "n", "--cause", "bad luck"),
        "'bad luck' is not one of no-majority",
    )
    assert dump(db) == before


def test_the_api_takes_the_outcome_day_and_cause(writable, run):
    from tests.conftest import TOKEN

    assert run("import", str(SEED)).code == 0
    answer = writable.post(
        "/api/claims/3/verdicts",
        json={
            "verdict": "broken",
            "note": "n",
            "checked_on": "2026-10-05",
            "happened_on": "2026-10-01",
            "cause": "outside-events",
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["verdicts"][-1]["cause"] == "outside-events"
    assert answer.json()["verdicts"][-1]["happened_on"] == "2026-10-01"
