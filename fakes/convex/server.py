"""Serve a WSGI app on a loopback socket from a background thread (stdlib `wsgiref`).

This is the fake's third door (after in-process calls and `httpx.WSGITransport`): the one
`seeding-suite serve` and the end-to-end client tests use. It never listens beyond loopback.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import socketserver
import threading
from typing import TYPE_CHECKING, Any, Final
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

if TYPE_CHECKING:
    from types import TracebackType
    from wsgiref.types import WSGIApplication

__all__ = ["RunningServer", "serve"]

_LOG: Final = logging.getLogger("fakes.convex.server")


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    """One thread per connection, so a slow request does not stall the others."""

    # Request threads must not keep the process alive after the server's owner is gone.
    daemon_threads = True


class _LoggingHandler(WSGIRequestHandler):
    """Sends the access log to `logging` (debug) instead of wsgiref's unconditional stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        _LOG.debug("%s - %s", self.address_string(), format % args)


class RunningServer:
    """A WSGI server running in a daemon thread; stop it with `shutdown()` or a `with` block."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. `http://127.0.0.1:53117`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the main thread interrupts the wait)."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def shutdown(self) -> None:
        """Stop accepting requests, close the socket and wait for the serving thread."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def __repr__(self) -> str:
        return f"RunningServer({self.url!r})"


def serve(app: WSGIApplication, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start serving `app` on `host:port` (port 0 picks a free one) and return at once.

    Raises ValueError for a host that is not an IPv4 loopback address: the fake has no real
    authentication worth exposing to a network. OSError if the port is taken.
    """
    if not _is_loopback(host):
        raise ValueError(f"the fake Convex server only listens on loopback, not {host!r}")
    server = make_server(
        host, port, app, server_class=_ThreadingWSGIServer, handler_class=_LoggingHandler
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"fake-convex-{server.server_port}",
        daemon=True,
    )
    thread.start()
    return RunningServer(server, thread)


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return False
    return address.is_loopback
