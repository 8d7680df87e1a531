"""Commands about deadlines coming due: the report, one check pass, the long-running
monitor.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from claimtrack.errors import BadInput, ClaimtrackError

if TYPE_CHECKING:
    from claimtrack.config import Config
    from claimtrack.records.store import Database
from claimtrack.cli.common import (
    ID,
    MAX_DAYS,
    Whole,
    as_of_option,
    cli,
    clock,
    config_option,
    database,
    day,
    db_option,
    emit,
    json_option,
    moment_of,
    now_utc,
    print_report,
    say,
    settings,
    speak,
)


def report_options(function: Callable[..., Any]) -> Callable[..., Any]:
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
@report_options
@db_option
def report(
    as_of: str | None, days: int, limit: int, fmt: str, as_json: bool, db: str | None
) -> None:
    """What awaits a check, what comes due soon, verdicts lately, and counts by status."""
    from claimtrack.reports import deadline_report

    speak()
    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        built = deadline_report.build_report(session, moment, days, limit or None)
        print_report(
            deadline_report.render(built, "json" if as_json else fmt), as_json or fmt == "json"
        )


# A moment this far past the clock still counts as now (clocks of two machines disagree).
FUTURE_TOLERANCE = timedelta(minutes=1)
EXIT_DELIVERY_FAILED = 4


def _replan(opened: Database, cfg: Config) -> None:
    """After a change of the configured time zone, re-plan the stored due moments, once."""
    from claimtrack.monitor import planning

    moved = planning.replan_zone(opened, cfg, now_utc())
    if moved:
        say(f"claimtrack: re-planned {moved:,} deadlines for {cfg.timezone}", err=True)


def _publisher(opened: Database, cfg: Config) -> Callable[[datetime], str | None] | None:
    """With ``[publishing] static_dir``: after a pass, publish the static site if anything
    changed since the last publish (the data or the moment its state began)."""
    if cfg.publishing.static_dir is None:
        return None
    from claimtrack.web import publish

    directory = cfg.publishing.static_dir
    base = publish.base_url_of(None, cfg)

    def after_pass(now: datetime) -> str | None:
        result = publish.publish(opened, cfg, directory, base, now, only_if_changed=True)
        if result.broken:
            address, status, linked_from = result.broken[0]
            raise ClaimtrackError(
                f"publish: {address} answered {status} (linked from {linked_from})"
            )
        return None if result.skipped else result.summary()

    return after_pass


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
    if not dry_run and moment.moment > now_utc() + FUTURE_TOLERANCE:
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
        publisher = _publisher(opened, cfg)
        published = publisher(moment.moment) if publisher else None
        with opened.read() as session:
            awaiting = passes.count_awaiting(session, moment)
    failures = {**result.delivery.errors, **digest_errors}
    for name, error in failures.items():
        say(f"claimtrack: warning: channel {name} failed: {error}", err=True)
    if as_json:
        emit(result.to_json() | {"awaiting_check": awaiting})
    else:
        say(result.text(awaiting))
    if published:
        say(published, err=True)
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
        code = service.run(opened, cfg, channels.senders(cfg), after_pass=_publisher(opened, cfg))
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.option("--by", "claimant", metavar="NAME", help="Hold the alerts of this claimant's claims.")
@click.option("--tag", metavar="TAG", help="Hold the alerts of the claims with this tag.")
@click.option("--claim", "claim_id", type=ID, help="Hold the alerts of this claim.")
@click.option("--until", required=True, metavar="DATE", help="The last day held (YYYY-MM-DD).")
@click.option("--reason", required=True, help="Why, shown with the silence.")
@db_option
def silence(
    claimant: str | None,
    tag: str | None,
    claim_id: int | None,
    until: str,
    reason: str,
    db: str | None,
) -> None:
    """Hold, not lose, the alerts of a claimant, a tag or a claim until a day ends (e.g. a
    government's claims during a caretaker period); they go out when it ends."""
    from claimtrack.records import silences

    last_day = day(until, "--until")
    assert last_day is not None
    with database(db) as opened, opened.write() as session:
        made = silences.silence(
            session,
            clock(),
            until=last_day,
            reason=reason,
            claimant=claimant,
            tag=tag,
            claim_id=claim_id,
        )
        say(f"silence {made.id}: {_target(made)} held until the end of {last_day.isoformat()}")


@cli.command("silences")
@db_option
@json_option
def silences_command(db: str | None, as_json: bool) -> None:
    """Every silence, the latest ending first, with whether it is in force."""
    from claimtrack.records import silences

    now = clock()
    with database(db) as opened, opened.read() as session:
        found = silences.listed(session)
        rows = [
            {
                "id": s.id,
                "claimant": s.claimant,
                "tag": s.tag,
                "claim_id": s.claim_id,
                "until": s.until.isoformat(),
                "reason": s.reason,
                "lifted_at": s.lifted_at.isoformat() if s.lifted_at else None,
                "in_force": s.lifted_at is None and s.until > now.now,
            }
            for s in found
        ]
    if as_json:
        emit(rows)
        return
    for row, s in zip(rows, found, strict=True):
        state = "in force" if row["in_force"] else "ended"
        say(f"{s.id}  {state}  {_target(s)} until {row['until']}: {s.reason}")
    if not rows:
        say("no silence")


@cli.command()
@click.argument("silence_id", type=ID)
@db_option
def unsilence(silence_id: int, db: str | None) -> None:
    """Lift a silence now: its held alerts go out on the monitor's next pass."""
    from claimtrack.records import silences

    with database(db) as opened, opened.write() as session:
        lifted = silences.lift(session, silence_id, clock())
        say(f"silence {lifted.id} lifted: {_target(lifted)}")


def _target(rule: object) -> str:
    claimant, tag, claim_id = (getattr(rule, k) for k in ("claimant", "tag", "claim_id"))
    if claimant:
        return f"claims by {claimant}"
    return f"claims tagged {tag}" if tag else f"claim #{claim_id}"
