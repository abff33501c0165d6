from __future__ import annotations

import pytest
from engine_builders import build
from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.engine.batching import BatchLimits, IntegrationTooLarge, make_batches
from seeding_suite.engine.plan import plan_integration
from seeding_suite.engine.state import TargetState


@given(
    sizes=st.lists(st.integers(0, 12), min_size=1, max_size=8),
    max_ops=st.integers(1, 30),
)
def test_batches_keep_integrations_whole_and_in_order(sizes: list[int], max_ops: int) -> None:
    plans = [
        plan_integration(build(f"i{n}", actions=size), TargetState())
        for n, size in enumerate(sizes)
    ]
    batches = make_batches(plans, BatchLimits(max_ops=max_ops))
    assert [i for b in batches for i in b.integrations] == [p.id for p in plans]
    assert [op for b in batches for op in b.ops] == [op for p in plans for op in p.ops]
    for batch in batches:
        whole = sum(len(p.ops) for p in plans if p.id in batch.integrations)
        assert len(batch.ops) == whole
        assert len(batch.ops) <= max_ops or len(batch.integrations) == 1


def test_an_integration_over_the_hard_cap_is_refused_naming_the_limit() -> None:
    plan = plan_integration(build("huge", actions=20), TargetState())
    with pytest.raises(IntegrationTooLarge, match="21 documents to write exceed"):
        make_batches([plan], BatchLimits(hard_max_ops=10))
    with pytest.raises(IntegrationTooLarge, match="MiB"):
        make_batches([plan], BatchLimits(hard_max_bytes=1000))
