"""Commands that record: init, add, edit, source, verdict, actor."""

from __future__ import annotations

from typing import Any

import click

from claimtrack.cli.common import (
    ID,
    cli,
    clock,
    database,
    day,
    db_option,
    emit,
    hand_options,
    hand_reading,
    json_option,
    print_claim,
    say,
    say_notes,
    settings,
)
from claimtrack.cli.monitoring import _replan
from claimtrack.errors import BadInput


@cli.command()
@db_option
def init(db: str | None) -> None:
    """Create the database, or upgrade it to the current schema. Safe to run again."""
    from claimtrack.records.migrations import SCHEMA_REVISION

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
@hand_options
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
    due_date: str | None,
    due_kind: str | None,
    due_precision: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Record a claim as it was said, and echo how its deadline was read."""
    from claimtrack.records import attribution, claims, moments, reading
    from claimtrack.reports import render

    if (quote or title or publisher) and not url:
        raise BadInput(
            "--quote", "a quote, title or publisher needs the --source URL it belongs to"
        )
    citations = []
    if url:
        info = attribution.SourceInfo(url=url, title=title, publisher=publisher, language=language)
        citations.append(attribution.Citation(info, quote))
    stated_on = day(stated, "--stated")
    hand = hand_reading(due_date, due_kind, due_precision)
    notes: list[str] = []
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
            hand=hand,
            notes=notes,
        )
        say_notes(notes)
        reading = render.deadline_line(claims.deadline_of(claim), now.tz)
        print_claim(
            claim,
            moments.AsOf(now.now, now.tz),
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
@hand_options
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
    due_date: str | None,
    due_kind: str | None,
    due_precision: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Correct what was recorded of a claim; its history keeps the values before and after.
    With --due-date alone, the recorded phrase gets a reading given by hand."""
    from claimtrack.records import claims, moments
    from claimtrack.reports import render

    if due and no_deadline:
        raise BadInput("--no-deadline", "give either --due PHRASE or --no-deadline, not both")
    hand = hand_reading(due_date, due_kind, due_precision)
    if hand is not None and no_deadline:
        raise BadInput("--no-deadline", "give either --due-date or --no-deadline, not both")
    notes: list[str] = []
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
            hand=hand,
            notes=notes,
            **changes,
        )
        say_notes(notes)
        print_claim(
            claim,
            moments.AsOf(now.now, now.tz),
            as_json,
            lambda status: render.claim_text(claim, status, now.tz),
        )


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
    from claimtrack.records import attribution, claims, shapes

    info = attribution.SourceInfo(
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
            session, claim_id, attribution.Citation(info, quote), clock=now, role=role
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
@click.option(
    "--happened-on", metavar="DATE", help="The day the outcome happened (not the day checked)."
)
@click.option(
    "--cause",
    metavar="CAUSE",
    help="Why a broken promise broke: no-majority, changed-position, not-prioritised, "
    "outside-events or other.",
)
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
    happened_on: str | None,
    cause: str | None,
    db: str | None,
    as_json: bool,
) -> None:
    """Record the outcome of a check: kept, broken, partial, true, false, misleading,
    unverifiable, withdrawn, or in_progress / stalled for now."""
    from claimtrack.records import attribution, claims, corrections, moments, reading, shapes

    if quote and len(urls) != 1:
        raise BadInput(
            "--quote", "a quote belongs to one evidence source: give exactly one --source"
        )
    evidence = [attribution.Citation(attribution.SourceInfo(url=url), quote) for url in urls]
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
            happened_on=day(happened_on, "--happened-on"),
            cause=cause,
        )
        claim = claims.get_claim(session, claim_id)
        status = reading.status_of(claim, moments.AsOf(now.now, now.tz))
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
@click.option("--term-start", metavar="DATE", help="First day of the term of office.")
@click.option("--term-end", metavar="DATE", help="Last day of the term of office.")
@db_option
def actor(
    name: str,
    kind: str | None,
    role: str | None,
    affiliation: str | None,
    term_start: str | None,
    term_end: str | None,
    db: str | None,
) -> None:
    """Describe a claimant: what kind of actor, in which role, and the term of office that
    "by the end of this Parliament" or "on day one" is read to."""
    from claimtrack.deadlines.deadline import term_text
    from claimtrack.records import attribution

    start, end = day(term_start, "--term-start"), day(term_end, "--term-end")
    with database(db) as opened, opened.write() as session:
        found = attribution.save_actor(
            session,
            name,
            kind=kind,
            role=role,
            affiliation=affiliation,
            term_start=start,
            term_end=end,
        )
        line = f"{found.name}: {found.kind or 'kind not given'}, {found.role or 'no role given'}"
        if found.term_start or found.term_end:
            line += f"; term {term_text(found.term_start, found.term_end)}"
        say(line)
