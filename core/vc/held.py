"""W3C credentials as a wallet holds them: ``jwt_vc_json`` (a VC-JWT) or ``ldp_vc`` (a VC
JSON object with an ``eddsa-jcs-2022`` proof), read for showing, matching and presenting.

A W3C credential has no selective disclosure: every presentation carries all of it, so
:attr:`HeldW3cCredential.items` (what could be withheld) is always empty and
:meth:`HeldW3cCredential.will_disclose` is the whole credential whatever is chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from core.encoding import parse_json_object
from core.errors import InvalidInput, VerificationError
from core.vc.data_integrity import proof_config_for
from core.vc.model import (
    VC2_CONTEXT,
    Subject,
    VerifiedW3cCredential,
    check_credential,
    subject_ids,
)
from core.vc.vc_jwt import unverified_credential

JWT_VC_FORMAT: Final = "jwt_vc_json"
LDP_VC_FORMAT: Final = "ldp_vc"
W3C_FORMATS: Final = frozenset({JWT_VC_FORMAT, LDP_VC_FORMAT})
VC_TYPE: Final = "VerifiableCredential"
#: What the VC contexts expand ``VerifiableCredential`` to.
VC_TYPE_IRI: Final = "https://www.w3.org/2018/credentials#VerifiableCredential"
#: The VC 2.0 context's ``@vocab``: where a type no context defines expands to.
ISSUER_DEPENDENT: Final = "https://www.w3.org/ns/credentials/issuer-dependent#"


def type_name(types: Sequence[str]) -> str | None:
    """The credential's own type: the last ``type`` entry that is not
    ``VerifiableCredential`` (None when there is none)."""
    own = [t for t in types if t != VC_TYPE]
    return own[-1] if own else None


def expanded_types(types: Iterable[str], *, vc2: bool = True) -> frozenset[str]:
    """Every name a type list can be matched by: each type as written, and as the VC
    contexts expand it (``VerifiableCredential`` to its IRI; with the VC 2.0 context, a
    term to the issuer-dependent vocabulary). Other contexts are never fetched, so a
    term they define is known only as written."""
    names: set[str] = set()
    for name in types:
        names.add(name)
        if name == VC_TYPE:
            names.add(VC_TYPE_IRI)
        elif vc2 and ":" not in name:
            names.add(ISSUER_DEPENDENT + name)
    return frozenset(names)


def matches_type_values(
    types: Iterable[str], type_values: Iterable[Iterable[str]], *, vc2: bool = True
) -> bool:
    """OpenID4VP 1.0 B.1.1 ``meta.type_values``: whether every type of at least one of the
    accepted sets is among the credential's (see :func:`expanded_types`)."""
    known = expanded_types(types, vc2=vc2)
    return any(set(wanted) <= known for wanted in type_values)


def _timestamp(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _without_id(subject: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in subject.items() if k != "id"}


@dataclass(frozen=True)
class HeldW3cCredential:
    """A W3C credential in the wallet. Build it with :meth:`from_verified` at import, or
    :meth:`from_storage` for text the vault already checked."""

    #: As stored: the compact VC-JWT, or the credential's JSON text.
    text: str = field(repr=False)
    format: str
    #: The credential: for a VC-JWT its ``vc`` claim with ``iss``, ``sub``, ``jti``,
    #: ``nbf``, ``exp`` mapped in; for ``ldp_vc`` the JSON object, ``proof`` included.
    credential: dict[str, Any] = field(repr=False)
    issuer: str
    #: The issuer's own name (``issuer.name``), when it gives one.
    issuer_name: str | None
    types: tuple[str, ...]
    subject: Subject = field(repr=False)
    valid_from: float | None
    valid_until: float | None
    issued_at: float | None
    #: What can be withheld: nothing, ever.
    items: tuple[()] = ()

    @classmethod
    def from_verified(
        cls, text: str, format: str, verified: VerifiedW3cCredential
    ) -> HeldW3cCredential:
        """The credential ``verify_vc_jwt`` / ``verify_eddsa_jcs_2022`` accepted, kept with
        its text. Raises InvalidInput for an unknown format."""
        jwt_claims: Mapping[str, Any] = {}
        if format == JWT_VC_FORMAT:
            _credential, jwt_claims = unverified_credential(text)
        elif format != LDP_VC_FORMAT:
            raise InvalidInput(f"{format!r} is not a W3C credential format")
        return cls._make(text, format, verified.credential, jwt_claims)

    @classmethod
    def from_storage(cls, text: str, format: str) -> HeldW3cCredential:
        """Re-read a credential that was verified when it was imported: parse only, no
        signature check and no network.

        Raises InvalidInput if ``text`` is not a well-formed credential of ``format``.
        """
        try:
            if format == JWT_VC_FORMAT:
                credential, claims = unverified_credential(text)
                return cls._make(text, format, credential, claims)
            if format == LDP_VC_FORMAT:
                secured = parse_json_object(text)
                proof_config_for(secured)  # one proof object, as stored
                return cls._make(text, format, secured, {})
        except VerificationError as exc:
            raise InvalidInput(f"not a well-formed {format} credential: {exc.message}") from exc
        raise InvalidInput(f"{format!r} is not a W3C credential format")

    @classmethod
    def _make(
        cls,
        text: str,
        format: str,
        credential: Mapping[str, Any],
        jwt_claims: Mapping[str, Any],
    ) -> HeldW3cCredential:
        """Raises VerificationError(malformed) for a credential of the wrong shape."""
        unsecured = {k: v for k, v in credential.items() if k != "proof"}
        shape = check_credential(unsecured, allow_legacy=format == JWT_VC_FORMAT)
        issuer = credential.get("issuer")
        name = issuer.get("name") if isinstance(issuer, Mapping) else None
        valid_from = shape.valid_from.timestamp() if shape.valid_from else None
        issued_at = _timestamp(jwt_claims.get("iat"))
        if issued_at is None:
            issued_at = valid_from
        return cls(
            text=text.strip(),
            format=format,
            credential=dict(credential),
            issuer=shape.issuer,
            issuer_name=name if isinstance(name, str) and name.strip() else None,
            types=shape.types,
            subject=shape.subject,
            valid_from=valid_from,
            valid_until=shape.valid_until.timestamp() if shape.valid_until else None,
            issued_at=issued_at,
        )

    @property
    def type_name(self) -> str | None:
        """The last ``type`` that is not ``VerifiableCredential``."""
        return type_name(self.types)

    @property
    def vc2(self) -> bool:
        """Whether it follows the VC Data Model 2.0 (else the 1.1 model, as VC-JWT)."""
        context = self.credential.get("@context")
        return isinstance(context, list) and bool(context) and context[0] == VC2_CONTEXT

    @property
    def subject_ids(self) -> tuple[str, ...]:
        """The ``credentialSubject.id`` values: whom the credential is about."""
        return subject_ids(self.subject)

    @property
    def claims(self) -> dict[str, Any]:
        """The claims to show: ``credentialSubject`` without its ``id`` (several subjects
        under ``subjects``, in order)."""
        if isinstance(self.subject, list):
            return {"subjects": [_without_id(s) for s in self.subject]}
        return _without_id(self.subject)

    @property
    def unsecured(self) -> dict[str, Any]:
        """The credential without its ``proof``."""
        return {k: v for k, v in self.credential.items() if k != "proof"}

    def disclosable_paths(self) -> tuple[str, ...]:
        """Nothing can be disclosed selectively."""
        return ()

    def will_disclose(self, paths: object = ()) -> dict[str, Any]:
        """What a verifier receives, whatever ``paths`` says: the whole credential (its
        proof aside). Raises nothing."""
        return self.unsecured
