"""W3C Verifiable Presentations: VP-JWT (jwt_vc_json) and eddsa-jcs-2022 (ldp_vc) round
trips, and a tamper table giving the exact VerificationError code of every check."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from core.clock import FixedClock
from core.did import did_jwk_from_public_key, did_key_from_public_key
from core.encoding import (
    b64url_decode,
    b64url_encode,
    compact_json,
    multibase_decode,
    multibase_encode,
)
from core.errors import InvalidInput, VerificationError
from core.jose import sign_bytes, sign_json
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey
from core.vc import present_ldp_vp, present_vp_jwt, verify_w3c_presentation
from core.vc.data_integrity import hash_data, sign_document
from tests.core.w3c_build import INSIDE, W3cIssuer

NOW = INSIDE
NONCE = "n-0S6_WzA2Mj"
AUD = "decentralized_identifier:did:example:verifier"
ISSUER = W3cIssuer.new()
HOLDER_KEY = Ed25519PrivateKey(bytes([3]) * 32)
HOLDER = did_key_from_public_key(HOLDER_KEY.public_key)
HOLDER_KID = f"{HOLDER}#{HOLDER.removeprefix('did:key:')}"
OTHER_KEY = Ed25519PrivateKey(bytes([4]) * 32)
OTHER = did_key_from_public_key(OTHER_KEY.public_key)
OTHER_KID = f"{OTHER}#{OTHER.removeprefix('did:key:')}"


def vp_jwt(credential: str | None = None, *, key: PrivateKey = HOLDER_KEY, kid: str = HOLDER_KID,
           holder: str = HOLDER, at: float = NOW) -> str:
    return present_vp_jwt(credential or ISSUER.jwt_vc(HOLDER), key, kid, holder=holder,
                          nonce=NONCE, audience=AUD, clock=FixedClock(at))


def ldp_vp(credential: dict[str, Any] | None = None, *, key: Ed25519PrivateKey = HOLDER_KEY,
           method: str = HOLDER_KID, holder: str = HOLDER, at: float = NOW) -> dict[str, Any]:
    return present_ldp_vp(credential or ISSUER.ldp_vc_object(HOLDER), key, method, holder=holder,
                          nonce=NONCE, audience=AUD, clock=FixedClock(at))


def check(presentation: Any, **options: Any) -> Any:
    options.setdefault("nonce", NONCE)
    options.setdefault("audience", AUD)
    options.setdefault("clock", FixedClock(NOW + 5))
    return verify_w3c_presentation(presentation, **options)


# --- round trips -------------------------------------------------------------------------------


def test_vp_jwt_round_trip() -> None:
    result = check(vp_jwt(), trusted_issuers={ISSUER.did})
    assert (result.format, result.holder, result.verification_method) == (
        "jwt_vc_json", HOLDER, HOLDER_KID)
    assert result.credential.issuer == ISSUER.did
    assert result.credential.subject["id"] == HOLDER
    assert result.credentials == (result.credential,)


def test_ldp_vp_round_trip_as_object_and_as_text() -> None:
    document = ldp_vp()
    for given in (document, json.dumps(document), "\n" + json.dumps(document, indent=1)):
        result = check(given)
        assert (result.format, result.holder, result.verification_method) == (
            "ldp_vc", HOLDER, HOLDER_KID)
        assert result.credential.proof_kind == "data_integrity"


def test_a_p256_did_jwk_holder_signs_a_vp_jwt() -> None:
    key = P256PrivateKey.generate()
    did = did_jwk_from_public_key(key.public_key)
    token = present_vp_jwt(ISSUER.jwt_vc(did), key, did + "#0", holder=did, nonce=NONCE,
                           audience=AUD, clock=FixedClock(NOW))
    assert check(token).holder == did


def test_presenting_refuses_bad_input() -> None:
    with pytest.raises(InvalidInput):
        present_vp_jwt("x", HOLDER_KEY, HOLDER_KID, holder=HOLDER, nonce="", audience=AUD,
                       clock=FixedClock(NOW))
    with pytest.raises(InvalidInput):
        present_vp_jwt("x", HOLDER_KEY, OTHER_KID, holder=HOLDER, nonce=NONCE, audience=AUD,
                       clock=FixedClock(NOW))
    with pytest.raises(InvalidInput):
        present_ldp_vp({}, HOLDER_KEY, HOLDER_KID, holder=HOLDER, nonce=NONCE, audience=" ",
                       clock=FixedClock(NOW))
    with pytest.raises(InvalidInput):
        present_ldp_vp({}, HOLDER_KEY, OTHER_KID, holder=HOLDER, nonce=NONCE, audience=AUD,
                       clock=FixedClock(NOW))
    with pytest.raises(InvalidInput):
        sign_document({"a": 1}, HOLDER_KEY, HOLDER_KID, created="2025-01-01T00:00:00Z",
                      proof_purpose="authentication")


# --- VP-JWT tampering --------------------------------------------------------------------------


def _parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload = token.split(".")[:2]
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def _resigned(change: Callable[[dict[str, Any]], Any], *, key: PrivateKey = HOLDER_KEY,
              **header: Any) -> str:
    old_header, claims = _parts(vp_jwt())
    change(claims)
    merged = {k: v for k, v in {**old_header, **header}.items() if k != "alg" and v is not None}
    return sign_json(key, claims, header=merged)


def _forged_payload(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["nonce"] = NONCE + "x"
    return f"{header}.{b64url_encode(compact_json(claims))}.{signature}"


def _tampered_vc() -> str:
    header, payload, signature = ISSUER.jwt_vc(HOLDER).split(".")
    claims = json.loads(b64url_decode(payload))
    claims["vc"]["credentialSubject"]["name"] = "Mallory"
    return f"{header}.{b64url_encode(compact_json(claims))}.{signature}"


JWT_TAMPER: list[tuple[str, Callable[[], str], dict[str, Any], str]] = [
    ("another nonce expected", vp_jwt, {"nonce": "other"}, "nonce_mismatch"),
    ("another audience expected", vp_jwt, {"audience": "https://other.example"}, "audience_mismatch"),
    ("made long ago", lambda: vp_jwt(at=NOW - 3600), {}, "kb_stale"),
    ("made in the future", lambda: vp_jwt(at=NOW + 3600), {}, "kb_stale"),
    ("no iat", lambda: _resigned(lambda c: c.pop("iat")), {}, "kb_invalid"),
    ("aud as a list", lambda: _resigned(lambda c: c.update(aud=[AUD])), {}, "audience_mismatch"),
    ("payload changed after signing", lambda: _forged_payload(vp_jwt()), {}, "kb_invalid"),
    ("signed by another key", lambda: _resigned(lambda c: None, key=OTHER_KEY), {}, "kb_invalid"),
    ("kid of another DID", lambda: _resigned(lambda c: None, kid=OTHER_KID), {}, "kb_invalid"),
    ("holder is not the subject", lambda: vp_jwt(ISSUER.jwt_vc(OTHER)), {}, "kb_invalid"),
    ("iss differs from holder", lambda: _resigned(lambda c: c.update(iss=OTHER)), {}, "malformed"),
    ("no iss", lambda: _resigned(lambda c: c.pop("iss")), {}, "malformed"),
    ("unresolvable holder key", lambda: _resigned(
        lambda c: (c.update(iss="did:key:z6MkBad"), c["vp"].update(holder="did:key:z6MkBad")),
        kid="did:key:z6MkBad#k"), {}, "unresolvable_key"),
    ("tampered credential inside", lambda: vp_jwt(_tampered_vc()), {}, "bad_signature"),
    ("untrusted issuer", vp_jwt, {"trusted_issuers": {"did:example:other"}}, "untrusted_issuer"),
    ("expired credential", vp_jwt, {"clock": FixedClock(NOW + 3 * 365 * 86400)}, "expired"),
    ("ES256 not allowed", lambda: present_vp_jwt(
        ISSUER.jwt_vc(HOLDER), P256PrivateKey.generate(), HOLDER_KID, holder=HOLDER, nonce=NONCE,
        audience=AUD, clock=FixedClock(NOW)), {"algorithms": {"EdDSA"}}, "unsupported_alg"),
    ("a credential, not a presentation", lambda: ISSUER.jwt_vc(HOLDER), {}, "malformed"),
    ("no VerifiablePresentation type", lambda: _resigned(
        lambda c: c["vp"].update(type=["Other"])), {}, "malformed"),
    ("credentials not strings", lambda: _resigned(
        lambda c: c["vp"].update(verifiableCredential=[{}])), {}, "malformed"),
    ("no credentials", lambda: _resigned(
        lambda c: c["vp"].update(verifiableCredential=[])), {}, "malformed"),
    ("other context", lambda: _resigned(
        lambda c: c["vp"].update({"@context": ["https://example.org"]})), {}, "malformed"),
    ("not a JWT", lambda: "a.b", {}, "malformed"),
    ("payload not JSON", lambda: sign_json(HOLDER_KEY, {"a": 1})[:-2], {}, "malformed"),
]


@pytest.mark.parametrize(("make", "options", "code"), [t[1:] for t in JWT_TAMPER],
                         ids=[t[0] for t in JWT_TAMPER])
def test_vp_jwt_tamper(make: Callable[[], str], options: dict[str, Any], code: str) -> None:
    with pytest.raises(VerificationError) as info:
        check(make(), **options)
    assert info.value.code == code


# --- Data Integrity presentation tampering -------------------------------------------------------


def _set(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target = document
        for name in path[:-1]:
            target = target[name]
        target[path[-1]] = value

    return change


def _flip(document: dict[str, Any]) -> None:
    signature = bytearray(multibase_decode(document["proof"]["proofValue"]))
    signature[3] ^= 1
    document["proof"]["proofValue"] = multibase_encode(bytes(signature))


LDP_TAMPER: list[tuple[str, Callable[[dict[str, Any]], Any], dict[str, Any], str]] = [
    ("another nonce expected", lambda d: None, {"nonce": "other"}, "nonce_mismatch"),
    ("another audience expected", lambda d: None, {"audience": "x"}, "audience_mismatch"),
    ("challenge changed", _set("proof", "challenge", value="other"), {}, "kb_invalid"),
    ("domain changed", _set("proof", "domain", value="x"), {}, "kb_invalid"),
    ("signature bit flipped", _flip, {}, "kb_invalid"),
    ("holder changed", _set("holder", value=OTHER), {}, "kb_invalid"),
    ("credential not an object", _set("verifiableCredential", value=["x"]), {}, "malformed"),
    ("other cryptosuite", _set("proof", "cryptosuite", value="ecdsa-jcs-2019"), {}, "unsupported_alg"),
    ("other purpose", _set("proof", "proofPurpose", value="assertionMethod"), {}, "malformed"),
    ("no proof", lambda d: d.pop("proof"), {}, "malformed"),
    ("no holder", lambda d: d.pop("holder"), {}, "malformed"),
    ("v1 context", _set("@context", value=["https://www.w3.org/2018/credentials/v1"]), {}, "malformed"),
    ("expired credential", lambda d: None, {"clock": FixedClock(NOW + 3 * 365 * 86400)}, "expired"),
    ("made long ago", lambda d: None, {"clock": FixedClock(NOW + 3600)}, "kb_stale"),
]


@pytest.mark.parametrize(("change", "options", "code"), [t[1:] for t in LDP_TAMPER],
                         ids=[t[0] for t in LDP_TAMPER])
def test_ldp_presentation_tamper(
    change: Callable[[dict[str, Any]], Any], options: dict[str, Any], code: str
) -> None:
    document = ldp_vp()
    check(copy.deepcopy(document))
    change(document)
    with pytest.raises(VerificationError) as info:
        check(document, **options)
    assert info.value.code == code


def test_ldp_presentation_with_a_changed_embedded_credential_is_bad_signature() -> None:
    credential = ISSUER.ldp_vc_object(HOLDER)
    credential["credentialSubject"]["name"] = "Mallory"
    with pytest.raises(VerificationError) as info:
        check(ldp_vp(credential))
    assert info.value.code == "bad_signature"


def test_ldp_presentation_by_someone_who_is_not_the_subject_is_kb_invalid() -> None:
    document = ldp_vp(ISSUER.ldp_vc_object(OTHER))
    with pytest.raises(VerificationError) as info:
        check(document)
    assert info.value.code == "kb_invalid"


def test_ldp_presentation_signed_without_created_is_kb_invalid() -> None:
    unsigned = {k: v for k, v in ldp_vp().items() if k != "proof"}
    proof = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022",
             "verificationMethod": HOLDER_KID, "proofPurpose": "authentication",
             "challenge": NONCE, "domain": AUD, "@context": unsigned["@context"]}
    signature = sign_bytes(HOLDER_KEY, hash_data(proof, unsigned))
    signed = {**unsigned, "proof": {**proof, "proofValue": multibase_encode(signature)}}
    with pytest.raises(VerificationError) as info:
        check(signed)
    assert info.value.code == "kb_invalid"


@pytest.mark.parametrize("given", [42, None, "{not json", "[]", '{"type": 1}'])
def test_what_is_no_presentation_is_malformed(given: Any) -> None:
    with pytest.raises(VerificationError) as info:
        check(given)
    assert info.value.code == "malformed"
