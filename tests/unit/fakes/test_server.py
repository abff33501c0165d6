"""The fake on a real loopback socket, called by seeding-suite's own ConvexClient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from fakes.convex import FakeConvex, MutationCtx, QueryCtx
from fakes.convex.faults import Fault, FaultInjector
from fakes.convex.server import RunningServer, serve
from fakes.convex.wsgi import make_wsgi_app
from seeding_suite.client import ConvexClient
from seeding_suite.errors import ConvexAuthError, ConvexFunctionError, ConvexTransportError

if TYPE_CHECKING:
    from collections.abc import Iterator

ADMIN_KEY = "prod:local-fake|0123456789abcdef"


def count(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return len(ctx.db.query("items").collect())


def add(ctx: MutationCtx, args: dict[str, Any]) -> object:
    return ctx.db.insert("items", {"name": args["name"]})


@pytest.fixture
def fake() -> Iterator[FakeConvex]:
    fake = FakeConvex(seed=2)
    fake.register("items:count", "query", count, visibility="internal")
    fake.register("items:add", "mutation", add, visibility="internal")
    yield fake
    fake.close()


@pytest.fixture
def server(fake: FakeConvex) -> Iterator[RunningServer]:
    with serve(make_wsgi_app(fake, admin_key=ADMIN_KEY)) as running:
        yield running


def instant(url: str, key: str | None, **options: Any) -> ConvexClient:
    return ConvexClient(url, key, sleep=lambda seconds: None, **options)


def test_it_serves_on_a_loopback_url(server: RunningServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert not server.url.endswith(":0")


def test_the_client_runs_mutations_and_queries_with_the_admin_key(
    server: RunningServer, fake: FakeConvex
) -> None:
    with instant(server.url, ADMIN_KEY) as client:
        doc_id = client.mutation("items:add", {"name": "a"})
        client.mutation("items:add", {"name": "b"})
        assert client.query("items:count") == 2.0
    assert isinstance(doc_id, str)
    assert [doc["name"] for doc in fake.documents("items")] == ["a", "b"]


def test_a_wrong_key_is_a_convex_auth_error_without_the_key(server: RunningServer) -> None:
    wrong = "prod:local-fake|ffffffffffffffff"
    with instant(server.url, wrong) as client, pytest.raises(ConvexAuthError) as caught:
        client.query("items:count")
    assert "HTTP 401 BadAdminKey" in str(caught.value)
    assert wrong not in str(caught.value)


def test_internal_functions_are_missing_without_a_key(server: RunningServer) -> None:
    with instant(server.url, None) as client, pytest.raises(ConvexFunctionError) as caught:
        client.query("items:count")
    assert "Could not find public function for 'items:count'." in str(caught.value)


def test_the_client_converges_through_dropped_requests(fake: FakeConvex) -> None:
    app = FaultInjector(
        make_wsgi_app(fake, admin_key=ADMIN_KEY),
        rate=0.4,
        seed=4,
        faults=[Fault.FAIL_BEFORE, Fault.DROP_BEFORE],
    )
    with serve(app) as running, instant(running.url, ADMIN_KEY) as client:
        for n in range(5):
            client.mutation("items:add", {"name": f"i{n}"})
        assert app.events  # some requests really failed, and each cost one retry
        assert client.attempts == client.calls + len(app.events)
    assert [doc["name"] for doc in fake.documents("items")] == [f"i{n}" for n in range(5)]


def test_after_shutdown_the_port_refuses_connections(fake: FakeConvex) -> None:
    running = serve(make_wsgi_app(fake, admin_key=ADMIN_KEY))
    url = running.url
    running.shutdown()
    running.shutdown()  # idempotent
    running.wait()  # returns at once: the serving thread has ended
    with instant(url, ADMIN_KEY, max_retries=1) as client, pytest.raises(ConvexTransportError):
        client.query("items:count")


@pytest.mark.parametrize("host", ["0.0.0.0", "8.8.8.8", "no-such-host.invalid"])
def test_it_refuses_to_listen_beyond_loopback(fake: FakeConvex, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(make_wsgi_app(fake, admin_key=None), host=host)
