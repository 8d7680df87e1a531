"""The commands that put the tracker on the web: served live, or published as static files."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from claimtrack.cli.common import (
    as_of_option,
    cli,
    config_option,
    database,
    db_option,
    emit,
    json_option,
    moment_of,
    say,
    settings,
)


def workers_option(said: str) -> Any:
    """--workers: how many processes share the work, one per core at most."""
    return click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help=said
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@workers_option("Processes serving the same port (a CPU core each; each keeps its own cache).")
@config_option
@db_option
def serve(host: str, port: int, workers: int, config_path: str | None, db: str | None) -> None:
    """Serve the tracker on the web until stopped: pages at /, the JSON API at /api (described
    at /docs), the deadline calendar at /deadlines.ics. Read-only, unless $CLAIMTRACK_TOKEN
    is set: then the API takes writes that carry it (Authorization: Bearer TOKEN)."""
    from claimtrack import config
    from claimtrack.web import server, site

    cfg = settings(config_path)
    token = site.check_token(os.environ.get(site.ENV_TOKEN))
    with database(db) as opened:
        sock = server.listen(host, port)
        where = sock.getsockname()
        mode = "writes need the token" if token else "read-only"
        processes = f", {workers} workers" if workers > 1 else ""
        say(
            f"claimtrack: serving {opened.url} at http://{host}:{where[1]}/ "
            f"({mode}{processes}); Ctrl-C stops",
            err=True,
        )
        if workers > 1:
            located, _ = config.locate(config_path)
            path = str(located) if located.exists() else None
            server.serve_workers(sock, workers, opened.url, path)
        else:
            server.server(site.Site(opened, cfg, token)).run(sockets=[sock])


PROGRESS_SECONDS = 5.0  # between two lines of a publish's progress


def _progress_every(
    seconds: float, clock: Callable[[], float] = time.monotonic
) -> Callable[[Any], None]:
    """A line on stderr with a publish's files so far, at most one every ``seconds`` of
    ``clock``, which only spaces the lines out: the run itself never reads it."""
    last = [clock()]

    def report(result: Any) -> None:
        if clock() - last[0] >= seconds:
            last[0] = clock()
            say(
                f"claimtrack: {result.files:,} files so far ({len(result.written):,} written, "
                f"{result.reused:,} of unchanged claims kept unrendered)",
                err=True,
            )

    return report


@cli.command("publish")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    metavar="URL",
    help="The site's public address, for the feeds' and calendar's links "
    "(default: [publishing] url).",
)
@click.option("--list", "list_files", is_flag=True, help="Name every file written and removed.")
@click.option(
    "--all",
    "render_all",
    is_flag=True,
    help="Render every file, the unchanged claims' too (e.g. after editing the folder by hand).",
)
@workers_option("Processes that render the pages at once (up to the machine's cores).")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Say on stderr how far the run has got, every few seconds "
    "(default: when stderr is a terminal).",
)
@as_of_option
@json_option
@config_option
@db_option
def publish_command(
    directory: Path,
    base_url: str | None,
    list_files: bool,
    render_all: bool,
    workers: int,
    progress: bool | None,
    as_of: str | None,
    as_json: bool,
    config_path: str | None,
    db: str | None,
) -> None:
    """Write the whole public site into DIRECTORY as static files (pages, the API's JSON,
    the calendar, the feeds) for any web server or CDN; a run rewrites only the files whose
    content changed, each replaced whole, and removes those of claims no longer there."""
    from claimtrack.web import publish

    cfg = settings(config_path)
    base = publish.base_url_of(base_url, cfg)
    with database(db) as opened:
        moment = moment_of(as_of, cfg.tz).moment
        given = as_of is not None
        keep = not render_all
        shown = sys.stderr.isatty() if progress is None else progress
        result = publish.publish(
            opened,
            cfg,
            directory,
            base,
            moment,
            as_given=given,
            workers=workers,
            keep=keep,
            progress=_progress_every(PROGRESS_SECONDS) if shown else None,
        )
    if as_json:
        data = result.to_json()
        if list_files:
            data |= {"written_files": result.written, "removed_files": result.removed}
        emit(data)
    else:
        say(result.summary())
        if list_files:
            for name in result.written:
                say(f"  written {name}")
            for name in result.removed:
                say(f"  removed {name}")
    for address, status, linked_from in result.broken:
        say(f"claimtrack: error: {address} answered {status} (linked from {linked_from})", err=True)
    if result.broken:
        raise click.exceptions.Exit(1)
