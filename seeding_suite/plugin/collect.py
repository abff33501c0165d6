"""Collection: one pytest File per manifest, one Item per check and its seed item (DESIGN §5).

Collection reads nothing: pytest-xdist collects every file in every worker, so the YAML is
parsed when the first item of a file runs, once per process (the runner memoizes).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.state import runner_key

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    from seeding_suite.findings import Finding


class ManifestCheckFailed(Exception):
    """A check found mistakes in the manifest (rendered without a traceback)."""

    def __init__(self, findings: tuple[Finding, ...]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


class ManifestFile(pytest.File):
    """A manifest; its items are the checks, in order."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent contract
        self.properties: list[tuple[str, str]] | None = None  # its items' audit-log properties

    def collect(self) -> Iterator[CheckItem | SeedItem]:
        for name in self.config.stash[runner_key].names:
            yield CheckItem.from_parent(self, name=name)
        yield SeedItem.from_parent(self, name=SeedItem.NAME)


class CheckItem(pytest.Item):
    """One check of one manifest: `manifests/stripe.yaml::schema`."""

    parent: ManifestFile

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent contract
        # The check's marker, and `reseed` so `-m reseed` keeps the gating checks (DESIGN §5).
        # Shared Mark objects, and not add_marker(): that also adds a keyword, which every
        # report copies (a sixth key grows each report's keyword dict to the next size). With
        # the properties shared per file, this took 10,000 manifests from 579 MB to 540 MB.
        self.own_markers.extend(_marks(self.name))
        self.reused = False  # set by runtest: the pass came from the result cache

    def runtest(self) -> None:
        runner = self.config.stash[runner_key]
        outcome = runner.run(self.name, self.path)
        self.reused = outcome.cached
        self._record_properties()
        if outcome.status == "skipped":
            # Located at the item (the manifest, see reportinfo), as @pytest.mark.skip is: a
            # plain pytest.skip() is reported at the line that raised it, inside this plugin.
            raise pytest.skip.Exception(outcome.reason or "not run", _use_item_location=True)
        if outcome.status == "failed":
            raise ManifestCheckFailed(outcome.findings)

    def _record_properties(self) -> None:
        """`integration`, `version`, `checksum` for the audit log (str values: xdist-safe)."""
        if self.parent.properties is None:  # once per file: its items share the tuples
            runner = self.config.stash[runner_key]
            integration, version, checksum = self.path.stem, "", ""
            if runner.run("schema", self.path).status == "passed":
                integration, version, checksum = runner.properties(self.path)
            self.parent.properties = [
                ("integration", integration),
                ("version", version),
                ("checksum", checksum),
            ]
        self.user_properties.extend(self.parent.properties)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: object = None,
    ) -> str:
        if isinstance(excinfo.value, ManifestCheckFailed):
            from seeding_suite.findings import render_all

            return render_all(excinfo.value.findings)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The domain must not be a suffix of the node id (research: pytest-plugin.md §1.3).
        # Line 0 (shown as 1): a check is about the whole file; a skip is reported there.
        return self.path, 0, f"{self.name} ({self.path.name})"


class SeedItem(pytest.Item):
    """The final stage's outcome for one manifest: `manifests/stripe.yaml::seed`.

    Collected like the checks, so `--co` lists it, its node id and `-m seed` select it, and
    the header's count, the progress and the final counts agree. It does nothing where it is
    run (see `defer`): the controller seeds every selected manifest at once after the loop,
    in dependency order, and reports each seed item then (plugin/session.py). A selected seed
    item whose checks were not selected has them run by the stage.
    """

    NAME = "seed"
    parent: ManifestFile

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent contract
        self.own_markers.extend(_marks(self.NAME))  # `seed`, and `reseed` (-m reseed keeps it)

    def runtest(self) -> None:
        """Nothing here: the outcome is the stage's (see the class docstring)."""

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"seed ({self.path.name})"


def defer(item: SeedItem, nextitem: pytest.Item | None) -> None:
    """Pass a seed item by in the loop, reporting nothing: its report comes from the stage.

    The protocol still runs (unlogged) so that pytest sets up and tears down the collectors
    around it as it does for any item: skipping it outright would leave its file set up when
    the next item belongs to another file.
    """
    from _pytest.runner import runtestprotocol  # public since pytest 2; a contract test guards it

    runtestprotocol(item, log=False, nextitem=nextitem)


class RefusedLink(pytest.File):
    """A symbolic link under a manifest root that is not followed (seeding_suite.sources.symlinks).

    It collects to one failing item, `manifests/sub/up::symlink`, so the link is named in the
    terminal and the audit log, while every manifest that is read is still checked and seeded.
    """

    def __init__(self, *, reason: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]  # pytest's from_parent contract
        self.reason = reason

    def collect(self) -> Iterator[RefusedLinkItem]:
        yield RefusedLinkItem.from_parent(self, name="symlink")


class Refused(Exception):
    """What a `ReasonItem` fails with: rendered as its reason alone, no traceback."""


class ReasonItem(pytest.Item):
    """An item that only fails, with one reason: a refused link, a source's problem.

    Subclasses say why (`reason`) and how the terminal labels them (`label`).
    """

    def reason(self) -> str:
        raise NotImplementedError

    def label(self) -> str:
        raise NotImplementedError

    def runtest(self) -> None:
        raise Refused(self.reason())

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: object = None,
    ) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.label()


class RefusedLinkItem(ReasonItem):
    """The failing item of a refused link."""

    parent: RefusedLink

    def reason(self) -> str:
        return self.parent.reason

    def label(self) -> str:
        return f"symlink ({self.path.name})"


def reach_roots(config: pytest.Config, roots: Sequence[Path]) -> None:
    """Make a run without explicit paths collect every manifest root, wherever it lies.

    pytest walks only its arguments, or `testpaths`, or the invocation directory: a root
    outside them (`--manifest-root /elsewhere`) was in the catalog but collected nothing, so
    none of its manifests could pass a check. Such roots join the run's arguments; paths
    given on the command line are left exactly as they are.
    """
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        return
    base = config.invocation_params.dir
    reached = [(base / arg.partition("::")[0]).resolve() for arg in config.args]
    for root in roots:
        if not any(root.is_relative_to(path) for path in reached):
            config.args.append(str(root))
            reached.append(root)


@functools.cache
def _marks(check: str) -> tuple[pytest.Mark, ...]:
    return (getattr(pytest.mark, check).mark, pytest.mark.reseed.mark)
