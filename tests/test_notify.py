"""Channels against real servers on localhost: SMTP (aiosmtpd, with TLS from trustme) and an
HTTP server for the webhook; a channel that is down keeps its alerts for a later pass."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import select

from claimtrack import config
from claimtrack.monitor import channels, passes
from claimtrack.records import claims
from claimtrack.records.models import Alert
from tests.conftest import IRAQ, NOW
from tests.schemas import validate_alerts

SECRET = "s3cret-pa55word-never-shown"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"desk",
        SECRET.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    """A throwaway CA, a server certificate for 127.0.0.1, and the CA file a client trusts."""
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(server)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return server, ca_file


@pytest.fixture
def seeded_db(database, clock):
    with database.write() as session:
        claims.add_claim(
            session,
            IRAQ,
            claimants=["Government of the United States", "Government of Iraq"],
            clock=clock,
            language="fr",
            deadline="au plus tard en septembre 2025",
        )
    return database


def email_config(port: int, security: str, **extra: Any) -> config.Config:
    channel = {
        "type": "email",
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "from": "claimtrack@example.org",
        "to": ["desk@example.org", "editor@example.org"],
        "timeout": 5,
        **extra,
    }
    return config.parse({"channels": [channel]}, "test.toml")


def pass_with_login(database, port: int, security: str, ca_file: Path) -> passes.PassResult:
    """A pass whose email channel logs in with $SMTP_USER / $SMTP_PASSWORD over TLS."""
    cfg = email_config(
        port,
        security,
        username_env="SMTP_USER",
        password_env="SMTP_PASSWORD",
        ca_file=str(ca_file),
    )
    return passes.run_pass(database, cfg, NOW, channels.senders(cfg))


def only_alert(database) -> Alert:
    with database.read() as session:
        return session.exec(select(Alert)).one()


def check_mail(mailbox: Mailbox) -> None:
    [message] = mailbox.messages
    assert message["Subject"] == "claimtrack: 1 deadline passed — #1, 419 days overdue"
    assert message["From"] == "claimtrack@example.org"
    assert mailbox.envelopes == [
        ("claimtrack@example.org", ["desk@example.org", "editor@example.org"])
    ]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Washington conclura la mission internationale" in body
    html = message.get_body(preferencelist=("html",)).get_content()  # and a part in HTML
    assert "<li><b>#1</b> 419 days overdue" in html
    assert "Washington conclura la mission internationale" in html
    assert "419 days overdue" in body
    assert message["X-Claimtrack-Alerts"] == "1"


def test_email_over_plain_smtp_is_delivered_and_read_back(seeded_db):
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        cfg = email_config(port, "plain")
        result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    finally:
        controller.stop()
    assert len(result.delivery.delivered) == 1
    check_mail(mailbox)
    assert only_alert(seeded_db).delivered_at == NOW


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_email_over_tls_with_login_from_the_environment(
    seeded_db, tls, monkeypatch, caplog, capsys, security
):
    server_context, ca_file = tls
    monkeypatch.setenv("SMTP_USER", "desk")
    monkeypatch.setenv("SMTP_PASSWORD", SECRET)
    mailbox = Mailbox()
    port = free_port()
    # aiosmtpd offers AUTH on an implicit-TLS connection only if told not to wait for
    # STARTTLS; the client still verifies the server's certificate against the CA file.
    tls_args: dict[str, Any] = (
        {"tls_context": server_context, "require_starttls": True, "auth_require_tls": True}
        if security == "starttls"
        else {"ssl_context": server_context, "auth_require_tls": False}
    )
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        server_hostname="127.0.0.1",
        **tls_args,
    )
    controller.start()
    caplog.set_level(logging.DEBUG)
    try:
        result = pass_with_login(seeded_db, port, security, ca_file)
    finally:
        controller.stop()
    assert result.delivery.errors == {}
    check_mail(mailbox)
    captured = capsys.readouterr()
    assert SECRET not in caplog.text + captured.out + captured.err


def test_a_refused_login_is_recorded_without_the_password(seeded_db, tls, monkeypatch, caplog):
    server_context, ca_file = tls
    monkeypatch.setenv("SMTP_USER", "desk")
    monkeypatch.setenv("SMTP_PASSWORD", "wrong-" + SECRET)
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        tls_context=server_context,
        require_starttls=True,
    )
    controller.start()
    caplog.set_level(logging.DEBUG)
    try:
        result = pass_with_login(seeded_db, port, "starttls", ca_file)
    finally:
        controller.stop()
    assert mailbox.messages == []
    assert "535" in result.delivery.errors["email"]
    alert = only_alert(seeded_db)
    assert alert.delivered_at is None
    assert "535" in alert.last_error
    assert SECRET not in alert.last_error + caplog.text + json.dumps(result.to_json())


def test_an_smtp_server_that_is_down_gets_the_alert_once_it_is_back(seeded_db):
    port = free_port()
    cfg = email_config(port, "plain")
    down = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert "refused" in down.delivery.errors["email"].lower()
    assert only_alert(seeded_db).delivered_at is None

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        later = NOW + timedelta(minutes=1)
        back = passes.run_pass(seeded_db, cfg, later, channels.senders(cfg))
    finally:
        controller.stop()
    assert len(back.delivery.delivered) == 1
    check_mail(mailbox)
    assert only_alert(seeded_db).delivered_at == later


# --- webhook ------------------------------------------------------------------------------------


@dataclass
class Hook:
    """A real HTTP server that answers ``status`` and keeps what was POSTed to it."""

    status: int = 200
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def hook() -> Iterator[tuple[Hook, str]]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((self.path, dict(self.headers), body))
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/hooks/T0KEN-IN-PATH"
    finally:
        server.shutdown()
        server.server_close()


def webhook_config(url: str, **extra: Any) -> config.Config:
    return config.parse({"channels": [{"type": "webhook", "url": url, **extra}]}, "test.toml")


def test_a_webhook_gets_one_json_document_with_the_alerts(seeded_db, hook, monkeypatch):
    state, url = hook
    monkeypatch.setenv("HOOK_TOKEN", "tok-123")
    cfg = webhook_config(url, token_env="HOOK_TOKEN")
    result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert len(result.delivery.delivered) == 1
    [(path, headers, body)] = state.requests
    assert path == "/hooks/T0KEN-IN-PATH"
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Authorization"] == "Bearer tok-123"
    document = json.loads(body)
    validate_alerts(document)  # the payload is what docs/webhook-alerts.schema.json says
    assert document["report"] == "alerts"
    [alert] = document["alerts"]
    assert alert["kind"] == "due"
    assert alert["overdue_days"] == 419
    assert alert["claim"]["text"] == IRAQ
    assert alert["claim"]["deadline"]["due_at"] == "2025-10-01T00:00:00+00:00"
    assert headers["Idempotency-Key"] == f"claimtrack-alerts-{alert['alert_id']}"


def test_a_webhook_that_fails_keeps_the_alert_until_it_answers(seeded_db, hook):
    state, url = hook
    state.status = 503
    cfg = webhook_config(url)
    down = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert down.delivery.errors == {
        "webhook": f"webhook {url.split('/hooks')[0]}/…: HTTP 503 Service Unavailable"
    }
    alert = only_alert(seeded_db)
    assert alert.delivered_at is None
    assert "T0KEN" not in alert.last_error  # the URL's path is never recorded
    state.status = 204
    back = passes.run_pass(seeded_db, cfg, NOW + timedelta(minutes=1), channels.senders(cfg))
    assert len(back.delivery.delivered) == 1
    assert len(state.requests) == 2
    assert json.loads(state.requests[0][2]) == json.loads(state.requests[1][2]) | {
        "as_of": json.loads(state.requests[0][2])["as_of"]
    }


def test_a_redirect_is_a_failure_not_a_silent_get(seeded_db, hook):
    state, url = hook
    state.status = 301
    cfg = webhook_config(url)
    result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert "HTTP 301" in result.delivery.errors["webhook"]


# --- file and standard output ---------------------------------------------------------------------


def test_a_file_channel_appends_one_report_per_pass(seeded_db, clock, tmp_path):
    path = tmp_path / "alerts.jsonl"
    cfg = config.parse(
        {"channels": [{"type": "file", "path": str(path), "format": "json"}]}, "t.toml"
    )
    passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    with seeded_db.write() as session:
        claims.add_claim(session, "Report out", claimants=["X"], clock=clock, deadline="2026-11-01")
    passes.run_pass(seeded_db, cfg, NOW + timedelta(hours=1), channels.senders(cfg))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [len(json.loads(line)["alerts"]) for line in lines] == [1, 1]
    assert json.loads(lines[1])["alerts"][0]["claim"]["text"] == "Report out"


def test_a_report_torn_by_a_killed_pass_is_cut_off_before_the_next(seeded_db, tmp_path):
    """A pass killed while appending leaves part of a JSON line; that report was never
    accepted, its alerts come again, and the file stays readable line by line."""
    path = tmp_path / "alerts.jsonl"
    path.write_text('{"report": "alerts", "as_of": "earlier"}\n{"report": "al', encoding="utf-8")
    cfg = config.parse(
        {"channels": [{"type": "file", "path": str(path), "format": "json"}]}, "t.toml"
    )
    passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["as_of"] for line in lines] == ["earlier", NOW.isoformat()]
    path.write_text('{"report": "al', encoding="utf-8")  # nothing whole before the tear
    channels.senders(cfg)[0].send(channels.Message("s", "t", "m", {"report": "x"}))
    assert path.read_text(encoding="utf-8") == '{"report": "x"}\n'


def test_a_file_that_cannot_be_written_keeps_the_alert(seeded_db, tmp_path):
    cfg = config.parse(
        {"channels": [{"type": "file", "path": str(tmp_path / "gone" / "a.log")}]}, "t.toml"
    )
    result = passes.run_pass(seeded_db, cfg, NOW, channels.senders(cfg))
    assert "No such file or directory" in result.delivery.errors["file"]
    assert only_alert(seeded_db).delivered_at is None


def test_shown_urls_keep_only_scheme_and_host():
    assert channels.shown_url("https://hooks.example.org/services/T0/B1/xyz?k=1") == (
        "https://hooks.example.org/…"
    )
    assert channels.shown_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/…"
