"""Commands that move records in and out: import and export."""

from __future__ import annotations

import click

from claimtrack.cli.common import (
    as_of_option,
    cli,
    clock,
    config_option,
    database,
    db_option,
    emit,
    json_option,
    moment_of,
    now_utc,
    read_input,
    say,
    settings,
    speak,
)
from claimtrack.errors import BadInput


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

    from claimtrack.formats import document_reader, fields, importing, spreadsheet

    # Reading a large file makes millions of objects that all stay alive until the end: the
    # cycle collector's passes over them would cost a third of the import (bench/importing.py).
    gc.disable()
    try:
        text = read_input(file)
        now = clock()
        if (fmt or ("csv" if file.lower().endswith(".csv") else "json")) == "csv":
            parsed = spreadsheet.read_csv(text, now, file)
        else:
            parsed = document_reader.read_document(fields.parse_json(text, file), now, file)
        with database(db) as opened:
            with opened.write() as session:
                result = importing.import_document(session, parsed, now, on_conflict)
            if result.added >= importing.ANALYZE_AFTER:
                opened.analyze()
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
    type=click.Choice(["json", "csv", "claimreview", "ics", "atom"]),
    default="json",
    show_default=True,
    help="json: everything, to import elsewhere; csv: a row per claim; claimreview: "
    "schema.org JSON-LD of the verdicts; ics: a calendar of the deadlines; atom: a feed "
    "of the latest changes.",
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
    speak(cfg)
    moment = moment_of(as_of, cfg.tz)
    with database(db) as opened, opened.read() as session, export.target(output) as out:
        export.write(session, fmt, out, moment, cfg, now_utc(), excel)
