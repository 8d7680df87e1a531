"""What every command shares: the `claimtrack` group, its options and parameter types, the
tracker's settings, zone and clock, the database opened for one command, and printing
that is safe for a terminal.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import click

from claimtrack.errors import BadInput
from claimtrack.terminal import one_line, safe

if TYPE_CHECKING:
    from claimtrack.config import Config
    from claimtrack.records.moments import AsOf, Clock
    from claimtrack.records.store import Database

ENV_TZ = "CLAIMTRACK_TZ"
ENV_USER = "CLAIMTRACK_USER"


def env_zone() -> str | None:
    """$CLAIMTRACK_TZ, checked: when set it overrides the configuration's time zone."""
    from claimtrack.locations import zone_of

    name = os.environ.get(ENV_TZ)
    if name:
        try:
            zone_of(name)
        except ValueError as error:
            raise BadInput(ENV_TZ, str(error)) from None
    return name or None


def settings(path: str | None = None) -> Config:
    """The configuration file (``--config``, $CLAIMTRACK_CONFIG or the default place), with
    $CLAIMTRACK_TZ, when set, overriding its time zone."""
    from claimtrack import config, language

    loaded = config.load(path)
    # A $CLAIMTRACK_LANG claimtrack does not speak is refused here, in one line, rather
    # than by every page the server renders or every pass the monitor makes.
    language.from_environment(loaded.publishing.language)
    name = env_zone()
    return loaded.model_copy(update={"timezone": name}) if name else loaded


def speak(cfg: Config | None = None) -> None:
    """Word what this command prints in $CLAIMTRACK_LANG, else the configuration's
    [publishing] language (read only when a configuration file exists), else English."""
    from claimtrack import language
    from claimtrack.locations import locate

    if cfg is None and not os.environ.get(language.ENV_LANG):
        location, named = locate(None)
        cfg = settings() if named or location.exists() else None
    language.set_current(language.from_environment(cfg.publishing.language if cfg else None))


def tracker_tz() -> tzinfo:
    """The time zone deadlines are read in: $CLAIMTRACK_TZ, else the configuration's, else UTC.

    Without a configuration file this reads no TOML and imports no validation library.
    """
    from claimtrack.locations import locate, zone_of

    name = env_zone()
    if name:
        return zone_of(name)
    location, named = locate(None)
    if not named and not location.exists():
        return UTC
    return settings().tz


def now_utc() -> datetime:
    return datetime.now(UTC)


def clock() -> Clock:
    from getpass import getuser

    from claimtrack.records.moments import Clock

    try:
        who = os.environ.get(ENV_USER) or getuser()
    except Exception:  # no user name on this system: record none rather than fail
        who = None
    return Clock(now_utc(), tracker_tz(), who)


def moment_of(value: str | None, tz: tzinfo | None = None) -> AsOf:
    """``--as-of`` read in ``tz`` (default: the tracker's zone), or now."""
    from claimtrack.deadlines.days import parse_moment
    from claimtrack.records.moments import AsOf

    tz = tz or tracker_tz()
    return AsOf(parse_moment(value, "--as-of", tz) if value is not None else now_utc(), tz)


def day(value: str | None, field: str) -> date | None:
    from claimtrack.deadlines.days import parse_date

    return parse_date(value, field) if value is not None else None


@contextmanager
def database(db: str | None, *, migrate: bool = True) -> Iterator[Database]:
    """Open the database for one command; a file this command created is removed if it fails.
    ``migrate=False``: a database not at the current schema is refused, not upgraded (for a
    command that promises to write nothing)."""
    from claimtrack.records.store import open_database

    opened = open_database(db, migrate=migrate)
    try:
        yield opened
    except BaseException:
        opened.discard()  # removes the file only if this command created it
        raise
    opened.dispose()


class Whole(click.ParamType):
    """A whole number typed in ASCII digits, within what a database column holds: ``int``
    would take other scripts' digits (``٣`` as 3) and numbers no column can store."""

    name = "integer"

    def __init__(self, low: int, high: int, example: str) -> None:
        self.low, self.high, self.example = low, high, example

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            self.fail(f"'{value}' is not a whole number; use digits, e.g. {self.example}")
        number = int(text)
        if not self.low <= number <= self.high:
            self.fail(f"{text} is not between {self.low} and {self.high}")
        return number


BIGGEST = 2**63 - 1  # a 64-bit column's largest value, on SQLite as on PostgreSQL
ID = Whole(1, 2**31 - 1, "12")  # models.MAX_ID (test_unstorable checks they agree)
COUNT = Whole(1, 1_000_000, "50")
OFFSET = Whole(0, BIGGEST // 2, "100")
# deadlines.days.MAX_DAYS, written out so that --help loads no date library (test_unstorable checks)
MAX_DAYS = 36_600


def say(text: str, *, err: bool = False) -> None:
    """Print human-readable text, its control characters made visible (terminal.safe)."""
    click.echo(safe(text), err=err)


def refuse(message: str) -> None:
    """The one line of a refusal, on stderr."""
    click.echo(f"claimtrack: error: {one_line(message)}", err=True)


def print_report(text: str, is_json: bool) -> None:
    """A report as rendered: JSON exact, text and Markdown made safe for a terminal."""
    if is_json:
        click.echo(text)
    else:
        say(text)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def emit(data: Any) -> None:
    click.echo(dumps(data))  # JSON: its encoder escapes control characters itself


def print_rows(rows: list[tuple[Any, str]], moment: AsOf, as_json: bool) -> None:
    """Claims with their statuses: a JSON list of claim shapes, or a table."""
    from claimtrack.records import shapes
    from claimtrack.reports import render

    if as_json:
        emit([shapes.claim_json(claim, status, moment.tz, moment) for claim, status in rows])
    else:
        say(render.list_text(rows))


def print_claim(claim: Any, moment: AsOf, as_json: bool, text: Callable[[str], str]) -> None:
    """A claim as JSON, or the text ``text(status)`` gives, with its status at ``moment``."""
    from claimtrack.records import reading, shapes

    status = reading.status_of(claim, moment)
    shape = shapes.claim_json(claim, status, moment.tz, moment) if as_json else None
    if as_json:
        emit(shape)
    else:
        say(text(status))


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        metavar="URL_OR_PATH",
        help="Database file or URL (default: $CLAIMTRACK_DB, else claims.db in your data folder).",
    )(function)


def json_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(
        function
    )


def config_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--config",
        "config_path",
        metavar="PATH",
        help="Configuration file (default: $CLAIMTRACK_CONFIG, else config.toml in your "
        "config folder).",
    )(function)


def as_of_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of",
        metavar="DATE",
        help="Judge statuses at this moment: YYYY-MM-DD (end of that day) or an ISO date-time.",
    )(function)


def hand_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """--due-date, --due-kind, --due-precision: a reading of --due given by hand."""
    function = click.option(
        "--due-precision",
        metavar="PRECISION",
        help="With --due-date: day, week, month, half, quarter, season, year or decade.",
    )(function)
    function = click.option(
        "--due-kind", metavar="KIND", help="With --due-date: by, until, on or from."
    )(function)
    return click.option(
        "--due-date",
        metavar="DATE",
        help="Read --due by hand: the day it names (YYYY-MM-DD), for a phrase the reader "
        "refuses or reads otherwise.",
    )(function)


def hand_reading(due_date: str | None, due_kind: str | None, due_precision: str | None) -> Any:
    """The reading given by hand with --due-date (None without it)."""
    from claimtrack.deadlines.hand import HandReading

    if due_date is None:
        if due_kind is not None or due_precision is not None:
            which = "--due-kind" if due_kind is not None else "--due-precision"
            raise BadInput(which, "goes with a reading by hand: add --due-date YYYY-MM-DD")
        return None
    found = day(due_date, "--due-date")
    assert found is not None
    return HandReading(found, due_kind, due_precision)


def say_notes(notes: list[str]) -> None:
    for note in notes:
        say(f"claimtrack: note: {note}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimtrack")
def cli() -> None:
    """Record public claims with their sources and deadlines, and see which ones are due."""


def read_input(path: str) -> str:
    """The text of FILE ('-': standard input), or one line saying why it cannot be read."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    except OSError as error:
        raise BadInput(path, f"cannot read the file ({error.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInput(
            path, f"is not UTF-8 text (byte {error.start}); save it as UTF-8 and try again"
        ) from None
