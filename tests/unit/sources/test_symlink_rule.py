"""`seeding_suite.sources.symlinks`: which links are aliases, which are refused, and the walk."""

from __future__ import annotations

import os
from pathlib import Path

from seeding_suite.sources.symlinks import refusal, walk


def test_an_alias_inside_the_roots_is_not_refused(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    os.symlink("a", root / "b")
    os.symlink("a/x.yaml", root / "y.yaml")
    assert refusal(root / "b", [root], tmp_path) is None
    assert refusal(root / "y.yaml", [root], tmp_path) is None


def test_a_link_into_another_root_is_an_alias(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    os.symlink(two, one / "other")
    assert refusal(one / "other", [one, two], tmp_path) is None


def test_loops_and_dangling_links_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "manifests"
    (root / "deep" / "er").mkdir(parents=True)
    os.symlink("../..", root / "deep" / "er" / "up")
    os.symlink("self.yaml", root / "self.yaml")
    os.symlink("gone.yaml", root / "dangling.yaml")
    assert refusal(root / "deep" / "er" / "up", [root], tmp_path) == (
        "manifests/deep/er/up is a symbolic link to manifests, a folder that contains it: "
        "a loop; not followed (remove the link)"
    )
    assert "manifests/self.yaml is a symbolic link" in (
        refusal(root / "self.yaml", [root], tmp_path) or ""
    )
    assert "cannot be followed" in (refusal(root / "dangling.yaml", [root], tmp_path) or "")


def test_the_walk_lists_links_without_entering_them_and_skips_hidden_names(
    tmp_path: Path,
) -> None:
    root = tmp_path / "manifests"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / ".git" / "x.yaml").write_text("", encoding="utf-8")
    (root / "sub" / "a.yaml").write_text("", encoding="utf-8")
    os.symlink("..", root / "sub" / "up")
    found = sorted((p.relative_to(root).as_posix(), link) for p, link in walk(root))
    assert found == [("sub", False), ("sub/a.yaml", False), ("sub/up", True)]
