"""Builds the plugin's per-Config objects from options, ini keys and the environment."""

from __future__ import annotations

import os

import pytest

from seeding_suite.catalog import Catalog
from seeding_suite.checks import CHECKS
from seeding_suite.checks.idempotency import IdempotencyCheck
from seeding_suite.errors import ConfigurationError
from seeding_suite.plugin.session import SeedingSession
from seeding_suite.plugin.stage import StageSettings
from seeding_suite.runner import CheckRunner
from seeding_suite.settings import manifest_roots, new_run_id, target_settings


def make_runner(config: pytest.Config) -> CheckRunner:
    """The checks of this process over the configured manifest roots."""
    try:
        roots = manifest_roots(config.rootpath, config.option.manifest_root)
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from exc
    examples = config.option.idempotency_examples or int(
        str(config.getini("seeding_idempotency_examples"))
    )
    checks = [IdempotencyCheck(examples) if c.name == "idempotency" else c for c in CHECKS]
    return CheckRunner(Catalog(roots, config.rootpath), checks)


def make_session(config: pytest.Config, runner: CheckRunner) -> SeedingSession:
    """The controller's (or plain run's) session, with the audit log path set by default."""
    run_id = new_run_id()
    if config.option.xmlpath is None:
        # DESIGN §8: one JUnit file per run under reports/, named so runs sort by time.
        config.option.xmlpath = str(config.rootpath / "reports" / f"seeding-{run_id}.xml")
    try:
        target = target_settings(
            url=config.option.convex_url,
            db=config.option.seeding_db or str(config.getini("seeding_db")) or None,
            rootdir=config.rootpath,
        )
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from exc
    settings = StageSettings(
        run_id=run_id,
        target=target,
        environment=config.option.seed_env or os.environ.get("SEEDING_ENV") or "development",
        integrations=config.option.integrations,
    )
    return SeedingSession(config, runner, settings)
