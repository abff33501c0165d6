"""Settings: the target from options and environment; the key only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeding_suite.errors import ConfigurationError
from seeding_suite.settings import (
    environment_name,
    production_confirmed,
    target_settings,
)
from seeding_suite.targets.open import open_target
from seeding_suite.targets.remote import RemoteTarget

ROOT = Path("/project")


def test_the_embedded_store_is_the_default_relative_to_the_rootdir() -> None:
    settings = target_settings(url=None, db=None, rootdir=ROOT, env={})
    assert settings.url is None and settings.db == ROOT / ".seeding/local.sqlite3"
    assert (
        target_settings(url=None, db=None, rootdir=ROOT, env={"SEEDING_DB": "x.db"}).db
        == ROOT / "x.db"
    )


def test_the_url_comes_from_the_option_then_the_environment_in_order() -> None:
    env = {
        "CONVEX_SELF_HOSTED_URL": "http://b",
        "SEEDING_CONVEX_URL": "http://a",
        "CONVEX_DEPLOY_KEY": "k",
    }
    assert target_settings(url="https://c/", db=None, rootdir=ROOT, env=env).url == "https://c"
    assert target_settings(url=None, db=None, rootdir=ROOT, env=env).url == "http://a"
    del env["SEEDING_CONVEX_URL"]
    assert target_settings(url=None, db=None, rootdir=ROOT, env=env).url == "http://b"


def test_the_key_comes_only_from_the_environment_and_never_shows() -> None:
    env = {"CONVEX_DEPLOY_KEY": "prod:x|SECRETSECRET", "CONVEX_SELF_HOSTED_ADMIN_KEY": "other"}
    settings = target_settings(url="https://x.convex.cloud", db=None, rootdir=ROOT, env=env)
    assert settings.key is not None and settings.key.reveal() == "prod:x|SECRETSECRET"
    assert "SECRET" not in repr(settings) + str(settings) + settings.description
    with pytest.raises(ConfigurationError, match="needs a key in CONVEX_DEPLOY_KEY"):
        target_settings(url="https://x.convex.cloud", db=None, rootdir=ROOT, env={})


def test_the_call_rate_reaches_the_http_client() -> None:
    env = {"CONVEX_DEPLOY_KEY": "k"}
    settings = target_settings(url="https://x.convex.cloud", db=None, rootdir=ROOT, env=env)
    from dataclasses import replace

    target = open_target(replace(settings, max_calls_per_second=4.0))
    assert isinstance(target, RemoteTarget)
    assert target.client._limiter._interval == pytest.approx(0.25)
    target.close()


def test_environment_and_production_confirmation_from_options_or_variables() -> None:
    assert environment_name(None, {}) == "development"
    assert environment_name(None, {"SEEDING_ENV": "staging"}) == "staging"
    assert environment_name("production", {"SEEDING_ENV": "staging"}) == "production"
    assert production_confirmed(False, {"SEEDING_CONFIRM_PRODUCTION": "1"})
    assert not production_confirmed(False, {"SEEDING_CONFIRM_PRODUCTION": "0"})
    assert production_confirmed(True, {})


def test_an_environment_with_its_own_store_ignores_the_variables_naming_deployments(
    tmp_path: Path,
) -> None:
    env = {
        "SEEDING_CONVEX_URL": "https://prod.example",
        "CONVEX_DEPLOY_KEY": "prod-key",
        "SEEDING_DB": "/elsewhere.sqlite3",
    }
    own = ".seeding/sandbox.sqlite3"
    isolated = target_settings(url=None, db=None, rootdir=tmp_path, env=env, own_db=own)
    assert (isolated.url, isolated.db) == (None, tmp_path / own)
    moved = target_settings(url=None, db="review.sqlite3", rootdir=tmp_path, env=env, own_db=own)
    assert moved.db == tmp_path / "review.sqlite3"
    assert (
        target_settings(url=None, db=None, rootdir=tmp_path, env=env).url
        == env["SEEDING_CONVEX_URL"]
    )
