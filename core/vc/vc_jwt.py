"""VC-JWT (``jwt_vc_json``): a W3C credential in the ``vc`` claim of a JWS-signed JWT.

The registered claims map to credential members as the VC Data Model 1.1 JWT encoding
(as DIDKit and Microsoft Entra issue it) defines: ``iss`` ↔ issuer id, ``sub`` ↔
``credentialSubject.id``, ``jti`` ↔ ``id``, ``nbf`` ↔ ``validFrom`` (1.1: ``issuanceDate``),
``exp`` ↔ ``validUntil`` (1.1: ``expirationDate``). A member the ``vc`` claim leaves out is
taken from its claim; a member present in both must agree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from core import jose
from core.clock import Clock, SystemClock
from core.did import DidResolver, parse_did_url
from core.encoding import parse_json_object
from core.errors import InvalidInput, ResolutionError, VerificationError
from core.keys import PrivateKey, PublicKey
from core.vc.model import (
    CredentialShape,
    VerifiedW3cCredential,
    check_credential,
    check_validity,
    format_datetime,
    method_did,
)

DEFAULT_ALGORITHMS: frozenset[str] = frozenset({"EdDSA", "ES256"})


def _date_names(credential: Mapping[str, Any]) -> tuple[str, str]:
    context = credential.get("@context")
    if (
        isinstance(context, list)
        and context
        and context[0] != "https://www.w3.org/ns/credentials/v2"
    ):
        return "issuanceDate", "expirationDate"
    return "validFrom", "validUntil"


def _numeric_date(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise VerificationError("malformed", f"JWT '{name}' must be a NumericDate")
    return float(value)


def _single_subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, Mapping):
        subject_id = subject.get("id")
        return subject_id if isinstance(subject_id, str) else None
    return None


def _credential_from_claims(claims: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    vc = claims.get("vc")
    if not isinstance(vc, Mapping):
        raise VerificationError("malformed", "the JWT has no 'vc' object claim")
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss:
        raise VerificationError("malformed", "the JWT has no 'iss' claim")
    credential = dict(vc)
    start_name, end_name = _date_names(credential)
    issuer = credential.setdefault("issuer", iss)
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer_id != iss:
        raise VerificationError("malformed", "JWT 'iss' differs from the credential issuer")
    if "jti" in claims and credential.setdefault("id", claims["jti"]) != claims["jti"]:
        raise VerificationError("malformed", "JWT 'jti' differs from the credential id")
    if "sub" in claims:
        sub = claims["sub"]
        subject = credential.get("credentialSubject")
        if isinstance(subject, Mapping) and "id" not in subject:
            credential["credentialSubject"] = {**subject, "id": sub}
        elif _single_subject_id(credential) != sub:
            raise VerificationError("malformed", "JWT 'sub' differs from credentialSubject.id")
    for claim, member in (("nbf", start_name), ("exp", end_name)):
        value = _numeric_date(claims, claim)
        if value is not None and member not in credential:
            credential[member] = format_datetime(value)
    return credential, iss


def _check_dates(claims: Mapping[str, Any], shape: CredentialShape, clock: Clock) -> None:
    nbf = _numeric_date(claims, "nbf")
    exp = _numeric_date(claims, "exp")
    if (
        nbf is not None
        and shape.valid_from is not None
        and int(nbf) != int(shape.valid_from.timestamp())
    ):
        raise VerificationError("malformed", "JWT 'nbf' differs from the credential start")
    if (
        exp is not None
        and shape.valid_until is not None
        and int(exp) != int(shape.valid_until.timestamp())
    ):
        raise VerificationError("malformed", "JWT 'exp' differs from the credential end")
    now = clock.now()
    if exp is not None and now >= exp:
        raise VerificationError("expired", "the VC-JWT has expired")
    if nbf is not None and now < nbf:
        raise VerificationError("not_yet_valid", "the VC-JWT is not valid yet")
    check_validity(shape.valid_from, shape.valid_until, clock)


def signer_method(jws: jose.UnverifiedJws, did: str) -> str:
    """The DID URL of the key a JWT from ``did`` names: its header ``kid`` (a DID URL, or a
    ``#fragment`` of ``did``), else ``did`` itself (its single key).

    Raises VerificationError(malformed) for a ``kid`` that is not a string.
    """
    kid = jws.kid
    if "kid" in jws.header and kid is None:
        raise VerificationError("malformed", "JWT 'kid' must be a string")
    return did if kid is None else (did + kid if kid.startswith("#") else kid)


def resolve_signer_key(
    resolver: DidResolver, method: str, relationship: str, what: str
) -> PublicKey:
    """The key at DID URL ``method``, listed under ``relationship``. Raises
    VerificationError(unresolvable_key), its message starting with ``what``."""
    try:
        return resolver.resolve_key(method, relationship=relationship)
    except (InvalidInput, ResolutionError) as exc:
        raise VerificationError("unresolvable_key", f"{what}: {exc.message}") from exc


def unverified_credential(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the credential, the JWT claims) of a VC-JWT, read WITHOUT checking its signature or
    dates: for text that was verified when it was stored. The credential is the ``vc``
    claim with the registered claims mapped into it (see the module docstring).

    Raises VerificationError(malformed) for anything that is not a well-formed VC-JWT.
    """
    jws = jose.parse(token)
    try:
        claims = parse_json_object(jws.payload)
    except InvalidInput as exc:
        raise VerificationError("malformed", f"JWT payload: {exc.message}") from exc
    credential, _iss = _credential_from_claims(claims)
    check_credential(credential, allow_legacy=True)
    return credential, claims


def verify_vc_jwt(
    token: str,
    *,
    resolver: DidResolver | None = None,
    clock: Clock | None = None,
    algorithms: Collection[str] = DEFAULT_ALGORITHMS,
    trusted_issuers: frozenset[str] | set[str] | None = None,
) -> VerifiedW3cCredential:
    """Verify a ``jwt_vc_json`` credential signed by a key of its issuer DID.

    The key is the header ``kid`` (a DID URL, or ``#fragment`` of ``iss``; without ``kid``
    the issuer DID's single signing key), listed under assertionMethod; its DID must equal
    ``iss``. VC 2.0 and legacy VC 1.1 credentials are accepted. Raises VerificationError:
    malformed, unsupported_alg, untrusted_issuer, unresolvable_key, bad_signature,
    expired / not_yet_valid (``exp``/``nbf`` and the credential's validity period).
    """
    jws = jose.parse(token)
    jose.check_algorithm(jws.alg, algorithms)
    try:
        claims = parse_json_object(jws.payload)
    except InvalidInput as exc:
        raise VerificationError("malformed", f"JWT payload: {exc.message}") from exc
    credential, iss = _credential_from_claims(claims)
    shape = check_credential(credential, allow_legacy=True)
    method = signer_method(jws, iss)
    if method_did(method, "kid") != iss:
        raise VerificationError("untrusted_issuer", "the JWT was not signed with an issuer key")
    if trusted_issuers is not None and iss not in trusted_issuers:
        raise VerificationError("untrusted_issuer", f"issuer {iss} is not trusted")
    key = resolve_signer_key(resolver or DidResolver(), method, "assertionMethod", "kid")
    jose.verify(jws, key, algorithms=algorithms)
    _check_dates(claims, shape, clock or SystemClock())
    return VerifiedW3cCredential(
        issuer=shape.issuer,
        types=shape.types,
        subject=shape.subject,
        valid_from=shape.valid_from,
        valid_until=shape.valid_until,
        proof_kind="vc_jwt",
        verification_method=method,
        credential=credential,
    )


def issue_vc_jwt(credential: Mapping[str, Any], key: PrivateKey, kid: str, *, clock: Clock) -> str:
    """Sign ``credential`` as a ``jwt_vc_json`` VC-JWT with ``key``, named by DID URL ``kid``.

    The ``vc`` claim holds the whole credential; ``iss``, ``sub``, ``jti``, ``nbf`` (the
    credential's start, else now), ``exp`` and ``iat`` are set from it. Raises InvalidInput
    if the credential is malformed, already has a proof, or ``kid`` is not a key of its
    issuer.
    """
    if "proof" in credential:
        raise InvalidInput("a VC-JWT credential carries no embedded proof")
    try:
        shape = check_credential(credential, allow_legacy=True)
    except VerificationError as exc:
        raise InvalidInput(exc.message) from exc
    if str(parse_did_url(kid).did) != shape.issuer:
        raise InvalidInput("kid must be a key of the credential issuer", code="invalid_did_url")
    now = int(clock.now())
    claims: dict[str, Any] = {"iss": shape.issuer}
    subject_id = _single_subject_id(credential)
    if subject_id is not None:
        claims["sub"] = subject_id
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    claims["nbf"] = int(shape.valid_from.timestamp()) if shape.valid_from else now
    if shape.valid_until is not None:
        claims["exp"] = int(shape.valid_until.timestamp())
    claims["iat"] = now
    claims["vc"] = dict(credential)
    return jose.sign_json(key, claims, header={"typ": "JWT", "kid": kid})
