"""An id the catalog gives twice becomes seeding conflicts (the PRD's seeding_conflicts): the
file `on_conflict` set aside is skipped, files no rule could choose between block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.discovery.catalog import Catalog
from seeding_suite.discovery.conflicts import duplicate_conflicts
from tests.support.project import manifest
from tests.unit.discovery.test_on_conflict import catalog

if TYPE_CHECKING:
    from pathlib import Path


def conflicts_of(found: Catalog) -> list[tuple[object, ...]]:
    return [
        (c.integration, c.type, c.current_version, c.new_version, c.resolution)
        for c in duplicate_conflicts(found.entries(), found.resolution())
    ]


def test_the_file_on_conflict_set_aside_is_a_skipped_duplicate(tmp_path: Path) -> None:
    found = catalog(tmp_path, "official-wins", "1.0.0", "2.0.0")
    [conflict] = duplicate_conflicts(found.entries(), found.resolution())
    assert (conflict.current_version, conflict.new_version, conflict.resolution) == (
        "1.0.0",
        "2.0.0",
        "skip",
    )
    assert conflict.detail is not None and "(on_conflict = official-wins)" in conflict.detail
    assert conflict.message().startswith("duplicate conflict: acme-crm: community (")


def test_a_duplicate_no_rule_settles_blocks_with_the_resolvers_words(tmp_path: Path) -> None:
    found = catalog(tmp_path, "fail", "1.0.0", "2.0.0")
    [conflict] = duplicate_conflicts(found.entries(), found.resolution())
    assert conflicts_of(found) == [("acme-crm", "duplicate", "2.0.0", "1.0.0", "blocked")]
    assert conflict.detail is not None
    assert conflict.detail.startswith("id 'acme-crm' is given by 2 sources")


def test_three_files_of_one_source_give_two_conflicts_and_unique_ids_none(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    for folder in ("a", "b", "c"):
        (root / folder).mkdir(parents=True)
        (root / folder / "stripe.yaml").write_text(manifest("stripe", f"1.0.{ord(folder) - 97}"))
    (root / "core.yaml").write_text(manifest("core"))
    found = Catalog([root], tmp_path)
    assert conflicts_of(found) == [
        ("stripe", "duplicate", "1.0.0", "1.0.1", "blocked"),
        ("stripe", "duplicate", "1.0.0", "1.0.2", "blocked"),
    ]
    details = [c.detail for c in duplicate_conflicts(found.entries(), found.resolution())]
    assert details[0] == (
        "id 'stripe' is also defined by manifests/a/stripe.yaml, manifests/c/stripe.yaml"
    )


def test_an_invalid_copy_is_no_duplicate(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    root.mkdir()
    (root / "stripe.yaml").write_text(manifest("stripe"))
    (root / "stripe-old.yaml").write_text("id: stripe\nversion: [not, valid]\n")
    assert conflicts_of(Catalog([root], tmp_path)) == []
