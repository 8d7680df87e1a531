"""The command that serves the web tracker."""

from __future__ import annotations

import os

import click

from claimtrack.cli.common import cli, config_option, database, db_option, say, settings


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
