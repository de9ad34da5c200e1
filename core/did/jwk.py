"""did:jwk: ``did:jwk:`` + base64url(UTF-8 JSON of a public JWK).

The document has one ``JsonWebKey`` method, ``#0``, carrying the JWK as written (extra
members such as ``kid`` stay visible there). Relationships follow the JWK's ``use``:
``sig`` → all but keyAgreement, ``enc`` → keyAgreement only, absent → all five. Tessera
writes the JCS (RFC 8785) form of the key's required members, which is also how the
spec's examples were made.
"""

from __future__ import annotations

from typing import Final

from core.did.document import DID_CONTEXT, JWK_CONTEXT, RELATIONSHIPS, DidDocument
from core.did.document import VerificationMethod as Method
from core.did.syntax import Did, parse_did
from core.encoding import b64url_decode, b64url_encode, canonical_json, parse_json_object
from core.errors import InvalidInput
from core.keys import PublicKey, public_key_from_jwk

METHOD = "jwk"
FRAGMENT = "0"
#: A JWK we handle is ~150 bytes; the DID length cap bounds this anyway.
_MAX_JWK_BYTES: Final = 3072


def did_jwk_from_public_key(public_key: PublicKey) -> str:
    """The did:jwk DID of a public key (JCS form of its required JWK members)."""
    return f"did:{METHOD}:{b64url_encode(canonical_json(public_key.to_jwk()))}"


def resolve_did_jwk(did: str | Did) -> DidDocument:
    """The DID document of a did:jwk DID.

    Raises InvalidInput: invalid_did (syntax, another method), malformed_base64url,
    malformed_json / input_too_large, invalid_jwk (including a private ``d`` or a bad
    ``use``), unsupported_key_type, invalid_key.
    """
    parsed = did if isinstance(did, Did) else parse_did(did)
    if parsed.method != METHOD:
        raise InvalidInput("not a did:jwk DID", code="invalid_did")
    if ":" in parsed.method_specific_id:
        raise InvalidInput("a did:jwk id is one base64url value", code="invalid_did")
    jwk = parse_json_object(b64url_decode(parsed.method_specific_id), max_bytes=_MAX_JWK_BYTES)
    public_key = public_key_from_jwk(jwk)
    use = jwk.get("use")
    if use is not None and not isinstance(use, str):
        raise InvalidInput("JWK 'use' must be a string", code="invalid_jwk")
    if use == "sig":
        names = tuple(n for n in RELATIONSHIPS if n != "keyAgreement")
    elif use == "enc":
        names = ("keyAgreement",)
    else:
        names = RELATIONSHIPS
    did_text = str(parsed)
    method = Method.json_web_key(did_text, FRAGMENT, public_key, jwk)
    return DidDocument(
        id=did_text,
        verification_method=(method,),
        relationships={name: (method.id,) for name in names},
        context=(DID_CONTEXT, JWK_CONTEXT),
    )
