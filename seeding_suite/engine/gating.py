"""Which candidates may be seeded: their dependencies must be seeded in this run or present.

Pure. A candidate passed all its checks; it is still held back when a dependency is neither
among the integrations seeded before it in this run nor already in the target at a version the
dependency's range accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import semantic_version

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.engine.desired import DesiredIntegration
    from seeding_suite.engine.state import TargetState


def satisfies(version: str, spec: str) -> bool:
    """Whether a SemVer `version` is inside the npm-style range `spec`."""
    try:
        return bool(semantic_version.NpmSpec(spec).match(semantic_version.Version(version)))
    except ValueError:
        return False


@dataclass
class Gate:
    """Candidates allowed to seed (in order) and the reason each held-back one was skipped."""

    allowed: list[DesiredIntegration] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def gate(candidates: Sequence[DesiredIntegration], state: TargetState) -> Gate:
    """Walk candidates in dependency order; each may rely on those allowed before it."""
    result = Gate()
    seeded: dict[str, str] = {}
    for candidate in candidates:
        reason = _blocking_reason(candidate, seeded, state)
        if reason is None:
            result.allowed.append(candidate)
            seeded[candidate.id] = candidate.version
        else:
            result.skipped[candidate.id] = reason
    return result


def _blocking_reason(
    candidate: DesiredIntegration, seeded: dict[str, str], state: TargetState
) -> str | None:
    for dep, spec in candidate.dependencies:
        if dep in seeded:
            version = seeded[dep]
            if satisfies(version, spec):
                continue
            return f"dependency {dep} {version} (seeded in this run) does not satisfy '{spec}'"
        present = state.versions.get(dep)
        if present is None:
            return f"dependency {dep} is not seeded in this run and not present in the target"
        if not satisfies(present, spec):
            return f"dependency {dep} is present in the target at {present}, outside '{spec}'"
    return None
