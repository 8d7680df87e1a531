"""Commands that relate claims: link, unlink, and revise (a later statement that moves a
deadline, recorded as a new claim superseding the first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from claimtrack.cli.common import (
    ID,
    cli,
    clock,
    database,
    day,
    db_option,
    json_option,
    print_claim,
    say,
)
from claimtrack.errors import BadInput

if TYPE_CHECKING:
    from claimtrack.records.attribution import Citation

RELATIONS = "supersedes, contradicts, repeats or part-of"


def _citation(url: str | None, quote: str | None) -> Citation | None:
    from claimtrack.records.attribution import Citation, SourceInfo

    if quote and not url:
        raise BadInput("--quote", "a quote needs the --source URL it comes from")
    return Citation(SourceInfo(url=url), quote) if url else None


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("other_id", type=ID)
@click.option("--as", "relation", required=True, metavar="RELATION", help=RELATIONS + ".")
@click.option("--note", help="Why they are related.")
@click.option("--source", "url", metavar="URL", help="Where the relation is shown.")
@click.option("--quote", help="The exact words in that source.")
@db_option
def link(
    claim_id: int,
    other_id: int,
    relation: str,
    note: str | None,
    url: str | None,
    quote: str | None,
    db: str | None,
) -> None:
    """Record that claim CLAIM_ID relates to OTHER_ID: `link 5 1 --as supersedes`."""
    from claimtrack.records import links

    citation = _citation(url, quote)
    with database(db) as opened, opened.write() as session:
        links.link(session, claim_id, other_id, relation, clock(), note=note, citation=citation)
    say(f"#{claim_id} {relation} #{other_id}")


@cli.command()
@click.argument("claim_id", type=ID)
@click.argument("other_id", type=ID)
@click.option("--as", "relation", metavar="RELATION", help="Only this relation (default: all).")
@db_option
def unlink(claim_id: int, other_id: int, relation: str | None, db: str | None) -> None:
    """Remove the links from CLAIM_ID to OTHER_ID; both histories keep them."""
    from claimtrack.records import links

    with database(db) as opened, opened.write() as session:
        removed = links.unlink(session, claim_id, other_id, relation, clock())
    say(f"#{claim_id} no longer {', '.join(removed)} #{other_id}")


@cli.command()
@click.argument("claim_id", type=ID)
@click.option("--due", required=True, metavar="PHRASE", help="The new deadline, as said.")
@click.option("--stated", required=True, metavar="DATE", help="When the new statement was made.")
@click.option("--text", help="The new statement's words, if they differ.")
@click.option("--source", "url", metavar="URL", help="Where the new statement was made.")
@click.option("--quote", help="The exact words in that source.")
@click.option("--note", help="What the new statement changes.")
@db_option
@json_option
def revise(
    claim_id: int,
    due: str,
    stated: str,
    text: str | None,
    url: str | None,
    quote: str | None,
    note: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """A later statement moves a deadline: record it as a new claim that supersedes CLAIM_ID.
    The original is not edited: its deadline still comes due and wants a verdict."""
    from claimtrack.records import links, moments
    from claimtrack.reports import render

    stated_on = day(stated, "--stated")
    assert stated_on is not None
    citation = _citation(url, quote)
    now = clock()
    with database(db) as opened, opened.write() as session:
        revised = links.revise(
            session,
            claim_id,
            now,
            deadline=due,
            stated_on=stated_on,
            text=text,
            citation=citation,
            note=note,
        )
        chain = links.moves(session, revised)
        if as_json:
            print_claim(revised, moments.AsOf(now.now, now.tz), True, str)
            return
        say(f"added claim #{revised.id}, which supersedes #{claim_id}")
        say(render.moves_line(chain))
