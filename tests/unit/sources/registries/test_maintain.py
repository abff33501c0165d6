"""`registry refresh`: what expires soon is re-signed, so clients keep accepting the registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tuf.api.metadata import Metadata

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries import maintain


def _expires(directory: Path, role: str) -> datetime:
    return Metadata.from_file(str(directory / "metadata" / f"{role}.json")).signed.expires


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    directory, keys = tmp_path / "reg", tmp_path / "keys"
    maintain.init(directory, keys)
    maintain.delegate(directory, keys, "acme", ["acme-*"])
    return directory, keys


def test_refresh_resigns_snapshot_and_timestamp_and_what_expires_within_30_days(
    built: tuple[Path, Path],
) -> None:
    directory, keys = built
    later = datetime.now(UTC) + timedelta(days=70)  # targets and acme (90 days) expire soon
    assert maintain.refresh(directory, keys, now=later) == [
        "targets",
        "acme",
        "snapshot",
        "timestamp",
    ]
    assert _expires(directory, "timestamp") > later + timedelta(days=6)
    assert _expires(directory, "acme") > later + timedelta(days=89)
    assert _expires(directory, "root") < later + timedelta(days=300)  # not re-signed
    assert not (directory / "metadata" / "2.root.json").exists()


def test_an_expiring_root_gets_a_new_version_clients_walk_to(built: tuple[Path, Path]) -> None:
    directory, keys = built
    later = datetime.now(UTC) + timedelta(days=350)
    assert "root" in maintain.refresh(directory, keys, now=later)
    new_root = Metadata.from_file(str(directory / "metadata" / "2.root.json"))
    assert new_root.signed.version == 2


def test_refresh_names_an_expiring_role_whose_key_is_elsewhere(built: tuple[Path, Path]) -> None:
    directory, keys = built
    (keys / "acme.pem").unlink()
    with pytest.raises(ConfigurationError, match=r"role 'acme' expires before .* not in"):
        maintain.refresh(directory, keys, now=datetime.now(UTC) + timedelta(days=70))


def test_a_key_file_that_is_not_the_trusted_key_is_refused(built: tuple[Path, Path]) -> None:
    directory, keys = built
    (keys / "timestamp.pem").write_bytes((keys / "snapshot.pem").read_bytes())
    with pytest.raises(ConfigurationError, match="not the key the registry trusts for timestamp"):
        maintain.refresh(directory, keys)


def test_a_key_is_never_overwritten(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, keys = built
    with pytest.raises(ConfigurationError, match="refusing to replace a signing key"):
        maintain.init(tmp_path / "another", keys)


def test_key_files_are_readable_by_their_owner_only(built: tuple[Path, Path]) -> None:
    _, keys = built
    assert {p.stat().st_mode & 0o777 for p in keys.iterdir()} == {0o600}
