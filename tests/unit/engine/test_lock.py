"""The target's lease: one run at a time, waiting then failing by name, expiring by itself."""

from __future__ import annotations

import pytest

from seeding_suite import remote
from seeding_suite.engine.lock import (
    Lease,
    LeasedTarget,
    LeaseLost,
    LockSettings,
    LockTimeout,
)
from seeding_suite.engine.seeder import Seeder
from seeding_suite.errors import ConvexFunctionError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import V1, MovableClock, run

SETTINGS = LockSettings(ttl_seconds=30, wait_seconds=10, poll_seconds=1)


def target(clock: MovableClock) -> LocalTarget:
    return LocalTarget(seeding_deployment(seed=1, clock=clock))


class Waiting:
    """A fake monotonic clock whose sleeps also move the server clock (time passes for both)."""

    def __init__(self, server: MovableClock) -> None:
        self.server = server
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self.server.advance(seconds)

    def monotonic(self) -> float:
        return self.now


def lease(
    t: LocalTarget, holder: str, waiting: Waiting, settings: LockSettings = SETTINGS
) -> Lease:
    return Lease(
        t, settings, holder, f"run-{holder}", sleep=waiting.sleep, monotonic=waiting.monotonic
    )


def test_it_takes_a_free_lease_and_gives_it_back() -> None:
    clock = MovableClock()
    t = target(clock)
    with lease(t, "alice", Waiting(clock)):
        held = t.query(remote.GET_LOCK, {"name": "seeding"})
        assert held["holder"] == "alice"
        assert held["expiresAt"] == clock.now + 30_000
    assert t.query(remote.GET_LOCK, {"name": "seeding"}) is None


def test_a_second_run_waits_then_fails_naming_the_holder() -> None:
    clock = MovableClock()
    t = target(clock)
    waiting = Waiting(clock)
    with lease(t, "alice", waiting), pytest.raises(LockTimeout) as info:
        lease(t, "bob", waiting).acquire()
    assert "locked by alice (run run-alice)" in str(info.value)
    assert "waiting 10 s" in str(info.value)
    assert sum(waiting.slept) == pytest.approx(10)


def test_a_crashed_holders_lease_expires_by_itself_and_the_waiter_takes_it() -> None:
    clock = MovableClock()
    t = target(clock)
    waiting = Waiting(clock)
    lease(t, "crashed", waiting, LockSettings(ttl_seconds=5)).acquire()  # never released
    with lease(t, "next", waiting):
        assert t.query(remote.GET_LOCK, {"name": "seeding"})["holder"] == "next"
    assert 5 <= sum(waiting.slept) < 7


def test_the_lease_is_renewed_between_calls_once_a_third_of_the_ttl_passed() -> None:
    clock = MovableClock()
    t = target(clock)
    waiting = Waiting(clock)
    with lease(t, "alice", waiting) as held:
        leased = LeasedTarget(t, held)
        first = t.query(remote.GET_LOCK, {"name": "seeding"})["expiresAt"]
        waiting.sleep(5)
        leased.query(remote.GET_RUN, {"runId": "x"})
        assert t.query(remote.GET_LOCK, {"name": "seeding"})["expiresAt"] == first
        waiting.sleep(6)  # 11 s > 30 s / 3
        leased.query(remote.GET_RUN, {"runId": "x"})
        assert t.query(remote.GET_LOCK, {"name": "seeding"})["expiresAt"] == first + 11_000


def test_a_run_that_stalled_past_its_ttl_loses_the_lease_and_cannot_write() -> None:
    clock = MovableClock()
    t = target(clock)
    waiting = Waiting(clock)
    slow = lease(t, "slow", waiting)
    slow.acquire()
    waiting.sleep(31)
    lease(t, "fast", waiting).acquire()
    ops = [{"kind": "delete", "table": "actions", "naturalKey": "x/y", "expected": None}]
    with pytest.raises(ConvexFunctionError) as info:
        t.mutation(
            remote.APPLY_BATCH, {"runId": "r", "batchId": "r/1", "ops": ops, "lock": slow.ref}
        )
    assert info.value.data["code"] == remote.LOCK_NOT_HELD
    assert info.value.data["holder"] == "fast"
    with pytest.raises(LeaseLost, match="taken by fast"):
        LeasedTarget(t, slow).query(remote.GET_RUN, {"runId": "x"})


def test_the_seeder_sends_the_lease_with_every_batch() -> None:
    clock = MovableClock()
    t = target(clock)
    sent: list[object] = []

    class Spy(LocalTarget):
        def mutation(self, path: str, args: dict[str, object]) -> object:
            if path == remote.APPLY_BATCH:
                sent.append(args.get("lock"))
            return super().mutation(path, args)

    with lease(Spy(t.fake), "alice", Waiting(clock)) as held:
        Seeder(LeasedTarget(Spy(t.fake), held)).seed(V1, run("run-1"))
    assert sent and all(lock == {"name": "seeding", "holder": "alice"} for lock in sent)


def test_separate_targets_are_locked_separately() -> None:
    clock = MovableClock()
    staging, production = target(clock), target(clock)
    waiting = Waiting(clock)
    with lease(staging, "alice", waiting), lease(production, "bob", waiting):
        assert staging.query(remote.GET_LOCK, {"name": "seeding"})["holder"] == "alice"
        assert production.query(remote.GET_LOCK, {"name": "seeding"})["holder"] == "bob"
    assert waiting.slept == []


def test_a_waiting_run_says_whose_lease_it_waits_for_every_few_seconds() -> None:
    clock = MovableClock()
    t = target(clock)
    waiting = Waiting(clock)
    told: list[tuple[float, str]] = []
    with lease(t, "alice", waiting):
        patient = Lease(
            t,
            LockSettings(ttl_seconds=30, wait_seconds=12, poll_seconds=1, notice_seconds=5),
            "bob",
            "run-bob",
            sleep=waiting.sleep,
            monotonic=waiting.monotonic,
            waiting=lambda line: told.append((waiting.now, line)),
        )
        with pytest.raises(LockTimeout):
            patient.acquire()
    assert [when for when, _ in told] == [0.0, 5.0, 10.0]
    assert told[1][1] == (
        "waiting for the lease on memory: held by alice (run run-alice) since "
        "2026-01-01T00:00:00Z, lease expires 2026-01-01T00:00:30Z; waited 5 s of 12 s"
    )
