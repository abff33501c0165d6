"""Serve a WSGI app on a loopback socket: one event loop reads, a bounded pool runs the app.

This is the fake's third door (after in-process calls and `httpx.WSGITransport`): the one
`seeding-suite serve` and the end-to-end client tests use. It never listens beyond loopback.

Why not `wsgiref` with a thread per connection: its listen backlog of 5 reset most of a burst
of 200 clients, and every slow client held a thread with no deadline. Here one asyncio loop
owns every connection and hands a request to a worker only once it has fully arrived, so a
slow or stalled client costs a coroutine, never a worker, and is dropped when its deadline
passes (a total deadline per request, not per read: a client sending a byte at a time cannot
stretch it). The stdlib is enough: the fake's replies are small and buffered whole.

HTTP framing errors are answered like hyper, the HTTP layer of Convex's backend: 400 for a bad
request line, header or Content-Length, 431 for a head over the limit, all with an empty body
and the connection closed. A body over `max_body_bytes` is read and discarded, not buffered,
and the app is told its declared length (the Convex app answers 400 `BadJsonBody`).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import ipaddress
import logging
import re
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import unquote

from fakes.convex.wsgi import MAX_BODY_BYTES

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType
    from wsgiref.types import WSGIApplication, WSGIEnvironment

    from _typeshed import OptExcInfo

__all__ = ["RunningServer", "ServerLimits", "serve"]

_LOG: Final = logging.getLogger("fakes.convex.server")
_TOKEN: Final = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_DIGITS: Final = re.compile(r"[0-9]+")
_CHUNK_SIZE: Final = re.compile(rb"[0-9A-Fa-f]{1,15}")
_DISCARD_CHUNK: Final = 1 << 16


@dataclass(frozen=True)
class ServerLimits:
    """How much the server takes on; tests shrink the timeouts to run fast."""

    workers: int = 8
    """Threads running the app (the fake runs one function at a time anyway)."""
    backlog: int = 1024
    """The listen queue; the kernel caps it at net.core.somaxconn."""
    request_timeout: float = 30.0
    """A started request (head and body) must have arrived whole within this many seconds."""
    idle_timeout: float = 60.0
    """A kept-alive connection waits this long for its next request, then closes quietly."""
    write_timeout: float = 30.0
    """A reply the client does not take within this many seconds closes the connection."""
    max_head_bytes: int = 64 * 1024
    max_body_bytes: int = MAX_BODY_BYTES


class _Malformed(Exception):
    """The request cannot be framed: answer `status` with an empty body, then close."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class _Request:
    method: str
    target: str
    version: str
    headers: list[tuple[str, str]]

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]

    @property
    def keep_alive(self) -> bool:
        tokens = {t.strip().lower() for v in self.header("connection") for t in v.split(",")}
        return self.version == "HTTP/1.1" and "close" not in tokens


@dataclass
class _Reply:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class _Server:
    """The connections of one listening socket; runs in its own thread's event loop."""

    def __init__(self, app: WSGIApplication, sock: socket.socket, limits: ServerLimits) -> None:
        self.app = app
        self.sock = sock
        self.address: tuple[str, int] = sock.getsockname()[:2]
        self.limits = limits
        self.pool = ThreadPoolExecutor(limits.workers, thread_name_prefix="fake-convex-worker")
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stopping: asyncio.Event | None = None
        self._connections: set[asyncio.Task[None]] = set()

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        finally:
            self.ready.set()  # never leave `serve` waiting, even if the loop failed to start
            self.pool.shutdown(wait=True)

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.loop.set_exception_handler(_log_quietly)
        self.stopping = asyncio.Event()
        server = await asyncio.start_server(
            self._accepted,
            sock=self.sock,
            backlog=self.limits.backlog,
            limit=self.limits.max_head_bytes,
        )
        self.ready.set()
        await self.stopping.wait()
        server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await server.wait_closed()

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, or the server is stopping
        except Exception:
            _LOG.exception("fake Convex connection failed")
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        limits = self.limits
        while True:
            try:
                first = await asyncio.wait_for(reader.readexactly(1), limits.idle_timeout)
            except (TimeoutError, asyncio.IncompleteReadError):
                return  # idle: close quietly (a 408 here could answer a request in flight)
            try:
                async with asyncio.timeout(limits.request_timeout):
                    request, environ = await self._read_request(first, reader, writer)
            except TimeoutError:
                await self._send(writer, _Reply("408 Request Timeout", [], b""), keep=False)
                return
            except _Malformed as bad:
                await self._send(writer, _Reply(bad.status, [], b""), keep=False)
                return
            assert self.loop is not None
            reply = await self.loop.run_in_executor(self.pool, self._call_app, environ)
            if request.method == "HEAD":
                reply.body = b""
            keep = request.keep_alive
            await self._send(writer, reply, keep=keep)
            if not keep:
                return

    async def _read_request(
        self, first: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[_Request, WSGIEnvironment]:
        try:
            head = first + await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError:
            raise _Malformed("431 Request Header Fields Too Large") from None
        request = _parse_head(head)
        length, chunked = _framing(request)
        if request.header("expect") and request.header("expect")[0].lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if chunked:
            body, length = await _read_chunked(reader, self.limits.max_body_bytes)
        elif length > self.limits.max_body_bytes:
            await _discard(reader, length)
            body = b""
        else:
            body = await reader.readexactly(length) if length else b""
        return request, self._environ(request, body, length, writer)

    def _environ(
        self, request: _Request, body: bytes, length: int, writer: asyncio.StreamWriter
    ) -> WSGIEnvironment:
        path, _, query = request.target.partition("?")
        host, port = self.address
        peer = writer.get_extra_info("peername") or ("", 0)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "iso-8859-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": host,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": request.version,
            "REMOTE_ADDR": peer[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if request.header("content-length") or request.header("transfer-encoding"):
            environ["CONTENT_LENGTH"] = str(length)
        for name, value in request.headers:
            if "_" in name or name in ("content-length", "transfer-encoding"):
                continue  # `_` would alias a `-` header once both are upper-cased (as wsgiref)
            key = name.upper().replace("-", "_")
            key = key if key == "CONTENT_TYPE" else f"HTTP_{key}"
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _call_app(self, environ: WSGIEnvironment) -> _Reply:
        """Run the app in a worker thread and collect its whole reply."""
        started: list[_Reply] = []
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            if exc_info is not None and exc_info[1] is not None and started:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [_Reply(status, headers, b"")]
            return chunks.append

        try:
            result = self.app(environ, start_response)
            try:
                chunks.extend(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except Exception:
            _LOG.exception("the WSGI app failed")
            return _Reply("500 Internal Server Error", [], b"")
        reply = started[0]
        reply.body = b"".join(chunks)
        return reply

    async def _send(self, writer: asyncio.StreamWriter, reply: _Reply, *, keep: bool) -> None:
        lines = [f"HTTP/1.1 {reply.status}"]
        lines += [f"{name}: {value}" for name, value in reply.headers]
        if not any(name.lower() == "content-length" for name, _ in reply.headers):
            lines.append(f"Content-Length: {len(reply.body)}")
        lines.append(f"Connection: {'keep-alive' if keep else 'close'}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + reply.body)
        try:
            await asyncio.wait_for(writer.drain(), self.limits.write_timeout)
        except TimeoutError:
            raise ConnectionAbortedError("the client did not take its reply") from None


def _parse_head(head: bytes) -> _Request:
    """The request line and headers; anything hyper would refuse is a 400."""
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3 or parts[2] not in (b"HTTP/1.1", b"HTTP/1.0") or not parts[1]:
        raise _Malformed("400 Bad Request")
    if not _TOKEN.fullmatch(parts[0]):
        raise _Malformed("400 Bad Request")
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise _Malformed("400 Bad Request")
        headers.append((name.decode("ascii").lower(), value.strip(b" \t").decode("latin-1")))
    method, target, version = (part.decode("latin-1") for part in parts)
    return _Request(method, target, version, headers)


def _framing(request: _Request) -> tuple[int, bool]:
    """(Content-Length, chunked): one well-formed length, or chunked, or neither (no body)."""
    codings = [c.strip().lower() for v in request.header("transfer-encoding") for c in v.split(",")]
    lengths = {v.strip() for value in request.header("content-length") for v in value.split(",")}
    if codings:
        if lengths or codings[-1] != "chunked":
            raise _Malformed("400 Bad Request")  # both framings: refused, never guessed
        return 0, True
    if not lengths:
        return 0, False
    if len(lengths) != 1 or not _DIGITS.fullmatch(next(iter(lengths))):
        raise _Malformed("400 Bad Request")  # negative, signed, not a number, or two of them
    return int(next(iter(lengths))), False


async def _read_chunked(reader: asyncio.StreamReader, limit: int) -> tuple[bytes, int]:
    """A chunked body (kept up to `limit` bytes, the rest discarded) and its whole length."""
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = (await _line(reader)).split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise _Malformed("400 Bad Request")
        size = int(size_text, 16)
        if size == 0:
            while await _line(reader) != b"\r\n":
                pass  # trailers: ignored
            return b"".join(parts), total
        if total + size <= limit:
            parts.append(await reader.readexactly(size))
        else:
            parts.clear()
            await _discard(reader, size)
        total += size
        if await reader.readexactly(2) != b"\r\n":
            raise _Malformed("400 Bad Request")


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n")
    except asyncio.LimitOverrunError:
        raise _Malformed("400 Bad Request") from None


async def _discard(reader: asyncio.StreamReader, length: int) -> None:
    """Read `length` bytes and keep none: the client can then read its reply."""
    while length > 0:
        length -= len(await reader.readexactly(min(length, _DISCARD_CHUNK)))


def _log_quietly(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Loop-level noise (a peer reset mid-write) is a debug line, never a traceback on stderr."""
    error = context.get("exception")
    _LOG.debug("fake Convex event loop: %s", context.get("message"), exc_info=error)


class RunningServer:
    """A server running in a daemon thread; stop it with `shutdown()` or a `with` block."""

    def __init__(self, server: _Server, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        host, port = server.address
        self._url = f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """The base URL clients use, e.g. `http://127.0.0.1:53117`."""
        return self._url

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C in the main thread interrupts the wait)."""
        while self._thread.is_alive():
            self._thread.join(timeout=0.5)

    def shutdown(self) -> None:
        """Stop accepting, drop open connections, let running app calls finish; idempotent."""
        if not self._thread.is_alive():
            return
        loop, stopping = self._server.loop, self._server.stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stopping.set)
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


def serve(
    app: WSGIApplication,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    limits: ServerLimits | None = None,
) -> RunningServer:
    """Start serving `app` on `host:port` (port 0 picks a free one) and return once listening.

    Raises ValueError for a host that is not an IPv4 loopback address: the fake has no real
    authentication worth exposing to a network. OSError if the port is taken.
    """
    if not _is_loopback(host):
        raise ValueError(f"the fake Convex server only listens on loopback, not {host!r}")
    limits = limits or ServerLimits()
    sock = socket.create_server((host, port), backlog=limits.backlog)
    server = _Server(app, sock, limits)
    thread = threading.Thread(
        target=server.run, name=f"fake-convex-{sock.getsockname()[1]}", daemon=True
    )
    thread.start()
    server.ready.wait()
    return RunningServer(server, thread)


def _is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError):
        return False
    return address.is_loopback
