"""Shared pieces for the client tests: a fake clock that sleeps instantly, and a client factory."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest
import respx

from seeding_suite.client import ConvexClient

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

URL = "https://happy-animal-123.convex.cloud"
# Shaped like a real production deploy key; the tests check it never leaks.
KEY = "prod:happy-animal-123|eyJ2MiI6ImMwZmZlZWMwZmZlZSJ9"


class FakeTime:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def deploy_key() -> str:
    return KEY


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def convex() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[Callable[..., ConvexClient]]:
    clients: list[ConvexClient] = []

    def make(key: str | None = KEY, **options: Any) -> ConvexClient:
        options.setdefault("rng", random.Random(1234))
        client = ConvexClient(URL, key, sleep=fake_time.sleep, clock=fake_time.clock, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
