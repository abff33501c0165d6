"""Deferred documents: an integration known by its checksum is read only when the target differs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from engine_builders import build

from seeding_suite.checks.idempotency import user_state
from seeding_suite.engine.desired import DesiredDoc, DesiredIntegration, ManifestChanged
from seeding_suite.engine.seeder import RunInfo, Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from collections.abc import Sequence

CORE = build("core", "1.2.0", actions=3)
APP = build("app", "2.0.0", actions=2, deps=(("core", "^1.0.0"),))


class Loader:
    """Hands out documents on request and counts the requests."""

    def __init__(self, docs: tuple[DesiredDoc, ...]) -> None:
        self.docs = docs
        self.loads = 0

    def __call__(self) -> tuple[DesiredDoc, ...]:
        self.loads += 1
        return self.docs


def deferred(
    given: DesiredIntegration, loader: Loader, checksum: str | None = None
) -> DesiredIntegration:
    return DesiredIntegration(
        given.id,
        given.version,
        given.dependencies,
        checksum=checksum or given.checksum,
        load=loader,
    )


def run(n: int) -> RunInfo:
    return RunInfo(f"run-{n}", "development", "tester", "0", "catalog")


def seeded() -> LocalTarget:
    target = LocalTarget(seeding_deployment(seed=1))
    Seeder(target).seed([CORE, APP], run(1))
    return target


def test_a_target_that_holds_the_checksum_never_loads_the_documents() -> None:
    target = seeded()
    loaders = [Loader(CORE.docs), Loader(APP.docs)]
    pairs = zip([CORE, APP], loaders, strict=True)
    report = Seeder(target).seed([deferred(given, loader) for given, loader in pairs], run(2))
    assert {r.action for r in report.results.values()} == {"unchanged"}
    assert report.results["core"].counts.unchanged == len(CORE.docs)
    assert [loader.loads for loader in loaders] == [0, 0]


def test_a_target_that_differs_loads_once_and_writes_the_difference() -> None:
    target = seeded()
    changed = build("app", "2.1.0", actions=2, deps=(("core", "^1.0.0"),), label="!")
    loader = Loader(changed.docs)
    report = Seeder(target).seed([deferred(changed, loader)], run(2))
    assert report.results["app"].action == "updated"
    assert loader.loads == 1
    expected = LocalTarget(seeding_deployment(seed=1))
    Seeder(expected).seed([CORE, changed], run(1))
    assert user_state(target, system=False) == user_state(expected, system=False)


def test_a_reseed_loads_even_an_unchanged_integration() -> None:
    target = seeded()
    loader = Loader(APP.docs)
    report = Seeder(target).seed([deferred(APP, loader)], run(2), SeedOptions(reseed={"app"}))
    assert report.results["app"].action == "reseeded"
    assert loader.loads == 1


def test_documents_that_lost_their_checksum_skip_that_integration_alone() -> None:
    target = LocalTarget(seeding_deployment(seed=1))
    changed = build("core", "1.2.0", actions=4)  # what the file says now, not what was checked
    monday = build("monday")
    candidates = [deferred(CORE, Loader(changed.docs)), APP, monday]
    report = Seeder(target).seed(candidates, run(1))
    core = report.results["core"]
    assert core.action == "skipped"
    assert core.message == (
        "not seeded: core: the manifest changed after its checks ran; run them again"
    )
    assert report.results["app"].action == "skipped"  # its dependency is not in the target
    assert report.results["monday"].action == "created"
    assert "core" not in {d["integration"] for d in target.fake.documents("integrations")}


def test_documents_or_a_loader_with_its_checksum() -> None:
    with pytest.raises(ValueError, match="give the documents"):
        DesiredIntegration("a", "1.0.0", ())
    with pytest.raises(ValueError, match="give the documents"):
        DesiredIntegration("a", "1.0.0", (), load=Loader(()))
    with pytest.raises(ValueError, match="give the documents"):
        DesiredIntegration("a", "1.0.0", (), CORE.docs, checksum="c", load=Loader(()))


def test_a_loaded_checksum_mismatch_raises_on_access() -> None:
    broken = deferred(CORE, Loader(APP.docs))
    assert broken.checksum == CORE.checksum
    with pytest.raises(ManifestChanged):
        broken.docs  # noqa: B018 - the access is the test


def test_preload_hears_of_exactly_the_loads_to_come_before_any_happens() -> None:
    target = seeded()
    changed = build("app", "2.1.0", actions=3, deps=(("core", "^1.0.0"),))
    loaders = {"core": Loader(CORE.docs), "app": Loader(changed.docs)}
    candidates = [deferred(CORE, loaders["core"]), deferred(changed, loaders["app"])]
    heard: list[tuple[list[str], int]] = []

    def preload(needed: Sequence[DesiredIntegration]) -> None:
        heard.append(([d.id for d in needed], sum(loader.loads for loader in loaders.values())))

    report = Seeder(target, preload=preload).seed(candidates, run(2))
    assert heard == [(["app"], 0)]  # core is held exactly: never loaded, never announced
    assert report.results["app"].action == "updated"
    assert [loaders["core"].loads, loaders["app"].loads] == [0, 1]
