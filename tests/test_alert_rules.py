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


WEEK = 7 * 24 * 60  # minutes


def test_a_claim_still_awaiting_a_check_is_flagged_again_every_repeat_exactly_once(database, clock):
    claim_id = add(database, clock, "Nous partirons")
    cfg = config.parse({"repeat": "7d", "reminders": [], "digest": ""}, "t.toml")

    def flagged(days: int) -> list[tuple[str, int]]:
        done = passes.run_pass(database, cfg, DUE + timedelta(days=days), [])
        return [(a.kind, a.days_before) for a in done.flagged]

    assert flagged(0) == [("due", 0)]
    assert flagged(3) == []
    assert flagged(7) == [("repeat", -WEEK)]  # keyed by the minutes since the first flag
    assert flagged(7) == []  # the same moment again (a restart, a second monitor): nothing
    assert flagged(8) == []
    assert flagged(30) == [("repeat", -4 * WEEK)]  # back from a stop: only the latest, once
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
    cfg = config.parse({"repeat": "7d", "reminders": [], "digest": ""}, "t.toml")
    desk = FakeChannel("desk")
    passes.run_pass(database, cfg, DUE, [desk])
    passes.run_pass(database, cfg, DUE + timedelta(days=7), [desk])
    message = desk.messages[-1]
    assert "(still awaiting a check, 7 days after the first alert)" in message.text
    assert message.data["alerts"][0]["kind"] == "repeat"
    validate_alerts(message.data)


def test_a_channel_repeats_at_its_own_interval(database, clock, tmp_path):
    """The top level repeats weekly; the Iraq desk daily; the archive never. A repeat both
    intervals reach (day 7) is one alert, sent to both; the archive gets the first flag only."""
    add(database, clock, "Nous partirons")
    cfg = config.parse(
        {
            "reminders": [],
            "repeat": "7d",
            "digest": "",
            "channels": [
                {"type": "file", "name": "weekly", "path": str(tmp_path / "weekly.log")},
                {
                    "type": "file",
                    "name": "daily",
                    "path": str(tmp_path / "daily.log"),
                    "repeat": "1d",
                },
                {
                    "type": "file",
                    "name": "archive",
                    "path": str(tmp_path / "archive.log"),
                    "repeat": "0",
                },
            ],
        },
        "t.toml",
    )
    senders = channels.senders(cfg)
    sent: dict[int, dict[str, int]] = {}
    for day in range(0, 9):
        result = passes.run_pass(database, cfg, DUE + timedelta(days=day), senders)
        sent[day] = result.delivery.sent
        assert result.delivery.failed == []
    assert sent[0] == {"weekly": 1, "daily": 1, "archive": 1}  # the deadline passed
    assert sent[1] == sent[6] == sent[8] == {"daily": 1}
    assert sent[7] == {"weekly": 1, "daily": 1}
    keys = [(a.kind, a.days_before) for a in alerts(database)]
    assert keys == [("due", 0), *(("repeat", -day * 24 * 60) for day in range(1, 9))]
    assert all(a.delivered_at is not None for a in alerts(database))  # none waits on a channel
    weekly = (tmp_path / "weekly.log").read_text()
    assert "7 days after the first alert" in weekly
    assert "1 day after the first alert" not in weekly
    assert "8 days after the first alert" in (tmp_path / "daily.log").read_text()
    assert "after the first alert" not in (tmp_path / "archive.log").read_text()


def test_a_repeat_that_is_not_whole_minutes_is_refused():
    with pytest.raises(BadInput, match="whole number of minutes"):
        config.parse({"repeat": "90s"}, "t.toml")
    with pytest.raises(BadInput, match=r"channels\[1\]\.repeat: 'often' is not a duration"):
        config.parse({"channels": [{"type": "stdout", "repeat": "often"}]}, "t.toml")


def test_repeats_flagged_before_0010_keep_their_identity(database, clock):
    """Before 0010 a repeat was keyed by its count; the migration gives it the minutes since
    the first flag, so the upgraded monitor does not flag it again."""
    from sqlalchemy import text

    from claimtrack.records import migrations

    add(database, clock, "Nous partirons")
    cfg = config.parse({"repeat": "7d", "reminders": [], "digest": ""}, "t.toml")
    passes.run_pass(database, cfg, DUE, [])
    passes.run_pass(database, cfg, DUE + timedelta(days=15), [])
    migrations.downgrade(database.engine, "0009")
    with database.engine.begin() as connection:  # as 0009 keyed it: the second repeat
        connection.execute(text("UPDATE alert SET days_before = -2 WHERE kind = 'repeat'"))
    migrations.upgrade(database.engine)
    assert [(a.kind, a.days_before) for a in alerts(database)] == [
        ("due", 0),
        ("repeat", -2 * WEEK),
    ]
    assert passes.run_pass(database, cfg, DUE + timedelta(days=15), []).flagged == []


def test_with_digests_on_the_repeats_ride_in_the_digest(database, clock):
    """Daily repeats and a digest: the passes send the first flag only; the digest carries
    every repeat since the last one (one line for the claim, its latest), each exactly
    once; a channel that refused it gets them in the next digest."""
    from tests.test_monitor import FakeChannel

    add(database, clock, "Nous partirons")
    cfg = config.parse({"repeat": "1d", "reminders": [], "digest": "0 9 * * mon"}, "t.toml")
    desk, down = FakeChannel("desk"), FakeChannel("down", down=True)
    for day in range(0, 4):
        result = passes.run_pass(database, cfg, DUE + timedelta(days=day), [desk])
        assert [a.kind for a in result.flagged] == (["due"] if day == 0 else ["repeat"])
        assert result.next_wakeup is None or result.next_wakeup > DUE + timedelta(days=day)
    assert [len(m.alert_ids) for m in desk.messages] == [1]  # the first flag, on its own
    digest_at = DUE + timedelta(days=3, hours=9)
    errors = passes.send_digest(database, cfg, digest_at, [desk, down])
    assert list(errors) == ["down"]
    digest = desk.messages[-1]
    assert digest.subject.endswith("1 claim awaiting a check, 1 still unchecked after a repeat")
    repeats = [a.id for a in alerts(database) if a.kind == "repeat"]
    assert len(repeats) == 3
    assert sorted(digest.alert_ids) == repeats
    assert "3 days after the first alert" in digest.text
    assert "1 day after the first alert" not in digest.text  # the latest stands for them
    assert [r["days_before"] for r in digest.data["repeats"]] == [-3 * 24 * 60]
    week = timedelta(days=7)  # the monitor stopped meanwhile: no repeat flagged since
    assert list(passes.send_digest(database, cfg, digest_at + week, [desk, down])) == ["down"]
    assert desk.messages[-1].alert_ids == ()  # each repeat once
    down.down = False
    assert passes.send_digest(database, cfg, digest_at + 2 * week, [desk, down]) == {}
    assert sorted(down.messages[-1].alert_ids) == repeats
    assert desk.messages[-1].alert_ids == ()
    assert all(a.delivered_at is not None for a in alerts(database))
