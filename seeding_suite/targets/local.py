"""In-process targets: a fake Convex with the seeding functions, in memory or in SQLite.

The embedded default target (DESIGN §6) is this fake persisted at .seeding/local.sqlite3; the
idempotency check uses a fresh in-memory one per manifest. Both behave as the same fake served
over HTTP by `seeding-suite serve`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.convex import FakeConvex, FunctionFailure, OccFailure, SqliteStorage, SystemClock
from seeding_suite.errors import ConvexTransportError, function_error
from seeding_suite.remote import FUNCTIONS
from seeding_suite.targets.twin import register_seeding_functions, seeding_schema

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from fakes.convex import Clock


def seeding_deployment(
    db: Path | None = None,
    *,
    seed: int | None = None,
    clock: Clock | None = None,
    read_only: bool = False,
) -> FakeConvex:
    """A fake deployment with the seeding schema and functions; persisted when `db` is given.

    `clock` is the deployment's time (creation times and lease expiry); tests pass one they move.
    `read_only` reads the file's committed state beside its writer and refuses every write.
    """
    storage = None if db is None else SqliteStorage(db, read_only=read_only)
    clock = clock if clock is not None else SystemClock()
    fake = FakeConvex(seeding_schema(), storage=storage, clock=clock, seed=seed)
    return register_seeding_functions(fake, clock)


class LocalTarget:
    """A ConvexTarget calling a FakeConvex directly, as the admin."""

    def __init__(
        self,
        fake: FakeConvex,
        description: str = "memory",
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.fake = fake
        self._on_close = on_close
        self._description = description

    @property
    def description(self) -> str:
        return self._description

    def _call(self, path: str, args: dict[str, Any]) -> Any:
        try:
            return self.fake.call(path, args, kind=FUNCTIONS.get(path, "any"), admin=True)
        except FunctionFailure as exc:
            raise function_error(
                f"{path} failed: {exc.message}", exc.data, has_data=exc.data is not None
            ) from exc
        except OccFailure as exc:
            raise ConvexTransportError(f"{path} failed: {exc}") from exc

    def query(self, path: str, args: dict[str, Any]) -> Any:
        return self._call(path, args)

    def mutation(self, path: str, args: dict[str, Any]) -> Any:
        return self._call(path, args)

    def close(self) -> None:
        self.fake.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None
