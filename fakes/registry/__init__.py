"""`fakes.registry`: a TUF registry for tests, built with the real python-tuf, on loopback.

`FakeRepository` holds the roles and the files a static server would serve; `serve` puts it
on a loopback port; `fakes.registry.attacks` makes it misbehave on purpose.
It never imports `seeding_suite`.
"""

from __future__ import annotations

from fakes.registry.repository import FakeRepository
from fakes.registry.server import RegistryServer, serve

__all__ = ["FakeRepository", "RegistryServer", "serve"]
