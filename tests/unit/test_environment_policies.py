from __future__ import annotations

from pathlib import Path

import pytest

from seeding_suite.environments import DEFAULTS, EnvironmentPolicy, load_policies, select_policy
from seeding_suite.errors import ConfigurationError

PRODUCTION = DEFAULTS["production"]
STAGING = DEFAULTS["staging"]
DEVELOPMENT = DEFAULTS["development"]


@pytest.mark.parametrize(
    ("policy", "integration", "channel", "environments", "reason"),
    [
        (DEVELOPMENT, "experimental-openai", "experimental", None, None),
        (
            STAGING,
            "experimental-openai",
            "experimental",
            None,
            "blocked in staging by 'experimental-*'",
        ),
        (PRODUCTION, "beta-slack", "beta", None, "blocked in production by 'beta-*'"),
        (
            PRODUCTION,
            "monday",
            "stable",
            None,
            "not allowed in production (allow: wordpress, stripe, webhooks-core, http-core)",
        ),
        (PRODUCTION, "stripe", "stable", None, None),
        (
            PRODUCTION,
            "stripe",
            "stable",
            ["development", "staging"],
            "the manifest's environments (development, staging) exclude production",
        ),
        (PRODUCTION, "stripe", "beta", None, "channel beta is not allowed in production (stable)"),
        (STAGING, "stripe", "beta", None, None),
    ],
)
def test_each_rule_admits_or_names_itself(
    policy: EnvironmentPolicy,
    integration: str,
    channel: str,
    environments: list[str] | None,
    reason: str | None,
) -> None:
    assert policy.rejects(integration, channel, environments) == reason


def test_block_wins_over_allow() -> None:
    policy = EnvironmentPolicy("qa", allow=("beta-*",), block=("beta-slack",))
    assert policy.rejects("beta-slack", "stable", None) == "blocked in qa by 'beta-slack'"
    assert policy.rejects("beta-teams", "stable", None) is None


def test_experimental_channel_needs_the_flag() -> None:
    policy = EnvironmentPolicy("qa", flags={"experimentalFeatures": False})
    assert "needs the experimentalFeatures flag" in (
        policy.rejects("x", "experimental", None) or ""
    )


def test_selective_strategy_seeds_what_allow_names_literally() -> None:
    assert PRODUCTION.strategy == "selective"
    assert PRODUCTION.named() == {"wordpress", "stripe", "webhooks-core", "http-core"}
    assert EnvironmentPolicy("x", allow=("a", "b-*")).named() == {"a"}


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_pyproject_overrides_a_default_and_adds_an_environment(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        '[tool.seeding_suite.environments.staging]\nallow = ["*"]\n'
        '[tool.seeding_suite.environments.qa]\nstrategy = "full"\nflags = {betaUi = true}\n',
    )
    policies = load_policies(root)
    assert policies["staging"].allow == ("*",)
    assert policies["staging"].block == ("experimental-*",)  # the rest of the default stays
    assert policies["qa"].strategy == "full" and policies["qa"].flag_on("betaUi")
    assert policies["production"] == PRODUCTION


def test_policies_may_live_in_a_file_named_by_pyproject(tmp_path: Path) -> None:
    root = write(tmp_path, '[tool.seeding_suite]\nenvironments = "envs.toml"\n')
    (root / "envs.toml").write_text('[edge]\nallow = ["stripe"]\n', encoding="utf-8")
    assert load_policies(root)["edge"].allow == ("stripe",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.seeding_suite.environments.qa]\nallwo = ["*"]\n', "unknown key(s) allwo"),
        (
            '[tool.seeding_suite.environments.qa]\nstrategy = "fast"\n',
            "strategy must be one of full",
        ),
        ('[tool.seeding_suite.environments.qa]\nchannels = ["gold"]\n', "channels: unknown gold"),
        (
            '[tool.seeding_suite.environments.qa]\nflags = {x = "yes"}\n',
            "flags must map flag names",
        ),
        ('[tool.seeding_suite.environments.qa]\nallow = "stripe"\n', "allow must be a list"),
        ('[tool.seeding_suite]\nenvironments = "missing.toml"\n', "environments file missing.toml"),
    ],
)
def test_a_malformed_policy_is_a_clear_configuration_error(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_policies(write(tmp_path, text))


def test_an_unknown_environment_names_the_configured_ones() -> None:
    with pytest.raises(
        ConfigurationError, match="unknown environment 'prod'; configured: development"
    ):
        select_policy("prod", DEFAULTS)
