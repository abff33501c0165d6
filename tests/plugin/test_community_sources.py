"""Issue 14's Done-when: a community folder of manifests signed with the real `minisign` tool.

The good one seeds in development and in the sandbox (its own store), is skipped in staging
until approved, and seeds there once approved (a changed file is no longer approved); unsigned,
tampered, replayed, wrong-key and out-of-globs ones each fail `signature` with the reason and
are never seeded; the official manifests are unaffected.
"""

from __future__ import annotations

import hashlib
import textwrap
from typing import TYPE_CHECKING

import pytest

from seeding_suite.engine.inventory import integration_states
from seeding_suite.targets.local import LocalTarget, seeding_deployment
from tests.support.minisign import OwnKey, ToolKey, needs_minisign
from tests.support.project import Project, community_pyproject, manifest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.project import Run

pytestmark = needs_minisign

REFUSALS = {
    "acme-unsigned": "unsigned: acme-unsigned.yaml.minisig is missing; source 'community' is "
    "community, so its manifests must be signed by their publisher",
    "acme-tampered": "acme-tampered.yaml.minisig: bad signature: the file changed after it was "
    "signed",
    "acme-replayed": "the trusted comment 'acme-crm@1.2.0' is for another manifest or version: "
    "it must contain the token acme-replayed@1.0.0",
    "acme-wrongkey": "which is not pinned for publisher acme",
    "other-crm": "id 'other-crm' is outside publisher acme's ids (acme-*): it may not sign",
    "acme-nobody": "unknown publisher 'nobody'",
}


def signed(text: str, publisher: str = "acme") -> str:
    return text + f"publisher: {publisher}\n"


def community_project(project: Project) -> ToolKey:
    """manifests/core (official, unsigned), community/ with the good and the refused ones."""
    root = project.pytester.path
    keys = root / "keys"
    keys.mkdir()
    acme, stranger = ToolKey.generate(keys, "acme"), ToolKey.generate(keys, "stranger")
    staging = '\n[tool.seeding_suite.environments.staging]\nallow = ["*"]\n'
    project.pytester.makefile(".toml", pyproject=community_pyproject(acme.public, staging))
    project.write("core", manifest("core", "1.2.0"))
    community = root / "community"
    community.mkdir()

    def put(mid: str, version: str = "1.0.0", publisher: str = "acme") -> Path:
        path = community / f"{mid}.yaml"
        path.write_text(signed(manifest(mid, version), publisher), encoding="utf-8")
        return path

    acme.sign(put("acme-crm", "1.2.0"), "acme-crm@1.2.0")
    put("acme-unsigned")
    tampered = put("acme-tampered")
    acme.sign(tampered, "acme-tampered@1.0.0")
    tampered.write_text(tampered.read_text() + "channel: beta\n", encoding="utf-8")
    acme.sign(put("acme-replayed"), "acme-crm@1.2.0")  # a valid signature, for another one
    stranger.sign(put("acme-wrongkey"), "acme-wrongkey@1.0.0")
    acme.sign(put("other-crm"), "other-crm@1.0.0")
    acme.sign(put("acme-nobody", publisher="nobody"), "acme-nobody@1.0.0")
    return acme


def stored(root: Path, db: str = ".seeding/local.sqlite3") -> set[str]:
    if not (root / db).exists():
        return set()
    target = LocalTarget(seeding_deployment(root / db))
    try:
        return {row["integration"] for row in integration_states(target)}
    finally:
        target.close()


def signature_failures(run: Run) -> dict[str, str]:
    found = {}
    for case in run.xml.iter("testcase"):
        failure = case.find("failure")
        if case.get("name") == "signature" and failure is not None:
            stem = case.get("classname", "").rsplit(".", 2)[-2]
            found[stem] = failure.text or ""
    return found


def test_good_seeds_in_development_and_each_refused_one_fails_signature_with_its_reason(
    project: Project, mode: list[str]
) -> None:
    community_project(project)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    failures = signature_failures(run)
    assert sorted(failures) == sorted(REFUSALS)
    for stem, reason in REFUSALS.items():
        assert reason in failures[stem], (stem, failures[stem])
    assert stored(project.pytester.path) == {"core", "acme-crm"}
    seeds = run.seed_cases()
    assert seeds["acme-crm"]["action"] == "created"
    for stem in REFUSALS:
        if stem in seeds:  # a manifest that failed a check is never seeded
            assert seeds[stem]["action"] in ("skipped", "failed")


def test_the_sandbox_seeds_the_good_one_into_its_own_store_only(
    project: Project, mode: list[str]
) -> None:
    community_project(project)
    run = project.run(*mode, "--seed-env", "sandbox")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED  # the refused ones still fail
    root = project.pytester.path
    assert stored(root, ".seeding/sandbox.sqlite3") == {"core", "acme-crm"}
    assert not (root / ".seeding/local.sqlite3").exists()
    assert "target .seeding/sandbox.sqlite3" in run.result.stdout.str().replace(str(root) + "/", "")


def test_staging_skips_it_until_approved_then_seeds_it_and_a_changed_file_is_skipped_again(
    project: Project, mode: list[str]
) -> None:
    acme = community_project(project)
    root = project.pytester.path
    for refused in REFUSALS:  # this test is about approval: only the good one stays
        for path in (root / "community").glob(f"{refused}.yaml*"):
            path.unlink()
    run = project.run(*mode, "--seed-env", "staging")
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert run.seed_cases()["acme-crm"]["reason"] == "not seeded: not approved for staging"
    assert stored(root) == {"core"}

    good = root / "community" / "acme-crm.yaml"
    digest = hashlib.sha256(good.read_bytes()).hexdigest()
    (root / "approvals.toml").write_text(
        textwrap.dedent(
            f"""
            [[approval]]
            id = "acme-crm"
            version = "1.2.0"
            sha256 = "{digest}"
            approved_by = "reviewer"
            reason = "checked in the sandbox"
            """
        ),
        encoding="utf-8",
    )
    run = project.run(*mode, "--seed-env", "staging")
    assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
    assert run.seed_cases()["acme-crm"]["action"] == "created"
    assert stored(root) == {"core", "acme-crm"}

    good.write_text(good.read_text().replace("The acme-crm", "The new acme-crm"), encoding="utf-8")
    acme.sign(good, "acme-crm@1.2.0")  # signed again by its publisher, but not reviewed
    run = project.run(*mode, "--seed-env", "staging")
    assert run.seed_cases()["acme-crm"]["reason"] == "not seeded: not approved for staging"


def test_an_official_manifest_passes_unsigned_and_a_present_signature_is_still_verified(
    project: Project,
) -> None:
    community_project(project)
    official = project.write("acme-official", signed(manifest("acme-official")))
    OwnKey.generate().sign(official, "acme-official@1.0.0")  # a key acme never pinned
    run = project.run()
    failures = signature_failures(run)
    assert "core" not in failures
    assert "signed with key" in failures["acme-official"]
    assert "not pinned for publisher acme" in failures["acme-official"]
    assert stored(project.pytester.path) == {"core", "acme-crm"}
