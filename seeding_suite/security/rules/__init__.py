"""The security rules, in the order they report: one module each, one interface (`base.Rule`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seeding_suite.security.rules.connections import ConnectionsRule
from seeding_suite.security.rules.impersonation import ImpersonationRule
from seeding_suite.security.rules.markup import MarkupRule
from seeding_suite.security.rules.payloads import PayloadsRule
from seeding_suite.security.rules.resources import ResourcesRule
from seeding_suite.security.rules.secrets import SecretsRule
from seeding_suite.security.rules.unicode import UnicodeRule
from seeding_suite.security.rules.urls import UrlsRule

if TYPE_CHECKING:
    from seeding_suite.security.rules.base import Rule

RULES: tuple[Rule, ...] = (
    SecretsRule(),
    UrlsRule(),
    MarkupRule(),
    UnicodeRule(),
    ImpersonationRule(),
    ResourcesRule(),
    PayloadsRule(),
    ConnectionsRule(),
)
