"""`seeding-suite serve`'s app on a loopback port, in-process, with a canary admin key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fakes.convex import FakeConvex, make_wsgi_app, serve
from seeding_suite.targets.local import seeding_deployment

CANARY = "convex-self-hosted|canary0123456789abcdefSECRET"


@dataclass
class Served:
    url: str
    fake: FakeConvex
    key: str = CANARY


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    monkeypatch.setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", CANARY)
    fake = seeding_deployment(tmp_path / "served.sqlite3")
    with serve(make_wsgi_app(fake, admin_key=CANARY)) as running:
        yield Served(running.url, fake)
    fake.close()
