"""The demo: the founding article's claims in a fresh database, their report, and what to
try next.
"""

from __future__ import annotations

import click

from claimtrack.cli.common import cli, clock, database, moment_of, print_report, say, speak
from claimtrack.cli.monitoring import report_options
from claimtrack.errors import BadInput


@cli.command()
@report_options
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
    from claimtrack.records import reading
    from claimtrack.reports import deadline_report

    speak()
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
                if keep and reading.count_claims(session, removed=True):
                    raise BadInput(
                        "--keep",
                        f"{keep} already holds claims; the demo only fills a new database",
                    )
                loaded = examples.load(session, examples.seed_path(), clock())
            if not as_json and fmt == "text":
                say(f"Loaded {len(loaded)} claims from the seed article into {path}\n")
            with opened.read() as session:
                built = deadline_report.build_report(session, moment, days, limit or None)
                print_report(
                    deadline_report.render(built, "json" if as_json else fmt),
                    as_json or fmt == "json",
                )
