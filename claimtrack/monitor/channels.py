"""Channels that reports go to: standard output, a file, email over SMTP, a webhook.

A channel either accepts a message or raises ``DeliveryFailed`` with one line saying why;
the monitor keeps an alert in its outbox until every channel accepted it. Nothing here
prints or logs a secret: passwords and tokens are read from the environment at the moment
of sending, and a webhook URL (which often carries a token in its path) is shown by its
host only.
"""

from __future__ import annotations

import json
import os
import re
import smtplib
import ssl
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from claimtrack.config import (
    ENV_REFERENCE,
    AppriseChannel,
    Config,
    EmailChannel,
    FileChannel,
    StdoutChannel,
    WebhookChannel,
)
from claimtrack.errors import BadInput
from claimtrack.terminal import safe


class DeliveryFailed(Exception):
    """A channel did not accept a message; the message says why, in one line."""


@dataclass(frozen=True)
class Message:
    """One report, rendered for every kind of channel."""

    subject: str
    text: str
    markdown: str
    data: dict[str, Any]
    alert_ids: tuple[int, ...] = field(default=())
    html: str | None = None  # for email, beside the text

    def body(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(self.data, ensure_ascii=False, sort_keys=True)
        return self.markdown if fmt == "markdown" else self.text


class Sender(Protocol):
    name: str

    def send(self, message: Message) -> None: ...


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("claimtrack")
    except PackageNotFoundError:
        return "dev"


class _Named:
    """A sender is known by its channel's name (the key of its delivery records)."""

    channel: StdoutChannel | FileChannel | EmailChannel | WebhookChannel | AppriseChannel

    @property
    def name(self) -> str:
        return self.channel.name


@dataclass
class StdoutSender(_Named):
    channel: StdoutChannel
    stream: TextIO

    def send(self, message: Message) -> None:
        try:
            body = message.body(self.channel.format)
            # A terminal reads this channel: text and Markdown with control characters shown.
            self.stream.write((body if self.channel.format == "json" else safe(body)) + "\n")
            self.stream.flush()
        except (OSError, ValueError) as error:
            raise DeliveryFailed(f"standard output: {error}") from None


@dataclass
class FileSender(_Named):
    channel: FileChannel

    def send(self, message: Message) -> None:
        """Append, then fsync: the report is on disk before the alert counts as delivered."""
        body = message.body(self.channel.format)
        entry = body + "\n" if self.channel.format == "json" else body + "\n\n"
        try:
            if self.channel.format == "json":
                _drop_torn_tail(self.channel.path)
            with open(self.channel.path, "a", encoding="utf-8") as file:
                file.write(entry)
                file.flush()
                os.fsync(file.fileno())
        except OSError as error:
            raise DeliveryFailed(f"file {self.channel.path}: {error.strerror or error}") from None


def _drop_torn_tail(path: Any) -> None:
    """Cut off a last line left unfinished: a pass killed while appending (a large report
    takes several writes) leaves part of one JSON document with no newline. That report was
    never accepted (its alerts are still in the outbox and come again), so it is removed
    rather than left to make the file unreadable line by line."""
    try:
        with open(path, "r+b") as file:
            end = file.seek(0, os.SEEK_END)
            if end == 0:
                return
            file.seek(end - 1)
            if file.read(1) == b"\n":
                return
            position = end
            while position > 0:
                step = min(65536, position)
                position -= step
                file.seek(position)
                found = file.read(step).rfind(b"\n")
                if found >= 0:
                    file.truncate(position + found + 1)
                    return
            file.truncate(0)
    except FileNotFoundError:
        return


def _secret(variable: str | None) -> str | None:
    return os.environ.get(variable) if variable else None


def _tls(ca_file: Any) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


@dataclass
class EmailSender(_Named):
    channel: EmailChannel

    def compose(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["Subject"] = message.subject
        email["From"] = self.channel.sender
        email["To"] = ", ".join(self.channel.to)
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self.channel.sender.rpartition("@")[2])
        if message.alert_ids:  # lets a mail filter drop a report delivered twice
            email["X-Claimtrack-Alerts"] = ",".join(str(i) for i in message.alert_ids)
        email.set_content(message.body(self.channel.format))
        if message.html and self.channel.format != "json":
            email.add_alternative(message.html, subtype="html")
        return email

    def send(self, message: Message) -> None:
        channel = self.channel
        where = f"email via {channel.host}:{channel.effective_port}"
        user, password = _secret(channel.username_env), _secret(channel.password_env)
        try:
            if channel.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    channel.host,
                    channel.effective_port,
                    timeout=channel.timeout,
                    context=_tls(channel.ca_file),
                )
            else:
                smtp = smtplib.SMTP(channel.host, channel.effective_port, timeout=channel.timeout)
            with smtp:
                if channel.security == "starttls":
                    smtp.starttls(context=_tls(channel.ca_file))
                if user:
                    smtp.login(user, password or "")
                refused = smtp.send_message(self.compose(message))
        except smtplib.SMTPResponseException as error:
            reason = error.smtp_error.decode("utf-8", "replace") if error.smtp_error else ""
            raise DeliveryFailed(f"{where}: server said {error.smtp_code} {reason}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"{where}: {type(error).__name__}: {error}") from None
        if refused:
            raise DeliveryFailed(f"{where}: recipients refused: {', '.join(sorted(refused))}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a GET without its body: treat it as a failure."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def shown_url(url: str) -> str:
    """A URL as logs may show it: scheme and host, never a path or query that holds a token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}/…"


@dataclass
class WebhookSender(_Named):
    channel: WebhookChannel

    def send(self, message: Message) -> None:
        channel = self.channel
        where = f"webhook {shown_url(channel.url)}"
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": f"claimtrack/{_version()}",
        }
        token = _secret(channel.token_env)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if message.alert_ids:
            headers["Idempotency-Key"] = "claimtrack-alerts-" + "-".join(
                str(i) for i in message.alert_ids
            )
        body = json.dumps(message.data, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(channel.url, data=body, headers=headers, method="POST")
        handlers: list[Any] = [_NoRedirect()]
        if channel.url.startswith("https:"):
            handlers.append(urllib.request.HTTPSHandler(context=_tls(channel.ca_file)))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(request, timeout=channel.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryFailed(f"{where}: HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            raise DeliveryFailed(f"{where}: {error.reason}") from None
        except OSError as error:
            raise DeliveryFailed(f"{where}: {type(error).__name__}: {error}") from None
        if not 200 <= status < 300:
            raise DeliveryFailed(f"{where}: HTTP {status}")


@dataclass
class AppriseSender(_Named):
    """Through Apprise, to every service of the channel: the message's subject as the title,
    its text in the channel's format as the body. Accepted when every service took it."""

    channel: AppriseChannel

    def send(self, message: Message) -> None:
        import apprise

        channel = self.channel
        notifier = apprise.Apprise()
        for url in channel.urls:
            if not notifier.add(_expanded(url)):
                raise DeliveryFailed(f"apprise {channel.name}: {_scheme(url)} URL not understood")
        body_format = {
            "markdown": apprise.NotifyFormat.MARKDOWN,
            "json": apprise.NotifyFormat.TEXT,
            "text": apprise.NotifyFormat.TEXT,
        }[channel.format]
        with apprise.LogCapture(level=apprise.logging.WARNING) as logs:
            done = bool(
                notifier.notify(
                    title=message.subject,
                    body=message.body(channel.format),
                    body_format=body_format,
                )
            )
            said = logs.getvalue()
        if not done:
            reason = _first_reason(said)
            services = ", ".join(_scheme(url) for url in channel.urls)
            raise DeliveryFailed(f"apprise {channel.name} ({services}): {reason}")


def _expanded(url: str) -> str:
    """``${VARIABLE}`` replaced by its value from the environment, at the moment of sending."""
    return ENV_REFERENCE.sub(lambda m: os.environ.get(m[1], ""), url)


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] + "://…"


def _first_reason(logs: str) -> str:
    """The services' first complaint, without anything that could hold a secret: only its
    kind (an HTTP code, a refused connection, a timeout) is kept."""
    pattern = r"HTTP error code: \d+|error=\d+|connection error|refused|timed out|timeout"
    for line in logs.splitlines():
        if found := re.search(pattern, line, re.IGNORECASE):
            return found[0]
    return "a service refused the message"


def senders(config: Config, stdout: TextIO | None = None) -> list[Sender]:
    """One sender per configured channel, in the order of the file."""
    made: list[Sender] = []
    for channel in config.channels:
        if isinstance(channel, StdoutChannel):
            made.append(StdoutSender(channel, stdout or sys.stdout))
        elif isinstance(channel, FileChannel):
            made.append(FileSender(channel))
        elif isinstance(channel, EmailChannel):
            made.append(EmailSender(channel))
        elif isinstance(channel, AppriseChannel):
            made.append(AppriseSender(channel))
        else:
            made.append(WebhookSender(channel))
    return made


def check_environment(config: Config) -> None:
    """Refuse at start a channel whose secret's environment variable is not set."""
    for index, channel in enumerate(config.channels, start=1):
        names: Sequence[tuple[str, str | None]] = []
        if isinstance(channel, EmailChannel):
            names = [
                ("username_env", channel.username_env),
                ("password_env", channel.password_env),
            ]
        elif isinstance(channel, WebhookChannel):
            names = [("token_env", channel.token_env)]
        elif isinstance(channel, AppriseChannel):
            names = [("urls", variable) for variable in channel.variables]
        for key, variable in names:
            if variable and variable not in os.environ:
                raise BadInput(
                    f"config: channels[{index}].{key}",
                    f"environment variable {variable} is not set; export it before starting",
                )
        if isinstance(channel, FileChannel) and not channel.path.parent.is_dir():
            raise BadInput(
                f"config: channels[{index}].path",
                f"folder {channel.path.parent} does not exist; give a file in an existing folder",
            )
