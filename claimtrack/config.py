"""The configuration file: one TOML file for the time zone, reminders, the monitor's timing
and the channels that reports go to.

Found at ``--config``, else ``$CLAIMTRACK_CONFIG``, else ``config.toml`` in the user's config
folder; with no file at all the defaults below apply (UTC, reminders 30 and 7 days before,
a sweep every minute, a digest on Monday at 09:00, reports on standard output). A file with
a mistake is refused whole, with the key that is wrong: a monitor that silently ignored a
misspelt channel would be worse than one that does not start.

Secrets never live in the file: a channel names the environment variables that hold them.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from claimtrack.errors import BadInput
from claimtrack.locations import ENV_CONFIG, default_path, locate, zone_of

__all__ = ["ENV_CONFIG", "Config", "default_path", "load", "locate", "parse", "zone_of"]
FORMATS = ("text", "markdown", "json")
Format = Literal["text", "markdown", "json"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def duration(value: Any) -> Any:
    """ "3d", "12h", "90m", "2w", "30s", "0" or a number of seconds, as a ``timedelta``."""
    if isinstance(value, str):
        if value.strip() == "0":
            return timedelta(0)
        found = re.fullmatch(r"\s*(\d+)\s*([smhdw])\s*", value)
        if not found:
            raise ValueError(f"'{value}' is not a duration; write e.g. 3d, 12h, 90m or 2w")
        return timedelta(**{DURATION_UNITS[found[2]]: int(found[1])})
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    return value


def whole_minutes(value: timedelta | None) -> timedelta | None:
    """A repeat is kept as the minutes since the first alert (its key), so it must be a
    whole number of minutes: 0 (never), or 1m and more."""
    if value is not None and (value < timedelta(0) or value % timedelta(minutes=1)):
        raise ValueError("a repeat is a whole number of minutes or more, e.g. 7d, 12h or 90m")
    return value


class _Routed(_Strict):
    """What every channel may narrow: only the claims with one of these tags, or by one of
    these claimants (the Iraq desk gets the Iraq claims); empty: every claim. ``repeat``
    overrides the top level's for this channel ("0" for none)."""

    tags: list[Annotated[str, Field(min_length=1)]] = []
    claimants: list[Annotated[str, Field(min_length=1)]] = []
    repeat: timedelta | None = None

    _duration = field_validator("repeat", mode="before")(duration)
    _minutes = field_validator("repeat")(whole_minutes)

    def wants(self, tags: list[str], claimants: list[str]) -> bool:
        if self.tags and not {t.lower() for t in self.tags} & set(tags):
            return False
        return not (self.claimants and not set(self.claimants) & set(claimants))


class StdoutChannel(_Routed):
    """The terminal or the service log that the monitor's standard output goes to."""

    type: Literal["stdout"]
    name: str = "stdout"
    format: Format = "text"


class FileChannel(_Routed):
    """Reports appended to a file, e.g. one that a desk's shared folder syncs."""

    type: Literal["file"]
    name: str = "file"
    path: Path
    format: Format = "text"

    @field_validator("path")
    @classmethod
    def _expand(cls, path: Path) -> Path:
        # A folder is a mistake in the file; a missing folder may be a share not mounted yet,
        # so that is a failed delivery, retried, not a refusal to start.
        path = path.expanduser()
        if path.is_dir():
            raise ValueError(f"{path} is a folder; give a file path, e.g. {path}/alerts.log")
        return path


class EmailChannel(_Routed):
    """A plain-text email over SMTP: ``plain`` (no TLS), ``starttls`` or ``ssl``."""

    type: Literal["email"]
    name: str = "email"
    host: str = Field(min_length=1)
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["plain", "starttls", "ssl"] = "starttls"
    sender: str = Field(alias="from", min_length=3, pattern=r"@")
    to: list[Annotated[str, Field(pattern=r"@")]] = Field(min_length=1)
    username_env: str | None = None  # names of environment variables, never the secrets
    password_env: str | None = None
    ca_file: Path | None = None  # a CA bundle to trust instead of the system's
    timeout: float = Field(default=30.0, gt=0)
    format: Format = "text"

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # to = "desk@example.org"

    @property
    def effective_port(self) -> int:
        return self.port or {"plain": 25, "starttls": 587, "ssl": 465}[self.security]


class WebhookChannel(_Routed):
    """A JSON document POSTed to a URL (a chat tool's incoming hook, a newsroom's service)."""

    type: Literal["webhook"]
    name: str = "webhook"
    url: str = Field(pattern=r"^https?://[^/\s]+")
    token_env: str | None = None  # sent as "Authorization: Bearer <token>"
    ca_file: Path | None = None
    timeout: float = Field(default=10.0, gt=0)

    @field_validator("url")
    @classmethod
    def _no_credentials(cls, url: str) -> str:
        """A user and password in the URL would be sent to the resolver as part of the host
        name, and printed wherever the URL is; the secret belongs in ``token_env``."""
        if "@" in urlsplit(url).netloc:
            raise ValueError(
                "holds a user or password (user:pass@host); put the secret in token_env"
            )
        return url


ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class AppriseChannel(_Routed):
    """Any of the services Apprise reaches (Slack, Teams, Matrix, Telegram, Discord, ntfy,
    email, …), each by its Apprise URL. A secret is written ``${VARIABLE}``: it is read from
    the environment when a message is sent, so the file and the logs never hold it."""

    type: Literal["apprise"]
    name: str = "apprise"
    urls: list[Annotated[str, Field(min_length=4)]] = Field(min_length=1)
    format: Format = "markdown"

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("urls")
    @classmethod
    def _service_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^[a-z][a-z0-9+.-]*://\S", url):
                raise ValueError(
                    f"'{url}' is not an Apprise URL; give service://…, e.g. "
                    "slack://${SLACK_TOKEN_A}/${SLACK_TOKEN_B}/${SLACK_TOKEN_C}/#desk"
                )
        return urls

    @property
    def variables(self) -> list[str]:
        return [name for url in self.urls for name in ENV_REFERENCE.findall(url)]


Channel = Annotated[
    StdoutChannel | FileChannel | EmailChannel | WebhookChannel | AppriseChannel,
    Field(discriminator="type"),
]


class Publishing(_Strict):
    """Who publishes the exports: ClaimReview's author, and where each claim has its page."""

    name: str | None = Field(default=None, min_length=1)  # the organisation, e.g. a newsroom
    url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+")
    # A claim's public page, with {id} or {uuid}: https://factcheck.example/claims/{id}
    claim_url: str | None = Field(default=None, pattern=r"^https?://[^/\s]+")
    # The monitor (and `claimtrack check`) publish the static site here after a pass when
    # something changed (claimtrack publish; its address is ``url``).
    static_dir: Path | None = None
    # The language of the site, the reports and the alerts (en, fr); $CLAIMTRACK_LANG wins.
    language: str = "en"

    @field_validator("language")
    @classmethod
    def _spoken(cls, value: str) -> str:
        from claimtrack.language import LANGUAGES

        if value not in LANGUAGES:
            raise ValueError(
                f"'{value}' is not a language claimtrack speaks; use one of {', '.join(LANGUAGES)}"
            )
        return value

    @field_validator("claim_url")
    @classmethod
    def _placeholder(cls, value: str | None) -> str | None:
        if value is not None and "{id}" not in value and "{uuid}" not in value:
            raise ValueError(f"'{value}' names no claim; put {{id}} or {{uuid}} where it goes")
        return value

    @model_validator(mode="after")
    def _addressed(self) -> Publishing:
        if self.static_dir is not None and self.url is None:
            raise ValueError(
                "static_dir needs url, the site's address for the feeds and the calendar: "
                'url = "https://tracker.example.org/"'
            )
        return self

    def link(self, claim_id: int | None, claim_uuid: str) -> str | None:
        if self.claim_url is None:
            return None
        return self.claim_url.replace("{id}", str(claim_id)).replace("{uuid}", claim_uuid)


class Web(_Strict):
    """What `claimtrack serve` accepts from a client."""

    # The largest request body, in bytes; a larger one is answered 413 before it is read.
    max_body: int = Field(default=1_048_576, ge=1024, le=1_073_741_824)
    # How often, in seconds, a served answer kept in memory is checked against the
    # database's version: a write elsewhere shows within this long (0: on every request).
    cache_check: float = Field(default=1.0, ge=0, le=3600)
    # Keep rendered answers in memory (false: render every request; ETags and 304s stay).
    cache: bool = True
    # The served calendars (/deadlines.ics, a claimant's, a tag's): deadlines from this many
    # days back to this many ahead, the nearest to today first, at most calendar_limit.
    calendar_past_days: int = Field(default=365, ge=0, le=36_600)
    calendar_ahead_days: int = Field(default=730, ge=0, le=36_600)
    calendar_limit: int = Field(default=1000, ge=1, le=100_000)


class Config(_Strict):
    """Everything the monitor and the CLI read from the configuration file."""

    timezone: str = "UTC"
    reminders: list[Annotated[int, Field(ge=1, le=3660)]] = [30, 7]
    sweep_interval: float = Field(default=60.0, ge=1, le=86400)
    digest: str = "0 9 * * mon"  # crontab (minute hour day month weekday); "" for none
    digest_days: int = Field(default=30, ge=0, le=3660)
    retry_after: float = Field(default=60.0, ge=1)  # first retry of a failed delivery
    retry_max: float = Field(default=3600.0, ge=1)  # the longest wait between retries
    lease: float = Field(default=300.0, ge=10)  # how long a pass holds alerts it delivers
    # A channel refusing every delivery for this long (seconds) is named in the digest.
    alarm_after: float = Field(default=3600.0, ge=0)
    # A claim is flagged this long after its deadline passes (time for the news to arrive):
    # "3d", "12h", "90m", "2w", or 0. Its status says due from the deadline on.
    grace: timedelta = timedelta(0)
    # While a claim stays awaiting a check, remind again this often ("7d"; 0: never).
    repeat: timedelta = timedelta(0)
    channels: list[Channel] = Field(
        default_factory=lambda: [StdoutChannel(type="stdout")], min_length=1
    )
    publishing: Publishing = Field(default_factory=Publishing)
    web: Web = Field(default_factory=Web)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, name: str) -> str:
        zone_of(name)
        return name

    _duration = field_validator("grace", "repeat", mode="before")(duration)
    _minutes = field_validator("repeat")(whole_minutes)

    @field_validator("reminders")
    @classmethod
    def _distinct(cls, days: list[int]) -> list[int]:
        return sorted(set(days), reverse=True)

    @field_validator("digest")
    @classmethod
    def _crontab(cls, value: str) -> str:
        value = value.strip()
        if value in ("", "off"):
            return ""
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone=UTC)
        except ValueError as error:
            raise ValueError(f"'{value}' is not a crontab schedule ({error})") from None
        return value

    @field_validator("channels")
    @classmethod
    def _named_once(cls, channels: list[Any]) -> list[Any]:
        names = [channel.name for channel in channels]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two channels are named '{name}'; give each its own name")
        return channels

    @property
    def tz(self) -> tzinfo:
        return zone_of(self.timezone)

    def repeat_of(self, channel: Any) -> timedelta:
        """How often ``channel`` is reminded of a claim still awaiting a check (0: never)."""
        own = getattr(channel, "repeat", None)
        return self.repeat if own is None else own

    @property
    def repeats(self) -> tuple[timedelta, ...]:
        """Every interval some channel repeats at, shortest first: the monitor plans each."""
        return tuple(sorted({self.repeat_of(c) for c in self.channels} - {timedelta(0)}))


ACCEPTED = {
    "missing": "this key is required",
    "extra_forbidden": "unknown key (misspelt?); the README lists the keys",
    "union_tag_invalid": "unknown channel type; use stdout, file, email, webhook or apprise",
    "union_tag_not_found": "a channel needs a type: stdout, file, email, webhook or apprise",
}
PATTERNS = {
    "url": "give an http:// or https:// URL, e.g. https://hooks.example.org/claimtrack",
    "from": "give an email address, e.g. claimtrack@example.org",
    "to": 'give email addresses, e.g. ["desk@example.org"]',
}


def _key(location: tuple[int | str, ...]) -> str:
    """A pydantic error location as a person writes the key: ``channels[2].port``."""
    key = ""
    for part in location:
        if isinstance(part, int):
            key += f"[{part + 1}]"
        elif part in ("stdout", "file", "email", "webhook", "apprise") and key.endswith("]"):
            continue  # the discriminator pydantic adds after a channel's index
        else:
            key += f".{part}" if key else str(part)
    return key


def _describe(error: ValidationError) -> tuple[str, str]:
    first = error.errors(include_url=False)[0]
    location = tuple(first["loc"])
    key = _key(location) or "(file)"
    message = ACCEPTED.get(first["type"]) or str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "string_pattern_mismatch":
        field = next((part for part in reversed(location) if isinstance(part, str)), "")
        message = PATTERNS.get(field, message)
    if first["type"] == "too_short" and key == "channels":
        message = 'give at least one channel, e.g. [[channels]] type = "stdout"'
    return key, message


def parse(data: dict[str, Any], source: str) -> Config:
    """A configuration from TOML data, or BadInput naming the key that is wrong."""
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        key, message = _describe(error)
        raise BadInput(f"config {source}: {key}", message) from None


def load(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration; defaults when no file is named and none is at the default place."""
    location, named = locate(path)
    if not location.exists():
        if named:
            raise BadInput("--config", f"{location} does not exist; give the path of a TOML file")
        return Config()
    try:
        data = tomllib.loads(location.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput("--config", f"cannot read {location}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise BadInput(
            f"config {location}", f"not valid TOML ({error}); see the README's example"
        ) from None
    return parse(data, str(location))
