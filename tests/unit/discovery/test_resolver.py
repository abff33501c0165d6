"""The dependency resolver: problems, cycles, seeding order and closures."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.discovery.entry import CatalogEntry, Dependency
from seeding_suite.discovery.resolver import resolve
from seeding_suite.model import DependencySpec


def entry(
    integration: str, version: str = "1.0.0", deps: tuple[str, ...] = (), *, valid: bool = True
) -> CatalogEntry:
    """An entry; a dependency is "id" or "id@range"."""
    specs = []
    for dep in deps:
        name, _, wanted = dep.partition("@")
        spec = DependencySpec.model_validate({"id": name, "version": wanted or "*"})
        specs.append(Dependency(spec.id, spec.range))
    display = f"manifests/{integration}.yaml"
    return CatalogEntry(integration, version, tuple(specs), Path(display), display, valid)


def messages(entries: list[CatalogEntry], integration: str) -> list[str]:
    return [p.message for p in resolve(entries).problems.get(integration, [])]


def test_it_orders_dependencies_first_with_ties_by_id() -> None:
    resolution = resolve([entry("zeta"), entry("app", deps=("zeta", "http")), entry("http")])
    assert resolution.order == ["http", "zeta", "app"]
    assert resolution.problems == {}


def test_it_reports_a_missing_dependency_at_its_entry() -> None:
    [problem] = resolve([entry("app", deps=("http", "gone")), entry("http")]).problems["app"]
    assert problem.path == ("dependencies", 1)
    assert problem.message == "depends on 'gone', which is not in the catalog"


def test_it_checks_versions_against_npm_ranges() -> None:
    entries = [entry("app", deps=("http@>=1.2.0 <2.0.0",)), entry("http", "2.1.0")]
    [problem] = resolve(entries).problems["app"]
    assert problem.path == ("dependencies", 0, "version")
    assert "http 2.1.0, outside the range '>=1.2.0 <2.0.0'" in problem.message
    assert messages([entry("app", deps=("http@^1.2",)), entry("http", "1.9.3")], "app") == []


def test_a_bare_id_accepts_any_version_even_a_prerelease() -> None:
    assert messages([entry("app", deps=("http",)), entry("http", "2.0.0-rc.1")], "app") == []


def test_it_reports_dependencies_on_invalid_manifests() -> None:
    entries = [entry("app", deps=("broken",)), entry("broken", valid=False)]
    assert messages(entries, "app") == [
        "depends on 'broken', whose manifest (manifests/broken.yaml) is not valid"
    ]
    assert resolve(entries).blocked["broken"] == "its manifest is not valid"


def test_it_prints_a_cycle_for_every_member() -> None:
    entries = [
        entry("aa", deps=("bb",)),
        entry("bb", deps=("cc",)),
        entry("cc", deps=("aa",)),
        entry("dd", deps=("aa",)),
    ]
    resolution = resolve(entries)
    assert messages(entries, "aa") == ["dependency cycle: aa -> bb -> cc -> aa"]
    assert messages(entries, "cc") == ["dependency cycle: cc -> aa -> bb -> cc"]
    assert resolution.order == []
    assert "dd" in resolution.blocked
    assert "dd" not in resolution.problems


def test_it_reports_a_self_dependency() -> None:
    [problem] = resolve([entry("me", deps=("me",))]).problems["me"]
    assert problem.message == "'me' depends on itself"


def test_a_duplicated_id_names_the_other_files_in_each_and_blocks_dependents() -> None:
    twin_a = CatalogEntry("twin", "1.0.0", (), Path("a/twin.yaml"), "a/twin.yaml", True)
    twin_b = CatalogEntry("twin", "1.0.1", (), Path("b/twin.yml"), "b/twin.yml", True)
    entries = [twin_a, twin_b, entry("app", deps=("twin",))]
    problems = resolve(entries).problems["twin"]
    assert [p.message for p in problems if p.concerns("a/twin.yaml")] == [
        "id 'twin' is also defined by b/twin.yml"
    ]
    assert [p.message for p in problems if p.concerns("b/twin.yml")] == [
        "id 'twin' is also defined by a/twin.yaml"
    ]
    assert messages(entries, "app") == ["depends on 'twin', which is defined by 2 files"]
    assert resolve(entries).order == []


def test_an_invalid_file_claims_nothing() -> None:
    # A stale copy (`http-core-old.yaml` with id http-core, failing its own schema check) is
    # neither a duplicate of the good file nor a reason to block its dependents.
    stale = CatalogEntry(
        "http-core", None, (), Path("http-core-old.yaml"), "http-core-old.yaml", valid=False
    )
    entries = [stale, entry("http-core"), entry("app", deps=("http-core",))]
    resolution = resolve(entries)
    assert resolution.problems == {}
    assert resolution.order == ["http-core", "app"]
    assert [e.display for e in resolution.claims["http-core"]] == ["manifests/http-core.yaml"]
    assert resolution.blocked == {}


def test_problems_propagate_to_dependents_through_the_order_not_the_problems() -> None:
    entries = [entry("top", deps=("mid",)), entry("mid", deps=("gone",))]
    resolution = resolve(entries)
    assert resolution.order == []
    assert "top" not in resolution.problems
    assert resolution.blocked["top"] == "depends on 'mid', not seedable"


def test_a_long_chain_resolves_without_recursion() -> None:
    entries = [entry(f"n{i:05d}", deps=(f"n{i + 1:05d}",)) for i in range(5000)] + [entry("n05000")]
    assert resolve(entries).order[0] == "n05000"


@st.composite
def dags(draw: st.DrawFn) -> list[CatalogEntry]:
    """Random DAGs: node i may depend only on nodes with a smaller index (names shuffled)."""
    size = draw(st.integers(1, 25))
    names = draw(st.permutations([f"m{i:02d}" for i in range(size)]))
    edges = [
        tuple(sorted(draw(st.sets(st.sampled_from(names[:i]), max_size=3)))) if i else ()
        for i in range(size)
    ]
    return [entry(name, deps=deps) for name, deps in zip(names, edges, strict=True)]


@given(dags())
def test_the_order_is_a_topological_order_of_any_dag(entries: list[CatalogEntry]) -> None:
    resolution = resolve(entries)
    assert sorted(resolution.order) == sorted(e.id for e in entries)
    position = {name: i for i, name in enumerate(resolution.order)}
    for e in entries:
        for spec in e.dependencies:
            assert position[spec.id] < position[e.id]
    assert resolve(list(reversed(entries))).order == resolution.order
