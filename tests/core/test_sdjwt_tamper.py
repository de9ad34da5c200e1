"""The tamper table: every VerificationError code the SD-JWT verifier can give, each case
asserting its exact code. Credentials come from tests/core/sdjwt_build.py (a minimal
signer), so that any part can be bent on purpose."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from core.did import did_jwk_from_public_key, did_key_from_public_key
from core.encoding import b64url_encode
from core.errors import VERIFICATION_CODES, InvalidInput, ResolutionError, VerificationError
from core.jose import sign_compact, sign_json
from core.sdjwt.disclosure import Disclosure, digest_of
from core.verifier import IssuerKey
from tests.core.sdjwt_build import (
    ADDRESS,
    ALL,
    AUD,
    CNF,
    DID,
    DID_KID,
    DROP,
    FAMILY,
    GIVEN,
    HOLDER,
    ISS,
    ISSUER,
    LOCALITY,
    NAT_DE,
    NONCE,
    NOW,
    OTHER,
    P256_HOLDER,
    P256_ISSUER,
    TX,
    VCT,
    DictFetcher,
    did_sd_jwt,
    metadata_fetcher,
    payload,
    presentation,
    raw_disclosure,
    sd_jwt,
    tx_hash,
    verifier,
    verify,
    with_kb,
)

# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    code: str
    run: Callable[[], object]


def case(id: str, code: str, run: Callable[[], object]) -> Any:
    return pytest.param(Case(id, code, run), id=f"{code}:{id}")


def _verify_issued(text: str, **setup: Any) -> object:
    return verifier(**setup).verify_issued(text)


def _reordered() -> str:
    sd = sd_jwt()
    kb = with_kb(sd)[len(sd):]
    return sd_jwt(disclosures=(FAMILY, GIVEN, ADDRESS, LOCALITY, NAT_DE)) + kb


def _dropped_after_kb() -> object:
    full = presentation()
    return verify(full.replace(FAMILY.encoded + "~", "", 1))


def _payload_swapped() -> str:
    jwt, rest = sd_jwt().split("~", 1)
    other = sign_json(ISSUER, payload(exp=NOW + 7200), header={"typ": "dc+sd-jwt"})
    header, _, signature = jwt.split(".")
    return with_kb(f"{header}.{other.split('.')[1]}.{signature}~{rest}")


def _status(error: BaseException) -> Callable[[Mapping[str, Any]], None]:
    def checker(_payload: Mapping[str, Any]) -> None:
        raise error

    return checker


def _kb_alg_not_allowed() -> object:
    sd = sd_jwt(payload(holder=HOLDER), key=P256_ISSUER)
    return verify(with_kb(sd), issuer_keys={ISS: [P256_ISSUER.public_key]}, algorithms={"ES256"})


CASES = [
    # structure
    case("not text", "malformed", lambda: verify(12345)),
    case("no tilde", "malformed", lambda: verify(sd_jwt().split("~")[0])),
    case("empty disclosure", "malformed", lambda: verify(sd_jwt().replace("~", "~~", 1))),
    case("two JWS segments", "malformed", lambda: verify("aGk.aGk~")),
    case("header not JSON", "malformed", lambda: verify("bm90IGpzb24.e30.c2ln~")),
    case("payload not an object", "malformed", lambda: verify(sign_compact(ISSUER, b"[1,2]", header={"typ": "dc+sd-jwt"}) + "~")),
    case("payload duplicate member", "malformed", lambda: verify(sign_compact(ISSUER, b'{"iss":"a","iss":"b"}', header={"typ": "dc+sd-jwt"}) + "~")),
    case("typ not accepted", "malformed", lambda: verify(with_kb(sd_jwt(header={"typ": "JWT"})))),
    case("typ missing", "malformed", lambda: verify(with_kb(sd_jwt(header={"typ": DROP})))),
    case("iss not a string", "malformed", lambda: verify(with_kb(sd_jwt(payload(iss=["a"]))))),
    case("kid not a string", "malformed", lambda: verify(with_kb(sd_jwt(header={"kid": 7})))),
    case("crit unknown", "malformed", lambda: verify(with_kb(sd_jwt(header={"crit": ["x"], "x": 1})))),
    case("exp not a number", "malformed", lambda: verify(with_kb(sd_jwt(payload(exp="tomorrow"))))),
    case("iat a boolean", "malformed", lambda: verify(with_kb(sd_jwt(payload(iat=True))))),
    case("exp 1e400 (infinite)", "malformed", lambda: verify(with_kb(sign_compact(ISSUER, json.dumps(payload(exp=0)).replace('"exp": 0', '"exp": 1e400').encode(), header={"typ": "dc+sd-jwt"}) + "~"))),
    case("exp required", "malformed", lambda: verify(with_kb(sd_jwt(payload(exp=DROP))), require_exp=True)),
    case("vct missing", "malformed", lambda: verify(with_kb(sd_jwt(payload(vct=DROP))))),
    case("vct not a string", "malformed", lambda: verify(with_kb(sd_jwt(payload(vct={"a": 1}))))),
    case("cnf not an object", "malformed", lambda: verify(with_kb(sd_jwt(payload(cnf="key"))))),
    case("cnf.jwk not a key", "malformed", lambda: verify(with_kb(sd_jwt(payload(cnf={"jwk": {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}}))))),
    case("... as a claim name", "malformed", lambda: verify(with_kb(sd_jwt(payload(extra={"...": "x", "y": 1}))))),
    case("_sd not an array", "malformed", lambda: verify(with_kb(sd_jwt(payload(_sd="abc"), ())))),
    case("digest not a string", "malformed", lambda: verify(with_kb(sd_jwt(payload(_sd=[1]), ())))),
    case("_sd_alg not a string", "malformed", lambda: verify(with_kb(sd_jwt(payload(_sd_alg=256))))),
    case("issued with a KB-JWT", "malformed", lambda: _verify_issued(presentation())),
    # algorithms
    case("issuer alg not allowed", "unsupported_alg", lambda: verify(presentation(), algorithms={"ES256"})),
    case("unknown _sd_alg", "unsupported_alg", lambda: verify(with_kb(sd_jwt(payload(_sd_alg="md5"))))),
    case("KB alg not allowed", "unsupported_alg", _kb_alg_not_allowed),
    # trust and keys
    case("issuer not trusted", "untrusted_issuer", lambda: verify(presentation(), trusted_issuers={"https://other.example"})),
    case("no iss, trust list", "untrusted_issuer", lambda: verify(with_kb(sd_jwt(payload(iss=DROP))), trusted_issuers={ISS})),
    case("untrusted before bad signature", "untrusted_issuer", lambda: verify(with_kb(sd_jwt(key=OTHER)), trusted_issuers={"https://x.example"})),
    case("did:key unknown kid", "unresolvable_key", lambda: verify(did_sd_jwt(kid="#nope"))),
    case("did kid of another DID", "unresolvable_key", lambda: verify(did_sd_jwt(kid=did_key_from_public_key(OTHER.public_key) + DID_KID))),
    case("did without kid", "unresolvable_key", lambda: verify(did_sd_jwt(kid=None))),
    case("https iss, metadata 404", "unresolvable_key", lambda: verify(presentation(), issuer_keys={}, fetcher=DictFetcher({}))),
    case("https iss, metadata of another issuer", "unresolvable_key", lambda: verify(presentation(), issuer_keys={}, fetcher=metadata_fetcher(iss="https://evil.example"))),
    case("https iss, jwks and jwks_uri", "unresolvable_key", lambda: verify(presentation(), issuer_keys={}, fetcher=metadata_fetcher(jwks_uri="https://issuer.example/jwks"))),
    case("https iss, neither jwks nor jwks_uri", "unresolvable_key", lambda: verify(presentation(), issuer_keys={}, fetcher=metadata_fetcher(jwks=DROP))),
    case("https iss, kid not in jwks", "unresolvable_key", lambda: verify(with_kb(sd_jwt(header={"kid": "k9"})), issuer_keys={}, fetcher=metadata_fetcher())),
    case("https iss, metadata not JSON", "unresolvable_key", lambda: verify(presentation(), issuer_keys={}, fetcher=DictFetcher({"https://issuer.example/.well-known/jwt-vc-issuer": b"<html>"}))),
    case("plain http iss", "unresolvable_key", lambda: verify(with_kb(sd_jwt(payload(iss="http://issuer.example"))), issuer_keys={}, fetcher=DictFetcher({}))),
    case("no kid, no policy key", "unresolvable_key", lambda: verify(with_kb(sd_jwt(payload(iss="urn:example:issuer"))))),
    case("no iss, no policy key", "unresolvable_key", lambda: verify(with_kb(sd_jwt(payload(iss=DROP))))),
    case("policy kid not matching", "unresolvable_key", lambda: verify(with_kb(sd_jwt(header={"kid": "b"})), issuer_keys={ISS: [IssuerKey(ISSUER.public_key, "a")]})),
    case("policy key of another alg", "unresolvable_key", lambda: verify(presentation(), issuer_keys={ISS: [P256_ISSUER.public_key]})),
    # signature
    case("signed by another key", "bad_signature", lambda: verify(with_kb(sd_jwt(key=OTHER)))),
    case("payload swapped", "bad_signature", lambda: verify(_payload_swapped())),
    case("did:key signed by another key", "bad_signature", lambda: verify(with_kb(sd_jwt(payload(iss=DID), key=OTHER, header={"kid": DID_KID})))),
    # time
    case("expired", "expired", lambda: verify(with_kb(sd_jwt(payload(exp=NOW - 3600))))),
    case("expired at the skew's edge", "expired", lambda: verify(with_kb(sd_jwt(payload(exp=NOW - 60))))),
    case("nbf in the future", "not_yet_valid", lambda: verify(with_kb(sd_jwt(payload(nbf=NOW + 3600))))),
    case("iat in the future", "not_yet_valid", lambda: verify(with_kb(sd_jwt(payload(iat=NOW + 3600))))),
    # disclosures
    case("unreferenced disclosure", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, Disclosure.create("s", "x", 1)))))),
    case("name overwrite", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(payload(given_name="Eve"))))),
    case("array element from _sd", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(payload(_sd=[NAT_DE.digest()], nationalities=DROP), (NAT_DE,))))),
    case("object disclosure in an array", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(payload(_sd=[], nationalities=[{"...": GIVEN.digest()}]), (GIVEN,))))),
    case("reserved name _sd", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(payload(_sd=[digest_of(raw_disclosure(["s", "_sd", ["x"]]))]), (raw_disclosure(["s", "_sd", ["x"]]),))))),
    case("reserved name ...", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, raw_disclosure(["s", "...", 1])))))),
    case("bad base64", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, "not*base64"))))),
    case("bad JSON", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, b64url_encode(b"[not json")))))),
    case("not a 2- or 3-array", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, raw_disclosure(["s", "a", 1, 2])))))),
    case("cnf disclosed", "disclosure_invalid", lambda: verify(with_kb(sd_jwt(payload(cnf=DROP, _sd=[CNF.digest()]), (CNF,))))),
    case("same disclosure twice", "disclosure_duplicate", lambda: verify(with_kb(sd_jwt(disclosures=(*ALL, GIVEN))))),
    case("digest twice in _sd", "disclosure_duplicate", lambda: verify(with_kb(sd_jwt(payload(_sd=[GIVEN.digest(), GIVEN.digest()]), (GIVEN,))))),
    case("digest in _sd and in an array", "disclosure_duplicate", lambda: verify(with_kb(sd_jwt(payload(_sd=[NAT_DE.digest()]), (NAT_DE,))))),
    # key binding
    case("no KB-JWT", "kb_missing", lambda: verify(sd_jwt())),
    case("transaction data, no KB-JWT", "kb_missing", lambda: verify(sd_jwt(payload(cnf=DROP)), transaction_data=TX)),
    case("KB typ JWT", "kb_invalid", lambda: verify(presentation(typ="JWT"))),
    case("KB signed by another key", "kb_invalid", lambda: verify(presentation(key=OTHER))),
    case("KB not a JWS", "kb_invalid", lambda: verify(sd_jwt() + "garbage")),
    case("KB payload not an object", "kb_invalid", lambda: verify(sd_jwt() + sign_compact(HOLDER, b"[]", header={"typ": "kb+jwt"}))),
    case("KB without cnf", "kb_invalid", lambda: verify(with_kb(sd_jwt(payload(cnf=DROP))))),
    case("KB, cnf without jwk", "kb_invalid", lambda: verify(with_kb(sd_jwt(payload(cnf={"kid": "k"}))))),
    case("KB alg not the holder key's", "kb_invalid", lambda: verify(with_kb(sd_jwt(), key=P256_HOLDER))),
    case("KB iat missing", "kb_invalid", lambda: verify(presentation(iat=DROP))),
    case("KB iat a string", "kb_invalid", lambda: verify(presentation(iat="now"))),
    case("wrong nonce", "nonce_mismatch", lambda: verify(presentation(nonce="other"))),
    case("nonce missing", "nonce_mismatch", lambda: verify(presentation(nonce=DROP))),
    case("wrong audience", "audience_mismatch", lambda: verify(presentation(aud="https://other.example"))),
    case("audience as a list", "audience_mismatch", lambda: verify(presentation(aud=[AUD]))),
    case("old KB iat", "kb_stale", lambda: verify(presentation(iat=NOW - 300 - 61))),
    case("future KB iat", "kb_stale", lambda: verify(presentation(iat=NOW + 61))),
    case("disclosure dropped after KB", "sd_hash_mismatch", _dropped_after_kb),
    case("disclosures reordered", "sd_hash_mismatch", lambda: verify(_reordered())),
    case("sd_hash missing", "sd_hash_mismatch", lambda: verify(presentation(sd_hash=DROP))),
    case("sd_hash of the issued SD-JWT", "sd_hash_mismatch", lambda: verify(with_kb(sd_jwt(disclosures=(GIVEN,)), sd_hash=digest_of(sd_jwt())))),
    case("transaction data changed", "transaction_data_mismatch", lambda: verify(presentation(transaction_data_hashes=[tx_hash(t) for t in TX]), transaction_data=[TX[0][:-1] + "x", TX[1]])),
    case("transaction data hashes missing", "transaction_data_mismatch", lambda: verify(presentation(), transaction_data=TX)),
    case("transaction data hashes extra", "transaction_data_mismatch", lambda: verify(presentation(transaction_data_hashes=[tx_hash(t) for t in TX]))),
    case("transaction data hashes reordered", "transaction_data_mismatch", lambda: verify(presentation(transaction_data_hashes=[tx_hash(t) for t in reversed(TX)]), transaction_data=TX)),
    case("transaction data hash alg", "transaction_data_mismatch", lambda: verify(presentation(transaction_data_hashes=[tx_hash(t) for t in TX], transaction_data_hashes_alg="sha-512"), transaction_data=TX)),
    case("transaction data alg alone", "transaction_data_mismatch", lambda: verify(presentation(transaction_data_hashes_alg="sha-256"))),
    # status (the hook)
    case("revoked", "revoked", lambda: verify(presentation(), status_checker=_status(VerificationError("revoked", "revoked")))),
    case("suspended", "suspended", lambda: verify(presentation(), status_checker=_status(VerificationError("suspended", "suspended")))),
    case("status checker broke", "status_unavailable", lambda: verify(presentation(), status_checker=_status(RuntimeError("down")))),
    case("status list unreachable", "status_unavailable", lambda: _verify_issued(sd_jwt(), status_checker=_status(ResolutionError("x", code="resolution_failed")))),
]


@pytest.mark.parametrize("tamper", CASES)
def test_tampering_gives_its_exact_code(tamper: Case) -> None:
    with pytest.raises(VerificationError) as raised:
        tamper.run()
    assert raised.value.code == tamper.code, raised.value.message


def test_the_table_covers_every_code() -> None:
    covered = {param.values[0].code for param in CASES}
    assert covered == VERIFICATION_CODES


# --- what still verifies -----------------------------------------------------------------------


def test_untampered_presentation_verifies() -> None:
    result = verify(presentation())
    assert result.claims == {
        "iss": ISS, "iat": NOW - 60, "exp": NOW + 3600, "vct": VCT,
        "cnf": {"jwk": HOLDER.public_key.to_jwk()},
        "nationalities": ["DE", "FR"],
        "given_name": "Erika", "family_name": "Mustermann",
        "address": {"c": "DE", "locality": "Köln"},
    }
    assert sorted(result.disclosed) == [
        "address", "address.locality", "family_name", "given_name", "nationalities.0",
    ]


def test_time_edges_inside_the_skew_verify() -> None:
    verify(with_kb(sd_jwt(payload(exp=NOW - 59, nbf=NOW + 60, iat=NOW + 60))))
    verify(presentation(iat=NOW - 300 - 60))
    verify(presentation(iat=NOW + 60))


def test_withheld_claims_and_transaction_data_verify() -> None:
    sd = sd_jwt(disclosures=(ADDRESS,))
    text = with_kb(sd, transaction_data_hashes=[tx_hash(t) for t in TX])
    result = verify(text, transaction_data=TX)
    assert result.claims["address"] == {"c": "DE"}
    assert "given_name" not in result.claims and result.claims["nationalities"] == ["FR"]
    assert result.key_binding is not None
    assert result.key_binding["transaction_data_hashes"] == [tx_hash(t) for t in TX]


def test_unbound_credential_needs_no_kb() -> None:
    result = verify(sd_jwt(payload(cnf=DROP)))
    assert result.key_binding is None and result.holder_jwk is None
    bound = verify(sd_jwt(), require_key_binding=False)
    assert bound.key_binding is None and bound.holder_jwk == HOLDER.public_key.to_jwk()


@pytest.mark.parametrize(
    "kid", [DID_KID, DID + DID_KID], ids=["relative", "absolute"]
)
def test_did_key_issuer(kid: str) -> None:
    result = verify(did_sd_jwt(kid=kid), issuer_keys={})
    assert result.issuer == DID


def test_did_jwk_issuer_with_p256() -> None:
    did = did_jwk_from_public_key(P256_ISSUER.public_key)
    text = with_kb(sd_jwt(payload(iss=did), key=P256_ISSUER, header={"kid": "#0"}))
    assert verify(text, issuer_keys={}).issuer == did


def test_metadata_inline_jwks_and_jwks_uri() -> None:
    fetcher = metadata_fetcher()
    text = with_kb(sd_jwt(header={"kid": "k1"}))
    assert verify(text, issuer_keys={}, fetcher=fetcher).issuer == ISS
    assert fetcher.asked == ["https://issuer.example/.well-known/jwt-vc-issuer"]

    iss = "https://issuer.example/tenant/7/"
    jwks = {"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}, {**ISSUER.public_key.to_jwk(), "kid": "k1"}]}
    by_uri = DictFetcher({
        "https://issuer.example/.well-known/jwt-vc-issuer/tenant/7": {"issuer": iss, "jwks_uri": "https://keys.example/jwks.json"},
        "https://keys.example/jwks.json": jwks,
    })
    text = with_kb(sd_jwt(payload(iss=iss)))  # no kid: the one EdDSA key is tried
    v = verifier(issuer_keys={}, fetcher=by_uri)
    v.verify(text, nonce=NONCE, audience=AUD)
    v.verify(text, nonce=NONCE, audience=AUD)  # the second time from this verifier's cache
    assert by_uri.asked == [
        "https://issuer.example/.well-known/jwt-vc-issuer/tenant/7",
        "https://keys.example/jwks.json",
    ]


def test_trust_is_checked_before_anything_is_fetched() -> None:
    fetcher = DictFetcher({})
    with pytest.raises(VerificationError) as raised:
        verify(presentation(), issuer_keys={}, fetcher=fetcher, trusted_issuers={"https://x.example"})
    assert raised.value.code == "untrusted_issuer" and fetcher.asked == []


def test_policy_keys_with_kids_pick_by_kid() -> None:
    keys = {ISS: [IssuerKey(OTHER.public_key, "old"), IssuerKey(ISSUER.public_key, "new")]}
    verify(with_kb(sd_jwt(header={"kid": "new"})), issuer_keys=keys)
    with pytest.raises(VerificationError) as raised:
        verify(with_kb(sd_jwt(header={"kid": "old"})), issuer_keys=keys)
    assert raised.value.code == "bad_signature"
    # Without a kid every key of the algorithm is tried.
    verify(presentation(), issuer_keys={ISS: [OTHER.public_key, ISSUER.public_key]})


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"nonce": ""}, "nonce"),
        ({"audience": 5}, "audience"),
        ({"transaction_data": "abc"}, "transaction_data"),
        ({"transaction_data": ["é"]}, "transaction_data"),
    ],
)
def test_bad_arguments_are_invalid_input(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        verify(presentation(), **arguments)
