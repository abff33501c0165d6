"""The interface every check shares: a name, what it requires, and `run` -> findings.

A check module holds one class satisfying `Check`. Adding a check is one new module plus one
line in `seeding_suite.checks.CHECKS`; the plugin, the markers and the docs follow from there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.findings import Finding
    from seeding_suite.loading.source import ManifestSource


class Check(Protocol):
    """One kind of check, run once per manifest.

    `name` is the node-id suffix (`manifests/stripe.yaml::<name>`) and the marker name.
    `requires` names checks that must pass first; if one failed, this check is skipped.
    `run` returns the manifest's own mistakes as findings (empty = pass). It raises only for
    faults of the harness itself, never for a bad manifest. A pass must follow from the
    manifest, its dependency closure and the check's own settings alone, because passes are
    reused across runs (seeding_suite.cache); the check's `repr` is part of the cache key, so a
    frozen dataclass (whose repr shows its settings) is the natural shape.
    """

    @property
    def name(self) -> str: ...

    @property
    def requires(self) -> tuple[str, ...]: ...

    @property
    def description(self) -> str: ...

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]: ...
