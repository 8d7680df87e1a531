"""The monitor's logic with an injected `now`: what is due, flagging once, the outbox, wake-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from claimtrack.config import Config
from claimtrack.monitor import flagging, outbox, passes, planning
from claimtrack.monitor.channels import DeliveryFailed, Message
from claimtrack.records import claims, moments, verdicts
from claimtrack.records.models import Alert, Claim, Delivery, Event
from tests.conftest import NOW

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime(2026, 12, 31, tzinfo=UTC)  # a deadline 37 days after NOW (day 2026-12-30)


@dataclass
class FakeChannel:
    """A channel that keeps what it accepted, and refuses while ``down``."""

    name: str
    down: bool = False
    messages: list[Message] = field(default_factory=list)

    def send(self, message: Message) -> None:
        if self.down:
            raise DeliveryFailed(f"{self.name} is down")
        self.messages.append(message)

    @property
    def alert_ids(self) -> list[int]:
        return [i for message in self.messages for i in message.alert_ids]


def add(database, clock, text: str, due: str | None, **kwargs) -> int:
    with database.write() as session:
        return claims.add_claim(
            session, text, claimants=["Someone"], clock=clock, deadline=due, **kwargs
        ).id


def alerts(database) -> list[Alert]:
    with database.read() as session:
        return list(session.exec(select(Alert).order_by(Alert.id)).all())


def events(database, kind: str) -> list[Event]:
    with database.read() as session:
        return list(session.exec(select(Event).where(Event.kind == kind).order_by(Event.id)))


# --- plan: pure --------------------------------------------------------------------------------


def test_a_claim_without_deadline_or_with_a_final_verdict_calls_for_nothing():
    assert planning.plan(None, False, [30, 7], NOW, UTC) == planning.Plan((), None)
    assert planning.plan(DUE, True, [30, 7], NOW, UTC) == planning.Plan((), None)


def test_a_passed_deadline_calls_for_the_due_flag_only():
    passed = NOW - timedelta(days=400)
    plan = planning.plan(passed, False, [30, 7], NOW, UTC)
    assert plan.alerts == (planning.Planned("due", passed, 0, passed),)
    assert plan.watch_at is None


def test_before_any_reminder_the_claim_is_next_looked_at_30_days_before():
    plan = planning.plan(DUE, False, [30, 7], NOW, UTC)
    assert plan.alerts == ()
    assert plan.watch_at == datetime(2026, 12, 1, tzinfo=UTC)


def test_between_reminders_the_30_day_one_is_flagged_and_the_7_day_one_is_next():
    now = datetime(2026, 12, 10, tzinfo=UTC)
    plan = planning.plan(DUE, False, [30, 7], now, UTC)
    assert plan.alerts == (
        planning.Planned("reminder", DUE, 30, datetime(2026, 12, 1, tzinfo=UTC)),
    )
    assert plan.watch_at == datetime(2026, 12, 24, tzinfo=UTC)


def test_after_a_long_stop_only_the_latest_reminder_is_flagged():
    now = datetime(2026, 12, 28, tzinfo=UTC)
    plan = planning.plan(DUE, False, [30, 7], now, UTC)
    assert [(a.kind, a.days_before) for a in plan.alerts] == [("reminder", 7)]
    assert plan.watch_at == DUE


def test_reminders_keep_the_wall_clock_of_the_tracker_across_daylight_saving():
    due = datetime(2026, 4, 1, tzinfo=PARIS)  # midnight in Paris, summer time (UTC+2)
    assert planning.fires_at(due, 30, PARIS) == datetime(2026, 3, 2, tzinfo=PARIS)
    assert planning.fires_at(due, 30, PARIS).utcoffset() == timedelta(0)
    assert planning.fires_at(due, 30, PARIS) == datetime(2026, 3, 1, 23, tzinfo=UTC)


# --- flag ---------------------------------------------------------------------------------------


def test_catch_up_flags_a_deadline_that_passed_before_the_first_pass(database, clock):
    iraq = add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    flagged = flagging.flag(database, NOW, Config())
    assert [(a.claim_id, a.kind) for a in flagged] == [(iraq, "due")]
    assert flagged[0].due_at == datetime(2025, 10, 1, tzinfo=UTC)
    [event] = events(database, "flagged")
    assert event.claim_id == iraq
    assert event.at == NOW
    assert event.data["alert_id"] == flagged[0].alert_id


def test_the_same_deadline_is_never_flagged_twice(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    first = flagging.flag(database, NOW, Config())
    assert flagging.flag(database, NOW, Config()) == []
    assert flagging.flag(database, NOW + timedelta(days=3), Config()) == []
    assert len(alerts(database)) == len(first) == 1
    assert len(events(database, "flagged")) == 1


def test_what_is_due_is_read_without_writing(database, clock):
    iraq = add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    with database.read() as session:
        due = planning.due_as_of(session, NOW, Config())
    assert [(claim_id, planned.kind) for claim_id, planned in due] == [(iraq, "due")]
    assert alerts(database) == []
    flagging.flag(database, NOW, Config())
    with database.read() as session:
        assert planning.due_as_of(session, NOW, Config()) == []


def test_a_batch_boundary_loses_and_repeats_nothing(database, clock):
    ids = [add(database, clock, f"claim {n}", f"2025-0{1 + n % 9}-15") for n in range(7)]
    flagged = flagging.flag(database, NOW, Config(), batch=3)
    assert sorted(a.claim_id for a in flagged) == ids


def test_reminders_then_the_deadline_each_once(database, clock):
    claim_id = add(database, clock, "Report published", "2026-12-30")
    config = Config()
    moments = [NOW + timedelta(days=d) for d in range(0, 45)]
    kinds = [
        (a.kind, a.days_before) for now in moments for a in flagging.flag(database, now, config)
    ]
    assert kinds == [("reminder", 30), ("reminder", 7), ("due", 0)]
    assert {a.claim_id for a in alerts(database)} == {claim_id}


def test_a_final_verdict_stops_reminders_and_the_due_flag(database, clock):
    claim_id = add(database, clock, "Report published", "2026-12-30")
    with database.write() as session:
        verdicts.record_verdict(
            session, claim_id, "kept", note="Published early.", clock=clock, checked_on=NOW.date()
        )
    for days in range(0, 45):
        assert flagging.flag(database, NOW + timedelta(days=days), Config()) == []


def test_an_interim_verdict_does_not_stop_the_due_flag(database, clock):
    claim_id = add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    with database.write() as session:
        verdicts.record_verdict(
            session, claim_id, "in_progress", note="Drawdown under way.", clock=clock
        )
    assert [a.kind for a in flagging.flag(database, NOW, Config())] == ["due"]


def test_a_changed_deadline_arms_new_alerts(database, clock):
    claim_id = add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    assert [a.kind for a in flagging.flag(database, NOW, Config())] == ["due"]
    with database.write() as session:
        claims.edit_claim(session, claim_id, clock=clock, deadline="fin 2026")
    later = flagging.flag(database, datetime(2026, 12, 26, tzinfo=UTC), Config())
    assert [(a.kind, a.days_before, a.due_at) for a in later] == [
        ("reminder", 7, datetime(2027, 1, 1, tzinfo=UTC))
    ]
    final = flagging.flag(database, datetime(2027, 1, 1, tzinfo=UTC), Config())
    assert [(a.kind, a.due_at) for a in final] == [("due", datetime(2027, 1, 1, tzinfo=UTC))]


def test_new_reminder_offsets_replan_claims_already_looked_at(database, clock):
    add(database, clock, "Report published", "2026-12-30")
    assert flagging.flag(database, NOW, Config(reminders=[30])) == []
    with_14 = Config(reminders=[30, 14])
    flagged = flagging.flag(database, datetime(2026, 12, 17, tzinfo=UTC), with_14)
    assert [(a.kind, a.days_before) for a in flagged] == [("reminder", 14)]


# --- the next wake-up -------------------------------------------------------------------------


def test_after_a_pass_the_wakeup_is_the_earliest_future_reminder_or_deadline(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    add(database, clock, "Late one", "2027-06-30")
    add(database, clock, "Soon", "2026-12-05")  # 7-day reminder on 2026-11-29
    add(database, clock, "No deadline", None)
    result = passes.run_pass(database, Config(), NOW, [FakeChannel("desk")])
    assert result.next_wakeup == datetime(2026, 11, 29, tzinfo=UTC)
    later = passes.run_pass(database, Config(), result.next_wakeup, [FakeChannel("desk")])
    assert [(a.kind, a.days_before) for a in later.flagged] == [("reminder", 7)]
    assert later.next_wakeup == datetime(2026, 12, 6, tzinfo=UTC)  # its deadline


def test_a_claim_added_meanwhile_asks_for_a_wakeup_at_once(database, clock):
    passes.run_pass(database, Config(), NOW, [FakeChannel("desk")])
    add(database, clock, "Added after the pass", "2026-12-31")
    with database.read() as session:
        assert passes.next_wakeup(session, NOW) <= NOW


def test_nothing_to_watch_means_no_wakeup(database, clock):
    add(database, clock, "No deadline", None)
    assert passes.run_pass(database, Config(), NOW, [FakeChannel("desk")]).next_wakeup is None


# --- delivery -----------------------------------------------------------------------------------


def test_one_report_per_channel_per_pass_and_the_alert_leaves_the_outbox(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    add(database, clock, "Syria presence", "au moins jusqu'en septembre 2026")
    desk, archive = FakeChannel("desk"), FakeChannel("archive")
    result = passes.run_pass(database, Config(), NOW, [desk, archive])
    assert len(desk.messages) == len(archive.messages) == 1
    assert desk.alert_ids == archive.alert_ids == [a.alert_id for a in result.flagged]
    assert (
        desk.messages[0].subject
        == "claimtrack: 2 deadlines passed — most overdue #1, 419 days overdue"
    )
    assert sorted(result.delivery.delivered) == desk.alert_ids
    for alert in alerts(database):
        assert alert.delivered_at == NOW
        assert alert.next_attempt_at is None
        assert alert.attempts == 1
    assert len(events(database, "delivered")) == 2
    again = passes.run_pass(database, Config(), NOW + timedelta(hours=1), [desk, archive])
    assert again.delivery.delivered == []
    assert len(desk.messages) == 1


def test_a_channel_that_is_down_keeps_the_alert_until_it_is_back(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    desk, hook = FakeChannel("desk"), FakeChannel("hook", down=True)
    first = passes.run_pass(database, Config(), NOW, [desk, hook])
    [alert] = alerts(database)
    assert first.delivery.failed == [alert.id]
    assert alert.delivered_at is None
    assert alert.last_error == "hook: hook is down"
    assert alert.attempts == 1
    assert alert.next_attempt_at == NOW + timedelta(seconds=60)
    assert first.next_wakeup == NOW + timedelta(seconds=60)

    hook.down = False
    early = passes.run_pass(database, Config(), NOW + timedelta(seconds=30), [desk, hook])
    assert early.delivery.delivered == early.delivery.failed == []  # not before its retry time
    late = passes.run_pass(database, Config(), NOW + timedelta(seconds=60), [desk, hook])
    assert late.delivery.delivered == [alert.id]
    assert hook.alert_ids == [alert.id]
    assert desk.alert_ids == [alert.id]  # the channel that had it does not get it twice
    [alert] = alerts(database)
    assert alert.delivered_at == NOW + timedelta(seconds=60)
    assert alert.last_error is None
    with database.read() as session:
        channels = sorted(d.channel for d in session.exec(select(Delivery)))
    assert channels == ["desk", "hook"]


def test_retries_wait_longer_each_time_up_to_the_cap():
    config = Config(retry_after=60, retry_max=600)
    waits = [outbox.backoff(n, config).total_seconds() for n in range(1, 7)]
    assert waits == [60, 120, 240, 480, 600, 600]


def test_failures_back_off_on_the_alert_row(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    hook = FakeChannel("hook", down=True)
    now = NOW
    for expected_wait in (60, 120, 240):
        passes.run_pass(database, Config(), now, [hook])
        [alert] = alerts(database)
        assert alert.next_attempt_at == now + timedelta(seconds=expected_wait)
        now = alert.next_attempt_at
    assert alert.attempts == 3


def test_alerts_held_by_a_pass_that_died_are_delivered_after_the_lease(database, clock):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    config = Config(lease=300)
    flagging.flag(database, NOW, config)
    assert outbox._lease(database, NOW, config, 10)  # a pass took them, then was killed
    desk = FakeChannel("desk")
    assert outbox.deliver(database, NOW + timedelta(seconds=299), config, [desk]).delivered == []
    done = outbox.deliver(database, NOW + timedelta(seconds=300), config, [desk])
    assert len(done.delivered) == 1
    assert len(desk.messages) == 1


def test_awaiting_a_check_counts_claims_due_without_a_final_verdict(database, clock):
    iraq = add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    add(database, clock, "Syria presence", "au moins jusqu'en septembre 2026")
    add(database, clock, "Later", "2030")
    as_of = moments.AsOf(NOW)
    with database.read() as session:
        assert passes.count_awaiting(session, as_of) == 2
    with database.write() as session:
        verdicts.record_verdict(
            session, iraq, "broken", note="Still there.", clock=clock, checked_on=date(2026, 1, 5)
        )
    with database.read() as session:
        assert passes.count_awaiting(session, as_of) == 1
        assert passes.count_awaiting(session, moments.AsOf(datetime(2026, 1, 1, tzinfo=UTC))) == 1


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_the_pass_report_names_each_claim_with_how_long_overdue(database, clock, fmt):
    add(database, clock, "Iraq mission ends", "au plus tard en septembre 2025")
    desk = FakeChannel("desk")
    passes.run_pass(database, Config(), NOW, [desk])
    body = desk.messages[0].body(fmt)
    assert "Iraq mission ends" in body
    assert "419" in body
    assert "overdue" in body
    with database.read() as session:
        claim = session.exec(select(Claim)).one()
    assert claim.watch_at is None  # nothing left to flag for it


def test_a_pass_reads_no_table_whole(database, clock):
    """The sweep must cost O(newly due): every statement of a pass is an index search."""
    from sqlalchemy import event

    for n in range(30):
        add(database, clock, f"claim {n}", f"20{20 + n % 10}-0{1 + n % 9}-15")
    passes.run_pass(database, Config(), NOW, [FakeChannel("desk")])  # the catch-up
    add(database, clock, "Soon due", "2026-11-30")
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", keep)
    try:
        result = passes.run_pass(database, Config(), NOW + timedelta(days=7), [FakeChannel("d")])
    finally:
        event.remove(database.engine, "before_cursor_execute", keep)
    assert [a.kind for a in result.flagged] == ["due"]
    assert len(statements) >= 8
    with database.engine.connect() as connection:
        if not database.is_sqlite:
            # Small tables are cheaper to scan, so PostgreSQL would; forbidding it shows
            # whether an index can serve each statement (a Seq Scan remains only if none can).
            connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            if database.is_sqlite:
                plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                steps = [row[-1] for row in plan]
                scans = [s for s in steps if s.startswith("SCAN ") and "USING" not in s]
            else:
                plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                steps = [row[0] for row in plan]
                scans = [s for s in steps if "Seq Scan" in s]
            assert not scans, (statement, steps)
