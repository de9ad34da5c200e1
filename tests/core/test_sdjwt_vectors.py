"""Every published SD-JWT and SD-JWT VC example through the public verifier API.

The issuer key is given through the policy (``issuer_keys``; sd-jwt-example-5 has no
``iss``, so its key sits under ``None``), with ``accepted_types`` set to the example's
``typ`` (``example+sd-jwt`` for most of RFC 9901's examples).

Time: the drafts regenerate the KB-JWT on every build and its ``iat`` is a fixed moment
in the past (2025/2026), far older than any freshness window. Each test therefore runs
on a FixedClock at the KB-JWT ``iat`` plus a few seconds (the issuer JWTs are valid from
``iat`` 1683000000 to ``exp`` 1883000000, which contains those moments); examples
without a KB-JWT use the same moment as the others of their document.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from core.clock import FixedClock
from core.errors import VerificationError
from core.keys import public_key_from_jwk
from core.sdjwt.disclosure import Disclosure
from core.verifier import Verifier, VerifierPolicy
from tests.conftest import load_vector

NAMES = [f"sd-jwt-example-{n}" for n in range(1, 6)] + [
    f"sd-jwt-vc-example-{n}" for n in range(1, 4)
]
SECONDS_AFTER_KB = 5
#: A moment inside every issuer JWT's validity for the examples without a KB-JWT.
WITHOUT_KB_AT = 1_748_537_243 + SECONDS_AFTER_KB


def vector(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load_vector(f"{name}.json")
    return data


def verifier_for(data: dict[str, Any]) -> Verifier:
    key = public_key_from_jwk(data["issuer_public_jwk"])
    issuer = data["sd_jwt_payload"].get("iss")
    kb = data["presentation"]["key_binding"]
    at = kb["kb_jwt_payload"]["iat"] + SECONDS_AFTER_KB if kb else WITHOUT_KB_AT
    policy = VerifierPolicy(
        issuer_keys={issuer: [key]},
        algorithms={"ES256"},
        accepted_types={data["issuer_jwt_header"]["typ"]},
    )
    return Verifier(policy, clock=FixedClock(at))


def verify_presentation(data: dict[str, Any]) -> Any:
    kb = data["presentation"]["key_binding"]
    nonce = kb["expected_nonce"] if kb else "unused-nonce"
    audience = kb["expected_aud"] if kb else "https://unused.example"
    return verifier_for(data).verify(
        data["presentation"]["sd_jwt_presentation"], nonce=nonce, audience=audience
    )


@pytest.mark.parametrize("name", NAMES)
def test_presentation_gives_processed_payload(name: str) -> None:
    data = vector(name)
    result = verify_presentation(data)
    assert result.claims == data["processed_payload"]
    assert result.payload == data["sd_jwt_payload"]
    assert result.issuer == data["sd_jwt_payload"].get("iss")
    assert result.header == data["issuer_jwt_header"]
    assert result.holder_jwk == data["holder_public_jwk"]
    kb = data["presentation"]["key_binding"]
    assert result.key_binding == (kb["kb_jwt_payload"] if kb else None)
    if name.startswith("sd-jwt-vc-"):
        assert result.vct == data["sd_jwt_vc_claims"]["vct"]


def _what_was_disclosed(result: Any) -> Counter[Any]:
    """Object disclosures by claim name, array elements by (kind, value): the vectors'
    ``disclosed_claims`` form (an element of a nested array is listed by its value)."""
    return Counter(
        item.disclosure.name
        if item.disclosure.name is not None
        else ("array_element", repr(item.disclosure.value))
        for item in result.disclosures
    )


@pytest.mark.parametrize("name", NAMES)
def test_disclosed_claims_match(name: str) -> None:
    data = vector(name)
    result = verify_presentation(data)
    expected = Counter(
        entry if isinstance(entry, str) else (entry[0], repr(entry[1]))
        for entry in data["presentation"]["disclosed_claims"]
    )
    assert _what_was_disclosed(result) == expected
    # Each dotted path names a claim that is really there in the processed claims.
    assert len(result.disclosed) == len(data["presentation"]["disclosures"])
    for item in result.disclosures:
        node: Any = result.claims
        for step in item.path:
            node = node[step]
        if not isinstance(item.disclosure.value, dict | list):
            assert node == item.disclosure.value
    assert result.disclosed == tuple(item.dotted for item in result.disclosures)


@pytest.mark.parametrize("name", NAMES)
def test_issued_sd_jwt_gives_every_claim(name: str) -> None:
    data = vector(name)
    if data["issued_sd_jwt"] is None:
        pytest.skip("the document prints only a presentation for this example")
    verified = verifier_for(data).verify_issued(data["issued_sd_jwt"])
    encoded = {d["disclosure"] for d in data["disclosures"]}
    assert {item.disclosure.encoded for item in verified.disclosures} == encoded
    if data["input_claims"] is not None:
        for name_, value in data["input_claims"].items():
            assert verified.claims[name_] == value
    # Every disclosure decoded the way the vector says, and landed under its name.
    by_encoded = {d["disclosure"]: d for d in data["disclosures"]}
    for item in verified.disclosures:
        entry = by_encoded[item.disclosure.encoded]
        assert item.disclosure.name == entry["claim_name"]
        assert item.disclosure == Disclosure.parse(entry["disclosure"])
        if entry["claim_name"] is not None:
            assert item.path[-1] == entry["claim_name"]


@pytest.mark.parametrize("name", [n for n in NAMES if vector(n)["presentation"]["key_binding"]])
def test_kb_vectors_refuse_a_wrong_nonce_and_audience(name: str) -> None:
    data = vector(name)
    kb = data["presentation"]["key_binding"]
    presentation = data["presentation"]["sd_jwt_presentation"]
    with pytest.raises(VerificationError) as wrong_nonce:
        verifier_for(data).verify(presentation, nonce="0987654321", audience=kb["expected_aud"])
    assert wrong_nonce.value.code == "nonce_mismatch"
    with pytest.raises(VerificationError) as wrong_aud:
        verifier_for(data).verify(
            presentation, nonce=kb["expected_nonce"], audience="https://other.example"
        )
    assert wrong_aud.value.code == "audience_mismatch"
