"""`ConvexClient`: synchronous calls to one Convex deployment's HTTP API (protocol §1, §9).

It owns the request shape, the retry loop and the rate cap; value encoding lives in
`_values`, error translation in `_errors`, pacing in `_pacing`.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import httpx

from seeding_suite import __version__
from seeding_suite.client._errors import (
    RETRYABLE_STATUSES,
    CallContext,
    is_retryable,
    result_of,
    transport_failure,
)
from seeding_suite.client._pacing import Backoff, RateLimiter
from seeding_suite.client._secret import Secret
from seeding_suite.client._values import encode_value
from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["ConvexClient"]

_LOG: Final = logging.getLogger("seeding_suite.client")
_FORMAT: Final = "convex_encoded_json"
_HEADERS: Final = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Convex-Client": f"seeding-suite-{__version__}",
}

Kind = Literal["query", "mutation"]


class _ConvexKeyAuth(httpx.Auth):
    """Adds `Authorization: Convex <key>` as the request leaves, so the key never sits in
    client-wide default headers (and httpx masks the header in reprs anyway)."""

    def __init__(self, key: Secret) -> None:
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Convex {self._key.reveal()}"
        yield request


class ConvexClient:
    """Call queries and mutations on one Convex deployment (real, or the fake over HTTP).

    Every call POSTs `{path, args, format: "convex_encoded_json"}` to `/api/query` or
    `/api/mutation`, paced by a rate cap of `max_calls_per_second` (every attempt counts).

    Connect errors, timeouts, read errors, a dropped connection and HTTP 429/500/502/503/504
    (503 includes OCC conflicts) are retried up to `max_retries` times with full-jitter
    exponential backoff; then `ConvexTransportError` is raised. Other 4xx answers and function
    errors are never retried.

    Mutations are retried too, although Convex does not de-duplicate HTTP mutations (protocol
    §1.10): a mutation whose answer was lost may already have committed, and the retry runs it
    again. That is safe here only because every seeding function is idempotent by batch id and
    by its checksum preconditions (`seeding_suite.remote`: a replayed `applyBatch` returns its
    first outcome). Pass `max_retries=0` to call a mutation without that property.

    Raises `ConvexFunctionError` (the function threw; `.data` holds ConvexError data),
    `ConvexLimitError` (a Convex limit was hit), `ConvexAuthError` (401/403; the message never
    holds the key), `ConvexTransportError`, or `ConvexError` (other refusals, e.g. HTTP 400).
    Bad settings raise `ConfigurationError`; args that are not Convex values raise TypeError
    or ValueError before anything is sent.

    `http` is a caller-owned `httpx.Client` (left open by `close()`); `transport` is used for
    a client this object owns (e.g. `httpx.WSGITransport(app=...)`). `timeout` applies per
    request either way. `sleep`, `clock` and `rng` exist so tests can make retries and pacing
    instant and deterministic.
    """

    def __init__(
        self,
        url: str,
        key: str | Secret | None,
        *,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_calls_per_second: float = 100.0,
        timeout: float = 30.0,
        max_retries: int = 5,
        backoff_base: float = 0.2,
        backoff_max: float = 5.0,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._url = _deployment_url(url)
        self._key = _secret_key(key)
        if http is not None and transport is not None:
            raise ConfigurationError("pass either an httpx.Client or a transport, not both")
        if max_retries < 0:
            raise ConfigurationError(f"max_retries must be 0 or more, not {max_retries}")
        if not timeout > 0:
            raise ConfigurationError(f"timeout must be positive, not {timeout}")
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(transport=transport)
        # A bare httpx.Auth adds nothing: an explicit no-op also overrides any auth that a
        # caller-supplied httpx.Client carries.
        self._auth = _ConvexKeyAuth(self._key) if self._key is not None else httpx.Auth()
        self._timeout = timeout
        self._max_retries = max_retries
        self._limiter = RateLimiter(max_calls_per_second, clock=clock, sleep=sleep)
        self._backoff = Backoff(backoff_base, backoff_max, rng or random.Random())
        self._sleep = sleep
        self.calls = 0
        """Convex function calls made (one per `query`/`mutation`, however many attempts)."""
        self.attempts = 0
        """HTTP requests sent, retries included."""

    @property
    def description(self) -> str:
        """The deployment URL; safe to print (it never includes the key)."""
        return self._url

    def query(self, path: str, args: Mapping[str, object] | None = None) -> Any:
        """Run the query `path` ("module:export") with `args`; return its decoded result."""
        return self._call("query", path, args)

    def mutation(self, path: str, args: Mapping[str, object] | None = None) -> Any:
        """Run the mutation `path` with `args`; see the class docstring on retried mutations."""
        return self._call("mutation", path, args)

    def close(self) -> None:
        """Close the connection pool, unless the caller passed its own `httpx.Client`."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ConvexClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ConvexClient({self._url!r})"

    def _call(self, kind: Kind, path: str, args: Mapping[str, object] | None) -> Any:
        if not isinstance(path, str) or not path:
            raise ValueError("a function path is a non-empty 'module:export' string")
        if args is not None and not isinstance(args, Mapping):
            raise TypeError(f"args must be a mapping, not {type(args).__name__}")
        body = {"path": path, "args": encode_value(args or {}, "args"), "format": _FORMAT}
        content = json.dumps(body, allow_nan=False, separators=(",", ":")).encode()
        ctx = CallContext(kind=kind, path=path, url=self._url, key=self._key)
        self.calls += 1
        attempt = 0
        while True:
            attempt += 1
            last = attempt > self._max_retries
            self._limiter.wait()
            self.attempts += 1
            try:
                response = self._http.post(
                    f"{self._url}/api/{kind}",
                    content=content,
                    headers=_HEADERS,
                    auth=self._auth,
                    timeout=self._timeout,
                )
            except httpx.TransportError as exc:
                if last or not is_retryable(exc):
                    raise transport_failure(exc, ctx, attempt) from exc
                reason = type(exc).__name__
            else:
                if last or response.status_code not in RETRYABLE_STATUSES:
                    return self._finish(response, ctx, attempt)
                reason = f"HTTP {response.status_code}"
            delay = self._backoff.delay(attempt - 1)
            _LOG.info("%s: %s, retrying in %.2fs (attempt %d)", ctx.call, reason, delay, attempt)
            self._sleep(delay)

    def _finish(self, response: httpx.Response, ctx: CallContext, attempts: int) -> Any:
        deprecation = response.headers.get("x-convex-deprecation-message")
        if deprecation:
            _LOG.warning("%s: %s", self._url, deprecation)
        try:
            return result_of(response, ctx, attempts)
        finally:
            _log_lines(response, ctx)


def _log_lines(response: httpx.Response, ctx: CallContext) -> None:
    """Pass the function's console output (`logLines`) to the debug log."""
    if not _LOG.isEnabledFor(logging.DEBUG):
        return
    try:
        lines = response.json().get("logLines", [])
    except (ValueError, AttributeError):
        return
    for line in lines:
        _LOG.debug("%s: %s", ctx.call, ctx.scrub(str(line)))


def _deployment_url(url: str) -> str:
    """Validate and normalize the deployment URL (no trailing slash, http or https only)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"not a deployment URL: {url!r}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"a deployment URL is http(s)://host[:port], not {url!r}")
    if parsed.userinfo or parsed.query or parsed.fragment:
        raise ConfigurationError("a deployment URL has no credentials, query or fragment")
    return url.rstrip("/")


def _secret_key(key: str | Secret | None) -> Secret | None:
    if key is None:
        return None
    secret = key if isinstance(key, Secret) else Secret(key)
    if not secret.reveal().strip():
        raise ConfigurationError("the deploy key is empty; unset it to call without a key")
    return secret
