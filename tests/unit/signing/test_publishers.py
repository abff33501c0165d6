"""[tool.seeding_suite.publishers.NAME]: pinned keys and id globs, read strictly."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from seeding_suite.errors import ConfigurationError
from seeding_suite.signing.minisign import PublicKey
from seeding_suite.signing.publishers import load_publishers
from tests.support.minisign import OwnKey

if TYPE_CHECKING:
    from pathlib import Path

KEY = OwnKey.generate().public


def write(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.seeding_suite.publishers.acme]\n{table}")
    return tmp_path


def test_a_publisher_pins_its_keys_and_covers_its_globs(tmp_path: Path) -> None:
    [acme] = load_publishers(write(tmp_path, f'keys = ["{KEY}"]\nids = ["acme-*", "crm"]\n'))
    assert acme.name == "acme"
    assert acme.keys == (PublicKey.parse(KEY),)
    assert acme.covers("acme-crm") and acme.covers("crm")
    assert not acme.covers("other-crm") and not acme.covers("crm-acme")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (f'keys = ["{KEY}"]\nid = ["acme-*"]\n', "unknown key 'id' (did you mean 'ids'?)"),
        ('keys = ["RWQnotakey"]\nids = ["acme-*"]\n', "keys[0]: "),
        ('keys = []\nids = ["acme-*"]\n', "keys must be a non-empty list of strings"),
        (f'keys = ["{KEY}"]\n', "ids must be a non-empty list of strings"),
    ],
    ids=["typo", "bad-key", "no-keys", "no-ids"],  # the key is random: xdist needs stable ids
)
def test_a_malformed_publisher_is_refused(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_publishers(write(tmp_path, table))
