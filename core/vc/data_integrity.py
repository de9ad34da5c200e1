"""W3C Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (vc-di-eddsa §3.3).

Transformation is JCS (RFC 8785) of the credential without its proof. The proof
configuration is the proof without ``proofValue``, with the credential's ``@context``.
The signed bytes are SHA-256(JCS(proof config)) ‖ SHA-256(JCS(document)), and
``proofValue`` is the Ed25519 signature as multibase base58btc (``z…``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from core.clock import Clock, SystemClock
from core.did import DidResolver, VerificationMethod, parse_did_url
from core.encoding import canonical_json, multibase_decode, multibase_encode
from core.errors import InvalidInput, ResolutionError, TesseraError, VerificationError
from core.jose import sign_bytes, verify_bytes
from core.keys import Ed25519PrivateKey, Ed25519PublicKey
from core.vc.model import (
    CredentialShape,
    VerifiedW3cCredential,
    check_credential,
    check_validity,
    method_did,
    parse_datetime,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
_SIGNATURE_BYTES = 64


def canonical_document(unsecured: Mapping[str, Any]) -> bytes:
    """JCS of the credential without its ``proof`` (the transformed document)."""
    return canonical_json({k: v for k, v in unsecured.items() if k != "proof"})


def canonical_proof_config(proof_config: Mapping[str, Any]) -> bytes:
    """JCS of the proof configuration (``proofValue`` left out)."""
    return canonical_json({k: v for k, v in proof_config.items() if k != "proofValue"})


def hash_data(proof_config: Mapping[str, Any], unsecured: Mapping[str, Any]) -> bytes:
    """The 64 bytes that are signed: SHA-256(proof config) ‖ SHA-256(document)."""
    config_hash = hashlib.sha256(canonical_proof_config(proof_config)).digest()
    document_hash = hashlib.sha256(canonical_document(unsecured)).digest()
    return config_hash + document_hash


def proof_config_for(secured: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a secured credential into (proof configuration, unsecured document).

    Per vc-di-eddsa "Verify Proof (eddsa-jcs-2022)": if the proof carries ``@context``, the
    document's ``@context`` must start with it and the document takes that ``@context``; the
    proof configuration then takes the document's ``@context``. Raises
    VerificationError(malformed) if there is no single proof object.
    """
    proof = secured.get("proof")
    if proof is None:
        raise VerificationError("malformed", "the credential has no proof")
    if not isinstance(proof, Mapping):
        raise VerificationError("malformed", "proof must be a single object")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        proof_context = options["@context"]
        document_context = unsecured.get("@context")
        if (
            not isinstance(proof_context, list)
            or not isinstance(document_context, list)
            or document_context[: len(proof_context)] != proof_context
        ):
            raise VerificationError("malformed", "the proof @context does not match the document")
        unsecured["@context"] = proof_context
    options["@context"] = unsecured.get("@context")
    return options, unsecured


def _check_options(proof: Mapping[str, Any], proof_purpose: str) -> str:
    if proof.get("type") != PROOF_TYPE:
        raise VerificationError("unsupported_alg", f"proof type must be {PROOF_TYPE}")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise VerificationError("unsupported_alg", f"cryptosuite must be {CRYPTOSUITE}")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise VerificationError("malformed", "proof verificationMethod must be a DID URL")
    if proof.get("proofPurpose") != proof_purpose:
        raise VerificationError("malformed", f"proofPurpose must be {proof_purpose}")
    if "created" in proof:
        parse_datetime(proof["created"], "proof created", require_offset=True)
    return method


def _decode_proof_value(value: object) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise VerificationError("malformed", "proofValue must be multibase base58btc")
    try:
        signature = multibase_decode(value)
    except InvalidInput as exc:
        raise VerificationError("malformed", f"proofValue: {exc.message}") from exc
    if len(signature) != _SIGNATURE_BYTES:
        raise VerificationError("malformed", "proofValue is not an Ed25519 signature")
    return signature


def verify_eddsa_jcs_2022(
    unverified_credential: Mapping[str, Any],
    *,
    resolver: DidResolver | None = None,
    clock: Clock | None = None,
    trusted_issuers: frozenset[str] | set[str] | None = None,
    proof_purpose: str = "assertionMethod",
) -> VerifiedW3cCredential:
    """Verify a VC 2.0 credential secured with one ``eddsa-jcs-2022`` DataIntegrityProof.

    The verification method must be a key of the issuer (its DID equals the issuer id, and
    it is listed under ``proof_purpose``). Raises VerificationError: malformed (structure,
    missing proof), unsupported_alg (proof type or cryptosuite), untrusted_issuer (the key
    is not the issuer's, or the issuer is not in ``trusted_issuers``), unresolvable_key,
    bad_signature, not_yet_valid / expired (``validFrom``/``validUntil``, proof ``expires``).
    """
    shape, method, signature, message = _prepare(unverified_credential, proof_purpose)
    if method_did(method, "verificationMethod") != shape.issuer:
        raise VerificationError("untrusted_issuer", "the proof was not made with an issuer key")
    if trusted_issuers is not None and shape.issuer not in trusted_issuers:
        raise VerificationError("untrusted_issuer", f"issuer {shape.issuer} is not trusted")
    vm = _check_signature(method, signature, message, resolver, proof_purpose)
    if vm.controller != shape.issuer:
        raise VerificationError("untrusted_issuer", "the key's controller is not the issuer")
    clock = clock or SystemClock()
    check_validity(shape.valid_from, shape.valid_until, clock)
    proof = unverified_credential["proof"]
    if "expires" in proof:
        expires = parse_datetime(proof["expires"], "proof expires", require_offset=True)
        check_validity(None, expires, clock)
    return VerifiedW3cCredential(
        issuer=shape.issuer,
        types=shape.types,
        subject=shape.subject,
        valid_from=shape.valid_from,
        valid_until=shape.valid_until,
        proof_kind="data_integrity",
        verification_method=method,
        credential=dict(unverified_credential),
    )


def verify_eddsa_jcs_2022_proof(
    secured: Mapping[str, Any],
    *,
    resolver: DidResolver | None = None,
    proof_purpose: str = "assertionMethod",
) -> VerificationMethod:
    """Check only the ``eddsa-jcs-2022`` proof of a VC 2.0 credential; return its key.

    No issuer binding, trust or validity-period checks: use :func:`verify_eddsa_jcs_2022`
    to accept a credential. Raises VerificationError: malformed, unsupported_alg,
    unresolvable_key, bad_signature.
    """
    _shape, method, signature, message = _prepare(secured, proof_purpose)
    return _check_signature(method, signature, message, resolver, proof_purpose)


def _check_signature(
    method: str,
    signature: bytes,
    message: bytes,
    resolver: DidResolver | None,
    proof_purpose: str,
) -> VerificationMethod:
    resolver = resolver or DidResolver()
    try:
        vm = resolver.resolve_method(method, relationship=proof_purpose)
    except (InvalidInput, ResolutionError) as exc:
        raise VerificationError("unresolvable_key", f"verificationMethod: {exc.message}") from exc
    if not isinstance(vm.public_key, Ed25519PublicKey):
        raise VerificationError("unsupported_alg", "eddsa-jcs-2022 needs an Ed25519 key")
    verify_bytes(vm.public_key, message, signature)
    return vm


def _prepare(
    secured: Mapping[str, Any], proof_purpose: str
) -> tuple[CredentialShape, str, bytes, bytes]:
    if not isinstance(secured, Mapping):
        raise VerificationError("malformed", "a credential must be a JSON object")
    _options, unsecured, method, signature, message = _prepare_document(secured, proof_purpose)
    return check_credential(unsecured), method, signature, message


def _prepare_document(
    secured: Mapping[str, Any], proof_purpose: str
) -> tuple[dict[str, Any], dict[str, Any], str, bytes, bytes]:
    """(proof options, unsecured document, method, signature, signed bytes)."""
    options, unsecured = proof_config_for(secured)
    method = _check_options(options, proof_purpose)
    signature = _decode_proof_value(secured["proof"].get("proofValue"))
    try:
        message = hash_data(options, unsecured)
    except TesseraError as exc:
        raise VerificationError("malformed", f"cannot canonicalize: {exc.message}") from exc
    return options, unsecured, method, signature, message


def verify_document_proof(
    secured: Mapping[str, Any],
    *,
    resolver: DidResolver | None = None,
    proof_purpose: str,
) -> tuple[VerificationMethod, dict[str, Any]]:
    """Check the ``eddsa-jcs-2022`` proof of any JSON-LD document (a presentation, say);
    return its key and the proof options (everything but ``proofValue``, all signed).

    Nothing about the document itself is checked. Raises VerificationError: malformed,
    unsupported_alg, unresolvable_key, bad_signature.
    """
    if not isinstance(secured, Mapping):
        raise VerificationError("malformed", "a secured document must be a JSON object")
    options, _unsecured, method, signature, message = _prepare_document(secured, proof_purpose)
    return _check_signature(method, signature, message, resolver, proof_purpose), options


def sign_document(
    document: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: str,
    proof_purpose: str,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with an ``eddsa-jcs-2022`` proof added; ``options``
    (``challenge``, ``domain``, ...) go into the proof and are signed with it.

    Only the proof's own inputs are checked: use :func:`sign_eddsa_jcs_2022` for a
    credential. Raises InvalidInput if the document already has a proof, has no
    ``@context`` list, or ``created`` / ``verification_method`` are malformed.
    """
    if "proof" in document:
        raise InvalidInput("the document already has a proof")
    if not isinstance(document.get("@context"), list):
        raise InvalidInput("the document needs an @context list")
    try:
        parse_datetime(created, "created", require_offset=True)
    except VerificationError as exc:
        raise InvalidInput(exc.message) from exc
    parse_did_url(verification_method)
    unsecured = dict(document)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
        **(options or {}),
        "@context": unsecured["@context"],
    }
    signature = sign_bytes(key, hash_data(proof, unsecured))
    proof["proofValue"] = multibase_encode(signature)
    return {**unsecured, "proof": proof}


def sign_eddsa_jcs_2022(
    credential: Mapping[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """Return a copy of a VC 2.0 ``credential`` with an ``eddsa-jcs-2022`` proof added.

    The proof holds ``type``, ``cryptosuite``, ``created``, ``verificationMethod``,
    ``proofPurpose``, the credential's ``@context`` and ``proofValue``. Raises
    InvalidInput if the credential is not a well-formed VC 2.0 credential without a proof,
    or ``created`` is not a date-time with offset.
    """
    if "proof" in credential:
        raise InvalidInput("the credential already has a proof")
    try:
        check_credential(credential)
    except VerificationError as exc:
        raise InvalidInput(exc.message) from exc
    return sign_document(
        credential, key, verification_method, created=created, proof_purpose=proof_purpose
    )
