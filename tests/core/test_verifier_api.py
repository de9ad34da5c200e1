"""The verifier API as DESIGN.md publishes it: the snippet, the closed set of codes under
random damage, the result's fields, and the policy's validation."""

from __future__ import annotations

import dataclasses
import random
import time
from typing import Any

import pytest

from core.clock import FixedClock
from core.did import did_key_from_public_key
from core.errors import VERIFICATION_CODES, InvalidInput, TesseraError, VerificationError
from core.keys import Ed25519PrivateKey, P256PrivateKey
from core.sdjwt.holder import import_credential, present
from core.sdjwt.issuer import SdJwtIssuer
from core.verifier import (
    IssuerKey,
    VerifiedCredential,
    VerifiedPresentation,
    Verifier,
    VerifierPolicy,
    issuer_keys_from_jwks,
)

ISSUER_KEY = Ed25519PrivateKey(bytes(range(100, 132)))
HOLDER_KEY = P256PrivateKey.from_private_bytes(bytes(range(7, 39)))
DID = did_key_from_public_key(ISSUER_KEY.public_key)
KID = "#" + DID.split(":")[-1]
VCT = "https://credentials.example/employee"
CLAIMS = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "address": {"locality": "London", "country": "GB"},
    "roles": ["engineer", "analyst"],
}
DISCLOSABLE = ("given_name", "family_name", "address", "address.locality", "roles.0", "roles.1")


def presentation_now(paths: tuple[str, ...] = ("given_name", "address.locality", "roles.1"),
                     *, nonce: str = "n-123", aud: str = "https://verifier.example") -> str:
    """A fresh presentation from a did:key issuer (SystemClock time, as the snippet uses)."""
    clock = FixedClock(time.time())
    issued = SdJwtIssuer(ISSUER_KEY, DID, kid=KID, clock=clock).issue(
        CLAIMS, disclosable=DISCLOSABLE, holder_key=HOLDER_KEY.public_key, vct=VCT,
        expires_in=3600,
    )
    held = import_credential(issued.sd_jwt, Verifier(VerifierPolicy(), clock=clock))
    return present(held, paths, holder_key=HOLDER_KEY, nonce=nonce, audience=aud, clock=clock)


#: DESIGN.md, "The verifier API", character for character.
SNIPPET = """
from core.verifier import Verifier, VerifierPolicy
from core.errors import VerificationError

verifier = Verifier(VerifierPolicy(trusted_issuers=None, algorithms={"EdDSA", "ES256"}))
result = verifier.verify(unverified_presentation, nonce=n, audience=aud,
                         transaction_data=None)
result.issuer, result.vct, result.claims, result.holder_jwk, result.disclosed
"""


def test_design_snippet_works_verbatim() -> None:
    n, aud = "n-123", "https://verifier.example"
    unverified_presentation = presentation_now(nonce=n, aud=aud)
    namespace: dict[str, Any] = {"unverified_presentation": unverified_presentation, "n": n, "aud": aud}
    exec(SNIPPET, namespace)
    result, verifier = namespace["result"], namespace["verifier"]

    assert result.issuer == DID and result.vct == VCT
    assert result.claims["given_name"] == "Ada" and "family_name" not in result.claims
    assert result.claims["address"] == {"locality": "London", "country": "GB"}
    assert result.claims["roles"] == ["analyst"]
    assert result.holder_jwk == HOLDER_KEY.public_key.to_jwk()
    assert set(result.disclosed) == {"given_name", "address", "address.locality", "roles.0"}
    with pytest.raises(VerificationError) as raised:
        verifier.verify(unverified_presentation, nonce="other", audience=aud)
    assert raised.value.code == "nonce_mismatch"


def test_result_fields() -> None:
    text = presentation_now()
    result = Verifier(VerifierPolicy()).verify(
        text, nonce="n-123", audience="https://verifier.example"
    )
    assert isinstance(result, VerifiedPresentation)
    assert result.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": KID}
    assert result.payload["iss"] == DID and "_sd" in result.payload
    assert "_sd" not in result.claims and "_sd_alg" not in result.claims
    assert result.issued_at == result.payload["iat"]
    assert result.issued_at is not None
    assert result.expires_at == result.payload["exp"] == result.issued_at + 3600
    assert result.key_binding is not None
    assert result.key_binding["nonce"] == "n-123"
    assert result.key_binding["aud"] == "https://verifier.example"
    assert result.hash_alg == "sha-256"
    assert result.sd_jwt.serialize() == text
    assert [item.dotted for item in result.disclosures] == list(result.disclosed)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.issuer = "someone else"  # type: ignore[misc]


def test_verify_issued_keeps_every_disclosure() -> None:
    clock = FixedClock(1_750_000_000)
    issued = SdJwtIssuer(ISSUER_KEY, DID, kid=KID, clock=clock).issue(
        CLAIMS, disclosable=DISCLOSABLE, holder_key=HOLDER_KEY.public_key, vct=VCT
    )
    verified = Verifier(VerifierPolicy(), clock=clock).verify_issued(issued.sd_jwt)
    assert isinstance(verified, VerifiedCredential)
    assert verified.claims == {**CLAIMS, "iss": DID, "iat": 1_750_000_000, "vct": VCT,
                               "cnf": {"jwk": HOLDER_KEY.public_key.to_jwk()}}
    assert sorted(verified.disclosed) == sorted(DISCLOSABLE)
    locality = next(i for i in verified.disclosures if i.dotted == "address.locality")
    address = next(i for i in verified.disclosures if i.dotted == "address")
    assert locality.requires == (address.disclosure.encoded,)


def _damaged(text: str, rng: random.Random) -> str:
    kind = rng.randrange(5)
    at = rng.randrange(len(text))
    if kind == 0:
        return text[:at] + rng.choice("A-_~.=x/+é ") + text[at + 1:]
    if kind == 1:
        return text[:at]
    if kind == 2:
        return text[:at] + text[at + 1:]
    parts = text.split("~")
    if kind == 3:
        rng.shuffle(parts)
        return "~".join(parts)
    i, j = rng.randrange(len(parts)), rng.randrange(len(parts))
    parts[i] = parts[j]
    return "~".join(parts)


def test_damage_only_ever_raises_codes_from_the_closed_set() -> None:
    text = presentation_now()
    verifier = Verifier(VerifierPolicy())
    rng = random.Random(4)
    seen: set[str] = set()
    for _ in range(1500):
        damaged = _damaged(text, rng)
        try:
            verifier.verify(damaged, nonce="n-123", audience="https://verifier.example")
        except VerificationError as exc:
            assert exc.code in VERIFICATION_CODES
            seen.add(exc.code)
    assert {"malformed", "bad_signature", "disclosure_invalid", "sd_hash_mismatch"} <= seen


def test_constructors_do_no_work() -> None:
    class Exploding:
        def __call__(self, url: str) -> bytes:
            raise AssertionError("nothing may be fetched at construction")

        def __getattr__(self, name: str) -> Any:
            raise AssertionError("nothing may be resolved at construction")

    Verifier(VerifierPolicy(), clock=None, resolver=Exploding(), fetcher=Exploding())  # type: ignore[arg-type]


def test_policy_normalizes_and_validates() -> None:
    policy = VerifierPolicy(trusted_issuers={"https://a"}, algorithms={"EdDSA"},
                            accepted_types=frozenset(["dc+sd-jwt"]))
    assert policy.trusted_issuers == frozenset({"https://a"})
    assert policy.algorithms == frozenset({"EdDSA"})
    assert policy.accepted_types == frozenset({"dc+sd-jwt"})
    assert VerifierPolicy().accepted_types == {"dc+sd-jwt", "vc+sd-jwt"}
    assert VerifierPolicy(accepted_types=None).accepted_types is None
    with pytest.raises(TypeError):
        policy.issuer_keys["x"] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    "settings",
    [
        {"algorithms": {"none"}},
        {"algorithms": {"EdDSA", "none"}},
        {"algorithms": {"RS256"}},
        {"algorithms": set()},
        {"algorithms": "EdDSA"},
        {"clock_skew": -1},
        {"clock_skew": float("nan")},
        {"max_kb_age": 0},
        {"require_key_binding": "yes"},
        {"trusted_issuers": "https://a"},
        {"issuer_keys": {"https://a": ["not a key"]}},
        {"issuer_keys": {"https://a": []}},
        {"issuer_keys": {"": [ISSUER_KEY.public_key]}},
        {"status_checker": "revocation"},
    ],
)
def test_policy_refuses(settings: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        VerifierPolicy(**settings)


def test_issuer_keys_from_jwks() -> None:
    jwks = {
        "keys": [
            {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "rsa"},
            {**ISSUER_KEY.public_key.to_jwk(), "kid": "ed", "use": "sig"},
            {**HOLDER_KEY.public_key.to_jwk(), "kid": "enc", "use": "enc"},
        ]
    }
    keys = issuer_keys_from_jwks("https://issuer.example", jwks)
    assert keys == {"https://issuer.example": (IssuerKey(ISSUER_KEY.public_key, "ed"),)}
    bad: dict[str, Any]
    for bad in ({}, {"keys": {}}, {"keys": [{"kty": "RSA", "n": "x", "e": "y"}]},
                {"keys": [{**ISSUER_KEY.private_jwk(), "kid": "k"}]}):
        with pytest.raises(InvalidInput) as raised:
            issuer_keys_from_jwks("https://issuer.example", bad)
        assert isinstance(raised.value, TesseraError)
