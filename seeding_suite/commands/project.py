"""The project a command runs in: its catalog and checks, configured as the plugin's are.

The plugin reads the same settings from pytest's config (seeding_suite.plugin.setup); here they
come from pyproject.toml in the current directory, so `validate` and a pytest run agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.checks import configured_checks
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.environments import load_policies, select_policy
from seeding_suite.errors import ConfigurationError
from seeding_suite.runner import CheckRunner
from seeding_suite.security.settings import load_security_settings
from seeding_suite.settings import (
    MAX_MANIFEST_BYTES_INI,
    environment_name,
    manifest_limits,
    pytest_ini,
)
from seeding_suite.signing.trust import TrustSettings
from seeding_suite.sources import load_sources

if TYPE_CHECKING:
    from collections.abc import Sequence

EXAMPLES_INI = "seeding_idempotency_examples"


def project_runner(
    paths: Sequence[Path] = (), *, seed_env: str | None = None, offline: bool = False
) -> CheckRunner:
    """The checks over the whole catalog (every source) plus `paths` (files or folders outside it).

    The catalog's roots are always part of it: a manifest's dependencies are judged against
    every catalog manifest, as in a pytest run, whichever files are being validated.
    """
    root = Path.cwd().resolve()
    policy = select_policy(environment_name(seed_env), load_policies(root))
    limits = manifest_limits(pytest_ini(root, MAX_MANIFEST_BYTES_INI))
    examples = _whole_number(pytest_ini(root, EXAMPLES_INI), EXAMPLES_INI)
    trust = TrustSettings.load(root)
    catalog = Catalog(
        [*load_sources(root), *paths],
        root,
        policy=policy,
        limits=limits,
        approvals=trust.approvals,
        on_conflict=trust.on_conflict,
        offline=offline,
    )
    return CheckRunner(
        catalog, configured_checks(examples, trust.publishers, load_security_settings(root))
    )


def _whole_number(raw: object, name: str) -> int:
    if raw is None:
        return 0
    text = str(raw).strip()
    if not text.isdigit():
        raise ConfigurationError(f"{name} must be a whole number (0 or more), got {raw!r}")
    return int(text)


def selected(runner: CheckRunner, paths: Sequence[Path]) -> list[Path]:
    """The catalog's files under `paths` (all of them without paths), in catalog order.

    A path that does not exist or holds no manifest is an error: a command never reports an
    empty run as clean.
    """
    files = runner.catalog.files()
    if not paths:
        if not files:
            shown = ", ".join(
                runner.catalog.display(r) + ("" if r.exists() else " (missing)")
                for r in runner.catalog.roots
            )
            raise ConfigurationError(f"no manifest in the catalog (manifest roots: {shown})")
        return files
    chosen: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise ConfigurationError(f"{path}: no such file or directory")
        here = path.resolve()
        found = [f for f in files if f == here or f.is_relative_to(here)]
        if not found:
            raise ConfigurationError(f"{path}: holds no manifest (a .yaml or .yml file)")
        chosen.update(dict.fromkeys(found))
    return list(chosen)
