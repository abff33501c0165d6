"""The benchmark's catalog generator: shape, size, determinism and an acyclic dependency graph.

The benchmark's figures mean something only if its catalog is valid, realistic and repeatable.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import pytest
import semantic_version
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

if TYPE_CHECKING:
    from types import ModuleType

GENERATOR_PATH = Path(__file__).resolve().parents[2] / "bench" / "generate.py"
TOP_KEYS = {
    "manifest_version", "id", "name", "version", "description", "channel", "environments",
    "dependencies", "connections", "actions", "triggers",
}  # fmt: skip
CONNECTION_KEYS = {"id", "name", "auth", "fields"}
FIELD_KEYS = {"name", "label", "secret"}
ACTION_KEYS = {"id", "name", "description", "connection", "input_schema", "output_schema"}
TRIGGER_KEYS = {"id", "name", "description", "kind", "connection", "output_schema"}
MANIFEST_ID = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
SUB_ID = re.compile(r"^[a-z][a-z0-9._-]{0,62}$")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PYPROJECT = (
    '[tool.pytest.ini_options]\ntestpaths = ["manifests"]\njunit_family = "xunit1"\n\n'
    '[tool.seeding_suite]\nmanifest_roots = ["manifests"]\n'
)


def load_generator() -> ModuleType:
    """bench/ is a scripts folder, not a package: load the module from its file."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR_PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="module")
def catalog(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    paths: list[Path] = generator.generate_catalog(tmp_path_factory.mktemp("cat"), 80, seed=7)
    return paths


@pytest.fixture(scope="module")
def documents(catalog: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """The catalog parsed once, in generation order."""
    return [(path, read(path)) for path in catalog]


def read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    return document


def dependency_ids(manifest: dict[str, Any]) -> list[str]:
    return [d if isinstance(d, str) else d["id"] for d in manifest.get("dependencies", [])]


def topological_order(manifests: dict[str, Any]) -> list[str]:
    """Kahn's algorithm; raises when a cycle leaves nodes unvisited."""
    waiting = {mid: set(dependency_ids(m)) for mid, m in manifests.items()}
    order: list[str] = []
    ready = [mid for mid, deps in waiting.items() if not deps]
    while ready:
        done = ready.pop()
        order.append(done)
        for mid, deps in waiting.items():
            if done in deps:
                deps.remove(done)
                if not deps:
                    ready.append(mid)
    if len(order) != len(manifests):
        raise AssertionError(f"cycle among {sorted(set(manifests) - set(order))}")
    return order


def assert_dependencies_are_satisfied(manifests: list[dict[str, Any]]) -> None:
    """Every dependency exists earlier in the catalog and its version satisfies the range."""
    seen: dict[str, dict[str, Any]] = {}
    for manifest in manifests:
        for dep in manifest.get("dependencies", []):
            dep_id = dep if isinstance(dep, str) else dep["id"]
            assert dep_id in seen, f"{manifest['id']} depends on later or unknown {dep_id}"
            if isinstance(dep, dict):
                version = semantic_version.Version(seen[dep_id]["version"])
                assert semantic_version.NpmSpec(dep["version"]).match(version)
        seen[manifest["id"]] = manifest
    topological_order(seen)


def test_it_writes_the_requested_number_of_manifests_and_the_catalog_pyproject(
    catalog: list[Path],
) -> None:
    root = catalog[0].parent.parent
    assert len(catalog) == 80
    assert sorted(catalog) == sorted(root.joinpath("manifests").glob("*.yaml"))
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == PYPROJECT


def test_every_manifest_uses_only_documented_keys_and_valid_ids(
    documents: list[tuple[Path, dict[str, Any]]],
) -> None:
    for path, manifest in documents:
        assert set(manifest) <= TOP_KEYS
        assert manifest["manifest_version"] == 1
        assert manifest["id"] == path.stem
        assert MANIFEST_ID.match(manifest["id"])
        assert 1 <= len(manifest["name"]) <= 100
        semantic_version.Version(manifest["version"])
        assert manifest["channel"] in ("stable", "beta", "experimental")
        for connection in manifest["connections"]:
            assert set(connection) <= CONNECTION_KEYS
            assert all(set(field) <= FIELD_KEYS for field in connection.get("fields", []))
        for action in manifest["actions"]:
            assert set(action) <= ACTION_KEYS
        for trigger in manifest["triggers"]:
            assert set(trigger) <= TRIGGER_KEYS
            assert trigger["kind"] in ("webhook", "polling")


def test_every_manifest_has_the_benchmark_shape_and_consistent_references(
    documents: list[tuple[Path, dict[str, Any]]],
) -> None:
    for _, manifest in documents:
        connection_ids = [c["id"] for c in manifest["connections"]]
        assert 1 <= len(connection_ids) <= 3
        assert 5 <= len(manifest["actions"]) <= 25
        assert 1 <= len(manifest["triggers"]) <= 10
        for group in (manifest["connections"], manifest["actions"], manifest["triggers"]):
            ids = [entry["id"] for entry in group]
            assert len(ids) == len(set(ids))
            assert all(SUB_ID.match(sub_id) for sub_id in ids)
        for entry in manifest["actions"] + manifest["triggers"]:
            assert entry["connection"] in connection_ids


def test_every_embedded_schema_is_a_valid_draft_2020_12_schema(
    documents: list[tuple[Path, dict[str, Any]]],
) -> None:
    for path, manifest in documents:
        schemas = [a[k] for a in manifest["actions"] for k in ("input_schema", "output_schema")]
        schemas += [t["output_schema"] for t in manifest["triggers"]]
        assert schemas
        for schema in schemas:
            assert jsonschema_rs.meta.is_valid(schema), (path.name, schema)


def test_manifests_are_about_13_kb_on_average(catalog: list[Path]) -> None:
    sizes = [path.stat().st_size for path in catalog]
    assert 10_000 <= sum(sizes) / len(sizes) <= 16_000
    assert all(2_000 <= size <= 40_000 for size in sizes)


def test_the_same_seed_writes_the_same_bytes_and_another_seed_does_not(
    generator: ModuleType, tmp_path: Path
) -> None:
    first = generator.generate_catalog(tmp_path / "a", 15, seed=3)
    second = generator.generate_catalog(tmp_path / "b", 15, seed=3)
    other = generator.generate_catalog(tmp_path / "c", 15, seed=4)
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]


def test_the_dependency_graph_is_acyclic_and_every_range_is_satisfied(
    documents: list[tuple[Path, dict[str, Any]]],
) -> None:
    manifests = [manifest for _, manifest in documents]
    assert sum(1 for m in manifests if m.get("dependencies")) > len(manifests) // 2
    assert_dependencies_are_satisfied(manifests)


def test_the_acyclicity_check_itself_detects_a_cycle() -> None:
    cyclic = {"a": {"dependencies": ["b"]}, "b": {"dependencies": [{"id": "a"}]}, "c": {}}
    with pytest.raises(AssertionError, match="cycle among"):
        topological_order(cyclic)


@settings(max_examples=15, deadline=None)
@given(count=st.integers(min_value=1, max_value=12), seed=st.integers(0, 2**32))
def test_any_seed_and_count_give_a_valid_acyclic_catalog(
    generator: ModuleType, count: int, seed: int
) -> None:
    with tempfile.TemporaryDirectory() as out:
        paths = generator.generate_catalog(Path(out), count, seed=seed)
        assert len(paths) == len({p.name for p in paths}) == count
        assert_dependencies_are_satisfied([read(path) for path in paths])


def test_it_refuses_to_write_into_a_non_empty_manifest_directory(
    generator: ModuleType, tmp_path: Path
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "stripe.yaml").write_text("id: stripe\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generator.generate_catalog(tmp_path, 3)
    assert [p.name for p in (tmp_path / "manifests").iterdir()] == ["stripe.yaml"]
