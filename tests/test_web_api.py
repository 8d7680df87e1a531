"""The JSON API answers what the CLI's --json prints, on both databases, and writes only
with the token."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from claimtrack.web.schemas import ClaimOut, EventOut, ReportOut
from tests.conftest import IRAQ, NOW, SYRIA, TOKEN, dump

AS_OF = NOW.isoformat()
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CLAIMS = TypeAdapter(list[ClaimOut])
EVENTS = TypeAdapter(list[EventOut])


def test_a_claim_is_what_show_json_prints(client, run, seeded):
    answer = client.get("/api/claims/1", params={"as_of": AS_OF})
    assert answer.status_code == 200
    assert answer.json() == run("show", "1", "--json", "--as-of", AS_OF).json()
    assert answer.json()["text"] == IRAQ
    assert answer.json()["status"] == "due"
    ClaimOut.model_validate(answer.json())  # the OpenAPI description holds, key for key


def test_a_claim_without_as_of_is_judged_at_the_sites_now(client, seeded):
    before = client.get("/api/claims/2", params={"as_of": "2026-09-30"}).json()
    now = client.get("/api/claims/2").json()
    assert (before["status"], now["status"]) == ("pending", "due")


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": "due"},
        {"by": "iraq"},
        {"tag": "syria"},
        {"due_before": "2026-01-01"},
        {"limit": "1", "offset": "1"},
    ],
)
def test_the_list_is_what_list_json_prints(client, run, seeded, query):
    answer = client.get("/api/claims", params={"as_of": AS_OF, **query})
    assert answer.status_code == 200
    options = {"by": "--by", "tag": "--tag", "status": "--status", "due_before": "--due-before"}
    args = [a for k, v in query.items() for a in (options.get(k, f"--{k}"), v)]
    assert answer.json() == run("list", "--json", "--as-of", AS_OF, *args).json()
    CLAIMS.validate_python(answer.json())


def test_the_list_searches_with_q_and_keeps_the_deadline_order(client, seeded):
    found = client.get("/api/claims", params={"q": "Syrie", "as_of": AS_OF}).json()
    assert [c["text"] for c in found] == [SYRIA]
    assert [c["id"] for c in client.get("/api/claims", params={"q": "Etats Unis"}).json()] == [
        1,
        3,
    ]


@pytest.mark.parametrize("as_of", ["2025-09-01", AS_OF])
def test_the_report_is_what_report_json_prints(client, run, seeded, as_of):
    answer = client.get("/api/report", params={"as_of": as_of, "days": "400", "limit": "1"})
    assert answer.status_code == 200
    printed = run("report", "--json", "--as-of", as_of, "--days", "400", "--limit", "1").json()
    assert answer.json() == printed
    ReportOut.model_validate(answer.json())


def test_the_report_by_default_has_the_clis_window_and_limit(client, seeded):
    report = client.get("/api/report").json()
    assert (report["days"], report["limit"]) == (30, 50)
    assert [c["id"] for c in report["due"]] == [1, 2]
    assert report["counts"] == {"due": 2, "unrated": 1}


def test_history_is_what_history_json_prints(client, run, seeded):
    run("verdict", "1", "broken", "--note", "Still there.", "--checked-on", "2025-11-01")
    answer = client.get("/api/claims/1/history")
    assert answer.json() == run("history", "1", "--json").json()
    assert [e.kind for e in EVENTS.validate_python(answer.json())] == ["created", "verdict"]


def test_openapi_describes_every_route_with_its_shapes(client):
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/claims",
        "/api/claims/{claim_id}",
        "/api/claims/{claim_id}/history",
        "/api/claims/{claim_id}/verdicts",
        "/api/claims/{claim_id}/verdicts/{verdict_id}/retraction",
        "/api/claims/{claim_id}/removal",
        "/api/corrections",
        "/api/report",
        "/deadlines.ics",
    }
    shown = spec["paths"]["/api/claims/{claim_id}"]["get"]["responses"]["200"]
    assert shown["content"]["application/json"]["schema"]["$ref"].endswith("/ClaimOut")
    claim = spec["components"]["schemas"]["ClaimOut"]
    assert set(claim["properties"]) == set(ClaimOut.model_fields)
    assert {"ClaimIn", "VerdictIn", "ReportOut"} <= set(spec["components"]["schemas"])
    # The writes say they need the token; the reads do not.
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/api/claims"]["post"]["security"] == [{"HTTPBearer": []}]
    for write in (
        "/api/claims/{claim_id}/verdicts/{verdict_id}/retraction",
        "/api/claims/{claim_id}/removal",
    ):
        assert spec["paths"][write]["post"]["security"] == [{"HTTPBearer": []}], write
    assert "security" not in spec["paths"]["/api/corrections"]["get"]
    assert "security" not in spec["paths"]["/api/claims"]["get"]


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("/api/claims/99", 404, "no claim with id 99"),
        ("/api/claims?status=kaput", 422, "status: 'kaput' is not one of pending, due"),
        ("/api/report?as_of=2026-13-01", 422, "as_of: '2026-13-01' is not a real date; use"),
        ("/api/claims?due_before=soon", 422, "due_before: 'soon' is not a date; use YYYY-MM-DD"),
        ("/api/claims?q=%3F%3F", 422, "has no word to search for"),
    ],
)
def test_bad_requests_get_one_message_naming_what_is_accepted(client, seeded, url, code, message):
    answer = client.get(url)
    assert answer.status_code == code
    assert message in answer.json()["detail"]
    assert "\n" not in answer.json()["detail"]


def test_the_calendar_feed_over_a_window_holding_every_deadline_is_the_ics_export(
    client, run, seeded, tmp_path
):
    every = {"as_of": AS_OF, "from": "2024-01-01"}  # the served window is bounded by default
    feed = client.get("/deadlines.ics", params=every)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    out = tmp_path / "deadlines.ics"
    assert run("export", "--format", "ics", "--as-of", AS_OF, "-o", str(out)).code == 0

    def lines(text: str) -> list[str]:  # all but DTSTAMP, the moment each was produced
        return [line for line in text.splitlines() if not line.startswith("DTSTAMP:")]

    served = lines(feed.text)
    assert "X-WR-CALDESC:Every deadline from 2024-01-01 to 2028-11-23: 2 deadlines." in served
    served.remove("X-WR-CALDESC:Every deadline from 2024-01-01 to 2028-11-23: 2 deadlines.")
    assert served == lines(out.read_text())
    assert "DTSTAMP:20261124T120000Z" in feed.text  # the site's clock: when it was served
    assert f"UID:{seeded[0]['uuid']}@claimtrack" in feed.text
    assert "(due)" in feed.text


# --- writes --------------------------------------------------------------------------------------

NEW_CLAIM = {
    "text": "Les forces américaines quitteront la base d'Aïn al-Assad d'ici fin 2026.",
    "claimants": ["Government of Iraq"],
    "language": "fr",
    "stated_on": "2025-01-15",
    "deadline": "d'ici fin 2026",
    "source": {
        "url": "https://news.example/ain-al-assad",
        "quote": "d'ici fin 2026",
        "title": "Aïn al-Assad",
    },
    "tags": ["iraq"],
}


def test_with_the_token_a_claim_is_added_and_shown_as_the_cli_shows_it(writable, run, db):
    answer = writable.post("/api/claims", json=NEW_CLAIM, headers=AUTH)
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert added["deadline"]["date"] == "2026-12-31"
    assert added["status"] == "pending"
    assert added["sources"][0]["quote"] == "d'ici fin 2026"
    shown = run("show", str(added["id"]), "--json", "--as-of", AS_OF).json()
    assert shown == added
    history = run("history", str(added["id"]), "--json").json()
    assert (history[0]["kind"], history[0]["actor"]) == ("created", "api")


def test_with_the_token_a_verdict_settles_the_claim(writable, run, seeded):
    verdict = {
        "verdict": "broken",
        "note": "Coalition forces were still in Iraq in October 2025.",
        "checked_on": "2025-10-15",
        "evidence": [{"url": "https://news.example/still-there", "quote": "still there"}],
        "reviewer": "desk",
    }
    answer = writable.post("/api/claims/1/verdicts", json=verdict, headers=AUTH)
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "broken"
    shown = run("show", "1", "--json").json()
    assert shown["verdicts"][0]["evidence"][0]["url"] == "https://news.example/still-there"
    assert shown["status"] == "broken"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-wrong-token-00"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
def test_writes_without_the_token_are_refused_with_401_and_write_nothing(
    writable, seeded, db, headers
):
    before = dump(db)
    added = writable.post("/api/claims", json=NEW_CLAIM, headers=headers)
    judged = writable.post(
        "/api/claims/1/verdicts", json={"verdict": "kept", "note": "n"}, headers=headers
    )
    assert (added.status_code, judged.status_code) == (401, 401)
    assert added.headers["www-authenticate"] == "Bearer"
    assert dump(db) == before


def test_a_tracker_without_a_token_is_read_only(client, seeded, db):
    before = dump(db)
    answer = client.post("/api/claims", json=NEW_CLAIM, headers=AUTH)
    assert answer.status_code == 403
    assert "read-only" in answer.json()["detail"]
    assert "CLAIMTRACK_TOKEN" in answer.json()["detail"]
    assert client.post("/api/claims/1/verdicts", json={"verdict": "kept", "note": "n"}).status_code
    assert dump(db) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"deadline": "quand les poules auront des dents"}, "deadline: cannot read"),
        ({"stated_on": "2027-01-01"}, "stated_on: 2027-01-01 is after today (2026-11-24)"),
        ({"source": {"url": "javascript:alert(1)"}}, "source.url: 'javascript:alert(1)' is not"),
        ({"claimants": [" "]}, "claimants: a claim needs at least one claimant"),
        ({"kind": "rumour"}, "kind: 'rumour' is not one of"),
    ],
)
def test_a_bad_claim_is_refused_with_the_reason_and_writes_nothing(
    writable, seeded, db, change, message
):
    before = dump(db)
    answer = writable.post("/api/claims", json=NEW_CLAIM | change, headers=AUTH)
    assert answer.status_code == 422, answer.text
    assert message in answer.json()["detail"]
    assert dump(db) == before


def test_a_verdict_for_an_unknown_claim_is_404_and_writes_nothing(writable, seeded, db):
    before = dump(db)
    answer = writable.post(
        "/api/claims/99/verdicts", json={"verdict": "kept", "note": "n"}, headers=AUTH
    )
    assert answer.status_code == 404
    assert dump(db) == before


def test_a_malformed_body_is_refused_before_anything_is_read(writable, seeded, db):
    before = dump(db)
    answer = writable.post("/api/claims", content=b"{not json", headers=AUTH)
    assert answer.status_code == 422
    unknown = writable.post("/api/claims", json=NEW_CLAIM | {"colour": "red"}, headers=AUTH)
    assert unknown.status_code == 422
    assert dump(db) == before
