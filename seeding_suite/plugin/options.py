"""Command-line options and ini keys of the plugin, in one group.

Help texts: capitalised, no trailing period for a single phrase (the xdist house rule).
Values are parsed here so a bad value fails at the command line, not mid-run.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from seeding_suite.argtypes import positive_number, seconds
from seeding_suite.plugin.audit_log import KEEP_DEFAULT

if TYPE_CHECKING:
    import pytest


def integration_list(value: str) -> frozenset[str]:
    """`a,b,c` -> {a, b, c}; empty names are an error."""
    names = [part.strip() for part in value.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated integration ids, got {value!r}")
    return frozenset(names)


def count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number (0 or more), got {value!r}")
    return number


def processes(value: str) -> int | None:
    """A process count, or None for `auto`."""
    return None if value == "auto" else count(value)


# The options below that take a value: pytest's early pass reads `--opt VALUE` as a test path
# (seeding_suite.plugin.rootdir). tests/unit/test_plugin_options.py keeps the list whole.
VALUED_OPTIONS = (
    "--manifest-root",
    "--convex-url",
    "--convex-rate",
    "--seeding-db",
    "--integrations",
    "--seed-env",
    "--plan-json",
    "--apply-plan",
    "--lock-wait",
    "--idempotency-examples",
    "--check-processes",
    "--metrics",
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("seeding-suite", "integration manifests: checks and seeding")
    group.addoption(
        "--manifest-root",
        action="append",
        default=[],
        metavar="PATH",
        help="Manifest root (repeatable); default: [tool.seeding_suite] manifest_roots "
        "or manifests/",
    )
    group.addoption(
        "--offline",
        action="store_true",
        default=False,
        help="Read registry sources from their verified cache only (expiry still enforced); "
        "never the network",
    )
    group.addoption(
        "--convex-url",
        default=None,
        metavar="URL",
        help="Seed this Convex deployment (key from CONVEX_DEPLOY_KEY or "
        "CONVEX_SELF_HOSTED_ADMIN_KEY); default: the embedded local target",
    )
    group.addoption(
        "--convex-rate",
        type=positive_number,
        default=None,
        metavar="N",
        help="At most N Convex calls per second (ini: seeding_convex_rate, default 100)",
    )
    group.addoption(
        "--seeding-db",
        default=None,
        metavar="PATH",
        help="SQLite file of the embedded target (default .seeding/local.sqlite3, or SEEDING_DB)",
    )
    group.addoption(
        "--integrations",
        type=integration_list,
        default=None,
        metavar="IDS",
        help="Seed exactly these integrations (comma-separated); their dependencies must be "
        "present in the target or seeded too",
    )
    group.addoption(
        "--seed-env",
        default=None,
        metavar="NAME",
        help="Environment to seed (development, staging, production; or SEEDING_ENV)",
    )
    group.addoption(
        "--confirm-production",
        action="store_true",
        help="Allow seeding an environment whose policy needs confirmation (production; or "
        "SEEDING_CONFIRM_PRODUCTION=1)",
    )
    group.addoption(
        "--allow-downgrade",
        action="store_true",
        help="Resolve downgrade conflicts by seeding the lower version",
    )
    group.addoption(
        "--force",
        action="store_true",
        help="Resolve every version conflict by overwriting (also same-version changes)",
    )
    group.addoption(
        "--plan",
        action="store_true",
        help="Compute the seed stage and print its plan; write nothing",
    )
    group.addoption(
        "--plan-json", default=None, metavar="FILE", help="With --plan: also write the plan as JSON"
    )
    group.addoption(
        "--apply-plan",
        default=None,
        metavar="FILE",
        help="Seed only if the plan computed now is exactly the one in FILE (from --plan-json)",
    )
    group.addoption(
        "--prune",
        action="store_true",
        help="Delete integrations the target holds but the catalog no longer has for the "
        "environment (shown in the plan first)",
    )
    group.addoption(
        "--prune-all",
        action="store_true",
        help="Prune even when that deletes more than half of the integrations the target holds "
        "(--prune alone refuses that; implies --prune)",
    )
    group.addoption(
        "--lock-wait",
        type=seconds,
        default=None,
        metavar="SECONDS",
        help="How long to wait for another seeder's lease on the target (ini: seeding_lock_wait, "
        "default 120)",
    )
    group.addoption(
        "--no-health-checks",
        action="store_true",
        help="Do not verify the target after applying (no automatic rollback)",
    )
    group.addoption(
        "--idempotency-examples",
        type=count,
        default=None,
        metavar="N",
        help="Hypothesis examples per manifest in the idempotency check (ini: "
        "seeding_idempotency_examples, default 0)",
    )
    parser.addini(
        "seeding_idempotency_examples",
        "Hypothesis examples per manifest in the idempotency check",
        default="0",
    )
    group.addoption(
        "--no-check-cache",
        action="store_true",
        help="Run every check, even those that passed before on exactly the same inputs "
        "(ini: seeding_check_cache = false)",
    )
    parser.addini(
        "seeding_check_cache",
        "Reuse passes of checks on unchanged inputs (.seeding/cache)",
        type="bool",
        default=True,
    )
    group.addoption(
        "--check-processes",
        type=processes,
        default=None,
        metavar="N|auto",
        help="Forked processes that check manifests (and load them for the seed stage) ahead "
        "of the items, in a run without xdist; 0 does everything in the pytest process. "
        "auto: one per CPU, at most 8, from 32 catalog manifests "
        "(ini: seeding_check_processes, default auto)",
    )
    group.addoption(
        "--metrics",
        default=None,
        metavar="FILE",
        help="Write the run's figures to FILE in the Prometheus text format (node_exporter's "
        "textfile collector): stage durations, documents per table and action, Convex calls, "
        "failures per check, reused checks",
    )
    parser.addini(
        "seeding_check_processes",
        "Processes that run the checks ahead of the items (a number, or auto)",
        default="auto",
    )
    parser.addini(
        "seeding_max_manifest_bytes",
        "Bytes one manifest file may have; a larger file fails its parse check",
        default=str(5 * 1024 * 1024),
    )
    parser.addini("seeding_db", "SQLite file of the embedded target", default="")
    parser.addini(
        "seeding_reports_keep",
        "Default audit logs (reports/seeding-*.xml) kept, newest first; 0 keeps all",
        default=str(KEEP_DEFAULT),
    )
    parser.addini("seeding_convex_rate", "Convex calls per second at most", default="100")
    parser.addini("seeding_convex_timeout", "Seconds before a Convex call times out", default="30")
    parser.addini("seeding_lock_wait", "Seconds to wait for another seeder's lease", default="120")
    parser.addini("seeding_lock_ttl", "Seconds a lease lives without renewal", default="60")
    parser.addini(
        "seeding_health_checks",
        "Project health checks run after applying: module:function, one per line",
        type="linelist",
        default=[],
    )
