"""The run ledger: written with the data, it always agrees with it and undoes any run exactly."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from seeding_suite import remote
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.desired import DesiredIntegration
from seeding_suite.engine.guarded import guarded_rollback
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.engine.rollback import RollbackInfo
from seeding_suite.engine.seeder import Seeder, SeedOptions
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, V2, invariant_problems, run, seeded_docs
from tests.unit.engine.engine_builders import build

# One integration per id; each step picks a version (actions, label) or leaves it out (pruned).
VERSIONS = st.one_of(st.none(), st.tuples(st.integers(0, 3), st.sampled_from(["", "!", "?"])))
STEP = st.fixed_dictionaries({i: VERSIONS for i in ("alpha", "beta", "gamma")})


def catalog(step: dict[str, tuple[int, str] | None]) -> list[DesiredIntegration]:
    return [build(i, actions=v[0], label=v[1]) for i, v in step.items() if v is not None]


def test_a_run_records_each_changed_document_with_what_was_there_before() -> None:
    target = LocalTarget(seeding_deployment(seed=1))
    Seeder(target).seed(V1, run("run-1"))
    Seeder(target).seed(V2, run("run-2"))
    entries = read_ledger(target, "run-2")
    by_key = {(e["table"], e["naturalKey"]): e for e in entries}
    assert [e["seq"] for e in entries] == list(range(len(entries)))
    created = by_key[("integrations", "monday")]
    assert (created["before"], created["after"]["runId"]) == (None, "run-2")
    removed = by_key[("actions", "core/a2")]  # core 1.1.0 has one action fewer
    assert removed["after"] is None
    assert json.loads(removed["before"])["runId"] == "run-1"
    assert ("integrations", "http") not in by_key  # unchanged: no entry


def test_a_replayed_batch_adds_no_ledger_entries() -> None:
    target = LocalTarget(seeding_deployment(seed=1))
    Seeder(target).seed(V1, run("run-1"))
    count = len(target.fake.documents(remote.LEDGER_TABLE))
    args = {"runId": "run-1", "batchId": "run-1/1", "ops": []}
    assert target.mutation(remote.APPLY_BATCH, args)["replayed"] is True
    assert len(target.fake.documents(remote.LEDGER_TABLE)) == count


def test_a_ledger_larger_than_a_page_is_read_whole() -> None:
    target = LocalTarget(seeding_deployment(seed=1))
    big = [build(f"i{n:04}", actions=0) for n in range(1100)]
    Seeder(target, limits=BatchLimits(max_ops=500)).seed(big, run("run-1"))
    assert len(read_ledger(target, "run-1")) == 1100


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(STEP, min_size=2, max_size=4), max_ops=st.integers(1, 12))
def test_after_any_history_undoing_the_last_run_restores_the_previous_state_exactly(
    steps: list[dict[str, tuple[int, str] | None]], max_ops: int
) -> None:
    target = LocalTarget(seeding_deployment(seed=1))
    limits = BatchLimits(max_ops=max_ops)
    before_last = {}
    for number, step in enumerate(steps, start=1):
        before_last = seeded_docs(target.fake)
        wanted = catalog(step)
        options = SeedOptions(prune=True, keep=frozenset(d.id for d in wanted))
        Seeder(target, limits=limits).seed(wanted, run(f"run-{number}"), options)
        assert invariant_problems(target.fake) == []
    info = RollbackInfo("rb", "t", "0", "property")
    guarded_rollback(target, info, run_id=f"run-{len(steps)}", limits=limits)
    assert seeded_docs(target.fake) == before_last
    assert invariant_problems(target.fake) == []
