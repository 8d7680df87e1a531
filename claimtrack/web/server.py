"""The server: a socket bound before it starts (so a port in use is one line of error), and
uvicorn serving one site until SIGINT or SIGTERM: in this process, or in ``workers``
processes that share the socket (uvicorn's supervisor; each builds the site again from the
environment the command passes on, as uvicorn's workers import their application by name)."""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from claimtrack.errors import BadInput
from claimtrack.web.app import create_app
from claimtrack.web.site import Site

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

# What a worker process is told by the command that started it.
ENV_WORKER_DB = "CLAIMTRACK_SERVE_DB"
ENV_WORKER_CONFIG = "CLAIMTRACK_SERVE_CONFIG"


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` before the server starts, so that a port in use
    or a host that is not this machine's is one line of error, not a server log."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise BadInput(
            "--host", f"'{host}' is not a host name or address ({error.strerror})"
        ) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise BadInput(
            "--port",
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host",
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def server(site: Site, *, log: bool = True) -> uvicorn.Server:
    """A uvicorn server for ``site``; ``.run(sockets=[listen(…)])`` serves until SIGINT or
    SIGTERM (or ``should_exit``), finishing the requests under way."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            """Stop on SIGINT or SIGTERM, then return, so that `claimtrack serve` exits 0
            after a clean stop (uvicorn raises the signal again, and the exit code would
            say it was killed)."""
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            stops = (signal.SIGINT, signal.SIGTERM)
            before = {number: signal.signal(number, self.handle_exit) for number in stops}
            try:
                yield
            finally:
                for number, handler in before.items():
                    signal.signal(number, handler)

    return Server(_config(create_app(site), log))


def _config(app: object, log: bool, **more: object) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(
        app,  # type: ignore[arg-type]
        log_level="info" if log else "warning",
        access_log=log,
        proxy_headers=False,
        server_header=False,
        **more,  # type: ignore[arg-type]
    )


def serve_workers(
    sock: socket.socket, workers: int, db_url: str, config_path: str | None, log: bool = True
) -> None:
    """Serve from ``workers`` processes until SIGINT or SIGTERM; a worker that dies is
    started again. The token stays in the environment it came from ($CLAIMTRACK_TOKEN)."""
    from uvicorn.supervisors import Multiprocess

    os.environ[ENV_WORKER_DB] = db_url
    if config_path:
        os.environ[ENV_WORKER_CONFIG] = config_path
    config = _config("claimtrack.web.server:worker_app", log, factory=True, workers=workers)
    Multiprocess(config, sockets=[sock]).run()


def worker_app() -> FastAPI:
    """The application one worker process serves: the database, configuration and token
    that `claimtrack serve --workers` was given."""
    from claimtrack import config
    from claimtrack.records import store
    from claimtrack.web import site

    cfg = config.load(os.environ.get(ENV_WORKER_CONFIG))
    token = site.check_token(os.environ.get(site.ENV_TOKEN))
    opened = store.open_database(os.environ[ENV_WORKER_DB], migrate=False)
    return create_app(Site(opened, cfg, token))
