"""W3C credentials for tests, issued with Tessera's own ``core.vc`` (the issuer side is
not what these tests check): a did:key issuer signs VC-JWTs (``jwt_vc_json``) and VC 2.0
credentials with an ``eddsa-jcs-2022`` proof (``ldp_vc``) about a subject DID."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.clock import Clock, FixedClock
from core.did import did_key_from_public_key
from core.keys import Ed25519PrivateKey, PrivateKey
from core.vc import issue_vc_jwt, sign_eddsa_jcs_2022
from core.vc.model import VC2_CONTEXT, format_datetime

EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"
VALID_FROM = "2025-01-01T00:00:00Z"
VALID_UNTIL = "2027-01-01T00:00:00Z"
#: Inside the validity period above.
INSIDE = datetime(2025, 10, 9, 12, 0, tzinfo=UTC).timestamp()
DEGREE_SUBJECT: dict[str, Any] = {
    "name": "Erika Mustermann",
    "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
    "alumniOf": "The School of Examples",
}
#: Claim values that must never reach the activity log.
SECRET_VALUES = ("Erika", "Mustermann", "Bachelor of Science", "School of Examples")


def valid_around(now: float, *, days: int = 365) -> dict[str, str]:
    """``validFrom`` a day before ``now`` and ``validUntil`` ``days`` after: for tests on
    the real clock."""
    return {"validFrom": format_datetime(now - 86_400), "validUntil": format_datetime(
        now + days * 86_400)}


@dataclass
class W3cIssuer:
    """An issuer named by the did:key of ``key``."""

    __test__ = False

    key: PrivateKey
    name: str = "Example University"

    @classmethod
    def new(cls, seed: int = 7, name: str = "Example University") -> W3cIssuer:
        return cls(Ed25519PrivateKey(bytes([seed]) * 32), name)

    @property
    def did(self) -> str:
        return did_key_from_public_key(self.key.public_key)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"

    def credential(
        self,
        subject_id: str | None,
        *,
        subject: dict[str, Any] | None = None,
        kind: str = "UniversityDegreeCredential",
        **extra: Any,
    ) -> dict[str, Any]:
        """An unsigned VC 2.0 credential about ``subject_id`` (None: no subject id)."""
        claims = dict(DEGREE_SUBJECT if subject is None else subject)
        if subject_id is not None:
            claims = {"id": subject_id, **claims}
        credential: dict[str, Any] = {
            "@context": [VC2_CONTEXT, EXAMPLES_CONTEXT],
            "id": "urn:uuid:3978344f-8596-4c3a-a978-8fcaba3903c5",
            "type": ["VerifiableCredential", kind],
            "issuer": {"id": self.did, "name": self.name},
            "validFrom": VALID_FROM,
            "validUntil": VALID_UNTIL,
            "credentialSubject": claims,
        }
        credential.update(extra)
        return {k: v for k, v in credential.items() if v is not None}

    def jwt_vc(self, subject_id: str | None, *, clock: Clock | None = None, **options: Any) -> str:
        """A ``jwt_vc_json`` credential (compact VC-JWT)."""
        return issue_vc_jwt(
            self.credential(subject_id, **options), self.key, self.kid,
            clock=clock or FixedClock(INSIDE),
        )

    def ldp_vc_object(self, subject_id: str | None, **options: Any) -> dict[str, Any]:
        assert isinstance(self.key, Ed25519PrivateKey)
        return sign_eddsa_jcs_2022(
            self.credential(subject_id, **options), self.key, self.kid,
            created="2025-01-01T00:00:00Z",
        )

    def ldp_vc(self, subject_id: str | None, **options: Any) -> str:
        """An ``ldp_vc`` credential (VC 2.0 JSON with an eddsa-jcs-2022 proof), as text."""
        return json.dumps(self.ldp_vc_object(subject_id, **options), indent=2)

    def issue(self, format: str, subject_id: str | None, **options: Any) -> str:
        return self.jwt_vc(subject_id, **options) if format == "jwt_vc_json" else self.ldp_vc(
            subject_id, **options
        )
