"""A source's problems are failing items, never dropped; on_conflict as a run reports it; a
hostile signature file is a clear `signature` failure, never an INTERNALERROR."""

from __future__ import annotations

import base64

import pytest

from tests.support.minisign import OwnKey
from tests.support.project import Project, community_pyproject, manifest

# Root can read any folder, so the test makes one unreadable the way a non-root user meets
# it: listing it fails with EACCES (for pytest's walk and the catalog's alike).
UNREADABLE = """
import errno
import os

_real = os.scandir


def _scandir(path="."):
    # shutil.rmtree lists folders by file descriptor: an int is never the folder refused.
    if not isinstance(path, int) and os.fspath(path).endswith("community/private"):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    return _real(path)


os.scandir = _scandir


def pytest_unconfigure(config):
    os.scandir = _real
"""


def community(project: Project, extra: str = "") -> OwnKey:
    key = OwnKey.generate()
    project.pytester.makefile(".toml", pyproject=community_pyproject(key.public, extra))
    project.write("core", manifest("core"))
    folder = project.pytester.path / "community"
    folder.mkdir()
    good = folder / "acme-crm.yaml"
    good.write_text(manifest("acme-crm", "1.2.0") + "publisher: acme\n", encoding="utf-8")
    key.sign(good, "acme-crm@1.2.0")
    return key


def failures(project: Project, run_xml: object) -> dict[str, str]:
    import xml.etree.ElementTree as ET

    assert isinstance(run_xml, ET.Element)
    return {
        f"{case.get('classname')}::{case.get('name')}": failure.text or ""
        for case in run_xml.iter("testcase")
        if (failure := case.find("failure")) is not None
    }


def test_an_unreadable_folder_of_a_source_is_a_failing_item_and_the_rest_still_seeds(
    project: Project, mode: list[str]
) -> None:
    community(project)
    (project.pytester.path / "community" / "private").mkdir()
    (project.pytester.path / "community" / "private" / "acme-hidden.yaml").write_text(
        manifest("acme-hidden")
    )
    project.pytester.makeconftest(UNREADABLE)
    run = project.run(*mode)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    found = failures(project, run.xml)
    [item] = [i for i in found if i.endswith("::source")]
    assert "community/private" in item.replace(".", "/")
    assert (
        "community/private: source 'community': the folder cannot be read: Permission denied"
        in found[item]
    )
    assert len(found) == 1
    assert set(run.seed_cases()) == {"core", "acme-crm"}
    assert set(project.state()) == {"core", "acme-crm"}


@pytest.mark.parametrize(
    ("setting", "seeded", "failing"),
    [
        ("", {}, True),
        ('on_conflict = "official-wins"', {"acme-crm": "1.0.0"}, False),
        ('on_conflict = "highest-version"', {"acme-crm": "1.2.0"}, False),
    ],
    ids=["fail", "official-wins", "highest-version"],
)
def test_on_conflict_as_a_run_reports_it(
    project: Project, mode: list[str], setting: str, seeded: dict[str, str], failing: bool
) -> None:
    community(project, setting)
    project.write("acme-crm", manifest("acme-crm", "1.0.0"))  # the official one, unsigned
    run = project.run(*mode)
    both = "community (community/acme-crm.yaml), manifests (manifests/acme-crm.yaml)"
    if failing:
        found = failures(project, run.xml)
        assert sorted(found) == [
            "community.acme-crm.yaml::dependencies",
            "manifests.acme-crm.yaml::dependencies",
        ]
        assert all(f"id 'acme-crm' is given by 2 sources: {both}" in t for t in found.values())
    else:
        assert run.result.ret == pytest.ExitCode.OK, run.result.stdout.str()
        skipped = [
            props
            for case in run.xml.iter("testcase")
            if case.get("name") == "seed"
            and (props := {p.get("name"): p.get("value") for p in case.iter("property")})
            and props.get("action") == "skipped"
        ]
        [loser] = skipped
        reason = loser["reason"] or ""
        assert "community/acme-crm.yaml" in reason and "manifests/acme-crm.yaml" in reason
    state = project.state()
    assert {k: v["version"] for k, v in state.items() if k == "acme-crm"} == seeded


def test_hostile_signature_files_fail_signature_clearly(project: Project) -> None:
    key = community(project)
    folder = project.pytester.path / "community"
    good = key.signature(b"", "x").splitlines()
    hostile = {
        "acme-truncated": "\n".join(good[:2]),
        "acme-base64": "\n".join([good[0], "@@@not base64@@@", *good[2:]]),
        "acme-algorithm": "\n".join(
            [good[0], base64.b64encode(b"Xy" + bytes(72)).decode(), *good[2:]]
        ),
        "acme-huge": "untrusted comment: x\n" + "A" * 5_000_000,
    }
    for mid, text in hostile.items():
        (folder / f"{mid}.yaml").write_text(manifest(mid) + "publisher: acme\n")
        (folder / f"{mid}.yaml.minisig").write_text(text)
    (folder / "acme-binary.yaml").write_text(manifest("acme-binary") + "publisher: acme\n")
    (folder / "acme-binary.yaml.minisig").write_bytes(bytes(range(256)) * 4)
    (folder / "acme-folder.yaml").write_text(manifest("acme-folder") + "publisher: acme\n")
    (folder / "acme-folder.yaml.minisig").mkdir()
    run = project.run()
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    found = failures(project, run.xml)
    expected = {
        "acme-truncated": "has 2 line(s); minisign writes 4 (truncated?)",
        "acme-base64": "line 2 (the signature) is not valid base64",
        "acme-algorithm": "unsupported signature algorithm 'Xy'",
        "acme-huge": "larger than 4096 bytes",
        "acme-binary": "not UTF-8 text",
        "acme-folder": "acme-folder.yaml.minisig cannot be read",
    }
    assert sorted(found) == sorted(f"community.{m}.yaml::signature" for m in expected)
    for mid, reason in expected.items():
        assert reason in found[f"community.{mid}.yaml::signature"], mid
    assert set(project.state()) == {"core", "acme-crm"}
    assert "INTERNALERROR" not in run.result.stdout.str()
