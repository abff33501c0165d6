"""engine/runs.py: a `running` record whose run no longer holds its lease reads as abandoned."""

from __future__ import annotations

import contextlib

from fakes.convex import InjectedFault
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.engine.lock import LockSettings
from seeding_suite.engine.runs import list_runs
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, MovableClock, run

TTL = LockSettings(ttl_seconds=30, wait_seconds=0)


class DiesAtTheThirdBatch:
    """A fault hook: the process 'dies' sending its third batch; every later call fails too,
    so it never releases its lease (as after SIGKILL)."""

    def __init__(self) -> None:
        self.batches = 0
        self.dead = False

    def __call__(self, path: str, when: str) -> None:
        if path == "seeding:applyBatch" and when == "before":
            self.batches += 1
            self.dead = self.dead or self.batches == 3
        if self.dead:
            raise InjectedFault("killed")


def test_a_dead_run_is_running_until_its_lease_expires_then_abandoned_with_its_ledger() -> None:
    clock = MovableClock()
    target = LocalTarget(seeding_deployment(seed=0, clock=clock))
    target.fake.set_fault_hook(DiesAtTheThirdBatch())
    with contextlib.suppress(InjectedFault):
        GuardedSeeder(target, lock=TTL, limits=BatchLimits(max_ops=3)).seed(V1, run("dead"))
    target.fake.set_fault_hook(None)
    (alive,) = list_runs(target, 10, now_ms=clock.now)
    assert alive["status"] == "running"
    lease_expiry = clock.now + TTL.ttl_seconds * 1000
    (dead,) = list_runs(target, 10, now_ms=lease_expiry)
    entries = read_ledger(target, "dead")
    assert dead["status"] == "abandoned"
    assert dead["leaseExpiredAt"] == lease_expiry
    assert dead["counts"]["documentsWritten"] == len(entries) > 0
    assert dead["ledger"] == {
        "documentsWritten": len(entries),
        "documentsCreated": len(entries),
        "documentsUpdated": 0,
        "documentsDeleted": 0,
        "integrations": len({e["integration"] for e in entries}),
    }
    clock.advance(TTL.ttl_seconds)
    GuardedSeeder(target, lock=TTL).seed(V1, run("next"))  # takes the lease, then releases it
    statuses = {r["runId"]: r["status"] for r in list_runs(target, 10, now_ms=clock.now)}
    assert statuses == {"dead": "abandoned", "next": "succeeded"}
