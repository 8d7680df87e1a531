"""The command that reads commitments with deadlines out of an article."""

from __future__ import annotations

import click

from claimtrack.cli.common import cli, clock, database, day, db_option, emit, json_option, say
from claimtrack.errors import BadInput


def _picks(value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise BadInput("--pick", f"'{value}' is not a list of numbers; e.g. --pick 1,3") from None
    if not numbers:
        raise BadInput("--pick", "no candidate picked; e.g. --pick 1,3")
    return numbers


@cli.command()
@click.argument("source", metavar="SOURCE")
@click.option("--stated", metavar="DATE", help="When it was said (default: the page's date).")
@click.option("--lang", "language", type=click.Choice(["en", "fr"]), help="The text's language.")
@click.option("--by", "claimants", multiple=True, help="Claimant of candidates naming none.")
@click.option("--add", "add_all", is_flag=True, help="Record every candidate as a claim.")
@click.option("--pick", metavar="N,N", help="Record these candidates (numbers) as claims.")
@db_option
@json_option
def extract(
    source: str,
    stated: str | None,
    language: str | None,
    claimants: tuple[str, ...],
    add_all: bool,
    pick: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Find the commitments and predictions with deadlines in a text file, an HTML file or
    an http(s) page; with --add or --pick, record them with the page as their source."""
    from claimtrack.extract import service, sources
    from claimtrack.reports.render import deadline_line

    if add_all and pick:
        raise BadInput("--pick", "give either --add (every candidate) or --pick N,N, not both")
    picked = _picks(pick)
    stated_on = day(stated, "--stated")
    found = service.extract(sources.read_source(source), language, stated_on)
    if as_json and not (add_all or picked):
        emit(found.to_json())
        return
    if not as_json:
        when = found.stated_on.isoformat() if found.stated_on else "date not known"
        say(f"{len(found.candidates)} candidates ({found.language}, stated {when}):")
        for c in found.candidates:
            reading = deadline_line(c.span.reading, due=False) if c.span.reading else c.span.problem
            who = ", ".join(c.claimants) or "no claimant named"
            say(f"{c.number:>3}. {c.kind} (score {c.score}) · {who}")
            say(f"     deadline: {reading}")
            say(f"     “{c.sentence}”")
    if not (add_all or picked):
        return
    now = clock()
    with database(db) as opened, opened.write() as session:
        done = service.record(session, found, None if add_all else picked, claimants, now)
    if as_json:
        emit(
            {
                **found.to_json(),
                "added": [{"candidate": n, "claim_id": i} for n, i in done.added],
                "skipped": [{"candidate": n, "claim_id": i} for n, i in done.skipped],
            }
        )
        return
    for number, claim_id in done.added:
        say(f"added claim #{claim_id} from candidate {number}")
    for number, claim_id in done.skipped:
        say(f"skipped candidate {number}: claim #{claim_id} records it already")
