"""Shared by the lock, ledger, rollback and fault tests: a movable server clock, catalogs in
two versions, and the invariants a target must keep (ledger agrees with data, no duplicates)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.engine.inventory import integration_states
from seeding_suite.engine.seeder import RunInfo
from tests.unit.engine.engine_builders import build

if TYPE_CHECKING:
    from fakes.convex import FakeConvex
    from seeding_suite.targets.base import ConvexTarget

START_MS = 1_767_225_600_000.0


class MovableClock:
    """The deployment's clock in a test: stands still until the test moves it."""

    def __init__(self, now: float = START_MS) -> None:
        self.now = now

    def now_ms(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds * 1000.0


V1 = [
    build("core", "1.0.0", actions=3),
    build("http", "2.0.0", actions=2, deps=(("core", "^1.0.0"),)),
    build("stripe", "3.1.0", actions=4, deps=(("core", "*"), ("http", ">=2.0.0"))),
]
V2 = [
    build("core", "1.1.0", actions=2, label="!"),  # one action fewer, all changed
    build("http", "2.0.0", actions=2, deps=(("core", "^1.0.0"),)),
    build("stripe", "3.2.0", actions=5, deps=(("core", "*"), ("http", ">=2.0.0")), label="?"),
    build("monday", "0.1.0", actions=1),
]


def run(run_id: str) -> RunInfo:
    return RunInfo(run_id, "development", "tester", "0", "catalog")


def state_json(target: ConvexTarget) -> str:
    """What `seeding-suite state --json` prints for the target."""
    return json.dumps(integration_states(target), indent=2, sort_keys=True) + "\n"


def seeded_docs(fake: FakeConvex) -> dict[str, list[dict[str, Any]]]:
    """Every seeded document exactly (runId included), without Convex's system fields."""
    return {
        table: sorted(
            ({k: v for k, v in d.items() if not k.startswith("_")} for d in fake.documents(table)),
            key=lambda d: str(d["naturalKey"]),
        )
        for table in remote.SEEDED_TABLES
    }


def invariant_problems(fake: FakeConvex) -> list[str]:
    """No duplicate keys; the newest ledger entry of every document is its current stamp."""
    problems = []
    current: dict[tuple[str, str], dict[str, str]] = {}
    for table in remote.SEEDED_TABLES:
        keys = [str(d["naturalKey"]) for d in fake.documents(table)]
        if len(keys) != len(set(keys)):
            problems.append(f"duplicate keys in {table}")
        for doc in fake.documents(table):
            stamp = {"checksum": str(doc["checksum"]), "runId": str(doc["runId"])}
            current[(table, str(doc["naturalKey"]))] = stamp
    newest: dict[tuple[str, str], Any] = {}
    for entry in fake.documents(remote.LEDGER_TABLE):  # creation order = write order
        newest[(str(entry["table"]), str(entry["naturalKey"]))] = entry["after"]
    for key in set(current) | set(newest):
        if key not in newest:
            problems.append(f"{key} has no ledger entry")
        elif newest[key] != current.get(key):
            problems.append(f"{key}: ledger says {newest[key]}, data is {current.get(key)}")
    return problems
