"""The registry of checks, in the order they run: names are node-id suffixes and marker names.

Adding a check is one module plus one element of `CHECKS` (DESIGN §5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.checks.dependencies import DependenciesCheck
from seeding_suite.checks.idempotency import IdempotencyCheck
from seeding_suite.checks.parse import ParseCheck
from seeding_suite.checks.references import ReferencesCheck
from seeding_suite.checks.schema import SchemaCheck
from seeding_suite.checks.signature import SignatureCheck

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seeding_suite.checks.base import Check
    from seeding_suite.signing.publishers import Publisher

CHECKS: tuple[Check, ...] = (
    ParseCheck(),
    SchemaCheck(),
    ReferencesCheck(),
    DependenciesCheck(),
    IdempotencyCheck(),
    SignatureCheck(),
)


def check_named(name: str, checks: Sequence[Check] = CHECKS) -> Check:
    """The check called `name` among `checks` (KeyError if there is none)."""
    for check in checks:
        if check.name == name:
            return check
    raise KeyError(name)


def configured_checks(
    idempotency_examples: int = 0, publishers: Sequence[Publisher] = ()
) -> list[Check]:
    """The checks, with the idempotency check's Hypothesis examples set (ini and option) and
    the signature check's publishers (pyproject.toml)."""
    configured: dict[str, Check] = {
        IdempotencyCheck.name: IdempotencyCheck(idempotency_examples),
        SignatureCheck.name: SignatureCheck(publishers=tuple(publishers)),
    }
    return [configured.get(c.name, c) for c in CHECKS]
