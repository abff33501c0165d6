"""What a run gets from registries: exactly the pinned files, verified again, or refusals."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from fakes.registry import attacks
from seeding_suite.sources.registries.lockfile import Pin
from seeding_suite.sources.registries.pinned import pinned_manifests
from tests.support.project import manifest
from tests.support.registry import Registry, registry

__all__ = ["registry"]


def _pin(mid: str, version: str, source: str = "market") -> Pin:
    sha = hashlib.sha256(manifest(mid, version).encode()).hexdigest()
    return Pin(mid, version, sha, source, "*")


def _project(registry: Registry, tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return project


def test_the_pinned_files_are_given_verified(registry: Registry, tmp_path: Path) -> None:
    project = _project(registry, tmp_path)
    pins = [_pin("acme-crm", "1.2.0"), _pin("globex-mail", "0.3.0")]
    (given,) = pinned_manifests(project, {"market": registry.source}, pins)
    assert given.refused == []
    assert [(f.integration, f.version) for f in given.files] == [
        ("acme-crm", "1.2.0"),
        ("globex-mail", "0.3.0"),
    ]
    assert given.files[0].manifest.is_relative_to(project / ".seeding/registries/market")


def test_one_refused_file_refuses_every_pin_of_its_registry(
    registry: Registry, tmp_path: Path
) -> None:
    attacks.tamper_target(registry.repo, "acme-crm/1.2.0/acme-crm.yaml")
    pins = [_pin("globex-mail", "0.3.0"), _pin("acme-crm", "1.2.0")]
    (given,) = pinned_manifests(_project(registry, tmp_path), {"market": registry.source}, pins)
    assert given.files == []
    assert [r.pin.id for r in given.refused] == ["globex-mail", "acme-crm"]
    assert all("does not match its signed length and hashes" in r.reason for r in given.refused)


def test_a_file_other_than_the_pinned_sha256_is_refused(registry: Registry, tmp_path: Path) -> None:
    pin = Pin("acme-crm", "1.2.0", "0" * 64, "market", "*")
    (given,) = pinned_manifests(_project(registry, tmp_path), {"market": registry.source}, [pin])
    assert given.files == []
    assert "a pinned file differs from marketplace.lock" in given.refused[0].reason
    assert "the lock pins 0000" in given.refused[0].reason


def test_a_pin_from_an_unconfigured_source_is_refused(registry: Registry, tmp_path: Path) -> None:
    pin = _pin("acme-crm", "1.2.0", source="elsewhere")
    (given,) = pinned_manifests(_project(registry, tmp_path), {"market": registry.source}, [pin])
    assert given.source == "elsewhere"
    assert "'elsewhere', which is not a configured registry source" in given.refused[0].reason


def test_a_registry_nothing_is_pinned_from_is_never_contacted(
    registry: Registry, tmp_path: Path
) -> None:
    assert pinned_manifests(_project(registry, tmp_path), {"market": registry.source}, []) == []
    assert registry.requests == []


def test_offline_gives_what_an_online_run_verified_and_cached(
    registry: Registry, tmp_path: Path
) -> None:
    project = _project(registry, tmp_path)
    pins = [_pin("acme-crm", "1.2.0")]
    pinned_manifests(project, {"market": registry.source}, pins)
    registry.requests.clear()
    (given,) = pinned_manifests(project, {"market": registry.source}, pins, offline=True)
    assert [f.integration for f in given.files] == ["acme-crm"]
    assert registry.requests == []
    shutil.rmtree(project / ".seeding")  # a fresh clone, offline: nothing verified to use
    (given,) = pinned_manifests(project, {"market": registry.source}, pins, offline=True)
    assert given.files == []
    assert "cannot be reached" in given.refused[0].reason
