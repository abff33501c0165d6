"""Commands for integration authors: `validate`, `new`, `preview` and `bundle` (one module each).

They run the engine the pytest plugin runs (seeding_suite.runner, catalog, engine) for people
who do not think in pytest; none of them imports pytest (an import-linter contract).
cli.py only registers them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.commands import bundle, new, preview, validate

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    TargetOptions = Callable[[argparse.ArgumentParser], None]


def add_author_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], target_options: TargetOptions
) -> None:
    """Register `validate`, `new`, `preview` and `bundle` (preview with the target options)."""
    validate.register(sub)
    bundle.register(sub)
    new.register(sub)
    preview.register(sub, target_options)
