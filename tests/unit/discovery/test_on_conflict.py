"""Two sources giving one id: on_conflict fails (naming both), or chooses one file."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from seeding_suite.discovery.catalog import Catalog
from seeding_suite.environments import DEFAULTS
from seeding_suite.sources import OnConflict, SourceConfig
from tests.support.project import manifest

if TYPE_CHECKING:
    from pathlib import Path

OFFICIAL = "manifests/acme-crm.yaml"
COMMUNITY = "community/acme-crm.yaml"


def catalog(tmp_path: Path, on_conflict: OnConflict, official: str, community: str) -> Catalog:
    """acme-crm in the official manifests/ at one version and in community/ at another."""
    for folder, version in (("manifests", official), ("community", community)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "acme-crm.yaml").write_text(manifest("acme-crm", version))
    sources = [
        tmp_path / "manifests",
        SourceConfig("community", "folder", "community", path=tmp_path / "community"),
    ]
    return Catalog(sources, tmp_path, policy=DEFAULTS["development"], on_conflict=on_conflict)


def messages(found: Catalog, display: str) -> list[str]:
    problems = found.resolution().problems.get("acme-crm", [])
    return [p.message for p in problems if p.concerns(display)]


def test_fail_fails_both_files_naming_both_sources_and_files(tmp_path: Path) -> None:
    found = catalog(tmp_path, "fail", "1.0.0", "2.0.0")
    expected = (
        f"id 'acme-crm' is given by 2 sources: community ({COMMUNITY}), manifests ({OFFICIAL}); "
        "[tool.seeding_suite] on_conflict = 'fail'"
    )
    for display in (OFFICIAL, COMMUNITY):
        [message] = messages(found, display)
        assert message.startswith(expected)
    assert found.resolution().order == []


@pytest.mark.parametrize(
    ("mode", "official", "community", "winner", "loser"),
    [
        ("official-wins", "1.0.0", "2.0.0", OFFICIAL, COMMUNITY),
        ("highest-version", "1.0.0", "2.0.0", COMMUNITY, OFFICIAL),
        ("highest-version", "3.0.0", "2.0.0", OFFICIAL, COMMUNITY),
    ],
)
def test_a_mode_that_chooses_seeds_the_winner_and_names_both_in_the_losers_reason(
    tmp_path: Path, mode: OnConflict, official: str, community: str, winner: str, loser: str
) -> None:
    found = catalog(tmp_path, mode, official, community)
    assert found.resolution().order == ["acme-crm"]
    assert found.by_id()["acme-crm"].display == winner
    assert messages(found, winner) == messages(found, loser) == []
    entries = {e.display: e for e in found.entries()}
    reason = found.excluded(entries[loser])
    assert reason is not None
    assert loser in reason and winner in reason and f"(on_conflict = {mode})" in reason
    assert found.excluded(entries[winner]) is None
    assert [d.id for d in found.desired()] == ["acme-crm"]
    assert found.desired()[0].version == entries[winner].version


@pytest.mark.parametrize(
    ("mode", "official", "community", "why"),
    [
        ("highest-version", "2.0.0", "2.0.0", "no single highest version"),
        ("official-wins", "1.0.0", "2.0.0", "not exactly one of them is official"),
    ],
)
def test_a_mode_that_cannot_choose_fails_like_fail(
    tmp_path: Path, mode: OnConflict, official: str, community: str, why: str
) -> None:
    found = catalog(tmp_path, mode, official, community)
    if mode == "official-wins":  # both community: make the manifests folder community too
        sources = [
            SourceConfig("a", "folder", "community", path=tmp_path / "manifests"),
            SourceConfig("b", "folder", "community", path=tmp_path / "community"),
        ]
        found = Catalog(sources, tmp_path, on_conflict=mode)
    for display in (OFFICIAL, COMMUNITY):
        [message] = messages(found, display)
        assert why in message
    assert found.resolution().order == []


def test_two_files_of_one_source_stay_a_plain_duplicate(tmp_path: Path) -> None:
    found = catalog(tmp_path, "official-wins", "1.0.0", "1.0.0")
    (tmp_path / "manifests" / "sub").mkdir()
    (tmp_path / "manifests" / "sub" / "acme-crm.yaml").write_text(manifest("acme-crm"))
    found = Catalog([tmp_path / "manifests"], tmp_path, on_conflict="official-wins")
    [message] = messages(found, OFFICIAL)
    assert message == "id 'acme-crm' is also defined by manifests/sub/acme-crm.yaml"
