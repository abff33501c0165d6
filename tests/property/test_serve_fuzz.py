"""Whatever body or header a client sends, `serve` answers 200 or a 4xx: never a 5xx or a hang.

A 5xx (or an exception logged) would be the server blaming itself for a client's mistake.
"""

from __future__ import annotations

import json
import logging
import socket
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes.convex import FakeConvex, QueryCtx
from fakes.convex.server import RunningServer, ServerLimits, serve
from fakes.convex.wsgi import make_wsgi_app

if TYPE_CHECKING:
    from collections.abc import Iterator


def echo(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return len(args)


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    fake = FakeConvex(seed=5)
    fake.register("items:echo", "query", echo)
    limits = ServerLimits(workers=2, request_timeout=2.0, idle_timeout=2.0)
    with serve(make_wsgi_app(fake, admin_key=None), limits=limits) as running:
        yield running
    fake.close()


def status_of(server: RunningServer, request: bytes) -> int:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        reply = b""
        while b"\r\n" not in reply and (chunk := sock.recv(4096)):
            reply += chunk
    return int(reply.split(b" ")[1])


def post(body: bytes, headers: bytes = b"Content-Type: application/json\r\n") -> bytes:
    return (
        b"POST /api/query HTTP/1.1\r\nConnection: close\r\n"
        + headers
        + b"Content-Length: %d\r\n\r\n" % len(body)
        + body
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=30,
)
QUIET = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@QUIET
@given(body=st.binary(max_size=200))
def test_any_body_bytes(
    server: RunningServer, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert status_of(server, post(body)) in (200, 400)
    assert caplog.records == []


@QUIET
@given(args=json_values, path=st.sampled_from(["items:echo", "items:x", "a:b:c", ""]))
def test_any_json_call(
    server: RunningServer, args: object, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps({"path": path, "args": args}).encode()
    with caplog.at_level(logging.WARNING):
        assert status_of(server, post(body)) in (200, 400)
    assert caplog.records == []


@QUIET
@given(
    name=st.sampled_from(["Content-Type", "Authorization", "Convex-Client", "X-Any"]),
    value=st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40),
)
def test_any_header_value(
    server: RunningServer, name: str, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    header = f"{name}: {value}\r\n".encode("latin-1")
    if name != "Content-Type":
        header += b"Content-Type: application/json\r\n"
    request = post(b'{"path":"items:echo","args":{}}', header)
    with caplog.at_level(logging.WARNING):
        assert status_of(server, request) in (200, 400, 401)
    assert caplog.records == []
