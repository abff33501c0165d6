"""TUF's exceptions translated into one refusal type with a reason a person can act on.

python-tuf raises a family of exceptions (expired, rolled back, badly signed, tampered,
unreachable); everything above the client sees one `RegistryError` whose `kind` names the
defence that refused, and whose message names the registry and the file.
"""

from __future__ import annotations

from typing import Literal

from tuf.api import exceptions

from seeding_suite.errors import SeedingSuiteError

Kind = Literal[
    "unreachable", "expired", "rollback", "signature", "tampered", "not-found", "invalid", "pin"
]


class RegistryError(SeedingSuiteError):
    """A registry could not be used: `kind` says which defence refused, the text says why."""

    def __init__(self, registry: str, kind: Kind, detail: str) -> None:
        super().__init__(f"registry {registry!r}: {_HEADLINES[kind]}: {detail}")
        self.registry = registry
        self.kind: Kind = kind
        self.detail = detail


_HEADLINES: dict[Kind, str] = {
    "unreachable": "cannot be reached",
    "expired": "expired metadata (a freeze attack, or the maintainer must run `registry refresh`)",
    "rollback": "metadata older than already seen (a rollback or mix-and-match attack)",
    "signature": "metadata not signed by enough trusted keys",
    "tampered": "a file does not match its signed length and hashes",
    "not-found": "not signed by any role trusted for its path",
    "invalid": "failed verification",
    "pin": "a pinned file differs from marketplace.lock",
}


def _describe(exc: BaseException) -> str:
    """The first informative message along the exception's causes, on one line.

    python-tuf wraps a refused connection in a SlowRetrievalError without a message; the
    urllib3 error it was raised from says what happened ("Connection refused").
    """
    seen: BaseException | None = exc
    while seen is not None:
        reason = getattr(seen, "reason", None)  # urllib3's MaxRetryError: the real error
        text = str(reason) if isinstance(reason, BaseException) else str(seen)
        if text:
            return " ".join(text.split())
        seen = seen.__cause__ or seen.__context__
    return type(exc).__name__


def refusal(registry: str, exc: Exception) -> RegistryError:
    """The RegistryError for what python-tuf (or the disk) raised while reading `registry`.

    The order matters: python-tuf's more specific exceptions subclass RepositoryError.
    """
    detail = _describe(exc)
    if isinstance(exc, exceptions.ExpiredMetadataError):
        return RegistryError(registry, "expired", detail)
    if isinstance(exc, exceptions.BadVersionNumberError):
        return RegistryError(registry, "rollback", detail)
    if isinstance(exc, exceptions.UnsignedMetadataError):
        return RegistryError(registry, "signature", detail)
    mismatch = exceptions.LengthOrHashMismatchError | exceptions.DownloadLengthMismatchError
    if isinstance(exc, mismatch):
        return RegistryError(registry, "tampered", detail)
    if isinstance(exc, exceptions.DownloadError):
        return RegistryError(registry, "unreachable", detail)
    if isinstance(exc, exceptions.RepositoryError):
        return RegistryError(registry, "invalid", detail)
    if isinstance(exc, OSError):
        return RegistryError(registry, "unreachable", f"local cache: {detail}")
    return RegistryError(registry, "invalid", detail)
