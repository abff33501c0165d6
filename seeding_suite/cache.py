"""Results of unchanged inputs, reused across runs: catalog summaries and passed checks.

Content-addressed, so nothing is ever invalidated: a key covers everything its result depends
on (the harness's own code and native libraries, the run's settings, the file's bytes and, for a
manifest's checks, the summary of every manifest its dependency closure reaches). A changed
input is a different key. Only passes are kept: a failing check always runs, and so names its
problem with a line. Each process (a plain run, the xdist controller, each worker) reads every
shard under the directory and rewrites its own, so writers never share a file: first the
entries its run used, then its shard's earlier entries the run did not need (a run of one file
must not cost the next full run its reuse), oldest dropped beyond a capacity the caller sets
from the catalog's size, so stale entries age out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 2  # entries are JSON texts: one string each in memory, parsed when asked for
DIRECTORY = Path(".seeding") / "cache"
# Native parsers and validators whose verdicts the cached results carry.
LIBRARIES = ("pydantic-core", "jsonschema-rs", "yaml-rs", "semantic-version")
# Entries a shard keeps per catalog file: room for a few environments' keys of each file.
ENTRIES_PER_FILE = 4
SPARE_ENTRIES = 256


def capacity_for(files: int) -> int:
    """How many entries of each kind a shard keeps for a catalog of `files` manifests."""
    return ENTRIES_PER_FILE * files + SPARE_ENTRIES


@dataclass(frozen=True)
class CachedChecks:
    """What a manifest's earlier run established: the checks that passed, and its properties."""

    passed: frozenset[str]
    integration: str
    version: str
    checksum: str


@cache
def harness_digest() -> str:
    """The code that computes results: every module of seeding_suite and fakes, and libraries."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    import fakes
    import seeding_suite

    for package in (seeding_suite, fakes):
        root = Path(package.__file__ or "").parent
        for module in sorted(root.rglob("*.py")):
            digest.update(module.relative_to(root.parent).as_posix().encode())
            digest.update(module.read_bytes())
    for library in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{library} {metadata.version(library)}".encode())
    return digest.hexdigest()


def key_of(*parts: object) -> str:
    """One key for the parts (JSON-encoded, so no two different part lists share a key)."""
    text = json.dumps([harness_digest(), *parts], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """The shards under `directory`; this process writes `<directory>/<shard>.json`."""

    def __init__(self, directory: Path, shard: str) -> None:
        self.directory = directory
        self.shard = shard
        self._loaded = False
        self._summaries: dict[str, str] = {}
        self._checks: dict[str, str] = {}
        self._used_summaries: dict[str, str] = {}
        self._used_checks: dict[str, str] = {}
        self._own: dict[str, dict[str, str]] = {"summaries": {}, "checks": {}}  # as last saved

    @property
    def loaded(self) -> bool:
        """Whether this run read or wrote anything here (else `save` has nothing to do)."""
        return self._loaded

    def summary(self, key: str) -> Any | None:
        """A catalog summary stored under `key` (JSON data), or None."""
        self._load()
        found = self._summaries.get(key)
        if found is None:
            return None
        self._used_summaries[key] = found
        return json.loads(found)

    def put_summary(self, key: str, data: Any) -> None:
        self._load()
        self._summaries[key] = self._used_summaries[key] = _text(data)

    def checks(self, key: str) -> CachedChecks | None:
        """What earlier runs established for the manifest input `key`, or None."""
        entry = self._entry(key)
        if entry is None:
            return None
        self._used_checks[key] = self._checks[key]
        passed, integration, version, checksum = entry
        return CachedChecks(frozenset(passed), integration, version, checksum)

    def record_pass(self, key: str, check: str, properties: tuple[str, str, str]) -> None:
        """Check `check` passed on the manifest input `key`, whose properties are given."""
        self._load()
        self._used_checks[key] = self._merge(key, [[check], *properties])

    def save(self, capacity: int) -> None:
        """Rewrite this process's shard (atomically; errors ignored); see the module docstring.

        At most `capacity` entries of each kind, the run's own first. A cache that cannot be
        written only costs time on the next run, never a failure.
        """
        if not self._loaded:
            return
        data = {
            "format": FORMAT,
            "summaries": _newest(self._used_summaries, self._own["summaries"], capacity),
            "checks": _newest(self._used_checks, self._own["checks"], capacity),
        }
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(data, out, separators=(",", ":"))
                os.replace(temporary, self.directory / f"{self.shard}.json")
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

    def _entry(self, key: str) -> list[Any] | None:
        self._load()
        text = self._checks.get(key)
        if text is None:
            return None
        try:
            entry = json.loads(text)
        except ValueError:
            entry = None
        return entry if _is_checks_entry(entry) else None

    def _merge(self, key: str, entry: list[Any]) -> str:
        # Under xdist one manifest's checks may run in different workers: passes add up.
        known = self._entry(key)
        if known is not None:
            entry = [sorted({*known[0], *entry[0]}), *entry[1:]]
        text = self._checks[key] = _text(entry)
        return text

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for shard in sorted(self.directory.glob("*.json")):
            data = _read(shard)
            if data is not None and shard.stem == self.shard:
                self._own = data
            if data is not None:
                self._summaries.update(data["summaries"])
                for key, text in data["checks"].items():
                    if key not in self._checks:
                        self._checks[key] = text  # checked when asked for
                        continue
                    with contextlib.suppress(ValueError):
                        entry = json.loads(text)
                        if _is_checks_entry(entry):
                            self._merge(key, entry)


def _newest(used: dict[str, str], earlier: dict[str, str], capacity: int) -> dict[str, str]:
    kept = dict(list(used.items())[:capacity])
    for key, text in earlier.items():
        if len(kept) >= capacity:
            break
        kept.setdefault(key, text)
    return kept


def _text(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def _read(shard: Path) -> dict[str, dict[str, str]] | None:
    """A shard's data; None when it is unreadable, of another format, or malformed."""
    try:
        data = json.loads(shard.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    summaries, checks = data.get("summaries"), data.get("checks")
    if not isinstance(summaries, dict) or not isinstance(checks, dict):
        return None
    return {
        "summaries": {k: v for k, v in summaries.items() if isinstance(v, str)},
        "checks": {k: v for k, v in checks.items() if isinstance(v, str)},
    }


def _is_checks_entry(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and isinstance(value[0], list)
        and all(isinstance(item, str) for item in value[0])
        and all(isinstance(item, str) for item in value[1:])
    )
