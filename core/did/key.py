"""did:key for Ed25519 (``z6Mk…``, multicodec 0xed01) and P-256 (``zDn…``, 0x1200).

``did:key:`` + multibase base58btc of (multicodec varint ‖ public key bytes); P-256 keys
use the 33-byte compressed SEC1 point. The document has one ``Multikey`` method whose
fragment is the multibase value, referenced from authentication, assertionMethod,
capabilityInvocation and capabilityDelegation (no derived X25519 keyAgreement key: the
spec makes that derivation optional and Tessera does not use it).
"""

from __future__ import annotations

from core.did.document import DID_CONTEXT, MULTIKEY_CONTEXT, DidDocument, VerificationMethod
from core.did.syntax import Did, parse_did
from core.encoding import multibase_decode, multibase_encode
from core.errors import InvalidInput
from core.keys import PublicKey, public_key_from_multicodec

METHOD = "key"
_SIGNING_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)


def did_key_from_public_key(public_key: PublicKey) -> str:
    """The did:key DID of an Ed25519 or P-256 public key."""
    return f"did:{METHOD}:{multibase_encode(public_key.to_multicodec())}"


def public_key_from_did_key(did: str | Did) -> PublicKey:
    """Decode the key inside a did:key DID.

    Raises InvalidInput: invalid_did (syntax, another method, a ``:`` in the id),
    malformed_multibase (not ``z``, not canonical base58btc), unsupported_multicodec
    (a key type other than ed25519-pub / p256-pub), invalid_key (wrong length, not a
    point on the curve).
    """
    parsed = did if isinstance(did, Did) else parse_did(did)
    if parsed.method != METHOD:
        raise InvalidInput("not a did:key DID", code="invalid_did")
    value = parsed.method_specific_id
    if ":" in value:
        raise InvalidInput("a did:key id is one multibase value", code="invalid_did")
    public_key = public_key_from_multicodec(multibase_decode(value))
    if multibase_encode(public_key.to_multicodec()) != value:  # e.g. a non-minimal varint
        raise InvalidInput("did:key value is not in canonical form", code="invalid_key")
    return public_key


def resolve_did_key(did: str | Did) -> DidDocument:
    """The DID document of a did:key DID. Raises InvalidInput as public_key_from_did_key."""
    public_key = public_key_from_did_key(did)
    did_text = str(did)
    method = VerificationMethod.multikey(did_text, public_key)
    return DidDocument(
        id=did_text,
        verification_method=(method,),
        relationships={name: (method.id,) for name in _SIGNING_RELATIONSHIPS},
        context=(DID_CONTEXT, MULTIKEY_CONTEXT),
    )
