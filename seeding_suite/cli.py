"""The `seeding-suite` command: schema, state and serve. Each command is a thin skin over the
library; library errors become a message and exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seeding_suite.errors import SeedingSuiteError
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
    from seeding_suite.schema_export import manifest_json_schema

    text = json.dumps(manifest_json_schema(), indent=2, sort_keys=True) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_state(args: argparse.Namespace) -> int:
    """Print what a target holds, one line per integration (like `terraform show`)."""
    from seeding_suite.engine.inventory import integration_states
    from seeding_suite.targets.open import open_target

    settings = target_settings(url=args.convex_url, db=args.db, rootdir=Path.cwd())
    target = open_target(settings)
    try:
        states = integration_states(target)
    finally:
        target.close()
    if args.json:
        sys.stdout.write(json.dumps(states, indent=2, sort_keys=True) + "\n")
        return 0
    print(f"target: {settings.description}")
    for row in states:
        print(
            f"{row['integration']:<28} {row['version']:<12} {row['checksum'][:22]}  {row['runId']}"
        )
    print(f"{len(states)} integration(s)")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the embedded target over the Convex wire protocol on loopback."""
    from fakes.convex import make_wsgi_app, serve
    from seeding_suite.targets.local import seeding_deployment

    key = os.environ.get(ADMIN_KEY_VAR)
    if not key:
        raise SeedingSuiteError(f"set {ADMIN_KEY_VAR}: `serve` accepts only that admin key")
    db = None if args.memory else Path(args.db or ".seeding/local.sqlite3")
    fake = seeding_deployment(db)
    server = serve(make_wsgi_app(fake, admin_key=key), port=args.port)
    print(server.url, flush=True)  # the first line of output, for scripts (DESIGN §6)
    signal.signal(signal.SIGTERM, lambda *_: server.shutdown())
    try:
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        fake.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seeding-suite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    schema = sub.add_parser("schema", help=cmd_schema.__doc__)
    schema.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    schema.set_defaults(run=cmd_schema)
    state = sub.add_parser("state", help=cmd_state.__doc__)
    _target_options(state)
    state.add_argument("--json", action="store_true", help="machine-readable output")
    state.set_defaults(run=cmd_state)
    serve_cmd = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve_cmd.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    serve_cmd.add_argument(
        "--db", metavar="PATH", help="SQLite file (default .seeding/local.sqlite3)"
    )
    serve_cmd.add_argument("--memory", action="store_true", help="serve an in-memory deployment")
    serve_cmd.set_defaults(run=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: Any = args.run(args)
    except SeedingSuiteError as exc:
        print(f"seeding-suite: {exc}", file=sys.stderr)
        return 2
    return int(result)


if __name__ == "__main__":
    sys.exit(main())
