"""Consent records and withdrawals (core/consent.py): signed and checked with ``core`` alone;
every tampered part refused with its exact code; states at their time boundaries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from core import jose
from core.consent import (
    CONSENT_TYP,
    DAY,
    WITHDRAWAL_TYP,
    Consent,
    SharedCredential,
    Withdrawal,
    consent_hash,
    consent_state,
    holder_kid,
    sign_consent,
    sign_withdrawal,
    verify_consent,
    verify_withdrawal,
)
from core.did import DidResolver, did_jwk_from_public_key, did_key_from_public_key
from core.encoding import b64url_decode, b64url_encode, compact_json
from core.errors import InvalidInput, VerificationError
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey

KEY = Ed25519PrivateKey(bytes(range(32)))
HOLDER = did_key_from_public_key(KEY.public_key)
OTHER_KEY = Ed25519PrivateKey(bytes(range(1, 33)))
OTHER = did_key_from_public_key(OTHER_KEY.public_key)
GRANTED = 1_750_000_000
VERIFIER = "redirect_uri:https://shop.example/response"
SHARED = (
    SharedCredential("ab" * 32, "urn:eudi:pid:1", "https://pid.example",
                     ("given_name", "address.locality")),
)


def make(duration: str = "30d", *, key: PrivateKey = KEY, holder: str = HOLDER,
         at: float = GRANTED, **overrides: Any) -> Consent:
    options: dict[str, Any] = {
        "verifier": VERIFIER,
        "verifier_name": "Example Shop",
        "verified": False,
        "purpose": "Deliver your order",
        "shared": SHARED,
        "duration": duration,
        "granted_at": at,
        **overrides,
    }
    return sign_consent(key, holder, **options)


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(header, payload, signature segment) of a compact JWS, decoded."""
    header, payload, signature = token.split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), signature


def reassemble(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join(
        (b64url_encode(compact_json(header)), b64url_encode(compact_json(payload)), signature)
    )


def resign(payload: dict[str, Any], *, key: PrivateKey = KEY, typ: str = CONSENT_TYP,
           kid: str | None = None) -> str:
    header = {"typ": typ, "kid": kid or holder_kid(HOLDER, KEY)}
    return jose.sign_json(key, payload, header=header)


def code_of(call: Callable[[], object]) -> str:
    with pytest.raises(VerificationError) as info:
        call()
    return info.value.code


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "method"),
    [(KEY, "key"), (P256PrivateKey.generate(), "key"), (P256PrivateKey.generate(), "jwk"),
     (Ed25519PrivateKey.generate(), "jwk")],
    ids=["ed25519-did:key", "p256-did:key", "p256-did:jwk", "ed25519-did:jwk"],
)
def test_consent_and_withdrawal_verify_with_core_alone(key: PrivateKey, method: str) -> None:
    holder = (did_key_from_public_key if method == "key" else did_jwk_from_public_key)(
        key.public_key
    )
    consent = make(key=key, holder=holder)
    header, payload, _ = parts(consent.token)
    assert header == {"alg": key.alg, "typ": CONSENT_TYP, "kid": consent.kid}
    assert consent.kid.startswith(holder + "#")
    assert payload == {
        "jti": consent.id,
        "iss": holder,
        "iat": GRANTED,
        "verifier": {"client_id": VERIFIER, "name": "Example Shop", "verified": False},
        "purpose": "Deliver your order",
        "shared": [{"credential_id": "ab" * 32, "vct": "urn:eudi:pid:1",
                    "issuer": "https://pid.example",
                    "claims": ["given_name", "address.locality"]}],
        "duration": "30d",
        "valid_until": GRANTED + 30 * DAY,
    }
    checked = verify_consent(consent.token)
    assert checked == consent
    assert checked.claim_names == ("given_name", "address.locality")

    withdrawal = sign_withdrawal(key, consent, withdrawn_at=GRANTED + 5.7)
    header, payload, _ = parts(withdrawal.token)
    assert header == {"alg": key.alg, "typ": WITHDRAWAL_TYP, "kid": consent.kid}
    assert payload == {"iss": holder, "iat": GRANTED + 5, "consent_id": consent.id,
                       "consent_hash": consent_hash(consent.token), "verifier": VERIFIER}
    assert verify_withdrawal(withdrawal.token) == withdrawal
    assert verify_withdrawal(withdrawal.token, consent=checked) == withdrawal


def test_offline_resolution_only() -> None:
    def no_network(url: str, /) -> bytes:
        raise AssertionError(f"network used for {url}")

    resolver = DidResolver(no_network)
    consent = make()
    assert verify_consent(consent.token, resolver=resolver).id == consent.id


def test_id_comes_from_the_injected_randomness() -> None:
    consent = make(random_bytes=lambda n: bytes(range(n)))
    assert consent.id == bytes(range(16)).hex()
    assert make().id != make().id  # default: secrets


@pytest.mark.parametrize(
    ("duration", "until"),
    [("once", GRANTED), ("1d", GRANTED + DAY), ("30d", GRANTED + 30 * DAY),
     ("until_withdrawn", None)],
)
def test_valid_until_per_duration(duration: str, until: int | None) -> None:
    consent = make(duration, at=GRANTED + 0.9)
    assert consent.granted_at == GRANTED and consent.valid_until == until
    _, payload, _ = parts(consent.token)
    assert ("valid_until" in payload) is (until is not None)
    assert verify_consent(consent.token).valid_until == until


# --- states and their boundaries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "at", "state"),
    [
        ("once", GRANTED, "expired"),
        ("once", GRANTED + 10 * 365 * DAY, "expired"),
        ("1d", GRANTED, "active"),
        ("1d", GRANTED + DAY - 1, "active"),
        ("1d", GRANTED + DAY - 0.001, "active"),
        ("1d", GRANTED + DAY, "expired"),
        ("30d", GRANTED + 30 * DAY - 1, "active"),
        ("30d", GRANTED + 30 * DAY, "expired"),
        ("until_withdrawn", GRANTED + 100 * 365 * DAY, "active"),
    ],
)
def test_state_boundaries(duration: str, at: float, state: str) -> None:
    consent = make(duration)
    assert consent_state(consent, None, at) == state
    assert consent.state(at) == state


@pytest.mark.parametrize("duration", ["1d", "until_withdrawn"])
def test_withdrawn_from_the_moment_of_withdrawal(duration: str) -> None:
    consent = make(duration)
    withdrawal = sign_withdrawal(KEY, consent, withdrawn_at=GRANTED + 3600)
    assert consent.state(GRANTED + 3599, withdrawal) == "active"
    assert consent.state(GRANTED + 3600, withdrawal) == "withdrawn"
    assert consent.state(GRANTED + 400 * DAY, withdrawal) == "withdrawn"  # not "expired"


# --- signing refuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"duration": "7d"}, "invalid_input"),
        ({"duration": ""}, "invalid_input"),
        ({"shared": ()}, "invalid_input"),
        ({"verifier": ""}, "invalid_input"),
        ({"purpose": ""}, "invalid_input"),
        ({"verified": "yes"}, "invalid_input"),
        ({"key": OTHER_KEY}, "invalid_key"),
        ({"holder": "not-a-did"}, "invalid_did"),
    ],
)
def test_signing_refuses_bad_input(overrides: dict[str, Any], code: str) -> None:
    with pytest.raises(InvalidInput) as info:
        make(**overrides)
    assert info.value.code == code


def test_shared_claims_are_names_only() -> None:
    with pytest.raises(InvalidInput) as info:
        SharedCredential("ab", None, None, ({"given_name": "Erika"},))  # type: ignore[arg-type]
    assert info.value.code == "invalid_input"
    with pytest.raises(InvalidInput):
        SharedCredential("ab", None, None, ["given_name"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        SharedCredential("", None, None, ())


def test_withdrawal_needs_the_holder_key_and_a_time_after_the_grant() -> None:
    consent = make()
    with pytest.raises(InvalidInput) as info:
        sign_withdrawal(OTHER_KEY, consent, withdrawn_at=GRANTED + 1)
    assert info.value.code == "invalid_key"
    with pytest.raises(InvalidInput) as info:
        sign_withdrawal(KEY, consent, withdrawn_at=GRANTED - 1)
    assert info.value.code == "invalid_input"


# --- tampering: every part, its exact code -----------------------------------------------


def _tamper_header(token: str, **changes: Any) -> str:
    header, payload, signature = parts(token)
    header.update(changes)
    for name, value in changes.items():
        if value is None:
            del header[name]
    return reassemble(header, payload, signature)


def _tamper_payload(token: str, **changes: Any) -> str:
    header, payload, signature = parts(token)
    payload.update(changes)
    return reassemble(header, payload, signature)


def _flip_signature(token: str) -> str:
    head, signature = token.rsplit(".", 1)
    raw = bytearray(b64url_decode(signature))
    raw[0] ^= 1
    return f"{head}.{b64url_encode(bytes(raw))}"


CONSENT_TAMPERING: list[tuple[str, Callable[[Consent], str], str]] = [
    ("not a JWS", lambda c: "not.a-jws", "malformed"),
    ("two segments", lambda c: c.token.rsplit(".", 1)[0], "malformed"),
    ("far too large", lambda c: c.token + "A" * 70_000, "malformed"),
    ("typ", lambda c: _tamper_header(c.token, typ="JWT"), "malformed"),
    ("typ removed", lambda c: _tamper_header(c.token, typ=None), "malformed"),
    ("typ of a withdrawal", lambda c: _tamper_header(c.token, typ=WITHDRAWAL_TYP), "malformed"),
    ("alg none", lambda c: _tamper_header(c.token, alg="none"), "unsupported_alg"),
    ("alg HS256", lambda c: _tamper_header(c.token, alg="HS256"), "unsupported_alg"),
    ("alg ES256 on an Ed25519 key", lambda c: _tamper_header(c.token, alg="ES256"),
     "unsupported_alg"),
    ("kid removed", lambda c: _tamper_header(c.token, kid=None), "unresolvable_key"),
    ("kid of another DID", lambda c: _tamper_header(c.token, kid=f"{OTHER}#x"),
     "untrusted_issuer"),
    ("kid: unknown fragment", lambda c: _tamper_header(c.token, kid=f"{HOLDER}#nope"),
     "unresolvable_key"),
    ("kid: not a DID URL", lambda c: _tamper_header(c.token, kid="key#1"), "unresolvable_key"),
    ("payload: verifier", lambda c: _tamper_payload(
        c.token, verifier={"client_id": "x", "name": None, "verified": True}), "bad_signature"),
    ("payload: claims", lambda c: _tamper_payload(c.token, shared=[]), "bad_signature"),
    ("payload: valid_until", lambda c: _tamper_payload(c.token, valid_until=GRANTED + 99 * DAY),
     "bad_signature"),
    ("payload: iss", lambda c: _tamper_payload(c.token, iss=OTHER), "untrusted_issuer"),
    ("payload: not JSON", lambda c: ".".join(
        (c.token.split(".")[0], b64url_encode(b"{nope"), c.token.split(".")[2])), "malformed"),
    ("signature", lambda c: _flip_signature(c.token), "bad_signature"),
    ("signed by another key", lambda c: resign(
        parts(c.token)[1], key=OTHER_KEY), "bad_signature"),
]


@pytest.mark.parametrize(("name", "tamper", "code"), CONSENT_TAMPERING,
                         ids=[case[0] for case in CONSENT_TAMPERING])
def test_tampered_consent_is_refused(
    name: str, tamper: Callable[[Consent], str], code: str
) -> None:
    assert code_of(lambda: verify_consent(tamper(make()))) == code


def _valid_payload() -> dict[str, Any]:
    return parts(make("1d").token)[1]


BAD_SHAPES: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("member missing", lambda p: p.pop("purpose")),
    ("extra member", lambda p: p.update(extra=1)),
    ("iat not whole seconds", lambda p: p.update(iat=GRANTED + 0.5)),
    ("iat a boolean", lambda p: p.update(iat=True)),
    ("valid_until does not fit the duration", lambda p: p.update(valid_until=GRANTED + 2 * DAY)),
    ("valid_until missing", lambda p: p.pop("valid_until")),
    ("valid_until null", lambda p: p.update(duration="until_withdrawn", valid_until=None)),
    ("unknown duration", lambda p: p.update(duration="7d")),
    ("jti not hex", lambda p: p.update(jti="consent-1")),
    ("verified not a boolean", lambda p: p["verifier"].update(verified="yes")),
    ("verifier without a name member", lambda p: p["verifier"].pop("name")),
    ("verifier not an object", lambda p: p.update(verifier=VERIFIER)),
    ("nothing shared", lambda p: p.update(shared=[])),
    ("shared not a list", lambda p: p.update(shared={})),
    ("a claim value instead of a name", lambda p: p["shared"][0].update(
        claims=[{"given_name": "Erika"}])),
    ("shared item with extra member", lambda p: p["shared"][0].update(values=["Erika"])),
    ("purpose not text", lambda p: p.update(purpose=7)),
]


@pytest.mark.parametrize(("name", "change"), BAD_SHAPES, ids=[case[0] for case in BAD_SHAPES])
def test_well_signed_but_malformed_consent(
    name: str, change: Callable[[dict[str, Any]], None]
) -> None:
    payload = _valid_payload()
    change(payload)
    assert code_of(lambda: verify_consent(resign(payload))) == "malformed"


def test_until_withdrawn_without_valid_until_is_well_formed() -> None:
    payload = _valid_payload()
    payload.update(duration="until_withdrawn")
    del payload["valid_until"]
    assert verify_consent(resign(payload)).valid_until is None


# --- withdrawals -------------------------------------------------------------------------


def test_a_tampered_withdrawal_is_refused() -> None:
    consent = make()
    withdrawal = sign_withdrawal(KEY, consent, withdrawn_at=GRANTED + 60)
    cases = {
        "payload: iat": (_tamper_payload(withdrawal.token, iat=GRANTED + 61), "bad_signature"),
        "payload: consent_hash": (
            _tamper_payload(withdrawal.token, consent_hash=consent_hash("other")),
            "bad_signature",
        ),
        "signature": (_flip_signature(withdrawal.token), "bad_signature"),
        "typ": (_tamper_header(withdrawal.token, typ=CONSENT_TYP), "malformed"),
        "alg none": (_tamper_header(withdrawal.token, alg="none"), "unsupported_alg"),
        "kid removed": (_tamper_header(withdrawal.token, kid=None), "unresolvable_key"),
        "a consent instead": (consent.token, "malformed"),
    }
    for name, (token, code) in cases.items():
        assert code_of(lambda t=token: verify_withdrawal(t)) == code, name
        assert code_of(lambda t=token: verify_withdrawal(t, consent=consent)) == code, name


def test_a_withdrawal_is_not_a_consent() -> None:
    consent = make()
    withdrawal = sign_withdrawal(KEY, consent, withdrawn_at=GRANTED + 60)
    assert code_of(lambda: verify_consent(withdrawal.token)) == "malformed"


def test_withdrawal_by_another_holder_is_refused() -> None:
    consent = make()
    kid = holder_kid(OTHER, OTHER_KEY)
    forged = jose.sign_json(
        OTHER_KEY,
        {"iss": OTHER, "iat": GRANTED + 60, "consent_id": consent.id,
         "consent_hash": consent.hash, "verifier": VERIFIER},
        header={"typ": WITHDRAWAL_TYP, "kid": kid},
    )
    assert verify_withdrawal(forged).holder == OTHER  # a valid withdrawal by OTHER ...
    assert code_of(lambda: verify_withdrawal(forged, consent=consent)) == "untrusted_issuer"
    # ... and claiming to be the holder while signing with another key fails the signature
    claimed = jose.sign_json(
        OTHER_KEY, {**parts(forged)[1], "iss": HOLDER},
        header={"typ": WITHDRAWAL_TYP, "kid": consent.kid},
    )
    assert code_of(lambda: verify_withdrawal(claimed, consent=consent)) == "bad_signature"


def test_withdrawal_of_another_consent_is_refused() -> None:
    first, second = make(), make()
    withdrawal = sign_withdrawal(KEY, first, withdrawn_at=GRANTED + 60)
    assert code_of(lambda: verify_withdrawal(withdrawal.token, consent=second)) == "malformed"
    # Same id, other text (a consent re-issued with the same jti): the hash tells them apart.
    twin = make(random_bytes=lambda n: bytes.fromhex(first.id), purpose="Something else")
    assert twin.id == first.id
    assert code_of(lambda: verify_withdrawal(withdrawal.token, consent=twin)) == "malformed"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"verifier": "redirect_uri:https://elsewhere.example"}, "malformed"),
        ({"iat": GRANTED - 1}, "malformed"),
        ({"consent_hash": "short"}, "malformed"),
        ({"consent_id": "x"}, "malformed"),
        ({"extra": True}, "malformed"),
    ],
)
def test_well_signed_withdrawal_that_does_not_fit(change: dict[str, Any], code: str) -> None:
    consent = make()
    payload = {"iss": HOLDER, "iat": GRANTED + 60, "consent_id": consent.id,
               "consent_hash": consent.hash, "verifier": VERIFIER, **change}
    token = resign(payload, typ=WITHDRAWAL_TYP)
    assert code_of(lambda: verify_withdrawal(token, consent=consent)) == code


def test_objects_are_frozen_and_validated() -> None:
    consent = make()
    with pytest.raises(AttributeError):
        consent.purpose = "x"  # type: ignore[misc]
    with pytest.raises(InvalidInput):
        Consent(**{**consent.__dict__, "valid_until": GRANTED})
    withdrawal = sign_withdrawal(KEY, consent, withdrawn_at=GRANTED)
    with pytest.raises(InvalidInput):
        Withdrawal(**{**withdrawal.__dict__, "withdrawn_at": -1})
    assert "token" not in repr(consent) and "token" not in repr(withdrawal)
