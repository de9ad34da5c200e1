"""DCQL for W3C credentials (OpenID4VP 1.0 Appendix B.1): ``meta.type_values`` parsed
strictly and matched against stored ``jwt_vc_json`` / ``ldp_vc`` credentials, claims paths
from the credential root, unbound credentials explained, SD-JWT matching untouched, and the
planned share marked whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.dcql import Candidate, match, parse_dcql
from core.errors import InvalidInput
from core.vault.kdf import KdfParams
from core.vc import matches_type_values
from core.wallet import Wallet
from tests.core.w3c_build import INSIDE, W3cIssuer

ISSUER = W3cIssuer.new()
KIND = "UniversityDegreeCredential"
VC_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"


def w3c_query(format: str, type_values: Any, *paths: list[Any], **more: Any) -> dict[str, Any]:
    query: dict[str, Any] = {"id": "degree", "format": format, "meta": {"type_values": type_values}}
    if paths:
        query["claims"] = [{"path": path} for path in paths]
    return {"credentials": [{**query, **more}]}


BAD_META = [
    ("no type_values", {"credentials": [{"id": "q", "format": "jwt_vc_json", "meta": {}}]}),
    ("type_values a string", w3c_query("ldp_vc", KIND)),
    ("type_values flat", w3c_query("ldp_vc", [KIND])),
    ("an empty set", w3c_query("jwt_vc_json", [[]])),
    ("a number in a set", w3c_query("jwt_vc_json", [[KIND, 3]])),
    ("no sets", w3c_query("jwt_vc_json", [])),
]


@pytest.mark.parametrize("query", [b[1] for b in BAD_META], ids=[b[0] for b in BAD_META])
def test_w3c_queries_need_type_values(query: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_dcql(query)
    assert info.value.code == "invalid_dcql"


def test_type_values_are_parsed() -> None:
    query = parse_dcql(w3c_query("ldp_vc", [[KIND], ["VerifiableCredential", "Other"]]))
    assert query.credentials[0].type_values == ((KIND,), ("VerifiableCredential", "Other"))
    assert query.credentials[0].vct_values is None


@pytest.mark.parametrize(
    ("type_values", "matches"),
    [
        ([[KIND]], True),
        ([["VerifiableCredential", KIND]], True),
        ([[VC_IRI, DEPENDENT + KIND]], True),
        ([["Other"], [KIND]], True),
        ([[KIND, "Other"]], False),
        ([["https://example.org#" + KIND]], False),
    ],
)
def test_type_values_match_types_as_written_or_as_the_vc_context_expands_them(
    type_values: list[list[str]], matches: bool
) -> None:
    assert matches_type_values(("VerifiableCredential", KIND), type_values) is matches


def candidate(format: str, *, bound: bool = True, **subject: Any) -> Candidate:
    credential = ISSUER.credential("did:example:holder", subject=subject or None)
    return Candidate("c1", format, None, credential, bound, ("VerifiableCredential", KIND))


@pytest.mark.parametrize("format", ["jwt_vc_json", "ldp_vc"])
def test_a_w3c_credential_answers_by_format_type_and_claims_paths(format: str) -> None:
    query = parse_dcql(w3c_query(format, [[KIND]], ["credentialSubject", "degree", "type"]))
    found = match(query, [candidate(format)])
    assert found.satisfied
    (chosen,) = found.answer()["degree"]
    assert chosen.dotted == ("credentialSubject.degree.type",)
    other = "ldp_vc" if format == "jwt_vc_json" else "jwt_vc_json"
    assert not match(query, [candidate(other)]).satisfied


def test_mismatches_are_explained_in_words() -> None:
    query = parse_dcql(w3c_query("jwt_vc_json", [["DriverLicense"]]))
    found = match(query, [candidate("jwt_vc_json")])
    assert not found.satisfied
    assert found.explanations == (
        "The verifier asks for a credential of type 'DriverLicense' (jwt_vc_json); you have none.",
    )
    missing = parse_dcql(w3c_query("jwt_vc_json", [[KIND]], ["credentialSubject", "gpa"]))
    assert match(missing, [candidate("jwt_vc_json")]).explanations == (
        f"No stored credential of type '{KIND}' (jwt_vc_json) has the claim "
        "'credentialSubject.gpa'.",
    )


def test_an_unbound_w3c_credential_is_no_candidate_even_without_binding_asked() -> None:
    for more in ({}, {"require_cryptographic_holder_binding": False}):
        query = parse_dcql(w3c_query("ldp_vc", [[KIND]], **more))
        found = match(query, [candidate("ldp_vc", bound=False)])
        assert not found.satisfied
        assert "about none of your identities" in found.explanations[0]


def test_sd_jwt_queries_do_not_match_w3c_credentials() -> None:
    query = parse_dcql({"credentials": [{"id": "pid", "format": "dc+sd-jwt",
                                         "meta": {"vct_values": [KIND]}}]})
    assert not match(query, [candidate("jwt_vc_json")]).satisfied


@pytest.fixture
def wallet(tmp_path: Path) -> Any:
    created, _ = Wallet.create(
        tmp_path / "vault", "correct horse battery staple", kdf=KdfParams.FAST_INSECURE,
        clock=FixedClock(INSIDE),
    )
    with created:
        yield created


@pytest.mark.parametrize("format", ["jwt_vc_json", "ldp_vc"])
def test_stored_w3c_credentials_become_candidates(wallet: Wallet, format: str) -> None:
    did = wallet.identities.all()[0].did
    bound = wallet.import_credential(ISSUER.issue(format, did))
    unbound = wallet.import_credential(ISSUER.issue(format, None, id="urn:x:2"))
    first = Candidate.from_stored(bound)
    assert (first.format, first.vct, first.bound, first.types) == (
        format, None, True, ("VerifiableCredential", KIND))
    assert first.claims["credentialSubject"]["id"] == did and "proof" not in first.claims
    assert Candidate.from_stored(unbound).bound is False
    query = parse_dcql(w3c_query(format, [[KIND]], ["credentialSubject", "name"]))
    found = match(query, [Candidate.from_stored(c) for c in wallet.credentials.all()])
    assert [m.credential_id for m in found.query("degree").matches] == [bound.id]
