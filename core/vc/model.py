"""The shape of a W3C Verifiable Credential and the result of verifying one.

:func:`check_credential` applies the structural rules of the VC Data Model 2.0 (and, when
asked, of the legacy 1.1 model that DIDKit still issues as VC-JWT); :func:`check_validity`
compares the validity period with a clock. Both raise VerificationError. Small readers
shared by the verifiers: :func:`subject_ids`, :func:`method_did`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from core.clock import Clock
from core.did import parse_did_url
from core.errors import InvalidInput, VerificationError

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

ProofKind = Literal["data_integrity", "vc_jwt"]
Subject = dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True)
class VerifiedW3cCredential:
    """A credential whose proof, issuer binding and validity period have been checked.

    ``verification_method`` is the DID URL of the key that signed it; ``proof_kind`` says
    how it was secured. ``credential`` is the credential as verified (for Data Integrity,
    including its ``proof``; for VC-JWT, the ``vc`` claim).
    """

    issuer: str
    types: tuple[str, ...]
    subject: Subject
    valid_from: datetime | None
    valid_until: datetime | None
    proof_kind: ProofKind
    verification_method: str
    credential: dict[str, Any]


@dataclass(frozen=True)
class CredentialShape:
    """What :func:`check_credential` read from a credential."""

    issuer: str
    types: tuple[str, ...]
    subject: Subject
    valid_from: datetime | None
    valid_until: datetime | None
    legacy: bool


def _malformed(message: str) -> VerificationError:
    return VerificationError("malformed", message)


def parse_datetime(value: object, name: str, *, require_offset: bool) -> datetime:
    """An ISO 8601 / XML Schema date-time; raises VerificationError(malformed).

    Without a time-zone offset the value is refused when ``require_offset`` (VC 2.0's
    ``dateTimeStamp``), else read as UTC.
    """
    if not isinstance(value, str) or "T" not in value.upper():
        raise _malformed(f"{name} must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _malformed(f"{name} is not a valid date-time") from exc
    if parsed.tzinfo is None:
        if require_offset:
            raise _malformed(f"{name} must give a time-zone offset")
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def format_datetime(timestamp: float) -> str:
    """A POSIX time as an XML Schema ``dateTimeStamp`` in UTC, to the second."""
    return datetime.fromtimestamp(int(timestamp), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def subject_ids(subject: Subject) -> tuple[str, ...]:
    """The ``credentialSubject.id`` values (one subject or several): whom it is about."""
    subjects = subject if isinstance(subject, list) else [subject]
    return tuple(s["id"] for s in subjects if isinstance(s.get("id"), str))


def method_did(method: str, what: str) -> str:
    """The DID of the key DID URL ``method``. Raises VerificationError(unresolvable_key),
    its message starting with ``what``, when ``method`` is not a DID URL."""
    try:
        return str(parse_did_url(method).did)
    except InvalidInput as exc:
        raise VerificationError("unresolvable_key", f"{what}: {exc.message}") from exc


def _issuer_id(issuer: object) -> str:
    if isinstance(issuer, str) and issuer:
        return issuer
    if isinstance(issuer, Mapping):
        issuer_id = issuer.get("id")
        if isinstance(issuer_id, str) and issuer_id:
            return issuer_id
    raise _malformed("issuer must be a URL or an object with an id")


def _subject(value: object) -> Subject:
    if isinstance(value, Mapping):
        if not value:
            raise _malformed("credentialSubject must not be empty")
        return dict(value)
    if isinstance(value, list) and value and all(isinstance(s, Mapping) and s for s in value):
        return [dict(s) for s in value]
    raise _malformed("credentialSubject must be an object or a non-empty list of objects")


def check_credential(credential: object, *, allow_legacy: bool = False) -> CredentialShape:
    """Check the structure of a VC 2.0 credential (or a VC 1.1 one if ``allow_legacy``).

    Rules: ``@context`` is a list whose first entry is the VC 2.0 context (or the 1.1
    context); ``type`` includes ``VerifiableCredential``; ``issuer`` is a URL or an object
    with an ``id``; ``credentialSubject`` is present; ``validFrom``/``validUntil`` (1.1:
    ``issuanceDate``/``expirationDate``) are date-times. Raises VerificationError(malformed).
    """
    if not isinstance(credential, Mapping):
        raise _malformed("a credential must be a JSON object")
    context = credential.get("@context")
    if not isinstance(context, list) or not context:
        raise _malformed("@context must be a non-empty list")
    first = context[0]
    if first == VC2_CONTEXT:
        legacy = False
    elif first == VC1_CONTEXT and allow_legacy:
        legacy = True
    else:
        raise _malformed(f"the first @context entry must be {VC2_CONTEXT}")
    if not all(isinstance(c, str | Mapping) for c in context):
        raise _malformed("@context entries must be URLs or objects")
    raw_types = credential.get("type")
    types: tuple[str, ...]
    if isinstance(raw_types, str):
        types = (raw_types,)
    elif isinstance(raw_types, list) and all(isinstance(t, str) for t in raw_types):
        types = tuple(raw_types)
    else:
        raise _malformed("type must be a string or a list of strings")
    if "VerifiableCredential" not in types:
        raise _malformed("type must include VerifiableCredential")
    if "id" in credential and not isinstance(credential["id"], str):
        raise _malformed("id must be a URL string")
    issuer = _issuer_id(credential.get("issuer"))
    if "credentialSubject" not in credential:
        raise _malformed("credentialSubject is missing")
    subject = _subject(credential["credentialSubject"])
    if legacy:
        start_name, end_name = "issuanceDate", "expirationDate"
    else:
        start_name, end_name = "validFrom", "validUntil"
    valid_from = valid_until = None
    if start_name in credential:
        valid_from = parse_datetime(credential[start_name], start_name, require_offset=not legacy)
    elif legacy:
        raise _malformed("a VC 1.1 credential needs issuanceDate")
    if end_name in credential:
        valid_until = parse_datetime(credential[end_name], end_name, require_offset=not legacy)
    return CredentialShape(issuer, types, subject, valid_from, valid_until, legacy)


def check_validity(valid_from: datetime | None, valid_until: datetime | None, clock: Clock) -> None:
    """Raise VerificationError(not_yet_valid / expired) if the clock is outside the period."""
    now = clock.now()
    if valid_from is not None and now < valid_from.timestamp():
        raise VerificationError("not_yet_valid", "the credential is not valid yet")
    if valid_until is not None and now >= valid_until.timestamp():
        raise VerificationError("expired", "the credential has expired")
