"""Environment policies: which integrations (and which parts of them) an environment gets.

Rules, in the order they are applied; the first that rejects names itself in the reason:
1. `block` globs (block wins over allow);
2. `allow` globs;
3. the manifest's own `environments:` allow-list;
4. the manifest's `channel` must be one of the environment's `channels`, and the experimental
   channel also needs the `experimentalFeatures` flag on;
5. an action or trigger with `flag: <name>` is seeded only where that flag is on.

Strategies (how much of what the policy admits a run writes):
- full: every admitted integration; rows whose content no longer matches their checksum
  (edited by hand in the target) are rewritten;
- incremental: every admitted integration whose checksum changed; nothing else is read or written;
- selective: only the integrations `--integrations` names, or else those the policy's `allow`
  names literally (no glob); everything else is left as it is.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

Strategy = Literal["full", "incremental", "selective"]
STRATEGIES: tuple[Strategy, ...] = ("full", "incremental", "selective")
CHANNELS = ("stable", "beta", "experimental")
EXPERIMENTAL_FLAG = "experimentalFeatures"
KEYS = {"allow", "block", "channels", "flags", "strategy", "confirm", "db"}
SANDBOX_DB = ".seeding/sandbox.sqlite3"


@dataclass(frozen=True)
class EnvironmentPolicy:
    """What one environment admits, and how it is seeded."""

    name: str
    allow: tuple[str, ...] = ("*",)
    block: tuple[str, ...] = ()
    channels: tuple[str, ...] = CHANNELS
    flags: Mapping[str, bool] = field(default_factory=dict)
    strategy: Strategy = "incremental"
    confirm: bool = False  # seeding needs --confirm-production
    # Its own embedded store (relative to the project): the run ignores the Convex URL and
    # SEEDING_DB variables, which name real deployments, unless --convex-url is given.
    db: str | None = None

    def rejects(
        self, integration: str, channel: str, environments: Sequence[str] | None
    ) -> str | None:
        """Why this environment does not admit the integration, or None when it does."""
        for pattern in self.block:
            if fnmatch.fnmatchcase(integration, pattern):
                return f"blocked in {self.name} by '{pattern}'"
        if not any(fnmatch.fnmatchcase(integration, p) for p in self.allow):
            return f"not allowed in {self.name} (allow: {', '.join(self.allow)})"
        if environments is not None and self.name not in environments:
            return f"the manifest's environments ({', '.join(environments)}) exclude {self.name}"
        if channel not in self.channels:
            return f"channel {channel} is not allowed in {self.name} ({', '.join(self.channels)})"
        if channel == "experimental" and not self.flags.get(EXPERIMENTAL_FLAG, False):
            return f"channel experimental needs the {EXPERIMENTAL_FLAG} flag, off in {self.name}"
        return None

    def flag_on(self, name: str) -> bool:
        return bool(self.flags.get(name, False))

    def named(self) -> frozenset[str]:
        """Integrations `allow` names literally: what the selective strategy seeds."""
        return frozenset(p for p in self.allow if not any(c in p for c in "*?["))


DEFAULTS: dict[str, EnvironmentPolicy] = {
    "development": EnvironmentPolicy(
        "development", flags={EXPERIMENTAL_FLAG: True}, strategy="full"
    ),
    # Where untrusted manifests are checked and seeded first, with their health checks,
    # without touching a real environment (a reviewer's step before approving one).
    "sandbox": EnvironmentPolicy(
        "sandbox", flags={EXPERIMENTAL_FLAG: True}, strategy="full", db=SANDBOX_DB
    ),
    "staging": EnvironmentPolicy(
        "staging",
        allow=("wordpress", "stripe", "monday", "webhooks-core", "http-core"),
        block=("experimental-*",),
        channels=("stable", "beta"),
        flags={EXPERIMENTAL_FLAG: False},
        strategy="incremental",
    ),
    "production": EnvironmentPolicy(
        "production",
        allow=("wordpress", "stripe", "webhooks-core", "http-core"),
        block=("beta-*", "experimental-*"),
        channels=("stable",),
        flags={EXPERIMENTAL_FLAG: False},
        strategy="selective",
        confirm=True,
    ),
}


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigurationError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def parse_policy(name: str, table: object, base: EnvironmentPolicy | None) -> EnvironmentPolicy:
    """One `[tool.seeding_suite.environments.<name>]` table, over the default of that name."""
    where = f"[tool.seeding_suite.environments.{name}]"
    if not isinstance(table, dict):
        raise ConfigurationError(f"{where} must be a table")
    unknown = set(table) - KEYS
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
            f"expected {', '.join(sorted(KEYS))}"
        )
    changes: dict[str, Any] = {
        key: _strings(table[key], f"{where} {key}")
        for key in ("allow", "block", "channels")
        if key in table
    }
    bad = set(changes.get("channels", ())) - set(CHANNELS)
    if bad:
        raise ConfigurationError(
            f"{where} channels: unknown {', '.join(sorted(bad))}; expected {', '.join(CHANNELS)}"
        )
    flags = table.get("flags", {})
    if not isinstance(flags, dict) or not all(isinstance(v, bool) for v in flags.values()):
        raise ConfigurationError(f"{where} flags must map flag names to true or false")
    if "flags" in table:
        changes["flags"] = dict(flags)
    if "strategy" in table:
        if table["strategy"] not in STRATEGIES:
            raise ConfigurationError(
                f"{where} strategy must be one of {', '.join(STRATEGIES)}, "
                f"got {table['strategy']!r}"
            )
        changes["strategy"] = table["strategy"]
    if "db" in table:
        if not isinstance(table["db"], str) or not table["db"]:
            raise ConfigurationError(f"{where} db must be a path to an embedded store")
        changes["db"] = table["db"]
    if "confirm" in table:
        if not isinstance(table["confirm"], bool):
            raise ConfigurationError(f"{where} confirm must be true or false")
        changes["confirm"] = table["confirm"]
    return replace(base or EnvironmentPolicy(name), name=name, **changes)


def load_policies(rootdir: Path) -> dict[str, EnvironmentPolicy]:
    """The defaults, overridden or extended by `[tool.seeding_suite.environments]`.

    The table may instead be a string naming a TOML file (relative to the rootdir) whose
    top-level tables are the environments.
    """
    policies = dict(DEFAULTS)
    pyproject = rootdir / "pyproject.toml"
    if not pyproject.is_file():
        return policies
    tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    configured = tool.get("seeding_suite", {}).get("environments")
    if configured is None:
        return policies
    if isinstance(configured, str):
        path = rootdir / configured
        try:
            configured = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(f"environments file {configured}: {exc}") from exc
    if not isinstance(configured, dict):
        raise ConfigurationError("[tool.seeding_suite] environments must be a table or a file name")
    for name, table in configured.items():
        policies[name] = parse_policy(name, table, DEFAULTS.get(name))
    return policies


def select_policy(name: str, policies: Mapping[str, EnvironmentPolicy]) -> EnvironmentPolicy:
    try:
        return policies[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown environment {name!r}; configured: {', '.join(sorted(policies))}"
        ) from None
