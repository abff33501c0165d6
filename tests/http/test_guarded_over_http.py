"""Through `serve` over HTTP: two seeders at once take turns on the lease; rollback restores
`seeding-suite state --json` byte for byte (there and on the embedded target); seeding and
rolling back through a faulty server converge."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fakes.convex import FaultInjector, make_wsgi_app, serve
from seeding_suite import remote
from seeding_suite.checks.idempotency import user_state
from seeding_suite.cli import main
from seeding_suite.client import Secret
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import GuardedSeeder, guarded_rollback
from seeding_suite.engine.lock import LockSettings
from seeding_suite.engine.rollback import RollbackInfo
from seeding_suite.engine.seeder import Progress, SeedReport
from seeding_suite.errors import ConvexError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.remote import RemoteTarget
from tests.support.guarded import V1, V2, invariant_problems, run, seeded_docs
from tests.support.served import Served

KEY = "convex-self-hosted|guarded"
PATIENT = LockSettings(ttl_seconds=30, wait_seconds=60, poll_seconds=0.05)


def remote_target(url: str, key: str) -> RemoteTarget:
    return RemoteTarget(url, Secret(key), sleep=lambda _: None, max_retries=3)


def test_two_seeders_against_one_serve_take_turns_and_neither_fails(served: Served) -> None:
    first_holds_the_lease = threading.Event()
    reports: dict[str, SeedReport] = {}

    def slow(done: int, total: int, said: str) -> None:
        first_holds_the_lease.set()
        threading.Event().wait(0.05)  # a slow first run: the second one arrives mid-way

    def seed(name: str, progress: Progress | None) -> None:
        target = remote_target(served.url, served.key)
        try:
            limits = BatchLimits(max_ops=2)
            seeder = GuardedSeeder(target, lock=PATIENT, limits=limits, progress=progress)
            reports[name] = seeder.seed(V1, run(name))
        finally:
            target.close()

    first = threading.Thread(target=seed, args=("first", slow))
    second = threading.Thread(target=seed, args=("second", None))
    first.start()
    assert first_holds_the_lease.wait(30)
    second.start()
    first.join(60)
    second.join(60)
    assert {r.action for r in reports["first"].results.values()} == {"created"}
    assert {r.action for r in reports["second"].results.values()} == {"unchanged"}
    assert invariant_problems(served.fake) == []
    local = LocalTarget(served.fake)
    assert local.query(remote.GET_LOCK, {"name": "seeding"}) is None


def state_json(capsys: pytest.CaptureFixture[str], *target: str) -> str:
    capsys.readouterr()
    assert main(["state", "--json", *target]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("where", ["serve", "embedded"])
def test_rolling_back_v2_gives_the_state_json_of_v1_byte_for_byte(
    where: str, served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if where == "serve":
        options = ["--convex-url", served.url]
        target = remote_target(served.url, served.key)
    else:
        options = ["--db", str(tmp_path / "local.sqlite3")]
        target = LocalTarget(seeding_deployment(tmp_path / "local.sqlite3"))
    GuardedSeeder(target).seed(V1, run("run-v1"))
    after_v1 = state_json(capsys, *options)
    GuardedSeeder(target).seed(V2, run("run-v2"))
    target.close()
    assert state_json(capsys, *options) != after_v1
    capsys.readouterr()
    assert main(["rollback", "run-v2", *options]) == 0
    assert "rolled back run run-v2" in capsys.readouterr().out
    assert state_json(capsys, *options) == after_v1
    assert main(["rollback", "run-v2", *options]) == 0  # idempotent
    assert "already rolled back" in capsys.readouterr().out
    assert state_json(capsys, *options) == after_v1


def docs_after_v1() -> dict[str, object]:
    target = LocalTarget(seeding_deployment(seed=0))
    GuardedSeeder(target).seed(V1, run("v1"))
    return user_state(target, system=False)


DOCS_V1 = docs_after_v1()
SMALL = BatchLimits(max_ops=3)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.sampled_from([0.2, 0.4]))
def test_seeding_and_rolling_back_through_a_faulty_server_converge(seed: int, rate: float) -> None:
    fake = seeding_deployment(seed=0)
    GuardedSeeder(LocalTarget(fake)).seed(V1, run("v1"))
    exact_v1 = seeded_docs(fake)
    app = FaultInjector(make_wsgi_app(fake, admin_key=KEY), rate=rate, seed=seed)
    with serve(app) as running:
        for attempt in range(1, 16):  # the same holder: a retry re-enters its own lease
            target = remote_target(running.url, KEY)
            try:
                report = GuardedSeeder(target, limits=SMALL, holder="retrier").seed(
                    V2, run(f"v2-{attempt}")
                )
                if not any(r.action == "failed" for r in report.results.values()):
                    break
            except ConvexError:
                continue
            finally:
                target.close()
        for attempt in range(1, 16):
            target = remote_target(running.url, KEY)
            info = RollbackInfo(f"rb-{attempt}", "retrier", "0", "faulty")
            try:
                guarded_rollback(target, info, to="v1", limits=SMALL, holder="retrier")
                break
            except ConvexError:
                continue
            finally:
                target.close()
    assume(app.events)
    assert user_state(LocalTarget(fake), system=False) == DOCS_V1
    assert seeded_docs(fake) == exact_v1
    assert invariant_problems(fake) == []
