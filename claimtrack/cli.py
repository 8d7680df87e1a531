"""The `claimtrack` command: parses arguments, calls one service function, prints the result.

No SQL and no rules live here. Errors from the service layer become one line on stderr and
an exit code (2 bad input, 3 database unavailable). Modules beyond Click are imported inside
the commands, so `--help` and `parse-deadline` start without loading SQLAlchemy.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

import click

from claimtrack.errors import BadInput, ClaimtrackError
from claimtrack.records import storable
from claimtrack.terminal import one_line, safe

if TYPE_CHECKING:
    from claimtrack.config import Config
    from claimtrack.records.claims import AsOf, Clock
    from claimtrack.records.store import Database

ENV_TZ = "CLAIMTRACK_TZ"
ENV_USER = "CLAIMTRACK_USER"

# --- shared options and helpers ---------------------------------------------------------------


def _env_zone() -> str | None:
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
    from claimtrack import config

    loaded = config.load(path)
    name = _env_zone()
    return loaded.model_copy(update={"timezone": name}) if name else loaded


def tracker_tz() -> tzinfo:
    """The time zone deadlines are read in: $CLAIMTRACK_TZ, else the configuration's, else UTC.

    Without a configuration file this reads no TOML and imports no validation library.
    """
    from claimtrack.locations import locate, zone_of

    name = _env_zone()
    if name:
        return zone_of(name)
    location, named = locate(None)
    if not named and not location.exists():
        return UTC
    return settings().tz


def _now() -> datetime:
    return datetime.now(UTC)


def clock() -> Clock:
    from getpass import getuser

    from claimtrack.records.claims import Clock

    try:
        who = os.environ.get(ENV_USER) or getuser()
    except Exception:  # no user name on this system: record none rather than fail
        who = None
    return Clock(_now(), tracker_tz(), who)


def moment_of(value: str | None, tz: tzinfo | None = None) -> AsOf:
    """``--as-of`` read in ``tz`` (default: the tracker's zone), or now."""
    from claimtrack.deadlines.days import parse_moment
    from claimtrack.records.claims import AsOf

    tz = tz or tracker_tz()
    return AsOf(parse_moment(value, "--as-of", tz) if value is not None else _now(), tz)


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


def _print_report(text: str, is_json: bool) -> None:
    """A report as rendered: JSON exact, text and Markdown made safe for a terminal."""
    if is_json:
        click.echo(text)
    else:
        say(text)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def emit(data: Any) -> None:
    click.echo(_dumps(data))  # JSON: its encoder escapes control characters itself


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
    from claimtrack.records import claims, shapes

    status = claims.status_of(claim, moment)
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


# --- commands -----------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimtrack")
def cli() -> None:
    """Record public claims with their sources and deadlines, and see which ones are due."""


@cli.command()
@db_option
def init(db: str | None) -> None:
    """Create the database, or upgrade it to the current schema. Safe to run again."""
    from claimtrack.records.store import SCHEMA_REVISION

    with database(db) as opened:
        _replan(opened, settings())
        say(f"database ready: {opened.url} (schema {SCHEMA_REVISION})")


@cli.command()
@click.argument("text")
@click.option("--by", "claimants", multiple=True, required=True, help="Who said it (repeatable).")
@click.option(
    "--kind", default="commitment", show_default=True, help="commitment, prediction or assertion."
)
@click.option("--stated", metavar="DATE", help="When it was said (YYYY-MM-DD).")
@click.option(
    "--due", metavar="PHRASE", help="The deadline as written: 'au plus tard en septembre 2025'."
)
@click.option("--source", "url", metavar="URL", help="Where it was said.")
@click.option("--quote", help="The exact words in that source.")
@click.option("--title", help="The source's title.")
@click.option("--publisher", help="The source's publisher.")
@click.option("--lang", "language", default="en", show_default=True, help="BCP 47 tag of TEXT.")
@click.option("--translation", help="An English translation.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@click.option("--criteria", help="How the outcome will be checked.")
@click.option("--context", help="Circumstances worth knowing.")
@click.option(
    "--duplicate-ok",
    is_flag=True,
    help="Record it even if a claim with the same text and claimants exists.",
)
@db_option
@json_option
def add(
    text: str,
    claimants: tuple[str, ...],
    kind: str,
    stated: str | None,
    due: str | None,
    url: str | None,
    quote: str | None,
    title: str | None,
    publisher: str | None,
    language: str,
    translation: str | None,
    tags: tuple[str, ...],
    criteria: str | None,
    context: str | None,
    duplicate_ok: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """Record a claim as it was said, and echo how its deadline was read."""
    from claimtrack.records import claims
    from claimtrack.reports import render

    if (quote or title or publisher) and not url:
        raise BadInput(
            "--quote", "a quote, title or publisher needs the --source URL it belongs to"
        )
    citations = []
    if url:
        info = claims.SourceInfo(url=url, title=title, publisher=publisher, language=language)
        citations.append(claims.Citation(info, quote))
    stated_on = day(stated, "--stated")
    now = clock()
    with database(db) as opened, opened.write() as session:
        claim = claims.add_claim(
            session,
            text,
            claimants=claimants,
            clock=now,
            kind=kind,
            language=language,
            translation=translation,
            stated_on=stated_on,
            deadline=due,
            citations=citations,
            tags=tags,
            criteria=criteria,
            context=context,
            duplicate_ok=duplicate_ok,
        )
        reading = render.deadline_line(claims.deadline_of(claim), now.tz)
        print_claim(
            claim,
            claims.AsOf(now.now, now.tz),
            as_json,
            lambda status: f"added claim #{claim.id} ({status})\ndeadline: {reading}",
        )


@cli.command()
@click.argument("claim_id", type=ID)
@click.option("--text", help="Corrected text, as said.")
@click.option("--kind", help="commitment, prediction or assertion.")
@click.option("--stated", metavar="DATE", help="When it was said (YYYY-MM-DD).")
@click.option("--due", metavar="PHRASE", help="A new deadline phrase.")
@click.option("--no-deadline", is_flag=True, help="Remove the deadline.")
@click.option("--lang", "language", help="BCP 47 tag of the text.")
@click.option("--translation", help="An English translation.")
@click.option("--criteria", help="How the outcome will be checked.")
@click.option("--context", help="Circumstances worth knowing.")
@click.option("--tag", "tags", multiple=True, help="Add a tag (repeatable).")
@click.option("--untag", multiple=True, help="Remove a tag (repeatable).")
@db_option
@json_option
def edit(
    claim_id: int,
    text: str | None,
    kind: str | None,
    stated: str | None,
    due: str | None,
    no_deadline: bool,
    language: str | None,
    translation: str | None,
    criteria: str | None,
    context: str | None,
    tags: tuple[str, ...],
    untag: tuple[str, ...],
    db: str | None,
    as_json: bool,
) -> None:
    """Correct what was recorded of a claim; its history keeps the values before and after."""
    from claimtrack.records import claims
    from claimtrack.reports import render

    if due and no_deadline:
        raise BadInput("--no-deadline", "give either --due PHRASE or --no-deadline, not both")
    changes: dict[str, Any] = {}
    if due is not None or no_deadline:
        changes["deadline"] = "" if no_deadline else due
    stated_on = day(stated, "--stated")
    now = clock()
    with database(db) as opened, opened.write() as session:
        claim = claims.edit_claim(
            session,
            claim_id,
            clock=now,
            text=text,
            kind=kind,
            language=language,
            translation=translation,
            stated_on=stated_on,
            criteria=criteria,
            context=context,
            add_tags=tags,
            remove_tags=untag,
            **changes,
        )
        print_claim(
            claim,
            claims.AsOf(now.now, now.tz),
            as_json,
            lambda status: render.claim_text(claim, status, now.tz),
        )


@cli.command("list")
@click.option("--status", help="Only claims with this status (pending, due, kept, …).")
@click.option("--by", "claimant", help="Only claims by a claimant whose name contains this.")
@click.option("--tag", help="Only claims with this tag.")
@click.option("--due-before", metavar="DATE", help="Only deadlines before this day (YYYY-MM-DD).")
@click.option("--limit", type=COUNT, default=100, show_default=True)
@click.option("--offset", type=OFFSET, default=0)
@as_of_option
@db_option
@json_option
def list_command(
    status: str | None,
    claimant: str | None,
    tag: str | None,
    due_before: str | None,
    limit: int,
    offset: int,
    as_of: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """List claims with their status, soonest deadline first."""
    from claimtrack.records import claims

    moment = moment_of(as_of)
    before = day(due_before, "--due-before")
    with database(db) as opened, opened.read() as session:
        rows = claims.list_claims(
            session,
            moment,
            status=status,
            claimant=claimant,
            tag=tag,
            due_before=before,
            limit=limit,
            offset=offset,
        )
        print_rows(rows, moment, as_json)


@cli.command()
@click.argument("claim_id", type=ID)
@as_of_option
@db_option
@json_option
def show(claim_id: int, as_of: str | None, db: str | None, as_json: bool) -> None:
    """Show one claim with its claimants, deadline, sources, quotes and verdicts."""
    from claimtrack.records import claims
    from claimtrack.reports import render

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        claim = claims.get_claim(session, claim_id)
        print_claim(
            claim,
            moment,
            as_json,
            lambda status: render.claim_text(claim, status, moment.tz, moment),
        )


@cli.command()
@click.argument("claim_ids", type=ID, nargs=-1, required=True)
@as_of_option
@db_option
@json_option
def status(claim_ids: tuple[int, ...], as_of: str | None, db: str | None, as_json: bool) -> None:
    """The status of one or several claims, now or at --as-of."""
    from claimtrack.records import claims

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        found = claims.claim_statuses(session, claim_ids, moment)
    if as_json:
        emit([{"id": i, "status": s, "as_of": moment.moment.isoformat()} for i, s in found])
    else:
        for claim_id, claim_status in found:
            say(f"#{claim_id}  {claim_status}")


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("url")
@click.option("--title", help="The source's title.")
@click.option("--publisher", help="Who published it.")
@click.option("--published", metavar="DATE", help="When it was published (YYYY-MM-DD).")
@click.option("--retrieved", metavar="DATE", help="When you read it (YYYY-MM-DD).")
@click.option("--quote", help="The exact words in the source.")
@click.option("--archive-url", metavar="URL", help="An archived copy.")
@click.option("--role", default="origin", show_default=True, help="origin or evidence.")
@click.option("--lang", "language", help="BCP 47 tag of the source.")
@db_option
@json_option
def source(
    claim_id: int,
    url: str,
    title: str | None,
    publisher: str | None,
    published: str | None,
    retrieved: str | None,
    quote: str | None,
    archive_url: str | None,
    role: str,
    language: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Cite a source for a claim, with the exact quote."""
    from claimtrack.records import claims, shapes

    info = claims.SourceInfo(
        url=url,
        title=title,
        publisher=publisher,
        published_on=day(published, "--published"),
        retrieved_on=day(retrieved, "--retrieved"),
        archive_url=archive_url,
        language=language,
    )
    now = clock()
    with database(db) as opened, opened.write() as session:
        link = claims.add_source(
            session, claim_id, claims.Citation(info, quote), clock=now, role=role
        )
        if as_json:
            emit(shapes.source_json(link))
        else:
            say(f"claim #{claim_id} cites {link.source.url} ({role})")


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("value", metavar="VERDICT")
@click.option("--note", required=True, help="What the check found.")
@click.option("--checked-on", metavar="DATE", help="When it was checked (default: today).")
@click.option("--source", "urls", multiple=True, metavar="URL", help="Evidence (repeatable).")
@click.option("--quote", help="The exact words of the (single) evidence source.")
@click.option("--reviewer", help="Who checked (default: $CLAIMTRACK_USER or your login).")
@click.option(
    "--corrects",
    metavar="VERDICT_ID",
    type=ID,
    help="Retract this verdict and record this one in its place, in one change.",
)
@click.option("--reason", help="Why the verdict corrected is retracted (with --corrects).")
@db_option
@json_option
def verdict(
    claim_id: int,
    value: str,
    note: str,
    checked_on: str | None,
    urls: tuple[str, ...],
    quote: str | None,
    reviewer: str | None,
    corrects: int | None,
    reason: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Record the outcome of a check: kept, broken, partial, true, false, misleading,
    unverifiable, withdrawn, or in_progress / stalled for now."""
    from claimtrack.records import claims, corrections, shapes

    if quote and len(urls) != 1:
        raise BadInput(
            "--quote", "a quote belongs to one evidence source: give exactly one --source"
        )
    evidence = [claims.Citation(claims.SourceInfo(url=url), quote) for url in urls]
    checked = day(checked_on, "--checked-on")
    now = clock()
    with database(db) as opened, opened.write() as session:
        row = corrections.record_or_correct(
            session,
            claim_id,
            value,
            note=note,
            clock=now,
            checked_on=checked,
            evidence=evidence,
            reviewer=reviewer,
            corrects=corrects,
            reason=reason,
        )
        claim = claims.get_claim(session, claim_id)
        status = claims.status_of(claim, claims.AsOf(now.now, now.tz))
        if as_json:
            emit(shapes.claim_json(claim, status, now.tz))
        else:
            corrected = f" (verdict {row.id}, correcting verdict {corrects})" if corrects else ""
            say(
                f"claim #{claim_id}: {row.verdict} on {row.checked_on.isoformat()}{corrected}"
                f" → {status}"
            )


@cli.command()
@click.argument("name")
@click.option("--kind", help="person, government or organisation.")
@click.option("--role", help="e.g. Prime Minister of Iraq.")
@click.option("--affiliation", help="e.g. Government of Iraq.")
@db_option
def actor(
    name: str, kind: str | None, role: str | None, affiliation: str | None, db: str | None
) -> None:
    """Describe a claimant: what kind of actor, and in which role."""
    from claimtrack.records import claims

    with database(db) as opened, opened.write() as session:
        found = claims.save_actor(session, name, kind=kind, role=role, affiliation=affiliation)
        say(f"{found.name}: {found.kind or 'kind not given'}, {found.role or 'no role given'}")


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("verdict_id", type=ID)
@click.option("--reason", required=True, help="Why the verdict is retracted (public).")
@db_option
@json_option
def retract(claim_id: int, verdict_id: int, reason: str, db: str | None, as_json: bool) -> None:
    """Retract a verdict recorded by mistake: from now on it counts nowhere, but it stays on
    the record, marked retracted with the date and reason (see: claimtrack corrections)."""
    from claimtrack.records import claims, corrections, shapes

    now = clock()
    with database(db) as opened, opened.write() as session:
        corrections.retract_verdict(session, claim_id, verdict_id, reason=reason, clock=now)
        claim = claims.get_claim(session, claim_id)
        status = claims.status_of(claim, claims.AsOf(now.now, now.tz))
        if as_json:
            emit(shapes.claim_json(claim, status, now.tz))
        else:
            say(f"claim #{claim_id}: verdict {verdict_id} retracted → {status}")


@cli.command()
@click.argument("claim_id", type=ID)
@click.option("--reason", help="Why it is removed (public); required unless --purge.")
@click.option("--purge", is_flag=True, help="Erase it for good, with what only it owns.")
@click.option("--yes", is_flag=True, help="With --purge: do it (without, only print what goes).")
@db_option
@json_option
def remove(
    claim_id: int, reason: str | None, purge: bool, yes: bool, db: str | None, as_json: bool
) -> None:
    """Take a claim (a duplicate, test data) out of every list, report, page, public export
    and the monitor; the JSON export and its history keep it (claimtrack restore brings it
    back). --purge --yes erases it and what only it owns, leaving no trace."""
    from claimtrack.records import corrections

    if yes and not purge:
        raise BadInput("--yes", "--yes confirms --purge; to remove a claim, give --reason")
    if purge and reason is not None:
        raise BadInput("--reason", "a purge leaves no trace, so no reason is kept: leave it out")
    now = clock()
    with database(db) as opened:
        if purge:
            with opened.write() if yes else opened.read() as session:
                erased = (
                    corrections.purge(session, claim_id)
                    if yes
                    else corrections.purge_plan(session, claim_id)
                )
            if as_json:
                emit(erased.to_json() | {"erased": yes})
                return
            head = "erased" if yes else "would erase (run again with --yes to erase)"
            say(f"{head}:")
            for line in erased.lines():
                say(f"  {line}")
            return
        if reason is None:
            raise BadInput(
                "--reason", "say why the claim is removed, e.g. --reason 'duplicate of #3'"
            )
        with opened.write() as session:
            claim = corrections.remove_claim(session, claim_id, reason=reason, clock=now)
            if as_json:
                emit({"id": claim.id, "removed": {"on": now.now.isoformat(), "reason": reason}})
            else:
                say(f"claim #{claim_id} removed; bring it back with: claimtrack restore {claim_id}")


@cli.command()
@click.argument("claim_id", type=ID)
@db_option
@json_option
def restore(claim_id: int, db: str | None, as_json: bool) -> None:
    """Bring back a removed claim, as it was."""
    from claimtrack.records import claims, corrections, shapes

    now = clock()
    with database(db) as opened, opened.write() as session:
        claim = corrections.restore_claim(session, claim_id, clock=now)
        status = claims.status_of(claim, claims.AsOf(now.now, now.tz))
        if as_json:
            emit(shapes.claim_json(claim, status, now.tz))
        else:
            say(f"claim #{claim_id} restored ({status})")


@cli.command("corrections")
@click.option("--since", metavar="DATE", help="Only corrections made on or after this day.")
@db_option
@json_option
def corrections_command(since: str | None, db: str | None, as_json: bool) -> None:
    """The public corrections log: every retraction, correction, removal and restoration,
    newest first, with its date and reason."""
    from claimtrack.records import corrections
    from claimtrack.reports import render

    start = day(since, "--since")
    tz = tracker_tz()
    with database(db) as opened, opened.read() as session:
        found = corrections.corrections_log(
            session, since=corrections.start_of(start, tz) if start else None
        )
    if as_json:
        emit([entry.to_json() for entry in found])
    else:
        say(render.corrections_text(found, tz))


@cli.command("search")
@click.argument("query")
@click.option("--limit", type=COUNT, default=50, show_default=True)
@as_of_option
@db_option
@json_option
def search_command(
    query: str, limit: int, as_of: str | None, db: str | None, as_json: bool
) -> None:
    """Find claims by words in their text, translation, quotes, notes, claimants or tags."""
    from claimtrack.records import claims

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        rows = [
            (c, claims.status_of(c, moment))
            for c in claims.search_claims(session, query, limit=limit)
        ]
        print_rows(rows, moment, as_json)


@cli.command()
@click.argument("claim_id", type=ID)
@db_option
@json_option
def history(claim_id: int, db: str | None, as_json: bool) -> None:
    """Every change made to a claim, oldest first."""
    from claimtrack.records import claims, shapes
    from claimtrack.reports import render

    with database(db) as opened, opened.read() as session:
        events = claims.history(session, claim_id)
        if as_json:
            emit([shapes.event_json(event) for event in events])
        else:
            say(render.history_text(events))


def _report_options(function: Callable[..., Any]) -> Callable[..., Any]:
    function = click.option(
        "--days",
        type=Whole(0, MAX_DAYS, "30"),
        default=30,
        show_default=True,
        help="Window for upcoming deadlines and recent verdicts.",
    )(function)
    function = click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "markdown", "json"]),
        default="text",
        show_default=True,
    )(function)
    function = click.option(
        "--limit",
        type=Whole(0, 1_000_000, "50"),
        default=50,
        show_default=True,
        help="The most claims each list shows (0: all); totals are always given.",
    )(function)
    function = as_of_option(function)
    return json_option(function)


@cli.command()
@_report_options
@db_option
def report(
    as_of: str | None, days: int, limit: int, fmt: str, as_json: bool, db: str | None
) -> None:
    """What awaits a check, what comes due soon, verdicts lately, and counts by status."""
    from claimtrack.reports import deadline_report

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        built = deadline_report.build_report(session, moment, days, limit or None)
        _print_report(
            deadline_report.render(built, "json" if as_json else fmt), as_json or fmt == "json"
        )


# A moment this far past the clock still counts as now (clocks of two machines disagree).
FUTURE_TOLERANCE = timedelta(minutes=1)
EXIT_DELIVERY_FAILED = 4


def _replan(opened: Database, cfg: Config) -> None:
    """After a change of the configured time zone, re-plan the stored due moments, once."""
    from claimtrack.monitor import planning

    moved = planning.replan_zone(opened, cfg, _now())
    if moved:
        say(f"claimtrack: re-planned {moved:,} deadlines for {cfg.timezone}", err=True)


@cli.command()
@as_of_option
@click.option("--fail-on-due", is_flag=True, help="Exit 1 when a claim is awaiting a check.")
@click.option("--digest", is_flag=True, help="Also send the digest: the deadline report.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print what would be flagged and delivered, at any moment; write and send nothing.",
)
@config_option
@db_option
@json_option
def check(
    as_of: str | None,
    fail_on_due: bool,
    digest: bool,
    dry_run: bool,
    config_path: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """One monitor pass: flag what is due, deliver reports to the channels, print what was
    done, exit. For cron, or to look before starting the monitor. Exit 1 with --fail-on-due
    when claims await a check; 4 when a delivery failed (4 wins over 1)."""
    from claimtrack.monitor import channels, passes

    cfg = settings(config_path)
    channels.check_environment(cfg)
    moment = moment_of(as_of, cfg.tz)
    if not dry_run and moment.moment > _now() + FUTURE_TOLERANCE:
        raise BadInput(
            "--as-of",
            f"{moment.moment.isoformat()} is in the future; a check records what it flags, so "
            "a future moment can only be previewed: claimtrack check --dry-run --as-of "
            f"{as_of}",
        )
    # With --json, stdout holds one JSON document: the stdout channel writes to stderr.
    stream = sys.stderr if as_json else sys.stdout
    senders = channels.senders(cfg, stdout=stream)
    if dry_run:
        if digest:
            raise BadInput("--digest", "a dry run sends nothing; leave out --digest")
        with database(db, migrate=False) as opened:
            seen = passes.preview(opened, cfg, moment.moment, senders)
            with opened.read() as session:
                awaiting = passes.count_awaiting(session, moment)
        if as_json:
            emit(seen.to_json() | {"awaiting_check": awaiting})
        else:
            say(seen.text(awaiting))
        if fail_on_due and awaiting:
            raise click.exceptions.Exit(1)
        return
    with database(db) as opened:
        _replan(opened, cfg)
        result = passes.run_pass(opened, cfg, moment.moment, senders)
        digest_errors = passes.send_digest(opened, cfg, moment.moment, senders) if digest else {}
        with opened.read() as session:
            awaiting = passes.count_awaiting(session, moment)
    failures = {**result.delivery.errors, **digest_errors}
    for name, error in failures.items():
        say(f"claimtrack: warning: channel {name} failed: {error}", err=True)
    if as_json:
        emit(result.to_json() | {"awaiting_check": awaiting})
    else:
        say(result.text(awaiting))
    if failures or result.delivery.failed:
        raise click.exceptions.Exit(EXIT_DELIVERY_FAILED)
    if fail_on_due and awaiting:
        raise click.exceptions.Exit(1)


@cli.command("monitor")
@config_option
@db_option
def monitor_command(config_path: str | None, db: str | None) -> None:
    """Run the deadline monitor until stopped: catch up at start, flag each deadline as it
    passes, remind before, send the digest. SIGTERM or Ctrl-C finish the pass under way."""
    from claimtrack.monitor import channels, service

    cfg = settings(config_path)
    channels.check_environment(cfg)
    with database(db) as opened:
        _replan(opened, cfg)
        code = service.run(opened, cfg, channels.senders(cfg))
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@config_option
@db_option
def serve(host: str, port: int, config_path: str | None, db: str | None) -> None:
    """Serve the tracker on the web until stopped: pages at /, the JSON API at /api (described
    at /docs), the deadline calendar at /deadlines.ics. Read-only, unless $CLAIMTRACK_TOKEN
    is set: then the API takes writes that carry it (Authorization: Bearer TOKEN)."""
    from claimtrack.web import server, site

    cfg = settings(config_path)
    token = site.check_token(os.environ.get(site.ENV_TOKEN))
    with database(db) as opened:
        sock = server.listen(host, port)
        where = sock.getsockname()
        mode = "writes need the token" if token else "read-only"
        say(
            f"claimtrack: serving {opened.url} at http://{host}:{where[1]}/ ({mode}); Ctrl-C stops",
            err=True,
        )
        server.server(site.Site(opened, cfg, token)).run(sockets=[sock])


def _read_input(path: str) -> str:
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


@cli.command("import")
@click.argument("file", metavar="FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    help="The file's format (default: csv for a .csv file, else json).",
)
@click.option(
    "--on-conflict",
    type=click.Choice(["fail", "skip", "update"]),
    default="fail",
    show_default=True,
    help="A claim whose uuid is in the database and which the file changes: refuse the "
    "import, keep the database's, or take the file's.",
)
@db_option
@json_option
def import_command(
    file: str, fmt: str | None, on_conflict: str, db: str | None, as_json: bool
) -> None:
    """Add the claims of a claimtrack document (JSON, from `export`) or of a CSV file, all or
    nothing. FILE may be - for standard input."""
    import gc

    from claimtrack.formats import document, importing, spreadsheet

    # Reading a large file makes millions of objects that all stay alive until the end: the
    # cycle collector's passes over them would cost a third of the import (bench/importing.py).
    gc.disable()
    try:
        text = _read_input(file)
        now = clock()
        if (fmt or ("csv" if file.lower().endswith(".csv") else "json")) == "csv":
            parsed = spreadsheet.read_csv(text, now, file)
        else:
            parsed = document.read_document(document.parse_json(text, file), now, file)
        with database(db) as opened, opened.write() as session:
            result = importing.import_document(session, parsed, now, on_conflict)
        del text, parsed  # freed now, not scanned by the collector once it is back on
    finally:
        gc.enable()
    if as_json:
        emit(result.to_json())
    else:
        say(
            f"imported {file}: {result.added} added, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.skipped} skipped"
        )


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "claimreview", "ics"]),
    default="json",
    show_default=True,
    help="json: everything, to import elsewhere; csv: a row per claim; claimreview: "
    "schema.org JSON-LD of the verdicts; ics: a calendar of the deadlines.",
)
@click.option("--output", "-o", metavar="PATH", help="Write to PATH instead of standard output.")
@click.option(
    "--excel",
    is_flag=True,
    help="With --format csv: start the file with a UTF-8 byte order mark, for Excel.",
)
@as_of_option
@config_option
@db_option
def export_command(
    fmt: str,
    output: str | None,
    excel: bool,
    as_of: str | None,
    config_path: str | None,
    db: str | None,
) -> None:
    """Write every claim in one of the formats below; statuses (csv, ics) are as of --as-of."""
    from claimtrack.formats import export

    if excel and fmt != "csv":
        raise BadInput("--excel", f"applies to --format csv only, not {fmt}")
    cfg = settings(config_path)
    moment = moment_of(as_of, cfg.tz)
    with database(db) as opened, opened.read() as session, export.target(output) as out:
        export.write(session, fmt, out, moment, cfg, _now(), excel)


@cli.command("parse-deadline")
@click.argument("phrase")
@click.option("--stated", metavar="DATE", help="When it was said, for relative phrases.")
@json_option
def parse_deadline_command(phrase: str, stated: str | None, as_json: bool) -> None:
    """Show how a deadline phrase is read, without storing anything."""
    from claimtrack.deadlines.reader import parse_deadline

    tz = tracker_tz()
    reading = parse_deadline(phrase, stated=day(stated, "--stated"))
    if as_json:
        emit(reading.to_json(tz))
        return
    say(f"kind:      {reading.kind}")
    say(f"last day:  {reading.date.isoformat()}")
    say(f"precision: {reading.precision}")
    say(f"due at:    {reading.due_at(tz).isoformat()}")


@cli.command()
@_report_options
@click.option(
    "--keep", metavar="PATH", help="Keep the demo database at PATH instead of a temporary file."
)
def demo(
    as_of: str | None, days: int, limit: int, fmt: str, as_json: bool, keep: str | None
) -> None:
    """Load the seed article's claims into a temporary database and print their deadline report."""
    import tempfile
    from pathlib import Path

    from claimtrack.formats import examples
    from claimtrack.records import claims
    from claimtrack.reports import deadline_report

    moment = moment_of(as_of)
    if keep and "://" not in keep and Path(keep).expanduser().exists():
        raise BadInput(
            "--keep",
            f"{keep} exists already; the demo only creates a new database: give a new path",
        )
    with tempfile.TemporaryDirectory(prefix="claimtrack-demo-") as folder:
        path = keep or str(Path(folder) / "demo.db")
        with database(path) as opened:
            with opened.write() as session:
                if keep and claims.count_claims(session, removed=True):
                    raise BadInput(
                        "--keep",
                        f"{keep} already holds claims; the demo only fills a new database",
                    )
                loaded = examples.load(session, examples.seed_path(), clock())
            if not as_json and fmt == "text":
                say(f"Loaded {len(loaded)} claims from the seed article into {path}\n")
            with opened.read() as session:
                built = deadline_report.build_report(session, moment, days, limit or None)
                _print_report(
                    deadline_report.render(built, "json" if as_json else fmt),
                    as_json or fmt == "json",
                )


# --- entry point ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every failure a user can cause ends as one line on stderr and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    for number, arg in enumerate(args, 1):
        said = storable.problem(arg)
        if said is not None:
            refuse(f"argument {number} ('{arg}') {said}")
            return 2
    try:
        # Outside standalone mode Click returns the code of an Exit instead of raising it.
        code = cli.main(args=args, prog_name="claimtrack", standalone_mode=False)
    except ClaimtrackError as error:
        refuse(str(error))
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        hint = f" (see: {error.ctx.command_path} --help)" if getattr(error, "ctx", None) else ""
        refuse(f"{error.format_message()}{hint}")
        return 2
    except click.Abort:
        say("claimtrack: interrupted", err=True)
        return 130
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
