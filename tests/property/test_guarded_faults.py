"""Convergence under faults: a guarded seeder or a rollback killed at any mutation, then run
again after its lease expired, ends exactly where an uninterrupted run would have, with the
ledger agreeing with the data and the lease released."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.convex import InjectedFault
from seeding_suite import remote
from seeding_suite.checks.idempotency import user_state
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import GuardedSeeder, guarded_rollback
from seeding_suite.engine.lock import LockSettings
from seeding_suite.engine.rollback import RollbackInfo
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, V2, MovableClock, invariant_problems, run, seeded_docs

ROOT = Path(__file__).resolve().parents[2]
TTL = LockSettings(ttl_seconds=30, wait_seconds=0)
RB_1 = RollbackInfo("rb-1", "t", "0", "killed rollback")
RB_2 = RollbackInfo("rb-2", "t", "0", "rollback again")


def clean_v2() -> dict[str, object]:
    target = LocalTarget(seeding_deployment(seed=0))
    GuardedSeeder(target).seed(V1, run("v1"))
    GuardedSeeder(target).seed(V2, run("v2"))
    return user_state(target, system=False)


CLEAN_V2 = clean_v2()


class Killer:
    """A fault hook: at the `at`-th mutation the process 'dies' (every later call fails too)."""

    def __init__(self, at: int, phase: str) -> None:
        self.at, self.phase, self.seen, self.dead = at, phase, 0, False

    def __call__(self, path: str, when: str) -> None:
        if when == "before":
            self.seen += 1
        if self.dead or (self.seen == self.at and when == self.phase):
            self.dead = True
            raise InjectedFault(f"killed at mutation {self.at} ({self.phase})")


def seeded_v1(clock: MovableClock) -> LocalTarget:
    target = LocalTarget(seeding_deployment(seed=0, clock=clock))
    GuardedSeeder(target, lock=TTL).seed(V1, run("v1"))
    return target


@settings(max_examples=30, deadline=None)
@given(
    at=st.integers(1, 12),
    phase=st.sampled_from(["before", "after_commit"]),
    max_ops=st.integers(1, 8),
)
def test_a_seeder_killed_anywhere_is_completed_by_the_next_run_after_its_lease_expires(
    at: int, phase: str, max_ops: int
) -> None:
    clock = MovableClock()
    target = seeded_v1(clock)
    killer = Killer(at, phase)
    target.fake.set_fault_hook(killer)
    limits = BatchLimits(max_ops=max_ops)
    with contextlib.suppress(InjectedFault):
        GuardedSeeder(target, lock=TTL, limits=limits).seed(V2, run("killed"))
    target.fake.set_fault_hook(None)
    assert invariant_problems(target.fake) == []
    clock.advance(TTL.ttl_seconds)  # no unlock: the dead run's lease just runs out
    report = GuardedSeeder(target, lock=TTL, limits=limits).seed(V2, run("next"))
    assert not any(r.action == "failed" for r in report.results.values())
    assert user_state(target, system=False) == CLEAN_V2
    assert invariant_problems(target.fake) == []
    assert target.query(remote.GET_LOCK, {"name": "seeding"}) is None


@settings(max_examples=30, deadline=None)
@given(at=st.integers(1, 8), phase=st.sampled_from(["before", "after_commit"]))
def test_a_rollback_killed_anywhere_is_completed_by_running_it_again(at: int, phase: str) -> None:
    clock = MovableClock()
    target = seeded_v1(clock)
    docs_v1 = seeded_docs(target.fake)
    GuardedSeeder(target, lock=TTL, limits=BatchLimits(max_ops=3)).seed(V2, run("v2"))
    target.fake.set_fault_hook(Killer(at, phase))
    small = BatchLimits(max_ops=2)
    with contextlib.suppress(InjectedFault):
        guarded_rollback(target, RB_1, run_id="v2", limits=small, lock=TTL)
    target.fake.set_fault_hook(None)
    assert invariant_problems(target.fake) == []
    clock.advance(TTL.ttl_seconds)
    guarded_rollback(target, RB_2, run_id="v2", limits=small, lock=TTL)
    assert seeded_docs(target.fake) == docs_v1
    assert invariant_problems(target.fake) == []
    assert target.query(remote.GET_LOCK, {"name": "seeding"}) is None


CHILD = """
import sys, time
from pathlib import Path
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.lock import LockSettings
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V2, run

def progress(done, total, said):
    print(f"batch {done}/{total}", flush=True)
    if done == 2:
        time.sleep(120)  # killed here, holding the lease, two batches written

target = LocalTarget(seeding_deployment(Path(sys.argv[1])))
seeder = GuardedSeeder(
    target, lock=LockSettings(ttl_seconds=2), limits=BatchLimits(max_ops=3), progress=progress
)
seeder.seed(V2, run("killed"))
"""


def test_a_seeder_killed_with_sigkill_leaves_a_target_the_next_run_completes(
    tmp_path: Path,
) -> None:
    db = tmp_path / "local.sqlite3"
    first = LocalTarget(seeding_deployment(db))
    GuardedSeeder(first).seed(V1, run("v1"))
    first.close()
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as child:
        assert child.stdout is not None
        lines = [child.stdout.readline(), child.stdout.readline()]
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    assert lines[1].startswith("batch 2/"), lines
    target = LocalTarget(seeding_deployment(db))
    try:
        stuck = target.query(remote.GET_LOCK, {"name": "seeding"})
        assert stuck is not None and stuck["runId"] == "killed"
        assert target.query(remote.GET_RUN, {"runId": "killed"})["status"] == "running"
        patient = LockSettings(ttl_seconds=2, wait_seconds=30, poll_seconds=0.2)
        report = GuardedSeeder(target, lock=patient).seed(V2, run("next"))
        assert not any(r.action == "failed" for r in report.results.values())
        assert user_state(target, system=False) == CLEAN_V2
        assert invariant_problems(target.fake) == []
        assert target.query(remote.GET_LOCK, {"name": "seeding"}) is None
    finally:
        target.close()
