"""Consents in the wallet (core/consents.py and the Wallet facade) on a real vault file:
signed by the right identity, stored, logged, listed with their state at the wallet's
clock, withdrawn once, and still there after reopening."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.clock import FixedClock
from core.consent import DAY, SharedCredential, verify_consent, verify_withdrawal
from core.consents import CONSENT_KIND, ConsentStore
from core.errors import InvalidInput, RecordDamaged, RecordNotFound
from core.vault.kdf import KdfParams
from core.wallet import Wallet

PASS = "correct horse battery staple"
START = 1_750_000_000.0
VERIFIER = "redirect_uri:https://shop.example/response"
SHARED = (SharedCredential("ab" * 32, "urn:eudi:pid:1", "https://pid.example",
                           ("given_name", "address.locality")),)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def wallet(tmp_path: Path, clock: FixedClock) -> Iterator[Wallet]:
    made, _ = Wallet.create(tmp_path / "vault", PASS, kdf=KdfParams.FAST_INSECURE, clock=clock)
    with made:
        yield made


def grant(wallet: Wallet, duration: str = "30d", holder: str | None = None) -> str:
    did = holder if holder is not None else wallet.identities.all()[0].did
    consent = wallet.record_consent(did, VERIFIER, "Example Shop", False, "Deliver your order",
                                    SHARED, duration)
    return consent.id


def kinds(wallet: Wallet) -> list[str]:
    return [entry.kind for entry in wallet.ledger.entries()]


def test_recorded_signed_stored_and_logged(wallet: Wallet) -> None:
    second = wallet.create_identity("jwk", "ES256", "Work")
    consent = wallet.record_consent(second.did, VERIFIER, "Example Shop", True, None, SHARED,
                                    "1d")
    assert consent.holder == second.did and consent.kid.startswith(second.did + "#")
    assert verify_consent(consent.token) == consent
    assert consent.granted_at == int(START) and consent.valid_until == int(START) + DAY
    [stored] = wallet.consents()
    assert stored.consent == consent and stored.withdrawal is None and stored.state == "active"

    entry = wallet.ledger.entries()[-1]
    assert entry.kind == "consent.granted"
    assert entry.summary == (
        "Gave Example Shop consent to use given_name, address.locality for 1 day."
    )
    assert entry.details["id"] == consent.id
    assert entry.details["verifier"] == VERIFIER
    assert list(entry.details["claims"]) == ["given_name", "address.locality"]
    assert entry.details["until"] == int(START) + DAY
    assert list(entry.details["credentials"]) == ["ab" * 32]
    wallet.ledger.verify()


def test_unbound_credentials_are_signed_by_the_first_identity(wallet: Wallet) -> None:
    first = wallet.identities.all()[0]
    wallet.create_identity("key", "ES256")
    consent = wallet.record_consent(None, VERIFIER, None, False, None, SHARED, "once")
    assert consent.holder == first.did


def test_no_identity_to_sign_with(wallet: Wallet) -> None:
    wallet.delete_identity(wallet.identities.all()[0].did)
    before = kinds(wallet)
    with pytest.raises(RecordNotFound, match="has none"):
        wallet.record_consent(None, VERIFIER, None, False, None, SHARED, "once")
    assert kinds(wallet) == before and wallet.consents() == []


@pytest.mark.parametrize(("shared", "duration"), [(SHARED, "7d"), ((), "1d")])
def test_bad_consents_store_and_log_nothing(
    wallet: Wallet, shared: tuple[SharedCredential, ...], duration: str
) -> None:
    before = kinds(wallet)
    with pytest.raises(InvalidInput) as info:
        grant_with = wallet.identities.all()[0].did
        wallet.record_consent(grant_with, VERIFIER, None, False, None, shared, duration)
    assert info.value.code == "invalid_input"
    assert kinds(wallet) == before and wallet.consents() == []


def test_withdraw_logs_once_and_verifies_with_core(wallet: Wallet, clock: FixedClock) -> None:
    consent_id = grant(wallet, "until_withdrawn")
    clock.advance(3600)
    withdrawal = wallet.withdraw_consent(consent_id[:8])
    [stored] = wallet.consents()
    assert stored.state == "withdrawn" and stored.withdrawal == withdrawal
    assert withdrawal.withdrawn_at == int(START) + 3600
    assert verify_withdrawal(withdrawal.token, consent=verify_consent(stored.consent.token))
    assert kinds(wallet)[-2:] == ["consent.granted", "consent.withdrawn"]
    entry = wallet.ledger.entries()[-1]
    assert entry.summary == "Withdrew the consent given to Example Shop."
    assert entry.details == {"id": consent_id, "verifier": VERIFIER,
                             "consent_hash": stored.consent.hash}

    clock.advance(60)
    again = wallet.withdraw_consent(consent_id)
    assert again.token == withdrawal.token  # the same withdrawal, not a new one
    assert kinds(wallet).count("consent.withdrawn") == 1
    wallet.ledger.verify()


@pytest.mark.parametrize(("duration", "wait"), [("once", 0), ("1d", DAY), ("30d", 30 * DAY)])
def test_an_expired_consent_cannot_be_withdrawn(
    wallet: Wallet, clock: FixedClock, duration: str, wait: int
) -> None:
    consent_id = grant(wallet, duration)
    clock.advance(wait)
    assert wallet.consent(consent_id).state == "expired"
    before = kinds(wallet)
    with pytest.raises(InvalidInput) as info:
        wallet.withdraw_consent(consent_id)
    assert info.value.code == "consent_expired"
    assert kinds(wallet) == before and wallet.consent(consent_id).withdrawal is None


def test_withdrawable_until_the_last_second(wallet: Wallet, clock: FixedClock) -> None:
    consent_id = grant(wallet, "1d")
    clock.advance(DAY - 1)
    assert wallet.consent(consent_id).state == "active"
    wallet.withdraw_consent(consent_id)
    clock.advance(10 * DAY)
    assert wallet.consent(consent_id).state == "withdrawn"  # withdrawn, not expired


def test_states_follow_the_wallet_clock(wallet: Wallet, clock: FixedClock) -> None:
    once, day, month, forever = (grant(wallet, d) for d in ("once", "1d", "30d",
                                                            "until_withdrawn"))
    clock.advance(2 * DAY)
    wallet.withdraw_consent(forever)
    states = {stored.id: stored.state for stored in wallet.consents()}
    assert states == {once: "expired", day: "expired", month: "active", forever: "withdrawn"}


def test_consents_survive_reopening(tmp_path: Path, wallet: Wallet, clock: FixedClock) -> None:
    kept = grant(wallet, "30d")
    withdrawn = grant(wallet, "1d")
    withdrawal = wallet.withdraw_consent(withdrawn)
    before = {s.id: (s.consent.token, s.withdrawal) for s in wallet.consents()}
    wallet.close()
    with Wallet.open(tmp_path / "vault", clock=clock) as again:
        again.unlock(PASS)
        after = {s.id: (s.consent.token, s.withdrawal) for s in again.consents()}
        assert after == before
        assert again.consent(withdrawn).withdrawal == withdrawal
        assert again.consent(kept).state == "active"
        again.ledger.verify()


def test_ids_by_prefix(wallet: Wallet, clock: FixedClock) -> None:
    store = ConsentStore(wallet.vault, wallet.identities, clock,
                         random_bytes=_counter(b"\xaa" * 15))
    did = wallet.identities.all()[0].did
    first = store.create(did, VERIFIER, None, False, None, SHARED, "30d")
    store.create(did, VERIFIER, None, False, None, SHARED, "30d")
    with pytest.raises(InvalidInput) as info:
        wallet.consent("aaaaaaaa")
    assert info.value.code == "ambiguous_id"
    with pytest.raises(RecordNotFound):
        wallet.consent("aaaaa")  # shorter than 6
    with pytest.raises(RecordNotFound):
        wallet.withdraw_consent("bbbbbbbb")
    assert wallet.consent(first.id.upper()).id == first.id


def _counter(prefix: bytes) -> Callable[[int], bytes]:
    """Consent ids ``prefix`` + 01, 02, …: ids that share their first characters."""
    count = iter(range(1, 256))
    return lambda n: prefix + bytes([next(count)])


def test_a_record_that_no_longer_verifies_is_damaged(wallet: Wallet) -> None:
    good = grant(wallet)
    bad = grant(wallet)
    token = wallet.consent(bad).consent.token
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    wallet.vault.put_json(CONSENT_KIND, bad, {"consent": forged, "withdrawal": None})
    assert [s.id for s in wallet.consents()] == [good]
    with pytest.raises(RecordDamaged) as info:
        wallet.consent(bad)
    assert info.value.record_id == bad and info.value.kind == CONSENT_KIND
    # A record holding another consent's token is damaged too.
    wallet.vault.put_json(CONSENT_KIND, "f" * 32,
                          {"consent": wallet.consent(good).consent.token, "withdrawal": None})
    with pytest.raises(RecordDamaged):
        wallet.consent("f" * 32)


def test_withdrawal_after_the_identity_was_deleted(wallet: Wallet) -> None:
    work = wallet.create_identity("key", "EdDSA", "Work")
    consent_id = grant(wallet, "30d", holder=work.did)
    wallet.delete_identity(work.did)
    with pytest.raises(RecordNotFound, match="was deleted"):
        wallet.withdraw_consent(consent_id)
    assert wallet.consent(consent_id).state == "active"
