"""minisign's detached signatures (`acme-crm.yaml.minisig`), verified fully offline.

The format (https://jedisct1.github.io/minisign/): a public key is `Ed` + an 8-byte key id + a
32-byte Ed25519 key, base64. A signature file has four lines: an untrusted comment; base64 of
the algorithm (`ED`: the file's BLAKE2b-512 is signed, what minisign writes today; `Ed`: the
legacy form, the file itself is signed), the key id and the 64-byte signature; `trusted
comment: ...`; base64 of the global signature, over the signature and the trusted comment's
text. Both signatures are checked: a trusted comment edited after signing is refused, so the
comment can carry the `<id>@<version>` a signature is for (see `tokens`).

Every refusal is a `SignatureRefused` whose message says which rule failed; no input, however
hostile (truncated, bad base64, another algorithm, megabytes), raises anything else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

KEY_ALGORITHM = b"Ed"
PREHASHED = b"ED"
LEGACY = b"Ed"
MAX_SIGNATURE_BYTES = 4096  # minisign's own are under 400 bytes; a longer file is not one
UNTRUSTED_PREFIX = "untrusted comment: "
TRUSTED_PREFIX = "trusted comment: "


class SignatureRefused(Exception):
    """A signature that does not verify; the message says why, for the check's finding."""


class BadPublicKey(ValueError):
    """A configured public key that is not a minisign Ed25519 public key."""


@dataclass(frozen=True)
class PublicKey:
    """One minisign public key: its 8-byte id (shown as minisign shows it) and the Ed25519 key."""

    key_id: bytes
    raw: bytes

    @property
    def shown_id(self) -> str:
        """The key id as minisign prints it in a .pub file's comment."""
        return shown(self.key_id)

    @classmethod
    def parse(cls, text: str) -> PublicKey:
        """The key of a `.pub` file's base64 line (or of the whole file). Raises BadPublicKey."""
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        if len(lines) == 2 and lines[0].startswith(UNTRUSTED_PREFIX.strip()):
            lines = lines[1:]
        if len(lines) != 1:
            raise BadPublicKey("expected the base64 line of a minisign public key (RWQ...)")
        data = _base64(lines[0], "public key", BadPublicKey)
        if len(data) != 42 or data[:2] != KEY_ALGORITHM:
            raise BadPublicKey("not a minisign Ed25519 public key (42 bytes starting with 'Ed')")
        return cls(data[2:10], data[10:])


@dataclass(frozen=True)
class Signature:
    """A parsed `.minisig` file."""

    algorithm: bytes
    key_id: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @property
    def shown_key_id(self) -> str:
        return shown(self.key_id)

    @classmethod
    def parse(cls, data: bytes) -> Signature:
        """Parse a signature file's bytes. Raises SignatureRefused naming what is malformed."""
        if len(data) > MAX_SIGNATURE_BYTES:
            raise SignatureRefused(
                f"the signature file is larger than {MAX_SIGNATURE_BYTES} bytes: "
                "not a minisign signature"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SignatureRefused("the signature file is not UTF-8 text") from None
        lines = text.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        if len(lines) != 4:
            raise SignatureRefused(
                f"the signature file has {len(lines)} line(s); minisign writes 4 (truncated?)"
            )
        untrusted, encoded, trusted, encoded_global = lines
        if not untrusted.startswith(UNTRUSTED_PREFIX):
            raise SignatureRefused(f"line 1 must start with {UNTRUSTED_PREFIX.strip()!r}")
        if not trusted.startswith(TRUSTED_PREFIX):
            raise SignatureRefused(f"line 3 must start with {TRUSTED_PREFIX.strip()!r}")
        blob = _base64(encoded, "line 2 (the signature)", SignatureRefused)
        if len(blob) != 74:
            raise SignatureRefused(
                f"line 2 holds {len(blob)} bytes; a minisign signature is 74 "
                "(algorithm, key id, signature)"
            )
        algorithm = blob[:2]
        if algorithm not in (PREHASHED, LEGACY):
            shown = algorithm.decode("latin-1")
            raise SignatureRefused(
                f"unsupported signature algorithm {shown!r} (expected 'ED' or the legacy 'Ed')"
            )
        global_signature = _base64(
            encoded_global, "line 4 (the global signature)", SignatureRefused
        )
        if len(global_signature) != 64:
            raise SignatureRefused(
                f"line 4 holds {len(global_signature)} bytes; a global signature is 64"
            )
        return cls(
            algorithm, blob[2:10], blob[10:], trusted[len(TRUSTED_PREFIX) :], global_signature
        )


def verify(content: bytes, signature: Signature, keys: Sequence[PublicKey]) -> PublicKey:
    """The key among `keys` that made this signature over `content`, with a valid trusted comment.

    Raises SignatureRefused: the key is not among `keys`; the signature does not match the
    content (the file changed after signing); the trusted comment changed after signing.
    """
    key = next((k for k in keys if k.key_id == signature.key_id), None)
    if key is None:
        raise KeyNotPinned(signature.shown_key_id)
    public = Ed25519PublicKey.from_public_bytes(key.raw)
    signed = content
    if signature.algorithm == PREHASHED:
        signed = hashlib.blake2b(content, digest_size=64).digest()
    try:
        public.verify(signature.signature, signed)
    except InvalidSignature:
        raise SignatureRefused("bad signature: the file changed after it was signed") from None
    comment = signature.trusted_comment.encode("utf-8")
    try:
        public.verify(signature.global_signature, signature.signature + comment)
    except InvalidSignature:
        raise SignatureRefused(
            "bad signature: the trusted comment changed after it was signed"
        ) from None
    return key


class KeyNotPinned(SignatureRefused):
    """Signed by a key that is not among those trusted for the manifest's publisher."""

    def __init__(self, shown_id: str) -> None:
        super().__init__(shown_id)
        self.shown_id = shown_id


def shown(key_id: bytes) -> str:
    """A key id as minisign prints it: the little-endian number in hex, no leading zeros."""
    return format(int.from_bytes(key_id, "little"), "X")


def signature_file(manifest: Path) -> Path:
    """Where a manifest's detached signature lies: beside it, `acme-crm.yaml.minisig`."""
    return manifest.with_name(manifest.name + ".minisig")


def read_signature(path: Path) -> bytes:
    """A signature file's bytes, at most one byte past the limit (a huge file is not read
    whole: parsing then refuses it). Raises OSError."""
    with path.open("rb") as handle:
        return handle.read(MAX_SIGNATURE_BYTES + 1)


def tokens(trusted_comment: str) -> list[str]:
    """The whitespace-separated words of a trusted comment (`acme-crm@1.2.0` is one)."""
    return trusted_comment.split()


def _base64(text: str, what: str, error: type[Exception]) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise error(f"{what} is not valid base64") from None
