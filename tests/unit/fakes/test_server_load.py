"""`serve` under load and abuse, on a real loopback socket (issue 12, item 11).

Bounded: a few hundred connections to 127.0.0.1, every socket with its own timeout, timeouts
of the server shrunk so the whole module runs in seconds.
"""

from __future__ import annotations

import http.client
import json
import logging
import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from fakes.convex import FakeConvex, QueryCtx
from fakes.convex.server import RunningServer, ServerLimits, serve
from fakes.convex.wsgi import MAX_BODY_BYTES, make_wsgi_app

if TYPE_CHECKING:
    from collections.abc import Iterator

CLIENTS = 200
CALL = b'{"path":"items:echo","args":{"n":1},"format":"json"}'
FAST = ServerLimits(workers=2, request_timeout=1.0, idle_timeout=1.0, write_timeout=1.0)


def echo(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return args.get("n")


@pytest.fixture
def fake() -> Iterator[FakeConvex]:
    fake = FakeConvex(seed=3)
    fake.register("items:echo", "query", echo)
    yield fake
    fake.close()


@pytest.fixture
def server(fake: FakeConvex) -> Iterator[RunningServer]:
    with serve(make_wsgi_app(fake, admin_key=None), limits=FAST) as running:
        yield running


def address(server: RunningServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def post(server: RunningServer, body: bytes = CALL, timeout: float = 30.0) -> tuple[int, Any]:
    """One call on its own connection: (status, parsed JSON body)."""
    conn = http.client.HTTPConnection(*address(server), timeout=timeout)
    try:
        conn.request("POST", "/api/query", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def raw(server: RunningServer, request: bytes, timeout: float = 10.0) -> bytes:
    """Send `request` as is and read everything until the server closes."""
    with socket.create_connection(address(server), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_200_concurrent_clients_are_all_answered(fake: FakeConvex) -> None:
    """All connect at once (a barrier), far more than workers: none is reset or refused."""
    start = threading.Barrier(CLIENTS)

    def one(n: int) -> tuple[int, Any]:
        start.wait(timeout=30)
        return post(running, f'{{"path":"items:echo","args":{{"n":{n}}}}}'.encode())

    with (
        serve(make_wsgi_app(fake, admin_key=None)) as running,
        ThreadPoolExecutor(CLIENTS) as clients,
    ):
        answers = list(clients.map(one, range(CLIENTS)))
    assert answers == [(200, {"status": "success", "value": n}) for n in range(CLIENTS)]


def slowloris(server: RunningServer, dropped: list[float]) -> None:
    """Send an endless head a byte every 50 ms; record when the server drops the connection."""
    began = time.monotonic()
    with socket.create_connection(address(server), timeout=10) as sock:
        sock.sendall(b"POST /api/query HTTP/1.1\r\nX-Slow: ")
        try:
            while time.monotonic() - began < 15:
                sock.sendall(b"a")
                if select.select([sock], [], [], 0.05)[0]:
                    break  # the server answered (408) or closed
        except OSError:
            pass  # reset while sending: dropped
    dropped.append(time.monotonic() - began)


def test_slow_clients_never_block_the_others_and_are_dropped(server: RunningServer) -> None:
    """More stalled clients than workers: others are answered while they stall, then they go."""
    dropped: list[float] = []
    slow = [threading.Thread(target=slowloris, args=(server, dropped)) for _ in range(6)]
    with socket.create_connection(address(server), timeout=10) as half_body:
        half_body.sendall(
            b"POST /api/query HTTP/1.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(CALL) + CALL[:10]
        )
        for thread in slow:
            thread.start()
        time.sleep(0.2)  # every slow client has started its request
        answers = [post(server, timeout=5) for _ in range(20)]
        assert dropped == []  # answered while every slow client still held its connection
        assert answers == [(200, {"status": "success", "value": 1})] * 20
        assert half_body.recv(65536).startswith(b"HTTP/1.1 408 ")  # its body never came
    for thread in slow:
        thread.join(timeout=20)
    assert len(dropped) == 6
    assert max(dropped) < 10  # the request deadline (1 s), not the clients' patience (15 s)


def test_a_kept_alive_connection_serves_several_requests_then_idles_out(
    server: RunningServer,
) -> None:
    conn = http.client.HTTPConnection(*address(server), timeout=10)
    for n in range(3):
        body = f'{{"path":"items:echo","args":{{"n":{n}}}}}'.encode()
        conn.request("POST", "/api/query", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        assert json.loads(response.read()) == {"status": "success", "value": n}
        assert response.getheader("Connection") == "keep-alive"
    assert conn.sock is not None
    conn.sock.settimeout(10)
    assert conn.sock.recv(1) == b""  # closed quietly after the idle timeout, no stray reply
    conn.close()


HEAD = b"POST /api/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (HEAD + b"Content-Length: -5\r\n\r\n" + CALL, b"400"),
        (HEAD + b"Content-Length: abc\r\n\r\n" + CALL, b"400"),
        (HEAD + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n" + CALL, b"400"),
        (HEAD + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", b"400"),
        (HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
        (HEAD + b"Transfer-Encoding: chunked\r\n\r\n" + b"0" * 70_000 + b"\r\n", b"400"),
        (b"POST /api/query\r\n\r\n", b"400"),
        (b"POST /api/query HTTP/1.1\r\nBad Header\r\n\r\n", b"400"),
        (HEAD + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n", b"431"),
    ],
    ids=[
        "negative",
        "not-a-number",
        "two-lengths",
        "both-framings",
        "bad-chunk",
        "long-chunk-line",
        "no-version",
        "no-colon",
        "huge-head",
    ],
)
def test_malformed_framing_is_a_4xx_and_closes(
    server: RunningServer, request_bytes: bytes, status: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        reply = raw(server, request_bytes)
    assert reply.startswith(b"HTTP/1.1 " + status + b" ")
    assert b"Connection: close" in reply
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def json_reply(reply: bytes) -> tuple[bytes, dict[str, Any]]:
    head, _, body = reply.partition(b"\r\n\r\n")
    return head.split(b" ")[1], json.loads(body)


@pytest.mark.parametrize(
    "request_bytes",
    [
        HEAD + b"\r\n",  # no Content-Length: an empty body
        HEAD + b"Content-Length: 200001\r\n\r\n" + b"[" * 100_000 + b"1" + b"]" * 100_000,
        HEAD + b'Content-Length: 6\r\n\r\n{"\xff":1}',
        b"POST /api/query HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
    ],
    ids=["missing-length", "200000-deep", "invalid-utf8", "wrong-type"],
)
def test_bodies_convex_refuses_get_its_bad_json_body_without_a_traceback(
    server: RunningServer, request_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        reply = raw(
            server, request_bytes.replace(b"HTTP/1.1\r\n", b"HTTP/1.1\r\nConnection: close\r\n", 1)
        )
    status, body = json_reply(reply)
    assert (status, body["code"]) == (b"400", "BadJsonBody")
    assert "Traceback" not in body["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def test_a_body_over_the_limit_is_discarded_unread_and_refused(server: RunningServer) -> None:
    oversized = MAX_BODY_BYTES + 1
    with socket.create_connection(address(server), timeout=30) as sock:
        sock.sendall(HEAD + b"Content-Length: %d\r\n\r\n" % oversized)
        sock.sendall(b" " * oversized)  # taken and thrown away, so the reply can be read
        reader = sock.makefile("rb")
        response = http.client.HTTPResponse(sock)
        response.fp = reader
        response.begin()
        body = json.loads(response.read())
    assert (response.status, body["code"]) == (400, "BadJsonBody")
    assert body["message"] == "Failed to buffer the request body: length limit exceeded"


def test_a_chunked_body_and_expect_continue_are_understood(server: RunningServer) -> None:
    chunks = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, CALL[:10], len(CALL) - 10, CALL[10:])
    request = (
        HEAD + b"Expect: 100-continue\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    reply = raw(server, request + chunks)
    assert reply.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 ")
    assert json.loads(reply.rpartition(b"\r\n\r\n")[2]) == {"status": "success", "value": 1}
