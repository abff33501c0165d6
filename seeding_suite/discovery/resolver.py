"""The catalog's dependency graph: per-id problems, a seeding order; pure functions.

Input is the catalog's small per-file summaries, so 10,000 manifests resolve without loading a
model. Everything is iterative (no recursion on graph depth) and deterministic (ties by id).
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import semantic_version

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.discovery.entry import CatalogEntry
    from seeding_suite.findings import FieldPath
    from seeding_suite.sources import OnConflict


@dataclass(frozen=True)
class DependencyProblem:
    """One problem of one id's dependencies; `path` is the field inside its manifest.

    `file` is the file it belongs to: of several files claiming the id, each has its own (a
    duplicate names the others; a source that lost a conflict inherits none of the winner's).
    """

    id: str
    path: FieldPath
    message: str
    file: str

    def concerns(self, display: str) -> bool:
        """Whether this problem belongs to the file shown as `display`."""
        return self.file == display


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a catalog.

    Only valid files claim an id: a file that fails its own checks (a stale copy, `Stripe.yaml`
    beside `stripe.yaml`) makes no duplicate and no dependency edge. `problems` maps an id to
    its own problems (missing, out of range or invalid target, cycle, duplicate id). `order`
    holds every sound id, dependencies first, ties by id: sound means claimed by exactly one
    valid file, free of problems, with every dependency sound. `blocked` says, for the other
    claimed ids, why they are not in the order. `claims` maps an id to the valid files claiming
    it; `broken` to the invalid files that name it. `shadowed` maps the file of a source that
    lost a conflict over an id (on_conflict) to why: it claims nothing and is not seeded.
    """

    order: list[str]
    problems: dict[str, list[DependencyProblem]]
    blocked: dict[str, str]
    claims: dict[str, list[CatalogEntry]] = field(repr=False)
    broken: dict[str, list[CatalogEntry]] = field(repr=False, default_factory=dict)
    shadowed: dict[str, str] = field(default_factory=dict)

    @cached_property
    def position(self) -> dict[str, int]:
        """Each sound id's index in `order` (built once: the final stage sorts by it)."""
        return {name: i for i, name in enumerate(self.order)}


def resolve(entries: Sequence[CatalogEntry], on_conflict: OnConflict = "fail") -> Resolution:
    """Resolve the catalog's dependency graph (see `Resolution`).

    Two sources giving one id is a conflict: `on_conflict` may choose one file (the official
    one, or the highest version); otherwise every file claiming the id fails, named with its
    source.
    """
    claims: dict[str, list[CatalogEntry]] = {}
    broken: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        (claims if entry.valid else broken).setdefault(entry.id, []).append(entry)
    shadowed: dict[str, str] = {}
    for integration, defined in claims.items():
        winner = _conflict_winner(defined, on_conflict)
        if winner is not None:
            for loser in defined:
                if loser is not winner:
                    shadowed[loser.display] = (
                        f"{loser.source} ({loser.display}) gives {integration} {loser.version}, "
                        f"and so does {winner.source} ({winner.display}) at {winner.version}, "
                        f"which wins (on_conflict = {on_conflict})"
                    )
            claims[integration] = [winner]
    problems: dict[str, list[DependencyProblem]] = {}

    def report(integration: str, path: FieldPath, message: str, file: str) -> None:
        problem = DependencyProblem(integration, path, message, file)
        problems.setdefault(integration, []).append(problem)

    for integration, defined in sorted(claims.items()):
        if len(defined) > 1:
            files = sorted(e.display for e in defined)
            conflict = _conflict_message(integration, defined, on_conflict)
            for own in files:
                others = [f for f in files if f != own]
                message = conflict or f"id {integration!r} is also defined by {', '.join(others)}"
                report(integration, ("id",), message, own)
    usable = {i: d[0] for i, d in claims.items() if len(d) == 1}
    graph: dict[str, tuple[str, ...]] = {}
    for integration, entry in sorted(usable.items()):
        targets: list[str] = []
        for index, spec in enumerate(entry.dependencies):
            problem = _dependency_problem(integration, spec.id, spec.range, claims, broken)
            if problem is not None:
                field_, message = problem
                report(integration, ("dependencies", index, *field_), message, entry.display)
            if spec.id in usable and spec.id != integration:
                targets.append(spec.id)
        graph[integration] = tuple(dict.fromkeys(targets))
    for cycle in _cycles(graph):
        member = cycle[0]
        index = _dependency_index(usable[member], cycle[1])
        message = f"dependency cycle: {' -> '.join(cycle)}"
        report(member, ("dependencies", index), message, usable[member].display)
    order, blocked = _order(graph, problems)
    for integration in sorted(claims.keys() - graph.keys()):
        blocked[integration] = "its id is not unique"
    for integration in sorted(broken.keys() - claims.keys()):
        blocked[integration] = "its manifest is not valid"
    return Resolution(order, problems, blocked, claims, broken, shadowed)


def _conflict_winner(defined: list[CatalogEntry], on_conflict: OnConflict) -> CatalogEntry | None:
    """The one file `on_conflict` chooses among files of different sources claiming an id.

    None: no conflict between sources (one file, or copies within one source, a plain
    duplicate), the mode is `fail`, or the mode cannot choose one (two official files, two
    files at the highest version).
    """
    sources = [e.source for e in defined]
    if len(defined) < 2 or len(set(sources)) != len(sources) or on_conflict == "fail":
        return None
    if on_conflict == "official-wins":
        official = [e for e in defined if e.trust == "official"]
        return official[0] if len(official) == 1 else None
    ranked = sorted(defined, key=lambda e: _version_key(e.version), reverse=True)
    top = _version_key(ranked[0].version)
    return ranked[0] if top != _version_key(ranked[1].version) else None


def _version_key(version: str | None) -> semantic_version.Version:
    try:
        return semantic_version.Version(version or "")
    except ValueError:
        return semantic_version.Version("0.0.0-invalid")


def _conflict_message(
    integration: str, defined: list[CatalogEntry], on_conflict: OnConflict
) -> str | None:
    """The failure of a conflict between sources that `on_conflict` did not settle."""
    sources = {e.source for e in defined}
    if len(sources) < 2:
        return None
    given = ", ".join(f"{e.source} ({e.display})" for e in sorted(defined, key=lambda e: e.display))
    why = {
        "fail": "[tool.seeding_suite] on_conflict = 'fail' (choose one with 'official-wins' "
        "or 'highest-version')",
        "official-wins": "on_conflict = 'official-wins' cannot choose: not exactly one of them "
        "is official",
        "highest-version": "on_conflict = 'highest-version' cannot choose: no single highest "
        "version",
    }[on_conflict]
    return f"id {integration!r} is given by {len(sources)} sources: {given}; {why}"


def _dependency_problem(
    integration: str,
    target: str,
    wanted: str,
    claims: dict[str, list[CatalogEntry]],
    broken: dict[str, list[CatalogEntry]],
) -> tuple[FieldPath, str] | None:
    """What is wrong with one dependency, and the field inside the entry that says so."""
    if target == integration:
        return (), f"{integration!r} depends on itself"
    defined = claims.get(target)
    if not defined:
        invalid = sorted(e.display for e in broken.get(target, ()))
        if invalid:
            return (), f"depends on {target!r}, whose manifest ({', '.join(invalid)}) is not valid"
        return (), f"depends on {target!r}, which is not in the catalog"
    if len(defined) > 1:
        return (), f"depends on {target!r}, which is defined by {len(defined)} files"
    entry = defined[0]
    if entry.version is None or not _satisfies(entry.version, wanted):
        message = f"the catalog has {target} {entry.version}, outside the range {wanted!r}"
        return ("version",), message
    return None


def _satisfies(version: str, wanted: str) -> bool:
    if wanted == "*":  # a bare id: any version, pre-releases included
        return True
    try:
        return bool(semantic_version.NpmSpec(wanted).match(semantic_version.Version(version)))
    except ValueError:
        return False


def _dependency_index(entry: CatalogEntry, target: str) -> int:
    return next(i for i, spec in enumerate(entry.dependencies) if spec.id == target)


def _cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """For every id on a cycle, one shortest cycle through it, starting and ending there."""
    cycles = []
    for component in _strong_components(graph):
        members = set(component)
        if len(members) < 2:
            continue
        for member in sorted(members):
            cycles.append(_shortest_cycle(graph, member, members))
    return cycles


def _shortest_cycle(graph: dict[str, tuple[str, ...]], start: str, members: set[str]) -> list[str]:
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for dep in graph[node]:
            if dep == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if dep in members and dep not in parent:
                parent[dep] = node
                queue.append(dep)
    raise AssertionError(f"{start} is in a strongly connected component but on no cycle")


def _strong_components(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Tarjan's algorithm with an explicit stack (catalog graphs may be deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            deps = graph[node]
            if child < len(deps):
                work.append((node, child + 1))
                dep = deps[child]
                if dep not in index:
                    work.append((dep, 0))
                elif dep in on_stack:
                    low[node] = min(low[node], index[dep])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _order(
    graph: dict[str, tuple[str, ...]], problems: dict[str, list[DependencyProblem]]
) -> tuple[list[str], dict[str, str]]:
    """Kahn's algorithm over the sound ids, smallest id first among the ready ones."""
    blocked = {i: "its dependencies check fails" for i in graph if i in problems}
    waiting = {i: len(deps) for i, deps in graph.items()}
    dependents: dict[str, list[str]] = {i: [] for i in graph}
    for integration, deps in graph.items():
        for dep in deps:
            dependents[dep].append(integration)
    ready = [i for i, count in waiting.items() if count == 0 and i not in blocked]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        integration = heapq.heappop(ready)
        order.append(integration)
        for dependent in dependents[integration]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0 and dependent not in blocked:
                heapq.heappush(ready, dependent)
    placed = set(order)
    for integration in sorted(graph):
        if integration not in placed and integration not in blocked:
            unsound = sorted(d for d in graph[integration] if d not in placed)
            blocked[integration] = f"depends on {', '.join(map(repr, unsound))}, not seedable"
    return order, blocked
