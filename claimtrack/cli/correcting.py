"""Commands that correct the record, keeping every correction on it: retract, remove,
restore, and the corrections log.
"""

from __future__ import annotations

import click

from claimtrack.cli.common import (
    ID,
    cli,
    clock,
    database,
    day,
    db_option,
    emit,
    json_option,
    say,
    tracker_tz,
)
from claimtrack.errors import BadInput


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("verdict_id", type=ID)
@click.option("--reason", required=True, help="Why the verdict is retracted (public).")
@db_option
@json_option
def retract(claim_id: int, verdict_id: int, reason: str, db: str | None, as_json: bool) -> None:
    """Retract a verdict recorded by mistake: from now on it counts nowhere, but it stays on
    the record, marked retracted with the date and reason (see: claimtrack corrections)."""
    from claimtrack.records import claims, corrections, moments, reading, shapes

    now = clock()
    with database(db) as opened, opened.write() as session:
        corrections.retract_verdict(session, claim_id, verdict_id, reason=reason, clock=now)
        claim = claims.get_claim(session, claim_id)
        status = reading.status_of(claim, moments.AsOf(now.now, now.tz))
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
    from claimtrack.records import corrections, moments, reading, shapes

    now = clock()
    with database(db) as opened, opened.write() as session:
        claim = corrections.restore_claim(session, claim_id, clock=now)
        status = reading.status_of(claim, moments.AsOf(now.now, now.tz))
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
