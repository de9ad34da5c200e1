"""W3C credentials in the wallet, on a real vault file: the format read from the text,
import (verified, bound by credentialSubject.id, deduplicated, refused with the exact code
and nothing stored), records from before W3C still loading, and presenting whole in a
Verifiable Presentation the verifier checks (nonce, audience, holder) with the log keeping
claim names only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.credentials import StoredCredential, credential_id
from core.credentials_w3c import detect_format
from core.dcql import Candidate
from core.did import did_key_from_public_key
from core.encoding import b64url_decode, b64url_encode, compact_json
from core.errors import InvalidInput, RecordNotFound, VerificationError
from core.identity import CREDENTIAL_KIND
from core.jose import sign_json
from core.keys import Ed25519PrivateKey
from core.ledger import export_jsonl
from core.sdjwt.issuer import SdJwtIssuer
from core.vault.kdf import KdfParams
from core.vc import issue_vc_jwt, verify_w3c_presentation
from core.wallet import Wallet
from tests.conftest import load_vector
from tests.core.w3c_build import INSIDE, SECRET_VALUES, W3cIssuer
from tests.loopback import serving

PASS = "correct horse battery staple"
NOW = INSIDE
AUD = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"
ISSUER = W3cIssuer.new()
FORMATS = ["jwt_vc_json", "ldp_vc"]


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    created, _ = Wallet.create(
        tmp_path / "vault", PASS, kdf=KdfParams.FAST_INSECURE, clock=FixedClock(NOW)
    )
    with created:
        yield created


def did_of(wallet: Wallet) -> str:
    return wallet.identities.all()[0].did


def kinds(wallet: Wallet) -> list[str]:
    return [entry.kind for entry in wallet.ledger.entries()]


def verify(text: str, **options: Any) -> Any:
    options.setdefault("nonce", NONCE)
    options.setdefault("audience", AUD)
    options.setdefault("clock", FixedClock(NOW + 5))
    return verify_w3c_presentation(text, **options)


# --- the format, from the text ----------------------------------------------------------------


def test_detect_format_reads_each_kind_strictly() -> None:
    holder = "did:example:holder"
    sd_jwt = SdJwtIssuer(Ed25519PrivateKey(bytes(32)), "did:example:i").issue(
        {"a": 1}, disclosable=["a"], vct="urn:x"
    ).sd_jwt
    assert detect_format(sd_jwt) == "dc+sd-jwt"
    assert detect_format(f"  {ISSUER.jwt_vc(holder)}\n") == "jwt_vc_json"
    assert detect_format(ISSUER.ldp_vc(holder)) == "ldp_vc"


VP_JWT = sign_json(Ed25519PrivateKey(bytes(32)), {"vp": {"type": ["VerifiablePresentation"]}})
NOT_CREDENTIALS = {
    "empty object": "{}",
    "json without @context": '{"proof": {}}',
    "json without proof": json.dumps(ISSUER.credential("did:example:h")),
    "broken json": '{"@context": [',
    "a presentation jwt": VP_JWT,
    "a plain jwt": sign_json(Ed25519PrivateKey(bytes(32)), {"sub": "x"}),
    "a jwt whose payload is not json": f"{b64url_encode(b'{}')}.{b64url_encode(b'[1')}.c2ln",
    "words": "hello world",
}


@pytest.mark.parametrize("text", NOT_CREDENTIALS.values(), ids=NOT_CREDENTIALS.keys())
def test_text_that_is_no_credential_is_malformed_and_nothing_is_stored(
    wallet: Wallet, text: str
) -> None:
    with pytest.raises(VerificationError) as info:
        detect_format(text)
    assert info.value.code == "malformed"
    before = kinds(wallet)
    with pytest.raises(VerificationError) as info:
        wallet.import_credential(text)
    assert info.value.code == "malformed"
    assert wallet.credentials.all() == [] and kinds(wallet) == before


# --- import -------------------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_import_verifies_binds_to_the_subject_identity_and_logs_names_only(
    wallet: Wallet, tmp_path: Path, format: str
) -> None:
    text = ISSUER.issue(format, did_of(wallet))
    stored = wallet.import_credential(text)
    assert stored.id == credential_id(text)
    assert (stored.format, stored.issuer, stored.vct) == (format, ISSUER.did, None)
    assert stored.types == ("VerifiableCredential", "UniversityDegreeCredential")
    assert stored.kind == "UniversityDegreeCredential"
    assert stored.holder_did == did_of(wallet) and stored.shared_whole
    assert stored.issued_at is not None and stored.expires_at == 1_798_761_600  # 2027-01-01
    assert stored.text == text.strip()
    held = stored.w3c()
    assert held.claims == {
        "name": "Erika Mustermann",
        "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
        "alumniOf": "The School of Examples",
    }
    assert held.issuer_name == "Example University" and held.items == ()
    assert stored.parsed() == held
    with pytest.raises(InvalidInput) as info:
        stored.held()
    assert info.value.code == "unsupported_format"
    entry = wallet.ledger.entries()[-1]
    assert entry.kind == "credential.imported"
    assert entry.details["format"] == format and entry.details["holder_did"] == did_of(wallet)
    assert list(entry.details["types"]) == ["VerifiableCredential", "UniversityDegreeCredential"]
    assert "UniversityDegreeCredential" in entry.summary
    assert wallet.identities.bound_credentials(did_of(wallet)) == [stored.id]
    exported = export_jsonl(wallet.ledger.entries())
    assert not any(secret in exported for secret in SECRET_VALUES)
    wallet.close()
    with Wallet.open(tmp_path / "vault", clock=FixedClock(NOW)) as again:
        again.unlock(PASS)
        assert again.credentials.get(stored.id) == stored


@pytest.mark.parametrize("format", FORMATS)
def test_a_credential_about_someone_else_is_stored_unbound_and_says_so(
    wallet: Wallet, format: str
) -> None:
    for subject in ("did:example:someone-else", None):
        stored = wallet.import_credential(ISSUER.issue(format, subject, id=f"urn:x:{subject}"))
        assert stored.holder_did is None and not stored.needs_holder_key
        entry = wallet.ledger.entries()[-1]
        assert "none of your identities" in entry.summary and "not presented" in entry.summary


@pytest.mark.parametrize("format", FORMATS)
def test_importing_the_same_credential_again_changes_nothing(wallet: Wallet, format: str) -> None:
    text = ISSUER.issue(format, did_of(wallet))
    first = wallet.import_credential(text)
    logged = len(kinds(wallet))
    assert wallet.import_credential(f"\n{text}\n") == first
    assert len(kinds(wallet)) == logged and wallet.credentials.all() == [first]


def test_a_legacy_didkit_style_vc_jwt_imports(wallet: Wallet) -> None:
    claims = {
        "iss": ISSUER.did, "sub": did_of(wallet), "nbf": int(NOW) - 60, "iat": int(NOW) - 60,
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "EmployeeCredential"],
            "credentialSubject": {"role": "engineer"},
        },
    }
    stored = wallet.import_credential(sign_json(ISSUER.key, claims, header={"kid": ISSUER.kid}))
    assert stored.holder_did == did_of(wallet) and stored.issued_at == int(NOW) - 60
    assert stored.w3c().claims == {"role": "engineer"} and not stored.w3c().vc2
    vp = wallet.present_credential(stored.id, [], nonce=NONCE, audience=AUD)
    vp_claims = json.loads(b64url_decode(vp.split(".")[1]))
    assert vp_claims["vp"]["@context"] == ["https://www.w3.org/2018/credentials/v1"]
    assert verify(vp).credential.subject == {"role": "engineer", "id": did_of(wallet)}


def _jwt_resigned(token: str, change: Any, **header_changes: str) -> str:
    header, payload, _ = token.split(".")
    claims = json.loads(b64url_decode(payload))
    change(claims)
    header_json = {**json.loads(b64url_decode(header)), **header_changes}
    header_json.pop("alg")
    return sign_json(ISSUER.key, claims, header=header_json)


def _issued_by(did: str) -> Any:
    return lambda claims: (claims.update(iss=did), claims["vc"].update(issuer=did))


NO_KEY = "did:key:z6MkNotAValidKeyAtAll"


def _jwt_forged(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["vc"]["credentialSubject"]["name"] = "Mallory"
    return f"{header}.{b64url_encode(compact_json(claims))}.{signature}"


def _ldp_changed(text: str, change: Any) -> str:
    document = json.loads(text)
    change(document)
    return json.dumps(document)


OTHER = W3cIssuer.new(seed=9)
REFUSED = [
    ("jwt: changed claim", "jwt_vc_json", _jwt_forged, "bad_signature"),
    ("jwt: expired", "jwt_vc_json", lambda t: OTHER.jwt_vc("did:x:h", validUntil="2025-02-01T00:00:00Z"), "expired"),
    ("jwt: not yet valid", "jwt_vc_json", lambda t: OTHER.jwt_vc("did:x:h", validFrom="2026-02-01T00:00:00Z"), "not_yet_valid"),
    ("jwt: kid of another DID", "jwt_vc_json", lambda t: _jwt_resigned(t, _issued_by(OTHER.did)), "untrusted_issuer"),
    ("jwt: signed by another key", "jwt_vc_json", lambda t: _jwt_resigned(t, _issued_by(OTHER.did), kid=OTHER.kid), "bad_signature"),
    ("jwt: unresolvable key", "jwt_vc_json", lambda t: _jwt_resigned(t, _issued_by(NO_KEY), kid=NO_KEY + "#k"), "unresolvable_key"),
    ("ldp: changed claim", "ldp_vc", lambda t: _ldp_changed(t, lambda d: d["credentialSubject"].update(name="Mallory")), "bad_signature"),
    ("ldp: changed validUntil", "ldp_vc", lambda t: _ldp_changed(t, lambda d: d.update(validUntil="2099-01-01T00:00:00Z")), "bad_signature"),
    ("ldp: other cryptosuite", "ldp_vc", lambda t: _ldp_changed(t, lambda d: d["proof"].update(cryptosuite="eddsa-rdfc-2022")), "unsupported_alg"),
    ("ldp: expired", "ldp_vc", lambda t: OTHER.ldp_vc("did:x:h", validUntil="2025-02-01T00:00:00Z"), "expired"),
    ("ldp: no VerifiableCredential type", "ldp_vc", lambda t: _ldp_changed(t, lambda d: d.update(type=["Degree"])), "malformed"),
    ("the published eddsa-jcs-2022 vector (issuer is not its key's DID)", "ldp_vc", lambda t: json.dumps(load_vector("eddsa-jcs-2022.json")["signed_credential"]), "untrusted_issuer"),
]


@pytest.mark.parametrize(("format", "change", "code"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_credential_that_does_not_verify_is_refused_with_its_code_and_nothing_is_stored(
    wallet: Wallet, format: str, change: Any, code: str
) -> None:
    text = change(ISSUER.issue(format, did_of(wallet)))
    before = kinds(wallet)
    with pytest.raises(VerificationError) as info:
        wallet.import_credential(text)
    assert info.value.code == code
    assert wallet.credentials.all() == [] and kinds(wallet) == before


def test_a_did_web_issuer_key_is_fetched_over_http(wallet: Wallet) -> None:
    key = Ed25519PrivateKey(bytes([5]) * 32)
    multikey = "z" + did_key_from_public_key(key.public_key).removeprefix("did:key:z")
    holder = did_of(wallet)

    def document(did: str) -> bytes:
        method = {"id": f"{did}#key-1", "type": "Multikey", "controller": did,
                  "publicKeyMultibase": multikey}
        return json.dumps({"id": did, "verificationMethod": [method],
                           "assertionMethod": ["#key-1"]}).encode()

    port_box: list[int] = []

    def lookup(path: str) -> Any:
        if path == "/.well-known/did.json":
            return 200, {"Content-Type": "application/json"}, document(web_did(port_box[0]))
        return None

    def web_did(port: int) -> str:
        return f"did:web:127.0.0.1%3A{port}"

    with serving(lookup) as port:
        port_box.append(port)
        issuer = W3cIssuer(key)
        did = web_did(port)
        credential = issuer.credential(holder) | {"issuer": did}
        token = issue_vc_jwt(credential, key, f"{did}#key-1", clock=FixedClock(NOW))
        stored = wallet.import_credential(token)
    assert stored.issuer == did and stored.holder_did == holder


def test_issuer_keys_are_refused_for_a_w3c_credential(wallet: Wallet) -> None:
    key = Ed25519PrivateKey(bytes(32)).public_key
    for format in FORMATS:
        with pytest.raises(InvalidInput) as info:
            wallet.import_credential(ISSUER.issue(format, did_of(wallet)), issuer_keys={None: [key]})
        assert info.value.code == "unsupported_format"
    assert wallet.credentials.all() == []


# --- records from before W3C ---------------------------------------------------------------------


def test_a_record_without_format_written_before_w3c_still_loads_as_sd_jwt(wallet: Wallet) -> None:
    holder = wallet.identities.private_key(did_of(wallet)).public_key
    issuer = SdJwtIssuer(ISSUER.key, ISSUER.did, kid=ISSUER.kid, clock=FixedClock(NOW))
    text = issuer.issue({"given_name": "Erika"}, disclosable=["given_name"],
                        holder_key=holder, vct="urn:eudi:pid:1").sd_jwt
    old = {"id": credential_id(text), "issuer": ISSUER.did, "vct": "urn:eudi:pid:1",
           "holder_did": did_of(wallet), "issued_at": NOW, "expires_at": None,
           "imported_at": NOW, "sd_jwt": text}
    wallet.vault.put_json(CREDENTIAL_KIND, old["id"], old)
    (stored,) = wallet.credentials.all()
    assert (stored.format, stored.text, stored.sd_jwt, stored.types) == ("dc+sd-jwt", text, text, ())
    assert stored.kind == "urn:eudi:pid:1" and not stored.shared_whole
    assert stored.held().claims["given_name"] == "Erika"
    assert Candidate.from_stored(stored).format == "dc+sd-jwt"
    presented = wallet.present_credential(stored.id, ["given_name"], nonce=NONCE, audience=AUD)
    assert presented.count("~") == 2


@pytest.mark.parametrize("damage", [{"text": 5}, {"types": "x"}, {"types": [1]}, {"format": None}])
def test_a_damaged_record_is_invalid_input(damage: dict[str, Any]) -> None:
    record = {"id": "a" * 64, "format": "ldp_vc", "issuer": None, "vct": None,
              "holder_did": None, "issued_at": None, "expires_at": None, "imported_at": 1.0,
              "text": "{}", "types": []}
    assert StoredCredential.from_json(record).text == "{}"
    with pytest.raises(InvalidInput):
        StoredCredential.from_json({**record, **damage})
    with pytest.raises(InvalidInput):
        StoredCredential.from_json([record])


# --- presenting whole -----------------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_present_whole_makes_a_presentation_bound_to_nonce_audience_and_holder(
    wallet: Wallet, format: str
) -> None:
    stored = wallet.import_credential(ISSUER.issue(format, did_of(wallet)))
    text = wallet.present_credential(stored.id, [], nonce=NONCE, audience=AUD)
    result = verify(text, trusted_issuers={ISSUER.did})
    assert (result.format, result.holder) == (format, did_of(wallet))
    assert result.verification_method.startswith(did_of(wallet) + "#")
    assert result.credential.issuer == ISSUER.did
    assert result.credential.subject["alumniOf"] == "The School of Examples"
    if format == "ldp_vc":
        proof = json.loads(text)["proof"]
        assert (proof["challenge"], proof["domain"], proof["proofPurpose"]) == (
            NONCE, AUD, "authentication")
    entry = wallet.ledger.entries()[-1]
    assert entry.kind == "credential.presented" and entry.details["shared_whole"] is True
    assert list(entry.details["disclosed"]) == ["alumniOf", "degree", "name"]
    assert entry.details["format"] == format and entry.details["audience"] == AUD
    assert "whole" in entry.summary
    assert not any(secret in export_jsonl(wallet.ledger.entries()) for secret in SECRET_VALUES)


def test_a_vp_jwt_has_the_shape_openid4vp_gives_it(wallet: Wallet) -> None:
    stored = wallet.import_credential(ISSUER.jwt_vc(did_of(wallet)))
    text = wallet.present_credential(stored.id, (), nonce=NONCE, audience=AUD)
    header, claims = (json.loads(b64url_decode(part)) for part in text.split(".")[:2])
    assert header["alg"] == "EdDSA" and header["kid"].startswith(did_of(wallet) + "#")
    assert (claims["iss"], claims["aud"], claims["nonce"], claims["iat"]) == (
        did_of(wallet), AUD, NONCE, int(NOW))
    assert claims["vp"]["type"] == ["VerifiablePresentation"]
    assert claims["vp"]["verifiableCredential"] == [stored.text]


def test_a_p256_identity_presents_a_vp_jwt_but_not_an_eddsa_presentation(wallet: Wallet) -> None:
    p256 = wallet.create_identity(alg="ES256").did
    jwt = wallet.import_credential(ISSUER.jwt_vc(p256))
    assert verify(wallet.present_credential(jwt.id, [], nonce=NONCE, audience=AUD)).holder == p256
    ldp = wallet.import_credential(ISSUER.ldp_vc(p256))
    logged = len(kinds(wallet))
    with pytest.raises(InvalidInput) as info:
        wallet.present_credential(ldp.id, [], nonce=NONCE, audience=AUD)
    assert info.value.code == "unsupported_key_type" and len(kinds(wallet)) == logged


REFUSED_PRESENTATIONS = [
    ("a subset of claims", {"paths": ["name"]}, "shared_whole"),
    ("a dotted path as one string", {"paths": "degree.name"}, "shared_whole"),
    ("transaction data", {"transaction_data": ["eyJ0eXBlIjoicGF5bWVudCJ9"]}, "unsupported_format"),
    ("an empty nonce", {"nonce": " "}, "invalid_input"),
    ("an empty audience", {"audience": ""}, "invalid_input"),
]


@pytest.mark.parametrize("format", FORMATS)
@pytest.mark.parametrize(("options", "code"), [r[1:] for r in REFUSED_PRESENTATIONS],
                         ids=[r[0] for r in REFUSED_PRESENTATIONS])
def test_presentations_a_w3c_credential_cannot_make_are_refused_and_not_logged(
    wallet: Wallet, format: str, options: dict[str, Any], code: str
) -> None:
    stored = wallet.import_credential(ISSUER.issue(format, did_of(wallet)))
    options = {"paths": [], "nonce": NONCE, "audience": AUD, **options}
    logged = len(kinds(wallet))
    with pytest.raises(InvalidInput) as info:
        wallet.present_credential(stored.id, options.pop("paths"), **options)
    assert info.value.code == code and len(kinds(wallet)) == logged


@pytest.mark.parametrize("format", FORMATS)
def test_an_unbound_credential_cannot_be_presented(wallet: Wallet, format: str) -> None:
    stored = wallet.import_credential(ISSUER.issue(format, "did:example:someone-else"))
    with pytest.raises(InvalidInput) as info:
        wallet.present_credential(stored.id, [], nonce=NONCE, audience=AUD)
    assert info.value.code == "unbound_credential"
    assert kinds(wallet)[-1] == "credential.imported"


def test_a_credential_whose_identity_was_deleted_cannot_be_presented(wallet: Wallet) -> None:
    stored = wallet.import_credential(ISSUER.jwt_vc(did_of(wallet)))
    wallet.delete_identity(did_of(wallet))
    with pytest.raises(RecordNotFound):
        wallet.present_credential(stored.id, [], nonce=NONCE, audience=AUD)
