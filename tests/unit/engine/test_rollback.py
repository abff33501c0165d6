"""Rollback from the ledger: exactly the state before the run, recorded, idempotent, guarded."""

from __future__ import annotations

from typing import Any

import pytest

from seeding_suite import remote
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import guarded_rollback
from seeding_suite.engine.rollback import (
    RollbackError,
    RollbackInfo,
    RollbackRefused,
    RunNotFound,
    apply_rollback,
    plan_rollback,
)
from seeding_suite.engine.seeder import Seeder
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import (
    V1,
    V2,
    invariant_problems,
    run,
    seeded_docs,
    state_json,
)
from tests.unit.engine.engine_builders import build


def info(run_id: str) -> RollbackInfo:
    return RollbackInfo(run_id, "operator", "0", "manual")


def seeded_twice() -> tuple[LocalTarget, str, dict[str, list[dict[str, Any]]]]:
    target = LocalTarget(seeding_deployment(seed=1))
    Seeder(target).seed(V1, run("run-1"))
    state_v1, docs_v1 = state_json(target), seeded_docs(target.fake)
    Seeder(target).seed(V2, run("run-2"))
    return target, state_v1, docs_v1


def undo(
    target: LocalTarget,
    run_id: str | None,
    rollback_id: str,
    *,
    to: str | None = None,
    force: bool = False,
) -> list[str]:
    _, result = guarded_rollback(target, info(rollback_id), run_id=run_id, to=to, force=force)
    assert result is not None
    return [undone for _, undone in result.runs]


def test_rolling_back_v2_restores_the_state_after_v1_byte_for_byte() -> None:
    target, state_v1, docs_v1 = seeded_twice()
    assert state_json(target) != state_v1
    assert undo(target, "run-2", "rb-1") == ["run-2"]
    assert state_json(target) == state_v1
    assert seeded_docs(target.fake) == docs_v1  # runId of every document included
    assert invariant_problems(target.fake) == []


def test_a_rollback_is_a_run_of_its_own_and_marks_the_undone_run() -> None:
    target, _, _ = seeded_twice()
    undo(target, "run-2", "rb-1")
    rollback = target.query(remote.GET_RUN, {"runId": "rb-1"})
    assert (rollback["rollbackOf"], rollback["status"], rollback["actor"]) == (
        "run-2",
        "succeeded",
        "operator",
    )
    assert rollback["counts"]["documentsWritten"] > 0
    assert target.query(remote.GET_RUN, {"runId": "run-2"})["rolledBackBy"] == "rb-1"


def test_rolling_back_twice_writes_nothing_the_second_time() -> None:
    target, state_v1, _ = seeded_twice()
    undo(target, "run-2", "rb-1")
    ledger = len(target.fake.documents(remote.LEDGER_TABLE))
    assert undo(target, "run-2", "rb-2") == []
    assert len(target.fake.documents(remote.LEDGER_TABLE)) == ledger
    assert target.query(remote.GET_RUN, {"runId": "rb-2"}) is None
    assert state_json(target) == state_v1


def test_rolling_back_the_rollback_brings_v2_back() -> None:
    target, _, _ = seeded_twice()
    state_v2, docs_v2 = state_json(target), seeded_docs(target.fake)
    undo(target, "run-2", "rb-1")
    undo(target, "rb-1", "rb-2")
    assert (state_json(target), seeded_docs(target.fake)) == (state_v2, docs_v2)
    assert target.query(remote.GET_RUN, {"runId": "run-2"})["rolledBackBy"] is None


def test_it_refuses_when_a_later_run_touched_the_same_documents_unless_forced() -> None:
    target, state_v1, _ = seeded_twice()
    later = [*V2[:3], build("monday", "0.2.0", actions=1, label="#")]
    Seeder(target).seed(later, run("run-3"))
    before = seeded_docs(target.fake)
    with pytest.raises(RollbackRefused) as info_:
        undo(target, "run-2", "rb-1")
    assert "monday" in str(info_.value) and "run-3" in str(info_.value)
    assert "--force" in str(info_.value)
    assert seeded_docs(target.fake) == before
    assert undo(target, "run-2", "rb-1", force=True) == ["run-2"]
    assert state_json(target) == state_v1


def test_a_plan_writes_nothing_and_names_the_conflicts() -> None:
    target, _, _ = seeded_twice()
    Seeder(target).seed([*V2[:3], build("monday", "0.2.0", label="#")], run("run-3"))
    before = {t: target.fake.documents(t) for t in target.fake.tables()}
    plan, result = guarded_rollback(target, info("rb"), run_id="run-2", plan_only=True)
    assert result is None
    assert [s.run_id for s in plan.steps] == ["run-2"]
    assert any("monday" in c for c in plan.conflicts)
    assert {t: target.fake.documents(t) for t in target.fake.tables()} == before


def test_rollback_to_undoes_every_later_run_newest_first() -> None:
    target, state_v1, docs_v1 = seeded_twice()
    Seeder(target).seed([*V2, build("slack", "1.0.0")], run("run-3"))
    assert undo(target, None, "rb", to="run-1") == ["run-3", "run-2"]
    assert (state_json(target), seeded_docs(target.fake)) == (state_v1, docs_v1)
    assert undo(target, None, "rb-again", to="run-1") == []


def test_rollback_to_leaves_a_rollback_and_the_run_it_undid_alone() -> None:
    target, state_v1, _ = seeded_twice()
    undo(target, "run-2", "rb-1")
    Seeder(target).seed([*V1, build("slack", "1.0.0")], run("run-3"))
    assert undo(target, None, "rb-2", to="run-1") == ["run-3"]
    assert state_json(target) == state_v1


def test_an_unknown_run_and_an_ambiguous_request_are_refused_plainly() -> None:
    target, _, _ = seeded_twice()
    with pytest.raises(RunNotFound, match="no run 'nope'"):
        plan_rollback(target, "nope")
    with pytest.raises(RollbackError, match="exactly one"):
        plan_rollback(target, "run-2", to="run-1")


def test_a_rollback_interrupted_by_a_concurrent_change_fails_atomically_and_is_recorded() -> None:
    target, _, _ = seeded_twice()
    plan = plan_rollback(target, "run-2")
    Seeder(target).seed([*V2[:3], build("monday", "0.2.0", label="#")], run("run-3"))
    before = seeded_docs(target.fake)
    with pytest.raises(RollbackError, match="rollback of run run-2 stopped"):
        apply_rollback(target, plan, info("rb-1"), limits=BatchLimits(max_ops=500))
    assert seeded_docs(target.fake) == before
    assert target.query(remote.GET_RUN, {"runId": "rb-1"})["status"] == "failed"
    assert target.query(remote.GET_RUN, {"runId": "run-2"}).get("rolledBackBy") is None
