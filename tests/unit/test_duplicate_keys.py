"""A natural key held by two documents is reported by `state`, `drift` and the health check.

The state is keyed by natural key, so a second document used to replace the first silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seeding_suite.cli import main
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine import drift
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.environments import DEFAULTS
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.duplicates import store_twice
from tests.support.project import manifest
from tests.unit.test_cli_drift import seeded

__all__ = ["seeded"]  # the fixture this module builds on


@pytest.fixture
def doubled(seeded: Path) -> Path:
    """stripe and monday seeded (test_cli_drift), then `stripe/do-thing` stored a second time."""
    store_twice(seeded, "actions", "stripe/do-thing")
    return seeded


def catalog_at(root: Path) -> Catalog:
    return Catalog([root / "manifests"], root, policy=DEFAULTS["development"])


DUPLICATE = "actions stripe/do-thing: 2 documents for one natural key (integration stripe)"


def test_state_names_the_key_held_twice_and_exits_1(
    doubled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["state"]) == 1
    out, err = capsys.readouterr()
    assert f"seeding-suite: duplicate {DUPLICATE}" in err
    assert out.strip().endswith("2 integration(s), 1 natural key(s) held by more than one document")
    assert main(["state", "--json"]) == 1
    rows = {row["integration"]: row for row in json.loads(capsys.readouterr().out)}
    assert (rows["stripe"]["duplicateKeys"], rows["monday"]["duplicateKeys"]) == (1, 0)


def test_drift_reports_the_duplicate_against_the_catalog_and_another_target(
    doubled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drift"]) == 1
    out = capsys.readouterr().out
    line = f"duplicate actions stripe/do-thing: 2 documents for one natural key in {doubled}"
    assert line in out
    clean = tmp_path / "clean.sqlite3"
    target = LocalTarget(seeding_deployment(clean))
    Seeder(target).seed(catalog_at(tmp_path).desired(), RunInfo("r2", "development", "t", "0", "c"))
    target.close()
    assert main(["drift", "--against-db", str(clean)]) == 1
    assert line in capsys.readouterr().out


def test_the_pure_drift_sees_the_duplicate_the_state_keeps(doubled: Path, tmp_path: Path) -> None:
    target = LocalTarget(seeding_deployment(doubled, read_only=True))
    state = Seeder(target).read_state(verify=True)
    target.close()
    [found] = drift.against_desired(catalog_at(tmp_path).desired(), state, "here")
    assert (found.kind, found.integration, found.table, found.natural_key) == (
        "duplicate",
        "stripe",
        "actions",
        "stripe/do-thing",
    )


def test_the_health_check_fails_a_run_over_a_duplicated_key(doubled: Path, tmp_path: Path) -> None:
    """The update rewrites one of the two documents; the other stays, and the run is undone."""
    (tmp_path / "manifests" / "stripe.yaml").write_text(manifest("stripe", "1.1.0"), "utf-8")
    target = LocalTarget(seeding_deployment(doubled))
    try:
        report = GuardedSeeder(target).seed(
            catalog_at(tmp_path).desired(), RunInfo("r3", "development", "t", "0", "c")
        )
    finally:
        target.close()
    message = report.results["stripe"].message or ""
    assert f"health check failed: duplicates: stripe: {DUPLICATE}" in message
    assert "rolled back automatically" in message
    assert report.results["stripe"].action == "failed"


def test_a_page_never_ends_between_the_two_documents_of_a_key(doubled: Path) -> None:
    # Cursors are `after` a natural key: a page ending between the pair hid the second one.
    target = LocalTarget(seeding_deployment(doubled))
    try:
        keys, after = [], None
        while True:
            page = target.query(
                "seeding:readState",
                {"table": "actions", "after": after, "limit": 2, "includeFields": False},
            )
            keys.extend(doc["naturalKey"] for doc in page["docs"])
            after = page["next"]
            if after is None:
                break
    finally:
        target.close()
    assert keys == ["monday/do-thing", "stripe/do-thing", "stripe/do-thing"]
