"""The pytest11 entry point: options, markers, per-Config objects and file collection.

Hooks here only wire things up. Checking lives in `seeding_suite.runner`, the final seed
stage in `seeding_suite.plugin.session` (created only on the xdist controller or in a plain
run, the one process that sees every report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from seeding_suite.plugin.collector import CollectorSettings
from seeding_suite.plugin.options import add_options
from seeding_suite.plugin.reporting import REUSED
from seeding_suite.plugin.state import collector_key, runner_key, session_key

if TYPE_CHECKING:
    from collections.abc import Generator
    from pathlib import Path


CHECK_MARKERS = {
    "parse": "the manifest's YAML parses",
    "schema": "the manifest matches format version 1; embedded JSON Schemas are valid",
    "references": "ids are unique; every connection reference names a declared connection",
    "dependencies": "dependencies exist, versions satisfy ranges, no cycles",
    "idempotency": "seeding twice into a fresh fake Convex writes nothing the second time",
    "security": "no secrets, unsafe URLs, markup, hidden characters, lookalikes or bombs",
    "signature": "community and registry manifests are signed by a key pinned for their publisher",
}
SUFFIXES = (".yaml", ".yml")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    from seeding_suite.plugin import security_report

    security_report.add_options(parser.getgroup("seeding-suite"))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)  # before junitxml's configure reads --junitxml (DESIGN §8)
def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in CHECK_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: check: {help_text}")
    config.addinivalue_line(
        "markers", "seed: the final stage's outcome for an integration (its checks run too)"
    )
    config.addinivalue_line(
        "markers", "reseed: `-m reseed` rewrites the selected integrations even when unchanged"
    )
    from seeding_suite.plugin.collect import reach_roots
    from seeding_suite.plugin.prefetching import wanted_processes
    from seeding_suite.plugin.setup import make_runner, make_session

    if not _is_worker(config):
        from seeding_suite.plugin.options import VALUED_OPTIONS
        from seeding_suite.plugin.rootdir import check_rootdir

        check_rootdir(config, VALUED_OPTIONS)  # before anything else: the wrong project
    wanted_processes(config)  # a bad setting stops the run here, before collection

    runner = make_runner(config)
    config.stash[runner_key] = runner
    from seeding_suite.plugin import security_report

    security_report.configure(config, controller=not _is_worker(config))
    reach_roots(config, runner.catalog.roots)  # before collection: roots outside the args
    collector = config.stash[collector_key] = CollectorSettings()
    # The first cleanup registered runs last: after pytest's own end-of-run collections
    # (unraisableexception), which then skip the frozen run instead of walking all of it.
    config.add_cleanup(collector.restore)
    if not _is_worker(config) and not config.option.collectonly:
        session = make_session(config, runner)
        config.stash[session_key] = session
        config.pluginmanager.register(session, "seeding-suite-session")
        from seeding_suite.plugin.monitor import register_monitor

        register_monitor(config, session)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Mark a reused pass on its report: xdist carries it to the controller, which counts."""
    report = yield
    if call.when == "call" and getattr(item, "reused", False):
        setattr(report, REUSED, True)
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    """A seed item reports nothing where it runs: the controller's stage reports it."""
    from seeding_suite.plugin.collect import SeedItem, defer

    if not isinstance(item, SeedItem):
        return None
    defer(item, nextitem)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    from seeding_suite.plugin.prefetching import fork_ahead

    config = session.config
    fork_ahead(session, config.stash[runner_key], config.stash[collector_key])


def pytest_collection_finish(session: pytest.Session) -> None:
    from seeding_suite.plugin.prefetching import deal_ahead

    if deal_ahead(session, session.config.stash[runner_key]):
        session.config.stash[collector_key].freeze()  # a run of other tests is left as it is


def pytest_sessionfinish(session: pytest.Session) -> None:
    runner = session.config.stash[runner_key]
    if runner.prefetch is not None:
        runner.prefetch.close()  # kept: the terminal summary reports what it did
    if runner.cache is not None and runner.cache.loaded:  # else: nothing to list or save
        from seeding_suite.cache import capacity_for

        runner.cache.save(capacity_for(len(runner.catalog.files())))


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(session_key, None)
    if session is not None:
        session.close()
        config.pluginmanager.unregister(session)
        del config.stash[session_key]


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection: a source problem is an item like any
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Each source problem (an unreadable folder, a registry refused) as a failing item."""
    problems = config.stash[runner_key].catalog.problems()
    if problems:
        from seeding_suite.plugin.source_problems import problem_items

        items[:0] = problem_items(session, problems)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip a folder link that is an alias inside the roots: its target is collected itself.

    Skip a folder a source could not read: its source problem is the item that names it.
    """
    problems = config.stash[runner_key].catalog.problems()
    if problems:
        from seeding_suite.plugin.source_problems import unreadable

        if unreadable(collection_path, config, problems):
            return True
    if not collection_path.is_symlink():
        return None
    from seeding_suite.sources.symlinks import refusal

    if not collection_path.is_dir() or not _under_roots(collection_path, config):
        return None
    catalog = config.stash[runner_key].catalog
    alias = refusal(collection_path, catalog.roots, catalog.rootdir) is None
    return True if alias else None  # a refused link is collected as a failing item


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A folder link under a root that loops or leaves the roots: one failing item, no walk."""
    return _refused_link(path, parent)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in SUFFIXES:
        return None
    if file_path.is_symlink():
        return _refused_link(file_path, parent)  # None: an alias, collected under its target
    roots = parent.config.stash[runner_key].catalog.roots
    if not any(file_path.resolve().is_relative_to(root) for root in roots):
        return None
    from seeding_suite.plugin.collect import ManifestFile

    return ManifestFile.from_parent(parent, path=file_path)


def _under_roots(path: Path, config: pytest.Config) -> bool:
    from seeding_suite.sources.symlinks import located

    here = located(path)
    return any(here.is_relative_to(root) for root in config.stash[runner_key].catalog.roots)


def _refused_link(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not path.is_symlink() or not _under_roots(path, parent.config):
        return None
    from seeding_suite.sources.symlinks import refusal

    catalog = parent.config.stash[runner_key].catalog
    reason = refusal(path, catalog.roots, catalog.rootdir)
    if reason is None:
        return None
    from seeding_suite.plugin.collect import RefusedLink

    return RefusedLink.from_parent(parent, path=path, reason=reason)
