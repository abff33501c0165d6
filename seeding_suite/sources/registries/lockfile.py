"""`marketplace.lock`: what a project installed from registries, pinned, committed with it.

    [[integration]]
    id = "acme-crm"
    version = "1.2.0"
    sha256 = "<hex sha256 of the manifest file's bytes>"
    source = "acme-market"
    range = "^1.2.0"

A project seeds exactly these files: the run verifies each again through its registry and
refuses one whose bytes differ from `sha256`. `range` is what `update` may move to (npm-style,
as `install ID@RANGE` gave it; `^<version>` when none was given). The file is read strictly:
a malformed lock is an error naming the entry, never a partly read list.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import semantic_version

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries.client import check_id

if TYPE_CHECKING:
    from pathlib import Path

LOCK_NAME = "marketplace.lock"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FIELDS = ("id", "version", "sha256", "source", "range")
_HEADER = (
    "# marketplace.lock: written by `seeding-suite install` and `seeding-suite update`.\n"
    "# Commit it: checks and seeding use exactly these files, verified on every run.\n"
)


@dataclass(frozen=True)
class Pin:
    """One installed integration: which bytes of which version, from which source."""

    id: str
    version: str
    sha256: str
    source: str
    range: str

    @classmethod
    def from_toml(cls, entry: Any, where: str) -> Pin:
        if not isinstance(entry, dict):
            raise ConfigurationError(f"{where}: expected a table")
        unknown = sorted(set(entry) - set(_FIELDS))
        missing = [f for f in _FIELDS if not isinstance(entry.get(f), str)]
        if unknown or missing:
            detail = "; ".join(
                part
                for part in (
                    f"unknown key(s) {', '.join(unknown)}" if unknown else "",
                    f"missing or not a string: {', '.join(missing)}" if missing else "",
                )
                if part
            )
            raise ConfigurationError(f"{where}: {detail}")
        try:
            check_id(entry["id"])
            semantic_version.Version(entry["version"])
            semantic_version.NpmSpec(entry["range"])
        except ValueError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
        if not _SHA256.fullmatch(entry["sha256"]):
            raise ConfigurationError(f"{where}: sha256 must be 64 lower-case hex digits")
        return cls(**{f: entry[f] for f in _FIELDS})


def read_lock(path: Path) -> list[Pin]:
    """The pins in `path` (none when the file does not exist), in file order."""
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path.name}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"integration"})
    if unknown:
        raise ConfigurationError(f"{path.name}: unknown table(s) {', '.join(unknown)}")
    entries = data.get("integration", [])
    if not isinstance(entries, list):
        raise ConfigurationError(f"{path.name}: `integration` must be an array of tables")
    pins = [
        Pin.from_toml(entry, f"{path.name}, integration {n}")
        for n, entry in enumerate(entries, start=1)
    ]
    twice = sorted(i for i, n in Counter(p.id for p in pins).items() if n > 1)
    if twice:
        raise ConfigurationError(f"{path.name}: pinned twice: {', '.join(twice)}")
    return pins


def write_lock(path: Path, pins: list[Pin]) -> None:
    """Write `pins` sorted by id, atomically (a reader never sees half a lock)."""
    blocks = [
        "[[integration]]\n" + "".join(f"{f} = {toml_string(getattr(pin, f))}\n" for f in _FIELDS)
        for pin in sorted(pins, key=lambda p: p.id)
    ]
    partial = path.with_name(path.name + ".partial")
    partial.write_text(_HEADER + "".join("\n" + b for b in blocks), encoding="utf-8")
    os.replace(partial, path)


def with_pin(pins: list[Pin], pin: Pin) -> list[Pin]:
    """`pins` with `pin` replacing any pin of the same id."""
    return [p for p in pins if p.id != pin.id] + [pin]


def toml_string(value: str) -> str:
    """A TOML basic string: every character TOML forbids raw is escaped."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
