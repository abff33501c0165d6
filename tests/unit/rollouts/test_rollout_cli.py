"""`seeding-suite rollout ...` on the embedded target: output, refusals, exit codes, runs in
the ledger that `seeding-suite rollback` undoes, and the audit log of each move."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import pytest

from fakes.convex import SystemClock
from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.rollouts import clock
from seeding_suite.rollouts.bucketing import bucket, variant_of
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.guarded import MovableClock
from tests.support.rollouts import rollout_manifest, seed

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def moved(monkeypatch: pytest.MonkeyPatch) -> MovableClock:
    """One clock for the commands and the embedded deployment (counters, leases), moved by
    the test instead of sleeping through holds."""
    time = MovableClock(clock.now_ms())
    monkeypatch.setattr(clock, "now_ms", time.now_ms)
    monkeypatch.setattr(SystemClock, "now_ms", lambda _: time.now_ms())
    return time


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moved: MovableClock) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "local.sqlite3"
    target = LocalTarget(seeding_deployment(path))
    seed(target, rollout_manifest(), "run-1")
    target.close()
    # The seeding run stamped its record with the real time (the first step's start): the
    # moved clock goes on from after it.
    moved.now = max(moved.now, time.time() * 1000.0)
    return path


def outcomes(db: Path, variant: str | None, requests: int, errors: int) -> None:
    target = LocalTarget(seeding_deployment(db))
    try:
        for n in range(requests):
            args = {"integration": "stripe", "environment": "production", "variant": variant}
            target.mutation(remote.RECORD_INTEGRATION_OUTCOME, {**args, "ok": n >= errors})
    finally:
        target.close()


def cli(capsys: pytest.CaptureFixture[str], db: Path, *argv: str, code: int = 0) -> str:
    capsys.readouterr()
    assert main(["rollout", *argv, "--db", str(db)]) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


def status(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, object]:
    (shown,) = json.loads(cli(capsys, db, "status", "--json"))
    assert isinstance(shown, dict)
    return shown


def test_status_shows_step_percent_variants_and_the_window(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcomes(db, "control", 30, 1)
    shown = status(capsys, db)
    assert (shown["status"], shown["step"], shown["percent"], shown["steps"]) == (
        "active",
        1,
        5,
        [5, 25, 50, 100],
    )
    assert shown["variants"] == [
        {"name": "control", "weight": 500},
        {"name": "new-flow", "weight": 500},
    ]
    assert shown["window"]["variants"] == [  # type: ignore[index]
        {"variant": "control", "requests": 30, "errors": 1, "errorRate": round(1 / 30, 6)}
    ]
    text = cli(capsys, db, "status", "stripe")
    assert "stripe@production  active  5%  step 1/4 of 5%, 25%, 50%, 100%" in text
    assert "control: 30 requests, 1 errors (3.3%)" in text
    assert "next: wait (hold: " in text
    assert "has no rollout 'nope' (held: stripe@production)" in cli(
        capsys, db, "status", "nope", code=2
    )


def test_evaluate_prints_one_json_line_per_subject_as_the_function_answers(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "subjects.txt"
    listed.write_text("ws-4\r\nwörkspace-ü\n\n", encoding="utf-8")
    lines = cli(
        capsys, db, "evaluate", "stripe", "--subject", "ws-7", "--subjects-from", str(listed)
    )
    answers = [json.loads(line) for line in lines.splitlines()]
    assert [a["subject"] for a in answers] == ["ws-7", "ws-4", "wörkspace-ü"]
    target = LocalTarget(seeding_deployment(db))
    for answer in answers:
        args = {"integration": "stripe", "subject": answer["subject"], "environment": "production"}
        from_function = target.query(remote.EVALUATE_INTEGRATION, args)
        assert {k: answer[k] for k in ("enabled", "variant", "reason")} == from_function
        assert answer["bucket"] == bucket("stripe", answer["subject"])
        in_rollout = answer["bucket"] <= 5
        assert answer["enabled"] == in_rollout
        expected = variant_of("stripe", answer["subject"], [("control", 500), ("new-flow", 500)])
        assert answer["variant"] == (expected if in_rollout else None)
    target.close()
    assert "name a subject" in cli(capsys, db, "evaluate", "stripe", code=2)


def test_advance_refuses_on_hold_and_gates_then_force_is_recorded(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], moved: MovableClock
) -> None:
    assert "advance refused: hold: " in cli(capsys, db, "advance", "stripe", code=1)
    moved.advance(2 * 3600)
    said = cli(capsys, db, "advance", "stripe", code=1)
    assert "advance refused: gates: 0 of the 200 requests the gates need so far" in said
    forced = json.loads(cli(capsys, db, "advance", "stripe", "--force", "--json"))
    assert (forced["action"], forced["from"], forced["to"], forced["forced"]) == (
        "advanced",
        5,
        25,
        True,
    )
    assert "forced past: gates: 0 of the 200 requests" in forced["reason"]
    case = ET.parse(forced["auditLog"]).getroot().find("testcase")
    assert case is not None and case.get("name") == "stripe@production"
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert (props["action"], props["forced"], props["to_percent"]) == ("advanced", "true", "25")
    runs = json.loads(_runs(capsys, db))
    assert runs[0]["runId"] == forced["runId"] and "(forced)" in runs[0]["reason"]


def _runs(capsys: pytest.CaptureFixture[str], db: Path) -> str:
    capsys.readouterr()
    assert main(["runs", "--json", "--db", str(db)]) == 0
    return capsys.readouterr().out


def test_pause_resume_rollback_are_runs_that_seeding_suite_rollback_undoes(
    db: Path, capsys: pytest.CaptureFixture[str], moved: MovableClock
) -> None:
    moved.advance(60)  # runs are ordered by their start: after the seeding run's
    paused = json.loads(cli(capsys, db, "pause", "stripe", "--json"))
    moved.advance(60)
    assert status(capsys, db)["status"] == "paused"
    assert "cannot pause a rollout that is paused" in cli(capsys, db, "pause", "stripe", code=1)
    assert "cannot advance a rollout that is paused" in cli(capsys, db, "advance", "stripe", code=1)
    cli(capsys, db, "resume", "stripe")
    moved.advance(60)
    back = json.loads(cli(capsys, db, "rollback", "stripe", "--reason", "bad", "--json"))
    assert (back["action"], back["to"]) == ("rolled_back", 0)
    shown = status(capsys, db)
    assert (shown["status"], shown["percent"], shown["reason"]) == ("rolled_back", 0, "bad")
    target = LocalTarget(seeding_deployment(db))
    args = {"integration": "stripe", "subject": "ws-4", "environment": "production"}
    assert target.query(remote.EVALUATE_INTEGRATION, args)["reason"] == "DISABLED"
    target.close()
    capsys.readouterr()
    assert main(["rollback", back["runId"], "--db", str(db)]) == 0
    assert status(capsys, db)["status"] == "active"
    capsys.readouterr()
    assert main(["rollback", "--to", paused["runId"], "--db", str(db)]) == 0
    assert status(capsys, db)["status"] == "paused"


def test_tick_advances_when_hold_and_gates_pass_and_rolls_back_a_failing_variant(
    db: Path, capsys: pytest.CaptureFixture[str], moved: MovableClock
) -> None:
    lines = cli(capsys, db, "tick", "--json")
    assert json.loads(lines)["action"] == "none"
    outcomes(db, "control", 150, 1)
    outcomes(db, "new-flow", 150, 2)
    moved.advance(3600)
    ahead = json.loads(cli(capsys, db, "tick", "--json"))
    assert (ahead["action"], ahead["to"]) == ("advanced", 25)
    outcomes(db, "control", 200, 0)
    outcomes(db, "new-flow", 200, 30)
    back = json.loads(cli(capsys, db, "tick", "--json", code=1))
    assert back["action"] == "rolled_back"
    assert "variant new-flow: error rate 15.0% (30 of 200 requests)" in back["reason"]
    failure = ET.parse(back["auditLog"]).getroot().find("testcase/failure")
    assert failure is not None and "variant new-flow" in str(failure.get("message"))
    assert "variant new-flow: error rate 15.0%" in str(status(capsys, db)["reason"])
    assert json.loads(cli(capsys, db, "tick", "--json"))["action"] == "none"
