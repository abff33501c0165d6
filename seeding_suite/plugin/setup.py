"""Builds the plugin's per-Config objects from options, ini keys and the environment.

Every bad setting (unknown environment, malformed policy, missing key) becomes a
pytest.UsageError here: one clear line at start-up, never a traceback mid-run.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from seeding_suite.cache import DIRECTORY as CACHE_DIRECTORY
from seeding_suite.cache import ResultCache
from seeding_suite.checks import configured_checks
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.health import HealthSettings, load_health_checks
from seeding_suite.engine.lock import LockSettings
from seeding_suite.environments import EnvironmentPolicy, load_policies, select_policy
from seeding_suite.errors import ConfigurationError
from seeding_suite.plugin import audit_log
from seeding_suite.plugin.session import SeedingSession
from seeding_suite.plugin.stage import StageSettings
from seeding_suite.runner import CheckRunner
from seeding_suite.security.settings import load_security_settings
from seeding_suite.settings import (
    MAX_MANIFEST_BYTES_INI,
    environment_name,
    manifest_limits,
    new_run_id,
    production_confirmed,
    target_settings,
)
from seeding_suite.signing.trust import TrustSettings
from seeding_suite.sources import load_sources


def _policy(config: pytest.Config) -> EnvironmentPolicy:
    policies = load_policies(config.rootpath)
    return select_policy(environment_name(config.option.seed_env), policies)


def _number(config: pytest.Config, ini: str) -> float:
    raw = str(config.getini(ini))
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise ConfigurationError(f"{ini} must be a number (0 or more), got {raw!r}")
    return value


def make_runner(config: pytest.Config) -> CheckRunner:
    """The checks of this process over the configured manifest roots, for one environment."""
    rootdir = config.rootpath
    try:
        sources = load_sources(rootdir, config.option.manifest_root)
        trust = TrustSettings.load(rootdir)
        policy = _policy(config)
        limits = manifest_limits(config.getini(MAX_MANIFEST_BYTES_INI))
        security = load_security_settings(config.rootpath)
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from exc
    examples = config.option.idempotency_examples
    if examples is None:
        examples = int(str(config.getini("seeding_idempotency_examples")))
    checks = configured_checks(examples, trust.publishers, security)
    cache = None
    if config.getini("seeding_check_cache") and not config.option.no_check_cache:
        worker = getattr(config, "workerinput", {}).get("workerid", "main")
        cache = ResultCache(config.rootpath / CACHE_DIRECTORY, worker)
    catalog = Catalog(
        sources,
        rootdir,
        policy=policy,
        cache=cache,
        limits=limits,
        approvals=trust.approvals,
        on_conflict=trust.on_conflict,
        offline=config.option.offline,
    )
    return CheckRunner(catalog, checks, cache)


def make_session(config: pytest.Config, runner: CheckRunner) -> SeedingSession:
    """The controller's (or plain run's) session, with the audit log path set by default."""
    run_id = new_run_id()
    option = config.option
    if option.plan_json and not option.plan:
        raise pytest.UsageError("--plan-json needs --plan")
    if option.apply_plan and option.plan:
        raise pytest.UsageError("--apply-plan applies a plan; it cannot be combined with --plan")
    try:
        policy = _policy(config)
        # The sandbox's own store is not the project's seeding_db: only the option moves it.
        configured_db = None if policy.db else str(config.getini("seeding_db")) or None
        target = target_settings(
            url=option.convex_url,
            db=option.seeding_db or configured_db,
            rootdir=config.rootpath,
            own_db=policy.db,
        )
        target = replace(
            target,
            max_calls_per_second=option.convex_rate or _number(config, "seeding_convex_rate"),
            timeout=_number(config, "seeding_convex_timeout"),
        )
        checks = load_health_checks(config.getini("seeding_health_checks"))
        wait = (
            option.lock_wait
            if option.lock_wait is not None
            else _number(config, "seeding_lock_wait")
        )
        lock = LockSettings(ttl_seconds=_number(config, "seeding_lock_ttl"), wait_seconds=wait)
        keep = audit_log.keep_setting(config.getini(audit_log.KEEP_INI))
    except ConfigurationError as exc:
        raise pytest.UsageError(str(exc)) from exc
    settings = StageSettings(
        run_id=run_id,
        target=target,
        policy=policy,
        integrations=option.integrations,
        confirmed=production_confirmed(option.confirm_production),
        allow_downgrade=option.allow_downgrade,
        force=option.force,
        prune=option.prune or option.prune_all,
        prune_all=option.prune_all,
        plan=option.plan,
        verbose=config.get_verbosity() > 0,
        plan_json=Path(option.plan_json) if option.plan_json else None,
        apply_plan=Path(option.apply_plan) if option.apply_plan else None,
        lock=lock,
        health=HealthSettings(enabled=not option.no_health_checks, checks=checks),
    )
    session = SeedingSession(config, runner, settings)
    if option.xmlpath is None and session.seed_wanted and not option.plan:
        # DESIGN §8: a run that seeds is audited in reports/ (see plugin/audit_log.py); one
        # that selects no seed item after all drops it (SeedingSession.select_seeds).
        path = audit_log.default_path(config.rootpath, run_id)
        option.xmlpath = str(path)
        session.audit_log = path
        config.add_cleanup(lambda: audit_log.prune(path.parent, keep, path))
    return session
