"""`seeding-suite serve`'s app on a loopback port, in-process, with a canary admin key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@dataclass
class ServeProcess:
    """A running `seeding-suite serve`: its process, URL and key; `stderr` once it stopped."""

    process: subprocess.Popen[str]
    url: str = ""
    key: str = CANARY
    stderr: str = ""


@contextmanager
def serve_process(cwd: Path, *args: str, key: str = CANARY) -> Iterator[ServeProcess]:
    """`seeding-suite serve ARGS` in its own process, stopped (SIGTERM) on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "seeding_suite", "serve", *args],
        cwd=cwd,
        env={**os.environ, "CONVEX_SELF_HOSTED_ADMIN_KEY": key},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    served = ServeProcess(process, key=key)
    try:
        assert process.stdout is not None
        served.url = process.stdout.readline().strip()
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        served.stderr = process.communicate(timeout=30)[1]
