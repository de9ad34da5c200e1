"""Getting credential text into the wallet: from a file, the clipboard or a drop, and
what to tell the person when it is refused."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData

from app.dialogs.common import explain
from core.errors import InvalidInput, TesseraError, VaultLocked

#: Credential files are a few kilobytes; anything this big is something else.
MAX_FILE_BYTES = 1_000_000
FILE_FILTER = "Credentials (*.sd-jwt *.jwt *.json *.txt);;All files (*)"

_UNREADABLE = "This isn't a credential Tessera can read. Check that you have all of it."
_NO_KEY = ("Tessera couldn't get the issuer's key to check this credential. "
           "Check your internet connection and try again.")
_DAMAGED = "Part of this credential is damaged, so it can't be trusted."

#: Plain words for the error codes an import can end with.
IMPORT_ERRORS = {
    "not_bound_to_wallet": "This credential was issued to another wallet.",
    "bad_signature": "This credential's signature doesn't match. "
                     "It may have been changed after it was issued.",
    "expired": "This credential has already expired.",
    "not_yet_valid": "This credential isn't valid yet.",
    "untrusted_issuer": "Tessera doesn't trust the issuer of this credential.",
    "unsupported_alg": "This credential is signed in a way Tessera doesn't support.",
    "revoked": "The issuer has revoked this credential.",
    "suspended": "The issuer has suspended this credential for now.",
    "status_unavailable": "Tessera couldn't check whether this credential is still valid.",
    "unresolvable_key": _NO_KEY,
    "resolution_failed": _NO_KEY,
    "did_not_found": _NO_KEY,
    "key_not_found": _NO_KEY,
    "invalid_did_document": _NO_KEY,
    "disclosure_invalid": _DAMAGED,
    "disclosure_duplicate": _DAMAGED,
    "sd_hash_mismatch": _DAMAGED,
    "malformed": _UNREADABLE,
    "invalid_input": _UNREADABLE,
    "malformed_base64url": _UNREADABLE,
    "malformed_json": _UNREADABLE,
    "input_too_large": _UNREADABLE,
}


def import_error(exc: BaseException) -> tuple[str, str]:
    """(plain sentence, details with the error code) for a failed import."""
    if isinstance(exc, VaultLocked):
        return "Unlock Tessera first, then import the credential again.", f"Error code: {exc.code}"
    if isinstance(exc, TesseraError) and exc.code in IMPORT_ERRORS:
        return IMPORT_ERRORS[exc.code], f"Error code: {exc.code}. {exc.message}"
    return explain(exc, "import this credential")


def read_credential_file(path: Path) -> str:
    """The text of a credential file.

    Raises InvalidInput(input_too_large) for a file over 1 MB, InvalidInput for one that
    is not UTF-8 text, OSError when it cannot be read.
    """
    with Path(path).open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("the file is too large to be a credential", code="input_too_large")
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise InvalidInput("the file is not text") from exc


def dropped_file(mime: QMimeData) -> Path | None:
    """The first local file in dragged or pasted data, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            return Path(url.toLocalFile())
    return None


def pasted_text(mime: QMimeData | None) -> str:
    """Plain text from the clipboard, trimmed ("" when there is none)."""
    if mime is None or not mime.hasText():
        return ""
    return mime.text().strip()
