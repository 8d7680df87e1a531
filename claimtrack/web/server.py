"""The server: a socket bound before it starts (so a port in use is one line of error), and
uvicorn serving one site until SIGINT or SIGTERM."""

from __future__ import annotations

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

    config = uvicorn.Config(
        create_app(site),
        log_level="info" if log else "warning",
        access_log=log,
        proxy_headers=False,
        server_header=False,
    )
    return Server(config)
