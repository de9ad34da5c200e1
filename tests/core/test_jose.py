"""JWS sign/verify behaviour beyond the RFC vectors: both algorithms, allowlists, crit, typ."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from hypothesis import given
from hypothesis import strategies as st

from core import jose
from core.encoding import b64url_decode, b64url_encode, compact_json
from core.errors import CryptoError, VerificationError
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey

KEYS: list[PrivateKey] = [Ed25519PrivateKey(bytes(range(32))), P256PrivateKey.generate()]


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.alg)
def test_round_trip(key: PrivateKey) -> None:
    token = jose.sign_json(key, {"hello": "wörld"}, header={"typ": "example+jwt", "kid": "k1"})
    verified = jose.verify_compact(token, key.public_key, algorithms={"EdDSA", "ES256"})
    assert verified.payload_json() == {"hello": "wörld"}
    assert verified.header == {"alg": key.alg, "typ": "example+jwt", "kid": "k1"}
    assert jose.parse(token).kid == "k1"


def test_es256_signature_is_raw_r_s_and_interoperates_with_der() -> None:
    key = P256PrivateKey.generate()
    token = jose.sign_compact(key, b"payload")
    signature = b64url_decode(token.split(".")[2])
    assert len(signature) == 64
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    signing_input = token.rsplit(".", 1)[0].encode()
    key.public_key.crypto_key.verify(
        encode_dss_signature(r, s), signing_input, ec.ECDSA(hashes.SHA256())
    )


def test_es256_token_from_cryptography_verifies() -> None:
    key = P256PrivateKey.generate()
    other = jose.sign_compact(key, b"x")
    assert jose.verify_compact(other, key.public_key, algorithms={"ES256"}).payload == b"x"


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.alg)
def test_other_key_is_bad_signature(key: PrivateKey) -> None:
    token = jose.sign_compact(key, b"x")
    other = type(key).generate()
    with pytest.raises(VerificationError) as info:
        jose.verify_compact(token, other.public_key, algorithms={"EdDSA", "ES256"})
    assert info.value.code == "bad_signature"


def test_algorithm_outside_allowlist_is_refused() -> None:
    token = jose.sign_compact(KEYS[0], b"x")
    with pytest.raises(VerificationError) as info:
        jose.verify_compact(token, KEYS[0].public_key, algorithms={"ES256"})
    assert info.value.code == "unsupported_alg"


def test_allowing_none_is_a_programming_error() -> None:
    token = jose.sign_compact(KEYS[0], b"x")
    with pytest.raises(CryptoError):
        jose.verify_compact(token, KEYS[0].public_key, algorithms={"EdDSA", "none"})


def test_understood_crit_is_accepted() -> None:
    token = jose.sign_compact(KEYS[0], b"x", header={"crit": ["exp2"], "exp2": 1})
    with pytest.raises(VerificationError):
        jose.verify_compact(token, KEYS[0].public_key, algorithms={"EdDSA"})
    verified = jose.verify_compact(
        token, KEYS[0].public_key, algorithms={"EdDSA"}, understood_crit={"exp2"}
    )
    assert verified.header["exp2"] == 1


def test_signing_with_a_foreign_alg_header_is_refused() -> None:
    with pytest.raises(CryptoError) as info:
        jose.sign_compact(KEYS[0], b"x", header={"alg": "ES256"})
    assert info.value.code == "key_alg_mismatch"


def test_header_member_order_is_alg_first() -> None:
    token = jose.sign_compact(KEYS[0], b"x", header={"typ": "t", "alg": "EdDSA"})
    assert b64url_decode(token.split(".")[0]) == compact_json({"alg": "EdDSA", "typ": "t"})


@given(payload=st.binary(max_size=512))
def test_any_payload_round_trips(payload: bytes) -> None:
    token = jose.sign_compact(KEYS[0], payload)
    assert jose.verify_compact(token, KEYS[0].public_key, algorithms={"EdDSA"}).payload == payload


@given(data=st.binary(max_size=256))
def test_b64url_round_trip(data: bytes) -> None:
    assert b64url_decode(b64url_encode(data)) == data


@given(payload=st.binary(min_size=1, max_size=64), position=st.integers(min_value=0))
def test_any_changed_payload_byte_is_rejected(payload: bytes, position: int) -> None:
    token = jose.sign_compact(KEYS[0], payload)
    header, _, signature = token.split(".")
    changed = bytearray(payload)
    changed[position % len(payload)] ^= 0x20
    forged = f"{header}.{b64url_encode(bytes(changed))}.{signature}"
    with pytest.raises(VerificationError) as info:
        jose.verify_compact(forged, KEYS[0].public_key, algorithms={"EdDSA"})
    assert info.value.code == "bad_signature"
