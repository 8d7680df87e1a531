"""Alerts through Apprise to real local servers: JSON and form posts and ntfy to a local
HTTP server, email to aiosmtpd; a refused service is a failed delivery, retried."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller

from claimtrack import config
from claimtrack.errors import BadInput
from claimtrack.monitor import channels, passes
from claimtrack.records import claims
from tests.conftest import IRAQ, NOW
from tests.test_notify import Mailbox, free_port, only_alert

SECRET = "T0KEN-never-shown"


@pytest.fixture
def seeded_db(database, clock):
    with database.write() as session:
        claims.add_claim(
            session,
            IRAQ,
            claimants=["Government of the United States"],
            clock=clock,
            language="fr",
            deadline="au plus tard en septembre 2025",
        )
    return database


@dataclass
class Service:
    status: int = 200
    posts: list[tuple[str, bytes]] = field(default_factory=list)


@pytest.fixture
def service() -> Iterator[tuple[Service, int]]:
    state = Service()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state.posts.append((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, server.server_port
    finally:
        server.shutdown()
        server.server_close()


def apprise_config(*urls: str, **extra: Any) -> config.Config:
    return config.parse(
        {"channels": [{"type": "apprise", "name": "desk", "urls": list(urls), **extra}]}, "t.toml"
    )


def test_json_form_and_ntfy_services_get_the_alert(seeded_db, service):
    state, port = service
    cfg = apprise_config(
        f"json://127.0.0.1:{port}/json",
        f"form://127.0.0.1:{port}/form",
        f"ntfy://127.0.0.1:{port}/iraq-desk",
    )
    result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert len(result.delivery.delivered) == 1
    posts = dict(state.posts)
    sent = json.loads(posts["/json"])
    assert sent["title"] == "claimtrack: 1 deadline passed — #1, 419 days overdue"
    assert "Washington conclura la mission internationale" in sent["message"]
    assert parse_qs(posts["/form"].decode())["title"] == [
        "claimtrack: 1 deadline passed — #1, 419 days overdue"
    ]
    ntfy = json.loads(next(body for path, body in state.posts if path == "/"))
    assert ntfy["topic"] == "iraq-desk"
    assert "419 days overdue" in ntfy["message"]


def test_email_through_apprise_reaches_an_smtp_server(seeded_db):
    port = free_port()
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cfg = apprise_config(
            f"mailto://127.0.0.1:{port}?from=claimtrack@example.org&to=desk@example.org"
            "&mode=insecure",
            format="text",
        )
        result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    finally:
        controller.stop()
    assert len(result.delivery.delivered) == 1
    [message] = mailbox.messages
    assert message["Subject"] == "claimtrack: 1 deadline passed — #1, 419 days overdue"
    assert mailbox.envelopes[0][1] == ["desk@example.org"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Washington conclura la mission internationale" in text


def test_a_secret_comes_from_the_environment_and_is_never_recorded(seeded_db, service, monkeypatch):
    state, port = service
    monkeypatch.setenv("DESK_HOOK", SECRET)
    cfg = apprise_config(f"json://127.0.0.1:{port}/${{DESK_HOOK}}")
    channels.check_environment(cfg)
    state.status = 500
    down = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    error = down.delivery.errors["desk"]
    assert error.startswith("apprise desk (json://…): ")
    assert SECRET not in error
    assert SECRET not in (only_alert(seeded_db).last_error or "")
    assert state.posts[0][0] == f"/{SECRET}"  # the service got the real address
    state.status = 200
    back = passes.run_pass(seeded_db, cfg, NOW + timedelta(minutes=1), channels.senders(cfg))
    assert len(back.delivery.delivered) == 1  # retried after its backoff, then accepted


def test_an_unreachable_service_is_a_failed_delivery(seeded_db):
    cfg = apprise_config(f"json://127.0.0.1:{free_port()}/hook")
    down = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert down.delivery.errors["desk"] == "apprise desk (json://…): Connection error"
    assert only_alert(seeded_db).delivered_at is None


def test_the_configuration_is_checked_before_anything_is_sent(monkeypatch):
    monkeypatch.delenv("NOT_SET", raising=False)
    with pytest.raises(BadInput, match="environment variable NOT_SET is not set"):
        channels.check_environment(apprise_config("slack://${NOT_SET}/#desk"))
    with pytest.raises(BadInput, match="is not an Apprise URL"):
        apprise_config("hooks.slack.com/abc")
    one = config.parse({"channels": [{"type": "apprise", "urls": "json://127.0.0.1/x"}]}, "t")
    assert one.channels[0].urls == ["json://127.0.0.1/x"]  # type: ignore[union-attr]
    mail = config.parse(
        {"channels": [{"type": "email", "host": "h", "from": "a@b.c", "to": "d@e.f"}]}, "t"
    )
    assert mail.channels[0].to == ["d@e.f"]  # type: ignore[union-attr]
