"""`[[tool.seeding_suite.sources]]`: strict reading, trust defaults, manifest roots as sources."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources import load_on_conflict, load_sources

if TYPE_CHECKING:
    from pathlib import Path


def project(tmp_path: Path, tool: str) -> Path:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "community").mkdir()
    (tmp_path / "pyproject.toml").write_text(tool, encoding="utf-8")
    return tmp_path


COMMUNITY = """
[[tool.seeding_suite.sources]]
name = "community"
kind = "folder"
path = "community"
trust = "community"
"""


def test_manifest_roots_are_official_folder_sources_and_declared_ones_follow(
    tmp_path: Path,
) -> None:
    root = project(tmp_path, COMMUNITY)
    official, community = load_sources(root)
    assert (official.name, official.kind, official.trust) == ("manifests", "folder", "official")
    assert official.path == root / "manifests"
    assert official.admits("production") and official.seeds_in is None
    assert (community.name, community.trust, community.path) == (
        "community",
        "community",
        root / "community",
    )
    assert community.seeds_in == ("development", "sandbox")
    assert not community.admits("staging")


def test_declared_environments_replace_the_trust_default(tmp_path: Path) -> None:
    root = project(tmp_path, COMMUNITY + 'environments = ["staging"]\n')
    assert load_sources(root)[1].seeds_in == ("staging",)


@pytest.mark.parametrize(
    ("line", "wrong", "message"),
    [
        ('kind = "folder"', 'kind = "foldr"', "got 'foldr' (did you mean 'folder'?)"),
        ('trust = "community"', 'trust = "comunity"', "got 'comunity' (did you mean 'community'?)"),
        ('path = "community"', 'pth = "community"', "unknown key 'pth' (did you mean 'path'?)"),
        ('path = "community"', 'path = "nowhere"', "path 'nowhere' not found"),
    ],
)
def test_a_malformed_source_is_refused_with_a_did_you_mean(
    tmp_path: Path, line: str, wrong: str, message: str
) -> None:
    root = project(tmp_path, COMMUNITY.replace(line, wrong))
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        load_sources(root)


def test_two_sources_with_one_name_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path, COMMUNITY + COMMUNITY)
    with pytest.raises(ConfigurationError, match="two sources are named 'community'"):
        load_sources(root)


def test_on_conflict_defaults_to_fail_and_refuses_other_words(tmp_path: Path) -> None:
    assert load_on_conflict(project(tmp_path, COMMUNITY)) == "fail"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.seeding_suite]\non_conflict = "official-win"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match="did you mean 'official-wins'"):
        load_on_conflict(tmp_path)
