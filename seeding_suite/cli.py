"""The `seeding-suite` command: thin skins over the library.

Exit codes (README, "Exit codes"): 0 done and nothing to report; 1 the command ran and found
something (drift, duplicate keys, a refused rollback); 2 it could not run (usage, a missing
store or manifest root, a target that failed or refused). Errors are one line, never a
traceback, a closed pipe included.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite import __version__
from seeding_suite.argtypes import bounded_int, positive_number, seconds
from seeding_suite.cli_runs import add_run_commands
from seeding_suite.commands import add_author_commands, install, registry, report, update, usage
from seeding_suite.commands.rollout import add_rollout_commands
from seeding_suite.errors import ConvexFunctionError, SeedingSuiteError
from seeding_suite.settings import target_settings

if TYPE_CHECKING:
    from collections.abc import Sequence

ADMIN_KEY_VAR = "CONVEX_SELF_HOSTED_ADMIN_KEY"


def _target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--convex-url", metavar="URL", help="a Convex deployment (key from env)")
    parser.add_argument(
        "--seeding-db", "--db", dest="db", metavar="PATH", help="the embedded target's SQLite file"
    )


def cmd_schema(args: argparse.Namespace) -> int:
    """Print (or write) the JSON Schema of the manifest format."""
    from seeding_suite.schema_export import manifest_json_schema_text

    text = manifest_json_schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    """Print what a target holds, one line per integration (like `terraform show`).

    Exit 1 when a natural key is held by two documents (each is named). An embedded store that
    a writer (e.g. `serve`) holds is read as that writer last committed it, naming the writer.
    """
    from seeding_suite.engine.inventory import inventory
    from seeding_suite.targets.open import open_target, require_store
    from seeding_suite.targets.store_lock import current_holder

    settings = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=Path.cwd()))
    target = open_target(settings, read_only=True)
    try:
        states, duplicates = inventory(target)
    finally:
        target.close()
    for duplicate in duplicates:
        print(f"seeding-suite: duplicate {duplicate.describe()}", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps(states, indent=2, sort_keys=True) + "\n")
        return 1 if duplicates else 0
    holder = None if settings.url is not None else current_holder(settings.db)
    print(f"target: {settings.description}" + (f" (written by {holder})" if holder else ""))
    for row in states:
        print(
            f"{row['integration']:<28} {row['version']:<12} {row['checksum'][:22]}  {row['runId']}"
        )
    summary = f"{len(states)} integration(s)"
    if duplicates:
        summary += f", {len(duplicates)} natural key(s) held by more than one document"
    print(summary)
    return 1 if duplicates else 0


def cmd_drift(args: argparse.Namespace) -> int:
    """Compare a target with the catalog (or with another target); exit 1 on any drift."""
    from seeding_suite.commands.catalog_view import catalog_view
    from seeding_suite.engine import drift
    from seeding_suite.engine.seeder import Seeder
    from seeding_suite.targets.open import open_target, require_store

    root = Path.cwd()
    view = catalog_view(root, args.seed_env, args.manifest_root or ())
    desired = view.desired
    first = require_store(target_settings(url=args.convex_url, db=args.db, rootdir=root))
    states = []
    for settings in [first] + (
        []
        if not (args.against_url or args.against_db)
        else [
            require_store(target_settings(url=args.against_url, db=args.against_db, rootdir=root))
        ]
    ):
        target = open_target(settings, read_only=True)
        try:
            states.append((settings.description, Seeder(target).read_state(verify=True)))
        finally:
            target.close()
    if len(states) == 1:
        found = drift.against_desired(desired, states[0][1], states[0][0], view.excluded())
    else:
        names = (states[0][0], states[1][0])
        found = drift.between(states[0][1], states[1][1], [d.id for d in desired], names)
    if args.json:
        sys.stdout.write(json.dumps([d.to_json() for d in found], indent=2) + "\n")
    else:
        for difference in found:
            print(difference.render())
        print(
            f"{len(found)} difference(s) in {view.environment}: "
            + " vs ".join(n for n, _ in states)
        )
    return 1 if found else 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the embedded target over the Convex wire protocol on loopback."""
    from fakes.convex import ServerLimits, make_wsgi_app, serve
    from seeding_suite.settings import DEFAULT_DB
    from seeding_suite.targets.local import LocalTarget, seeding_deployment
    from seeding_suite.targets.open import open_store

    key = os.environ.get(ADMIN_KEY_VAR)
    if not key:
        raise SeedingSuiteError(f"set {ADMIN_KEY_VAR}: `serve` accepts only that admin key")
    # The server is the store's one writer for as long as it runs (targets/store_lock.py).
    target = (
        LocalTarget(seeding_deployment())
        if args.memory
        else open_store(
            Path(args.db or DEFAULT_DB).absolute(),
            holder="seeding-suite serve",
            wait_seconds=args.lock_wait,
        )
    )
    try:
        limits = ServerLimits(workers=args.workers, request_timeout=args.read_timeout)
        server = serve(make_wsgi_app(target.fake, admin_key=key), port=args.port, limits=limits)
    except BaseException:
        target.close()
        raise
    print(server.url, flush=True)  # the first line of output, for scripts (DESIGN §6)
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown())
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        target.close()
    return 0


def summary(command: Any) -> str:
    """A command's one-line help: the first line of its docstring."""
    return str(command.__doc__).strip().splitlines()[0]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seeding-suite",
        description="Check integration manifests and seed them into Convex: the commands "
        "around the pytest plugin.",
        epilog="Exit codes: 0 ok; 1 something found (drift, duplicates, a refused rollback); "
        "2 usage or target error.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    schema = sub.add_parser("schema", help=summary(cmd_schema))
    schema.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    schema.set_defaults(run=cmd_schema)
    state = sub.add_parser("state", help=summary(cmd_state))
    _target_options(state)
    state.add_argument("--json", action="store_true", help="machine-readable output")
    state.set_defaults(run=cmd_state)
    drift_cmd = sub.add_parser("drift", help=summary(cmd_drift))
    _target_options(drift_cmd)
    drift_cmd.add_argument("--against-url", metavar="URL", help="compare with this deployment")
    drift_cmd.add_argument("--against-db", metavar="PATH", help="compare with this embedded store")
    drift_cmd.add_argument("--seed-env", metavar="NAME", help="environment (or SEEDING_ENV)")
    drift_cmd.add_argument("--manifest-root", action="append", metavar="PATH", help="manifest root")
    drift_cmd.add_argument("--json", action="store_true", help="machine-readable output")
    drift_cmd.set_defaults(run=cmd_drift)
    add_run_commands(sub, _target_options)
    add_author_commands(sub, _target_options)
    add_rollout_commands(sub, _target_options)
    install.register(sub)
    update.register(sub)
    registry.register(sub)
    report.register(sub, _target_options)
    usage.register(sub, _target_options)
    serve_cmd = sub.add_parser("serve", help=summary(cmd_serve))
    serve_cmd.add_argument(
        "--port", type=bounded_int(0, 65535), default=0, help="port (default: any free port)"
    )
    serve_cmd.add_argument(
        "--db", metavar="PATH", help="SQLite file (default .seeding/local.sqlite3)"
    )
    serve_cmd.add_argument("--memory", action="store_true", help="serve an in-memory deployment")
    serve_cmd.add_argument(
        "--lock-wait",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="how long to wait while another process writes the store (default 0: refuse)",
    )
    serve_cmd.add_argument(
        "--read-timeout",
        type=positive_number,
        default=30.0,
        metavar="SECONDS",
        help="a request must arrive whole within this; slower clients are dropped (default 30)",
    )
    serve_cmd.add_argument(
        "--workers",
        type=bounded_int(1, 256),
        default=8,
        help="threads running requests (default 8)",
    )
    serve_cmd.set_defaults(run=cmd_serve)
    return parser


def _message(exc: SeedingSuiteError) -> str:
    """One line for an error: a function the target refused says what it refused, not the
    wire form (`Uncaught ConvexError: {"code": ...}`)."""
    data = exc.data if isinstance(exc, ConvexFunctionError) else None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        code = f" [{data['code']}]" if isinstance(data.get("code"), str) else ""
        return f"the target refused the call: {data['message']}{code}"
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: Any = args.run(args)
        sys.stdout.flush()
    except SeedingSuiteError as exc:
        print(f"seeding-suite: {_message(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`seeding-suite runs | head`): stop quietly, as Python's docs
        # advise (signal module, "Note on SIGPIPE"): point stdout at devnull so the flush at
        # exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("seeding-suite: interrupted", file=sys.stderr)
        return 130
    return int(result)


if __name__ == "__main__":
    sys.exit(main())
