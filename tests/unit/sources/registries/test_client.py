"""The registry client over a fake TUF registry on loopback: versions, verified files, cache."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from fakes.registry import attacks
from seeding_suite.sources.registries.client import RegistryClient, RegistrySource
from seeding_suite.sources.registries.refusals import RegistryError
from tests.support.project import manifest
from tests.support.registry import Registry, registry

__all__ = ["registry"]


def test_it_lists_an_ids_versions_and_fetches_verified_files(registry: Registry) -> None:
    with registry.client() as client:
        assert [str(v) for v in client.versions("acme-crm")] == ["1.0.0", "1.2.0", "2.0.0"]
        fetched = client.fetch("acme-crm", "1.2.0")
    assert fetched.manifest.read_text() == manifest("acme-crm", "1.2.0")
    assert fetched.manifest.name == "acme-crm.yaml"
    assert fetched.signature is None  # the fake published no signature for it


def test_a_signature_target_lands_beside_its_manifest(registry: Registry) -> None:
    registry.repo.add_manifest("acme-erp", "1.0.0", b"x: 1\n", signature=b"untrusted comment\n")
    registry.repo.publish()
    with registry.client() as client:
        fetched = client.fetch("acme-erp", "1.0.0")
    assert fetched.signature == fetched.manifest.with_name("acme-erp.yaml.minisig")
    assert fetched.signature.read_bytes() == b"untrusted comment\n"


def test_a_cached_verified_file_is_not_downloaded_again(registry: Registry) -> None:
    with registry.client() as client:
        client.fetch("acme-crm", "1.2.0")
    registry.requests.clear()
    with registry.client() as client:
        client.fetch("acme-crm", "1.2.0")
    assert registry.requests == ["metadata/2.root.json", "metadata/timestamp.json"]


def test_offline_reads_the_verified_cache_and_never_the_network(registry: Registry) -> None:
    with registry.client() as client:
        client.fetch("acme-crm", "1.2.0")
    registry.requests.clear()
    with registry.client(offline=True) as client:
        assert client.fetch("acme-crm", "1.2.0").manifest.is_file()
        with pytest.raises(
            RegistryError, match=r"offline, and acme-crm/1\.0\.0/acme-crm\.yaml is not"
        ):
            client.fetch("acme-crm", "1.0.0")
    assert registry.requests == []


def test_offline_still_refuses_an_expired_cache(registry: Registry) -> None:
    with registry.client() as client:
        client.fetch("acme-crm", "1.2.0")
    attacks.expire_timestamp(registry.repo)
    # An online run caches nothing expired: python-tuf refuses it before persisting it.
    with registry.client() as client, pytest.raises(RegistryError) as online:
        client.fetch("acme-crm", "1.2.0")
    assert online.value.kind == "expired"
    timestamp = registry.cache / "metadata" / "timestamp.json"
    timestamp.write_bytes(registry.repo.files["metadata/timestamp.json"])  # as if cached then
    with registry.client(offline=True) as client, pytest.raises(RegistryError) as offline:
        client.fetch("acme-crm", "1.2.0")
    assert offline.value.kind == "expired"
    assert "timestamp.json is expired" in str(offline.value)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_registry_is_refused_as_unreachable(
    registry: Registry, tmp_path: Path
) -> None:
    source = RegistrySource("gone", f"http://127.0.0.1:{_closed_port()}/", registry.source.root)
    with RegistryClient(source, tmp_path / "gone") as client, pytest.raises(RegistryError) as err:
        client.versions("acme-crm")
    assert err.value.kind == "unreachable"
    assert str(err.value).startswith("registry 'gone': cannot be reached:")
    assert "Connection refused" in str(err.value)  # the cause, not python-tuf's bare wrapper


def test_a_missing_pinned_root_is_refused(registry: Registry, tmp_path: Path) -> None:
    source = RegistrySource("market", registry.source.url, tmp_path / "nope.json")
    with RegistryClient(source, tmp_path / "c") as client, pytest.raises(RegistryError) as err:
        client.versions("acme-crm")
    assert err.value.kind == "invalid"
    assert "pinned root" in str(err.value)


def test_a_root_of_another_registry_trusts_nothing_here(registry: Registry, tmp_path: Path) -> None:
    from tests.support.registry import acme_repository

    other = tmp_path / "other-root.json"
    other.write_bytes(acme_repository().root_bytes)
    source = RegistrySource("market", registry.source.url, other)
    with RegistryClient(source, tmp_path / "c") as client, pytest.raises(RegistryError) as err:
        client.versions("acme-crm")
    assert err.value.kind == "signature"


def test_an_unknown_id_or_version_is_not_found(registry: Registry) -> None:
    with registry.client() as client:
        with pytest.raises(RegistryError) as err:
            client.versions("initech")
        assert err.value.kind == "not-found"
        with pytest.raises(RegistryError, match=r"acme-crm/9\.9\.9/acme-crm\.yaml"):
            client.fetch("acme-crm", "9.9.9")


@pytest.mark.parametrize("integration", ["../etc", "Acme", "a", "acme/crm"])
def test_an_id_that_is_not_a_slug_never_becomes_a_path(
    registry: Registry, integration: str
) -> None:
    with registry.client() as client, pytest.raises(ValueError, match="not an integration id"):
        client.versions(integration)


def test_a_malformed_index_refuses_the_registry(registry: Registry) -> None:
    registry.repo.add_target("acme-broken/index.json", b'{"versions": [1]}')
    registry.repo.publish()
    with registry.client() as client, pytest.raises(RegistryError) as err:
        client.versions("acme-broken")
    assert err.value.kind == "invalid"
    assert "acme-broken/index.json is not a version index" in str(err.value)
