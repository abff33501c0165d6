"""The ReDoS judge against a reference: recheck, which reads patterns as ECMA-262 engines do.

Real-world patterns (tests/security/redos/patterns.txt): both judges agree on every line, the
safe ones included. Generated patterns: every one recheck finds exponential, ours flags too
(ours may flag more: it errs towards asking for an unambiguous pattern).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from seeding_suite.security.rules.resources import backtracking
from tests.security.redos.generate import patterns

HERE = Path(__file__).parent / "redos"
ROOT = Path(__file__).parents[2]
JUDGE = HERE / "recheck_judge.mjs"

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (ROOT / "node_modules" / "recheck").is_dir(),
        reason="the npm package recheck is not installed (make node_modules/.installed)",
    ),
]


def recheck(patterns: list[str]) -> dict[str, str]:
    """recheck's complexity for each pattern (`exponential`, `polynomial`, `linear`, `safe`)."""
    done = subprocess.run(
        ["node", str(JUDGE)],
        input=json.dumps(patterns),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    return dict(zip(patterns, json.loads(done.stdout), strict=True))


def corpus() -> list[str]:
    lines = (HERE / "patterns.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def test_real_world_patterns_are_judged_as_recheck_judges_them() -> None:
    verdicts = recheck(corpus())
    assert "exponential" in verdicts.values() and "linear" in verdicts.values()
    disagree = {
        pattern: (verdict, backtracking(pattern))
        for pattern, verdict in verdicts.items()
        if (verdict == "exponential") != (backtracking(pattern) is not None)
    }
    assert disagree == {}


def test_every_generated_pattern_recheck_finds_exponential_is_flagged() -> None:
    verdicts = recheck(patterns(seed=2026, count=200))
    exponential = [p for p, verdict in verdicts.items() if verdict == "exponential"]
    assert len(exponential) > 20  # the generator does make catastrophic shapes
    missed = [p for p in exponential if backtracking(p) is None]
    assert missed == []
