"""Corrections on the web: retract and remove through the API (token-guarded), the claim page
as it stood at a moment, a removed claim's address answering 410 Gone, and the public
corrections log, on both databases."""

from __future__ import annotations

from pydantic import TypeAdapter

from claimtrack.web.schemas import ClaimOut, LogEntryOut
from tests.conftest import TOKEN, dump

AUTH = {"Authorization": f"Bearer {TOKEN}"}
LOG = TypeAdapter(list[LogEntryOut])


def judged(writable, claim_id: int, verdict: str = "kept") -> int:
    answer = writable.post(
        f"/api/claims/{claim_id}/verdicts",
        json={"verdict": verdict, "note": "Mission ended.", "checked_on": "2025-10-15"},
        headers=AUTH,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["verdicts"][-1]["id"]


def test_a_verdict_is_retracted_through_the_api_with_the_token(writable, seeded, db):
    verdict = judged(writable, 1)
    url = f"/api/claims/1/verdicts/{verdict}/retraction"
    before = dump(db)
    refused = writable.post(url, json={"reason": "Wrong claim."})
    assert refused.status_code == 401
    empty = writable.post(url, json={"reason": ""}, headers=AUTH)
    assert empty.status_code == 422
    assert dump(db) == before

    answer = writable.post(url, json={"reason": "Wrong claim."}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    claim = ClaimOut.model_validate(answer.json())
    assert claim.status == "due"
    assert claim.verdicts[0].retracted is not None
    assert claim.verdicts[0].retracted.reason == "Wrong claim."
    again = writable.post(url, json={"reason": "Wrong claim."}, headers=AUTH)
    assert again.status_code == 422
    assert "already retracted" in again.json()["detail"]
    assert (
        writable.post(
            "/api/claims/2/verdicts/999/retraction", json={"reason": "x"}, headers=AUTH
        ).status_code
        == 404
    )


def test_the_claim_page_shows_the_record_as_it_stood(writable, seeded):
    verdict = judged(writable, 1)
    writable.post(
        f"/api/claims/1/verdicts/{verdict}/retraction",
        json={"reason": "Checked the <b>wrong</b> claim."},
        headers=AUTH,
    )
    then = writable.get("/claims/1", params={"as_of": "2025-11-01"})
    assert then.status_code == 200
    assert "Retracted" not in then.text
    assert 'class="status s-kept"' in then.text
    now = writable.get("/claims/1")
    assert "<strong>Retracted</strong>" in now.text
    assert "Checked the &lt;b&gt;wrong&lt;/b&gt; claim." in now.text  # escaped
    assert (
        writable.get("/claims/1", params={"as_of": "2025-10-01"}).text.count('id="verdict-') == 0
    )  # not checked yet then


def test_a_correction_through_the_api_is_one_change(writable, seeded):
    wrong = judged(writable, 1)
    answer = writable.post(
        "/api/claims/1/verdicts",
        json={
            "verdict": "partial",
            "note": "Only in federal Iraq.",
            "checked_on": "2025-10-15",
            "corrects": wrong,
            "reason": "Kurdistan left out.",
        },
        headers=AUTH,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "partial"
    log = LOG.validate_python(writable.get("/api/corrections").json())
    assert [(e.kind, e.verdict_id, e.reason) for e in log] == [
        ("correction", wrong, "Kurdistan left out.")
    ]


def test_a_removed_claim_is_gone_from_every_answer_and_its_address_says_410(writable, seeded, db):
    before = dump(db)
    assert writable.post("/api/claims/2/removal", json={"reason": "x"}).status_code == 401
    assert dump(db) == before
    removed = writable.post("/api/claims/2/removal", json={"reason": "Duplicate."}, headers=AUTH)
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed"]["reason"] == "Duplicate."
    gone = writable.get("/api/claims/2")
    assert gone.status_code == 410
    assert "was removed on" in gone.json()["detail"]
    assert writable.get("/api/claims/2/history").status_code == 410
    page = writable.get("/claims/2")
    assert page.status_code == 410
    assert "Removed from the record" in page.text
    assert [c["id"] for c in writable.get("/api/claims").json()] == [1, 3]
    assert "/claims/2" not in writable.get("/").text
    assert "Syrie" not in writable.get("/deadlines.ics").text
    assert writable.get("/api/report").json()["counts"] == {"due": 1, "unrated": 1}
    again = writable.post("/api/claims/2/removal", json={"reason": "again"}, headers=AUTH)
    assert again.status_code == 410


def test_the_corrections_page_lists_each_with_date_reason_and_link(writable, seeded):
    verdict = judged(writable, 1, "broken")
    writable.post(
        f"/api/claims/1/verdicts/{verdict}/retraction",
        json={"reason": "Premature."},
        headers=AUTH,
    )
    writable.post("/api/claims/3/removal", json={"reason": "Test data."}, headers=AUTH)
    page = writable.get("/corrections")
    assert page.status_code == 200
    assert page.text.index("Claim removed") < page.text.index("Verdict retracted")
    assert f'href="/claims/1#verdict-{verdict}"' in page.text
    assert "Reason: Premature." in page.text
    assert "Reason: Test data." in page.text
    assert 'href="/corrections"' in writable.get("/").text  # linked from every page
    assert "No corrections since then." in writable.get("/corrections?since=2099-01-01").text
    assert writable.get("/api/corrections", params={"since": "soon"}).status_code == 422


def test_the_api_refuses_a_duplicate_unless_asked(writable, seeded, db):
    from tests.conftest import IRAQ

    same = {"text": IRAQ, "claimants": ["Government of the United States", "Government of Iraq"]}
    before = dump(db)
    refused = writable.post("/api/claims", json=same, headers=AUTH)
    assert refused.status_code == 422
    assert "claim 1 already records this text" in refused.json()["detail"]
    assert dump(db) == before
    forced = writable.post("/api/claims", json=same | {"duplicate_ok": True}, headers=AUTH)
    assert forced.status_code == 201, forced.text
