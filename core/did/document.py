"""DID documents and verification methods as frozen values, and their JSON form.

Tessera writes ``Multikey`` (``publicKeyMultibase``) for did:key and ``JsonWebKey``
(``publicKeyJwk``) for did:jwk. When reading documents from elsewhere (did:web) it also
accepts the older ``Ed25519VerificationKey2018`` (``publicKeyBase58``),
``Ed25519VerificationKey2020`` (``publicKeyMultibase``) and ``JsonWebKey2020``.
Reading lives in :mod:`core.did.reader`; this module only holds the values.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from core.encoding import multibase_encode
from core.errors import ResolutionError
from core.keys import PublicKey

DID_CONTEXT: Final = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"
JWK_CONTEXT: Final = "https://w3id.org/security/jwk/v1"

#: Verification relationships, in the order documents list them.
RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)

#: Verification method types Tessera reads, and the property that carries their key.
METHOD_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "Multikey": "publicKeyMultibase",
        "JsonWebKey": "publicKeyJwk",
        "JsonWebKey2020": "publicKeyJwk",
        "Ed25519VerificationKey2020": "publicKeyMultibase",
        "Ed25519VerificationKey2018": "publicKeyBase58",
    }
)
KEY_PROPERTIES: Final = frozenset(METHOD_TYPES.values())


def _invalid(message: str) -> ResolutionError:
    return ResolutionError(message, code="invalid_did_document")


@dataclass(frozen=True)
class VerificationMethod:
    """One public key of a DID document.

    ``material`` is the value of the key property named by ``type`` (a multibase or
    base58 string, or a JWK object kept as written, with any extra members). Raises
    ResolutionError(invalid_did_document) if the type is unknown or the material is
    missing; :mod:`core.did.reader` checks that the material encodes ``public_key``.
    """

    id: str
    type: str
    controller: str
    public_key: PublicKey
    material: str | Mapping[str, Any]

    def __post_init__(self) -> None:
        prop = METHOD_TYPES.get(self.type)
        if prop is None:
            raise _invalid(f"unsupported verification method type {self.type!r}")
        if "#" not in self.id:
            raise _invalid("a verification method id must have a fragment")
        if prop == "publicKeyJwk":
            if not isinstance(self.material, Mapping):
                raise _invalid(f"{self.type} needs publicKeyJwk")
            object.__setattr__(
                self, "material", MappingProxyType(copy.deepcopy(dict(self.material)))
            )
        elif not isinstance(self.material, str):
            raise _invalid(f"{self.type} needs {prop}")

    @property
    def key_property(self) -> str:
        """``publicKeyMultibase``, ``publicKeyJwk`` or ``publicKeyBase58``."""
        return METHOD_TYPES[self.type]

    @property
    def fragment(self) -> str:
        """The fragment of the id, without ``#``."""
        return self.id.partition("#")[2]

    def to_json(self) -> dict[str, Any]:
        material = self.material
        value: Any = copy.deepcopy(dict(material)) if isinstance(material, Mapping) else material
        return {
            "id": self.id,
            "type": self.type,
            "controller": self.controller,
            self.key_property: value,
        }

    @classmethod
    def multikey(cls, did: str, public_key: PublicKey) -> VerificationMethod:
        """A ``Multikey`` method whose fragment is its own multibase value (did:key style)."""
        value = multibase_encode(public_key.to_multicodec())
        return cls(f"{did}#{value}", "Multikey", did, public_key, value)

    @classmethod
    def json_web_key(
        cls, did: str, fragment: str, public_key: PublicKey, jwk: Mapping[str, Any]
    ) -> VerificationMethod:
        """A ``JsonWebKey`` method carrying ``jwk`` as given (did:jwk style)."""
        return cls(f"{did}#{fragment}", "JsonWebKey", did, public_key, jwk)


Reference = str | VerificationMethod


@dataclass(frozen=True)
class DidDocument:
    """A resolved DID document: the subset of DID Core that Tessera uses.

    ``relationships`` maps a relationship name to method ids (strings) or embedded
    methods. Raises ResolutionError(invalid_did_document) on duplicate method ids, an
    unknown relationship, or a reference to a method the document does not contain.
    """

    id: str
    verification_method: tuple[VerificationMethod, ...] = ()
    relationships: Mapping[str, tuple[Reference, ...]] = field(default_factory=dict)
    context: tuple[Any, ...] = (DID_CONTEXT,)
    controller: tuple[str, ...] = ()
    also_known_as: tuple[str, ...] = ()
    service: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "relationships", MappingProxyType(dict(self.relationships)))
        seen: set[str] = set()
        for method in self.all_methods():
            if method.id in seen:
                raise _invalid(f"duplicate verification method id {method.id!r}")
            seen.add(method.id)
        for name, refs in self.relationships.items():
            if name not in RELATIONSHIPS:
                raise _invalid(f"unknown verification relationship {name!r}")
            for ref in refs:
                if isinstance(ref, str) and ref not in seen:
                    raise _invalid(f"{name} refers to a missing method {ref!r}")

    def all_methods(self) -> tuple[VerificationMethod, ...]:
        """Top-level methods followed by those embedded in relationships."""
        embedded = tuple(
            ref for refs in self.relationships.values() for ref in refs if not isinstance(ref, str)
        )
        return self.verification_method + embedded

    def find(self, method_id: str) -> VerificationMethod | None:
        """The method with this absolute id, or None."""
        return next((m for m in self.all_methods() if m.id == method_id), None)

    def methods_for(self, relationship: str) -> tuple[VerificationMethod, ...]:
        """The methods usable for ``relationship`` (e.g. ``assertionMethod``), in order."""
        found: list[VerificationMethod] = []
        for ref in self.relationships.get(relationship, ()):
            method = self.find(ref) if isinstance(ref, str) else ref
            if method is not None and all(m.id != method.id for m in found):
                found.append(method)
        return tuple(found)

    def relationships_of(self, method_id: str) -> tuple[str, ...]:
        """The relationship names under which ``method_id`` appears."""
        return tuple(
            name for name in RELATIONSHIPS if any(m.id == method_id for m in self.methods_for(name))
        )

    def to_json(self) -> dict[str, Any]:
        """The document as a JSON object (``application/did+ld+json`` shape)."""
        out: dict[str, Any] = {}
        if self.context:
            out["@context"] = copy.deepcopy(list(self.context))
        out["id"] = self.id
        if self.controller:
            out["controller"] = list(self.controller)
        if self.also_known_as:
            out["alsoKnownAs"] = list(self.also_known_as)
        if self.verification_method:
            out["verificationMethod"] = [m.to_json() for m in self.verification_method]
        for name in RELATIONSHIPS:
            refs = self.relationships.get(name)
            if refs:
                out[name] = [r if isinstance(r, str) else r.to_json() for r in refs]
        if self.service:
            out["service"] = [copy.deepcopy(dict(s)) for s in self.service]
        return out
