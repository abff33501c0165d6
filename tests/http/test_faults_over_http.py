"""Convergence through real HTTP: `serve` fails or drops a share of requests, including
replies lost after a mutation committed; seeding (re-run if a run gives up) ends in exactly
the state of a clean run, with no duplicates."""

from __future__ import annotations

from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fakes.convex import Fault, FaultInjector, make_wsgi_app, serve
from seeding_suite.checks.idempotency import user_state
from seeding_suite.client import Secret
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.desired import DesiredIntegration, desired_integration
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.errors import ConvexError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.remote import RemoteTarget

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEY = "convex-self-hosted|faults"


def shipped_catalog() -> list[DesiredIntegration]:
    """A copy of the shipped catalog (the tests never read the live manifests/ folder)."""
    catalog = Catalog([FIXTURES / "catalog"], FIXTURES)
    by_id = {e.id: e for e in catalog.entries()}
    return [
        desired_integration(catalog.source(by_id[i].path).manifest)
        for i in catalog.resolution().order
    ]


CATALOG = shipped_catalog()
LIMITS = BatchLimits(max_ops=7)  # many small batches: many chances to fail


def clean_state() -> dict[str, object]:
    target = LocalTarget(seeding_deployment(seed=0))
    Seeder(target, limits=LIMITS).seed(CATALOG, RunInfo("clean", "dev", "t", "0", "c"))
    return user_state(target, system=False)


CLEAN = clean_state()


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), rate=st.sampled_from([0.3, 0.5]))
def test_seeding_through_a_faulty_server_converges_to_the_clean_state(
    seed: int, rate: float
) -> None:
    fake = seeding_deployment(seed=0)
    app = FaultInjector(make_wsgi_app(fake, admin_key=KEY), rate=rate, seed=seed)
    with serve(app) as running:
        for attempt in range(1, 9):
            target = RemoteTarget(running.url, Secret(KEY), sleep=lambda _: None, max_retries=8)
            try:
                report = Seeder(target, limits=LIMITS).seed(
                    CATALOG, RunInfo(f"run-{attempt}", "dev", "t", "0", "c")
                )
            except ConvexError:  # a run that gave up entirely: the next run must recover
                continue
            finally:
                target.close()
            if not any(r.action in ("failed", "skipped") for r in report.results.values()):
                break
    assume(app.events)  # an example in which nothing was injected proves nothing
    assert user_state(LocalTarget(fake), system=False) == CLEAN
    keys = [d["naturalKey"] for d in fake.documents("actions")]
    assert len(keys) == len(set(keys))


def test_every_kind_of_fault_was_exercised() -> None:
    fake = seeding_deployment(seed=0)
    app = FaultInjector(make_wsgi_app(fake, admin_key=KEY), rate=0.5, seed=3)
    with serve(app) as running:
        for attempt in range(1, 8):
            target = RemoteTarget(running.url, Secret(KEY), sleep=lambda _: None, max_retries=2)
            try:
                Seeder(target, limits=LIMITS).seed(
                    CATALOG, RunInfo(f"r{attempt}", "d", "t", "0", "c")
                )
            except ConvexError:
                continue
            finally:
                target.close()
    assert {event.fault for event in app.events} == set(Fault)
    assert user_state(LocalTarget(fake), system=False) == CLEAN
