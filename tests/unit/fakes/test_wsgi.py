"""The fake's HTTP surface, driven in-process through httpx.WSGITransport (protocol §1, §10)."""

from __future__ import annotations

import io
import json
import math
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from fakes.convex import ConvexError, FakeConvex, InjectedFault, Int64, MutationCtx, QueryCtx
from fakes.convex.faults import Fault, FaultInjector
from fakes.convex.wsgi import MAX_BODY_BYTES, RUNNING_TEXT, make_wsgi_app

if TYPE_CHECKING:
    from collections.abc import Iterator

ADMIN_KEY = "happy-animal-123|01a2b3c4d5e6f7"
NOT_FOUND = "Could not find public function for 'admin:secret'."


def list_messages(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return [doc["body"] for doc in ctx.db.query("messages").collect()]


def send_message(ctx: MutationCtx, args: dict[str, Any]) -> object:
    return ctx.db.insert("messages", {"body": args["body"]})


def values(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return {"count": Int64(5), "blob": b"hi", "nan": math.nan, "ratio": 0.5}


def describe_args(ctx: QueryCtx, args: dict[str, Any]) -> object:
    return {key: type(value).__name__ for key, value in args.items()}


def boom(ctx: MutationCtx, args: dict[str, Any]) -> object:
    ctx.db.insert("messages", {"body": "rolled back"})
    raise RuntimeError("boom")


def refuse(ctx: MutationCtx, args: dict[str, Any]) -> object:
    raise ConvexError({"code": "PRECONDITION_FAILED", "expected": Int64(7)})


@pytest.fixture
def fake() -> Iterator[FakeConvex]:
    fake = FakeConvex(seed=1)
    fake.register("messages:list", "query", list_messages)
    fake.register("messages:send", "mutation", send_message)
    fake.register("stats:values", "query", values)
    fake.register("stats:describe", "query", describe_args)
    fake.register("fail:boom", "mutation", boom)
    fake.register("fail:refuse", "mutation", refuse)
    fake.register("admin:secret", "query", lambda ctx, args: "classified", visibility="internal")
    fake.register("init", "mutation", send_message, visibility="internal")
    yield fake
    fake.close()


def client_for(app: Any) -> httpx.Client:
    return httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://fake")


@pytest.fixture
def http(fake: FakeConvex) -> Iterator[httpx.Client]:
    with client_for(make_wsgi_app(fake, admin_key=f"prod:{ADMIN_KEY}")) as client:
        yield client


def admin(key: str = ADMIN_KEY) -> dict[str, str]:
    return {"Authorization": f"Convex {key}"}


def call(http: httpx.Client, route: str, path: str, args: Any = None, **body: Any) -> Any:
    headers = body.pop("headers", {})
    payload = {"path": path, "args": {} if args is None else args, **body}
    return http.post(f"/api/{route}", json=payload, headers=headers)


# ---------------------------------------------------------------- plain routes


def test_the_root_says_the_deployment_is_running(http: httpx.Client) -> None:
    response = http.get("/")
    assert (response.status_code, response.text) == (200, RUNNING_TEXT)
    assert response.headers["content-type"].startswith("text/plain")


def test_it_reports_its_instance_name_and_a_version(fake: FakeConvex) -> None:
    with client_for(make_wsgi_app(fake, admin_key=None, instance_name="local-1")) as http:
        assert http.get("/instance_name").text == "local-1"
        assert http.get("/instance_version").status_code == 200


def test_unknown_routes_and_wrong_methods_get_http_errors(http: httpx.Client) -> None:
    assert http.get("/api/nothing").json()["code"] == "NotFound"
    assert http.get("/api/mutation").status_code == 405
    assert http.post("/").status_code == 405


# ---------------------------------------------------------------- envelopes and formats


def test_a_query_answers_a_success_envelope_in_json_format_by_default(http: httpx.Client) -> None:
    response = call(http, "query", "stats:values")
    assert response.status_code == 200
    assert response.json() == {
        "status": "success",
        "value": {"count": "5", "blob": "aGk=", "nan": "NaN", "ratio": 0.5},
    }


@pytest.mark.parametrize("fmt", ["convex_encoded_json", "convex_json"])
def test_the_encoded_format_keeps_int64_bytes_and_special_floats(
    http: httpx.Client, fmt: str
) -> None:
    value = call(http, "query", "stats:values", format=fmt).json()["value"]
    assert value == {
        "count": {"$integer": "BQAAAAAAAAA="},
        "blob": {"$bytes": "aGk="},
        "nan": {"$float": "AAAAAAAA+H8="},
        "ratio": 0.5,
    }


def test_convex_clean_json_is_the_json_format(http: httpx.Client) -> None:
    value = call(http, "query", "stats:values", format="convex_clean_json").json()["value"]
    assert value["count"] == "5"


def test_an_unknown_format_is_a_bad_request(http: httpx.Client) -> None:
    response = call(http, "query", "stats:values", format="xml")
    assert response.status_code == 400
    assert response.json()["code"] == "BadFormat"


@pytest.mark.parametrize(
    ("client", "count"),
    [
        ("npm-1.3.0", {"$integer": "BQAAAAAAAAA="}),
        ("python-convex-0.4.0", {"$integer": "BQAAAAAAAAA="}),
        ("npm-1.48.0", "5"),
        ("seeding-suite-0.1.0", "5"),
        ("my-esolang-client-0.0.1-alpha.1", "5"),
    ],
)
def test_the_default_format_follows_the_convex_client_header(
    http: httpx.Client, client: str, count: object
) -> None:
    response = call(http, "query", "stats:values", headers={"Convex-Client": client})
    assert response.json()["value"]["count"] == count


def test_a_convex_client_header_without_a_version_is_refused(http: httpx.Client) -> None:
    response = call(http, "query", "stats:values", headers={"Convex-Client": "curl"})
    assert (response.status_code, response.json()["code"]) == (400, "InvalidVersion")


def test_a_function_error_is_a_200_envelope_with_the_request_id(
    http: httpx.Client, fake: FakeConvex
) -> None:
    response = call(http, "mutation", "fail:boom")
    assert response.status_code == 200
    body = response.json()
    request_id = response.headers["convex-request-id"]
    assert body["status"] == "error"
    assert body["errorMessage"].startswith(f"[Request ID: {request_id}] Server Error\nUncaught ")
    assert "boom" in body["errorMessage"]
    assert "errorData" not in body
    assert fake.documents("messages") == []  # the insert was rolled back


def test_convex_error_data_travels_in_error_data_in_the_requested_format(
    http: httpx.Client,
) -> None:
    encoded = call(http, "mutation", "fail:refuse", format="convex_encoded_json").json()
    assert encoded["errorData"] == {
        "code": "PRECONDITION_FAILED",
        "expected": {"$integer": "BwAAAAAAAAA="},
    }
    assert call(http, "mutation", "fail:refuse").json()["errorData"]["expected"] == "7"


def test_it_echoes_a_request_id_the_client_chose(http: httpx.Client) -> None:
    response = call(http, "query", "messages:list", headers={"convex-request-id": "abc123"})
    assert response.headers["convex-request-id"] == "abc123"


# ---------------------------------------------------------------- routes and kinds


def test_a_mutation_writes_and_a_query_reads_it_back(http: httpx.Client) -> None:
    created = call(http, "mutation", "messages:send", {"body": "hello"}).json()
    assert created["status"] == "success"
    assert isinstance(created["value"], str)
    assert call(http, "query", "messages:list").json()["value"] == ["hello"]


def test_calling_a_query_as_a_mutation_is_a_function_error(http: httpx.Client) -> None:
    body = call(http, "mutation", "messages:list").json()
    assert body["status"] == "error"
    assert (
        "Trying to execute messages.js:list as Mutation, but it is defined as Query."
        in (body["errorMessage"])
    )


def test_actions_are_refused_with_a_function_error_that_says_why(http: httpx.Client) -> None:
    body = call(http, "action", "messages:list").json()
    assert body["status"] == "error"
    assert "runs no actions" in body["errorMessage"]


def test_api_function_runs_any_kind_for_an_admin(http: httpx.Client) -> None:
    sent = call(http, "function", "init", {"body": "seeded"}, headers=admin())
    assert sent.json()["status"] == "success"
    assert call(http, "function", "messages:list", headers=admin()).json()["value"] == ["seeded"]


def test_api_function_is_forbidden_without_the_admin_key(http: httpx.Client) -> None:
    response = call(http, "function", "messages:list")
    assert response.status_code == 403
    assert response.json()["code"] == "BadDeployKey"


def test_api_run_names_the_function_in_the_url_and_defaults_to_json(http: httpx.Client) -> None:
    response = http.post("/api/run/stats/values", json={"args": {}})
    assert response.json()["value"]["count"] == "5"
    encoded = http.post("/api/run/stats/values", json={"args": {}, "format": "convex_json"})
    assert encoded.json()["value"]["count"] == {"$integer": "BQAAAAAAAAA="}


def test_api_run_needs_a_module_and_an_export(http: httpx.Client) -> None:
    response = http.post("/api/run/stats", json={"args": {}})
    assert (response.status_code, response.json()["code"]) == (400, "MissingIdentifier")


def test_a_query_can_be_sent_as_a_get_with_a_query_string(http: httpx.Client) -> None:
    call(http, "mutation", "messages:send", {"body": "x"})
    response = http.get("/api/query", params={"path": "messages:list", "args": "{}"})
    assert response.json() == {"status": "success", "value": ["x"]}
    bad = http.get("/api/query", params={"path": "messages:list", "args": "{nope"})
    assert (bad.status_code, bad.json()["code"]) == (400, "BadQueryArgs")


# ---------------------------------------------------------------- request checks


def test_it_requires_a_json_content_type(http: httpx.Client) -> None:
    response = http.post("/api/query", content=b'{"path":"messages:list","args":{}}')
    assert (response.status_code, response.json()["code"]) == (400, "BadJsonBody")
    ok = http.post(
        "/api/query",
        content=b'{"path":"messages:list","args":{}}',
        headers={"Content-Type": "application/vnd.api+json; charset=utf-8"},
    )
    assert ok.json()["status"] == "success"


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1]", b'{"path":"messages:list"}', b'{"path":"messages:list","args":"x"}'],
)
def test_it_refuses_a_body_that_is_not_a_call(http: httpx.Client, content: bytes) -> None:
    response = http.post(
        "/api/query", content=content, headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "BadJsonBody")


def test_it_refuses_a_body_over_the_size_limit(http: httpx.Client) -> None:
    """Convex's Json extractor turns axum's length-limit rejection into 400 BadJsonBody."""
    filler = "x" * (MAX_BODY_BYTES - 40)
    response = call(http, "mutation", "messages:send", {"body": filler})
    assert response.status_code == 400
    assert response.json() == {
        "code": "BadJsonBody",
        "message": "Failed to buffer the request body: length limit exceeded",
    }
    assert call(http, "mutation", "messages:send", {"body": "x" * 100}).status_code == 200


def nested(depth: int) -> bytes:
    """A call whose args hold arrays nested so that the whole body is `depth` deep."""
    inner = "[" * (depth - 2) + "]" * (depth - 2)
    return f'{{"path":"stats:describe","args":{{"x":{inner}}}}}'.encode()


@pytest.mark.parametrize("depth", [128, 1000, 200_000])
def test_json_nested_deeper_than_serde_parses_is_a_bad_json_body(
    http: httpx.Client, depth: int
) -> None:
    response = http.post(
        "/api/query", content=nested(depth), headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["code"]) == (400, "BadJsonBody")
    assert "recursion" in response.json()["message"]


def test_json_nested_as_deep_as_serde_parses_reaches_the_function(http: httpx.Client) -> None:
    response = http.post(
        "/api/query", content=nested(127), headers={"Content-Type": "application/json"}
    )
    assert response.json()["status"] in ("success", "error")  # a function-level answer


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"path":"messages:list","args":{"s":"\xff"}}', "application/json"),
        ('{"path":"messages:list","args":{}}'.encode("utf-16"), "application/json"),
        (b'{"path":"messages:list","args":{}}', "text/vnd.x+json"),
        (b'{"path":"messages:list","args":{}}', "application/x-www-form-urlencoded"),
    ],
    ids=["invalid-utf8", "utf16", "text-plus-json", "form"],
)
def test_bodies_convex_cannot_read_as_json_are_bad_json_bodies(
    http: httpx.Client, content: bytes, content_type: str
) -> None:
    response = http.post("/api/query", content=content, headers={"Content-Type": content_type})
    assert (response.status_code, response.json()["code"]) == (400, "BadJsonBody")


def test_a_deep_query_string_argument_is_a_bad_request(http: httpx.Client) -> None:
    args = "[" * 8_000 + "]" * 8_000  # past the recursion limit, inside the URL limit
    response = http.get("/api/query", params={"path": "messages:list", "args": args})
    assert (response.status_code, response.json()["code"]) == (400, "BadQueryArgs")


@pytest.mark.parametrize("length", ["-5", "abc", "+5", "٣"])
def test_an_invalid_content_length_is_a_bad_json_body(fake: FakeConvex, length: str) -> None:
    app = make_wsgi_app(fake, admin_key=None)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/query",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": length,
        "wsgi.input": io.BytesIO(b'{"path":"messages:list","args":{}}'),
    }
    statuses: list[str] = []
    body = b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))  # type: ignore[arg-type,func-returns-value]
    assert statuses == ["400 Bad Request"]
    assert json.loads(body)["code"] == "BadJsonBody"


def test_a_malformed_function_path_is_a_bad_request(http: httpx.Client) -> None:
    response = call(http, "query", "messages:list:again")
    assert (response.status_code, response.json()["code"]) == (400, "BadConvexFunctionIdentifier")


def test_arguments_are_decoded_as_convex_encoded_json(http: httpx.Client) -> None:
    args = {"n": 5, "i": {"$integer": "BQAAAAAAAAA="}, "b": {"$bytes": "aGk="}}
    value = call(http, "query", "stats:describe", args).json()["value"]
    assert value == {"n": "float", "i": "Int64", "b": "bytes"}
    positional = call(http, "query", "stats:describe", [{"s": "x"}]).json()["value"]
    assert positional == {"s": "str"}


def test_undecodable_arguments_are_a_function_error(http: httpx.Client) -> None:
    body = call(http, "query", "stats:describe", {"$bad": 1}).json()
    assert body["status"] == "error"
    assert "Invalid arguments for stats.js:describe" in body["errorMessage"]


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "authorization",
    [
        f"Convex {ADMIN_KEY}",
        f"convex prod:{ADMIN_KEY}",
        f"CONVEX dev:{ADMIN_KEY}",
        f"Convex {ADMIN_KEY}:eyJzdWJqZWN0IjoidXNlcjEifQ==",
    ],
)
def test_the_admin_key_in_any_accepted_spelling_sees_internal_functions(
    http: httpx.Client, authorization: str
) -> None:
    response = call(http, "query", "admin:secret", headers={"Authorization": authorization})
    assert response.json() == {"status": "success", "value": "classified"}


def test_the_admin_key_may_come_as_a_query_parameter(http: httpx.Client) -> None:
    response = http.post(
        "/api/query",
        params={"adminKey": ADMIN_KEY},
        json={"path": "admin:secret", "args": {}},
    )
    assert response.json()["value"] == "classified"


def test_internal_functions_look_missing_to_anonymous_callers(http: httpx.Client) -> None:
    body = call(http, "query", "admin:secret").json()
    assert body["status"] == "error"
    assert body["errorMessage"].endswith(f"Server Error\n{NOT_FOUND}")
    assert http.post("/api/run/admin/secret", json={"args": {}}).json()["status"] == "error"


@pytest.mark.parametrize(
    ("authorization", "status", "code"),
    [
        ("Convex prod:happy-animal-123|wrong", 401, "BadAdminKey"),
        ("Conv", 400, "InvalidHeaderFailure"),
        ("Basic dXNlcjpwYXNz", 400, "InvalidAdminKey"),
        ("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", 401, "NoAuthProvider"),
    ],
)
def test_bad_credentials_get_convex_auth_errors(
    http: httpx.Client, authorization: str, status: int, code: str
) -> None:
    response = call(http, "query", "messages:list", headers={"Authorization": authorization})
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_wrong_key_gets_convex_exact_bad_admin_key_body(http: httpx.Client) -> None:
    response = call(http, "query", "messages:list", headers=admin("nope"))
    assert response.json() == {
        "code": "BadAdminKey",
        "message": "The provided admin key was invalid for this instance",
    }


def test_without_an_admin_key_configured_no_key_is_accepted(fake: FakeConvex) -> None:
    with client_for(make_wsgi_app(fake, admin_key=None)) as http:
        assert call(http, "query", "messages:list", headers=admin()).status_code == 401
        assert call(http, "query", "messages:list").json()["status"] == "success"


# ---------------------------------------------------------------- conflicts and faults


def test_exhausted_conflicts_answer_503_occ(http: httpx.Client, fake: FakeConvex) -> None:
    fake.inject_conflicts(100)
    response = call(http, "mutation", "messages:send", {"body": "x"})
    assert response.status_code == 503
    assert response.json()["code"] == "OptimisticConcurrencyControlFailure"
    assert fake.documents("messages") == []


def test_a_fault_after_commit_answers_500_but_the_write_stays(
    http: httpx.Client, fake: FakeConvex
) -> None:
    def crash_after_commit(path: str, phase: str) -> None:
        if phase == "after_commit":
            raise InjectedFault(path)

    fake.set_fault_hook(crash_after_commit)
    response = call(http, "mutation", "messages:send", {"body": "kept"})
    assert (response.status_code, response.json()["code"]) == (500, "InternalServerError")
    assert [doc["body"] for doc in fake.documents("messages")] == ["kept"]


@pytest.mark.parametrize(
    ("fault", "status", "written"),
    [(Fault.FAIL_BEFORE, 500, 0), (Fault.DROP_BEFORE, 502, 0), (Fault.LOSE_REPLY, 502, 1)],
)
def test_the_fault_injector_fails_before_or_after_handling(
    fake: FakeConvex, fault: Fault, status: int, written: int
) -> None:
    injector = FaultInjector(make_wsgi_app(fake, admin_key=None), rate=1.0, faults=[fault])
    with client_for(injector) as http:
        response = call(http, "mutation", "messages:send", {"body": "x"})
        assert response.status_code == status
        assert len(fake.documents("messages")) == written
        assert http.get("/").status_code == 200  # only /api/ requests are faulted
    assert [(event.request, event.fault) for event in injector.events] == [(1, fault)]


def test_the_fault_injector_is_deterministic_for_a_seed(fake: FakeConvex) -> None:
    def statuses(seed: int) -> list[int]:
        injector = FaultInjector(make_wsgi_app(fake, admin_key=None), rate=0.3, seed=seed)
        with client_for(injector) as http:
            return [call(http, "query", "messages:list").status_code for _ in range(40)]

    first = statuses(7)
    assert first == statuses(7)
    assert 0 < first.count(200) < 40
    assert first != statuses(8)


def test_the_fault_injector_refuses_a_rate_outside_zero_to_one(fake: FakeConvex) -> None:
    with pytest.raises(ValueError, match="rate"):
        FaultInjector(make_wsgi_app(fake, admin_key=None), rate=1.5)


def test_a_lost_reply_makes_a_retrying_client_apply_a_mutation_twice(fake: FakeConvex) -> None:
    """Why the seeding functions must be idempotent: HTTP mutations are not de-duplicated."""
    from seeding_suite.client import ConvexClient

    injector = FaultInjector(make_wsgi_app(fake, admin_key=None), rate=0.5, seed=3)
    transport = httpx.WSGITransport(app=injector)
    with ConvexClient("http://fake", None, transport=transport, sleep=lambda s: None) as client:
        for n in range(6):
            client.mutation("messages:send", {"body": f"m{n}"})
    lost = sum(event.fault is Fault.LOSE_REPLY for event in injector.events)
    assert lost > 0
    assert len(fake.documents("messages")) == 6 + lost
    assert {doc["body"] for doc in fake.documents("messages")} == {f"m{n}" for n in range(6)}
