"""Disclosures: ``base64url(JSON [salt, name, value])`` or ``[salt, value]`` for array elements."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from core.encoding import b64url_decode, b64url_encode, parse_json
from core.errors import InvalidInput, VerificationError

#: ``_sd_alg`` values and their hash functions (IANA "Named Information Hash Algorithm").
HASH_ALGORITHMS: Final[dict[str, Callable[[bytes], Any]]] = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
}
DEFAULT_HASH_ALG: Final = "sha-256"
RESERVED_NAMES: Final = frozenset({"_sd", "...", "_sd_alg"})
MAX_DISCLOSURE_CHARS: Final = 64 * 1024


def digest_of(encoded: str, hash_alg: str = DEFAULT_HASH_ALG) -> str:
    """base64url(hash(ASCII bytes of the disclosure as received)).

    Raises VerificationError(unsupported_alg) for an unknown ``_sd_alg``.
    """
    if hash_alg == DEFAULT_HASH_ALG:  # the common case, without the table lookup
        return b64url_encode(hashlib.sha256(encoded.encode("ascii")).digest())
    function = HASH_ALGORITHMS.get(hash_alg)
    if function is None:
        raise VerificationError("unsupported_alg", f"unknown _sd_alg {hash_alg!r}")
    return b64url_encode(function(encoded.encode("ascii")).digest())


class Disclosure(NamedTuple):
    """One disclosure; ``name`` is None for an array element."""

    # A NamedTuple is as immutable as a frozen dataclass and a third of the cost to build:
    # verifiers build one per presented disclosure on their hot path.
    encoded: str
    salt: str
    name: str | None
    value: Any

    def __repr__(self) -> str:
        return f"Disclosure(name={self.name!r}, value={self.value!r})"

    @property
    def is_array_element(self) -> bool:
        return self.name is None

    def digest(self, hash_alg: str = DEFAULT_HASH_ALG) -> str:
        return digest_of(self.encoded, hash_alg)

    @classmethod
    def create(cls, salt: str, name: str | None, value: Any) -> Disclosure:
        """Encode a new disclosure (compact UTF-8 JSON).

        Raises InvalidInput for a reserved claim name or a value JSON cannot hold.
        """
        if name is not None and name in RESERVED_NAMES:
            raise InvalidInput(f"{name!r} cannot be a selectively disclosable claim name")
        array = [salt, value] if name is None else [salt, name, value]
        try:
            text = json.dumps(array, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
            raw = text.encode("utf-8")
        except (TypeError, ValueError) as exc:  # UnicodeEncodeError (lone surrogates) included
            raise InvalidInput(f"claim value cannot be written as JSON: {exc}") from exc
        return cls(b64url_encode(raw), salt, name, value)

    @classmethod
    def parse(cls, encoded: str) -> Disclosure:
        """Decode a received disclosure strictly.

        Raises VerificationError(disclosure_invalid) unless it is canonical base64url of
        a JSON array [salt, name, value] or [salt, value] with a string salt and a string
        name that is not ``_sd``, ``...`` or ``_sd_alg``.
        """
        if len(encoded) > MAX_DISCLOSURE_CHARS:
            raise VerificationError("disclosure_invalid", "a disclosure is too large")
        try:
            array = parse_json(b64url_decode(encoded))
        except InvalidInput as exc:
            raise VerificationError("disclosure_invalid", f"a disclosure: {exc.message}") from exc
        if not isinstance(array, list) or len(array) not in (2, 3):
            raise VerificationError("disclosure_invalid", "a disclosure is a JSON array of 2 or 3")
        salt = array[0]
        if not isinstance(salt, str):
            raise VerificationError("disclosure_invalid", "a disclosure's salt must be a string")
        if len(array) == 2:
            return cls(encoded, salt, None, array[1])
        name = array[1]
        if not isinstance(name, str):
            raise VerificationError("disclosure_invalid", "a disclosed claim name must be a string")
        if name in RESERVED_NAMES:
            raise VerificationError("disclosure_invalid", f"{name!r} cannot be a claim name here")
        return cls(encoded, salt, name, array[2])
