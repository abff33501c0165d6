"""`seeding-suite registry init|delegate|add|refresh DIR --keys KEYS`: maintain a registry.

DIR becomes a TUF repository any static web server can serve (`python -m http.server -d DIR`);
KEYS is a folder of signing keys the operator keeps, never inside what is served. `init` prints
the root file projects pin; `refresh` is run before the timestamp expires (weekly, by cron).
Exit 0 when done; 2 when refused (a missing key, a republished version, a bad name).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite.errors import ConfigurationError
from seeding_suite.sources.registries import maintain

if TYPE_CHECKING:
    import argparse


def cmd_registry(args: argparse.Namespace) -> int:
    """Create, extend and re-sign a registry (a TUF repository) of signed manifests."""
    directory, key_dir = Path(args.directory), Path(args.keys)
    if key_dir.resolve().is_relative_to(directory.resolve()):
        raise ConfigurationError(f"keep the keys outside the served directory {directory}")
    if args.action == "init":
        root = maintain.init(directory, key_dir)
        print(f"registry created; projects pin {root} as the source's `root`")
    elif args.action == "delegate":
        key = maintain.delegate(directory, key_dir, args.name, args.ids)
        print(f"publisher {args.name} may sign {', '.join(args.ids)}; its key: {key}")
    elif args.action == "add":
        signature = Path(args.manifest + ".minisig")
        added = maintain.add(
            directory, key_dir, Path(args.manifest), signature if signature.is_file() else None
        )
        signed = "with its signature" if signature.is_file() else "unsigned"
        print(f"added {added.integration} {added.version} ({signed}), signed by role {added.role}")
    else:
        print(f"re-signed: {', '.join(maintain.refresh(directory, key_dir))}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("registry", help=cmd_registry.__doc__, description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, help_text in (
        ("init", "a new registry in DIR, keys in KEYS"),
        ("delegate", "a publisher role trusted for some ids only"),
        ("add", "a manifest (and MANIFEST.minisig beside it) as a new version"),
        ("refresh", "re-sign what expires soon, and a new snapshot and timestamp"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("directory", metavar="DIR", help="the registry's served directory")
        action.add_argument("--keys", required=True, metavar="KEYS", help="the signing keys")
        if name == "delegate":
            action.add_argument("name", metavar="PUBLISHER", help="the role's name, e.g. acme")
            action.add_argument(
                "--ids", action="append", required=True, metavar="GLOB", help="e.g. 'acme-*'"
            )
        if name == "add":
            action.add_argument("manifest", metavar="MANIFEST", help="the manifest file")
    parser.set_defaults(run=cmd_registry)
