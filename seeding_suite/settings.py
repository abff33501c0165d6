"""Settings of a run, from options and the environment; the only module that reads os.environ.

The Convex key is read from the environment only (never a command-line argument) and kept in a
`Secret`, whose repr and str are masked, so no report, log or traceback can print it.
"""

from __future__ import annotations

import getpass
import os
import subprocess
import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.client import Secret
from seeding_suite.errors import ConfigurationError
from seeding_suite.loading.yaml import LoadLimits

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

DEFAULT_DB = Path(".seeding/local.sqlite3")
DEFAULT_ROOTS = ("manifests",)
URL_VARS = ("SEEDING_CONVEX_URL", "CONVEX_SELF_HOSTED_URL")
KEY_VARS = ("CONVEX_DEPLOY_KEY", "CONVEX_SELF_HOSTED_ADMIN_KEY")


@dataclass(frozen=True)
class TargetSettings:
    """Where to seed: a Convex URL with its key, or the embedded store at `db`."""

    url: str | None = None
    key: Secret | None = field(default=None, repr=False)
    db: Path = DEFAULT_DB
    max_calls_per_second: float = 100.0  # the PRD's database-load limit
    timeout: float = 30.0

    @property
    def description(self) -> str:
        """The target as reports show it: a URL or a path, never the key."""
        return self.url if self.url is not None else str(self.db)


def target_settings(
    *,
    url: str | None,
    db: str | Path | None,
    rootdir: Path,
    env: Mapping[str, str] | None = None,
    own_db: str | None = None,
) -> TargetSettings:
    """Resolve the target: --convex-url, SEEDING_CONVEX_URL, CONVEX_SELF_HOSTED_URL; else `db`.

    `own_db` is an environment's own store (the sandbox's): unless `url` or `db` is given, it
    is the target, and the variables naming deployments (URL, SEEDING_DB) are not read.
    """
    env = os.environ if env is None else env
    if own_db is None:
        url = url or next((env[v] for v in URL_VARS if env.get(v)), None)
    db_path = Path(db or own_db or env.get("SEEDING_DB") or DEFAULT_DB)
    if not db_path.is_absolute():
        db_path = rootdir / db_path
    if url is None:
        return TargetSettings(db=db_path)
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"the Convex URL must start with http:// or https://, got {url!r}")
    key = next((env[v] for v in KEY_VARS if env.get(v)), None)
    if key is None:
        raise ConfigurationError(
            "seeding a Convex deployment needs a key in CONVEX_DEPLOY_KEY or "
            "CONVEX_SELF_HOSTED_ADMIN_KEY"
        )
    return TargetSettings(url=url.rstrip("/"), key=Secret(key), db=db_path)


def manifest_roots(rootdir: Path, override: Sequence[str] = ()) -> list[Path]:
    """Manifest roots: the option, else `[tool.seeding_suite] manifest_roots`, else manifests/.

    A root named by the option or the configuration must exist (ConfigurationError): a
    mistyped root is an empty catalog, and `--prune` would then empty the target. The default
    may be missing (a project that has no catalog yet collects nothing).
    """
    names: Sequence[str] = override
    if not names:
        pyproject = rootdir / "pyproject.toml"
        table: object = {}
        if pyproject.is_file():
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            table = data.get("tool", {}).get("seeding_suite", {})
        configured = table.get("manifest_roots") if isinstance(table, dict) else None
        if configured is not None and (
            not isinstance(configured, list) or not all(isinstance(r, str) for r in configured)
        ):
            raise ConfigurationError("[tool.seeding_suite] manifest_roots must be a list of paths")
        names = configured or DEFAULT_ROOTS
    roots = [(rootdir / name).resolve() for name in names]
    if names is not DEFAULT_ROOTS:
        missing = [name for name, root in zip(names, roots, strict=True) if not root.exists()]
        if missing:
            raise ConfigurationError(f"manifest root(s) not found: {', '.join(missing)}")
    return roots


MAX_MANIFEST_BYTES_INI = "seeding_max_manifest_bytes"


def manifest_limits(raw: object) -> LoadLimits:
    """What one manifest file may cost; `raw` is ini `seeding_max_manifest_bytes` (None: default).

    A manifest's size no longer has to fit one Convex document (the cache is split), so the
    file limit is the project's choice; the parse check's message names the value and the ini.
    """
    if raw is None or str(raw).strip() == "":
        return LoadLimits()
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigurationError(
            f"{MAX_MANIFEST_BYTES_INI} must be a whole number of bytes (1 or more), got {raw!r}"
        )
    return LoadLimits(max_bytes=value)


def pytest_ini(rootdir: Path, name: str) -> object:
    """An ini value from pyproject.toml's [tool.pytest.ini_options], for commands outside pytest."""
    pyproject = rootdir / "pyproject.toml"
    if not pyproject.is_file():
        return None
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    table = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    return table.get(name) if isinstance(table, dict) else None


def environment_name(option: str | None, env: Mapping[str, str] | None = None) -> str:
    """The environment to seed: --seed-env, else SEEDING_ENV, else development."""
    env = os.environ if env is None else env
    return option or env.get("SEEDING_ENV") or "development"


def production_confirmed(option: bool, env: Mapping[str, str] | None = None) -> bool:
    """--confirm-production, or SEEDING_CONFIRM_PRODUCTION=1."""
    env = os.environ if env is None else env
    return option or env.get("SEEDING_CONFIRM_PRODUCTION", "") in ("1", "true", "yes")


def new_run_id(now: datetime | None = None) -> str:
    """Time-sortable and unique: `20261126T142501Z-3f9c2a1b`."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def actor(env: Mapping[str, str] | None = None) -> str:
    """Who runs the seeder: SEEDING_ACTOR, the CI user, or the local user."""
    env = os.environ if env is None else env
    for var in ("SEEDING_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "USER"):
        if env.get(var):
            return env[var]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def git_commit(rootdir: Path, env: Mapping[str, str] | None = None) -> str | None:
    """The commit being seeded, from CI variables or `git rev-parse HEAD`; None when unknown."""
    env = os.environ if env is None else env
    for var in ("GITHUB_SHA", "CI_COMMIT_SHA"):
        if env.get(var):
            return env[var]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=rootdir,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
