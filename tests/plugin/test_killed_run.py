"""Issue 12, item 8: a seeding run killed with SIGKILL. `seeding-suite runs` shows it
abandoned (with what its ledger holds) once its lease has expired, and the next run, waiting
for that lease, says whose it is, since when and until when, every few seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from typing import TYPE_CHECKING, Any

from seeding_suite.cli import main
from seeding_suite.engine.ledger import read_ledger
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.plugin.test_outage_audit import many_actions

if TYPE_CHECKING:
    import pytest

    from tests.support.project import Project

TTL_SECONDS = 12  # notices repeat every 5 s: the next run waits long enough to repeat one
SETTINGS = f"""
[tool.pytest.ini_options]
testpaths = ["manifests"]
junit_family = "xunit1"
seeding_lock_ttl = "{TTL_SECONDS}"
seeding_lock_wait = "60"
"""
HANG_AFTER_THE_FIRST_BATCH = textwrap.dedent(
    """
    import time

    from seeding_suite.plugin.session import SeedingSession

    original = SeedingSession._after_batch


    def after_batch(self, done, total, said):
        original(self, done, total, said)
        if done == 1:
            print("HANGING", flush=True)
            time.sleep(600)


    SeedingSession._after_batch = after_batch
    """
)


def pytest_process(project: Project) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--check-processes", "0"],
        cwd=project.pytester.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def runs_json(project: Project, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    db = str(project.pytester.path / ".seeding/local.sqlite3")
    assert main(["runs", "--json", "--db", db]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return rows


def test_a_killed_run_is_shown_abandoned_and_the_next_run_says_whom_it_waits_for(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.pytester.makefile(".toml", pyproject=SETTINGS)
    for mid in ("alpha", "beta", "gamma"):  # one batch each
        project.write(mid, many_actions(mid, 300))
    conftest = project.pytester.makeconftest(HANG_AFTER_THE_FIRST_BATCH)
    with pytest_process(project) as killed:
        assert killed.stdout is not None
        seen = []
        for line in killed.stdout:
            seen.append(line)
            if line.startswith("HANGING"):
                break
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
    assert "seed: batch 1/3 written\n" in seen, "".join(seen)
    (dead,) = runs_json(project, capsys)
    assert dead["status"] == "running"  # its lease has not expired yet

    conftest.unlink()
    with pytest_process(project) as following:
        output, _ = following.communicate(timeout=120)
    assert following.returncode == 0, output
    waits = [line for line in output.splitlines() if line.startswith("waiting for the lease")]
    assert len(waits) >= 2, output
    for line in waits:
        assert f"(run {dead['runId']}) since " in line and ", lease expires " in line, line

    runs = {run["runId"]: run for run in runs_json(project, capsys)}
    abandoned = runs[dead["runId"]]
    db = project.pytester.path / ".seeding/local.sqlite3"
    target = LocalTarget(seeding_deployment(db))
    try:
        entries = read_ledger(target, dead["runId"])
    finally:
        target.close()
    assert len(entries) > 0
    assert abandoned["status"] == "abandoned"
    assert abandoned["counts"]["documentsWritten"] == len(entries)
    assert abandoned["ledger"]["documentsCreated"] == len(entries)
    assert abandoned["ledger"]["integrations"] == len(Counter(e["integration"] for e in entries))
    assert [run["status"] for run in runs.values()].count("succeeded") == 1

    capsys.readouterr()
    assert main(["runs", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert (
        f"abandoned (its lease has expired; its ledger holds {len(entries)} write(s): "
        f"{len(entries)} created, 0 updated, 0 deleted, in 1 integration(s))"
    ) in text
