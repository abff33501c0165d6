"""`[[tool.seeding_suite.sources]]`: where manifests come from, and how far each source is trusted.

The existing `manifest_roots` stay valid: each is an official folder source. Reading is strict
(an unknown key, a duplicate name or a bad kind is a ConfigurationError that suggests the
closest valid word): a typo'd source must not quietly drop a catalog or trust one too much.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

from seeding_suite.errors import ConfigurationError
from seeding_suite.settings import manifest_roots

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

Trust = Literal["official", "community"]
TRUSTS: tuple[Trust, ...] = get_args(Trust)
OnConflict = Literal["fail", "official-wins", "highest-version"]
ON_CONFLICT: tuple[OnConflict, ...] = get_args(OnConflict)
# Where a source may seed when its table names no `environments` (None: everywhere). An
# approval (seeding_suite.sources.approvals) lets one manifest seed outside these.
DEFAULT_ENVIRONMENTS: dict[Trust, tuple[str, ...] | None] = {
    "official": None,
    "community": ("development", "sandbox"),
}
COMMON_KEYS = frozenset({"name", "kind", "trust", "environments", "allowed_hosts"})
# The keys of each kind beside the common ones: a kind is added here and in SOURCE_KINDS.
KIND_KEYS: dict[str, frozenset[str]] = {
    "folder": frozenset({"path"}),
    "registry": frozenset({"url", "root"}),
}
TABLE = "[[tool.seeding_suite.sources]]"


@dataclass(frozen=True)
class SourceConfig:
    """One configured source. Paths are absolute (resolved against the project's rootdir).

    `environments` is what the table says (None: the trust's default, DEFAULT_ENVIRONMENTS).
    """

    name: str
    kind: str
    trust: Trust
    environments: tuple[str, ...] | None = None
    path: Path | None = None  # folder: a directory (or one file), relative to the project
    url: str | None = None  # registry: the repository's URL
    root: Path | None = None  # registry: the pinned initial root metadata
    # Hosts this source's manifests may link to besides the project's own list (the security
    # check's `urls` rule: others warn, or fail for community sources).
    allowed_hosts: tuple[str, ...] = ()

    @property
    def seeds_in(self) -> tuple[str, ...] | None:
        """The environments this source seeds without an approval (None: every one)."""
        if self.environments is not None:
            return self.environments
        return DEFAULT_ENVIRONMENTS[self.trust]

    def admits(self, environment: str) -> bool:
        """Whether its manifests seed in `environment` without an approval."""
        allowed = self.seeds_in
        return allowed is None or environment in allowed


def folder_source(root: Path, rootdir: Path) -> SourceConfig:
    """The official folder source a manifest root stands for, named by its path."""
    root = root.resolve()
    try:
        name = root.relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        name = root.as_posix()
    return SourceConfig(name=name, kind="folder", trust="official", path=root)


def load_sources(rootdir: Path, override_roots: Sequence[str] = ()) -> list[SourceConfig]:
    """Every source: the manifest roots (`override_roots`, the option, win over the configured
    ones) as official folder sources, then the declared sources, in order.

    A manifest root a declared folder source already names is not listed twice. Raises
    ConfigurationError for a malformed table (naming the key, with a did-you-mean).
    """
    declared = [_source(i, table, rootdir) for i, table in enumerate(_tables(rootdir))]
    taken = {s.path for s in declared if s.kind == "folder"}
    roots = [
        folder_source(root, rootdir)
        for root in manifest_roots(rootdir, override_roots)
        if root not in taken
    ]
    sources = [*roots, *declared]
    seen: set[str] = set()
    for source in sources:
        if source.name in seen:
            raise ConfigurationError(f"{TABLE}: two sources are named {source.name!r}")
        seen.add(source.name)
    return sources


def load_on_conflict(rootdir: Path) -> OnConflict:
    """`[tool.seeding_suite] on_conflict`: what two sources giving one id mean (default fail)."""
    value = tool_table(rootdir).get("on_conflict", "fail")
    if value not in ON_CONFLICT:
        raise ConfigurationError(
            f"[tool.seeding_suite] on_conflict must be one of {', '.join(ON_CONFLICT)}, "
            f"got {value!r}{did_you_mean(str(value), ON_CONFLICT)}"
        )
    return value


def tool_table(rootdir: Path) -> dict[str, object]:
    """`[tool.seeding_suite]` of the project's pyproject.toml ({} when there is none)."""
    pyproject = rootdir / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
    found = table.get("seeding_suite", {}) if isinstance(table, dict) else {}
    return found if isinstance(found, dict) else {}


def _tables(rootdir: Path) -> list[object]:
    tables = tool_table(rootdir).get("sources", [])
    if not isinstance(tables, list):
        raise ConfigurationError(f"{TABLE} must be an array of tables")
    return tables


def _source(index: int, table: object, rootdir: Path) -> SourceConfig:
    if not isinstance(table, dict):
        raise ConfigurationError(f"{TABLE} #{index + 1} must be a table")
    name = table.get("name")
    where = f"{TABLE} {name!r}" if isinstance(name, str) else f"{TABLE} #{index + 1}"
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"{where}: name must be a non-empty string")
    kind = table.get("kind")
    if kind not in KIND_KEYS:
        raise ConfigurationError(
            f"{where}: kind must be one of {', '.join(KIND_KEYS)}, "
            f"got {kind!r}{did_you_mean(str(kind), KIND_KEYS)}"
        )
    allowed = COMMON_KEYS | KIND_KEYS[kind]
    unknown = sorted(set(table) - allowed)
    if unknown:
        key = unknown[0]
        raise ConfigurationError(
            f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}; "
            f"a {kind} source takes {', '.join(sorted(allowed))}"
        )
    trust = table.get("trust")
    if trust not in TRUSTS:
        raise ConfigurationError(
            f"{where}: trust must be one of {', '.join(TRUSTS)}, "
            f"got {trust!r}{did_you_mean(str(trust), TRUSTS)}"
        )
    environments = table.get("environments")
    if environments is not None and (
        not isinstance(environments, list)
        or not all(isinstance(e, str) and e for e in environments)
    ):
        raise ConfigurationError(f"{where}: environments must be a list of environment names")
    hosts = table.get("allowed_hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        raise ConfigurationError(f"{where}: allowed_hosts must be a list of host names")
    paths = {key: _path(table, key, where, rootdir) for key in ("path", "root") if key in table}
    url = table.get("url")
    if url is not None and not isinstance(url, str):
        raise ConfigurationError(f"{where}: url must be a string")
    required = {"folder": ("path",), "registry": ("url", "root")}[kind]
    for key in required:
        if key not in table:
            raise ConfigurationError(f"{where}: a {kind} source needs {key!r}")
    if kind == "folder" and not paths["path"].exists():
        raise ConfigurationError(f"{where}: path {table['path']!r} not found")
    return SourceConfig(
        name=name,
        kind=kind,
        trust=trust,
        environments=None if environments is None else tuple(environments),
        path=paths.get("path"),
        url=url,
        root=paths.get("root"),
        allowed_hosts=tuple(sorted({h.strip().lower().rstrip(".") for h in hosts})),
    )


def _path(table: Mapping[str, object], key: str, where: str, rootdir: Path) -> Path:
    value = table[key]
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{where}: {key} must be a path (a non-empty string)")
    return (rootdir / value).resolve()


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or nothing."""
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
