"""Signing manifests in tests: with the real `minisign` tool, and with a small signer of our own
for what the tool is not asked to make (hostile and hand-altered signature files).

Our signer writes minisign's documented format (https://jedisct1.github.io/minisign/): the
verifier under test is checked against the real tool's output first, then against this.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

if TYPE_CHECKING:
    from pathlib import Path

MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(
    MINISIGN is None,
    reason="the minisign tool is not installed (Debian: apt-get install minisign; make test "
    "installs it when run as root)",
)


@dataclass(frozen=True)
class ToolKey:
    """A key pair made by `minisign -G`; `public` is the .pub file's base64 line."""

    secret: Path
    public: str

    @classmethod
    def generate(cls, folder: Path, name: str) -> ToolKey:
        assert MINISIGN is not None
        secret, public = folder / f"{name}.key", folder / f"{name}.pub"
        subprocess.run(
            [MINISIGN, "-G", "-W", "-s", str(secret), "-p", str(public)],
            check=True,
            capture_output=True,
        )
        return cls(secret, public.read_text(encoding="utf-8").splitlines()[1])

    def sign(self, manifest: Path, trusted_comment: str, *, legacy: bool = False) -> Path:
        """`minisign -S -m FILE -t COMMENT` (with -l, the legacy format); the .minisig path."""
        assert MINISIGN is not None
        command = [MINISIGN, "-S", "-s", str(self.secret), "-m", str(manifest)]
        command += ["-t", trusted_comment, *(["-l"] if legacy else [])]
        subprocess.run(command, check=True, capture_output=True)
        return manifest.with_name(manifest.name + ".minisig")


@dataclass(frozen=True)
class OwnKey:
    """An Ed25519 key of our own, in minisign's formats."""

    private: Ed25519PrivateKey
    key_id: bytes

    @classmethod
    def generate(cls) -> OwnKey:
        return cls(Ed25519PrivateKey.generate(), os.urandom(8))

    @property
    def public(self) -> str:
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return base64.b64encode(b"Ed" + self.key_id + raw).decode()

    def signature(self, content: bytes, trusted_comment: str, *, algorithm: bytes = b"ED") -> str:
        """The text of a .minisig file for `content`."""
        signed = (
            hashlib.blake2b(content, digest_size=64).digest() if algorithm == b"ED" else content
        )
        signature = self.private.sign(signed)
        overall = self.private.sign(signature + trusted_comment.encode())
        blob = base64.b64encode(algorithm + self.key_id + signature).decode()
        return (
            "untrusted comment: signed in a test\n"
            f"{blob}\n"
            f"trusted comment: {trusted_comment}\n"
            f"{base64.b64encode(overall).decode()}\n"
        )

    def sign(self, manifest: Path, trusted_comment: str, *, algorithm: bytes = b"ED") -> Path:
        path = manifest.with_name(manifest.name + ".minisig")
        path.write_text(self.signature(manifest.read_bytes(), trusted_comment, algorithm=algorithm))
        return path
