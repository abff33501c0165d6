"""`seeding-suite validate` with sources: community files keep their trust when named, and a
source that cannot be read is an error, not an empty folder."""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING

import pytest

from seeding_suite.cli import main
from tests.support.minisign import OwnKey
from tests.support.project import community_pyproject, manifest

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDING_ENV", raising=False)
    pyproject = community_pyproject(OwnKey.generate().public)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for folder, mid in (("manifests", "core"), ("community", "acme-crm")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{mid}.yaml").write_text(manifest(mid), encoding="utf-8")
    return tmp_path


def test_a_community_file_named_on_the_command_line_stays_community(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", "community/acme-crm.yaml"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[signature] community/acme-crm.yaml:1:1: unsigned:" in out


def test_an_unreadable_source_folder_is_printed_and_fails_validate(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "community" / "acme-crm.yaml").unlink()
    (project / "community" / "private").mkdir()
    real = os.scandir

    def scandir(path: str) -> object:  # root reads any folder: EACCES as a user meets it
        if os.fspath(path).endswith("private"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr("seeding_suite.sources.symlinks.os.scandir", scandir)
    code = main(["validate"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "source problem: community/private: source 'community': the folder cannot be read: "
        "Permission denied"
    ) in out
