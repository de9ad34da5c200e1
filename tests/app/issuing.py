"""Real credentials for the app tests: a did:key issuer signs SD-JWT VCs bound to one of
the wallet's identities, as an issuer would after OpenID4VCI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.did.key import did_key_from_public_key
from core.keys import Ed25519PrivateKey, PublicKey
from core.sdjwt.issuer import SdJwtIssuer
from core.verifier import Verifier, VerifierPolicy
from core.wallet import Wallet

YEAR = 365 * 86_400

PID_VCT = "https://credentials.example.com/IdentityCredential"
PID_CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "birthdate": "1964-08-12",
    "address": {
        "street_address": "Heidestraße 17",
        "locality": "Köln",
        "postal_code": "51147",
        "country": "DE",
    },
    "nationalities": ["DE", "FR"],
}
PID_DISCLOSABLE = [
    "given_name", "family_name", "birthdate", "address", "address.locality",
    "address.postal_code", "nationalities.1",
]

BANK_VCT = "urn:example:bank_account:1"
BANK_CLAIMS: dict[str, Any] = {"account_holder": "Erika Mustermann", "iban": "DE89370400440532013000",
                               "bank": "Example Bank"}
BANK_DISCLOSABLE = ["iban", "bank"]

DEGREE_VCT = "https://uni.example.edu/credentials/UniversityDegree"
DEGREE_CLAIMS: dict[str, Any] = {
    "name": "Erika Mustermann",
    "degree": {"type": "Master of Science", "field": "Computer science"},
    "graduated": "2010-07-01",
}
DEGREE_DISCLOSABLE = ["degree", "degree.field", "graduated"]


@dataclass
class TestIssuer:
    """An issuer with its own Ed25519 key, named by its did:key, or by an https URL
    (``url``) whose key the wallet is then given through ``issuer_keys``."""

    __test__ = False  # not a pytest class

    key: Ed25519PrivateKey
    did: str
    url: str | None = None

    @classmethod
    def new(cls, url: str | None = None) -> TestIssuer:
        key = Ed25519PrivateKey.generate()
        return cls(key, did_key_from_public_key(key.public_key), url)

    @property
    def iss(self) -> str:
        return self.url or self.did

    @property
    def kid(self) -> str | None:
        return None if self.url else f"{self.did}#{self.did.split(':')[2]}"

    @property
    def issuer_keys(self) -> dict[str | None, list[PublicKey]]:
        return {self.iss: [self.key.public_key]}

    def issue(
        self,
        holder: PublicKey,
        claims: dict[str, Any] = PID_CLAIMS,
        disclosable: list[str] = PID_DISCLOSABLE,
        vct: str = PID_VCT,
        expires_in: float = YEAR,
        clock: Clock | None = None,
    ) -> str:
        issuer = SdJwtIssuer(self.key, self.iss, kid=self.kid, clock=clock)
        return issuer.issue(claims, disclosable=disclosable, holder_key=holder, vct=vct,
                            expires_in=expires_in, decoys=2).sd_jwt

    def verifier(self) -> Verifier:
        """A verifier that trusts this issuer only."""
        return Verifier(VerifierPolicy(trusted_issuers={self.iss}, issuer_keys=self.issuer_keys))


def holder_key(wallet: Wallet) -> PublicKey:
    """The public key of the wallet's first identity (the one credentials go to)."""
    first = wallet.identities.all()[0]
    return wallet.identities.private_key(first.did).public_key
