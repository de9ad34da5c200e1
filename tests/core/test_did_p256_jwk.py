"""did:key for P-256, and did:jwk for both key types, with published examples."""

from __future__ import annotations

import json

import pytest

from core.did import DidResolver, did_jwk_from_public_key, did_key_from_public_key
from core.did.jwk import resolve_did_jwk
from core.did.key import public_key_from_did_key
from core.encoding import b64url_decode, b64url_encode
from core.errors import InvalidInput, ResolutionError
from core.keys import (
    Ed25519PrivateKey,
    P256PrivateKey,
    P256PublicKey,
    PrivateKey,
    public_key_from_jwk,
)

# w3c-ccg/did-method-key test-vectors/nist-curves.json
# @ 1d340287a73f6ad5acc477f0900efec50df44a87: the P-256 entries (DID, public JWK x/y, d).
P256_DID_KEY_VECTORS = [
    (
        "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
        "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns",
        "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM",
        "gPh-VvVS8MbvKQ9LSVVmfnxnKjHn4Tqj0bmbpehRlpc",
    ),
    (
        "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
        "fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI",
        "hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU",
        "YjRs6vNvw4sYrzVVY8ipkEpDAD9PFqw1sUnvPRMA-WI",
    ),
]

# quartzjer/did-jwk spec.md @ 8137ac4a9f7edd67a2b21077e4afc188bba7806b, "Examples".
SPEC_P256_DID_JWK = (
    "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6"
    "OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9"
)
SPEC_P256_JWK = {
    "crv": "P-256",
    "kty": "EC",
    "x": "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0",
    "y": "_KcyLj9vWMptnmKtm46GqDz8wf74I5LKgrl2GzH3nSE",
}
SPEC_X25519_DID_JWK = (
    "did:jwk:eyJrdHkiOiJPS1AiLCJjcnYiOiJYMjU1MTkiLCJ1c2UiOiJlbmMiLCJ4IjoiM3A3YmZYdDl3YlRUVzJIQzdP"
    "UTFOei1EUThoYmVHZE5yZngtRkctSUswOCJ9"
)
ALL_RELATIONSHIPS = {
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
}


def test_p256_did_key_round_trip() -> None:
    public_key = P256PrivateKey.generate().public_key
    did = did_key_from_public_key(public_key)
    assert did.startswith("did:key:zDn")
    resolver = DidResolver()
    document = resolver.resolve(did)
    (method,) = document.verification_method
    assert method.type == "Multikey"
    assert method.id == f"{did}#{did.removeprefix('did:key:')}"
    assert resolver.resolve_key(method.id) == public_key
    assert resolver.resolve_key(did) == public_key


@pytest.mark.parametrize(("did", "x", "y", "d"), P256_DID_KEY_VECTORS, ids=lambda v: v[-6:])
def test_published_p256_did_key(did: str, x: str, y: str, d: str) -> None:
    key = public_key_from_did_key(did)
    assert isinstance(key, P256PublicKey)  # the compressed point decompressed to a valid point
    assert key.to_jwk() == {"crv": "P-256", "kty": "EC", "x": x, "y": y}
    holder = P256PrivateKey.from_private_bytes(b64url_decode(d))
    assert holder.public_key == key
    assert did_key_from_public_key(holder.public_key) == did


def _keys() -> list[PrivateKey]:
    return [Ed25519PrivateKey.generate(), P256PrivateKey.generate()]


@pytest.mark.parametrize("private", _keys(), ids=["Ed25519", "P-256"])
def test_did_jwk_round_trip(private: PrivateKey) -> None:
    public_key = private.public_key
    did = did_jwk_from_public_key(public_key)
    assert did.startswith("did:jwk:eyJ")
    resolver = DidResolver()
    document = resolver.resolve(did)
    (method,) = document.verification_method
    assert method.id == did + "#0"
    assert method.type == "JsonWebKey"
    assert method.to_json()["publicKeyJwk"] == public_key.to_jwk()
    assert set(document.relationships) == ALL_RELATIONSHIPS
    assert resolver.resolve_key(did + "#0") == public_key
    assert resolver.resolve_key(did) == public_key


def test_did_jwk_spec_example() -> None:
    resolver = DidResolver()
    key = resolver.resolve_key(SPEC_P256_DID_JWK + "#0")
    assert key == public_key_from_jwk(SPEC_P256_JWK)
    assert did_jwk_from_public_key(key) == SPEC_P256_DID_JWK  # the spec used JCS too
    document = resolver.resolve(SPEC_P256_DID_JWK).to_json()
    assert document["id"] == SPEC_P256_DID_JWK
    assert document["verificationMethod"][0]["publicKeyJwk"] == SPEC_P256_JWK
    assert set(document) >= ALL_RELATIONSHIPS


def test_did_jwk_spec_x25519_example_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        DidResolver().resolve(SPEC_X25519_DID_JWK)
    assert info.value.code == "unsupported_key_type"


def _did_jwk(jwk: dict[str, str]) -> str:
    return "did:jwk:" + b64url_encode(json.dumps(jwk).encode())


@pytest.mark.parametrize(
    ("use", "expected"),
    [
        ("sig", ALL_RELATIONSHIPS - {"keyAgreement"}),
        ("enc", {"keyAgreement"}),
        (None, ALL_RELATIONSHIPS),
    ],
)
def test_did_jwk_use_selects_relationships(use: str | None, expected: set[str]) -> None:
    jwk = P256PrivateKey.generate().public_key.to_jwk()
    if use is not None:
        jwk["use"] = use
    document = resolve_did_jwk(_did_jwk(jwk))
    assert set(document.relationships) == expected


def test_did_jwk_enc_key_is_not_a_signing_key() -> None:
    jwk = {**P256PrivateKey.generate().public_key.to_jwk(), "use": "enc"}
    did = _did_jwk(jwk)
    resolver = DidResolver()
    with pytest.raises(ResolutionError) as info:
        resolver.resolve_key(did)
    assert info.value.code == "key_not_found"
    with pytest.raises(ResolutionError) as info:
        resolver.resolve_key(did + "#0", relationship="assertionMethod")
    assert info.value.code == "key_not_found"
    assert resolver.resolve_key(did + "#0", relationship="keyAgreement").to_jwk()["x"] == jwk["x"]


def test_did_jwk_keeps_extra_members_in_the_method() -> None:
    jwk = {**Ed25519PrivateKey.generate().public_key.to_jwk(), "kid": "k1", "alg": "EdDSA"}
    document = DidResolver().resolve(_did_jwk(jwk))
    assert document.verification_method[0].to_json()["publicKeyJwk"] == jwk
    assert document.verification_method[0].fragment == "0"  # kid is not the reference
