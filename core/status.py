"""Token Status List (draft-ietf-oauth-status-list-20): lists, Status List Tokens, checking.

- :class:`StatusList`: ``bits`` (1, 2, 4 or 8) per Referenced Token, entry ``i`` in byte
  ``i * bits // 8`` starting at the least significant bit; serialized as
  ``{"bits", "lst"}`` where ``lst`` is the base64url (no padding) of the ZLIB (RFC 1950)
  compressed bytes. Decompression is bounded (``max_bytes``): a bomb is refused with
  InvalidInput(status_list_too_large) before it can use more memory than that.
- :func:`issue_status_list_token` / :func:`verify_status_list_token`: the signed
  ``statuslist+jwt`` (``sub`` = the list's URI, ``iat``, optional ``exp`` and ``ttl``).
- :class:`StatusListChecker`: a ``VerifierPolicy.status_checker``. It reads
  ``status.status_list {idx, uri}`` from the verified credential payload, fetches the
  token through the injected fetcher, checks it is signed by the credential's issuer
  (the same key sources as the credential: policy keys, DIDs, issuer metadata; the
  token's own optional ``iss`` is not compared, as the draft's examples differ) and maps
  the entry: 0 valid; 1 ``revoked``; 2 ``suspended``; any other value (3 and 0x0C-0x0F
  are application specific, the rest reserved) is refused as ``revoked``, because a
  verifier that does not know what a value means must not treat it as valid.
  Fetch or verification failure is ``status_unavailable`` unless
  ``on_unavailable="accept"``. :meth:`StatusListChecker.status_value` gives the raw
  entry instead (the wallet's own status refresh, :mod:`core.credential_status`), and
  :func:`status_reference` reads a payload's ``status.status_list``.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from core.clock import Clock
from core.did.fetch import check_fetch_url
from core.did.web import Fetcher
from core.encoding import b64url_decode, b64url_encode
from core.errors import InvalidInput, TesseraError, VerificationError
from core.jose import parse, sign_json, verify
from core.keys import PrivateKey, PublicKey
from core.sdjwt.issuer_keys import (
    IssuerKey,
    IssuerKeyResolver,
    bounded_put,
    normalize_issuer_keys,
    select_keys,
)

BITS: Final = frozenset({1, 2, 4, 8})
#: Default bound on a decompressed list: 16 MiB (2^27 one-bit entries).
MAX_LIST_BYTES: Final = 16 * 1024 * 1024
#: Bound on a Status List Token as fetched.
MAX_TOKEN_BYTES: Final = 4 * 1024 * 1024
TOKEN_TYP: Final = "statuslist+jwt"
MEDIA_TYPE: Final = "application/statuslist+jwt"
VALID: Final = 0
INVALID: Final = 1
SUSPENDED: Final = 2
DEFAULT_ALGORITHMS: Final = frozenset({"EdDSA", "ES256"})
#: How long a token without ``ttl`` or ``exp`` is reused (seconds).
DEFAULT_CACHE_SECONDS: Final = 300.0
_CHUNK: Final = 64 * 1024


def _bad(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_status_list")


def _check_bits(bits: Any) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int) or bits not in BITS:
        raise _bad("'bits' must be 1, 2, 4 or 8")
    return int(bits)


def decompress_bounded(data: bytes, max_bytes: int) -> bytes:
    """ZLIB-decompress ``data`` into at most ``max_bytes`` bytes.

    Raises InvalidInput: status_list_too_large beyond the bound, invalid_status_list for
    corrupt, truncated or trailing data. Memory stays near ``max_bytes``.
    """
    inflater = zlib.decompressobj()
    out = bytearray()
    pending = data
    try:
        while True:
            room = max_bytes - len(out) + 1  # one byte more tells "too large" apart
            chunk = inflater.decompress(pending, min(room, _CHUNK))
            out += chunk
            if len(out) > max_bytes:
                raise InvalidInput(
                    f"the status list decompresses to more than {max_bytes} bytes",
                    code="status_list_too_large",
                )
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and not chunk):
                break
    except zlib.error as exc:
        raise _bad(f"'lst' is not valid ZLIB data ({exc})") from exc
    if not inflater.eof:
        raise _bad("'lst' is truncated ZLIB data")
    if inflater.unused_data:
        raise _bad("'lst' has data after the ZLIB stream")
    return bytes(out)


class StatusList:
    """A status list: ``bits`` per entry over ``data``. Construct with ``size`` (all 0)
    or ``data`` (the uncompressed bytes). Raises InvalidInput(invalid_status_list)."""

    __slots__ = ("_mask", "bits", "data")

    def __init__(self, bits: int, size: int | None = None, *, data: bytes | None = None) -> None:
        self.bits = _check_bits(bits)
        self._mask = (1 << self.bits) - 1
        if (size is None) == (data is None):
            raise _bad("give a status list either size or data")
        if data is not None:
            if not isinstance(data, bytes | bytearray):
                raise _bad("status list data must be bytes")
            self.data = bytearray(data)
        else:
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise _bad("a status list size is a non-negative integer")
            self.data = bytearray(-(-size * self.bits // 8))

    @property
    def size(self) -> int:
        """How many entries the bytes hold (padding entries of the last byte included)."""
        return len(self.data) * 8 // self.bits

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise InvalidInput(
                f"status index {index!r} is outside the list (size {self.size})",
                code="status_index_out_of_range",
            )
        position = index * self.bits
        return position >> 3, position & 7

    def get(self, index: int) -> int:
        """The status at ``index``; raises InvalidInput(status_index_out_of_range)."""
        byte, shift = self._locate(index)
        return (self.data[byte] >> shift) & self._mask

    def set(self, index: int, value: int) -> None:
        """Set the status at ``index``; raises InvalidInput for a bad index or value."""
        byte, shift = self._locate(index)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= self._mask:
            raise _bad(f"a {self.bits}-bit status is 0..{self._mask}")
        mask = self._mask << shift
        self.data[byte] = (self.data[byte] & ~mask & 0xFF) | (value << shift)

    def compressed(self) -> bytes:
        """The bytes, ZLIB-compressed (level 9)."""
        return zlib.compress(bytes(self.data), 9)

    def to_json(self) -> dict[str, Any]:
        """``{"bits", "lst"}`` as the draft serializes it."""
        return {"bits": self.bits, "lst": b64url_encode(self.compressed())}

    @classmethod
    def from_json(cls, obj: Any, *, max_bytes: int = MAX_LIST_BYTES) -> StatusList:
        """Parse ``{"bits", "lst", ...}`` strictly (``aggregation_uri`` is allowed).

        Raises InvalidInput: invalid_status_list (not an object, bad bits, non-canonical
        base64url, bad or truncated ZLIB), status_list_too_large (over ``max_bytes``).
        """
        if not isinstance(obj, Mapping):
            raise _bad("a status list is a JSON object")
        bits = _check_bits(obj.get("bits"))
        lst = obj.get("lst")
        if not isinstance(lst, str) or not lst:
            raise _bad("'lst' must be a non-empty string")
        try:
            compressed = b64url_decode(lst)
        except InvalidInput as exc:
            raise _bad(f"'lst': {exc.message}") from exc
        return cls(bits, data=decompress_bounded(compressed, max_bytes))


# --- Status List Token ----------------------------------------------------------------------


def issue_status_list_token(
    key: PrivateKey,
    *,
    sub: str,
    status_list: StatusList,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
    kid: str | None = None,
    iss: str | None = None,
) -> str:
    """A compact ``statuslist+jwt`` signed with ``key``. Raises InvalidInput for bad
    arguments (empty ``sub``, ``exp`` not after ``iat``, negative ``ttl``)."""
    if not isinstance(sub, str) or not sub:
        raise _bad("'sub' is the status list URI")
    claims: dict[str, Any] = {}
    if iss is not None:
        claims["iss"] = iss
    claims.update({"sub": sub, "iat": int(iat)})
    if exp is not None:
        if exp <= iat:
            raise _bad("'exp' must be after 'iat'")
        claims["exp"] = int(exp)
    if ttl is not None:
        if ttl <= 0:
            raise _bad("'ttl' must be positive")
        claims["ttl"] = int(ttl)
    claims["status_list"] = status_list.to_json()
    header: dict[str, Any] = {"typ": TOKEN_TYP}
    if kid is not None:
        header["kid"] = kid
    return sign_json(key, claims, header=header)


@dataclass(frozen=True)
class VerifiedStatusList:
    """A verified Status List Token: the list and its times (``exp``, ``ttl`` optional)."""

    status_list: StatusList
    sub: str
    iat: int
    exp: int | None
    ttl: int | None
    iss: str | None


def _int_claim(payload: Mapping[str, Any], name: str, required: bool) -> int | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VerificationError("malformed", f"status list token '{name}' must be an integer")
    return value


def verify_status_list_token(
    token: str,
    *,
    keys: Collection[PublicKey | IssuerKey],
    expected_uri: str,
    clock: Clock,
    algorithms: Collection[str] = DEFAULT_ALGORITHMS,
    clock_skew: float = 60,
    max_bytes: int = MAX_LIST_BYTES,
) -> VerifiedStatusList:
    """Check a ``statuslist+jwt`` against ``keys`` (narrowed by the header ``kid``).

    Raises VerificationError: malformed (typ, claims, list), unsupported_alg,
    bad_signature, unresolvable_key (no key fits), expired; InvalidInput
    status_list_too_large for a list over ``max_bytes``.
    """
    jws = parse(token, max_chars=MAX_TOKEN_BYTES)
    if jws.header.get("typ") != TOKEN_TYP:
        raise VerificationError("malformed", f"a Status List Token has typ {TOKEN_TYP!r}")
    entries = tuple(k if isinstance(k, IssuerKey) else IssuerKey(k) for k in keys)
    candidates = select_keys(entries, jws.kid, jws.alg)
    if not candidates:
        raise VerificationError("unresolvable_key", "no key for this Status List Token")
    last: VerificationError | None = None
    for key in candidates:
        try:
            verified = verify(jws, key, algorithms=algorithms)
            break
        except VerificationError as exc:
            last = exc
    else:
        assert last is not None
        raise last
    payload = verified.payload_json()
    if payload.get("sub") != expected_uri:
        raise VerificationError("malformed", "the Status List Token 'sub' is not the list URI")
    iat = _int_claim(payload, "iat", True)
    exp = _int_claim(payload, "exp", False)
    ttl = _int_claim(payload, "ttl", False)
    assert iat is not None
    if exp is not None and clock.now() > exp + clock_skew:
        raise VerificationError("expired", "the Status List Token has expired")
    iss = payload.get("iss")
    if iss is not None and not isinstance(iss, str):
        raise VerificationError("malformed", "the Status List Token 'iss' must be a string")
    try:
        status_list = StatusList.from_json(payload.get("status_list"), max_bytes=max_bytes)
    except InvalidInput as exc:
        if exc.code == "status_list_too_large":
            raise
        raise VerificationError("malformed", exc.message) from exc
    return VerifiedStatusList(status_list, expected_uri, iat, exp, ttl, iss)


# --- the Verifier's status check -------------------------------------------------------------


@dataclass(frozen=True)
class StatusReference:
    """A Referenced Token's ``status.status_list``: entry ``idx`` of the list at ``uri``.

    Raises VerificationError(malformed) when built with a negative or non-integer ``idx``
    or an empty ``uri``.
    """

    idx: int
    uri: str

    def __post_init__(self) -> None:
        if isinstance(self.idx, bool) or not isinstance(self.idx, int) or self.idx < 0:
            raise VerificationError(
                "malformed", "'status.status_list.idx' must be an integer >= 0"
            )
        if not isinstance(self.uri, str) or not self.uri:
            raise VerificationError("malformed", "'status.status_list.uri' must be a string")


def status_reference(payload: Mapping[str, Any]) -> StatusReference | None:
    """The ``status.status_list`` reference of a credential payload, None when it has none.

    Raises VerificationError(malformed) for a ``status`` or reference of the wrong shape.
    """
    status = payload.get("status")
    if status is None:
        return None
    if not isinstance(status, Mapping):
        raise VerificationError("malformed", "'status' must be an object")
    ref = status.get("status_list")
    if ref is None:
        return None
    if not isinstance(ref, Mapping):
        raise VerificationError("malformed", "'status.status_list' must be an object")
    idx: Any = ref.get("idx")
    uri: Any = ref.get("uri")
    return StatusReference(idx, uri)  # checked when built


class StatusListChecker:
    """A ``VerifierPolicy.status_checker`` for ``status.status_list`` (see the module doc).

    ``fetcher`` GETs the token (default: an HttpxFetcher sending
    ``Accept: application/statuslist+jwt``; https only, http to loopback allowed).
    ``issuer_keys`` (as in VerifierPolicy) and ``key_resolver`` find the issuer's keys;
    tokens are cached per URI (at most 256) until ``ttl`` or ``exp``, whichever is first.
    """

    def __init__(
        self,
        fetcher: Fetcher | None = None,
        *,
        clock: Clock,
        issuer_keys: Mapping[Any, Iterable[PublicKey | IssuerKey]] | None = None,
        key_resolver: IssuerKeyResolver | None = None,
        algorithms: Collection[str] = DEFAULT_ALGORITHMS,
        on_unavailable: Literal["reject", "accept"] = "reject",
        max_bytes: int = MAX_LIST_BYTES,
        default_cache_seconds: float = DEFAULT_CACHE_SECONDS,
        cache: bool = True,
    ) -> None:
        if on_unavailable not in ("reject", "accept"):
            raise InvalidInput("on_unavailable is 'reject' or 'accept'")
        self._fetcher = fetcher
        self._clock = clock
        self._policy_keys = normalize_issuer_keys(issuer_keys or {})
        self._resolver = key_resolver or IssuerKeyResolver(clock, fetcher=fetcher)
        self._algorithms = frozenset(algorithms)
        self.on_unavailable = on_unavailable
        self._max_bytes = max_bytes
        self._default_cache = default_cache_seconds
        self._use_cache = cache
        self._cache: dict[tuple[str | None, str], tuple[float, StatusList]] = {}

    def __call__(self, payload: Mapping[str, Any]) -> None:
        ref = status_reference(payload)
        if ref is None:
            return
        iss = payload.get("iss")
        try:
            value = self.status_value(iss if isinstance(iss, str) else None, ref)
        except TesseraError as exc:
            if self.on_unavailable == "accept":
                return
            raise VerificationError("status_unavailable", exc.message) from exc
        if value == VALID:
            return
        if value == SUSPENDED:
            raise VerificationError("suspended", "the credential is suspended")
        raise VerificationError("revoked", f"the credential's status is {value} (not valid)")

    def status_value(self, issuer: str | None, ref: StatusReference) -> int:
        """The raw status of entry ``ref.idx`` in the list at ``ref.uri``, which must be
        signed by ``issuer`` (fetched, verified and cached as for a verifier).

        Raises ResolutionError (fetch failed, URL refused), VerificationError (malformed,
        bad_signature, unresolvable_key, expired, ...), InvalidInput
        (status_list_too_large, status_index_out_of_range).
        """
        return self._status_list(issuer, ref.uri).get(ref.idx)

    def _status_list(self, issuer: str | None, uri: str) -> StatusList:
        now = self._clock.now()
        cached = self._cache.get((issuer, uri))
        if cached is not None and now < cached[0]:
            return cached[1]
        token = self._fetch(uri)
        jws = parse(token, max_chars=MAX_TOKEN_BYTES)
        keys = self._resolver.candidates(issuer, jws.kid, self._policy_keys)
        verified = verify_status_list_token(
            token,
            keys=keys,
            expected_uri=uri,
            clock=self._clock,
            algorithms=self._algorithms,
            max_bytes=self._max_bytes,
        )
        if self._use_cache:
            until = now + (verified.ttl if verified.ttl is not None else self._default_cache)
            if verified.exp is not None:
                until = min(until, float(verified.exp))
            bounded_put(self._cache, (issuer, uri), (until, verified.status_list))
        return verified.status_list

    def _fetch(self, uri: str) -> str:
        check_fetch_url(uri)  # https, or http to a loopback host, whatever the fetcher
        fetcher = self._fetcher
        if fetcher is None:
            from core.did.fetch import HttpxFetcher

            fetcher = self._fetcher = HttpxFetcher(max_bytes=MAX_TOKEN_BYTES, accept=MEDIA_TYPE)
        body = fetcher(uri)
        if not isinstance(body, bytes | bytearray) or len(body) > MAX_TOKEN_BYTES:
            raise VerificationError("malformed", "the status list answer is not a token")
        try:
            return bytes(body).decode("ascii").strip()
        except UnicodeDecodeError as exc:
            raise VerificationError("malformed", "the status list token is not ASCII") from exc
