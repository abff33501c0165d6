"""Speed of the fake Convex deployment on the seeding paths DESIGN §9 depends on.

Usage (repo root): .venv/bin/python bench/fake_speed.py [--catalog DIR] [--count N] [--sqlite N]
Prints one table: fresh in-memory seeds (the idempotency check), single-row index lookups,
read_state pages, and one SQLite-backed deployment seeded with N manifests, then reopened.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.desired import DesiredIntegration, desired_integration
from seeding_suite.engine.seeder import RunInfo, Seeder
from seeding_suite.environments import DEFAULTS
from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from fakes.convex import FakeConvex

DEFAULT_CATALOG = Path("bench/out/catalog-1000")
RUN = RunInfo("bench", "development", "bench", "0", "c")
LOOKUPS = 2000


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    what: str
    value: float
    unit: str


def load_desired(catalog_dir: Path, count: int) -> list[DesiredIntegration]:
    """The first `count` manifests as desired integrations, dependencies dropped (no gating)."""
    catalog = Catalog([catalog_dir / "manifests"], catalog_dir, policy=DEFAULTS["development"])
    files = catalog.files()[:count]
    desired = [desired_integration(catalog.source(path).manifest) for path in files]
    return [DesiredIntegration(d.id, d.version, (), d.docs) for d in desired]


def timed(action: Callable[[], object]) -> float:
    """Seconds one call of `action` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


class TimedTarget(LocalTarget):
    """A LocalTarget that adds up the time spent inside the fake (the engine's is not)."""

    def __init__(self, fake: FakeConvex) -> None:
        super().__init__(fake)
        self.seconds = 0.0

    def _call(self, path: str, args: dict[str, Any]) -> Any:
        start = time.perf_counter()
        try:
            return super()._call(path, args)
        finally:
            self.seconds += time.perf_counter() - start


def seed_fresh(desired: Sequence[DesiredIntegration]) -> list[Row]:
    """Each manifest seeded into its own fresh in-memory fake, then re-seeded (idempotency)."""
    targets = [TimedTarget(seeding_deployment(seed=0)) for _ in desired]
    pairs = list(zip(targets, desired, strict=True))
    first = timed(lambda: [Seeder(t).seed([d], RUN) for t, d in pairs])
    in_fake = sum(t.seconds for t in targets)
    again = timed(lambda: [Seeder(t).seed([d], RUN) for t, d in pairs])
    docs = sum(len(d.docs) for d in desired)
    per_manifest = 1000 / len(desired)
    return [
        Row("seed one manifest into a fresh fake", first * per_manifest, "ms"),
        Row("  of which inside the fake", in_fake * per_manifest, "ms"),
        Row("re-seed it (nothing to write)", again * per_manifest, "ms"),
        Row("documents seeded per second in the fake", docs / in_fake, "docs/s"),
    ]


def _lookup_all(fake: FakeConvex, keys: Sequence[str]) -> None:
    def handler(ctx: Any, _args: dict[str, Any]) -> None:
        for key in keys:
            ctx.db.query("actions").with_index(
                "by_natural_key", lambda q, k=key: q.eq("naturalKey", k)
            ).unique()

    fake.register("bench:lookups", "query", handler)
    fake.query("bench:lookups")


def index_lookups(fake: FakeConvex) -> list[Row]:
    """`.with_index("by_natural_key", eq).unique()` on a table of thousands of rows."""
    keys = [str(doc["naturalKey"]) for doc in fake.documents("actions")][:LOOKUPS]
    seconds = timed(lambda: _lookup_all(fake, keys))
    return [Row(f"unique() lookups ({len(keys)} in one query)", seconds / len(keys) * 1e6, "us")]


def read_state(fake: FakeConvex) -> list[Row]:
    """Seeder.read_state over every seeded table, 1,000-row pages, as a run starts."""
    seeder = Seeder(LocalTarget(fake))
    seconds = timed(seeder.read_state)
    rows = sum(len(fake.documents(table)) for table in remote.SEEDED_TABLES)
    return [Row(f"read_state ({rows} rows)", seconds * 1000, "ms")]


def sqlite_seed(desired: Sequence[DesiredIntegration], db: Path) -> list[Row]:
    """One SQLite-backed deployment seeded with every manifest in one run."""
    fake = seeding_deployment(db, seed=0)
    seconds = timed(lambda: Seeder(LocalTarget(fake)).seed(desired, RUN))
    fake.close()
    docs = sum(len(d.docs) for d in desired)
    return [Row(f"SQLite seed of {len(desired)} manifests ({docs} docs)", seconds, "s")]


def sqlite_reopen(db: Path) -> list[Row]:
    """Reopen the store (as a new process would: nothing else alive), then query it."""
    gc.collect()
    holder: list[FakeConvex] = []
    seconds = timed(lambda: holder.append(seeding_deployment(db, seed=0)))
    fake = holder[0]
    rows = [Row("SQLite reopen", seconds * 1000, "ms"), *index_lookups(fake), *read_state(fake)]
    fake.close()
    return rows


def print_table(rows: Sequence[Row]) -> None:
    width = max(len(row.what) for row in rows)
    for row in rows:
        print(f"{row.what:<{width}}  {row.value:>12,.2f} {row.unit}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=DEFAULT_CATALOG, help="generated catalog")
    parser.add_argument("--count", type=int, default=200, help="manifests seeded one by one")
    parser.add_argument("--sqlite", type=int, default=1000, help="manifests seeded into SQLite")
    args = parser.parse_args(argv)
    desired = load_desired(args.catalog, max(args.count, args.sqlite))
    rows = seed_fresh(desired[: args.count])
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "local.sqlite3"
        rows += sqlite_seed(desired[: args.sqlite], db)
        del desired
        rows += sqlite_reopen(db)
    print_table(rows)


if __name__ == "__main__":
    main()
