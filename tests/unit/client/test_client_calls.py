"""What a call sends and how each recorded response shape comes back (protocol §1.5-1.7)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from seeding_suite import __version__
from seeding_suite.client import ConvexClient, Int64, Secret
from seeding_suite.errors import (
    ConvexAuthError,
    ConvexError,
    ConvexFunctionError,
    ConvexLimitError,
    ConvexTransportError,
)

if TYPE_CHECKING:
    import respx

REQUEST_ID = "[Request ID: 3f1c2d] Server Error"


def error_envelope(text: str, **extra: Any) -> dict[str, Any]:
    return {"status": "error", "errorMessage": f"{REQUEST_ID}\nUncaught {text}", **extra}


def test_it_posts_path_args_and_format_with_the_convex_headers(
    convex: respx.MockRouter, make_client: Any, deploy_key: str
) -> None:
    route = convex.post("/api/mutation").respond(json={"status": "success", "value": None})
    make_client().mutation("seeding:applyBatch", {"runId": "r1", "n": Int64(5), "raw": b"hi"})
    request = route.calls.last.request
    assert json.loads(request.content) == {
        "path": "seeding:applyBatch",
        "args": {"runId": "r1", "n": {"$integer": "BQAAAAAAAAA="}, "raw": {"$bytes": "aGk="}},
        "format": "convex_encoded_json",
    }
    assert request.headers["content-type"] == "application/json"
    assert request.headers["convex-client"] == f"seeding-suite-{__version__}"
    assert request.headers["authorization"] == f"Convex {deploy_key}"


def test_it_sends_no_authorization_header_without_a_key(
    convex: respx.MockRouter, make_client: Any
) -> None:
    route = convex.post("/api/query").respond(json={"status": "success", "value": 1})
    make_client(key=None).query("messages:list")
    assert "authorization" not in route.calls.last.request.headers
    assert json.loads(route.calls.last.request.content)["args"] == {}


def test_it_decodes_int64_bytes_and_floats_in_a_success_envelope(
    convex: respx.MockRouter, make_client: Any
) -> None:
    value = {"count": {"$integer": "BQAAAAAAAAA="}, "blob": {"$bytes": "aGk="}, "avg": 2.5}
    convex.post("/api/query").respond(json={"status": "success", "value": value, "logLines": []})
    result = make_client().query("stats:get", {})
    assert result == {"count": 5, "blob": b"hi", "avg": 2.5}
    assert type(result["count"]) is Int64


def test_it_counts_calls(convex: respx.MockRouter, make_client: Any) -> None:
    convex.post("/api/query").respond(json={"status": "success", "value": None})
    client = make_client()
    client.query("a:b")
    client.query("a:b")
    assert (client.calls, client.attempts) == (2, 2)


def test_it_raises_a_function_error_with_the_convex_error_data(
    convex: respx.MockRouter, make_client: Any
) -> None:
    data = {"code": "PRECONDITION_FAILED", "table": "integrations", "expected": None}
    convex.post("/api/mutation").respond(
        json=error_envelope('ConvexError: {"code":"PRECONDITION_FAILED"}', errorData=data)
    )
    with pytest.raises(ConvexFunctionError) as caught:
        make_client().mutation("seeding:applyBatch", {})
    assert type(caught.value) is ConvexFunctionError
    assert caught.value.data == data
    assert "seeding:applyBatch" in str(caught.value)
    assert REQUEST_ID in str(caught.value)


def test_it_raises_a_function_error_without_data_for_a_plain_throw(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/query").respond(json=error_envelope("Error: boom\n    at handler (x.ts:3:9)"))
    with pytest.raises(ConvexFunctionError, match="boom") as caught:
        make_client().query("x:y")
    assert type(caught.value) is ConvexFunctionError
    assert caught.value.data is None


def test_it_treats_the_legacy_status_560_like_200(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/query").respond(560, json=error_envelope("Error: old proxy"))
    with pytest.raises(ConvexFunctionError, match="old proxy"):
        make_client().query("x:y")


@pytest.mark.parametrize(
    "message",
    [
        "Error: Too many writes in a single function execution (limit: 16000)",
        "Error: Too many bytes read in a single function execution (limit: 16777216 bytes).",
        "Error: Too many reads in a single function execution (limit: 4096)",
        "Error: Value is too large (1048600 bytes > maximum size 1048576 bytes)",
        "Error: Document is too nested (nesting depth 17 > maximum 16)",
    ],
)
def test_it_raises_a_limit_error_for_convex_limit_messages(
    convex: respx.MockRouter, make_client: Any, message: str
) -> None:
    convex.post("/api/mutation").respond(json=error_envelope(message))
    with pytest.raises(ConvexLimitError):
        make_client().mutation("seeding:applyBatch", {})


def test_it_keeps_an_application_error_that_mentions_a_limit_a_function_error(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/mutation").respond(
        json=error_envelope("ConvexError: payload too large", errorData="payload too large")
    )
    with pytest.raises(ConvexFunctionError) as caught:
        make_client().mutation("x:y", {})
    assert type(caught.value) is ConvexFunctionError


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (401, "BadAdminKey", "The provided admin key was invalid for this instance"),
        (403, "BadDeployKey", "The provided deploy key was invalid for deployment 'happy'"),
        (
            403,
            "OperationNotPermitted",
            "You do not have permission to perform this operation "
            "(deployment:functions:runInternalMutations).",
        ),
    ],
)
def test_it_raises_an_auth_error_that_never_names_the_key(
    convex: respx.MockRouter,
    make_client: Any,
    deploy_key: str,
    status: int,
    code: str,
    message: str,
) -> None:
    route = convex.post("/api/mutation").respond(status, json={"code": code, "message": message})
    client = make_client()
    with pytest.raises(ConvexAuthError) as caught:
        client.mutation("seeding:applyBatch", {})
    error = caught.value
    assert f"the deploy key was rejected by {client.description} (HTTP {status} {code}" in str(
        error
    )
    for text in (str(error), repr(error), repr(client), str(route.calls.last.request)):
        assert deploy_key not in text
        assert "c0ffee" not in text
    assert route.call_count == 1  # auth failures are never retried


def test_it_masks_the_key_if_a_server_echoes_it(
    convex: respx.MockRouter, make_client: Any, deploy_key: str
) -> None:
    convex.post("/api/query").respond(
        401, json={"code": "BadAdminKey", "message": f"bad key {deploy_key}"}
    )
    with pytest.raises(ConvexAuthError) as caught:
        make_client().query("x:y")
    assert deploy_key not in str(caught.value)
    assert "**********" in str(caught.value)


def test_it_raises_a_convex_error_with_the_code_for_a_bad_request(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/query").respond(
        400, json={"code": "BadJsonBody", "message": "Failed to deserialize the JSON body"}
    )
    with pytest.raises(ConvexError, match="HTTP 400 BadJsonBody: Failed to deserialize") as caught:
        make_client().query("x:y")
    assert type(caught.value) is ConvexError


def test_it_reports_a_malformed_success_body_as_a_transport_error(
    convex: respx.MockRouter, make_client: Any
) -> None:
    convex.post("/api/query").respond(200, text="<html>proxy</html>")
    with pytest.raises(ConvexTransportError, match="malformed body"):
        make_client().query("x:y")


def test_it_logs_function_log_lines_at_debug(
    convex: respx.MockRouter, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    convex.post("/api/query").respond(
        json={"status": "success", "value": None, "logLines": ["[LOG] hello"]}
    )
    with caplog.at_level(logging.DEBUG, logger="seeding_suite.client"):
        make_client().query("x:y")
    assert "[LOG] hello" in caplog.text


def test_the_key_stays_out_of_reprs(deploy_key: str) -> None:
    secret = Secret(deploy_key)
    client = ConvexClient(
        "https://a.convex.cloud/",
        secret,
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
    )
    with client:
        for text in (repr(secret), str(secret), repr(client), client.description):
            assert deploy_key not in text
        assert client.description == "https://a.convex.cloud"
        assert secret.reveal() == deploy_key


def test_it_masks_the_key_before_cutting_a_long_text_body(
    convex: respx.MockRouter, make_client: Any, deploy_key: str
) -> None:
    # A proxy's text page that echoes the Authorization header where the 200-character cut of
    # the message falls 27 characters into the key: cutting first would leak those 27.
    echoed = "Bad gateway " + "." * 149 + "Authorization: Bearer " + deploy_key + " (retry)"
    assert echoed.index(deploy_key) == 183
    convex.post("/api/mutation").respond(502, text=echoed)
    with pytest.raises(ConvexTransportError) as caught:
        make_client(max_retries=0).mutation("seeding:applyBatch", {})
    message = str(caught.value)
    assert "Bearer **********" in message
    assert deploy_key[:8] not in message


def test_it_masks_a_key_that_the_server_cut_itself(
    convex: respx.MockRouter, make_client: Any, deploy_key: str
) -> None:
    convex.post("/api/query").respond(
        401, json={"code": "BadAdminKey", "message": f"bad key {deploy_key[:12]}... (truncated)"}
    )
    with pytest.raises(ConvexAuthError) as caught:
        make_client().query("x:y")
    assert str(caught.value).endswith("(HTTP 401 BadAdminKey: bad key **********... (truncated))")
