"""Silences: alerts held, not lost, for a claimant, a tag or a claim, delivered when the
silence ends; and the commands that set, list and lift them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimtrack import config
from claimtrack.monitor import passes
from claimtrack.records import claims, silences
from claimtrack.records.moments import Clock
from tests.conftest import assert_refused, dump
from tests.test_monitor import FakeChannel, alerts

DUE = datetime(2025, 10, 1, tzinfo=UTC)
CFG = config.parse({"reminders": []}, "t.toml")


def add(database, clock, text, by, tags=()):
    with database.write() as session:
        return claims.add_claim(
            session,
            text,
            claimants=[by],
            clock=clock,
            deadline="by September 2025",
            tags=list(tags),
        ).id


def test_a_silence_holds_the_alerts_it_matches_until_it_ends(database, clock):
    held = add(database, clock, "Nous partirons", "Gouvernement", tags=["iraq"])
    free = add(database, clock, "Nous resterons", "Pentagon")
    before = Clock(DUE - timedelta(days=1), UTC, "desk")
    with database.write() as session:
        silences.silence(
            session,
            before,
            until=DUE.date() + timedelta(days=9),
            reason="caretaker period",
            claimant="Gouvernement",
        )
    desk = FakeChannel("desk")
    first = passes.run_pass(database, CFG, DUE, [desk])
    assert len(first.flagged) == 2  # both flagged: the flag is the record's
    assert [a["claim_id"] for a in desk.messages[0].data["alerts"]] == [free]
    assert first.delivery.held == [a.id for a in alerts(database) if a.claim_id == held]
    waiting = next(a for a in alerts(database) if a.claim_id == held)
    assert waiting.delivered_at is None
    assert waiting.next_attempt_at == DUE + timedelta(days=10)  # the end of its last day
    assert waiting.last_error == "held by silence 1: caretaker period"
    assert passes.run_pass(database, CFG, DUE + timedelta(days=5), [desk]).delivery.held == []
    assert len(desk.messages) == 1  # nothing while it holds
    passes.run_pass(database, CFG, DUE + timedelta(days=10), [desk])
    assert [a["claim_id"] for a in desk.messages[1].data["alerts"]] == [held]
    assert all(a.delivered_at is not None for a in alerts(database))


def test_a_silence_by_tag_or_by_claim_and_lifting_one(database, clock):
    tagged = add(database, clock, "Nous partirons", "A", tags=["syria"])
    one = add(database, clock, "Nous resterons", "B")
    before = Clock(DUE - timedelta(days=1), UTC, "desk")
    with database.write() as session:
        by_tag = silences.silence(
            session, before, until=DUE.date() + timedelta(days=30), reason="r", tag="Syria"
        )
        silences.silence(
            session, before, until=DUE.date() + timedelta(days=30), reason="r", claim_id=one
        )
    desk = FakeChannel("desk")
    assert len(passes.run_pass(database, CFG, DUE, [desk]).delivery.held) == 2
    with database.write() as session:
        silences.lift(session, by_tag.id or 0, Clock(DUE + timedelta(hours=1), UTC, "desk"))
    passes.run_pass(database, CFG, DUE + timedelta(hours=2), [desk])  # lifted: it goes out
    assert [a["claim_id"] for m in desk.messages for a in m.data["alerts"]] == [tagged]
    passes.run_pass(database, CFG, DUE + timedelta(days=31), [desk])  # the other one ends
    assert [a["claim_id"] for m in desk.messages for a in m.data["alerts"]] == [tagged, one]


def test_the_commands_set_list_and_lift_silences_and_refuse_what_makes_no_sense(run, db):
    run("add", "Nous partirons", "--by", "Gouvernement", "--due", "by 2030")
    said = run(
        "silence", "--by", "Gouvernement", "--until", "2030-06-30", "--reason", "caretaker period"
    )
    assert said.out.strip() == (
        "silence 1: claims by Gouvernement held until the end of 2030-06-30"
    )
    listed = run("silences", "--json").json()
    assert [(s["id"], s["claimant"], s["in_force"]) for s in listed] == [(1, "Gouvernement", True)]
    before = dump(db)
    assert_refused(run("silence", "--until", "2030-06-30", "--reason", "r"), "one of: --by")
    assert_refused(
        run("silence", "--tag", "x", "--by", "y", "--until", "2030-06-30", "--reason", "r"),
        "one of: --by",
    )
    assert_refused(
        run("silence", "--tag", "x", "--until", "2020-01-01", "--reason", "r"), "is not after today"
    )
    assert_refused(run("silence", "--claim", "9", "--until", "2030-01-01", "--reason", "r"), "9")
    assert_refused(run("unsilence", "7"), "no silence 7")
    assert dump(db) == before
    assert run("unsilence", "1").out.strip() == "silence 1 lifted: claims by Gouvernement"
    assert run("silences", "--json").json()[0]["in_force"] is False
    assert_refused(run("unsilence", "1"), "has ended already")


def test_an_alert_held_for_a_claim_settled_meanwhile_leaves_unsent(database, clock):
    from claimtrack.records import verdicts

    claim_id = add(database, clock, "Nous partirons", "Gouvernement")
    before = Clock(DUE - timedelta(days=1), UTC, "desk")
    with database.write() as session:
        silences.silence(
            session,
            before,
            until=DUE.date() + timedelta(days=9),
            reason="caretaker period",
            claimant="Gouvernement",
        )
    desk = FakeChannel("desk")
    passes.run_pass(database, CFG, DUE, [desk])
    with database.write() as session:
        verdicts.record_verdict(
            session,
            claim_id,
            "kept",
            note="They left",
            clock=clock,
            checked_on=(DUE + timedelta(days=3)).date(),
        )
    after = passes.run_pass(database, CFG, DUE + timedelta(days=10), [desk])
    assert desk.messages == []  # nothing left to check: no alert goes out
    assert after.delivery.settled_while_held == [a.id for a in alerts(database)]
    assert all(a.delivered_at is not None for a in alerts(database))
