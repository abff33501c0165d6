"""What the catalog wants in an environment, as `drift` and `report --drift` compare it.

One place for the catalog side of a drift comparison (policy, limits, roots, sources, trust),
so the two commands cannot judge the same target differently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.engine.desired import DesiredIntegration


@dataclass(frozen=True)
class CatalogView:
    environment: str
    catalog: Catalog
    desired: list[DesiredIntegration]

    def excluded(self) -> dict[str, str]:
        """The catalog's integrations this environment does not admit, with the reason."""
        return {
            entry.id: reason
            for entry in self.catalog.by_id().values()
            if (reason := self.catalog.excluded(entry)) is not None
        }


def catalog_view(root: Path, seed_env: str | None, extra_roots: Sequence[str]) -> CatalogView:
    """The catalog under `root` for `seed_env` (or SEEDING_ENV); a missing root is an error."""
    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.environments import load_policies, select_policy
    from seeding_suite.settings import (
        MAX_MANIFEST_BYTES_INI,
        environment_name,
        manifest_limits,
        manifest_roots,
        pytest_ini,
    )
    from seeding_suite.signing.trust import TrustSettings
    from seeding_suite.sources import load_sources

    policy = select_policy(environment_name(seed_env), load_policies(root))
    limits = manifest_limits(pytest_ini(root, MAX_MANIFEST_BYTES_INI))
    roots = manifest_roots(root, extra_roots)
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:  # the default root too: an empty catalog makes every held document "extra"
        raise ConfigurationError(f"manifest root(s) not found: {', '.join(missing)}")
    sources = load_sources(root, extra_roots)
    trust = TrustSettings.load(root)
    catalog = Catalog(
        sources,
        root,
        policy=policy,
        limits=limits,
        approvals=trust.approvals,
        on_conflict=trust.on_conflict,
    )
    return CatalogView(policy.name, catalog, catalog.desired())
