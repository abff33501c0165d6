"""`install` and `update`: choose a registry version, verify it, pin it in marketplace.lock.

Versions are chosen as npm does: the newest version matching an npm-style range
(semantic_version.NpmSpec; prereleases only when the range names one). A pin is written only
after its file was verified through TUF, and the lock is written once, after every pin of the
command was verified: a refused registry leaves the lock as it was.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import semantic_version

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries.client import (
    RegistryClient,
    RegistrySource,
    cache_dir,
    check_id,
)
from seeding_suite.sources.registries.lockfile import (
    LOCK_NAME,
    Pin,
    read_lock,
    with_pin,
    write_lock,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path


def parse_requirement(text: str) -> tuple[str, str | None]:
    """`ID` or `ID@RANGE` -> (id, range or None); ConfigurationError when either is malformed."""
    integration, at, wanted = text.partition("@")
    try:
        check_id(integration)
        if at:
            semantic_version.NpmSpec(wanted)
    except ValueError as exc:
        raise ConfigurationError(f"{text!r}: {exc}") from None
    return integration, (wanted if at else None)


def newest(
    versions: list[semantic_version.Version], wanted: str
) -> semantic_version.Version | None:
    """The newest of `versions` that the npm-style range `wanted` accepts."""
    best: semantic_version.Version | None = semantic_version.NpmSpec(wanted).select(versions)
    return best


def _source(sources: Mapping[str, RegistrySource], name: str) -> RegistrySource:
    if name in sources:
        return sources[name]
    close = difflib.get_close_matches(name, list(sources), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    known = ", ".join(sorted(sources)) or "none is configured"
    raise ConfigurationError(f"no registry source {name!r}{hint}; registry sources: {known}")


def install(
    rootdir: Path, sources: Mapping[str, RegistrySource], requirement: str, source_name: str
) -> Pin:
    """Install `requirement` (ID or ID@RANGE) from `source_name` and pin it; returns the pin."""
    integration, wanted = parse_requirement(requirement)
    source = _source(sources, source_name)
    with RegistryClient(source, cache_dir(rootdir, source.name)) as client:
        versions = client.versions(integration)
        chosen = newest(versions, wanted or "*")
        if chosen is None:
            listed = ", ".join(str(v) for v in versions) or "none"
            raise ConfigurationError(
                f"no version of {integration} in {source.name} matches {wanted!r} "
                f"(versions: {listed})"
            )
        fetched = client.fetch(integration, str(chosen))
    pin = Pin(integration, str(chosen), fetched.sha256, source.name, wanted or f"^{chosen}")
    lock = rootdir / LOCK_NAME
    write_lock(lock, with_pin(read_lock(lock), pin))
    return pin


@dataclass(frozen=True)
class Moved:
    """What `update` did to one pin (`before == after`: already the newest in range)."""

    id: str
    source: str
    before: str
    after: str


def update(rootdir: Path, sources: Mapping[str, RegistrySource], ids: list[str]) -> list[Moved]:
    """Move the pins of `ids` (all pins when empty) to the newest version in their range."""
    lock = rootdir / LOCK_NAME
    pins = read_lock(lock)
    pinned = {p.id: p for p in pins}
    unknown = [i for i in ids if i not in pinned]
    if unknown:
        raise ConfigurationError(f"not installed (not in {LOCK_NAME}): {', '.join(unknown)}")
    chosen = [pinned[i] for i in ids] if ids else pins
    moved: list[Moved] = []
    for source_name in sorted({p.source for p in chosen}):
        source = _source(sources, source_name)
        with RegistryClient(source, cache_dir(rootdir, source.name)) as client:
            for pin in (p for p in chosen if p.source == source_name):
                best = newest(client.versions(pin.id), pin.range)
                after = pin.version
                if best is not None and best > semantic_version.Version(pin.version):
                    after = str(best)
                    fetched = client.fetch(pin.id, after)
                    pins = with_pin(pins, Pin(pin.id, after, fetched.sha256, pin.source, pin.range))
                moved.append(Moved(pin.id, pin.source, pin.version, after))
    if any(m.before != m.after for m in moved):
        write_lock(lock, pins)
    return moved
