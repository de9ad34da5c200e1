"""The demo issuer's check of OpenID4VCI proof-of-possession JWTs (``proofs.jwt``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from core.did.resolver import DidResolver
from core.errors import TesseraError
from core.jose import parse as parse_jws
from core.jose import verify as verify_jws
from core.keys import PublicKey, public_key_from_jwk
from core.services.issuer.configurations import ALGORITHMS
from core.services.issuer.http_io import Refusal

PROOF_TYP: Final = "openid4vci-proof+jwt"
#: How far a proof's ``iat`` may be from the issuer's clock, in seconds.
PROOF_IAT_SKEW: Final = 300


def check_proofs(
    proofs: Any,
    *,
    audience: str,
    now: float,
    nonces: dict[str, float],
    resolver: DidResolver,
) -> PublicKey:
    """The holder key of ``{"jwt": [one proof]}``: ``typ`` :data:`PROOF_TYP`, ``aud``
    ``audience``, a recent ``iat``, a fresh nonce (taken out of ``nonces``), signed by the
    key in its ``jwk`` header or named by a did:key / did:jwk ``kid``.

    Raises Refusal: invalid_proof, invalid_nonce.
    """
    if not isinstance(proofs, dict) or set(proofs) != {"jwt"}:
        raise Refusal("invalid_proof", 'proofs must be {"jwt": [one proof JWT]}')
    jwts = proofs["jwt"]
    if not isinstance(jwts, list) or len(jwts) != 1 or not isinstance(jwts[0], str):
        raise Refusal("invalid_proof", "exactly one proof JWT is accepted")
    try:
        jws = parse_jws(jwts[0])
        header = jws.header
        if header.get("typ") != PROOF_TYP:
            raise Refusal("invalid_proof", f"the proof's typ must be {PROOF_TYP}")
        key = _proof_key(header, resolver)
        payload = verify_jws(jws, key, algorithms=ALGORITHMS).payload_json()
    except TesseraError as exc:
        raise Refusal("invalid_proof", f"the proof JWT does not verify: {exc.message}") from exc
    aud = payload.get("aud")
    if aud != audience and not (isinstance(aud, list) and aud == [audience]):
        raise Refusal("invalid_proof", "the proof's aud is not this credential issuer")
    iat = payload.get("iat")
    if not isinstance(iat, int | float) or isinstance(iat, bool) or abs(iat - now) > PROOF_IAT_SKEW:
        raise Refusal("invalid_proof", "the proof's iat is missing or not recent")
    nonce = payload.get("nonce")
    expires = nonces.pop(nonce, None) if isinstance(nonce, str) else None
    if expires is None or expires <= now:
        raise Refusal("invalid_nonce", "the proof's nonce is not a fresh c_nonce")
    return key


def _proof_key(header: Mapping[str, Any], resolver: DidResolver) -> PublicKey:
    jwk, kid = header.get("jwk"), header.get("kid")
    if (jwk is None) == (kid is None):
        raise Refusal("invalid_proof", "the proof header needs exactly one of jwk and kid")
    if jwk is not None:
        if not isinstance(jwk, dict) or "d" in jwk:
            raise Refusal("invalid_proof", "the proof's jwk must be a public JWK")
        return public_key_from_jwk(jwk)
    if not isinstance(kid, str) or not kid.startswith(("did:key:", "did:jwk:")):
        raise Refusal("invalid_proof", "the proof's kid must be a did:key or did:jwk URL")
    return resolver.resolve_key(kid)
