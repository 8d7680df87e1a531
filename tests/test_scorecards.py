"""The record read claimant by claimant: `claimtrack scorecard`, /claimants and /tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import assert_refused

SEED = Path(__file__).resolve().parents[1] / "db" / "examples" / "iraq-2024.json"
AS_OF = "2026-11-24"


@pytest.fixture
def story(run):
    assert run("import", str(SEED)).code == 0
    run("actor", "Government of Iraq", "--term-end", "2027-05-13")
    run(
        "verdict",
        "4",
        "unverifiable",
        "--note",
        "No commission was reported.",
        "--checked-on",
        "2026-11-20",
    )
    return run


def test_the_index_lists_every_claimant_most_awaiting_first(story):
    found = story("scorecard", "--as-of", AS_OF, "--json").json()
    names = [line["name"] for line in found]
    assert names[:2] == ["Government of Iraq", "Government of the United States"]
    iraq = found[0]
    assert iraq["counts"] == {"due": 3, "unverifiable": 1}
    assert (iraq["awaiting"], iraq["kept"], iraq["total"]) == (3, 0, 4)
    assert iraq["days_left_in_term"] == 171
    text = story("scorecard", "--as-of", AS_OF).out
    assert "Government of Iraq: 4 claims · awaiting a check 3 · kept 0" in text
    assert "171 days left in the term" in text


def test_the_counts_agree_with_each_claims_status(story):
    for line in story("scorecard", "--as-of", AS_OF, "--json").json():
        listed = story("list", "--by", line["name"], "--as-of", AS_OF, "--json").json()
        mine = [c for c in listed if line["name"] in c["claimants"]]
        statuses = {}
        for claim in mine:
            statuses[claim["status"]] = statuses.get(claim["status"], 0) + 1
        assert statuses == line["counts"], line["name"]


def test_one_claimants_scorecard_has_claims_by_status_and_the_timeline(story):
    card = story("scorecard", "Government of Iraq", "--as-of", AS_OF, "--json").json()
    assert list(card["claims"]) == ["due", "unverifiable"]
    assert [c["id"] for c in card["claims"]["due"]] == [2, 1, 3]
    assert card["timeline"] == [
        {
            "checked_on": "2026-11-20",
            "verdict": "unverifiable",
            "claim_id": 4,
            "note": "No commission was reported.",
        }
    ]
    assert card["term_end"] == "2027-05-13"
    text = story("scorecard", "Government of Iraq", "--as-of", AS_OF).out
    assert "term: ? to 2027-05-13" in text
    assert "2026-11-20  unverifiable  #4: No commission was reported." in text


def test_a_scorecard_as_of_an_earlier_day_is_the_record_then(story):
    then = story("scorecard", "Government of Iraq", "--as-of", "2025-01-01", "--json").json()
    assert then["counts"] == {"pending": 3, "unrated": 1}
    assert then["timeline"] == []


def test_an_unknown_claimant_is_refused_in_one_line(story):
    assert_refused(story("scorecard", "Nobody"), "no claimant is named 'Nobody'")


def test_the_claimant_and_tag_pages_show_the_meter_and_link_back(story, client):
    index = client.get("/claimants", params={"as_of": AS_OF})
    assert index.status_code == 200
    assert 'href="/claimants/Government%20of%20Iraq?as_of=2026-11-24"' in index.text
    page = client.get("/claimants/Government of Iraq", params={"as_of": AS_OF})
    assert page.status_code == 200
    assert "171 days left" in page.text
    assert "No commission was reported." in page.text
    claim = client.get("/claims/1").text
    assert 'href="/claimants/Government%20of%20Iraq"' in claim
    assert 'href="/tags/iraq"' in claim
    tags = client.get("/tags").text
    assert 'href="/tags/syria"' in tags
    assert client.get("/tags/syria").status_code == 200
    assert client.get("/tags/nothing").status_code == 404
    assert client.get("/claimants/Nobody").status_code == 404
    every = client.get("/", params={"every": 1}).text
    assert "Every claim" in every
    assert {f'href="/claims/{n}"' for n in range(1, 8)} <= set(
        re.findall(r'href="/claims/\d+"', every)
    )
