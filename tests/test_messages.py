"""What an alert tells a fact-checker: the claim as said and translated, who said it and
when, the deadline, the source with its quote, the criteria, the claim's page; most overdue
first; moments without microseconds; HTML escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from claimtrack import config
from claimtrack.monitor import passes
from claimtrack.records import claims
from claimtrack.records.attribution import Citation, SourceInfo
from tests.schemas import validate_alerts
from tests.test_monitor import FakeChannel

NOW = datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)
CRITERIA = (
    "Kept if the troops left by 30 September 2025, as the coalition's own statements "
    "and the Iraqi government both confirm."
)


def test_an_alert_carries_what_one_needs_to_check_the_claim(database, clock):
    with database.write() as session:
        claims.add_claim(
            session,
            "Nous partirons <script>alert(1)</script>",
            claimants=["Ministre"],
            clock=clock,
            language="fr",
            translation="We will leave",
            stated_on=datetime(2024, 9, 27).date(),
            deadline="au plus tard en septembre 2025",
            citations=[
                Citation(
                    SourceInfo(url="https://news.example/a", title="L'article"),
                    "« Nous partirons »",
                )
            ],
            criteria=CRITERIA,
        )
        claims.add_claim(
            session,
            "Plus tard",
            claimants=["Ministre"],
            clock=clock,
            deadline="au plus tard en mars 2026",
        )
    cfg = config.parse(
        {"reminders": [], "publishing": {"claim_url": "https://desk.example/claims/{id}"}}, "t"
    )
    desk = FakeChannel("desk")
    passes.run_pass(database, cfg, NOW, [desk])
    [message] = desk.messages
    assert message.subject == "claimtrack: 2 deadlines passed — most overdue #1, 419 days overdue"
    text = message.text
    assert "as of 2026-11-24 12:00 UTC" in text  # no microseconds
    assert text.index("#1  419 days overdue") < text.index("#2  237 days overdue")
    for said in (
        "translation: We will leave",
        "said on 2024-09-27",
        "source: L'article — https://news.example/a « « Nous partirons » »",
        f"how it is checked: {CRITERIA}",
        "https://desk.example/claims/1",
    ):
        assert said in " ".join(text.split()), said
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
    assert '<a href="https://desk.example/claims/1">#1</a>' in message.html
    # each fact is one line of the HTML part, not the text part's wrapped pieces
    assert f"<br>how it is checked: {escape(CRITERIA)}<" in message.html
    validate_alerts(message.data)
    first = message.data["alerts"][0]
    assert (first["claim_id"], first["page"]) == (1, "https://desk.example/claims/1")


def test_the_schema_refuses_a_payload_that_lacks_what_it_promises():
    import pytest
    from jsonschema_rs import ValidationError

    alert = {
        "alert_id": 1,
        "kind": "due",
        "claim_id": 1,
        "due_at": "2025-10-01T00:00:00Z",
        "days_before": 0,
        "fires_at": "2025-10-01T00:00:00Z",
        "reopening": 0,
        "flagged_at": "not a moment",
        "overdue_days": 3,
        "page": None,
        "claim": {},
    }
    with pytest.raises(ValidationError):
        validate_alerts({"report": "alerts", "as_of": "2026-11-24T12:00:00Z", "alerts": [alert]})
