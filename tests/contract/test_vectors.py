"""The shared contract vectors against the Python twin in the fake (vitest runs them on TS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.convex import FakeConvex, FunctionFailure
from seeding_suite import remote
from seeding_suite.targets.local import seeding_deployment

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*.json"))
TOP_KEYS = {"name", "description", "steps", "expectTables"}
STEP_KEYS = {"function", "args", "expect", "note", "now"}
ORDER = {
    remote.RUNS_TABLE: ("runId",),
    remote.BATCHES_TABLE: ("batchId",),
    remote.CONFLICTS_TABLE: ("runId", "integration"),
    remote.LEDGER_TABLE: ("runId", "seq"),
    remote.LOCKS_TABLE: ("name",),
    remote.COUNTERS_TABLE: ("integration", "environment", "interval", "variant"),
    remote.USAGE_TABLE: ("slot",),
    remote.MANIFEST_STATUSES_TABLE: ("environment", "integration"),
}
START_MS = 1_767_225_600_000.0  # every vector starts at this server time (README)


class VectorClock:
    """The deployment's clock in a vector: fixed until a step's `now` moves it."""

    def __init__(self) -> None:
        self.now = START_MS

    def now_ms(self) -> float:
        return self.now


def vector_deployment() -> tuple[FakeConvex, VectorClock]:
    clock = VectorClock()
    return seeding_deployment(seed=0, clock=clock), clock


def rows(fake: Any, table: str) -> list[dict[str, Any]]:
    docs = [{k: v for k, v in d.items() if not k.startswith("_")} for d in fake.documents(table)]
    order = ORDER.get(table, ("naturalKey",))
    # null sorts first, as Convex orders values (tests/contract/README.md)
    return sorted(docs, key=lambda d: tuple((d[k] is not None, d[k] or 0) for k in order))


def check_step(fake: Any, step: dict[str, Any], where: str, clock: VectorClock) -> None:
    assert set(step) <= STEP_KEYS, f"{where}: unknown keys {set(step) - STEP_KEYS}"
    path, expect = step["function"], step["expect"]
    if "now" in step:
        clock.now = float(step["now"])

    def call() -> Any:
        return fake.call(path, step["args"], kind=remote.FUNCTIONS[path], admin=True)

    if "value" in expect:
        assert call() == expect["value"], where
        return
    with pytest.raises(FunctionFailure) as info:
        call()
    data, error = info.value.data, expect["error"]
    if "data" in error:
        assert data == error["data"], where
    elif "code" in error:
        assert isinstance(data, dict), f"{where}: {info.value.message}"
        assert data.get("code") == error["code"], f"{where}: {info.value.message}"
    else:
        assert error == {"convexError": False}, where
        assert data is None, f"{where}: expected Convex's own rejection, got {data}"


@pytest.mark.parametrize("path", VECTORS, ids=[p.stem for p in VECTORS])
def test_the_twin_keeps_the_contract_vector(path: Path) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    assert set(vector) == TOP_KEYS
    assert vector["name"] == path.stem
    fake, clock = vector_deployment()
    for number, step in enumerate(vector["steps"], start=1):
        check_step(fake, step, f"{path.stem} step {number} {step.get('note', '')}", clock)
    for table, expected in vector["expectTables"].items():
        assert rows(fake, table) == expected, f"{path.stem}: table {table}"


def test_there_are_vectors_for_every_contract_function() -> None:
    used = {step["function"] for p in VECTORS for step in json.loads(p.read_text())["steps"]}
    assert used == set(remote.FUNCTIONS)
