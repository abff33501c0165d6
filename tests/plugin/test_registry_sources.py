"""Registry sources end to end, over a fake TUF registry on loopback (plain and -n 2).

A project with an official catalog (core) and the registry source `acme-market`, whose
publisher acme signs its manifests with the real minisign tool. Install, seed, update; each
attack of the fake registry is refused with nothing from that registry seeded while the
official catalog still seeds; with no registry reachable the official catalog still seeds.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fakes.registry import FakeRepository, RegistryServer, attacks, serve
from seeding_suite.cli import main
from tests.support.minisign import MINISIGN, OwnKey, ToolKey
from tests.support.project import PYPROJECT, Project, manifest
from tests.support.registry import market_pyproject

ACME_PATHS = ["acme-*/index.json", "acme-*/*/*"]


@dataclass
class Market:
    project: Project
    repo: FakeRepository
    publisher: ToolKey | OwnKey
    folder: Path
    server: RegistryServer

    def publish(self, mid: str, version: str) -> None:
        """A manifest of publisher acme, signed by minisign for `mid@version`, published."""
        path = self.folder / f"{mid}.yaml"
        path.write_text(manifest(mid, version, extra="publisher: acme\n"), encoding="utf-8")
        signature = self.publisher.sign(path, f"{mid}@{version}").read_bytes()
        self.repo.add_manifest(mid, version, path.read_bytes(), signature)
        self.repo.publish()

    def configure(self, url: str) -> None:
        root = self.project.pytester.path / "registries" / "acme-market" / "root.json"
        root.parent.mkdir(parents=True, exist_ok=True)
        root.write_bytes(self.repo.root_bytes)
        text = market_pyproject(PYPROJECT, url, self.publisher.public)
        (self.project.pytester.path / "pyproject.toml").write_text(text, encoding="utf-8")

    def lock_versions(self) -> dict[str, str]:
        lock = self.project.pytester.path / "marketplace.lock"
        return {p["id"]: p["version"] for p in tomllib.loads(lock.read_text())["integration"]}


@pytest.fixture
def market(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Market]:
    folder = tmp_path_factory.mktemp("acme")
    # The real minisign tool signs when it is installed; else a signer of minisign's format.
    publisher = ToolKey.generate(folder, "acme") if MINISIGN else OwnKey.generate()
    repo = FakeRepository()
    repo.delegate("acme", ACME_PATHS)
    project.write("core", manifest("core", "1.2.0"))
    with serve(repo) as server:
        market = Market(project, repo, publisher, folder, server)
        market.publish("acme-crm", "1.0.0")
        market.publish("acme-crm", "1.2.0")
        market.publish("acme-crm", "2.0.0")
        market.configure(server.url)
        yield market


def _failures(run_xml: ET.Element) -> dict[str, str]:
    found = {}
    for case in run_xml.iter("testcase"):
        failure = case.find("failure")
        if failure is not None:
            found[f"{case.get('classname')}::{case.get('name')}"] = failure.get("message", "") + (
                failure.text or ""
            )
    return found


def test_install_seed_update_through_the_registry(market: Market, mode: list[str]) -> None:
    assert main(["install", "acme-crm@^1.0", "--source", "acme-market"]) == 0
    assert market.lock_versions() == {"acme-crm": "1.2.0"}
    run = market.project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    state = market.project.state()
    assert {i: row["version"] for i, row in state.items()} == {"core": "1.2.0", "acme-crm": "1.2.0"}
    signature = [
        c
        for c in run.xml.iter("testcase")
        if "acme-crm" in (c.get("classname") or "") and c.get("name") == "signature"
    ]
    assert len(signature) == 1
    assert not _failures(run.xml)
    market.publish("acme-crm", "1.3.0")
    assert main(["update"]) == 0
    assert market.lock_versions() == {"acme-crm": "1.3.0"}
    run = market.project.run(*mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert market.project.state()["acme-crm"]["version"] == "1.3.0"


Attack = Callable[[Market], None]
ATTACKS: dict[str, tuple[Attack, str]] = {
    "expired timestamp": (lambda m: attacks.expire_timestamp(m.repo), "timestamp.json is expired"),
    "rolled-back snapshot": (
        lambda m: attacks.rollback_snapshot(m.repo),
        "metadata older than already seen",
    ),
    "tampered target": (
        lambda m: _tamper_and_forget(m),
        "a file does not match its signed length and hashes",
    ),
    "wrong key": (lambda m: attacks.wrong_key(m.repo), "not signed by enough trusted keys"),
    "publisher outside its paths": (
        lambda m: _outside_paths(m),
        "not signed by any role trusted for its path",
    ),
}


def _tamper_and_forget(market: Market) -> None:
    """Tamper the served file and drop the project's verified copy (as a fresh clone has)."""
    attacks.tamper_target(market.repo, "acme-crm/1.2.0/acme-crm.yaml")
    cache = market.project.pytester.path / ".seeding" / "registries" / "acme-market" / "files"
    for cached in cache.rglob("acme-crm.yaml"):
        cached.unlink()


def _outside_paths(market: Market) -> None:
    """acme lists globex-mail (not its id) and the lock gets a pin for it (a bad merge)."""
    text = manifest("globex-mail", "0.4.0").encode()
    attacks.sign_outside_paths(market.repo, "acme", "globex-mail/0.4.0/globex-mail.yaml", text)
    lock = market.project.pytester.path / "marketplace.lock"
    digest = hashlib.sha256(text).hexdigest()
    lock.write_text(
        lock.read_text()
        + '\n[[integration]]\nid = "globex-mail"\nversion = "0.4.0"\n'
        + f'sha256 = "{digest}"\nsource = "acme-market"\nrange = "*"\n'
    )


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_each_attack_is_refused_and_the_official_catalog_still_seeds(
    market: Market, mode: list[str], attack: str
) -> None:
    assert main(["install", "acme-crm@^1.0", "--source", "acme-market"]) == 0
    do, reason = ATTACKS[attack]
    do(market)
    run = market.project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failures = _failures(run.xml)
    refused = {k: v for k, v in failures.items() if k.endswith("::source")}
    assert refused, failures
    assert "acme-crm@1.2.0::source" in " ".join(refused)
    assert all(reason in text for text in refused.values()), refused
    assert set(market.project.state()) == {"core"}  # nothing from the registry


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_with_no_registry_reachable_the_official_catalog_still_checks_and_seeds(
    market: Market, mode: list[str]
) -> None:
    market.configure(f"http://127.0.0.1:{_closed_port()}/")
    run = market.project.run(*mode)  # nothing pinned: the registry is never asked
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert set(market.project.state()) == {"core"}
    market.configure(market.server.url)
    assert main(["install", "acme-crm@1.0.0", "--source", "acme-market"]) == 0
    market.configure(f"http://127.0.0.1:{_closed_port()}/")
    shutil.rmtree(market.project.pytester.path / ".seeding")  # a fresh clone
    run = market.project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    refused = {k: v for k, v in _failures(run.xml).items() if k.endswith("::source")}
    ((item, reason),) = refused.items()
    assert item.endswith("acme-crm@1.0.0::source")
    assert "cannot be reached: " in reason
    assert "Connection refused" in reason
    assert set(market.project.state()) == {"core"}


def test_offline_seeds_from_the_verified_cache_without_the_registry(
    market: Market, mode: list[str]
) -> None:
    assert main(["install", "acme-crm@^1.0", "--source", "acme-market"]) == 0
    market.server.shutdown()
    run = market.project.run("--offline", *mode)
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert market.project.state()["acme-crm"]["version"] == "1.2.0"
