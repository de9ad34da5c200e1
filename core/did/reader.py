"""Read an untrusted DID document (a JSON object, e.g. fetched for did:web).

Policy, so that what is returned can be trusted to name keys correctly:

- ``id`` must equal the DID that was resolved;
- method ids are DID URLs of that same DID with a fragment (``#key-1`` relative ids are
  made absolute), unique across the document; controllers are valid DIDs;
- a method of a known type (see :data:`core.did.document.METHOD_TYPES`) must carry exactly
  its key property, no private key material, and a valid key of the right kind;
- methods of unknown types, or on curves Tessera does not support (X25519, secp256k1, ...),
  are left out, and so are references to them and to other DIDs' methods;
- a reference to a method the document does not declare at all is an error.

Everything refused raises ResolutionError(invalid_did_document).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from core.did.document import (
    KEY_PROPERTIES,
    METHOD_TYPES,
    RELATIONSHIPS,
    DidDocument,
    Reference,
    VerificationMethod,
)
from core.did.syntax import parse_did, parse_did_url
from core.encoding import multibase_decode
from core.errors import InvalidInput, ResolutionError
from core.keys import Ed25519PublicKey, PublicKey, public_key_from_jwk, public_key_from_multicodec

#: Key codes meaning "a key Tessera does not handle", not "a broken key".
_UNSUPPORTED: Final = frozenset({"unsupported_multicodec", "unsupported_key_type"})
_PRIVATE_PROPERTIES: Final = frozenset(
    {"privateKeyJwk", "privateKeyMultibase", "privateKeyBase58", "secretKeyMultibase"}
)
_ED25519_ONLY: Final = frozenset({"Ed25519VerificationKey2018", "Ed25519VerificationKey2020"})


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code="invalid_did_document")


def read_did_document(obj: Mapping[str, Any], did: str) -> DidDocument:
    """Build a DidDocument from a parsed JSON object whose ``id`` must be ``did``.

    Raises ResolutionError(invalid_did_document).
    """
    if not isinstance(obj, Mapping):
        raise _invalid("a DID document must be a JSON object")
    if obj.get("id") != did:
        raise _invalid("the document id does not match the DID being resolved")
    skipped: set[str] = set()
    methods = tuple(
        method
        for raw in _list(obj, "verificationMethod")
        if (method := _read_method(raw, did, skipped)) is not None
    )
    known = {m.id for m in methods}
    relationships: dict[str, tuple[Reference, ...]] = {}
    for name in RELATIONSHIPS:
        refs: list[Reference] = []
        for entry in _list(obj, name):
            if isinstance(entry, str):
                ref = _absolute(entry, did)
                if ref in known:
                    refs.append(ref)
                elif ref not in skipped and _is_fragment_of(ref, did):
                    raise _invalid(f"{name} refers to a method the document lacks: {ref!r}")
            elif (embedded := _read_method(entry, did, skipped)) is not None:
                refs.append(embedded)
        if refs:
            relationships[name] = tuple(refs)
    return DidDocument(
        id=did,
        verification_method=methods,
        relationships=relationships,
        context=_context(obj.get("@context")),
        controller=tuple(_did_list(obj.get("controller"), "controller")),
        also_known_as=tuple(_strings(obj, "alsoKnownAs")),
        service=tuple(_services(obj)),
    )


def _read_method(raw: Any, did: str, skipped: set[str]) -> VerificationMethod | None:
    if not isinstance(raw, Mapping):
        raise _invalid("a verification method must be a JSON object")
    for member in ("id", "type", "controller"):
        if not isinstance(raw.get(member), str):
            raise _invalid(f"a verification method needs a string {member!r}")
    method_id = _absolute(raw["id"], did)
    if not _is_fragment_of(method_id, did):
        raise _invalid(f"verification method id {method_id!r} is not a fragment of {did}")
    _did_list(raw["controller"], "controller")
    if _PRIVATE_PROPERTIES & raw.keys():
        raise _invalid("a DID document must not contain private key material")
    method_type: str = raw["type"]
    prop = METHOD_TYPES.get(method_type)
    if prop is None:
        skipped.add(method_id)
        return None
    present = KEY_PROPERTIES & raw.keys()
    if present != {prop}:
        raise _invalid(f"{method_type} method {method_id!r} must carry exactly {prop}")
    material = raw[prop]
    try:
        public_key = _decode_key(prop, material)
    except InvalidInput as exc:
        if exc.code in _UNSUPPORTED:
            skipped.add(method_id)
            return None
        raise _invalid(f"verification method {method_id!r}: {exc.message}") from exc
    if method_type in _ED25519_ONLY and not isinstance(public_key, Ed25519PublicKey):
        raise _invalid(f"{method_type} method {method_id!r} must hold an Ed25519 key")
    return VerificationMethod(method_id, method_type, raw["controller"], public_key, material)


def _decode_key(prop: str, material: Any) -> PublicKey:
    """Decode one key property. Raises InvalidInput with the codec's code."""
    if prop == "publicKeyJwk":
        if not isinstance(material, Mapping):
            raise InvalidInput("publicKeyJwk must be an object", code="invalid_jwk")
        return public_key_from_jwk(material)
    if not isinstance(material, str):
        raise InvalidInput(f"{prop} must be a string", code="malformed_multibase")
    if prop == "publicKeyBase58":  # raw Ed25519 key bytes in bare (canonical) base58btc
        return Ed25519PublicKey(multibase_decode("z" + material))
    return public_key_from_multicodec(multibase_decode(material))


def _absolute(ref: str, did: str) -> str:
    """Resolve ``#frag`` against ``did``; check the result is a DID URL."""
    absolute = did + ref if ref.startswith("#") else ref
    try:
        parse_did_url(absolute)
    except InvalidInput as exc:
        raise _invalid(f"{ref!r} is not a DID URL") from exc
    return absolute


def _is_fragment_of(did_url: str, did: str) -> bool:
    """True if ``did_url`` is ``did#fragment`` (no path, no query)."""
    parsed = parse_did_url(did_url)
    return (
        str(parsed.did) == did
        and not parsed.path
        and parsed.query is None
        and parsed.fragment is not None
    )


def _list(obj: Mapping[str, Any], member: str) -> list[Any]:
    value = obj.get(member, [])
    if not isinstance(value, list):
        raise _invalid(f"{member!r} must be a list")
    return value


def _strings(obj: Mapping[str, Any], member: str) -> list[str]:
    values = _list(obj, member)
    if not all(isinstance(v, str) for v in values):
        raise _invalid(f"{member!r} must be a list of strings")
    return values


def _did_list(value: Any, member: str) -> list[str]:
    values = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise _invalid(f"{member!r} must be a DID or a list of DIDs")
    for item in values:
        try:
            parse_did(item)
        except InvalidInput as exc:
            raise _invalid(f"{member!r} must hold DIDs") from exc
    return values


def _context(value: Any) -> tuple[Any, ...]:
    entries = [] if value is None else [value] if isinstance(value, str | dict) else value
    if not isinstance(entries, list) or not all(isinstance(e, str | dict) for e in entries):
        raise _invalid("'@context' must be a string, an object or a list of them")
    return tuple(entries)


def _services(obj: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    services = _list(obj, "service")
    for service in services:
        if not isinstance(service, dict) or not isinstance(service.get("id"), str):
            raise _invalid("each service must be an object with a string 'id'")
    return services
