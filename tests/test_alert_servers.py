"""The alert rules end to end, through real servers on 127.0.0.1: an Iraq desk that gets the
Iraq claims by email (aiosmtpd) and a reminder every week, and a newsroom webhook (a local
HTTP server) that gets every claim once; a grace of two days; a silence over a ministry."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from aiosmtpd.controller import Controller

from claimtrack import config
from claimtrack.monitor import channels, passes
from claimtrack.records import claims, silences
from claimtrack.records.moments import Clock
from tests.schemas import validate_alerts
from tests.test_notify import Mailbox, free_port, hook  # noqa: F401 (hook is a fixture)

IRAQ_DUE = datetime(2025, 10, 1, tzinfo=UTC)  # "au plus tard en septembre 2025"
BUDGET_DUE = datetime(2025, 10, 16, tzinfo=UTC)  # "by 15 October 2025"


def newsroom(smtp_port: int, hook_url: str) -> config.Config:
    return config.parse(
        {
            "reminders": [],
            "digest": "",
            "grace": "2d",
            "repeat": "7d",
            "channels": [
                {
                    "name": "iraq-desk",
                    "type": "email",
                    "host": "127.0.0.1",
                    "port": smtp_port,
                    "security": "plain",
                    "from": "claimtrack@example.org",
                    "to": "iraq-desk@example.org",
                    "tags": ["iraq"],
                    "timeout": 5,
                },
                {"name": "newsroom", "type": "webhook", "url": hook_url, "repeat": "0"},
            ],
        },
        "claimtrack.toml",
    )


def test_grace_routing_repeat_and_silence_as_the_servers_see_them(database, clock, hook):  # noqa: F811
    state, url = hook
    with database.write() as session:
        iraq = claims.add_claim(
            session,
            "La mission se terminera au plus tard en septembre 2025.",
            claimants=["Government of Iraq"],
            clock=clock,
            deadline="au plus tard en septembre 2025",
            tags=["iraq"],
        ).id
        budget = claims.add_claim(
            session,
            "The budget will be balanced.",
            claimants=["Ministry of Finance"],
            clock=clock,
            deadline="by 15 October 2025",
            tags=["budget"],
        ).id
        silences.silence(
            session,
            Clock(IRAQ_DUE, UTC, "desk"),
            until=date(2025, 10, 20),
            reason="caretaker period",
            claimant="Ministry of Finance",
        )
    mailbox = Mailbox()
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        cfg = newsroom(port, url)

        def at(moment: datetime) -> passes.PassResult:
            return passes.run_pass(database, cfg, moment, channels.senders(cfg))

        def hooked() -> list[list[int]]:
            documents = [json.loads(body) for _, _, body in state.requests]
            for document in documents:
                validate_alerts(document)
            return [[a["claim_id"] for a in document["alerts"]] for document in documents]

        # within the grace: the deadline has passed, nobody is told yet
        assert at(IRAQ_DUE + timedelta(days=1)).flagged == []
        assert (mailbox.messages, state.requests) == ([], [])

        # the grace is over: the desk and the newsroom each hear of the Iraq claim once
        at(IRAQ_DUE + timedelta(days=2, hours=1))
        [first] = mailbox.messages
        assert first["To"] == "iraq-desk@example.org"
        assert first["Subject"] == f"claimtrack: 1 deadline passed — #{iraq}, 2 days overdue"
        assert hooked() == [[iraq]]

        # two weeks on, no verdict: the desk is reminded once (the latest repeat), the
        # newsroom, whose channel does not repeat, is not
        at(IRAQ_DUE + timedelta(days=16, hours=12))
        assert len(mailbox.messages) == 2
        reminder = mailbox.messages[1].get_body(preferencelist=("plain",)).get_content()
        assert "16 days overdue" in reminder
        assert "still awaiting a check, 14 days after the first alert" in reminder
        assert hooked() == [[iraq]]

        # the budget claim's grace is over during the silence: flagged, held, not sent
        held = at(BUDGET_DUE + timedelta(days=2, hours=12))
        assert [a.claim_id for a in held.flagged] == [budget]
        assert hooked() == [[iraq]]
        assert len(mailbox.messages) == 2  # the desk does not take the budget claims

        # the silence ends with 20 October: the newsroom gets the held alert, once
        at(datetime(2025, 10, 21, 0, 5, tzinfo=UTC))
        at(datetime(2025, 10, 21, 6, 0, tzinfo=UTC))
        assert hooked() == [[iraq], [budget]]
        assert len(mailbox.messages) == 2
    finally:
        smtp.stop()
