"""The manifest's `rollout:` block: what it accepts, and each refusal named by field and line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError

from seeding_suite.cli import main
from seeding_suite.model import Manifest
from seeding_suite.rollouts.block import duration_seconds
from tests.support.rollouts import rollout_manifest

if TYPE_CHECKING:
    from pathlib import Path


def refusal(**block: Any) -> str:
    with pytest.raises(ValidationError) as info:
        rollout_manifest(**block)
    return str(info.value)


def test_a_full_block_is_accepted_and_defaults_fill_in() -> None:
    manifest = rollout_manifest(stickiness=None, hold="1h30m")
    assert manifest.rollout is not None
    assert manifest.rollout.stickiness == "subject"
    assert manifest.rollout.group is None
    assert manifest.rollout.hold_seconds == 5400
    plain = Manifest.model_validate(
        {"manifest_version": 1, "id": "stripe", "name": "Stripe", "version": "1.0.0"}
    )
    assert plain.rollout is None  # format version 1 without the block stays valid


@pytest.mark.parametrize(
    ("block", "said"),
    [
        ({"steps": [5, 25, 25, 100]}, "steps must increase strictly, but 25 follows 25"),
        ({"steps": [50, 20]}, "but 20 follows 50"),
        ({"steps": [0, 50]}, "greater than or equal to 1"),
        ({"steps": [50, 101]}, "less than or equal to 100"),
        ({"steps": []}, "at least 1 item"),
        ({"steps": ["5", "25"]}, "valid integer"),
        ({"hold": "1x"}, "rollout.hold"),
        ({"hold": "91d"}, "longer than 90 days"),
        ({"hold": 3600}, "valid string"),
        ({"variants": [{"name": "a", "weight": 500}, {"name": "b", "weight": 400}]}, "sum to 900"),
        ({"variants": [{"name": "a", "weight": 500}, {"name": "a", "weight": 500}]}, "twice"),
        ({"variants": [{"name": "a", "weight": 0}, {"name": "b", "weight": 1000}]}, "weight"),
        ({"variants": []}, "at least 1 item"),
        ({"gates": {"max_error_rate": 1.5, "min_requests": 200}}, "max_error_rate"),
        ({"gates": {"max_error_rate": 0.02}}, "min_requests"),
        ({"gates": {"max_error_rate": 0.02, "min_requests": 200, "window": 5}}, "window"),
        ({"environments": ["production", "production"]}, "listed twice"),
        ({"environments": ["Prod"]}, "environments"),
        ({"stickiness": "workspace id"}, "stickiness"),
        ({"percent": 5}, "percent"),
    ],
)
def test_a_bad_block_is_refused_naming_the_field(block: dict[str, Any], said: str) -> None:
    assert said in refusal(**block)


def test_rollout_environments_must_be_where_the_integration_is_seeded() -> None:
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(
            {
                "manifest_version": 1,
                "id": "stripe",
                "name": "Stripe",
                "version": "1.0.0",
                "environments": ["staging"],
                "rollout": {"steps": [10, 100], "environments": ["production"]},
            }
        )
    assert "'production', where this integration is not seeded (environments: staging)" in str(
        info.value
    )


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("90m", 5400), ("1h30m", 5400), ("2d", 172_800)]
)
def test_durations(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


def test_validate_names_file_line_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "stripe.yaml").write_text(
        "manifest_version: 1\nid: stripe\nname: Stripe\nversion: 1.0.0\n"
        "rollout:\n  steps: [5, 25, 20]\n  variants:\n    - {name: a, weight: 600}\n"
        "    - {name: b, weight: 600}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "manifests/stripe.yaml:6:10: rollout.steps: steps must increase strictly" in out
    assert "manifests/stripe.yaml:8:5: rollout.variants: variant weights must sum to 1000" in out


def test_rollout_environments_must_be_environments_of_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "stripe.yaml").write_text(
        "manifest_version: 1\nid: stripe\nname: Stripe\nversion: 1.0.0\n"
        "rollout:\n  steps: [5, 100]\n  environments: [staging, canary]\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 1
    assert (
        "manifests/stripe.yaml:7:27: rollout.environments[1]: 'canary' is not an environment "
        "of this project (known: development, production, sandbox, staging)"
    ) in capsys.readouterr().out
    (tmp_path / "pyproject.toml").write_text(
        '[tool.seeding_suite.environments.canary]\nallow = ["*"]\n', encoding="utf-8"
    )
    assert main(["validate"]) == 0, capsys.readouterr().out
