"""Translate Convex responses and httpx failures into `seeding_suite.errors` at the boundary.

Nothing above `seeding_suite.client` catches an httpx type: every failure leaves this module
as a `ConvexError` subclass (style.md §5.4 rule 10). Messages name the URL and the function,
never the key: every server-supplied text passes through `Secret.scrub` first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import httpx

from seeding_suite.client._values import decode_value
from seeding_suite.errors import (
    ConvexAuthError,
    ConvexError,
    ConvexFunctionError,
    ConvexTransportError,
    function_error,
)

if TYPE_CHECKING:
    from seeding_suite.client._secret import Secret

__all__ = [
    "RETRYABLE_STATUSES",
    "CallContext",
    "is_retryable",
    "response_failure",
    "result_of",
    "transport_failure",
]

# 429 rate limited, 500 unclassified, 502/504 a proxy lost the backend, 503 OCC or overload.
RETRYABLE_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
# 560 is the legacy "the function failed" status; its body is the usual envelope (§1.5).
_ENVELOPE_STATUSES: Final = frozenset({200, 560})
_AUTH_STATUSES: Final = frozenset({401, 403})
# How much of a body that is not Convex's JSON error a message quotes.
_SHOWN: Final = 200


@dataclass(frozen=True)
class CallContext:
    """What an error message needs to say which call failed and where."""

    kind: str
    path: str
    url: str
    key: Secret | None

    def scrub(self, text: str) -> str:
        """Mask the key in server-supplied text, in case a server ever echoes it."""
        return self.key.scrub(text) if self.key is not None else text

    @property
    def call(self) -> str:
        return f"{self.kind} {self.path!r} on {self.url}"


def is_retryable(exc: httpx.TransportError) -> bool:
    """Whether a transport failure may succeed on another attempt.

    Timeouts, connect and read errors and a server that hung up without answering
    (RemoteProtocolError) are worth retrying; a bad URL scheme or an invalid request are not.
    """
    return isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError)


def transport_failure(exc: httpx.TransportError, ctx: CallContext, attempts: int) -> ConvexError:
    """The error for a request that never got an HTTP answer."""
    detail = ctx.scrub(str(exc)) or "no detail"
    return ConvexTransportError(
        f"{ctx.call} failed after {_plural(attempts)}: {type(exc).__name__}: {detail}"
    )


def result_of(response: httpx.Response, ctx: CallContext, attempts: int) -> Any:
    """Return the decoded function result of a final response, or raise its ConvexError."""
    if response.status_code not in _ENVELOPE_STATUSES:
        raise response_failure(response, ctx, attempts)
    try:
        envelope = response.json()
        status = envelope["status"]
        if status == "success":
            return decode_value(envelope["value"])
        if status == "error":
            raise _function_failure(envelope, ctx)
        raise ValueError(f"unknown status {status!r}")
    except (ValueError, KeyError, TypeError) as exc:  # json.JSONDecodeError is a ValueError
        raise ConvexTransportError(
            f"{ctx.call} answered HTTP {response.status_code} with a malformed body: "
            f"{ctx.scrub(str(exc))}"
        ) from exc


def response_failure(response: httpx.Response, ctx: CallContext, attempts: int) -> ConvexError:
    """The error for a non-envelope HTTP answer: auth, bad request, or 5xx after retries."""
    code, message = _code_and_message(response, ctx)
    status = f"HTTP {response.status_code} {code}".rstrip()
    reason = f"{status}: {message}" if message else status
    if response.status_code in _AUTH_STATUSES:
        if ctx.key is None:
            return ConvexAuthError(f"{ctx.url} refused a call without a deploy key ({reason})")
        return ConvexAuthError(f"the deploy key was rejected by {ctx.url} ({reason})")
    if response.status_code in RETRYABLE_STATUSES:
        return ConvexTransportError(f"{ctx.call} failed after {_plural(attempts)}: {reason}")
    return ConvexError(f"{ctx.call} was refused: {reason}")


def _function_failure(envelope: dict[str, Any], ctx: CallContext) -> ConvexFunctionError:
    message = ctx.scrub(str(envelope["errorMessage"]))
    has_data = "errorData" in envelope
    data = decode_value(envelope["errorData"]) if has_data else None
    return function_error(f"{ctx.call} failed: {message}", data, has_data=has_data)


def _code_and_message(response: httpx.Response, ctx: CallContext) -> tuple[str, str]:
    """The `{code, message}` of an HTTP error body; a non-JSON body gives its first line."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        lines = ctx.scrub(response.text).strip().splitlines()
        return "", _cut(lines[0]) if lines else ""
    if not isinstance(body, dict):
        return "", _cut(ctx.scrub(json.dumps(body)))
    return ctx.scrub(str(body.get("code", ""))), ctx.scrub(str(body.get("message", "")))


def _cut(text: str) -> str:
    """Shorten text that is already scrubbed: cutting first could split the key past masking."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _plural(attempts: int) -> str:
    return f"{attempts} attempt" + ("" if attempts == 1 else "s")
