"""Issue 12, item 7: an outage at any point of a guarded run (a reply lost after the target
committed, then the server gone for a while): what the run reports, per integration and in its
run record, is what the target holds; what it cannot know it says is unknown."""

from __future__ import annotations

from collections import Counter

import httpx
from hypothesis import example, given, settings
from hypothesis import strategies as st

from fakes.convex import Outage, make_wsgi_app
from seeding_suite import remote
from seeding_suite.client import Secret
from seeding_suite.engine.batching import BatchLimits
from seeding_suite.engine.guarded import GuardedSeeder
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.engine.lock import LockSettings
from seeding_suite.errors import ConvexError
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from seeding_suite.targets.remote import RemoteTarget
from tests.support.guarded import V1, V2, invariant_problems, run

KEY = "convex-self-hosted|outage"
LIMITS = BatchLimits(max_ops=4)  # many batches: an outage can start before, in or after any
FUNCTIONS = [
    remote.APPLY_BATCH,
    remote.READ_LEDGER,
    remote.READ_STATE,
    remote.RECORD_RUN,
    remote.ACQUIRE_LOCK,
    remote.RELEASE_LOCK,
]


def written_by(target: LocalTarget, run_id: str) -> dict[str, Counter[str]]:
    """The target's truth: per integration, the documents the run's ledger says it wrote."""
    held: dict[str, Counter[str]] = {}
    for entry in read_ledger(target, run_id):
        kind = (
            "created"
            if entry["before"] is None
            else "deleted"
            if entry["after"] is None
            else "updated"
        )
        held.setdefault(entry["integration"], Counter())[kind] += 1
    return held


@settings(max_examples=40, deadline=None)
@given(
    function=st.one_of(st.just(remote.APPLY_BATCH), st.sampled_from(FUNCTIONS)),
    occurrence=st.integers(1, 8),
    requests=st.integers(1, 30),
)
@example(remote.APPLY_BATCH, 2, 3)  # the reply lost, its retries too: read back, written
@example(remote.APPLY_BATCH, 2, 8)  # read back fails: unknown, then settled once it answers
@example(remote.APPLY_BATCH, 2, 30)  # down to the end: unknown, and the record not written
def test_what_a_run_reports_after_an_outage_is_what_the_target_holds(
    function: str, occurrence: int, requests: int
) -> None:
    fake = seeding_deployment(seed=0)
    local = LocalTarget(fake)
    GuardedSeeder(local).seed(V1, run("v1"))  # V2 then creates, updates and deletes
    app = Outage(
        make_wsgi_app(fake, admin_key=KEY),
        function=function,
        occurrence=occurrence,
        requests=requests,
    )
    target = RemoteTarget(
        "http://outage.test",
        Secret(KEY),
        transport=httpx.WSGITransport(app=app),
        sleep=lambda _: None,
        max_retries=2,
    )
    said: dict[int, list[str]] = {}
    seeder = GuardedSeeder(
        target,
        lock=LockSettings(ttl_seconds=60, wait_seconds=0),
        limits=LIMITS,
        progress=lambda number, _total, what: said.setdefault(number, []).append(what),
    )
    try:
        report = seeder.seed(V2, run("outage"))
    except ConvexError:  # only before the first batch was sent: then nothing was written
        assert written_by(local, "outage") == {}
        return
    held = written_by(local, "outage")
    assert seeder.outcome is None  # nothing here may look unhealthy
    for integration, result in report.results.items():
        if result.unknown:
            assert result.action == "failed" and "may or may not hold" in (result.message or "")
            continue
        counts = result.counts
        reported = Counter(created=counts.created, updated=counts.updated, deleted=counts.deleted)
        assert +reported == held.get(integration, Counter()), (integration, result)
    unknown = {i for i, r in report.results.items() if r.unknown}
    assert report.documents_written == sum(
        sum(c.values()) for i, c in held.items() if i not in unknown
    )
    batches = Counter(entry["batchId"] for entry in read_ledger(local, "outage"))
    for number, lines in said.items():  # the last word on each batch is the target's
        last = lines[-1].removeprefix("read back again: ")
        if last.startswith("written"):
            assert batches[f"outage/{number}"] > 0, lines
        elif not last.startswith("result unknown"):
            assert batches[f"outage/{number}"] == 0, lines
    record = local.query(remote.GET_RUN, {"runId": "outage"})
    if record is not None and record["status"] != "running":
        counts = record["counts"]
        tally = report.tally()
        assert {k: counts[k] for k in tally} == tally
        assert counts["documentsWritten"] == report.documents_written
        assert counts["convexCalls"] == seeder.target.calls
        assert record["status"] == ("failed" if tally["failed"] else "succeeded")
    assert invariant_problems(fake) == []
