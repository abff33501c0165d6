"""`seeding-suite bundle`: the checked catalog as the typed module `integrations/init` seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seeding_suite import __version__
from seeding_suite.bundle.collect import BundledIntegration, EnvironmentBundle
from seeding_suite.bundle.render import render_bundle
from seeding_suite.cli import main
from seeding_suite.discovery.catalog import Catalog
from seeding_suite.engine.desired import DesiredDoc
from seeding_suite.environments import DEFAULTS
from tests.support.bundle import read_bundle
from tests.support.project import DEPS_ON_CORE, PYPROJECT, manifest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "tests" / "fixtures" / "catalog"  # a copy of manifests/ (live_catalog.py)
COMMITTED = ROOT / "convex" / "integrations" / "catalog.generated.ts"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project in tmp_path (the current folder) holding the shipped catalog."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDING_ENV", raising=False)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    shutil.copytree(SHIPPED, tmp_path / "manifests")
    return tmp_path


def bundle(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["bundle", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_committed_bundle_is_the_shipped_catalogs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Committed, it must be regenerated with the catalog: CI regenerates it and compares."""
    code, out, _ = bundle(capsys, "--output", "out.ts")
    assert code == 0, out
    assert (project / "out.ts").read_bytes() == COMMITTED.read_bytes(), (
        "convex/integrations/catalog.generated.ts is stale: run `seeding-suite bundle`"
    )


def test_it_holds_exactly_the_documents_the_python_seeder_writes_in_every_environment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = bundle(capsys)
    assert code == 0
    assert out.splitlines()[-1] == "wrote convex/integrations/catalog.generated.ts"
    written = read_bundle((project / "convex/integrations/catalog.generated.ts").read_text())
    assert written["harnessVersion"] == __version__
    assert sorted(written["environments"]) == sorted(DEFAULTS)
    for name, policy in DEFAULTS.items():
        catalog = Catalog([project / "manifests"], project, policy=policy)
        desired = catalog.desired()
        env = written["environments"][name]
        assert [i["id"] for i in env["integrations"]] == [d.id for d in desired]
        for integration, wanted in zip(env["integrations"], desired, strict=True):
            assert integration["checksum"] == wanted.checksum
            assert integration["docs"] == [
                {"table": doc.table, "doc": doc.document()} for doc in wanted.docs
            ]
        assert env["strategy"] == policy.strategy
        assert env["named"] == sorted(policy.named())
        left = {o["integration"]: o for o in env["leftOut"]}
        assert set(left) | {d.id for d in desired} == {e.id for e in catalog.entries()}
        assert not any(o["failed"] for o in left.values())
    production = written["environments"]["production"]
    assert "beta-slack" in {o["integration"] for o in production["leftOut"]}


def test_same_catalog_same_bytes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bundle(capsys, "--output", "a.ts")[0] == 0
    for path in (project / "manifests").iterdir():  # new mtimes and inode order
        path.write_bytes(path.read_bytes())
    assert bundle(capsys, "--output", "b.ts")[0] == 0
    assert (project / "a.ts").read_bytes() == (project / "b.ts").read_bytes()


def test_a_failing_manifest_is_left_out_and_listed_and_the_rest_is_written(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "manifests" / "monday.yaml").write_text(
        manifest("monday", connection="api-kee"), encoding="utf-8"
    )
    code, out, _ = bundle(capsys, "--seed-env", "development", "--output", "out.ts")
    assert code == 1
    assert (
        "development: left out monday (manifests/monday.yaml): checks failed: [references] "
        "manifests/monday.yaml:17:17: actions[0].connection: 'api-kee' is not a connection"
    ) in out
    text = (project / "out.ts").read_text()
    listed = "// Left out, their checks failed:\n//   development: monday (manifests/monday.yaml)"
    assert listed in text
    env = read_bundle(text)["environments"]["development"]
    assert "monday" not in [i["id"] for i in env["integrations"]]
    assert "stripe" in [i["id"] for i in env["integrations"]]
    assert [(o["integration"], o["failed"]) for o in env["leftOut"]] == [("monday", True)]


def test_a_manifest_whose_dependency_failed_is_left_out_too(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "manifests" / "core.yaml").write_text("manifest_version: 1\nid: core\nname: [\n")
    (project / "manifests" / "needs-core.yaml").write_text(
        manifest("needs-core", deps=DEPS_ON_CORE), encoding="utf-8"
    )
    assert bundle(capsys, "--seed-env", "development", "--output", "out.ts")[0] == 1
    env = read_bundle((project / "out.ts").read_text())["environments"]["development"]
    assert {o["integration"] for o in env["leftOut"] if o["failed"]} >= {"needs-core"}
    assert "needs-core" not in [i["id"] for i in env["integrations"]]


def test_seed_env_bundles_only_that_environment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = bundle(capsys, "--seed-env", "production", "--output", "p.ts")
    assert code == 0
    assert list(read_bundle((project / "p.ts").read_text())["environments"]) == ["production"]
    assert out.startswith("production: 4 integration(s)")


def test_an_unknown_environment_is_an_error_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = bundle(capsys, "--seed-env", "prod", "--output", "p.ts")
    assert code == 2
    assert "unknown environment 'prod'" in err
    assert not (project / "p.ts").exists()


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(name=TEXT, description=st.none() | TEXT, version=TEXT)
def test_any_string_reads_back_exactly_from_the_module(
    name: str, description: str | None, version: str
) -> None:
    """Quotes, backslashes, U+2028, astral characters: the literal holds the same strings."""
    payload: dict[str, object] = {"version": version, "manifestJson": description or name}
    doc = DesiredDoc("manifests", name, name, payload, "c1:sha256:00")
    integration = BundledIntegration(name, version, "c", (), (doc,))
    env = EnvironmentBundle("development", "full", (name,), (integration,), (), ())
    text = render_bundle("0.0.0", [env])
    assert text.isascii()
    read = read_bundle(text)["environments"]["development"]
    assert read["named"] == [name]
    assert read["integrations"][0]["docs"] == [{"table": "manifests", "doc": doc.document()}]
