"""One manifest file under check: read, parsed, validated and located, each at most once.

Every check of a file asks its `ManifestSource`; the expensive steps run on first use and are
kept, so a check another check requires costs nothing twice. Positions are computed only when
a finding needs one (the slow path of DESIGN §9).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seeding_suite.errors import SeedingSuiteError
from seeding_suite.findings import FieldPath, Finding
from seeding_suite.loading.yaml import LoadLimits, YamlLoadError, decode_utf8, load_yaml

if TYPE_CHECKING:
    from pathlib import Path

    from seeding_suite.loading.positions import PositionIndex
    from seeding_suite.model import Manifest

PARSE = "parse"
SCHEMA = "schema"


def import_parsers() -> None:
    """Import now what parsing and validating a file need (they are imported on first use).

    Called before forking children that parse: they then share the parent's copy instead of
    each importing its own (about 0.2 s and tens of MB apiece).
    """
    import yaml_rs  # noqa: F401

    from seeding_suite.loading import validation  # noqa: F401


class InvalidManifestError(SeedingSuiteError):
    """A valid manifest was required, but the file has findings (they are in the message)."""


@dataclass(frozen=True)
class Parsed:
    """The file's plain data, or the parse check's findings (then `data` is None)."""

    data: Any | None
    findings: list[Finding]


@dataclass(frozen=True)
class Validated:
    """The manifest model, or the schema check's findings (then `manifest` is None)."""

    manifest: Manifest | None
    findings: list[Finding]


class ManifestSource:
    """One manifest file; `display` is its path relative to the rootdir, used in messages."""

    def __init__(self, path: Path, display: str, limits: LoadLimits | None = None) -> None:
        self.path = path
        self.display = display
        self.limits = limits or LoadLimits()
        self._raw: bytes | None = None
        self._sha256: str | None = None
        self._parsed: Parsed | None = None
        self._validated: Validated | None = None
        self._positions: PositionIndex | None = None

    def __repr__(self) -> str:
        return f"ManifestSource({self.display!r})"

    def raw(self) -> bytes:
        """The file's bytes, read once; at most one byte past the size limit. Raises OSError."""
        if self._raw is None:
            with self.path.open("rb") as handle:
                self._raw = handle.read(self.limits.max_bytes + 1)
        return self._raw

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes read, computed once (raises OSError if unreadable)."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self.raw()).hexdigest()
        return self._sha256

    def parsed(self) -> Parsed:
        """The YAML as plain data, or why it is not one mapping of plain data."""
        if self._parsed is None:
            self._parsed = self._parse()
        return self._parsed

    def _parse(self) -> Parsed:
        try:
            raw = self.raw()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return Parsed(None, [Finding(PARSE, self.display, f"cannot read the file: {reason}")])
        try:
            return Parsed(load_yaml(raw, self.limits), [])
        except YamlLoadError as exc:
            line, column = exc.line, exc.column
            if line is None and exc.path:
                line, column = self.locate(exc.path)
            return Parsed(None, [Finding(PARSE, self.display, exc.message, exc.path, line, column)])

    def validated(self) -> Validated:
        """The manifest model (format v1, embedded schemas, file stem), or its findings."""
        if self._validated is None:
            data = self.parsed().data
            if data is None:
                message = "not validated: the file does not parse (see the parse check)"
                self._validated = Validated(None, [Finding(SCHEMA, self.display, message)])
            else:
                # Imported on first use: a warm run, every summary and pass reused, validates
                # nothing and so never loads the model and pydantic (about 0.2 s).
                from seeding_suite.loading.validation import validate

                manifest, findings = validate(data, self.path.stem, self.display, self._locate)
                self._validated = Validated(manifest, findings)
        return self._validated

    @property
    def manifest(self) -> Manifest:
        """The valid manifest; raises InvalidManifestError naming the findings otherwise."""
        validated = self.validated()
        if validated.manifest is None:
            findings = self.parsed().findings or validated.findings
            detail = "; ".join(f.render() for f in findings)
            raise InvalidManifestError(f"{self.display} is not a valid manifest: {detail}")
        return validated.manifest

    def locate(self, path: FieldPath) -> tuple[int | None, int | None]:
        """1-based (line, column) of the value at `path`, or of its nearest ancestor."""
        index = self._index()
        return (None, None) if index is None else index.locate(path)

    def locate_key(self, path: FieldPath) -> tuple[int | None, int | None]:
        """Where the key that names `path` is written; falls back to `locate`."""
        index = self._index()
        return (None, None) if index is None else index.locate_key(path)

    def path_at(self, line: int, column: int) -> FieldPath:
        """The field holding the text at (line, column) (raw-text scans find offsets)."""
        index = self._index()
        return () if index is None else index.path_at(line, column)

    def _locate(self, path: FieldPath, at_key: bool) -> tuple[int | None, int | None]:
        return self.locate_key(path) if at_key else self.locate(path)

    def _index(self) -> PositionIndex | None:
        if self._positions is None:
            from seeding_suite.loading.positions import PositionIndex  # failing files only

            try:
                text = decode_utf8(self.raw())
            except (OSError, YamlLoadError):
                return None
            self._positions = PositionIndex.build(text)
        return self._positions
