"""The Done-when simulation of issue 16: a platform (this driver) asks `evaluateIntegration`
and reports `recordIntegrationOutcome` against `seeding-suite serve`; `seeding-suite rollout
tick` moves the rollout through its steps on a clock the test moves (no hour of sleep), and a
variant whose error rate jumps is rolled back automatically, the audit log and `rollout
status` saying why."""

from __future__ import annotations

import itertools
import json
import random
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from fakes.convex import make_wsgi_app, serve
from seeding_suite import remote
from seeding_suite.cli import main
from seeding_suite.client import Secret
from seeding_suite.rollouts import clock
from seeding_suite.targets.local import seeding_deployment
from seeding_suite.targets.remote import RemoteTarget
from tests.support.guarded import MovableClock
from tests.support.project import Project, manifest
from tests.support.rollouts import ROLLOUT_BLOCK

if TYPE_CHECKING:
    from pathlib import Path

KEY = "convex-self-hosted|rollout-simulation"
WORKSPACES = [f"ws-{n:04}" for n in range(400)]


@dataclass
class Platform:
    """The platform's side: the served deployment, its clock, and the client it calls with."""

    url: str
    time: MovableClock
    client: RemoteTarget

    def seeded(self) -> None:
        """The seeding run stamps its record with the real time (its start is the first
        step's); the platform's clock goes on from after it, so the hold counts exactly."""
        self.time.now = max(self.time.now, time.time() * 1000.0)

    def evaluate(self, workspace: str) -> dict[str, object]:
        args = {"integration": "stripe", "subject": workspace, "environment": "staging"}
        answer = self.client.query(remote.EVALUATE_INTEGRATION, args)
        assert isinstance(answer, dict)
        return answer

    def traffic(
        self, requests: int, error_rates: dict[str, float], rng: random.Random
    ) -> dict[str, str | None]:
        """Every workspace asks once; the enabled ones send `requests` requests between them,
        each failing with its variant's error rate. Returns who got which variant."""
        answers = {w: self.evaluate(w) for w in WORKSPACES}
        enabled = [w for w, a in answers.items() if a["enabled"]]
        for n in range(requests):
            variant = answers[enabled[n % len(enabled)]]["variant"]
            assert isinstance(variant, str)
            ok = rng.random() >= error_rates[variant]
            args = {"integration": "stripe", "environment": "staging", "variant": variant}
            self.client.mutation(remote.RECORD_INTEGRATION_OUTCOME, {**args, "ok": ok})
        return {w: a["variant"] if a["enabled"] else None for w, a in answers.items()}  # type: ignore[misc]


@pytest.fixture
def platform(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Platform]:
    monkeypatch.setenv("CONVEX_SELF_HOSTED_ADMIN_KEY", KEY)
    moved = MovableClock(clock.now_ms())
    monkeypatch.setattr(clock, "now_ms", moved.now_ms)  # the CLI's time is the server's
    fake = seeding_deployment(tmp_path / "served.sqlite3", clock=moved)
    with serve(make_wsgi_app(fake, admin_key=KEY)) as running:
        client = RemoteTarget(running.url, Secret(KEY), sleep=lambda _: None, max_retries=3)
        yield Platform(running.url, moved, client)
        client.close()
    fake.close()


def tick(platform: Platform, capsys: pytest.CaptureFixture[str], code: int = 0) -> dict[str, str]:
    capsys.readouterr()
    assert main(["rollout", "tick", "--json", "--convex-url", platform.url]) == code
    line: dict[str, str] = json.loads(capsys.readouterr().out)
    return line


def status(platform: Platform, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["rollout", "status", "stripe", "--json", "--convex-url", platform.url]) == 0
    (shown,) = json.loads(capsys.readouterr().out)
    assert isinstance(shown, dict)
    return shown


def test_a_rollout_advances_on_healthy_traffic_and_a_failing_variant_rolls_it_back(
    project: Project, platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("stripe", manifest("stripe", "2.3.0", extra=ROLLOUT_BLOCK))
    seeded = project.run(f"--convex-url={platform.url}", "--seed-env=staging")
    assert seeded.props("seed", "stripe")["action"] == "created", seeded.result.stdout.str()
    platform.seeded()
    rng = random.Random(16)
    healthy = {"control": 0.01, "new-flow": 0.01}
    seen: list[dict[str, str | None]] = []
    for percent, following in ((5, 25), (25, 50)):
        seen.append(platform.traffic(300, healthy, rng))
        waiting = tick(platform, capsys)
        assert (waiting["action"], waiting["percent"]) == ("none", percent)
        assert waiting["reason"].startswith("hold: ")
        platform.time.advance(3601)
        moved = tick(platform, capsys)
        assert (moved["action"], moved["to"]) == ("advanced", following)
        assert status(platform, capsys)["percent"] == following
    # Raising the percent only added workspaces, and none changed its variant.
    for before, after in itertools.pairwise(seen):
        assert all(after[w] == v for w, v in before.items() if v is not None)
    assert sum(v is not None for v in seen[-1].values()) > sum(
        v is not None for v in seen[0].values()
    )

    jumped = {"control": 0.01, "new-flow": 0.35}  # the new flow breaks at 50%
    platform.traffic(600, jumped, rng)  # each variant needs its min_requests
    platform.time.advance(600)  # inside the hold: a failing gate does not wait for it
    back = tick(platform, capsys, code=1)
    assert back["action"] == "rolled_back"
    assert back["reason"].startswith("gate failed at 50%: variant new-flow: error rate ")
    assert "is above the gate's 5.0%" in back["reason"]
    case = ET.parse(back["auditLog"]).getroot().find("testcase")
    assert case is not None and case.get("name") == "stripe@staging"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == back["reason"]
    shown = status(platform, capsys)
    assert (shown["status"], shown["percent"], shown["reason"]) == (
        "rolled_back",
        0,
        back["reason"],
    )
    assert {platform.evaluate(w)["reason"] for w in WORKSPACES[:20]} == {"DISABLED"}
    assert not any(platform.evaluate(w)["enabled"] for w in WORKSPACES[:20])
    assert tick(platform, capsys)["action"] == "none"  # rolled back stays rolled back


def test_a_healthy_rollout_runs_through_every_step_to_completed(
    project: Project, platform: Platform, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("stripe", manifest("stripe", "2.3.0", extra=ROLLOUT_BLOCK))
    assert project.run(f"--convex-url={platform.url}", "--seed-env=staging").result.ret == 0
    platform.seeded()
    rng = random.Random(7)
    for expected in ("advanced", "advanced", "advanced", "completed"):
        platform.traffic(220, {"control": 0.0, "new-flow": 0.02}, rng)
        platform.time.advance(3601)
        assert tick(platform, capsys)["action"] == expected
    shown = status(platform, capsys)
    assert (shown["status"], shown["percent"]) == ("completed", 100)
    assert all(platform.evaluate(w)["enabled"] for w in WORKSPACES[:50])
