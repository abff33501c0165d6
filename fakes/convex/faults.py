"""FaultInjector: WSGI middleware that fails or drops a seeded share of requests.

Convergence tests need both kinds of fault: before the request runs (nothing happened) and
after it ran (a mutation committed, but its reply was lost).
"""

from __future__ import annotations

import enum
import io
import json
import random
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fakes.convex.wsgi import INTERNAL_ERROR

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

    from _typeshed import OptExcInfo

__all__ = ["Fault", "FaultInjector", "InjectedEvent", "Outage"]


class Fault(enum.Enum):
    """What `FaultInjector` does to a chosen request."""

    FAIL_BEFORE = "fail_before"
    """Answer 500 InternalServerError without running anything."""
    DROP_BEFORE = "drop_before"
    """Answer 502 with an empty body (a proxy that lost the backend); nothing ran."""
    LOSE_REPLY = "lose_reply"
    """Run the request (a mutation commits), then answer 502 with an empty body."""


@dataclass(frozen=True)
class InjectedEvent:
    """One fault that was injected: the request's number (from 1), its path and the fault."""

    request: int
    path: str
    fault: Fault


class FaultInjector:
    """WSGI middleware failing a seeded share of `/api/` requests, before or after handling.

    `rate` is the chance per request; the same `seed` and request order give the same faults,
    so a convergence test that fails can be replayed. `events` records what was injected.
    """

    def __init__(
        self,
        app: WSGIApplication,
        *,
        rate: float,
        seed: int = 0,
        faults: Sequence[Fault] = tuple(Fault),
    ) -> None:
        if not 0.0 <= rate <= 1.0 or not faults:
            raise ValueError("rate must lie in [0, 1] and at least one fault must be allowed")
        self._app = app
        self._rate = rate
        self._faults = tuple(faults)
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._requests = 0
        self.events: list[InjectedEvent] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        fault = self._choose(path) if path.startswith("/api/") else None
        if fault is Fault.FAIL_BEFORE:
            body = json.dumps({"code": "InternalServerError", "message": INTERNAL_ERROR}).encode()
            start_response(
                "500 Internal Server Error",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if fault is Fault.LOSE_REPLY:
            self.run_and_discard(self._app, environ)
        if fault is not None:
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return [b""]
        return self._app(environ, start_response)

    def _choose(self, path: str) -> Fault | None:
        with self._lock:
            self._requests += 1
            if self._rng.random() >= self._rate:
                return None
            fault = self._rng.choice(self._faults)
            self.events.append(InjectedEvent(self._requests, path, fault))
            return fault

    @staticmethod
    def run_and_discard(app: WSGIApplication, environ: WSGIEnvironment) -> None:
        """Run the request to its end, as a server would, and throw its reply away."""

        def ignore_start(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            return len

        result = app(environ, ignore_start)
        try:
            for _chunk in result:
                pass
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()


class Outage:
    """WSGI middleware: the server goes away in the middle of a call, for `requests` requests.

    The outage begins at the `occurrence`-th `/api/` request that calls `function` (the
    request's JSON `path`): that request runs (a mutation commits) and its reply is lost,
    then it and the next `requests - 1` requests get a 502 with an empty body without
    running. After that the server answers again. `events` records each failed request.
    """

    def __init__(
        self, app: WSGIApplication, *, function: str, occurrence: int = 1, requests: int = 1
    ) -> None:
        if occurrence < 1 or requests < 1:
            raise ValueError("occurrence and requests count from 1")
        self._app = app
        self._function = function
        self._occurrence = occurrence
        self._left = requests
        self._seen = 0
        self._lock = threading.Lock()
        self._requests = 0
        self.events: list[InjectedEvent] = []

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/api/"):
            return self._app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        fault = self._choose(path, body)
        if fault is Fault.LOSE_REPLY:
            FaultInjector.run_and_discard(self._app, environ)
        if fault is not None:
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return [b""]
        return self._app(environ, start_response)

    def _choose(self, path: str, body: bytes) -> Fault | None:
        with self._lock:
            self._requests += 1
            if self._seen < self._occurrence:
                try:
                    called = json.loads(body).get("path")
                except (ValueError, AttributeError):
                    called = None
                if called == self._function:
                    self._seen += 1
                if self._seen < self._occurrence:
                    return None
                fault = Fault.LOSE_REPLY
            elif self._left > 0:
                fault = Fault.DROP_BEFORE
            else:
                return None
            self._left -= 1
            self.events.append(InjectedEvent(self._requests, path, fault))
            return fault
