"""Rules on what the monitor sends: a grace after the deadline, and channels that take only
some claims (by tag, by claimant)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from claimtrack import config
from claimtrack.errors import BadInput
from claimtrack.monitor import channels, passes
from claimtrack.records import claims, verdicts
from claimtrack.records.moments import AsOf
from claimtrack.records.reading import status_of
from tests.test_monitor import alerts

DUE = datetime(2025, 10, 1, tzinfo=UTC)  # "by September 2025" passes here


def add(database, clock, text, by="Someone", tags=()):
    with database.write() as session:
        return claims.add_claim(
            session,
            text,
            claimants=[by],
            clock=clock,
            deadline="by September 2025",
            stated_on=clock.today.replace(year=2024),
            tags=list(tags),
        ).id


def grace(days: str) -> config.Config:
    return config.parse({"grace": days, "reminders": []}, "t.toml")


def test_a_claim_is_flagged_only_once_the_grace_has_passed(database, clock):
    claim_id = add(database, clock, "Nous partirons")
    cfg = grace("3d")
    early = passes.run_pass(database, cfg, DUE + timedelta(days=2), [])
    assert early.flagged == []
    assert early.next_wakeup == DUE + timedelta(days=3)
    with database.read() as session:  # its status says due all the same
        claim = claims.get_claim(session, claim_id)
        assert status_of(claim, AsOf(DUE + timedelta(days=2))) == "due"
    flagged = passes.run_pass(database, cfg, DUE + timedelta(days=3), [])
    assert [(a.kind, a.claim_id) for a in flagged.flagged] == [("due", claim_id)]
    assert passes.run_pass(database, cfg, DUE + timedelta(days=4), []).flagged == []
    assert len(alerts(database)) == 1


def test_a_verdict_within_the_grace_means_no_flag(database, clock):
    claim_id = add(database, clock, "Nous partirons")
    cfg = grace("1w")
    passes.run_pass(database, cfg, DUE + timedelta(days=1), [])
    with database.write() as session:
        verdicts.record_verdict(
            session,
            claim_id,
            "kept",
            note="Done",
            clock=clock,
            checked_on=(DUE + timedelta(days=2)).date(),
        )
    assert passes.run_pass(database, cfg, DUE + timedelta(days=8), []).flagged == []
    assert alerts(database) == []


@pytest.mark.parametrize(
    ("said", "seconds"), [("3d", 259200), ("12h", 43200), ("90m", 5400), ("2w", 1209600), (0, 0)]
)
def test_a_grace_is_written_as_a_duration(said, seconds):
    assert grace(said).grace == timedelta(seconds=seconds)


def test_a_grace_that_is_not_a_duration_is_refused():
    with pytest.raises(BadInput, match=r"'soon' is not a duration; write e\.g\. 3d"):
        grace("soon")


def test_a_channel_takes_only_the_claims_of_its_tags_or_claimants(database, clock, tmp_path):
    iraq = add(database, clock, "La mission se terminera", tags=["iraq"])
    syria = add(database, clock, "La présence se poursuivra", by="Pentagon", tags=["syria"])
    cfg = config.parse(
        {
            "reminders": [],
            "channels": [
                {
                    "type": "file",
                    "name": "iraq-desk",
                    "path": str(tmp_path / "iraq.log"),
                    "tags": ["Iraq"],
                },
                {
                    "type": "file",
                    "name": "pentagon",
                    "path": str(tmp_path / "pentagon.log"),
                    "claimants": ["Pentagon"],
                },
                {"type": "file", "name": "all", "path": str(tmp_path / "all.log")},
            ],
        },
        "t.toml",
    )
    result = passes.run_pass(database, cfg, DUE, channels.senders(cfg))
    assert sorted(result.delivery.delivered) == sorted(a.id for a in alerts(database))
    assert result.delivery.sent == {"iraq-desk": 1, "pentagon": 1, "all": 2}
    iraq_log = (tmp_path / "iraq.log").read_text()
    assert f"#{iraq} " in iraq_log
    assert f"#{syria} " not in iraq_log
    assert f"#{syria} " in (tmp_path / "pentagon.log").read_text()
    assert all(a.delivered_at == DUE for a in alerts(database))  # none waits on a channel


def test_a_claim_still_awaiting_a_check_is_flagged_again_every_repeat_exactly_once(database, clock):
    claim_id = add(database, clock, "Nous partirons")
    cfg = config.parse({"repeat": "7d", "reminders": []}, "t.toml")

    def flagged(days: int) -> list[tuple[str, int]]:
        done = passes.run_pass(database, cfg, DUE + timedelta(days=days), [])
        return [(a.kind, a.days_before) for a in done.flagged]

    assert flagged(0) == [("due", 0)]
    assert flagged(3) == []
    assert flagged(7) == [("repeat", -1)]
    assert flagged(7) == []  # the same moment again (a restart, a second monitor): nothing
    assert flagged(8) == []
    assert flagged(30) == [("repeat", -4)]  # back from a stop: only the latest, once
    with database.write() as session:
        verdicts.record_verdict(
            session,
            claim_id,
            "broken",
            note="Not done",
            clock=clock,
            checked_on=(DUE + timedelta(days=31)).date(),
        )
    assert flagged(60) == []  # a verdict settles it: no more repeats
    assert [a.kind for a in alerts(database)] == ["due", "repeat", "repeat"]


def test_a_repeat_says_it_is_one_in_its_message(database, clock):
    from tests.schemas import validate_alerts
    from tests.test_monitor import FakeChannel

    add(database, clock, "Nous partirons")
    cfg = config.parse({"repeat": "7d", "reminders": []}, "t.toml")
    desk = FakeChannel("desk")
    passes.run_pass(database, cfg, DUE, [desk])
    passes.run_pass(database, cfg, DUE + timedelta(days=7), [desk])
    message = desk.messages[-1]
    assert "(still awaiting a check: reminder 1)" in message.text
    assert message.data["alerts"][0]["kind"] == "repeat"
    validate_alerts(message.data)
