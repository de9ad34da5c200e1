"""The wallet's consent records (see :mod:`core.consent`): signed when claims are shared,
kept in the vault, withdrawn on request.

Record (kind ``consent``, id = the consent id): ``{"consent": JWS, "withdrawal": JWS or
null}``. Both tokens are verified again whenever they are read (offline: identities are
did:key or did:jwk), so a record that no longer verifies shows as damaged.

Nothing here writes the activity log: :class:`core.wallet.Wallet` does, in the same
transaction, with what :func:`granted_entry` and :func:`withdrawn_entry` give (claim
names, never values).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from core.clock import Clock
from core.consent import (
    Consent,
    ConsentState,
    SharedCredential,
    Withdrawal,
    check_duration,
    consent_state,
    sign_consent,
    sign_withdrawal,
    verify_consent,
    verify_withdrawal,
)
from core.credentials_w3c import shared_names
from core.did import DidResolver
from core.errors import InvalidInput, RecordDamaged, RecordNotFound, VerificationError
from core.identity import Identities
from core.ids import resolve_prefix
from core.vault.store import Record, Vault

if TYPE_CHECKING:
    from core.oid4vp import AuthorizationRequest, Share
    from core.wallet import Wallet

CONSENT_KIND: Final = "consent"
#: How each duration reads in a sentence.
DURATION_WORDS: Final = {
    "once": "this once",
    "1d": "for 1 day",
    "30d": "for 30 days",
    "until_withdrawn": "until withdrawn",
}


@dataclass(frozen=True)
class StoredConsent:
    """A consent in the vault, its withdrawal if any, and its state when it was read."""

    consent: Consent
    withdrawal: Withdrawal | None
    state: ConsentState

    @property
    def id(self) -> str:
        return self.consent.id


def signing_identity(identities: Identities, holder_did: str | None) -> str:
    """The identity that signs a consent: ``holder_did`` (the key that presented), or for
    a credential bound to no key, the wallet's first identity.

    Raises RecordNotFound (that identity was deleted, or the wallet has none), VaultLocked.
    """
    if holder_did is not None:
        return identities.get(holder_did).did
    every = identities.all()
    if not every:
        raise RecordNotFound(
            "a consent record is signed by one of your identities, and this wallet has none; "
            "create one first"
        )
    return every[0].did


class ConsentStore:
    """Sign, store, list and withdraw consents in ``vault``. Construction does no work."""

    def __init__(
        self,
        vault: Vault,
        identities: Identities,
        clock: Clock,
        *,
        resolver: DidResolver | None = None,
        random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        self._vault = vault
        self._identities = identities
        self._clock = clock
        self._resolver = resolver or DidResolver()
        self._random_bytes = random_bytes

    def create(
        self,
        holder_did: str | None,
        verifier: str,
        verifier_name: str | None,
        verified: bool,
        purpose: str | None,
        shared: Sequence[SharedCredential],
        duration: str,
    ) -> Consent:
        """Sign a consent with the key of :func:`signing_identity` and store it.

        Raises InvalidInput (unknown duration, nothing shared, an empty field),
        RecordNotFound, VaultLocked.
        """
        did = signing_identity(self._identities, holder_did)
        consent = sign_consent(
            self._identities.private_key(did),
            did,
            verifier=verifier,
            verifier_name=verifier_name,
            verified=verified,
            purpose=purpose,
            shared=shared,
            duration=duration,
            granted_at=self._clock.now(),
            resolver=self._resolver,
            random_bytes=self._random_bytes,
        )
        self._vault.put_json(CONSENT_KIND, consent.id, {"consent": consent.token,
                                                         "withdrawal": None})
        return consent

    def all(self) -> list[StoredConsent]:
        """Every readable consent, newest first, with its state now (records that fail
        to verify are left out). Raises VaultLocked."""
        records, _damaged = self._vault.list_records(CONSENT_KIND)
        found = []
        for record in records:
            try:
                found.append(self._read(record))
            except RecordDamaged:
                continue
        return sorted(found, key=lambda s: (s.consent.granted_at, s.id), reverse=True)

    def get(self, consent_id: str) -> StoredConsent:
        """The consent with this id or unique prefix (6 characters or more).

        Raises RecordNotFound, InvalidInput(ambiguous_id), RecordDamaged, VaultLocked.
        """
        full = resolve_prefix(self._vault.ids(CONSENT_KIND), consent_id, what="consent")
        return self._read(self._vault.get(CONSENT_KIND, full))

    def withdraw(self, stored: StoredConsent) -> Withdrawal:
        """Sign and store the withdrawal of ``stored`` (one not yet withdrawn).

        Raises InvalidInput(consent_expired) when it has already ended, RecordNotFound
        (its identity was deleted), VaultLocked.
        """
        if stored.state == "expired":
            raise InvalidInput(
                "this consent has already ended, so there is nothing to withdraw",
                code="consent_expired",
            )
        consent = stored.consent
        try:
            key = self._identities.private_key(consent.holder)
        except RecordNotFound as exc:
            raise RecordNotFound(
                f"the identity that gave this consent ({consent.holder}) was deleted, "
                "so it cannot sign the withdrawal"
            ) from exc
        withdrawal = sign_withdrawal(
            key, consent, withdrawn_at=self._clock.now(), resolver=self._resolver
        )
        self._vault.put_json(CONSENT_KIND, consent.id, {"consent": consent.token,
                                                         "withdrawal": withdrawal.token})
        return withdrawal

    def _read(self, record: Record) -> StoredConsent:
        """Raises RecordDamaged for a record whose tokens do not verify."""
        try:
            value = record.json()
            consent = verify_consent(value["consent"], resolver=self._resolver)
            token = value["withdrawal"]
            withdrawal = (
                None if token is None
                else verify_withdrawal(token, consent=consent, resolver=self._resolver)
            )
        except (VerificationError, ValueError, KeyError, TypeError) as exc:
            raise RecordDamaged(
                f"stored consent {record.id!r} does not verify",
                record_id=record.id,
                kind=CONSENT_KIND,
            ) from exc
        if consent.id != record.id:
            raise RecordDamaged(
                f"stored consent {record.id!r} holds another consent",
                record_id=record.id,
                kind=CONSENT_KIND,
            )
        state = consent_state(consent, withdrawal, self._clock.now())
        return StoredConsent(consent, withdrawal, state)


# --- what the log says -------------------------------------------------------------------


def granted_entry(consent: Consent) -> tuple[str, dict[str, Any]]:
    """(summary, details) of the ``consent.granted`` entry: who, which claim names, until
    when; never a claim value."""
    names = ", ".join(consent.claim_names) or "no claims"
    summary = (
        f"Gave {consent.verifier_label} consent to use {names} {DURATION_WORDS[consent.duration]}."
    )
    return summary, {
        "id": consent.id,
        "holder": consent.holder,
        "verifier": consent.verifier,
        "verifier_name": consent.verifier_name,
        "verified": consent.verified,
        "purpose": consent.purpose,
        "credentials": [item.credential_id for item in consent.shared],
        "claims": list(consent.claim_names),
        "duration": consent.duration,
        "until": consent.valid_until,
    }


def withdrawn_entry(consent: Consent, withdrawal: Withdrawal) -> tuple[str, dict[str, Any]]:
    """(summary, details) of the ``consent.withdrawn`` entry."""
    return f"Withdrew the consent given to {consent.verifier_label}.", {
        "id": consent.id,
        "verifier": consent.verifier,
        "consent_hash": withdrawal.consent_hash,
    }


# --- consents for an OpenID4VP answer ----------------------------------------------------


def record_presentation_consents(
    wallet: Wallet, request: AuthorizationRequest, shares: Sequence[Share], duration: str
) -> tuple[Consent, ...]:
    """One consent per identity that presented (credentials bound to no key count as the
    first identity's), naming what ``shares`` disclosed to ``request``'s verifier.

    Raises InvalidInput (unknown duration), RecordNotFound, VaultLocked.
    """
    check_duration(duration)
    groups: dict[str, list[SharedCredential]] = {}
    for share in shares:
        credential = wallet.credentials.get(share.credential_id)
        signer = signing_identity(wallet.identities, credential.holder_did)
        claims = share.dotted
        if share.shared_whole:  # a W3C credential goes whole: every claim, not only those asked
            claims = shared_names(credential.w3c())
        groups.setdefault(signer, []).append(
            SharedCredential(credential.id, credential.vct, credential.issuer, claims)
        )
    return tuple(
        wallet.record_consent(
            holder_did,
            request.client_id,
            request.verifier_name,
            request.verified,
            request.purpose,
            shared,
            duration,
        )
        for holder_did, shared in groups.items()
    )
