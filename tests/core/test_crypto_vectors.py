"""Published vectors (RFC 8032, RFC 8037, RFC 7638, JCS, multibase, SLIP-0010) via the public API."""

from __future__ import annotations

import json
import struct

import pytest

from core import jose
from core.encoding import (
    ED25519_PUB,
    P256_PUB,
    b64url_decode,
    b64url_encode,
    canonical_json,
    encode_varint,
    multibase_decode,
    multibase_encode,
)
from core.keys import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    jwk_thumbprint,
    private_key_from_jwk,
    public_key_from_jwk,
    slip10_derive,
    slip10_ed25519,
)
from tests.conftest import load_vector

RFC8032 = load_vector("rfc8032-ed25519.json")["vectors"]
RFC8037 = load_vector("rfc8037-ed25519-jws.json")
RFC7638 = load_vector("rfc7638-jwk-thumbprint.json")
JCS = load_vector("jcs-examples.json")
MULTI = load_vector("multibase-multicodec.json")
SLIP10 = load_vector("slip10-ed25519.json")


@pytest.mark.parametrize("vector", RFC8032, ids=lambda v: v["name"])
def test_rfc8032_sign_exact_and_verify(vector: dict[str, str]) -> None:
    key = Ed25519PrivateKey(bytes.fromhex(vector["secret_key_hex"]))
    message = bytes.fromhex(vector["message_hex"])
    assert key.public_key.raw.hex() == vector["public_key_hex"]
    signature = jose.sign_bytes(key, message)
    assert signature.hex() == vector["signature_hex"]
    public = Ed25519PublicKey(bytes.fromhex(vector["public_key_hex"]))
    jose.verify_bytes(public, message, bytes.fromhex(vector["signature_hex"]))


@pytest.mark.parametrize("vector", RFC8032, ids=lambda v: v["name"])
def test_rfc8032_flipped_bit_fails(vector: dict[str, str]) -> None:
    public = Ed25519PublicKey(bytes.fromhex(vector["public_key_hex"]))
    signature = bytearray(bytes.fromhex(vector["signature_hex"]))
    signature[5] ^= 0x01
    with pytest.raises(jose.VerificationError) as info:
        jose.verify_bytes(public, bytes.fromhex(vector["message_hex"]), bytes(signature))
    assert info.value.code == "bad_signature"


def test_rfc8037_a1_a2_jwk_import_export() -> None:
    private = private_key_from_jwk(RFC8037["a1_private_jwk"])
    assert isinstance(private, Ed25519PrivateKey)
    assert private.seed().hex() == RFC8037["a1_private_key_hex"]
    public = public_key_from_jwk(RFC8037["a2_public_jwk"])
    assert public == private.public_key
    assert public.to_jwk() == {k: RFC8037["a2_public_jwk"][k] for k in ("crv", "kty", "x")}
    assert private.private_jwk() == {**RFC8037["a2_public_jwk"], "d": RFC8037["a1_private_jwk"]["d"]}


def test_rfc8037_a3_thumbprint() -> None:
    public = public_key_from_jwk(RFC8037["a2_public_jwk"])
    assert canonical_json(public.to_jwk()).decode() == RFC8037["a3_thumbprint_input"]
    assert public.thumbprint() == RFC8037["a3_thumbprint_b64url"]
    assert b64url_decode(public.thumbprint()).hex() == RFC8037["a3_thumbprint_sha256_hex"]


def test_rfc8037_a4_exact_resign_and_a5_verify() -> None:
    private = private_key_from_jwk(RFC8037["a1_private_jwk"])
    token = jose.sign_compact(private, RFC8037["a4_payload"].encode())
    assert token == RFC8037["a4_jws_compact"]
    public = public_key_from_jwk(RFC8037["a2_public_jwk"])
    verified = jose.verify_compact(RFC8037["a4_jws_compact"], public, algorithms={"EdDSA"})
    assert verified.payload == RFC8037["a4_payload"].encode()
    assert verified.header == json.loads(RFC8037["a4_protected_header"])


def test_rfc7638_thumbprint_of_rsa_example() -> None:
    assert jwk_thumbprint(RFC7638["jwk"]) == RFC7638["thumbprint_sha256_b64url"]


@pytest.mark.parametrize("case", JCS["cases"], ids=lambda c: c["name"])
def test_jcs_examples(case: dict[str, str]) -> None:
    canonical = canonical_json(json.loads(case["input"]))
    assert canonical.decode("utf-8") == case["expected_canonical"]
    assert canonical.hex() == case["expected_canonical_utf8_hex"]


@pytest.mark.parametrize("sample", JCS["es6_number_samples"]["samples"], ids=lambda s: s[0])
def test_jcs_es6_numbers(sample: list[str]) -> None:
    number = struct.unpack(">d", bytes.fromhex(sample[0].rjust(16, "0")))[0]
    assert canonical_json(number).decode() == sample[1]


@pytest.mark.parametrize("row", MULTI["multicodec"], ids=lambda r: r["name"])
def test_multicodec_varint_prefixes(row: dict[str, str]) -> None:
    assert encode_varint(int(row["code"], 16)).hex() == row["varint_prefix_hex"]


def test_multicodec_codes_we_use() -> None:
    assert encode_varint(ED25519_PUB).hex() == "ed01"
    assert encode_varint(P256_PUB).hex() == "8024"


@pytest.mark.parametrize("row", MULTI["multibase_test_vectors"], ids=lambda r: r["base58btc"])
def test_multibase_vectors(row: dict[str, str]) -> None:
    data = bytes.fromhex(row["input_hex"])
    assert multibase_encode(data) == row["base58btc"]
    assert multibase_decode(row["base58btc"]) == data
    assert "u" + b64url_encode(data) == row["base64url"]


@pytest.mark.parametrize("example", MULTI["worked_examples"], ids=lambda e: e["multibase"][:12])
def test_multibase_worked_examples(example: dict[str, str]) -> None:
    assert multibase_decode(example["multibase"]).hex() == example["decoded_hex"]
    if "raw_ed25519_seed_hex" in example:
        key = Ed25519PrivateKey(bytes.fromhex(example["raw_ed25519_seed_hex"]))
        assert key.seed().hex() == example["raw_ed25519_seed_hex"]


@pytest.mark.parametrize("row", SLIP10["rows"], ids=lambda r: r["path"])
def test_slip10_ed25519_vector_1(row: dict[str, str]) -> None:
    key, chain = slip10_ed25519(bytes.fromhex(SLIP10["seed_hex"]), row["path"])
    assert key.hex() == row["private_key_hex"]
    assert chain.hex() == row["chain_code_hex"]
    public = Ed25519PrivateKey(key).public_key.raw
    assert "00" + public.hex() == row["public_key_hex"]


# SLIP-0010 "Test vector 1 for nist256p1" (satoshilabs/slips slip-0010.md), chain m and m/0H.
NIST256P1_VECTOR_1 = [
    ("m", "beeb672fe4621673f722f38529c07392fecaa61015c80c34f29ce8b41b3cb6ea",
     "612091aaa12e22dd2abef664f8a01a82cae99ad7441b7ef8110424915c268bc2"),
    ("m/0'", "3460cea53e6a6bb5fb391eeef3237ffd8724bf0a40e94943c98b83825342ee11",
     "6939694369114c67917a182c59ddb8cafc3004e63ca5d3b84403ba8613debc0c"),
]


@pytest.mark.parametrize(("path", "chain_hex", "key_hex"), NIST256P1_VECTOR_1)
def test_slip10_nist256p1_vector_1(path: str, chain_hex: str, key_hex: str) -> None:
    key, chain = slip10_derive("nist256p1", bytes.fromhex(SLIP10["seed_hex"]), path)
    assert (key.hex(), chain.hex()) == (key_hex, chain_hex)
