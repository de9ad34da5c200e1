"""Malformed DIDs, DID URLs, did:key, did:jwk and did:web values: exact class and code.

Each case is (id, input, which call, expected error class, expected code). did:web cases
must be refused before anything is fetched, so the resolver's fetcher fails the test.
"""

from __future__ import annotations

import json

import pytest

from core.did import DidResolver
from core.encoding import b64url_encode, multibase_encode
from core.errors import InvalidInput, ResolutionError, TesseraError
from core.keys import Ed25519PrivateKey, P256PrivateKey

ED = Ed25519PrivateKey(bytes(32)).public_key
ED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
ED_MB = ED_DID.removeprefix("did:key:")
P256_JWK = P256PrivateKey.from_private_bytes(bytes(31) + b"\x05").public_key.to_jwk()


def key_did(raw: bytes) -> str:
    return "did:key:" + multibase_encode(raw)


def jwk_did(value: object) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(value).encode())


RESOLVE, KEY = "resolve", "resolve_key"

CASES: list[tuple[str, str, str, type[TesseraError], str]] = [
    # DID Core syntax
    ("empty", "", RESOLVE, InvalidInput, "invalid_did"),
    ("scheme-only", "did:", RESOLVE, InvalidInput, "invalid_did"),
    ("no-method-specific-id", "did:key", RESOLVE, InvalidInput, "invalid_did"),
    ("empty-method-specific-id", "did:key:", RESOLVE, InvalidInput, "invalid_did"),
    ("uppercase-scheme", "DID:key:" + ED_MB, RESOLVE, InvalidInput, "invalid_did"),
    ("uppercase-method", "did:KEY:" + ED_MB, RESOLVE, InvalidInput, "invalid_did"),
    ("method-with-dash", "did:my-method:abc", RESOLVE, InvalidInput, "invalid_did"),
    ("trailing-colon", ED_DID + ":", RESOLVE, InvalidInput, "invalid_did"),
    ("space", ED_DID + " ", RESOLVE, InvalidInput, "invalid_did"),
    ("bad-percent-escape", "did:web:example.com%zz", RESOLVE, InvalidInput, "invalid_did"),
    ("non-ascii", "did:key:z6Mkü", RESOLVE, InvalidInput, "invalid_did"),
    ("too-long", "did:key:z" + "1" * 5000, RESOLVE, InvalidInput, "invalid_did"),
    ("url-given-to-resolve", ED_DID + "#" + ED_MB, RESOLVE, InvalidInput, "invalid_did"),
    (
        "unknown-method",
        "did:example:123456789abcdefghi",
        RESOLVE,
        InvalidInput,
        "unsupported_did_method",
    ),
    # DID URL syntax and dereferencing
    ("empty-fragment", ED_DID + "#", KEY, InvalidInput, "invalid_did_url"),
    ("fragment-with-space", ED_DID + "#a b", KEY, InvalidInput, "invalid_did_url"),
    ("path", ED_DID + "/keys/1", KEY, InvalidInput, "invalid_did_url"),
    ("query", ED_DID + "?service=files", KEY, InvalidInput, "invalid_did_url"),
    ("bad-did-part", "did:KEY:x#frag", KEY, InvalidInput, "invalid_did"),
    ("unknown-fragment", ED_DID + "#key-1", KEY, ResolutionError, "key_not_found"),
    # did:key
    ("key-not-base58btc", "did:key:u7QE" + "A" * 43, RESOLVE, InvalidInput, "malformed_multibase"),
    ("key-outside-alphabet", "did:key:z6Mk0OIl", RESOLVE, InvalidInput, "malformed_multibase"),
    ("key-percent-encoded", "did:key:z%36Mk", RESOLVE, InvalidInput, "malformed_multibase"),
    ("key-two-parts", ED_DID + ":" + ED_MB, RESOLVE, InvalidInput, "invalid_did"),
    (
        "key-secp256k1",
        "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
        RESOLVE,
        InvalidInput,
        "unsupported_multicodec",
    ),
    (
        "key-x25519",
        key_did(b"\xec\x01" + bytes(32)),
        RESOLVE,
        InvalidInput,
        "unsupported_multicodec",
    ),
    (
        "key-p384",
        "did:key:z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9",
        RESOLVE,
        InvalidInput,
        "unsupported_multicodec",
    ),
    (
        "key-non-minimal-varint",
        key_did(b"\xed\x81\x00" + ED.raw),
        RESOLVE,
        InvalidInput,
        "unsupported_multicodec",
    ),
    (
        "key-ed25519-31-bytes",
        key_did(b"\xed\x01" + ED.raw[:31]),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    (
        "key-ed25519-33-bytes",
        key_did(b"\xed\x01" + ED.raw + b"\x00"),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    (
        "key-ed25519-small-order",
        key_did(b"\xed\x01\x01" + bytes(31)),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    (
        "key-p256-not-on-curve",
        key_did(b"\x80\x24\x02" + (1).to_bytes(32, "big")),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    (
        "key-p256-uncompressed",
        key_did(b"\x80\x24\x04" + bytes(64)),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    ("key-empty-payload", key_did(b"\xed\x01"), RESOLVE, InvalidInput, "invalid_key"),
    # did:jwk
    ("jwk-empty-object", jwk_did({}), RESOLVE, InvalidInput, "invalid_jwk"),
    ("jwk-private", jwk_did({**P256_JWK, "d": "AAAA"}), RESOLVE, InvalidInput, "invalid_jwk"),
    ("jwk-use-not-string", jwk_did({**P256_JWK, "use": 1}), RESOLVE, InvalidInput, "invalid_jwk"),
    ("jwk-bad-base64url", "did:jwk:%41", RESOLVE, InvalidInput, "malformed_base64url"),
    ("jwk-impossible-length", "did:jwk:abcde", RESOLVE, InvalidInput, "malformed_base64url"),
    (
        "jwk-not-json",
        "did:jwk:" + b64url_encode(b"not json"),
        RESOLVE,
        InvalidInput,
        "malformed_json",
    ),
    ("jwk-json-array", jwk_did([P256_JWK]), RESOLVE, InvalidInput, "malformed_json"),
    (
        "jwk-duplicate-member",
        "did:jwk:" + b64url_encode(b'{"kty":"EC","kty":"EC"}'),
        RESOLVE,
        InvalidInput,
        "malformed_json",
    ),
    (
        "jwk-rsa",
        jwk_did({"kty": "RSA", "n": "AQAB", "e": "AQAB"}),
        RESOLVE,
        InvalidInput,
        "unsupported_key_type",
    ),
    (
        "jwk-x25519",
        jwk_did({"kty": "OKP", "crv": "X25519", "x": b64url_encode(bytes(32))}),
        RESOLVE,
        InvalidInput,
        "unsupported_key_type",
    ),
    (
        "jwk-off-curve",
        jwk_did({**P256_JWK, "y": b64url_encode(bytes(32))}),
        RESOLVE,
        InvalidInput,
        "invalid_key",
    ),
    ("jwk-two-parts", "did:jwk:e30:e30", RESOLVE, InvalidInput, "invalid_did"),
    ("jwk-bad-fragment", jwk_did(P256_JWK) + "#1", KEY, ResolutionError, "key_not_found"),
    # did:web (refused before any fetch)
    ("web-ip-address", "did:web:192.168.1.1", RESOLVE, InvalidInput, "invalid_did"),
    ("web-port-out-of-range", "did:web:example.com%3A99999", RESOLVE, InvalidInput, "invalid_did"),
    ("web-empty-port", "did:web:example.com%3A", RESOLVE, InvalidInput, "invalid_did"),
    ("web-port-zero", "did:web:example.com%3A0", RESOLVE, InvalidInput, "invalid_did"),
    ("web-other-escape-in-host", "did:web:exa%6Dple.com", RESOLVE, InvalidInput, "invalid_did"),
    ("web-bad-label", "did:web:-bad-.example.com", RESOLVE, InvalidInput, "invalid_did"),
    ("web-empty-segment", "did:web:example.com::alice", RESOLVE, InvalidInput, "invalid_did"),
    ("web-dot-dot", "did:web:example.com:%2E%2E:x", RESOLVE, InvalidInput, "invalid_did"),
    ("web-encoded-slash", "did:web:example.com:a%2Fb", RESOLVE, InvalidInput, "invalid_did"),
]


def _never_fetch(url: str) -> bytes:
    raise AssertionError(f"nothing should be fetched, but {url} was")


@pytest.mark.parametrize(
    ("value", "call", "error", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_malformed(value: str, call: str, error: type[TesseraError], code: str) -> None:
    resolver = DidResolver(_never_fetch)
    with pytest.raises(TesseraError) as info:
        getattr(resolver, call)(value)
    assert type(info.value) is error
    assert info.value.code == code


def test_table_is_large_and_unique() -> None:
    assert len(CASES) >= 20
    assert len({c[0] for c in CASES}) == len(CASES)
    assert len({c[1] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("value", [None, 42, b"did:key:z6Mk"])
def test_non_strings_are_invalid_did(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        DidResolver().resolve(value)  # type: ignore[arg-type]
    assert info.value.code == "invalid_did"
