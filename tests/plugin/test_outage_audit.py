"""Issue 12, item 7 through pytest: a server outage in the middle of the seed stage. The
terminal, the JUnit file and the run record agree with each other and with what the target
holds; a batch is said written only once the target has said so."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import pytest

from fakes.convex import FakeConvex, Outage, make_wsgi_app, serve
from seeding_suite import remote
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.project import Project, manifest
from tests.support.served import CANARY

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


def many_actions(mid: str, count: int) -> str:
    """A valid manifest with `count` actions: about `count` documents, so a batch or more."""
    actions = "".join(
        f"  - id: act-{n}\n    name: Action {n}\n    connection: api-key\n" for n in range(count)
    )
    head = manifest(mid).split("actions:\n", 1)[0]
    return f"{head}actions:\n{actions}"


@pytest.fixture
def outage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FakeConvex]]:
    """A served target that goes away at the second batch: the batch commits, its reply is
    lost, and the server answers nothing for 12 requests (its retries, the read-back's)."""
    monkeypatch.setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", CANARY)
    fake = seeding_deployment(tmp_path / "served.sqlite3")
    app = Outage(
        make_wsgi_app(fake, admin_key=CANARY),
        function=remote.APPLY_BATCH,
        occurrence=2,
        requests=12,
    )
    with serve(app) as running:
        yield running.url, fake
    fake.close()


def test_an_outage_mid_run_is_reported_as_the_target_holds_it(
    project: Project, outage: tuple[str, FakeConvex]
) -> None:
    url, fake = outage
    for mid in ("alpha", "beta", "gamma"):  # about 300 documents each: one batch each
        project.write(mid, many_actions(mid, 300))
    project.write("broken", manifest("broken", connection="nope"))  # skipped before seeding
    run = project.run(f"--convex-url={url}")
    out = run.result.stdout
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED, out.str()
    out.fnmatch_lines(
        [
            "seed: batch 1/3 written",
            "seed: batch 2/3 result unknown: sent, no reply, and the target could not be *",
            "seed: batch 2/3 read back again: written (its reply was lost; read back from *",
        ]
    )
    assert not any(line.startswith("seed: batch 3/3") for line in out.lines)

    local = LocalTarget(fake)
    suite = run.suite_props()
    assert suite["notes"] == "the target stopped answering at batch 2/3"
    held = Counter(entry["integration"] for entry in read_ledger(local, suite["run_id"]))
    props = run.seed_cases()
    assert {i: p["action"] for i, p in props.items()} == {
        "alpha": "created",
        "beta": "created",
        "gamma": "failed",
        "broken": "skipped",
    }
    for integration in ("alpha", "beta", "gamma"):
        assert int(props[integration]["documents_created"]) == held[integration]
    assert "batch 3/3 was not sent: the target stopped answering at batch 2/3" in (
        run.cases("seed")["gamma"].find("failure").get("message")  # type: ignore[union-attr]
    )
    written = sum(held.values())
    summary = re.search(r"seed: (.*) Convex calls", out.str())
    assert summary is not None
    assert summary.group(1).startswith(
        f"2 created, 0 updated, 0 unchanged, 0 reseeded, 0 deleted, 1 skipped, 1 failed; "
        f"{written} documents written, "
    )
    terminal_calls = summary.group(1).rsplit(" ", 1)[-1]

    record = local.query(remote.GET_RUN, {"runId": suite["run_id"]})
    counts = record["counts"]
    assert record["status"] == "failed"
    for name in ("created", "updated", "unchanged", "reseeded", "deleted", "skipped", "failed"):
        assert str(int(counts[name])) == suite[name], name
    assert int(counts["documentsWritten"]) == written == int(suite["documents_written"])
    assert str(int(counts["convexCalls"])) == suite["convex_calls"] == terminal_calls

    again = project.run(f"--convex-url={url}")
    assert {i: p["action"] for i, p in again.seed_cases().items()} == {
        "alpha": "unchanged",
        "beta": "unchanged",
        "gamma": "created",
        "broken": "skipped",
    }
