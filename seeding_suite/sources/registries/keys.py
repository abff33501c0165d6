"""A registry's signing keys: one Ed25519 key per role, in files the operator keeps.

`KEYS/<role>.pem` holds the private key (PKCS#8 PEM, readable by its owner only). The public
half is in the metadata that delegates to the role (root for the top-level roles, the
delegating targets role for a publisher), so nothing else needs storing. Keys never live in
the served directory: the maintainer's commands take the key folder separately.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner, Key, SSlibKey

from seeding_suite.errors import ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path


def key_file(keys: Path, role: str) -> Path:
    return keys / f"{role}.pem"


def generate(keys: Path, role: str) -> CryptoSigner:
    """A new key for `role`, written to KEYS/<role>.pem; an existing file is never replaced."""
    keys.mkdir(parents=True, exist_ok=True)
    path = key_file(keys, role)
    signer = CryptoSigner.generate_ed25519()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigurationError(f"{path} exists: refusing to replace a signing key") from None
    with os.fdopen(fd, "wb") as out:
        out.write(signer.private_bytes)
    return signer


def load(keys: Path, role: str, public: Key) -> CryptoSigner | None:
    """The signer for `role` from KEYS, or None when the operator does not hold that key.

    A key file that does not match the public key the metadata trusts is an error: signing
    with it would produce metadata no client accepts.
    """
    path = key_file(keys, role)
    if not path.is_file():
        return None
    if not isinstance(public, SSlibKey):
        raise ConfigurationError(f"{role}: unsupported key type {public.keytype}")
    try:
        private = load_pem_private_key(path.read_bytes(), password=None)
        return CryptoSigner(private, public)
    except ValueError as exc:
        raise ConfigurationError(
            f"{path}: not the key the registry trusts for {role} ({exc})"
        ) from None
