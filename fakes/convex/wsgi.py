"""The fake deployment's HTTP surface: a stdlib WSGI app that speaks Convex's public API.

Routes, status codes and bodies follow convex-protocol.md §1 and §10: function-level problems
are 200 `{"status": "error"}` envelopes, protocol problems are `{code, message}` with a 4xx or
503. `FaultInjector` wraps the app to lose requests or replies on a seeded schedule.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, cast
from urllib.parse import parse_qs

from fakes.convex.errors import BadRequest, FunctionFailure, InjectedFault, InvalidValue, OccFailure
from fakes.convex.paths import parse_function_path
from fakes.convex.values import ValueFormat, decode_convex_json, encode_value

if TYPE_CHECKING:
    from collections.abc import Iterable
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from fakes.convex.deployment import FakeConvex
    from fakes.convex.values import Json, Value

__all__ = ["ConvexWsgiApp", "make_wsgi_app"]

_LOG: Final = logging.getLogger("fakes.convex.wsgi")
MAX_BODY_BYTES: Final = 16 * 2**20 + 2000  # MAX_BACKEND_PUBLIC_API_REQUEST_SIZE
# serde_json refuses the 128th nested array or object ("recursion limit exceeded").
MAX_JSON_DEPTH: Final = 127
RUNNING_TEXT: Final = "This Convex deployment is running. See https://docs.convex.dev/."
INSTANCE_VERSION: Final = "seeding-suite-fake"
_FORMATS: Final[dict[str, ValueFormat]] = {
    "convex_encoded_json": "convex_encoded_json",
    "convex_json": "convex_encoded_json",
    "json": "json",
    "convex_clean_json": "json",
}
_SEMVER_TAIL: Final = re.compile(r"(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?")
# Clients older than these never sent `format` and expect the encoded form (§1.4).
_ENCODED_BY_DEFAULT_BELOW: Final = {
    "npm": (1, 4, 1),
    "npm-cli": (1, 4, 1),
    "actions": (1, 4, 1),
    "python-convex": (0, 5, 0),
}
_KEY_TYPE_PREFIXES: Final = ("prod:", "dev:")
_PIPED_KEY_TYPE_PREFIXES: Final = ("preview:", "project:")
INTERNAL_ERROR: Final = "Your request couldn't be completed. Try again later."

Route = Literal["query", "mutation", "action", "function", "run"]
_POST_ROUTES: Final[dict[str, Route]] = {
    "/api/query": "query",
    "/api/mutation": "mutation",
    "/api/action": "action",
    "/api/function": "function",
}
_KINDS: Final[dict[Route, Literal["query", "mutation"]]] = {
    "query": "query",
    "mutation": "mutation",
}


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json"


def _json_reply(status: int, payload: object) -> _Reply:
    return _Reply(status, json.dumps(payload, separators=(",", ":")).encode())


def _error(status: int, code: str, message: str) -> BadRequest:
    return BadRequest(code, message, status)


_STATUS_TEXT: Final = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class ConvexWsgiApp:
    """Serve one `FakeConvex` over Convex's HTTP API; built by `make_wsgi_app`."""

    def __init__(self, fake: FakeConvex, *, admin_key: str | None, instance_name: str) -> None:
        self._fake = fake
        self._admin_key = _bare_key(admin_key) if admin_key else None
        self._instance_name = instance_name

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request_id = environ.get("HTTP_CONVEX_REQUEST_ID") or uuid.uuid4().hex[:16]
        try:
            reply = self._dispatch(environ, request_id)
        except BadRequest as exc:
            reply = _json_reply(exc.status, {"code": exc.code, "message": exc.message})
        except OccFailure as exc:
            code = "OptimisticConcurrencyControlFailure"
            reply = _json_reply(503, {"code": code, "message": str(exc)})
        except InjectedFault:
            reply = _json_reply(500, {"code": "InternalServerError", "message": INTERNAL_ERROR})
        except Exception:
            _LOG.exception("fake Convex request %s failed", request_id)
            reply = _json_reply(500, {"code": "InternalServerError", "message": INTERNAL_ERROR})
        start_response(
            f"{reply.status} {_STATUS_TEXT.get(reply.status, '')}".rstrip(),
            [
                ("Content-Type", reply.content_type),
                ("Content-Length", str(len(reply.body))),
                ("convex-request-id", request_id),
            ],
        )
        return [reply.body]

    # ------------------------------------------------------------ routing

    def _dispatch(self, environ: WSGIEnvironment, request_id: str) -> _Reply:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        if path in ("/", "/instance_name", "/instance_version"):
            _require_method(method, "GET")
            text = {"/": RUNNING_TEXT, "/instance_name": self._instance_name}.get(
                path, INSTANCE_VERSION
            )
            return _Reply(200, text.encode(), "text/plain; charset=utf-8")
        if path == "/api/query" and method == "GET":
            return self._udf(environ, request_id, "query", _query_string_body(environ))
        if path in _POST_ROUTES:
            _require_method(method, "POST")
            return self._udf(environ, request_id, _POST_ROUTES[path], _json_body(environ))
        if path.startswith("/api/run/"):
            _require_method(method, "POST")
            body = _json_body(environ)
            body["path"] = _run_path(path)
            return self._udf(environ, request_id, "run", body)
        raise _error(404, "NotFound", f"No route for {method} {path}")

    def _udf(
        self, environ: WSGIEnvironment, request_id: str, route: Route, body: dict[str, object]
    ) -> _Reply:
        admin = self._authenticate(environ)
        if route == "function" and not admin:
            raise _error(
                403,
                "BadDeployKey",
                f"The provided deploy key was invalid for deployment '{self._instance_name}'",
            )
        fmt = _output_format(body.get("format"), route, environ.get("HTTP_CONVEX_CLIENT"))
        if "args" not in body:
            raise _error(400, "BadJsonBody", "Failed to deserialize the JSON body: missing `args`")
        if not isinstance(body["args"], dict | list):
            raise _error(400, "BadJsonBody", "Failed to deserialize the JSON body: bad `args`")
        if "path" not in body:
            raise _error(400, "BadJsonBody", "Failed to deserialize the JSON body: missing `path`")
        if body.get("componentPath") not in (None, ""):
            raise _error(400, "BadComponentPath", "The fake Convex deployment has no components")
        function = parse_function_path(body["path"])
        try:
            if route == "action":
                raise FunctionFailure(
                    f"The fake Convex deployment runs no actions; {function.key!r} cannot be "
                    "called as an action."
                )
            args = _decode_args(body["args"], function.canonical)
            kind: Literal["query", "mutation", "any"] = _KINDS.get(route, "any")
            value = self._fake.call(function.key, args, kind=kind, admin=admin)
        except FunctionFailure as failure:
            return _json_reply(200, _error_envelope(failure, request_id, fmt))
        return _json_reply(200, {"status": "success", "value": encode_value(value, fmt)})

    # ------------------------------------------------------------ authentication

    def _authenticate(self, environ: WSGIEnvironment) -> bool:
        """Whether the caller is admin; raises BadRequest for a malformed or wrong credential.

        Mirrors `ExtractAuthenticationToken` (§1.7): `Convex <key>` is admin (prefix matched
        case-insensitively), `Bearer <jwt>` is an end user, `?adminKey=` works without a header.
        """
        header = environ.get("HTTP_AUTHORIZATION")
        if header is None:
            key = parse_qs(environ.get("QUERY_STRING", "")).get("adminKey")
            return key is not None and self._check_admin_key(key[0])
        if len(header) < 7:
            raise _error(400, "InvalidHeaderFailure", "Authorization header is too short")
        scheme, token = header[:7].lower(), header[7:]
        if scheme == "convex ":
            return self._check_admin_key(token)
        if scheme == "bearer ":
            raise _error(
                401,
                "NoAuthProvider",
                "No auth provider found matching the given token (no providers configured). "
                "Check convex/auth.config.ts.",
            )
        raise _error(400, "InvalidAdminKey", "Invalid admin key")

    def _check_admin_key(self, presented: str) -> bool:
        # `<key>:<identity>` is an admin acting as a user: still admin for visibility.
        key = _bare_key(presented).split(":", 1)[0]
        if self._admin_key is not None and hmac.compare_digest(
            key.encode(), self._admin_key.encode()
        ):
            return True
        raise _error(401, "BadAdminKey", "The provided admin key was invalid for this instance")


def make_wsgi_app(
    fake: FakeConvex, *, admin_key: str | None, instance_name: str = "seeding-suite-local"
) -> WSGIApplication:
    """Build the WSGI app serving `fake`; `admin_key` None means no caller is ever admin."""
    return ConvexWsgiApp(fake, admin_key=admin_key, instance_name=instance_name)


# ---------------------------------------------------------------- request parsing


def _require_method(method: str, allowed: str) -> None:
    if method != allowed:
        raise _error(405, "MethodNotAllowed", f"Use {allowed} for this route, not {method}")


def _json_body(environ: WSGIEnvironment) -> dict[str, object]:
    """The body as Convex's `Json` extractor takes it: every refusal is 400 `BadJsonBody`.

    Content type `application/json` or `application/*+json`; at most MAX_BODY_BYTES (axum's
    "length limit exceeded", which Convex's extractor turns into BadJsonBody, not a 413);
    UTF-8 JSON nested at most as deep as serde_json parses (its recursion limit of 128).
    """
    media_type = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    kind, _, subtype = media_type.partition("/")
    if kind != "application" or not (subtype == "json" or subtype.endswith("+json")):
        raise _error(400, "BadJsonBody", "Expected request with `Content-Type: application/json`")
    declared = environ.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or not declared.isascii():
        raise _error(400, "BadJsonBody", f"Invalid Content-Length: {declared[:40]!r}")
    length = int(declared)
    if length > MAX_BODY_BYTES:
        raise _error(400, "BadJsonBody", "Failed to buffer the request body: length limit exceeded")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw.decode("utf-8"))
        if _deeper_than(body, raw, MAX_JSON_DEPTH):
            raise RecursionError("recursion limit exceeded")
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise _error(
            400, "BadJsonBody", f"Failed to parse the request body as JSON: {exc}"
        ) from None
    if not isinstance(body, dict):
        raise _error(400, "BadJsonBody", "Failed to deserialize the JSON body: expected an object")
    return body


def _deeper_than(value: object, raw: bytes, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` deep in `value` (parsed from `raw`).

    Counting brackets in the raw text first spares the walk for nearly every body.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _query_string_body(environ: WSGIEnvironment) -> dict[str, object]:
    """`GET /api/query?path=..&args=<JSON>&format=..` as the body a POST would carry."""
    fields = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    body: dict[str, object] = {k: v for k, v in fields.items() if k in ("path", "format")}
    if "args" in fields:
        try:
            body["args"] = json.loads(fields["args"])
        except (ValueError, RecursionError):
            raise _error(400, "BadQueryArgs", "`args` is not a JSON value") from None
    return body


def _run_path(path_info: str) -> str:
    """`/api/run/dir/file/export` names `dir/file:export` (PATH_INFO arrives URL-decoded)."""
    segments = [s for s in path_info.split("/")[3:] if s]
    if len(segments) < 2:
        raise _error(400, "MissingIdentifier", "Expected /api/run/<module path>/<export name>")
    return f"{'/'.join(segments[:-1])}:{segments[-1]}"


def _output_format(requested: object, route: Route, client: str | None) -> ValueFormat:
    if requested is not None:
        if isinstance(requested, str) and requested in _FORMATS:
            return _FORMATS[requested]
        raise _error(400, "BadFormat", f"Invalid format: {requested!r}")
    if route == "run":
        return "json"
    return _default_format(client)


def _default_format(client: str | None) -> ValueFormat:
    """The format for a request without `format`, from its `Convex-Client: <name>-<semver>`."""
    if client is None:
        return "json"
    parts = client.split("-")
    for split in range(1, len(parts)):
        match = _SEMVER_TAIL.fullmatch("-".join(parts[split:]))
        if match:
            version = tuple(int(n) for n in match.groups())
            threshold = _ENCODED_BY_DEFAULT_BELOW.get("-".join(parts[:split]).lower())
            old = threshold is not None and version < threshold
            return "convex_encoded_json" if old else "json"
    raise _error(
        400,
        "InvalidVersion",
        f"Failed to parse client version string: '{client}'. Expected format is "
        "{client_name}-{semver}, e.g. my-esolang-client-0.0.1",
    )


def _decode_args(args: object, where: str) -> Value:
    """Arguments are always Convex-encoded JSON, whatever `format` says (§1.3)."""
    try:
        return decode_convex_json(args)
    except InvalidValue as exc:
        raise FunctionFailure(f"Invalid arguments for {where}: {exc}") from None


def _bare_key(key: str) -> str:
    """The key without its deployment-type prefix (`AdminKey::remove_type_prefix`)."""
    if key.startswith(_KEY_TYPE_PREFIXES):
        return key.split(":", 1)[1]
    if key.startswith(_PIPED_KEY_TYPE_PREFIXES) and "|" in key:
        return key.split("|", 1)[1]
    return key


def _error_envelope(failure: FunctionFailure, request_id: str, fmt: ValueFormat) -> Json:
    envelope: dict[str, Json] = {
        "status": "error",
        "errorMessage": f"[Request ID: {request_id}] Server Error\n{failure.message}",
    }
    if failure.data is not None:
        # FunctionFailure.data is typed `object`; the deployment only ever puts a value there.
        envelope["errorData"] = encode_value(cast("Value", failure.data), fmt)
    return envelope
