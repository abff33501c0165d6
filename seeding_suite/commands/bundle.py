"""`seeding-suite bundle [--seed-env NAME] [--output FILE]`: the catalog for the Convex-native
`init` (convex/integrations/init.ts), as a typed TypeScript module.

The checks run exactly as `seeding-suite validate` runs them, per environment (all configured
ones, or only `--seed-env`'s); what passed is written with the documents and checksums the
Python seeder writes. A manifest whose checks fail is left out and listed (exit 1, the file is
still written: the rest of the catalog stays seedable, as in a pytest run).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seeding_suite import __version__
from seeding_suite.bundle.render import render_bundle
from seeding_suite.environments import load_policies, select_policy
from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    import argparse

DEFAULT_OUTPUT = "convex/integrations/catalog.generated.ts"


def cmd_bundle(args: argparse.Namespace) -> int:
    """Write the catalog that passed its checks as convex/integrations/catalog.generated.ts."""
    from seeding_suite.bundle.collect import collect_environment  # it imports the commands

    policies = load_policies(Path.cwd())
    names = sorted(policies) if args.seed_env is None else [args.seed_env]
    for name in names:
        select_policy(name, policies)  # an unknown name is an error before anything runs
    envs = [collect_environment(name) for name in names]
    text = render_bundle(__version__, envs)
    output = Path(args.output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ConfigurationError(f"cannot write {output}: {exc.strerror or exc}") from exc
    failing = False
    for env in envs:
        for problem in env.problems:
            print(f"{env.name}: source problem: {problem}", file=sys.stderr)
        for left in env.left_out:
            if left.failed:
                failing = True
                print(f"{env.name}: left out {left.integration} ({left.file}): {left.reason}")
        print(
            f"{env.name}: {len(env.integrations)} integration(s), "
            f"{sum(len(i.docs) for i in env.integrations)} document(s), "
            f"catalog {env.catalog_checksum}"
        )
    print(f"wrote {output}")
    return 1 if failing or any(env.problems for env in envs) else 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("bundle", help=cmd_bundle.__doc__, description=__doc__)
    parser.add_argument(
        "--seed-env", metavar="NAME", help="only this environment (default: every configured one)"
    )
    parser.add_argument(
        "--output", default=DEFAULT_OUTPUT, metavar="FILE", help=f"default: {DEFAULT_OUTPUT}"
    )
    parser.set_defaults(run=cmd_bundle)
