from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.engine.plan import plan_all, plan_integration, plan_removal
from seeding_suite.engine.state import StoredDoc, TargetState

if TYPE_CHECKING:
    from engine_builders import Factory


def state_of(*integrations: object) -> TargetState:
    state = TargetState()
    for desired in integrations:
        for doc in desired.docs:  # type: ignore[attr-defined]
            version = doc.payload.get("version") if doc.table == "integrations" else None
            state.add(
                StoredDoc(doc.table, doc.natural_key, doc.integration, doc.checksum, "r0"), version
            )
    return state


def test_an_empty_target_gets_every_document_created(make: Factory) -> None:
    plan = plan_integration(make("stripe", actions=3), TargetState())
    assert plan.action == "created"
    assert (plan.counts.created, plan.counts.updated, plan.counts.unchanged) == (4, 0, 0)
    assert all(op["kind"] == "upsert" and op["expected"] is None for op in plan.ops)


def test_an_identical_target_plans_nothing(make: Factory) -> None:
    stripe = make("stripe")
    plan = plan_integration(stripe, state_of(stripe))
    assert (plan.action, plan.ops, plan.counts.unchanged) == ("unchanged", [], 3)


def test_a_changed_document_is_updated_with_its_old_checksum_as_precondition(make: Factory) -> None:
    old, new = make("stripe"), make("stripe", label="!")
    plan = plan_integration(new, state_of(old))
    assert plan.action == "updated"
    assert plan.counts.updated == 2
    assert plan.counts.unchanged == 1
    old_sums = {d.natural_key: d.checksum for d in old.docs}
    assert all(op["expected"] == old_sums[op["naturalKey"]] for op in plan.ops)


def test_documents_the_manifest_no_longer_has_are_deleted(make: Factory) -> None:
    plan = plan_integration(make("stripe", actions=1), state_of(make("stripe", actions=3)))
    deleted = [op["naturalKey"] for op in plan.ops if op["kind"] == "delete"]
    assert deleted == ["stripe/a1", "stripe/a2"]
    assert plan.counts.deleted == 2


def test_reseed_rewrites_unchanged_documents(make: Factory) -> None:
    stripe = make("stripe")
    plan = plan_integration(stripe, state_of(stripe), reseed=True)
    assert plan.action == "reseeded"
    assert len(plan.ops) == 3
    assert all(op.get("force") for op in plan.ops)


def test_removal_deletes_every_document_of_the_integration(make: Factory) -> None:
    state = state_of(make("stripe"), make("monday"))
    plan = plan_removal("monday", state)
    assert {op["naturalKey"] for op in plan.ops} == {"monday", "monday/a0", "monday/a1"}
    assert [p.id for p in plan_all([make("stripe")], state, prune=["monday"])] == [
        "stripe",
        "monday",
    ]
