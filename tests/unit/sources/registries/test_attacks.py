"""Each attack of the fake registry is refused by the client, with the defence that caught it.

Two kinds of client meet each attack: a warm one, which verified the registry before the attack
(as a project that installed earlier), and, where the attack does not depend on what a client
saw before, a fresh one (a new clone).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fakes.registry import FakeRepository, attacks, serve
from seeding_suite.sources.registries.client import RegistryClient, RegistrySource
from seeding_suite.sources.registries.refusals import RegistryError
from tests.support.project import manifest
from tests.support.registry import Registry, acme_repository, registry

__all__ = ["registry"]

Attack = Callable[[FakeRepository], None]
PATH = "acme-crm/1.2.0/acme-crm.yaml"

ATTACKS: dict[str, tuple[Attack, str, str]] = {
    # name: (attack, refusal kind, words python-tuf's reason carries)
    "expired timestamp": (attacks.expire_timestamp, "expired", "timestamp.json is expired"),
    "replayed timestamp (freeze)": (attacks.replay_timestamp, "rollback", "timestamp"),
    "rolled-back snapshot": (attacks.rollback_snapshot, "rollback", "snapshot version"),
    "mix-and-match targets": (attacks.mix_and_match, "rollback", "Expected targets v"),
    "tampered target": (lambda r: attacks.tamper_target(r, PATH), "tampered", "hash"),
    "timestamp signed by a wrong key": (attacks.wrong_key, "signature", "timestamp"),
    "targets signed by a wrong key": (
        lambda r: attacks.wrong_key(r, "targets"),
        "signature",
        "targets",
    ),
    "publisher role signed by a wrong key": (
        lambda r: attacks.wrong_key(r, "acme"),
        "signature",
        "acme",
    ),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_a_client_that_verified_before_refuses_the_attack(registry: Registry, name: str) -> None:
    attack, kind, words = ATTACKS[name]
    with registry.client() as client:
        client.fetch("acme-crm", "1.0.0")  # verified, cached; 1.2.0 is asked after the attack
    attack(registry.repo)
    with registry.client() as client, pytest.raises(RegistryError) as err:
        client.fetch("acme-crm", "1.2.0")
    assert err.value.kind == kind
    assert words in str(err.value)
    assert str(err.value).startswith("registry 'market': ")


@pytest.mark.parametrize("name", [n for n in ATTACKS if n != "replayed timestamp (freeze)"])
def test_a_fresh_client_refuses_the_attack(registry: Registry, name: str) -> None:
    attack, kind, _ = ATTACKS[name]
    attack(registry.repo)
    with registry.client() as client, pytest.raises(RegistryError) as err:
        client.fetch("acme-crm", "1.2.0")
    assert err.value.kind == kind


def test_a_tampered_file_never_lands_in_the_cache(registry: Registry) -> None:
    attacks.tamper_target(registry.repo, PATH)
    with registry.client() as client, pytest.raises(RegistryError):
        client.fetch("acme-crm", "1.2.0")
    assert not list((registry.cache / "files").rglob("*.yaml*"))


def test_a_tampered_cached_file_is_downloaded_again_and_verified(registry: Registry) -> None:
    with registry.client() as client:
        cached = client.fetch("acme-crm", "1.2.0").manifest
    cached.write_text("id: evil\n")
    with registry.client() as client:
        assert client.fetch("acme-crm", "1.2.0").manifest.read_text() == manifest(
            "acme-crm", "1.2.0"
        )


def test_signatures_below_the_threshold_are_refused(tmp_path: Path) -> None:
    repo = acme_repository(threshold=2)
    root = tmp_path / "root.json"
    root.write_bytes(repo.root_bytes)
    with serve(repo) as running:
        source = RegistrySource("market", running.url, root)
        with RegistryClient(source, tmp_path / "c") as client:
            client.fetch("acme-crm", "1.2.0")  # both keys sign: accepted
        attacks.drop_signature(repo, "targets")
        with RegistryClient(source, tmp_path / "c") as client, pytest.raises(RegistryError) as e:
            client.fetch("acme-crm", "1.2.0")
    assert e.value.kind == "signature"
    assert "signed by 1/2 keys" in str(e.value)


def test_a_publisher_signing_outside_its_paths_is_not_trusted(registry: Registry) -> None:
    # acme may sign acme-* only; it lists a globex-mail version that top-level targets did not.
    evil = manifest("globex-mail", "0.4.0").encode()
    attacks.sign_outside_paths(registry.repo, "acme", "globex-mail/0.4.0/globex-mail.yaml", evil)
    with registry.client() as client:
        with pytest.raises(RegistryError) as err:
            client.fetch("globex-mail", "0.4.0")
        assert [str(v) for v in client.versions("globex-mail")] == ["0.3.0"]
        assert client.fetch("acme-crm", "1.2.0").manifest.is_file()  # acme's own still fine
    assert err.value.kind == "not-found"
    assert "not signed by any role trusted for its path" in str(err.value)
