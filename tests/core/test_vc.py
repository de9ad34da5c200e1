"""W3C VC 2.0: Data Integrity eddsa-jcs-2022 (with the vc-di-eddsa vector) and VC-JWT."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from core.clock import FixedClock
from core.did import did_key_from_public_key
from core.encoding import (
    b64url_decode,
    b64url_encode,
    compact_json,
    multibase_decode,
    multibase_encode,
)
from core.errors import InvalidInput, VerificationError
from core.jose import sign_json
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey
from core.vc import (
    VerifiedW3cCredential,
    issue_vc_jwt,
    sign_eddsa_jcs_2022,
    verify_eddsa_jcs_2022,
    verify_eddsa_jcs_2022_proof,
    verify_vc_jwt,
)
from core.vc.data_integrity import (
    canonical_document,
    canonical_proof_config,
    hash_data,
    proof_config_for,
)
from tests.conftest import load_vector

VECTOR = load_vector("eddsa-jcs-2022.json")
NOW = FixedClock(datetime(2024, 6, 1, tzinfo=UTC).timestamp())


def vector_key() -> Ed25519PrivateKey:
    secret = multibase_decode(VECTOR["key_pair"]["secretKeyMultibase"])
    assert secret[:2] == bytes([0x80, 0x26])
    return Ed25519PrivateKey(secret[2:])


# --- the published eddsa-jcs-2022 vector ---------------------------------------------------


def test_vector_canonical_forms_and_hashes() -> None:
    config, unsecured = proof_config_for(VECTOR["signed_credential"])
    assert unsecured == VECTOR["unsigned_credential"]
    assert canonical_document(unsecured).decode() == VECTOR["canonical_document"]
    assert canonical_proof_config(config).decode() == VECTOR["canonical_proof_config"]
    assert config == VECTOR["proof_options"]
    assert hashlib.sha256(canonical_document(unsecured)).hexdigest() == VECTOR["document_hash_hex"]
    assert (
        hashlib.sha256(canonical_proof_config(config)).hexdigest()
        == VECTOR["proof_config_hash_hex"]
    )
    assert hash_data(config, unsecured).hex() == VECTOR["combined_hash_hex"]


def test_vector_resign_reproduces_proof_value() -> None:
    key = vector_key()
    assert key.public_key.to_multicodec() == multibase_decode(
        VECTOR["key_pair"]["publicKeyMultibase"]
    )
    signed = sign_eddsa_jcs_2022(
        VECTOR["unsigned_credential"],
        key,
        VECTOR["verification_method"],
        created=VECTOR["proof_options"]["created"],
    )
    assert signed["proof"]["proofValue"] == VECTOR["proof_value"]
    assert multibase_decode(signed["proof"]["proofValue"]).hex() == VECTOR["signature_hex"]
    assert signed == VECTOR["signed_credential"]


def test_vector_proof_verifies_but_issuer_is_not_the_key_controller() -> None:
    # The vector's issuer is an https URL while its key is a did:key: the proof is good,
    # but Tessera requires the verification method to belong to the issuer.
    method = verify_eddsa_jcs_2022_proof(VECTOR["signed_credential"])
    assert method.id == VECTOR["verification_method"]
    assert method.public_key == vector_key().public_key
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022(VECTOR["signed_credential"], clock=NOW)
    assert info.value.code == "untrusted_issuer"


def test_vector_verifies_with_issuer_bound_to_its_key() -> None:
    did = VECTOR["verification_method"].split("#")[0]
    credential = {**VECTOR["unsigned_credential"], "issuer": did}
    signed = sign_eddsa_jcs_2022(
        credential, vector_key(), VECTOR["verification_method"], created="2023-02-24T23:36:38Z"
    )
    verified = verify_eddsa_jcs_2022(signed, clock=NOW)
    assert isinstance(verified, VerifiedW3cCredential)
    assert verified.issuer == did
    assert verified.types == ("VerifiableCredential", "AlumniCredential")
    assert verified.subject == credential["credentialSubject"]
    assert verified.valid_from == datetime(2023, 1, 1, tzinfo=UTC)
    assert verified.valid_until is None
    assert verified.proof_kind == "data_integrity"
    assert verified.verification_method == VECTOR["verification_method"]
    assert verified.credential == signed


# --- Data Integrity tamper table -----------------------------------------------------------


def _issuer_signed(**extra: Any) -> dict[str, Any]:
    key = Ed25519PrivateKey(bytes(range(32)))
    did = did_key_from_public_key(key.public_key)
    credential = {
        **VECTOR["unsigned_credential"],
        "issuer": {"id": did, "name": "Example University"},
        **extra,
    }
    return sign_eddsa_jcs_2022(
        credential, key, f"{did}#{did.removeprefix('did:key:')}", created="2024-01-01T00:00:00Z"
    )


def _set(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(credential: dict[str, Any]) -> None:
        target = credential
        for name in path[:-1]:
            target = target[name]
        target[path[-1]] = value

    return change


def _drop(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda credential: credential.pop(name)


def _other_issuer_key(credential: dict[str, Any]) -> None:
    other = did_key_from_public_key(Ed25519PrivateKey(bytes(32)).public_key)
    credential["issuer"] = {"id": other}


def _flip_signature(credential: dict[str, Any]) -> None:
    signature = bytearray(multibase_decode(credential["proof"]["proofValue"]))
    signature[10] ^= 1
    credential["proof"]["proofValue"] = multibase_encode(bytes(signature))


TAMPER = [
    ("changed claim", _set(("credentialSubject", "alumniOf"), "Elsewhere"), "bad_signature"),
    ("changed name", _set(("name",), "Other"), "bad_signature"),
    ("changed proof created", _set(("proof", "created"), "2024-01-02T00:00:00Z"), "bad_signature"),
    ("flipped signature bit", lambda c: _flip_signature(c), "bad_signature"),
    ("other cryptosuite", _set(("proof", "cryptosuite"), "eddsa-rdfc-2022"), "unsupported_alg"),
    ("other proof type", _set(("proof", "type"), "Ed25519Signature2020"), "unsupported_alg"),
    ("missing proof", _drop("proof"), "malformed"),
    ("proof list", _set(("proof",), []), "malformed"),
    ("bad proofValue", _set(("proof", "proofValue"), "uAAAA"), "malformed"),
    ("other purpose", _set(("proof", "proofPurpose"), "authentication"), "malformed"),
    ("controller/issuer mismatch", _other_issuer_key, "untrusted_issuer"),
    ("v1 context", _set(("@context",), ["https://www.w3.org/2018/credentials/v1"]), "malformed"),
    ("no VerifiableCredential", _set(("type",), ["AlumniCredential"]), "malformed"),
    ("no subject", _drop("credentialSubject"), "malformed"),
    ("issuer without id", _set(("issuer",), {"name": "x"}), "malformed"),
    ("bad validFrom", _set(("validFrom",), "yesterday"), "malformed"),
    (
        "key of another DID",
        _set(("proof", "verificationMethod"), "did:key:zNotAKey#x"),
        "untrusted_issuer",
    ),
]


@pytest.mark.parametrize(("change", "code"), [t[1:] for t in TAMPER], ids=[t[0] for t in TAMPER])
def test_data_integrity_tamper(change: Callable[[dict[str, Any]], None], code: str) -> None:
    signed = _issuer_signed()
    verify_eddsa_jcs_2022(signed, clock=NOW)
    tampered = copy.deepcopy(signed)
    change(tampered)
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022(tampered, clock=NOW)
    assert info.value.code == code


def test_data_integrity_unresolvable_key_of_the_issuer() -> None:
    issuer = "did:key:z6MkNotAValidKeyAtAll"
    key = Ed25519PrivateKey(bytes(range(32)))
    credential = {**VECTOR["unsigned_credential"], "issuer": issuer}
    signed = sign_eddsa_jcs_2022(credential, key, issuer + "#k", created="2024-01-01T00:00:00Z")
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022(signed, clock=NOW)
    assert info.value.code == "unresolvable_key"


LATER = FixedClock(datetime(2025, 6, 1, tzinfo=UTC).timestamp())
EARLIER = FixedClock(datetime(2023, 6, 1, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("extra", "bad", "good", "code"),
    [
        ({"validUntil": "2024-01-31T00:00:00Z"}, NOW, EARLIER, "expired"),
        ({"validUntil": "2024-06-01T00:00:00Z"}, NOW, EARLIER, "expired"),
        ({"validFrom": "2025-01-01T00:00:00Z"}, NOW, LATER, "not_yet_valid"),
    ],
)
def test_data_integrity_validity_period(
    extra: dict[str, str], bad: FixedClock, good: FixedClock, code: str
) -> None:
    signed = _issuer_signed(**extra)
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022(signed, clock=bad)
    assert info.value.code == code
    assert verify_eddsa_jcs_2022(signed, clock=good).proof_kind == "data_integrity"


def test_data_integrity_trusted_issuers() -> None:
    signed = _issuer_signed()
    issuer = signed["issuer"]["id"]
    assert verify_eddsa_jcs_2022(signed, clock=NOW, trusted_issuers={issuer}).issuer == issuer
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022(signed, clock=NOW, trusted_issuers={"did:example:other"})
    assert info.value.code == "untrusted_issuer"


def test_sign_refuses_bad_input() -> None:
    key = vector_key()
    vm = VECTOR["verification_method"]
    with pytest.raises(InvalidInput):
        sign_eddsa_jcs_2022(VECTOR["signed_credential"], key, vm, created="2024-01-01T00:00:00Z")
    with pytest.raises(InvalidInput):
        sign_eddsa_jcs_2022(VECTOR["unsigned_credential"], key, vm, created="2024-01-01")
    with pytest.raises(InvalidInput):
        sign_eddsa_jcs_2022(
            {"type": ["VerifiableCredential"]}, key, vm, created="2024-01-01T00:00:00Z"
        )


# --- VC-JWT (jwt_vc_json) ------------------------------------------------------------------


def _jwt_issuer(kind: str) -> tuple[PrivateKey, str, str]:
    key: PrivateKey = (
        Ed25519PrivateKey(bytes(range(1, 33))) if kind == "EdDSA" else P256PrivateKey.generate()
    )
    did = did_key_from_public_key(key.public_key)
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def _jwt_credential(did: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1b6a3cbc-2f5e-4a4e-9d55-0d4e2a1f0c11",
        "type": ["VerifiableCredential", "EmployeeCredential"],
        "issuer": did,
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "role": "engineer"},
        **extra,
    }


def _resign(token: str, key: PrivateKey, change: Callable[[dict[str, Any]], None]) -> str:
    header_b64, payload_b64, _ = token.split(".")
    header = json.loads(b64url_decode(header_b64))
    claims = json.loads(b64url_decode(payload_b64))
    change(claims)
    return sign_json(key, claims, header=header)


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_vc_jwt_round_trip(alg: str) -> None:
    key, did, kid = _jwt_issuer(alg)
    credential = _jwt_credential(did)
    token = issue_vc_jwt(credential, key, kid, clock=NOW)
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header == {"alg": alg, "typ": "JWT", "kid": kid}
    claims = json.loads(b64url_decode(token.split(".")[1]))
    assert claims["iss"] == did
    assert claims["sub"] == "did:example:holder"
    assert claims["jti"] == credential["id"]
    assert claims["nbf"] == int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
    assert claims["iat"] == int(NOW.now())
    assert claims["vc"] == credential
    verified = verify_vc_jwt(token, clock=NOW)
    assert verified.proof_kind == "vc_jwt"
    assert verified.issuer == did
    assert verified.types == ("VerifiableCredential", "EmployeeCredential")
    assert verified.subject == credential["credentialSubject"]
    assert verified.valid_until == datetime(2025, 1, 1, tzinfo=UTC)
    assert verified.verification_method == kid
    assert verified.credential == credential


@pytest.mark.parametrize("alg", ["EdDSA", "ES256"])
def test_vc_jwt_tampered_payload_is_bad_signature(alg: str) -> None:
    key, did, kid = _jwt_issuer(alg)
    token = issue_vc_jwt(_jwt_credential(did), key, kid, clock=NOW)
    header_b64, payload_b64, signature_b64 = token.split(".")
    claims = json.loads(b64url_decode(payload_b64))
    claims["vc"]["credentialSubject"]["role"] = "admin"
    forged = f"{header_b64}.{b64url_encode(compact_json(claims))}.{signature_b64}"
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(forged, clock=NOW)
    assert info.value.code == "bad_signature"


def test_vc_jwt_expiry_and_not_before() -> None:
    key, did, kid = _jwt_issuer("EdDSA")
    token = issue_vc_jwt(_jwt_credential(did), key, kid, clock=NOW)
    for at, code in (
        (datetime(2025, 1, 1, tzinfo=UTC), "expired"),
        (datetime(2026, 3, 1, tzinfo=UTC), "expired"),
        (datetime(2023, 12, 31, tzinfo=UTC), "not_yet_valid"),
    ):
        with pytest.raises(VerificationError) as info:
            verify_vc_jwt(token, clock=FixedClock(at.timestamp()))
        assert info.value.code == code
    # exp in the JWT alone (no validUntil in the vc claim) is enforced too.
    no_end = {k: v for k, v in _jwt_credential(did).items() if k != "validUntil"}
    only_exp = _resign(
        issue_vc_jwt(no_end, key, kid, clock=NOW), key, lambda c: c.update(exp=int(NOW.now()) - 1)
    )
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(only_exp, clock=NOW)
    assert info.value.code == "expired"


def test_vc_jwt_didkit_style_legacy_credential() -> None:
    # DIDKit moves issuer, issuanceDate, expirationDate, id and subject id into claims.
    key, did, kid = _jwt_issuer("EdDSA")
    claims = {
        "iss": did,
        "sub": "did:example:holder",
        "jti": "urn:uuid:legacy-1",
        "nbf": int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()),
        "exp": int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()),
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"degree": "BSc"},
        },
    }
    token = sign_json(key, claims, header={"kid": kid})
    verified = verify_vc_jwt(token, clock=NOW)
    assert verified.issuer == did
    assert verified.subject == {"degree": "BSc", "id": "did:example:holder"}
    assert verified.valid_from == datetime(2024, 1, 1, tzinfo=UTC)
    assert verified.credential["issuanceDate"] == "2024-01-01T00:00:00Z"
    assert verified.credential["id"] == "urn:uuid:legacy-1"
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=FixedClock(datetime(2025, 2, 1, tzinfo=UTC).timestamp()))
    assert info.value.code == "expired"


def _other_did(claims: dict[str, Any]) -> None:
    other = did_key_from_public_key(Ed25519PrivateKey(bytes(32)).public_key)
    claims["iss"] = other
    claims["vc"]["issuer"] = other


JWT_TAMPER = [
    ("iss differs from vc issuer", lambda c: c.update(iss="did:example:someone"), "malformed"),
    ("sub differs", lambda c: c.update(sub="did:example:other"), "malformed"),
    ("jti differs", lambda c: c.update(jti="urn:uuid:other"), "malformed"),
    ("no vc claim", lambda c: c.pop("vc"), "malformed"),
    (
        "vc not v2 nor v1",
        lambda c: c["vc"].update({"@context": ["https://example.org"]}),
        "malformed",
    ),
    ("kid not of iss", _other_did, "untrusted_issuer"),
    ("nbf in the future", lambda c: c.update(nbf=int(NOW.now()) + 60), "malformed"),
]


@pytest.mark.parametrize(
    ("change", "code"), [t[1:] for t in JWT_TAMPER], ids=[t[0] for t in JWT_TAMPER]
)
def test_vc_jwt_claim_tamper(change: Callable[[dict[str, Any]], None], code: str) -> None:
    key, did, kid = _jwt_issuer("EdDSA")
    token = _resign(issue_vc_jwt(_jwt_credential(did), key, kid, clock=NOW), key, change)
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=NOW)
    assert info.value.code == code


def test_vc_jwt_algorithm_and_trust_policy() -> None:
    key, did, kid = _jwt_issuer("ES256")
    token = issue_vc_jwt(_jwt_credential(did), key, kid, clock=NOW)
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=NOW, algorithms={"EdDSA"})
    assert info.value.code == "unsupported_alg"
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=NOW, trusted_issuers={"did:example:x"})
    assert info.value.code == "untrusted_issuer"
    assert verify_vc_jwt(token, clock=NOW, trusted_issuers={did}).issuer == did
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt("a.b", clock=NOW)
    assert info.value.code == "malformed"


def test_issue_vc_jwt_refuses_kid_of_another_did() -> None:
    key, did, _ = _jwt_issuer("EdDSA")
    other_kid = VECTOR["verification_method"]
    with pytest.raises(InvalidInput):
        issue_vc_jwt(_jwt_credential(did), key, other_kid, clock=NOW)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_set(("credentialSubject", "alumniOf"), "Elsewhere"), "bad_signature"),
        (_set(("proof", "created"), "2023-02-24T23:36:39Z"), "bad_signature"),
        (_set(("proof", "cryptosuite"), "ecdsa-jcs-2019"), "unsupported_alg"),
        (_set(("proof", "@context"), ["https://example.org/other"]), "malformed"),
        (_drop("proof"), "malformed"),
    ],
)
def test_vector_proof_tamper(change: Callable[[dict[str, Any]], None], code: str) -> None:
    tampered = copy.deepcopy(VECTOR["signed_credential"])
    change(tampered)
    with pytest.raises(VerificationError) as info:
        verify_eddsa_jcs_2022_proof(tampered)
    assert info.value.code == code
