"""The compact serialization ``<issuer JWT>~<disclosure>~…~[<KB-JWT>]`` (RFC 9901 §4)."""

from __future__ import annotations

from typing import NamedTuple

from core.errors import VerificationError

#: Largest presentation accepted (characters); a credential with hundreds of claims fits.
MAX_SD_JWT_CHARS = 512 * 1024


class CompactSdJwt(NamedTuple):
    """The parts of an SD-JWT as strings, exactly as received (nothing verified).

    Immutable; a NamedTuple because every verification builds one.
    """

    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None
    #: The SD-JWT up to and including the last ``~``: the input of ``sd_hash``.
    without_kb: str

    def serialize(self) -> str:
        return self.without_kb + (self.kb_jwt or "")


def split(unverified_sd_jwt: str) -> CompactSdJwt:
    """Split a compact SD-JWT or SD-JWT+KB.

    Raises VerificationError(malformed) for non-text or oversized input, a missing
    ``~``, an empty issuer JWT or an empty disclosure between two ``~``.
    """
    if not isinstance(unverified_sd_jwt, str):
        raise VerificationError("malformed", "an SD-JWT must be text")
    text = unverified_sd_jwt.strip()
    if len(text) > MAX_SD_JWT_CHARS:
        raise VerificationError("malformed", f"SD-JWT is larger than {MAX_SD_JWT_CHARS} characters")
    if "~" not in text:
        raise VerificationError("malformed", "an SD-JWT has at least one '~' after the issuer JWT")
    parts = text.split("~")
    issuer_jwt, middle, last = parts[0], parts[1:-1], parts[-1]
    if not issuer_jwt:
        raise VerificationError("malformed", "the SD-JWT has no issuer-signed JWT")
    if "" in middle:
        raise VerificationError("malformed", "the SD-JWT has an empty disclosure ('~~')")
    without_kb = text[: len(text) - len(last)]
    return CompactSdJwt(issuer_jwt, tuple(middle), last or None, without_kb)
