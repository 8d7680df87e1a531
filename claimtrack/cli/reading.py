"""Commands that read the record: list, show, status, search, history, parse-deadline."""

from __future__ import annotations

import click

from claimtrack.cli.common import (
    COUNT,
    ID,
    OFFSET,
    as_of_option,
    cli,
    database,
    day,
    db_option,
    emit,
    json_option,
    moment_of,
    print_claim,
    print_rows,
    say,
    tracker_tz,
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
    from claimtrack.records import reading

    moment = moment_of(as_of)
    before = day(due_before, "--due-before")
    with database(db) as opened, opened.read() as session:
        rows = reading.list_claims(
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
    from claimtrack.records import claims, links
    from claimtrack.reports import render

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        claim = claims.get_claim(session, claim_id)
        chain = links.moves(session, claim)
        print_claim(
            claim,
            moment,
            as_json,
            lambda status: render.claim_text(claim, status, moment.tz, moment, chain),
        )


@cli.command()
@click.argument("claim_ids", type=ID, nargs=-1, required=True)
@as_of_option
@db_option
@json_option
def status(claim_ids: tuple[int, ...], as_of: str | None, db: str | None, as_json: bool) -> None:
    """The status of one or several claims, now or at --as-of."""
    from claimtrack.records import reading

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        found = reading.claim_statuses(session, claim_ids, moment)
    if as_json:
        emit([{"id": i, "status": s, "as_of": moment.moment.isoformat()} for i, s in found])
    else:
        for claim_id, claim_status in found:
            say(f"#{claim_id}  {claim_status}")


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
    from claimtrack.records import reading

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        rows = [
            (c, reading.status_of(c, moment))
            for c in reading.search_claims(session, query, limit=limit)
        ]
        print_rows(rows, moment, as_json)


@cli.command()
@click.argument("claim_id", type=ID)
@db_option
@json_option
def history(claim_id: int, db: str | None, as_json: bool) -> None:
    """Every change made to a claim, oldest first."""
    from claimtrack.records import reading, shapes
    from claimtrack.reports import render

    with database(db) as opened, opened.read() as session:
        events = reading.history(session, claim_id)
        if as_json:
            emit([shapes.event_json(event) for event in events])
        else:
            say(render.history_text(events, tracker_tz()))


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
@click.argument("name", required=False)
@as_of_option
@db_option
@json_option
def scorecard(name: str | None, as_of: str | None, db: str | None, as_json: bool) -> None:
    """Every claimant's record, most awaiting a check first; with NAME, their meter, their
    claims by status, the timeline of their verdicts and the days left in their term."""
    from claimtrack.records import scorecards
    from claimtrack.reports import render

    moment = moment_of(as_of)
    with database(db) as opened, opened.read() as session:
        if name is None:
            found = scorecards.lines(session, moment)
            if as_json:
                emit([line.to_json(moment) for line in found])
                return
            say(render.scorecard_lines(found, moment))
            return
        card = scorecards.scorecard(session, name, moment)
        if as_json:
            emit(card.to_json(moment))
            return
        say(render.scorecard_text(card, moment))
