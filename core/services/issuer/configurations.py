"""The credentials the demo issuer offers: three SD-JWT VC configurations and their metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

#: The JWS algorithms the issuer signs with and accepts in proofs.
ALGORITHMS: Final = ("EdDSA", "ES256")


@dataclass(frozen=True)
class CredentialConfiguration:
    """One credential the issuer offers: its metadata and demo claims."""

    id: str
    vct: str
    name: str
    description: str
    #: (dotted claim path, display name), in display order.
    claims: tuple[tuple[str, str], ...]
    example: Mapping[str, Any]

    def metadata(self) -> dict[str, Any]:
        """The entry in ``credential_configurations_supported`` (OpenID4VCI 1.0 §12.2.4)."""
        return {
            "format": "dc+sd-jwt",
            "vct": self.vct,
            "scope": self.id,
            "cryptographic_binding_methods_supported": ["jwk", "did:key", "did:jwk"],
            "credential_signing_alg_values_supported": list(ALGORITHMS),
            "proof_types_supported": {
                "jwt": {"proof_signing_alg_values_supported": list(ALGORITHMS)}
            },
            "credential_metadata": {
                "display": [
                    {"name": self.name, "locale": "en-US", "description": self.description}
                ],
                "claims": [
                    {
                        "path": [int(p) if p.isdigit() else p for p in path.split(".")],
                        "display": [{"name": label, "locale": "en-US"}],
                    }
                    for path, label in self.claims
                ],
            },
        }


def mask_iban(iban: str) -> str:
    """``DE89 •••• 3000``: the first four and last four characters, grouped like an IBAN."""
    compact = "".join(iban.split()).upper()
    if len(compact) < 8:
        return "••••"
    return f"{compact[:4]} •••• {compact[-4:]}"


CONFIGURATIONS: Final[tuple[CredentialConfiguration, ...]] = (
    CredentialConfiguration(
        id="identity_credential",
        vct="urn:tessera:demo:identity:1",
        name="Identity credential",
        description="Your name, date of birth, address and nationalities.",
        claims=(
            ("given_name", "Given name"),
            ("family_name", "Family name"),
            ("birthdate", "Date of birth"),
            ("address", "Address"),
            ("address.street_address", "Street"),
            ("address.locality", "City"),
            ("address.postal_code", "Postal code"),
            ("address.country", "Country"),
            ("nationalities", "Nationalities"),
        ),
        example={
            "given_name": "Erika",
            "family_name": "Mustermann",
            "birthdate": "1984-01-26",
            "address": {
                "street_address": "Heidestraße 17",
                "locality": "Köln",
                "postal_code": "51147",
                "country": "DE",
            },
            "nationalities": ["DE"],
        },
    ),
    CredentialConfiguration(
        id="bank_account",
        vct="urn:tessera:demo:bank-account:1",
        name="Bank account",
        description="An account you hold, with its IBAN.",
        claims=(
            ("holder_name", "Account holder"),
            ("iban", "IBAN"),
            ("account_display", "Account"),
            ("bank_name", "Bank"),
            ("bic", "BIC"),
        ),
        example={
            "holder_name": "Erika Mustermann",
            "iban": "DE89370400440532013000",
            "bank_name": "Demo Bank",
            "bic": "COBADEFFXXX",
        },
    ),
    CredentialConfiguration(
        id="membership_card",
        vct="urn:tessera:demo:membership:1",
        name="Membership card",
        description="Membership of a club or association.",
        claims=(
            ("member_name", "Member"),
            ("organization", "Organization"),
            ("member_id", "Member number"),
            ("tier", "Tier"),
            ("member_since", "Member since"),
        ),
        example={
            "member_name": "Erika Mustermann",
            "organization": "Tessera Hiking Club",
            "member_id": "M-100042",
            "tier": "gold",
            "member_since": "2019-05-01",
        },
    ),
)
