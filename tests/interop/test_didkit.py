"""Interop with SpruceID's DIDKit (PyPI ``didkit`` 0.3.3, a test-only peer in the ``dev``
extra) for W3C Verifiable Credentials, issue 7.

DIDKit runs only in a subprocess (``tests/interop/didkit_peer.py``, JSON on stdin and
stdout): its native module can crash the interpreter at exit.

What DIDKit 0.3.3 supports, as these tests pin it: VC-JWT (``jwt_vc_json``) for the VC
Data Model 1.1, EdDSA with did:key, both ways; Linked Data proofs only with the legacy
suites (``Ed25519Signature2018``/``2020``, ``JsonWebSignature2020``, ...), which Tessera
does not implement. It has no ``DataIntegrityProof`` (so no ``eddsa-jcs-2022``) and it
refuses the VC 2.0 context, so Tessera's VC 2.0 credentials cannot be checked by it.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.did import did_key_from_public_key
from core.errors import VerificationError
from core.keys import Ed25519PrivateKey
from core.vc import issue_vc_jwt, sign_eddsa_jcs_2022, verify_vc_jwt

if importlib.util.find_spec("didkit") is None:
    pytest.skip("didkit is not installed (the dev extra installs it)", allow_module_level=True)

PEER = Path(__file__).with_name("didkit_peer.py")
VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
ISSUED = "2025-01-01T00:00:00Z"
EXPIRES = "2035-01-01T00:00:00Z"
NOW = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
TESSERA_KEY = Ed25519PrivateKey(bytes(range(100, 132)))
JWT_OPTIONS = {"proofFormat": "jwt"}


def didkit(*requests: dict[str, Any]) -> list[dict[str, Any]]:
    """Run the DIDKit peer once with these requests; its answers, in order."""
    done = subprocess.run(
        [sys.executable, str(PEER)],
        input=json.dumps(list(requests)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(answers) == len(requests)
    return answers


def credential_v1(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC1],
        "id": "urn:uuid:8f6a3c52-7b1e-4bd2-9a61-2f0c7d7e9b10",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": ISSUED,
        "credentialSubject": {"id": "did:example:holder"},
        **extra,
    }


def test_peer_runs_didkit_0_3_3() -> None:
    (answer,) = didkit({"op": "version"})
    assert answer == {"version": "0.3.3"}


def test_same_did_key_for_the_same_key() -> None:
    (answer,) = didkit({"op": "did", "jwk": TESSERA_KEY.private_jwk()})
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    assert answer == {"did": did, "verification_method": f"{did}#{did.removeprefix('did:key:')}"}


# --- DIDKit issues, Tessera verifies ------------------------------------------------------------


def didkit_vc_jwt(**extra: Any) -> tuple[str, str, str]:
    """A VC-JWT DIDKit issues with a key it generates: (token, issuer DID, method)."""
    (generated,) = didkit({"op": "generate"})
    jwk = generated["jwk"]
    (named,) = didkit({"op": "did", "jwk": jwk})
    credential = credential_v1(named["did"], **extra)
    (issued,) = didkit(
        {"op": "issue", "credential": credential, "jwk": jwk, "options": JWT_OPTIONS}
    )
    assert "error" not in issued, issued
    return issued["credential"], named["did"], named["verification_method"]


def test_didkit_vc_jwt_verifies_in_tessera() -> None:
    token, did, method = didkit_vc_jwt(
        expirationDate=EXPIRES, credentialSubject={"id": "did:example:holder", "name": "Erika"}
    )
    assert did.startswith("did:key:z6Mk")
    verified = verify_vc_jwt(token, clock=FixedClock(NOW))
    assert verified.proof_kind == "vc_jwt"
    assert verified.issuer == did and verified.verification_method == method
    assert verified.types == ("VerifiableCredential",)
    assert verified.subject == {"id": "did:example:holder", "name": "Erika"}
    assert verified.valid_from == datetime(2025, 1, 1, tzinfo=UTC)
    assert verified.valid_until == datetime(2035, 1, 1, tzinfo=UTC)
    assert verified.credential["id"] == "urn:uuid:8f6a3c52-7b1e-4bd2-9a61-2f0c7d7e9b10"


def test_tessera_refuses_a_changed_or_expired_didkit_vc_jwt() -> None:
    token, _, _ = didkit_vc_jwt(expirationDate=EXPIRES)
    header, payload, signature = token.split(".")
    other = "A" if signature[0] != "A" else "B"
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(f"{header}.{payload}.{other}{signature[1:]}", clock=FixedClock(NOW))
    assert info.value.code == "bad_signature"
    later = datetime(2035, 1, 2, tzinfo=UTC).timestamp()
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=FixedClock(later))
    assert info.value.code == "expired"
    with pytest.raises(VerificationError) as info:
        verify_vc_jwt(token, clock=FixedClock(NOW), trusted_issuers={"did:example:other"})
    assert info.value.code == "untrusted_issuer"


# --- Tessera issues, DIDKit verifies ------------------------------------------------------------


def tessera_vc_jwt(credential: dict[str, Any]) -> str:
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    kid = f"{did}#{did.removeprefix('did:key:')}"
    return issue_vc_jwt(credential, TESSERA_KEY, kid, clock=FixedClock(NOW))


def test_tessera_vc_jwt_verifies_in_didkit() -> None:
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    token = tessera_vc_jwt(credential_v1(did, expirationDate=EXPIRES))
    header, payload, signature = token.split(".")
    other = "A" if signature[0] != "A" else "B"
    changed = f"{header}.{payload}.{other}{signature[1:]}"
    good, bad = didkit(
        {"op": "verify", "credential": token, "options": JWT_OPTIONS},
        {"op": "verify", "credential": changed, "options": JWT_OPTIONS},
    )
    assert good == {"checks": ["JWS"], "warnings": [], "errors": []}
    assert bad["errors"], bad


def test_tessera_key_in_didkit_verifies_in_tessera() -> None:
    """DIDKit signing with Tessera's key: the same did:key and method on both sides."""
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    (issued,) = didkit(
        {
            "op": "issue",
            "credential": credential_v1(did),
            "jwk": TESSERA_KEY.private_jwk(),
            "options": JWT_OPTIONS,
        }
    )
    verified = verify_vc_jwt(issued["credential"], clock=FixedClock(NOW))
    assert verified.issuer == did
    assert verified.verification_method == f"{did}#{did.removeprefix('did:key:')}"


# --- what DIDKit 0.3.3 does not do ---------------------------------------------------------------


def test_didkit_refuses_vc_2_0() -> None:
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    credential = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": ISSUED,
        "credentialSubject": {"id": "did:example:holder"},
    }
    token = tessera_vc_jwt(credential)
    verified, issued = didkit(
        {"op": "verify", "credential": token, "options": JWT_OPTIONS},
        {
            "op": "issue",
            "credential": credential,
            "jwk": TESSERA_KEY.private_jwk(),
            "options": JWT_OPTIONS,
        },
    )
    assert verified["checks"] == [] and len(verified["errors"]) == 1
    assert "Invalid context" in verified["errors"][0]
    assert "Invalid context" in issued["error"]


def test_didkit_has_no_eddsa_jcs_2022() -> None:
    did = did_key_from_public_key(TESSERA_KEY.public_key)
    method = f"{did}#{did.removeprefix('did:key:')}"
    vc2 = {
        "@context": [VC2],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:holder"},
    }
    secured = sign_eddsa_jcs_2022(vc2, TESSERA_KEY, method, created="2025-01-01T00:00:00Z")
    issued, verified = didkit(
        {
            "op": "issue",
            "credential": credential_v1(did),
            "jwk": TESSERA_KEY.private_jwk(),
            "options": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022"},
        },
        {"op": "verify", "credential": secured, "options": {}},
    )
    assert "unknown variant `DataIntegrityProof`" in issued["error"]
    assert verified == {"error": "ValueError: Invalid context at line 1 column 53"}
