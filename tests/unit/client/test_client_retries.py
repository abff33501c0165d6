"""Retries, backoff and the rate cap, on an injected clock: no test waits on the wall clock."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from seeding_suite.client import ConvexClient
from seeding_suite.errors import ConfigurationError, ConvexError, ConvexTransportError

if TYPE_CHECKING:
    import respx

OK = {"status": "success", "value": "done"}
OCC = {
    "code": "OptimisticConcurrencyControlFailure",
    "message": "Documents read from or written to the table changed while this mutation ran.",
}
UNCAPPED = 1e12  # calls per second: keeps the rate cap out of the sleeps a retry test records


def test_it_retries_an_occ_conflict_and_returns_the_result(
    convex: respx.MockRouter, make_client: Any, fake_time: Any
) -> None:
    route = convex.post("/api/mutation").mock(
        side_effect=[httpx.Response(503, json=OCC), httpx.Response(200, json=OK)]
    )
    client = make_client(max_calls_per_second=UNCAPPED, backoff_base=0.2)
    assert client.mutation("seeding:applyBatch", {"batchId": "b1"}) == "done"
    assert route.call_count == 2
    assert (client.calls, client.attempts) == (1, 2)
    assert len(fake_time.sleeps) == 1
    assert 0.0 <= fake_time.sleeps[0] <= 0.2


def test_it_gives_up_on_a_persistent_conflict_with_a_transport_error(
    convex: respx.MockRouter, make_client: Any
) -> None:
    route = convex.post("/api/mutation").respond(503, json=OCC)
    client = make_client(max_retries=3, max_calls_per_second=UNCAPPED)
    with pytest.raises(ConvexTransportError, match="after 4 attempts") as caught:
        client.mutation("seeding:applyBatch", {})
    assert "HTTP 503 OptimisticConcurrencyControlFailure" in str(caught.value)
    assert route.call_count == 4
    assert client.attempts == 4


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_it_retries_overload_and_server_failures(
    convex: respx.MockRouter, make_client: Any, status: int
) -> None:
    route = convex.post("/api/query").mock(
        side_effect=[httpx.Response(status, text=""), httpx.Response(200, json=OK)]
    )
    assert make_client(max_calls_per_second=UNCAPPED).query("x:y") == "done"
    assert route.call_count == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectError("connection refused"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
)
def test_it_retries_network_failures_then_reports_them(
    convex: respx.MockRouter, make_client: Any, failure: httpx.TransportError
) -> None:
    route = convex.post("/api/query").mock(side_effect=failure)
    with pytest.raises(ConvexTransportError, match=type(failure).__name__) as caught:
        make_client(max_retries=2, max_calls_per_second=UNCAPPED).query("x:y")
    assert caught.value.__cause__ is failure
    assert "after 3 attempts" in str(caught.value)
    assert route.call_count == 3


def test_it_recovers_when_a_timeout_is_followed_by_an_answer(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/query").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json=OK)]
    )
    assert make_client(max_calls_per_second=UNCAPPED).query("x:y") == "done"


def test_it_does_not_retry_a_transport_error_that_cannot_heal(
    convex: respx.MockRouter, make_client: Any
) -> None:
    route = convex.post("/api/query").mock(side_effect=httpx.UnsupportedProtocol("no"))
    with pytest.raises(ConvexTransportError, match="after 1 attempt:"):
        make_client().query("x:y")
    assert route.call_count == 1


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(400, json={"code": "BadJsonBody", "message": "bad"}),
        httpx.Response(404, text="Not Found"),
        httpx.Response(200, json={"status": "error", "errorMessage": "Uncaught Error: boom"}),
    ],
)
def test_it_never_retries_refusals_or_function_errors(
    convex: respx.MockRouter, make_client: Any, fake_time: Any, response: httpx.Response
) -> None:
    route = convex.post("/api/mutation").mock(return_value=response)
    with pytest.raises(ConvexError):
        make_client().mutation("x:y", {})
    assert route.call_count == 1
    assert fake_time.sleeps == []


def test_it_sends_a_mutation_once_when_retries_are_off(
    convex: respx.MockRouter, make_client: Any
) -> None:
    route = convex.post("/api/mutation").respond(502)
    with pytest.raises(ConvexTransportError, match="HTTP 502"):
        make_client(max_retries=0).mutation("x:y", {})
    assert route.call_count == 1


def test_backoff_sleeps_grow_but_stay_under_the_cap(
    convex: respx.MockRouter, make_client: Any, fake_time: Any
) -> None:
    convex.post("/api/query").respond(503, json=OCC)
    client = make_client(
        max_retries=8, backoff_base=0.1, backoff_max=1.0, max_calls_per_second=UNCAPPED
    )
    with pytest.raises(ConvexTransportError):
        client.query("x:y")
    assert len(fake_time.sleeps) == 8
    for retry, slept in enumerate(fake_time.sleeps):
        assert 0.0 <= slept <= min(1.0, 0.1 * 2**retry)
    assert max(fake_time.sleeps[4:]) > 0.1  # the later ceilings are really used


def test_jitter_is_deterministic_for_a_seeded_rng(
    convex: respx.MockRouter, make_client: Any, fake_time: Any
) -> None:
    convex.post("/api/query").respond(500)
    for _ in range(2):
        with pytest.raises(ConvexTransportError):
            make_client(rng=random.Random(42), max_retries=4, max_calls_per_second=UNCAPPED).query(
                "x:y"
            )
    expected_rng = random.Random(42)
    expected = [expected_rng.uniform(0.0, min(5.0, 0.2 * 2**retry)) for retry in range(4)]
    assert fake_time.sleeps == expected + expected


def test_the_rate_cap_spaces_calls_on_the_injected_clock(
    convex: respx.MockRouter, make_client: Any, fake_time: Any
) -> None:
    convex.post("/api/query").respond(json=OK)
    client = make_client(max_calls_per_second=4.0)
    start = fake_time.now
    for _ in range(3):
        client.query("x:y")
    assert fake_time.sleeps == [0.25, 0.25]
    assert fake_time.now == start + 0.5
    fake_time.now += 10.0  # after a quiet spell the next call goes out at once
    client.query("x:y")
    assert fake_time.sleeps == [0.25, 0.25]


def test_the_rate_cap_also_paces_retries(
    convex: respx.MockRouter, make_client: Any, fake_time: Any
) -> None:
    convex.post("/api/query").mock(side_effect=[httpx.Response(502), httpx.Response(200, json=OK)])
    client = make_client(max_calls_per_second=1.0, backoff_base=0.01, backoff_max=0.01)
    client.query("x:y")
    backoff, pacing = fake_time.sleeps
    assert backoff <= 0.01
    assert backoff + pacing == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("url", "options"),
    [
        ("ftp://a.convex.cloud", {}),
        ("https://user:pw@a.convex.cloud", {}),
        ("not a url", {}),
        ("https://a.convex.cloud", {"max_calls_per_second": 0}),
        ("https://a.convex.cloud", {"max_retries": -1}),
        ("https://a.convex.cloud", {"backoff_base": 1.0, "backoff_max": 0.5}),
        ("https://a.convex.cloud", {"timeout": 0}),
    ],
)
def test_it_refuses_bad_settings_with_a_configuration_error(
    url: str, options: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ConvexClient(url, "k", **options)
    assert "pw" not in str(caught.value)


def test_it_refuses_both_an_http_client_and_a_transport() -> None:
    with httpx.Client() as http, pytest.raises(ConfigurationError, match="not both"):
        ConvexClient(
            "https://a.convex.cloud",
            None,
            http=http,
            transport=httpx.MockTransport(lambda request: httpx.Response(500)),
        )


def test_it_refuses_an_empty_key() -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        ConvexClient("https://a.convex.cloud", "  ")


def test_it_leaves_a_caller_supplied_http_client_open(convex: respx.MockRouter) -> None:
    convex.post("/api/query").respond(json=OK)
    with httpx.Client() as http:
        with ConvexClient("https://happy-animal-123.convex.cloud", None, http=http) as client:
            assert client.query("x:y") == "done"
        assert not http.is_closed
