"""::idempotency: a double seed into a fresh fake, its failure messages, the optional examples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from manifest_texts import catalog_of, manifest_text

from seeding_suite.checks import idempotency
from seeding_suite.checks.idempotency import IdempotencyCheck
from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.engine.batching import BatchLimits
    from seeding_suite.engine.desired import DesiredIntegration

BODY = """\
connections:
  - {id: key, name: Key, auth: api_key}
actions:
  - {id: a1, name: One, connection: key}
  - {id: a2, name: Two, connection: key}
  - {id: a3, name: Three, connection: key}
triggers:
  - {id: t1, name: Fired, kind: webhook, connection: key}
dependencies:
  - {id: core, version: ^1.0.0}
"""


def run(tmp_path: Path, check: IdempotencyCheck, body: str = BODY) -> list[str]:
    files = {"app.yaml": manifest_text("app", body=body), "core.yaml": manifest_text("core")}
    catalog = catalog_of(tmp_path, files)
    source = catalog.source(tmp_path / "manifests" / "app.yaml")
    return [f.render() for f in check.run(source, catalog)]


def _tamper(ctx: Any, _args: dict[str, Any]) -> None:
    """Change one seeded document's checksum behind the seeder's back."""
    doc = ctx.db.query("actions").first()
    ctx.db.patch(doc["_id"], {"checksum": "c1:sha256:" + "0" * 64})


def test_a_good_manifest_with_a_dependency_passes(tmp_path: Path) -> None:
    assert run(tmp_path, IdempotencyCheck()) == []


def test_only_the_direct_dependencies_nodes_are_seeded_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded: list[list[tuple[str, int]]] = []
    real = idempotency.seed_fresh

    def spy(integrations: list[DesiredIntegration], limits: BatchLimits | None = None) -> Any:
        seeded.append([(d.id, len(d.docs)) for d in integrations])
        return real(integrations, limits)

    monkeypatch.setattr(idempotency, "seed_fresh", spy)
    files = {
        "app.yaml": manifest_text("app", body=BODY),
        "core.yaml": manifest_text("core", body="dependencies: [base]\n"),
        "base.yaml": manifest_text("base"),
    }
    catalog = catalog_of(tmp_path, files)
    check = IdempotencyCheck()
    assert check.run(catalog.source(tmp_path / "manifests" / "app.yaml"), catalog) == []
    # core is there as its node only (what the gate reads); base, core's own dependency, is not.
    assert seeded == [[("core", 1), ("app", 7)]]


def test_a_second_seed_that_does_not_find_its_own_state_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = idempotency.seed_fresh

    def drifting(closure: list[DesiredIntegration], limits: BatchLimits | None = None) -> Any:
        target, report = real(closure, limits)
        target.fake.register("test:tamper", "mutation", _tamper)
        target.fake.mutation("test:tamper")
        return target, report

    monkeypatch.setattr(idempotency, "seed_fresh", drifting)
    [message] = run(tmp_path, IdempotencyCheck())
    assert message.startswith("manifests/app.yaml: the second seed did not succeed (app: ")
    assert "changed without a version bump" in message


def test_a_document_over_convex_size_limit_is_named_with_its_line(tmp_path: Path) -> None:
    body = BODY.replace(
        "  - {id: a2, name: Two, connection: key}\n",
        f"  - id: a2\n    name: Two\n    description: {'x' * (1 << 20)}\n",
    )
    [message] = run(tmp_path, IdempotencyCheck(), body)
    assert message.startswith("manifests/app.yaml:11:18: actions[1].description: app: ")
    assert "over Convex's limit of 1,048,576 bytes (1 MiB) per document" in message
    assert "too large in the manifest: actions[1].description (1,048,578 bytes)" in message


def test_examples_reseed_with_other_batch_sizes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limits_seen: list[int | None] = []
    real = idempotency.seed_fresh

    def spy(closure: list[DesiredIntegration], limits: BatchLimits | None = None) -> Any:
        limits_seen.append(None if limits is None else limits.max_ops)
        return real(closure, limits)

    monkeypatch.setattr(idempotency, "seed_fresh", spy)
    assert run(tmp_path, IdempotencyCheck(examples=3)) == []
    assert limits_seen[0] is None
    assert len(limits_seen) == 4
    assert all(isinstance(n, int) and 4 <= n <= 40 for n in limits_seen[1:])


def test_an_example_whose_final_state_differs_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = idempotency.seed_fresh

    def lossy(closure: list[DesiredIntegration], limits: BatchLimits | None = None) -> Any:
        target, report = real(closure, limits)
        if limits is not None:  # only the examples' seeds lose a document
            target.fake.register("test:tamper", "mutation", _tamper)
            target.fake.mutation("test:tamper")
        return target, report

    monkeypatch.setattr(idempotency, "seed_fresh", lossy)
    [message] = run(tmp_path, IdempotencyCheck(examples=1))
    assert message.startswith("manifests/app.yaml: batches of at most ")
    assert message.endswith(" ops gave a different final state")


def test_examples_are_off_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = idempotency.seed_fresh

    def spy(closure: list[DesiredIntegration], limits: BatchLimits | None = None) -> Any:
        calls.append(limits)
        return real(closure, limits)

    monkeypatch.setattr(idempotency, "seed_fresh", spy)
    assert run(tmp_path, IdempotencyCheck()) == []
    assert calls == [None]


def test_each_check_seeds_a_fake_of_its_own(tmp_path: Path) -> None:
    """Fakes share only their (stateless) validators: one seed shows in no other fake."""
    catalog = catalog_of(tmp_path, {"core.yaml": manifest_text("core")})
    seeded, _ = idempotency.seed_fresh([catalog.desired_of(tmp_path / "manifests" / "core.yaml")])
    untouched = LocalTarget(seeding_deployment(seed=0))
    assert [
        d["naturalKey"] for d in idempotency.user_state(seeded, system=True)["integrations"]
    ] == ["core"]
    assert not any(idempotency.user_state(untouched, system=True).values())
    assert untouched.fake.tables() == seeded.fake.tables()  # the same schema, built again


def test_the_compared_state_leaves_out_only_what_differs_between_equal_seeds(
    tmp_path: Path,
) -> None:
    alone = BODY.replace("dependencies:\n  - {id: core, version: ^1.0.0}\n", "")
    catalog = catalog_of(tmp_path, {"app.yaml": manifest_text("app", body=alone)})
    target, _ = idempotency.seed_fresh([catalog.desired_of(tmp_path / "manifests" / "app.yaml")])
    full = idempotency.user_state(target, system=True)
    compared = idempotency.user_state(target, system=False)
    hidden = {"_id", "_creationTime", "runId"}
    for table, docs in full.items():
        assert [d["naturalKey"] for d in docs] == sorted(d["naturalKey"] for d in docs)
        assert compared[table] == [{k: v for k, v in d.items() if k not in hidden} for d in docs]
    assert len(full["actions"]) == 3
