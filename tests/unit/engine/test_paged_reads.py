"""Reads of a target many times Convex's 16 MiB per-function read limit: every read pages.

Each action below carries a ~600 KB input schema, so 40 integrations store about 24 MB (and a
second version's ledger holds as much again in pre-images): one page of 1,000 whole documents
would break Convex's limit. The fake enforces that limit exactly as Convex counts it.
"""

from __future__ import annotations

import json

from seeding_suite.engine.desired import DesiredIntegration
from seeding_suite.engine.health import check_health
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.engine.rollback import RollbackInfo, apply_rollback, plan_rollback
from seeding_suite.engine.seeder import Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import run, state_json
from tests.unit.engine.engine_builders import build

MIB = 1 << 20
COUNT = 40


def _schema(label: str, fields: int = 780) -> str:
    properties = {
        f"field_{n}": {
            "type": "string",
            "description": f"{label} The value of field {n}, as the API returns it. " * 12,
        }
        for n in range(fields)
    }
    return json.dumps({"type": "object", "properties": properties}, separators=(",", ":"))


def _catalog(version: str) -> list[DesiredIntegration]:
    schema = _schema(version)
    return [
        build(f"app{n:03}", version, actions=1, label=version, schema=schema) for n in range(COUNT)
    ]


def test_a_target_of_several_times_16_mib_reads_seeds_and_rolls_back_page_by_page() -> None:
    target = LocalTarget(seeding_deployment(seed=0))
    v1, v2 = _catalog("1.0.0"), _catalog("2.0.0")
    assert sum(len(d.payload["inputSchemaJson"]) for i in v1 for d in i.docs[1:]) > 16 * MIB

    first = Seeder(target).seed(v1, run("run-1"))
    assert first.documents_written == 2 * COUNT
    state = Seeder(target).read_state(verify=True)
    assert len(state.docs) == 2 * COUNT and not any(d.drifted for d in state.docs.values())
    assert check_health(target, state, v1, first) == []
    assert Seeder(target).seed(v1, run("run-2")).documents_written == 0
    before = state_json(target)

    assert Seeder(target).seed(v2, run("run-3")).documents_written == 2 * COUNT
    entries = read_ledger(target, "run-3")
    assert [e["seq"] for e in entries] == list(range(2 * COUNT))
    assert sum(len(e["before"] or "") for e in entries) > 16 * MIB

    plan = plan_rollback(target, "run-3")
    apply_rollback(target, plan, RollbackInfo("rb-1", "operator", "0", "manual"))
    assert state_json(target) == before


def test_a_prune_of_more_than_16_mib_deletes_in_batches_that_fit_convex() -> None:
    """Delete ops are tiny, but applyBatch reads each document it deletes and copies it into the
    ledger: batches are sized by what the ops replace too, or one batch breaks 16 MiB."""
    target = LocalTarget(seeding_deployment(seed=0))
    schema = _schema("1.0.0", fields=1000)
    catalog = [build(f"app{n:03}", actions=1, schema=schema) for n in range(30)]
    assert len(schema) * len(catalog) > 16 * MIB
    Seeder(target).seed(catalog, run("run-1"))
    pruned = Seeder(target).seed([], run("run-2"), SeedOptions(prune=True, prune_all=True))
    assert {r.action for r in pruned.results.values()} == {"deleted"}
    assert pruned.documents_written == 2 * len(catalog)
    assert Seeder(target).read_state().docs == {}


def test_rolling_back_a_seed_of_more_than_16_mib_deletes_in_batches_that_fit_convex() -> None:
    """Undoing creations is tiny restore ops (doc null) over large stored documents."""
    target = LocalTarget(seeding_deployment(seed=0))
    schema = _schema("1.0.0", fields=1000)
    catalog = [build(f"app{n:03}", actions=1, schema=schema) for n in range(30)]
    Seeder(target).seed(catalog, run("run-1"))
    plan = plan_rollback(target, "run-1")
    done = apply_rollback(target, plan, RollbackInfo("rb-1", "operator", "0", "manual"))
    assert done.written == 2 * len(catalog)
    assert Seeder(target).read_state().docs == {}
