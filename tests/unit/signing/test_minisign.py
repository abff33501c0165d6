"""The minisign verifier: the real tool's signatures verify, and every altered or hostile
signature file is refused with its reason (never another exception)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.signing.minisign import (
    MAX_SIGNATURE_BYTES,
    BadPublicKey,
    KeyNotPinned,
    PublicKey,
    Signature,
    SignatureRefused,
    shown,
    tokens,
    verify,
)
from tests.support.minisign import OwnKey, ToolKey, needs_minisign

if TYPE_CHECKING:
    from pathlib import Path

CONTENT = b"manifest_version: 1\nid: acme-crm\nversion: 1.2.0\n"


@needs_minisign
@pytest.mark.parametrize("legacy", [False, True], ids=["prehashed", "legacy"])
def test_the_real_tools_signatures_verify_with_their_trusted_comment(
    tmp_path: Path, legacy: bool
) -> None:
    key = ToolKey.generate(tmp_path, "acme")
    manifest = tmp_path / "acme-crm.yaml"
    manifest.write_bytes(CONTENT)
    signature = Signature.parse(key.sign(manifest, "acme-crm@1.2.0", legacy=legacy).read_bytes())
    assert signature.algorithm == (b"Ed" if legacy else b"ED")
    pinned = PublicKey.parse(key.public)
    assert verify(CONTENT, signature, [pinned]) == pinned
    assert tokens(signature.trusted_comment) == ["acme-crm@1.2.0"]
    with pytest.raises(SignatureRefused, match="the file changed after it was signed"):
        verify(CONTENT + b"# edited\n", signature, [pinned])


@needs_minisign
def test_a_public_key_file_of_the_real_tool_parses_whole_or_by_its_line(tmp_path: Path) -> None:
    key = ToolKey.generate(tmp_path, "acme")
    whole = (tmp_path / "acme.pub").read_text(encoding="utf-8")
    assert PublicKey.parse(whole) == PublicKey.parse(key.public)
    # minisign names the key id in the comment: the same words the refusals use
    assert f"minisign public key {PublicKey.parse(key.public).shown_id}\n" in whole


@pytest.mark.parametrize("algorithm", [b"ED", b"Ed"])
def test_our_signers_signatures_verify_and_an_edited_trusted_comment_is_refused(
    algorithm: bytes,
) -> None:
    key = OwnKey.generate()
    text = key.signature(CONTENT, "acme-crm@1.2.0", algorithm=algorithm)
    pinned = PublicKey.parse(key.public)
    assert verify(CONTENT, Signature.parse(text.encode()), [pinned]) == pinned
    replayed = text.replace("acme-crm@1.2.0", "acme-crm@9.9.9").encode()
    with pytest.raises(SignatureRefused, match="trusted comment changed after it was signed"):
        verify(CONTENT, Signature.parse(replayed), [pinned])


def test_a_key_that_is_not_pinned_is_named() -> None:
    signer, pinned = OwnKey.generate(), OwnKey.generate()
    signature = Signature.parse(signer.signature(CONTENT, "acme-crm@1.2.0").encode())
    with pytest.raises(KeyNotPinned) as refused:
        verify(CONTENT, signature, [PublicKey.parse(pinned.public)])
    assert refused.value.shown_id == format(int.from_bytes(signer.key_id, "little"), "X")


def _lines(text: str) -> list[str]:
    return text.splitlines()


GOOD = OwnKey.generate().signature(CONTENT, "acme-crm@1.2.0")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("\n".join(_lines(GOOD)[:2]).encode(), "has 2 line(s); minisign writes 4 (truncated?)"),
        (b"", "has 0 line(s)"),
        (GOOD.replace(_lines(GOOD)[1], "not*base64!").encode(), "line 2 (the signature) is not"),
        (
            GOOD.replace(_lines(GOOD)[1], base64.b64encode(b"XY" + bytes(72)).decode()).encode(),
            "unsupported signature algorithm 'XY'",
        ),
        (
            GOOD.replace(_lines(GOOD)[1], base64.b64encode(b"ED" + bytes(10)).decode()).encode(),
            "line 2 holds 12 bytes",
        ),
        (GOOD.replace(_lines(GOOD)[3], "AAAA").encode(), "line 4 holds 3 bytes"),
        (GOOD.replace("\ntrusted comment: ", "\ntrusted: ").encode(), "line 3 must start"),
        (GOOD.replace("untrusted comment: ", "").encode(), "line 1 must start with"),
        (b"\xff\xfe" + GOOD.encode(), "not UTF-8 text"),
        (GOOD.encode() + b"x" * MAX_SIGNATURE_BYTES, "larger than 4096 bytes"),
    ],
    ids=[
        "truncated",
        "empty",
        "bad-base64",
        "wrong-algorithm",
        "short-signature",
        "short-global",
        "no-trusted-prefix",
        "no-untrusted-prefix",
        "binary",
        "huge",
    ],
)
def test_hostile_signature_files_are_refused_with_their_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SignatureRefused) as refused:
        Signature.parse(data)
    assert reason in str(refused.value)


@given(st.integers(0, len(GOOD) - 1), st.binary(min_size=0, max_size=8))
def test_a_damaged_signature_file_parses_or_is_refused_with_a_reason(at: int, junk: bytes) -> None:
    data = GOOD.encode()[:at] + junk + GOOD.encode()[at + len(junk) :]
    assert _outcome(data)  # a Signature, or a refusal with its reason: nothing else escapes


def _outcome(data: bytes) -> str:
    try:
        return repr(Signature.parse(data))
    except SignatureRefused as exc:
        return str(exc)


@pytest.mark.parametrize(
    "text",
    ["", "RWQ", "not base64 at all", base64.b64encode(b"Xx" + bytes(40)).decode(), "a\nb\nc"],
)
def test_a_malformed_public_key_is_refused(text: str) -> None:
    with pytest.raises(BadPublicKey):
        PublicKey.parse(text)


def test_a_key_id_is_shown_as_minisign_prints_it_without_leading_zeros() -> None:
    # minisign prints the little-endian id with %PRIX64: a top nibble of 0 is not printed.
    assert shown(bytes.fromhex("ec5e0c61f592c502")) == "2C592F5610C5EEC"
