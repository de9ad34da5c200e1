"""Credentials in the wallet, on a real vault file: import (checked, bound, deduplicated),
look-up by id prefix, delete, present, and what the activity log keeps (no claim values)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.clock import FixedClock
from core.credentials import (
    MIN_ID_PREFIX,
    Credentials,
    credential_id,
    import_verifier_factory,
    issuer_keys_for,
)
from core.did import did_key_from_public_key
from core.errors import InvalidInput, RecordNotFound, VerificationError
from core.identity import CREDENTIAL_KIND
from core.keys import Ed25519PrivateKey, P256PrivateKey, PublicKey
from core.ledger import export_jsonl
from core.sdjwt.disclosure import Disclosure
from core.sdjwt.issuer import SdJwtIssuer
from core.vault.kdf import KdfParams
from core.verifier import Verifier, VerifierPolicy
from core.wallet import Wallet

FAST = KdfParams.FAST_INSECURE
PASS = "correct horse battery staple"
NOW = 1_760_000_000
ISSUER_KEY = Ed25519PrivateKey(bytes(range(32)))
ISSUER = did_key_from_public_key(ISSUER_KEY.public_key)
KID = f"{ISSUER}#{ISSUER.removeprefix('did:key:')}"
VCT = "urn:eudi:pid:1"
AUDIENCE = "https://verifier.example"
CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "address": {"locality": "Berlin", "country": "DE", "street_address": "Heidestraße 17"},
    "nationalities": ["DE", "FR"],
}
DISCLOSABLE = ["given_name", "family_name", "address", "address.locality", "nationalities.1"]
STRAY = Disclosure.create("c2FsdA", "stray", 1).encoded
#: Claim values that must never reach the activity log.
SECRETS = ("Erika", "Mustermann", "Berlin", "Heidestraße")


def issue(holder: PublicKey | None, *, key: Any = ISSUER_KEY, iss: str = ISSUER,
          kid: str | None = KID, clock_at: float = NOW, typ: str = "dc+sd-jwt",
          **options: Any) -> str:
    options.setdefault("vct", VCT)
    options.setdefault("expires_in", 86_400)
    issuer = SdJwtIssuer(key, iss, kid=kid, clock=FixedClock(clock_at), typ=typ)
    return issuer.issue(CLAIMS, disclosable=DISCLOSABLE, holder_key=holder, **options).sd_jwt


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    created, _ = Wallet.create(tmp_path / "vault", PASS, kdf=FAST, clock=FixedClock(NOW))
    with created:
        yield created


def first_did(wallet: Wallet) -> str:
    return wallet.identities.all()[0].did


def holder_key(wallet: Wallet, did: str | None = None) -> PublicKey:
    return wallet.identities.private_key(did or first_did(wallet)).public_key


def kinds(wallet: Wallet) -> list[str]:
    return [entry.kind for entry in wallet.ledger.entries()]


def verifier(**policy: Any) -> Verifier:
    policy.setdefault("trusted_issuers", {ISSUER})
    return Verifier(VerifierPolicy(**policy), clock=FixedClock(NOW + 5))


# --- import ---------------------------------------------------------------------------------


def test_import_stores_a_checked_bound_credential_and_logs_it(wallet: Wallet, tmp_path: Path) -> None:
    text = issue(holder_key(wallet))
    stored = wallet.import_credential(f"\n  {text}\n")
    assert stored.id == hashlib.sha256(text.encode()).hexdigest() == credential_id(text)
    assert (stored.format, stored.issuer, stored.vct) == ("dc+sd-jwt", ISSUER, VCT)
    assert stored.holder_did == first_did(wallet) and stored.needs_holder_key
    assert (stored.issued_at, stored.expires_at, stored.imported_at) == (NOW, NOW + 86_400, NOW)
    assert stored.sd_jwt == text
    assert stored.held().claims["address"]["locality"] == "Berlin"
    assert wallet.credentials.all() == [stored]
    assert wallet.identities.bound_credentials(first_did(wallet)) == [stored.id]
    assert kinds(wallet)[-1] == "credential.imported"
    entry = wallet.ledger.entries()[-1]
    assert entry.details == {"id": stored.id, "vct": VCT, "issuer": ISSUER,
                             "holder_did": first_did(wallet)}
    wallet.close()
    with Wallet.open(tmp_path / "vault", clock=FixedClock(NOW)) as again:
        again.unlock(PASS)
        assert again.credentials.get(stored.id) == stored


def test_importing_the_same_credential_again_changes_nothing(wallet: Wallet) -> None:
    text = issue(holder_key(wallet))
    first = wallet.import_credential(text)
    before = len(wallet.ledger.entries())
    again = wallet.import_credential(text + "\n")
    assert again == first
    assert len(wallet.ledger.entries()) == before
    assert wallet.vault.ids(CREDENTIAL_KIND) == [first.id]
    assert wallet.credentials.import_(text) == first


def test_legacy_vc_sd_jwt_type_is_accepted_and_others_are_not(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet), typ="vc+sd-jwt"))
    assert stored.format == "dc+sd-jwt"
    with pytest.raises(VerificationError) as info:
        wallet.import_credential(issue(holder_key(wallet), typ="JWT"))
    assert info.value.code == "malformed"


def test_credential_for_another_identity_of_this_wallet_binds_to_it(wallet: Wallet) -> None:
    work = wallet.create_identity("jwk", "ES256", "Work")
    stored = wallet.import_credential(issue(holder_key(wallet, work.did)))
    assert stored.holder_did == work.did
    presentation = wallet.present_credential(stored.id, ["given_name"], nonce="n1", audience=AUDIENCE)
    result = verifier().verify(presentation, nonce="n1", audience=AUDIENCE)
    assert result.claims["given_name"] == "Erika"
    assert result.key_binding is not None


def test_credential_bound_to_another_wallet_is_refused_and_nothing_is_stored(wallet: Wallet) -> None:
    before = len(wallet.ledger.entries())
    stranger = P256PrivateKey.generate().public_key
    with pytest.raises(InvalidInput) as info:
        wallet.import_credential(issue(stranger))
    assert info.value.code == "not_bound_to_wallet"
    assert "another wallet" in info.value.message
    assert wallet.credentials.all() == []
    assert len(wallet.ledger.entries()) == before


def test_credential_bound_to_a_deleted_identity_is_refused(wallet: Wallet) -> None:
    other = wallet.create_identity()
    text = issue(holder_key(wallet, other.did))
    wallet.delete_identity(other.did)
    with pytest.raises(InvalidInput, match="another wallet"):
        wallet.import_credential(text)


def test_credential_without_cnf_is_kept_unbound_and_presented_without_kb(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(None))
    assert stored.holder_did is None and not stored.needs_holder_key
    assert "not bound to a key" in wallet.ledger.entries()[-1].summary
    presentation = wallet.present_credential(stored.id, ["given_name"], nonce="n", audience=AUDIENCE)
    assert presentation.endswith("~")
    result = verifier().verify(presentation, nonce="n", audience=AUDIENCE)
    assert result.key_binding is None and result.claims["given_name"] == "Erika"


def tampered_signature(text: str) -> str:
    jwt, rest = text.split("~", 1)
    head, body, signature = jwt.split(".")
    signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}.{body}.{signature}~{rest}"


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda key: "not an sd-jwt at all", "malformed"),
        (lambda key: "", "malformed"),
        (lambda key: tampered_signature(issue(key)), "bad_signature"),
        (lambda key: issue(key).replace("~", f"~{STRAY}~", 1), "disclosure_invalid"),
        (lambda key: issue(key, clock_at=NOW - 100_000), "expired"),
        (lambda key: issue(key) + "kb.jwt.x", "malformed"),
    ],
    ids=["garbage", "empty", "signature", "stray-disclosure", "expired", "with-kb"],
)
def test_a_credential_that_does_not_verify_is_not_stored(wallet: Wallet, make: Any, code: str) -> None:
    before = len(wallet.ledger.entries())
    with pytest.raises(VerificationError) as info:
        wallet.import_credential(make(holder_key(wallet)))
    assert info.value.code == code
    assert wallet.credentials.all() == []
    assert len(wallet.ledger.entries()) == before


def test_issuer_keys_from_a_jwks_serve_an_https_issuer(wallet: Wallet) -> None:
    key = Ed25519PrivateKey(bytes(range(1, 33)))
    text = issue(holder_key(wallet), key=key, iss="https://issuer.example", kid="k1")
    jwks = {"keys": [{**key.public_key.to_jwk(), "kid": "k1"}]}
    stored = wallet.import_credential(text, issuer_keys=issuer_keys_for(text, jwks))
    assert stored.issuer == "https://issuer.example"
    wrong = {"keys": [{**ISSUER_KEY.public_key.to_jwk(), "kid": "k1"}]}
    with pytest.raises(VerificationError) as info:
        Credentials(wallet.vault, wallet.identities, wallet.clock, import_verifier_factory(wallet.clock)).check(
            text, issuer_keys=issuer_keys_for(text, wrong)
        )
    assert info.value.code == "bad_signature"


# --- look-up and delete ---------------------------------------------------------------------


def test_get_takes_the_id_or_a_unique_prefix_of_six_or_more(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    assert wallet.credentials.get(stored.id) == stored
    assert wallet.credentials.get(stored.id[:MIN_ID_PREFIX]) == stored
    assert wallet.credentials.get(stored.id[:MIN_ID_PREFIX].upper()) == stored
    with pytest.raises(RecordNotFound, match="at least its first 6"):
        wallet.credentials.get(stored.id[: MIN_ID_PREFIX - 1])
    with pytest.raises(RecordNotFound):
        wallet.credentials.get("ffffffffff" if not stored.id.startswith("ff") else "0000000000")


def test_an_ambiguous_prefix_is_refused(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    record = stored.to_json()
    for suffix in ("1", "2"):
        wallet.vault.put_json(CREDENTIAL_KIND, "abcdef" + suffix, {**record, "id": "abcdef" + suffix})
    with pytest.raises(InvalidInput) as info:
        wallet.credentials.get("abcdef")
    assert info.value.code == "ambiguous_id"
    assert wallet.credentials.get("abcdef2").id == "abcdef2"


def test_delete_removes_and_logs(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    deleted = wallet.delete_credential(stored.id[:8])
    assert deleted == stored
    assert wallet.credentials.all() == []
    assert wallet.identities.bound_credentials(first_did(wallet)) == []
    assert kinds(wallet)[-1] == "credential.deleted"
    assert wallet.ledger.entries()[-1].details == {"id": stored.id, "vct": VCT, "issuer": ISSUER}
    with pytest.raises(RecordNotFound):
        wallet.delete_credential(stored.id)


# --- present --------------------------------------------------------------------------------


def test_present_discloses_exactly_the_chosen_claims_and_logs_names_only(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    presentation = wallet.present_credential(
        stored.id, ["given_name", "address.locality"], nonce="n-123", audience=AUDIENCE
    )
    result = verifier().verify(presentation, nonce="n-123", audience=AUDIENCE)
    claims = result.claims
    assert claims["given_name"] == "Erika"
    assert claims["address"]["locality"] == "Berlin"
    assert "family_name" not in claims
    assert claims["nationalities"] == ["DE"]  # the second one was not chosen
    entry = wallet.ledger.entries()[-1]
    assert entry.kind == "credential.presented"
    assert entry.details["audience"] == AUDIENCE
    assert entry.details["id"] == stored.id
    assert sorted(entry.details["disclosed"]) == ["address", "address.locality", "given_name"]
    exported = export_jsonl(wallet.ledger.entries())
    for value in SECRETS:
        assert value not in exported
    assert wallet.ledger.verify().count == len(wallet.ledger.entries())


def test_present_with_transaction_data_binds_it(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    data = ["eyJ0eXBlIjoicGF5bWVudCJ9"]
    presentation = wallet.present_credential(
        stored.id, [], nonce="n", audience=AUDIENCE, transaction_data=data
    )
    verifier().verify(presentation, nonce="n", audience=AUDIENCE, transaction_data=data)
    assert wallet.ledger.entries()[-1].details["transaction_data"] == 1


def test_present_an_unknown_claim_is_refused_and_not_logged(wallet: Wallet) -> None:
    stored = wallet.import_credential(issue(holder_key(wallet)))
    before = len(wallet.ledger.entries())
    with pytest.raises(InvalidInput, match="no claim 'birthdate'"):
        wallet.present_credential(stored.id, ["birthdate"], nonce="n", audience=AUDIENCE)
    with pytest.raises(InvalidInput):
        wallet.present_credential(stored.id, ["given_name"], nonce="", audience=AUDIENCE)
    assert len(wallet.ledger.entries()) == before


def test_present_after_its_identity_was_deleted_says_so(wallet: Wallet) -> None:
    other = wallet.create_identity()
    stored = wallet.import_credential(issue(holder_key(wallet, other.did)))
    wallet.delete_identity(other.did)
    with pytest.raises(RecordNotFound, match="was deleted"):
        wallet.present_credential(stored.id, ["given_name"], nonce="n", audience=AUDIENCE)
