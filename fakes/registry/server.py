"""The fake registry on loopback: a static file server over `FakeRepository.files`.

What `python -m http.server` does for a real registry directory (the README's way to serve
one): GET a path, 200 with its bytes or 404. Each request path is recorded, so tests can tell
what a client downloaded. The stdlib's threading server, as the real one: a client's open
keep-alive connection never delays shutdown (daemon threads, sockets closed on exit).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

    from fakes.registry.repository import FakeRepository


class RegistryServer:
    """`repo` served at `url` (loopback, a free port) from a daemon thread until `shutdown()`."""

    def __init__(self, repo: FakeRepository, requests: list[str]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0].lstrip("/")
                requests.append(path)
                body = repo.files.get(path)
                self.send_response(404 if body is None else 200)
                self.send_header("Content-Length", str(0 if body is None else len(body)))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: a test's output is not a web server's access log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RegistryServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()


def serve(repo: FakeRepository, requests: list[str] | None = None) -> RegistryServer:
    """Serve `repo` on a free loopback port; `requests` (if given) collects each path asked."""
    return RegistryServer(repo, [] if requests is None else requests)
