"""marketplace.lock: written so tomllib reads back exactly, read strictly."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries.lockfile import (
    Pin,
    read_lock,
    toml_string,
    with_pin,
    write_lock,
)

SHA = "ab" * 32
PIN = Pin("acme-crm", "1.2.0", SHA, "acme-market", "^1.2.0")


@given(st.text())
def test_any_string_survives_a_toml_round_trip(value: str) -> None:
    assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value


def test_pins_are_written_sorted_and_read_back(tmp_path: Path) -> None:
    lock = tmp_path / "marketplace.lock"
    other = Pin("globex-mail", "0.3.0", "cd" * 32, 'a "quoted" source', "*")
    write_lock(lock, [other, PIN])
    assert read_lock(lock) == [PIN, other]
    assert lock.read_text().startswith("# marketplace.lock")


def test_a_missing_lock_pins_nothing(tmp_path: Path) -> None:
    assert read_lock(tmp_path / "marketplace.lock") == []


def test_with_pin_replaces_the_same_id() -> None:
    newer = Pin("acme-crm", "1.3.0", SHA, "acme-market", "^1.2.0")
    assert with_pin([PIN], newer) == [newer]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[integration]\n", "not valid TOML"),
        ("[other]\n", "unknown table(s) other"),
        ("integration = 1\n", "must be an array of tables"),
        ('[[integration]]\nid = "acme-crm"\n', "missing or not a string: version, sha256"),
        (
            f'[[integration]]\nid = "acme-crm"\nversion = "1.2"\nsha256 = "{SHA}"\n'
            'source = "s"\nrange = "*"\n',
            "integration 1: ",
        ),
        (
            '[[integration]]\nid = "acme-crm"\nversion = "1.2.0"\nsha256 = "ABC"\n'
            'source = "s"\nrange = "*"\n',
            "sha256 must be 64 lower-case hex digits",
        ),
        (
            f'[[integration]]\nid = "acme-crm"\nversion = "1.2.0"\nsha256 = "{SHA}"\n'
            'source = "s"\nrange = "*"\nextra = "x"\n',
            "unknown key(s) extra",
        ),
        (
            f'[[integration]]\nid = "acme-crm"\nversion = "1.2.0"\nsha256 = "{SHA}"\n'
            'source = "s"\nrange = "*"\n' * 2,
            "pinned twice: acme-crm",
        ),
    ],
)
def test_a_malformed_lock_is_refused_naming_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    lock = tmp_path / "marketplace.lock"
    lock.write_text(text)
    with pytest.raises(ConfigurationError) as err:
        read_lock(lock)
    assert message in str(err.value)
