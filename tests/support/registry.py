"""A fake TUF registry on loopback, with a publisher `acme` trusted for `acme-*` ids."""

from __future__ import annotations

import functools
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fakes.registry import FakeRepository, serve
from seeding_suite.sources.registries.client import RegistryClient, RegistrySource
from tests.support.project import manifest


@dataclass
class Registry:
    """A served FakeRepository, the source a project configures for it, and what it was asked."""

    repo: FakeRepository
    source: RegistrySource
    requests: list[str] = field(default_factory=list)
    cache: Path = Path()

    def client(self, *, offline: bool = False) -> RegistryClient:
        return RegistryClient(self.source, self.cache, offline=offline)


def acme_repository(threshold: int = 1) -> FakeRepository:
    """acme-crm 1.0.0 and 1.2.0 (role acme), and 2.0.0; globex-mail 0.3.0 (top-level targets)."""
    repo = FakeRepository(threshold=threshold)
    repo.delegate("acme", ["acme-*/index.json", "acme-*/*/*"])
    for version in ("1.0.0", "1.2.0", "2.0.0"):
        repo.add_manifest("acme-crm", version, manifest("acme-crm", version).encode())
    repo.publish()
    repo.add_manifest("globex-mail", "0.3.0", manifest("globex-mail", "0.3.0").encode())
    repo.publish()  # twice: an attack may replay the first timestamp
    return repo


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[Registry]:
    repo = acme_repository()
    root = tmp_path / "root.json"
    root.write_bytes(repo.root_bytes)
    requests: list[str] = []
    with serve(repo, requests) as running:
        source = RegistrySource("market", running.url, root)
        yield Registry(repo, source, requests, tmp_path / "cache")


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """`python -m http.server -d DIRECTORY` in a thread, on loopback: its URL."""
    handler = functools.partial(_QuietFiles, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log in test output."""


def market_pyproject(base: str, url: str, public_key: str | None = None) -> str:
    """A project's pyproject.toml with the registry source `acme-market` (root pinned at
    registries/acme-market/root.json) and, given its key, the publisher acme."""
    text = base + textwrap.dedent(
        f"""
        [[tool.seeding_suite.sources]]
        name = "acme-market"
        kind = "registry"
        url = "{url}"
        root = "registries/acme-market/root.json"
        trust = "community"
        """
    )
    if public_key is None:
        return text
    publisher = f'[tool.seeding_suite.publishers.acme]\nkeys = ["{public_key}"]\nids = ["acme-*"]\n'
    return text + "\n" + publisher
