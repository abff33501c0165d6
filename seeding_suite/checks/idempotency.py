"""::idempotency — seeding twice into a fresh fake Convex writes nothing the second time.

The manifest is seeded, after its direct dependencies' nodes, into a fresh in-memory fake; a
second seed must write zero documents and leave the state identical. A manifest that breaks a
Convex limit (document size, nesting, ...) fails here, naming the limit, not at seed time.
Optionally (`--idempotency-examples N`), Hypothesis examples then vary batch sizes and document
order and the final state must not change; off by default, because one example costs as much
as the check, and tests/property holds those claims over generated manifests on every
`make test`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seeding_suite import remote
from seeding_suite.engine.batching import BatchLimits, FieldSize, IntegrationTooLarge, check_fits
from seeding_suite.engine.desired import (
    DesiredDoc,
    DesiredIntegration,
    doc_checksum,
)
from seeding_suite.engine.plan import plan_integration
from seeding_suite.engine.seeder import RunInfo, Seeder, SeedReport
from seeding_suite.engine.state import TargetState
from seeding_suite.errors import ConvexError
from seeding_suite.findings import FieldPath, Finding, format_path
from seeding_suite.targets.local import LocalTarget, seeding_deployment

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from seeding_suite.discovery.catalog import Catalog
    from seeding_suite.discovery.entry import CatalogEntry
    from seeding_suite.loading.source import ManifestSource
    from seeding_suite.model import Action, Connection, Manifest, Trigger

NAME = "idempotency"
_RUN_SPECIFIC = ("_id", "_creationTime", "runId")
"""Fields that differ between equal seeds into different fakes."""


def _run(index: int) -> RunInfo:
    return RunInfo(f"idempotency-{index}", "check", "seeding-suite", "check", "")


def user_state(target: LocalTarget, *, system: bool) -> dict[str, list[dict[str, Any]]]:
    """The seeded tables' documents; without `system`, also without ids, times and run ids."""
    state: dict[str, list[dict[str, Any]]] = {}
    for table in remote.SEEDED_TABLES:
        docs: list[dict[str, Any]] = target.fake.documents(table)  # copies: ours to edit
        if not system:
            for doc in docs:
                for name in _RUN_SPECIFIC:
                    doc.pop(name, None)
        state[table] = sorted(docs, key=lambda d: str(d["naturalKey"]))
    return state


def seed_fresh(
    seeded: list[DesiredIntegration], limits: BatchLimits | None = None
) -> tuple[LocalTarget, SeedReport]:
    target = LocalTarget(seeding_deployment(seed=0))
    return target, Seeder(target, limits=limits).seed(seeded, _run(1))


@dataclass(frozen=True)
class IdempotencyCheck:
    """See the module docstring; `examples` Hypothesis examples per manifest."""

    examples: int = 0
    name: str = NAME
    requires: tuple[str, ...] = ("schema", "references", "dependencies")
    description: str = "seeding twice into a fresh fake Convex writes nothing the second time"

    def run(self, source: ManifestSource, catalog: Catalog) -> list[Finding]:
        manifest = source.manifest
        seeded = _with_dependencies(manifest, source.path, catalog)
        target, first = seed_fresh(seeded)
        problem = _first_failure(first, manifest.id)
        if problem is not None:
            integration, message = problem
            if integration == manifest.id:
                too_large = _too_large(seeded[-1])
                if too_large is not None:
                    return [_size_finding(source, manifest, too_large)]
                message = _culprit(seeded[-1]) or message
            return [_finding(source, manifest, integration, message)]
        before = user_state(target, system=True)
        second = Seeder(target).seed(seeded, _run(2))
        problem = _first_failure(second, manifest.id)
        if problem is not None:
            integration, why = problem
            message = f"the second seed did not succeed ({integration}: {why}); it must be a no-op"
            return [Finding(NAME, source.display, message)]
        after = user_state(target, system=True)
        if second.documents_written or after != before:
            return [
                Finding(
                    NAME,
                    source.display,
                    f"the second seed wrote {second.documents_written} document(s) and changed "
                    "the state; seeding must be idempotent",
                )
            ]
        if self.examples == 0:
            return []
        return self._properties(source, seeded, user_state(target, system=False))

    def _properties(
        self, source: ManifestSource, seeded: list[DesiredIntegration], baseline: dict[str, Any]
    ) -> list[Finding]:
        # Imported here: Hypothesis costs a tenth of a second to import, and runs off by default.
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        failures: list[str] = []

        @settings(
            max_examples=self.examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(max_ops=st.integers(4, 40), seed=st.integers(0, 2**32 - 1))
        def same_state_for_any_batching(max_ops: int, seed: int) -> None:
            order = random.Random(seed)  # a drawn seed: cheaper than drawing every swap
            shuffled = [
                DesiredIntegration(
                    d.id, d.version, d.dependencies, tuple(order.sample(d.docs, len(d.docs)))
                )
                for d in seeded
            ]
            limits = BatchLimits(max_ops=max_ops)
            target, _ = seed_fresh(shuffled, limits)
            state = user_state(target, system=False)
            if state != baseline:
                failures.append(f"batches of at most {max_ops} ops gave a different final state")
            assert state == baseline

        try:
            same_state_for_any_batching()
        except AssertionError:
            return [Finding(NAME, source.display, failures[-1] if failures else "state differs")]
        return []


def _with_dependencies(
    manifest: Manifest, path: Path, catalog: Catalog
) -> list[DesiredIntegration]:
    """The manifest after the integration nodes of its direct dependencies.

    A dependency's node (id, version, channel) is all the engine's gate reads to admit the
    manifest; the dependency's documents and its own dependencies are its own check's business.
    Seeding only these keeps the check cheap and its cost independent of how deep the catalog's
    dependency graph is (a transitive closure grows with the catalog).
    """
    by_id = catalog.by_id()
    wanted = dict.fromkeys(d.id for d in manifest.dependencies if d.id != manifest.id)
    nodes = [_node(by_id[i]) for i in wanted if i in by_id]
    return [*nodes, catalog.desired_of(path)]


def _node(entry: CatalogEntry) -> DesiredIntegration:
    payload: dict[str, object] = {
        "name": entry.id,
        "version": entry.version or "0.0.0",
        "description": None,
        "channel": entry.channel,
        "environments": None if entry.environments is None else list(entry.environments),
        "dependencies": [],
    }
    digest = doc_checksum("integrations", entry.id, entry.id, payload)
    node = DesiredDoc("integrations", entry.id, entry.id, payload, digest)
    return DesiredIntegration(entry.id, entry.version or "0.0.0", (), (node,))


def _first_failure(report: SeedReport, own: str) -> tuple[str, str] | None:
    """The manifest's own failure first: its dependencies share its batch and fail with it."""
    for result in sorted(report.results.values(), key=lambda r: r.id != own):
        if result.action in ("failed", "skipped"):
            return result.id, result.message or result.action
    return None


def _finding(source: ManifestSource, manifest: Manifest, integration: str, message: str) -> Finding:
    path = _field_path(manifest, message) if integration == manifest.id else ()
    prefix = "" if integration == manifest.id else f"dependency {integration}: "
    line, column = source.locate(path) if path else (None, None)
    return Finding(NAME, source.display, f"{prefix}{message}", path, line, column)


def _too_large(desired: DesiredIntegration) -> IntegrationTooLarge | None:
    """Slow path, failing manifests only: the engine's size rule, with the fields it names."""
    try:
        check_fits(plan_integration(desired, TargetState()), BatchLimits())
    except IntegrationTooLarge as exc:
        return exc
    return None


_MANIFEST_FIELDS = {"inputSchemaJson": "input_schema", "outputSchemaJson": "output_schema"}
"""Document fields named otherwise in a manifest (the rest keep their names; `key` is `id`)."""


def _manifest_path(manifest: Manifest, field: FieldSize) -> FieldPath:
    """Where a document's field comes from in the manifest: `actions[3].input_schema`."""
    name = "id" if field.field == "key" else _MANIFEST_FIELDS.get(field.field, field.field)
    if field.table == "integrations":
        return (name,)
    groups: dict[str, Sequence[Action | Trigger | Connection]] = {
        "actions": manifest.actions,
        "triggers": manifest.triggers,
        "connections": manifest.connections,
    }
    child = field.natural_key.partition("/")[2]
    for index, item in enumerate(groups.get(field.table, ())):
        if item.id == child:
            return (field.table, index, name)
    return ()  # the manifest cache: the whole file


def _size_finding(source: ManifestSource, manifest: Manifest, exc: IntegrationTooLarge) -> Finding:
    """A size failure names the manifest fields that weigh most, the first with its line."""
    paths = [(_manifest_path(manifest, f), f.bytes) for f in exc.largest]
    named = ", ".join(f"{format_path(p) or 'the whole manifest'} ({n:,} bytes)" for p, n in paths)
    path = paths[0][0] if paths else ()
    line, column = source.locate(path) if path else (None, None)
    message = f"{exc}; too large in the manifest: {named}" if named else str(exc)
    return Finding(NAME, source.display, message, path, line, column)


def _culprit(desired: DesiredIntegration) -> str | None:
    """Slow path, failing manifests only: the first document Convex refuses on its own.

    Actions, triggers and connections are tried before the integration node and the manifest
    cache (which holds the whole manifest): they name a line to fix.
    """
    whole = ("integrations", "manifests")
    for doc in sorted(desired.docs, key=lambda d: d.table in whole):
        target = LocalTarget(seeding_deployment(seed=0))
        op = {
            "kind": "upsert",
            "table": doc.table,
            "naturalKey": doc.natural_key,
            "expected": None,
            "force": False,
            "doc": doc.document(),
        }
        try:
            target.mutation(remote.APPLY_BATCH, {"runId": "probe", "batchId": "probe", "ops": [op]})
        except ConvexError as exc:
            return f"{doc.natural_key} ({doc.table}) is refused by Convex: {exc}"
    return None


def _field_path(manifest: Manifest, message: str) -> FieldPath:
    """Point at the action, trigger or connection a Convex error names, when it names one."""
    groups: tuple[tuple[str, Sequence[Action | Trigger | Connection]], ...] = (
        ("actions", manifest.actions),
        ("triggers", manifest.triggers),
        ("connections", manifest.connections),
    )
    for field, items in groups:
        for index, item in enumerate(items):
            if f"{manifest.id}/{item.id}" in message:
                return (field, index)
    return ()
