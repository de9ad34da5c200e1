"""One exception tree for everything `core` raises.

Every error carries a stable ``code`` (a short snake_case string) that the CLI prints
and that callers may match on. Messages are for people and never contain secrets.

    TesseraError
    ├── InvalidInput            bad bytes, strings or arguments from outside
    ├── CryptoError             a primitive could not run (wrong key for the job, ...)
    ├── VerificationError       something did not verify; ``code`` from VERIFICATION_CODES
    │   └── LedgerBroken        an activity log failed its checks (names the first bad entry)
    ├── ResolutionError         a DID (or other key source) could not be resolved
    ├── IssuanceError           a credential issuer refused or failed (OpenID4VCI)
    ├── VaultError
    │   ├── VaultLocked
    │   ├── VaultBusy           another process has the vault open
    │   ├── WrongPassphrase
    │   ├── UnsupportedVersion
    │   ├── RecordNotFound
    │   ├── RecordDamaged       one record failed authentication (names it)
    │   └── BackupInvalid       a backup file is not one, or was damaged, truncated or changed
    ├── PresentationRequestError  an OpenID4VP request cannot be answered; code from
    │                           PRESENTATION_REQUEST_CODES
    ├── MissingDependency       an optional package (an extra) is needed and not installed
    └── UserCancelled
"""

from __future__ import annotations

from typing import ClassVar

#: The closed set of verification failure codes (the verifier API contract).
VERIFICATION_CODES: frozenset[str] = frozenset(
    {
        "malformed",
        "unsupported_alg",
        "bad_signature",
        "untrusted_issuer",
        "unresolvable_key",
        "expired",
        "not_yet_valid",
        "revoked",
        "suspended",
        "status_unavailable",
        "disclosure_invalid",
        "disclosure_duplicate",
        "kb_missing",
        "kb_invalid",
        "nonce_mismatch",
        "audience_mismatch",
        "sd_hash_mismatch",
        "kb_stale",
        "transaction_data_mismatch",
    }
)

#: Stable codes for bad input, by what was bad.
INVALID_INPUT_CODES: frozenset[str] = frozenset(
    {
        "invalid_input",
        "malformed_base64url",
        "malformed_multibase",
        "unsupported_multicodec",
        "malformed_json",
        "input_too_large",
        "invalid_jwk",
        "unsupported_key_type",
        "invalid_key",
        "invalid_did",
        "unsupported_did_method",
        "invalid_did_url",
        "invalid_recovery_phrase",
        "not_bound_to_wallet",
        "ambiguous_id",
        "invalid_dcql",
        # W3C credentials in the wallet (core/credentials_w3c.py)
        "shared_whole",  # a subset of a credential that can only be shared whole
        "unbound_credential",  # a W3C credential about none of the wallet's identities
        "unsupported_format",  # an operation the credential's format does not have
        # Token Status List (core/status.py)
        "invalid_status_list",
        "status_list_too_large",
        "status_index_out_of_range",
        # the issuer's status registry (core/services/issuer/status_registry.py)
        "status_index_not_allocated",
        "status_revocation_final",
        # QR codes and offline presentation frames (core/qr)
        "qr_too_large",
        "qr_image_unreadable",
        "qr_frame_malformed",
        "qr_frame_foreign",
        "qr_frame_inconsistent",
        "qr_frames_incomplete",
        "qr_payload_corrupt",
        # OpenID4VCI credential offers (core/oid4vci)
        "invalid_offer",
        "insecure_url",
        # consents (core/consents.py): an expired consent has nothing left to withdraw
        "consent_expired",
    }
)

RESOLUTION_CODES: frozenset[str] = frozenset(
    {"did_not_found", "resolution_failed", "invalid_did_document", "key_not_found"}
)


class TesseraError(Exception):
    """Base of every error `core` raises on purpose.

    ``code`` is stable; ``str(error)`` is a short human sentence.
    """

    default_code: ClassVar[str] = "error"
    allowed_codes: ClassVar[frozenset[str] | None] = None

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        chosen = code or self.default_code
        if self.allowed_codes is not None and chosen not in self.allowed_codes:
            raise ValueError(f"{type(self).__name__} has no code {chosen!r}")
        self.code: str = chosen
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidInput(TesseraError):
    """Input from outside (a file, a string, an argument) is not acceptable."""

    default_code = "invalid_input"
    allowed_codes = INVALID_INPUT_CODES


class CryptoError(TesseraError):
    """A cryptographic operation could not be carried out (for example a key/alg mismatch)."""

    default_code = "crypto_error"
    allowed_codes = frozenset({"crypto_error", "key_alg_mismatch", "unsupported_alg"})


class VerificationError(TesseraError):
    """Something presented to us did not verify. ``code`` is one of VERIFICATION_CODES."""

    allowed_codes = VERIFICATION_CODES

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class LedgerBroken(VerificationError):
    """An activity log failed verification; ``seq`` is the first bad entry.

    ``code`` is ``malformed`` (bad structure, a gap or repeat in the numbering, a broken
    hash link, a truncated log) or ``bad_signature`` (a signature, or the signer, is wrong).
    """

    def __init__(self, code: str, message: str, *, seq: int) -> None:
        super().__init__(code, message)
        self.seq = seq


class ResolutionError(TesseraError):
    """A DID or key reference could not be resolved to a key."""

    default_code = "resolution_failed"
    allowed_codes = RESOLUTION_CODES


#: Why a credential issuer refused or failed (OpenID4VCI 1.0 §6.3 and §8.3.1.2 error codes,
#: plus the wallet's own for an issuer it cannot reach or understand).
ISSUANCE_CODES: frozenset[str] = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_token",
        "invalid_credential_request",
        "unknown_credential_configuration",
        "unknown_credential_identifier",
        "invalid_proof",
        "invalid_nonce",
        "credential_request_denied",
        "issuer_unreachable",
        "invalid_issuer_response",
    }
)


class IssuanceError(TesseraError):
    """A credential issuer refused a request or answered something unusable (OpenID4VCI)."""

    default_code = "invalid_issuer_response"
    allowed_codes = ISSUANCE_CODES


class VaultError(TesseraError):
    """The vault could not do what was asked."""

    default_code = "vault_error"


class VaultLocked(VaultError):
    """The vault must be unlocked first."""

    default_code = "vault_locked"


class VaultBusy(VaultError):
    """Another process has this vault open."""

    default_code = "vault_busy"


class RecordNotFound(VaultError):
    """No record with that kind and id."""

    default_code = "not_found"


class RecordDamaged(VaultError):
    """A stored record failed authentication: changed on disk, truncated or moved."""

    default_code = "record_damaged"

    def __init__(self, message: str, *, record_id: str, kind: str) -> None:
        super().__init__(message)
        self.record_id = record_id
        self.kind = kind


class BackupInvalid(VaultError):
    """A backup file is not a Tessera backup, or was damaged, truncated or changed."""

    default_code = "backup_invalid"


class WrongPassphrase(VaultError):
    """The passphrase does not open this vault."""

    default_code = "wrong_passphrase"


class UnsupportedVersion(VaultError):
    """The vault or backup was written by a newer (or unknown) format version."""

    default_code = "unsupported_version"


#: Why the wallet refuses (or cannot answer) an OpenID4VP presentation request.
PRESENTATION_REQUEST_CODES: frozenset[str] = frozenset(
    {
        "invalid_request_uri",  # the openid4vp:// link itself is malformed
        "unsupported_client_id_prefix",  # a client_id prefix Tessera does not support
        "invalid_request",  # the request object breaks OpenID4VP 1.0
        "insecure_url",  # a plain-http endpoint that is not on this machine
        "verifier_unreachable",  # the verifier could not be reached over the network
        "request_fetch_failed",  # the verifier answered the request fetch with an error
        "unsupported_transaction_data",  # a transaction data type or hash Tessera does not know
        "invalid_transaction_data",  # transaction data of a known type that breaks its rules
        "no_matching_credential",  # the wallet holds nothing that answers the query
        "claims_withheld",  # the person withheld a claim the verifier requires
        "claim_not_requested",  # the person chose to share a claim nobody asked for
        "response_rejected",  # the verifier refused the response
    }
)


class PresentationRequestError(TesseraError):
    """An OpenID4VP request is malformed, unsupported or cannot be answered; ``code`` is
    one of PRESENTATION_REQUEST_CODES and the message says why in plain words."""

    default_code = "invalid_request"
    allowed_codes = PRESENTATION_REQUEST_CODES


class MissingDependency(TesseraError):
    """An optional package is needed for this and is not installed; ``package`` names it
    and ``extra`` the install extra that brings it (``pip install 'tessera-wallet[gui]'``)."""

    default_code = "missing_dependency"

    def __init__(self, message: str, *, package: str, extra: str) -> None:
        super().__init__(message)
        self.package = package
        self.extra = extra


class UserCancelled(TesseraError):
    """The person stopped the operation."""

    default_code = "cancelled"
