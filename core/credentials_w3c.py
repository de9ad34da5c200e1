"""W3C credentials in the wallet: which format a text is, checking one before it is
stored, and presenting one whole. :mod:`core.credentials` calls these.

- **Format** (:func:`detect_format`), from the text alone: a JSON object with
  ``@context`` and ``proof`` is ``ldp_vc``; text with ``~`` is an SD-JWT (``dc+sd-jwt``);
  a compact JWT whose payload has a ``vc`` object is ``jwt_vc_json``. Anything else is
  refused as malformed.
- **Binding**: a credential whose ``credentialSubject.id`` is one of the wallet's
  identities is bound to it, and only that identity can present it. Any other credential
  (no subject id, or someone else's) is stored unbound: it can be kept, shown and
  exported, but not presented, because no key of this wallet is tied to it and a
  presentation the verifier could replay is worse than none (InvalidInput
  ``unbound_credential``).
- **Presenting** is always whole: a VP-JWT for ``jwt_vc_json``, an ``eddsa-jcs-2022``
  presentation (Ed25519 identities only) for ``ldp_vc``, signed by the bound identity
  with the verifier's nonce and audience (see :mod:`core.vc.presentation`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from core import jose
from core.clock import Clock
from core.did import DidResolver
from core.encoding import compact_json, parse_json_object
from core.errors import InvalidInput, RecordNotFound, VerificationError
from core.identity import Identities
from core.keys import Ed25519PrivateKey, PrivateKey
from core.vc import (
    JWT_VC_FORMAT,
    LDP_VC_FORMAT,
    HeldW3cCredential,
    present_ldp_vp,
    present_vp_jwt,
    verify_eddsa_jcs_2022,
    verify_vc_jwt,
)

SD_JWT_FORMAT: Final = "dc+sd-jwt"
SHARED_WHOLE: Final = (
    "a W3C credential has no selective disclosure: it is shared whole, and the verifier "
    "sees every claim"
)


def detect_format(text: str) -> str:
    """``dc+sd-jwt``, ``jwt_vc_json`` or ``ldp_vc``, read strictly from ``text``.

    Raises VerificationError(malformed) for text that is none of them (JSON without a
    proof, a JWT without a ``vc`` claim, a presentation, ...).
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = parse_json_object(stripped)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"credential JSON: {exc.message}") from exc
        if "@context" not in document:
            raise VerificationError("malformed", "JSON without @context is not a W3C credential")
        if "proof" not in document:
            raise VerificationError(
                "malformed", "this W3C credential has no proof, so nothing can check it"
            )
        return LDP_VC_FORMAT
    if "~" in stripped:
        return SD_JWT_FORMAT
    if stripped.count(".") == 2:
        try:
            payload = parse_json_object(jose.parse(stripped).payload)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"JWT payload: {exc.message}") from exc
        if isinstance(payload.get("vc"), dict):
            return JWT_VC_FORMAT
        if "vp" in payload:
            raise VerificationError("malformed", "this is a presentation, not a credential")
        raise VerificationError("malformed", "this JWT is neither an SD-JWT VC nor a VC-JWT")
    raise VerificationError(
        "malformed", "not a credential Tessera can read (SD-JWT VC, VC-JWT or W3C JSON)"
    )


@dataclass(frozen=True)
class CheckedW3c:
    """A verified W3C credential and the identity it is about (None: unbound)."""

    held: HeldW3cCredential
    holder_did: str | None


def check_w3c(
    text: str, format: str, *, identities: Identities, resolver: DidResolver, clock: Clock
) -> CheckedW3c:
    """Verify a W3C credential (issuer key from its DID through ``resolver``) and find
    the identity it is about. Raises VerificationError (its code), VaultLocked."""
    text = text.strip()
    if format == JWT_VC_FORMAT:
        verified = verify_vc_jwt(text, resolver=resolver, clock=clock)
    else:
        try:
            document = parse_json_object(text)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"credential JSON: {exc.message}") from exc
        verified = verify_eddsa_jcs_2022(document, resolver=resolver, clock=clock)
    held = HeldW3cCredential.from_verified(text, format, verified)
    return CheckedW3c(held, _holder(held, identities))


def _holder(held: HeldW3cCredential, identities: Identities) -> str | None:
    for did in held.subject_ids:
        try:
            return identities.get(did).did
        except RecordNotFound:
            continue
    return None


def present_whole(
    held: HeldW3cCredential,
    paths: Sequence[object],
    *,
    holder_did: str | None,
    key: PrivateKey | None,
    nonce: str,
    audience: str,
    clock: Clock,
    transaction_data: Sequence[str] = (),
) -> str:
    """A presentation of all of ``held`` for ``audience``, signed by ``key`` (the key of
    ``holder_did``); for ``ldp_vc`` the presentation's JSON text.

    Raises InvalidInput: shared_whole (``paths`` chose claims), unsupported_format
    (transaction data), unbound_credential (no holder), unsupported_key_type (an
    ``ldp_vc`` credential bound to a P-256 identity), an empty nonce or audience.
    """
    if paths:
        raise InvalidInput(f"choose no claims: {SHARED_WHOLE}", code="shared_whole")
    if transaction_data:
        raise InvalidInput(
            "transaction data (a payment or consent) can only be confirmed with an SD-JWT "
            "credential, not a W3C one",
            code="unsupported_format",
        )
    if holder_did is None or key is None:
        raise InvalidInput(
            "this credential is about none of your identities, so Tessera cannot sign a "
            "presentation of it (a verifier could not tell it is yours)",
            code="unbound_credential",
        )
    method = DidResolver().resolve_method(holder_did).id  # did:key / did:jwk: offline
    if held.format == JWT_VC_FORMAT:
        return present_vp_jwt(
            held.text, key, method, holder=holder_did, nonce=nonce, audience=audience,
            clock=clock, vc2=held.vc2,
        )
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(
            "eddsa-jcs-2022 presentations need an Ed25519 identity, and this credential is "
            "about a P-256 one",
            code="unsupported_key_type",
        )
    document = present_ldp_vp(
        held.credential, key, method, holder=holder_did, nonce=nonce, audience=audience,
        clock=clock,
    )
    return compact_json(document).decode("utf-8")


def shared_names(held: HeldW3cCredential) -> tuple[str, ...]:
    """The names of the claims a presentation carries (for the activity log: names, never
    values)."""
    return tuple(sorted(held.claims))
