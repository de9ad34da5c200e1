"""Verifiable Presentations of W3C credentials, bound to a verifier's nonce and audience
and signed by the holder (OpenID4VP 1.0 Appendix B.1.3):

- ``jwt_vc_json``: a VP-JWT. Header ``alg``, ``typ: JWT``, ``kid`` (the holder's DID
  URL); claims ``iss`` (the holder DID), ``aud``, ``nonce``, ``iat`` and ``vp``
  (``@context``, ``type: [VerifiablePresentation]``, ``holder``,
  ``verifiableCredential: [<VC-JWT>]``).
- ``ldp_vc``: a presentation object with the credential embedded (its proof included)
  and an ``eddsa-jcs-2022`` proof with ``proofPurpose: authentication``,
  ``challenge`` = nonce and ``domain`` = audience.

:func:`verify_w3c_presentation` checks in this order; the first failure raises
VerificationError with:

1. structure (JWT or JSON object, ``vp`` / presentation ``type`` with
   ``VerifiablePresentation``, a holder DID, at least one credential) → malformed; the
   VP's ``alg`` outside the allowlist or a proof of another cryptosuite → unsupported_alg
2. every credential, as :func:`core.vc.verify_vc_jwt` / :func:`core.vc.verify_eddsa_jcs_2022`
   check it (their codes: bad_signature, untrusted_issuer, expired, ...)
3. the holder's key: one of the holder DID's keys, listed under ``authentication``
   (another DID's key → kb_invalid; one that cannot be had → unresolvable_key)
4. the holder's signature → kb_invalid
5. ``nonce`` / ``challenge`` → nonce_mismatch; ``aud`` / ``domain`` (one string, exactly
   equal) → audience_mismatch; ``iat`` / ``created`` missing → kb_invalid, older than
   ``max_age`` or in the future beyond the skew → kb_stale
6. binding: a credential whose subject has an ``id`` must be about the holder → kb_invalid
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from core import jose
from core.clock import Clock, SystemClock
from core.did import DidResolver, parse_did_url
from core.encoding import parse_json_object
from core.errors import InvalidInput, VerificationError
from core.keys import Ed25519PrivateKey, PrivateKey
from core.vc.data_integrity import sign_document, verify_document_proof, verify_eddsa_jcs_2022
from core.vc.held import JWT_VC_FORMAT, LDP_VC_FORMAT
from core.vc.model import (
    VC1_CONTEXT,
    VC2_CONTEXT,
    VerifiedW3cCredential,
    format_datetime,
    method_did,
    parse_datetime,
    subject_ids,
)
from core.vc.vc_jwt import DEFAULT_ALGORITHMS, resolve_signer_key, signer_method, verify_vc_jwt

VP_TYPE: Final = "VerifiablePresentation"
HOLDER_PURPOSE: Final = "authentication"
#: How an error about the holder's key names it.
HOLDER_KEY: Final = "holder key"


@dataclass(frozen=True)
class VerifiedW3cPresentation:
    """A presentation whose credentials, holder signature, nonce and audience checked."""

    format: str
    #: The holder DID that signed the presentation.
    holder: str
    #: The DID URL of the holder's key.
    verification_method: str
    credentials: tuple[VerifiedW3cCredential, ...]

    @property
    def credential(self) -> VerifiedW3cCredential:
        """The first (for Tessera's presentations, the only) credential."""
        return self.credentials[0]


def _malformed(message: str) -> VerificationError:
    return VerificationError("malformed", message)


def _require_text(value: str, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"the {name} must be a non-empty string")


# --- presenting ------------------------------------------------------------------------------


def present_vp_jwt(
    credential_jwt: str,
    key: PrivateKey,
    kid: str,
    *,
    holder: str,
    nonce: str,
    audience: str,
    clock: Clock,
    vc2: bool = True,
) -> str:
    """A VP-JWT carrying ``credential_jwt``, signed by ``key`` (named by DID URL ``kid``
    of ``holder``). ``vc2`` picks the VC 2.0 context, else 1.1 (for a 1.1 credential).

    Raises InvalidInput for an empty nonce or audience, or a ``kid`` of another DID.
    """
    _require_text(nonce, "nonce")
    _require_text(audience, "audience")
    if str(parse_did_url(kid).did) != holder:
        raise InvalidInput("kid must be a key of the holder", code="invalid_did_url")
    presentation = {
        "@context": [VC2_CONTEXT if vc2 else VC1_CONTEXT],
        "type": [VP_TYPE],
        "holder": holder,
        "verifiableCredential": [credential_jwt],
    }
    claims = {
        "iss": holder,
        "aud": audience,
        "nonce": nonce,
        "iat": int(clock.now()),
        "vp": presentation,
    }
    return jose.sign_json(key, claims, header={"typ": "JWT", "kid": kid})


def present_ldp_vp(
    credential: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    holder: str,
    nonce: str,
    audience: str,
    clock: Clock,
) -> dict[str, Any]:
    """A VC 2.0 presentation embedding ``credential`` (with its proof), secured with an
    ``eddsa-jcs-2022`` proof by ``key``: ``challenge`` = nonce, ``domain`` = audience.

    Raises InvalidInput for an empty nonce or audience, or a method of another DID.
    """
    _require_text(nonce, "nonce")
    _require_text(audience, "audience")
    if str(parse_did_url(verification_method).did) != holder:
        raise InvalidInput("the verification method must be the holder's", code="invalid_did_url")
    presentation = {
        "@context": [VC2_CONTEXT],
        "type": [VP_TYPE],
        "holder": holder,
        "verifiableCredential": [dict(credential)],
    }
    return sign_document(
        presentation,
        key,
        verification_method,
        created=format_datetime(clock.now()),
        proof_purpose=HOLDER_PURPOSE,
        options={"challenge": nonce, "domain": audience},
    )


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checks:
    resolver: DidResolver
    clock: Clock
    algorithms: Collection[str]
    trusted_issuers: frozenset[str] | set[str] | None
    clock_skew: float
    max_age: float


def verify_w3c_presentation(
    unverified_presentation: str | Mapping[str, Any],
    *,
    nonce: str,
    audience: str,
    resolver: DidResolver | None = None,
    clock: Clock | None = None,
    algorithms: Collection[str] = DEFAULT_ALGORITHMS,
    trusted_issuers: frozenset[str] | set[str] | None = None,
    clock_skew: float = 60,
    max_age: float = 300,
) -> VerifiedW3cPresentation:
    """Verify a VP-JWT (compact text) or a Data Integrity presentation (a JSON object, or
    its text) for ``nonce`` and ``audience``. Raises VerificationError with a code from
    the closed set, in the order of the module docstring."""
    checks = _Checks(
        resolver or DidResolver(),
        clock or SystemClock(),
        algorithms,
        trusted_issuers,
        clock_skew,
        max_age,
    )
    if isinstance(unverified_presentation, Mapping):
        return _verify_ldp(unverified_presentation, nonce, audience, checks)
    if not isinstance(unverified_presentation, str):
        raise _malformed("a presentation must be text or a JSON object")
    text = unverified_presentation.strip()
    if text.startswith("{"):
        try:
            document = parse_json_object(text)
        except InvalidInput as exc:
            raise _malformed(f"presentation: {exc.message}") from exc
        return _verify_ldp(document, nonce, audience, checks)
    return _verify_jwt(text, nonce, audience, checks)


def _presentation_shape(vp: object, *, vc2_only: bool) -> tuple[str, list[Any]]:
    """(holder or "", credentials) of a presentation object. Raises malformed."""
    if not isinstance(vp, Mapping):
        raise _malformed("the presentation must be a JSON object")
    context = vp.get("@context")
    contexts = (VC2_CONTEXT,) if vc2_only else (VC2_CONTEXT, VC1_CONTEXT)
    if not isinstance(context, list) or not context or context[0] not in contexts:
        raise _malformed(f"the first @context entry of a presentation must be {VC2_CONTEXT}")
    kinds = vp.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or VP_TYPE not in kinds:
        raise _malformed(f"the presentation's type must include {VP_TYPE}")
    holder = vp.get("holder", "")
    if isinstance(holder, Mapping):
        holder = holder.get("id", "")
    if not isinstance(holder, str):
        raise _malformed("the presentation's holder must be a DID")
    credentials = vp.get("verifiableCredential")
    if not isinstance(credentials, list) or not credentials:
        raise _malformed("the presentation carries no verifiableCredential")
    return holder, credentials


def _check_holder_key(method: str, holder: str) -> None:
    """Check that DID URL ``method`` is a key of ``holder``. Raises kb_invalid /
    unresolvable_key."""
    if method_did(method, HOLDER_KEY) != holder:
        raise VerificationError("kb_invalid", "the presentation was not signed by its holder")


@contextmanager
def _holder_signature() -> Iterator[None]:
    """Report a holder signature that does not verify as kb_invalid (not bad_signature,
    which is a credential's)."""
    try:
        yield
    except VerificationError as exc:
        if exc.code != "bad_signature":
            raise
        raise VerificationError("kb_invalid", "the holder's signature does not verify") from exc


def _fresh(at: float, checks: _Checks) -> None:
    now = checks.clock.now()
    if at < now - checks.max_age - checks.clock_skew or at > now + checks.clock_skew:
        raise VerificationError("kb_stale", "the presentation was not made just now")


def _bound(credentials: tuple[VerifiedW3cCredential, ...], holder: str) -> None:
    for credential in credentials:
        ids = subject_ids(credential.subject)
        if ids and holder not in ids:
            raise VerificationError(
                "kb_invalid", "the presentation's holder is not the credential's subject"
            )


def _verify_jwt(
    token: str, nonce: str, audience: str, checks: _Checks
) -> VerifiedW3cPresentation:
    jws = jose.parse(token)
    jose.check_algorithm(jws.alg, checks.algorithms)
    try:
        claims = parse_json_object(jws.payload)
    except InvalidInput as exc:
        raise _malformed(f"VP-JWT payload: {exc.message}") from exc
    if "vp" not in claims:
        raise _malformed("the JWT has no 'vp' claim: it is not a presentation")
    holder, raw = _presentation_shape(claims["vp"], vc2_only=False)
    iss = claims.get("iss")
    if not isinstance(iss, str) or not iss:
        raise _malformed("the VP-JWT has no 'iss' (the holder DID)")
    if holder and holder != iss:
        raise _malformed("the VP-JWT 'iss' differs from the presentation's holder")
    if not all(isinstance(item, str) for item in raw):
        raise _malformed("a jwt_vc_json presentation carries VC-JWTs (strings)")
    credentials = tuple(
        verify_vc_jwt(
            item,
            resolver=checks.resolver,
            clock=checks.clock,
            algorithms=checks.algorithms,
            trusted_issuers=checks.trusted_issuers,
        )
        for item in raw
    )
    method = signer_method(jws, iss)
    _check_holder_key(method, iss)
    key = resolve_signer_key(checks.resolver, method, HOLDER_PURPOSE, HOLDER_KEY)
    with _holder_signature():
        jose.verify(jws, key, algorithms=checks.algorithms)
    if claims.get("nonce") != nonce:
        raise VerificationError("nonce_mismatch", "the presentation's nonce is not the one sent")
    if claims.get("aud") != audience:
        raise VerificationError("audience_mismatch", "the presentation is for another audience")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise VerificationError("kb_invalid", "the VP-JWT has no numeric 'iat'")
    _fresh(float(iat), checks)
    _bound(credentials, iss)
    return VerifiedW3cPresentation(JWT_VC_FORMAT, iss, method, credentials)


def _verify_ldp(
    document: Mapping[str, Any], nonce: str, audience: str, checks: _Checks
) -> VerifiedW3cPresentation:
    holder, raw = _presentation_shape(document, vc2_only=True)
    if not holder:
        raise _malformed("the presentation names no holder")
    if not all(isinstance(item, Mapping) for item in raw):
        raise _malformed("an ldp_vc presentation embeds credentials as JSON objects")
    credentials = tuple(
        verify_eddsa_jcs_2022(
            item,
            resolver=checks.resolver,
            clock=checks.clock,
            trusted_issuers=checks.trusted_issuers,
        )
        for item in raw
    )
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        raise _malformed("the presentation has no single proof object")
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        raise _malformed("the presentation's proof names no verificationMethod")
    _check_holder_key(method, holder)
    with _holder_signature():
        vm, options = verify_document_proof(
            document, resolver=checks.resolver, proof_purpose=HOLDER_PURPOSE
        )
    if options.get("challenge") != nonce:
        raise VerificationError("nonce_mismatch", "the presentation's challenge is not the nonce")
    if options.get("domain") != audience:
        raise VerificationError("audience_mismatch", "the presentation is for another domain")
    if "created" not in options:
        raise VerificationError("kb_invalid", "the presentation's proof has no 'created'")
    created = parse_datetime(options["created"], "proof created", require_offset=True)
    _fresh(created.timestamp(), checks)
    _bound(credentials, holder)
    return VerifiedW3cPresentation(LDP_VC_FORMAT, holder, vm.id, credentials)
