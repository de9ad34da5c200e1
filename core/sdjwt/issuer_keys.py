"""Finding the key that signed an issuer JWT: policy keys, DIDs, JWT VC Issuer Metadata.

The mechanism is fixed by the verifier's policy and the form of ``iss``, never by the
JWT header alone (an attacker writes the header):

1. ``iss`` has keys in the policy (``VerifierPolicy.issuer_keys``; the entry under
   ``None`` serves JWTs without ``iss``): only those keys, narrowed by ``kid`` when the
   keys carry kids. Nothing is resolved or fetched.
2. ``iss`` is a DID: the header ``kid`` names the key, as an absolute DID URL of that
   same DID or as a relative ``#fragment``; it must be listed under assertionMethod.
3. ``iss`` is an https URL (or http to a loopback host, as :func:`core.did.fetch.check_fetch_url`
   allows for local demos): JWT VC Issuer Metadata (SD-JWT VC §5) from
   ``https://host/.well-known/jwt-vc-issuer/<path of iss>``, whose ``issuer`` must equal
   ``iss`` and which carries ``jwks`` or ``jwks_uri`` (not both); ``kid`` picks the key.

Every failure here is VerificationError(unresolvable_key). Resolved keys are kept per
resolver instance (did:key and did:jwk for its lifetime, fetched keys for a few minutes by
the injected clock); there is no global cache.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from core.clock import Clock
from core.did.fetch import HttpxFetcher, check_fetch_url
from core.did.resolver import DidResolver
from core.did.web import Fetcher
from core.encoding import parse_json_object
from core.errors import InvalidInput, TesseraError, VerificationError
from core.keys import PublicKey, public_key_from_jwk

WELL_KNOWN: Final = "/.well-known/jwt-vc-issuer"
#: How long keys fetched over the network (metadata, JWK sets, did:web) are reused.
FETCHED_KEYS_TTL: Final = 300.0
#: Bound on each per-instance cache (entries); the oldest entry goes first.
CACHE_ENTRIES: Final = 256
MAX_METADATA_BYTES: Final = 128 * 1024
_OFFLINE_DID_METHODS: Final = ("did:key:", "did:jwk:")


@dataclass(frozen=True)
class IssuerKey:
    """A trusted issuer key, with the ``kid`` it is published under (if any).

    Raises InvalidInput if ``key`` is not a PublicKey or ``kid`` is not a non-empty string.
    """

    key: PublicKey
    kid: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, PublicKey):
            raise InvalidInput("an issuer key must be a PublicKey")
        if self.kid is not None and (not isinstance(self.kid, str) or not self.kid):
            raise InvalidInput("a kid must be a non-empty string")


def keys_from_jwks(jwks: Any) -> tuple[IssuerKey, ...]:
    """The Ed25519 and P-256 signing keys of a JWK set (``{"keys": [...]}``), with kids.

    Keys of other types (RSA, ...) and keys marked ``"use": "enc"`` are skipped. Raises
    InvalidInput(invalid_jwk) if ``jwks`` is not a JWK set, a supported key is invalid, or
    no usable key is left.
    """
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list):
        raise InvalidInput("a JWK set is an object with a 'keys' array", code="invalid_jwk")
    found: list[IssuerKey] = []
    for jwk in keys:
        if not isinstance(jwk, Mapping):
            raise InvalidInput("a JWK set member must be an object", code="invalid_jwk")
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            public_key = public_key_from_jwk(
                {name: value for name, value in jwk.items() if name in ("kty", "crv", "x", "y")}
            )
        except InvalidInput as exc:
            if exc.code == "unsupported_key_type":
                continue
            raise
        if "d" in jwk:
            raise InvalidInput("a JWK set for verification must not hold 'd'", code="invalid_jwk")
        kid = jwk.get("kid")
        if kid is not None and (not isinstance(kid, str) or not kid):
            raise InvalidInput("a JWK 'kid' must be a non-empty string", code="invalid_jwk")
        found.append(IssuerKey(public_key, kid))
    if not found:
        raise InvalidInput("the JWK set has no Ed25519 or P-256 signing key", code="invalid_jwk")
    return tuple(found)


def issuer_keys_from_jwks(iss: str | None, jwks: Any) -> dict[str | None, tuple[IssuerKey, ...]]:
    """``{iss: keys}`` from a JWK set, ready for ``VerifierPolicy(issuer_keys=...)``.

    Merge several issuers with ``{**a, **b}``. Raises InvalidInput as :func:`keys_from_jwks`.
    """
    return {iss: keys_from_jwks(jwks)}


def normalize_issuer_keys(
    issuer_keys: Mapping[str | None, Iterable[PublicKey | IssuerKey]],
) -> dict[str | None, tuple[IssuerKey, ...]]:
    """Policy keys as ``IssuerKey`` tuples. Raises InvalidInput for anything else."""
    if not isinstance(issuer_keys, Mapping):
        raise InvalidInput("issuer_keys maps an issuer to its keys")
    normalized: dict[str | None, tuple[IssuerKey, ...]] = {}
    for iss, keys in issuer_keys.items():
        if iss is not None and (not isinstance(iss, str) or not iss):
            raise InvalidInput("an issuer_keys entry is named by a non-empty iss (or None)")
        if isinstance(keys, PublicKey | IssuerKey | str | bytes):
            raise InvalidInput(f"issuer_keys[{iss!r}] must be a sequence of keys")
        entries = tuple(k if isinstance(k, IssuerKey) else IssuerKey(k) for k in keys)
        if not entries:
            raise InvalidInput(f"issuer_keys[{iss!r}] is empty")
        normalized[iss] = entries
    return normalized


def select_keys(candidates: Sequence[IssuerKey], kid: str | None, alg: str) -> list[PublicKey]:
    """The keys worth trying: those under ``kid`` (when any key carries that kid, else the
    keys without a kid), of the header's algorithm. May be empty."""
    if kid is not None and any(entry.kid == kid for entry in candidates):
        chosen = [entry.key for entry in candidates if entry.kid == kid]
    elif kid is not None:
        chosen = [entry.key for entry in candidates if entry.kid is None]
    else:
        chosen = [entry.key for entry in candidates]
    return [key for key in chosen if key.alg == alg]


def jwt_vc_issuer_url(iss: str) -> str:
    """Where the JWT VC Issuer Metadata of ``iss`` lives (SD-JWT VC §5.1).

    ``/.well-known/jwt-vc-issuer`` goes between the host and the path of ``iss``, after
    removing a terminating ``/``. Raises VerificationError(unresolvable_key) for an
    ``iss`` with a query, a fragment, credentials, or a scheme the fetch policy refuses.
    """
    try:
        parts = urlsplit(iss)
    except ValueError as exc:
        raise _unresolvable(f"iss {iss!r} is not a URL") from exc
    if parts.query or parts.fragment or "?" in iss or "#" in iss:
        raise _unresolvable("an issuer URL has no query or fragment")
    url = f"{parts.scheme}://{parts.netloc}{WELL_KNOWN}{parts.path.rstrip('/')}"
    try:
        return check_fetch_url(url)
    except TesseraError as exc:
        raise _unresolvable(exc.message) from exc


def _unresolvable(message: str) -> VerificationError:
    return VerificationError("unresolvable_key", message)


class IssuerKeyResolver:
    """Resolves issuer keys as the module docstring describes. Construction does no work.

    ``resolver`` serves DIDs (default: a DidResolver over ``fetcher``); ``fetcher`` serves
    JWT VC Issuer Metadata and JWK sets (default: HttpxFetcher, made on first use).
    """

    def __init__(
        self,
        clock: Clock,
        *,
        resolver: DidResolver | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self._clock = clock
        self._resolver = resolver
        self._fetcher = fetcher
        self._offline: dict[tuple[str, str], PublicKey] = {}
        self._fetched: dict[tuple[str, str | None], tuple[float, tuple[IssuerKey, ...]]] = {}

    def candidates(
        self,
        iss: str | None,
        kid: str | None,
        policy_keys: Mapping[str | None, tuple[IssuerKey, ...]],
    ) -> tuple[IssuerKey, ...]:
        """The keys that may have signed a JWT from ``iss`` with header ``kid``.

        Raises VerificationError(unresolvable_key) when none can be found.
        """
        entries = policy_keys.get(iss)
        if entries is not None:
            return entries
        if iss is None:
            raise _unresolvable("the JWT has no 'iss' and the policy gives no key for that")
        if iss.startswith("did:"):
            return (IssuerKey(self._did_key(iss, kid), kid),)
        if iss.startswith(("https://", "http://")):
            return self._metadata_keys(iss)
        raise _unresolvable(f"no way to find the keys of issuer {iss!r}")

    # --- DIDs -------------------------------------------------------------------------------

    def _did_key(self, iss: str, kid: str | None) -> PublicKey:
        if kid is None:
            raise _unresolvable("a DID issuer must name its key with a 'kid' DID URL")
        if kid.startswith("#"):
            did_url = iss + kid
        elif kid.split("#", 1)[0] == iss and "#" in kid:
            did_url = kid
        else:
            raise _unresolvable("the 'kid' must name a key of the issuer's own DID")
        offline = iss.startswith(_OFFLINE_DID_METHODS)
        cache_key = (iss, did_url)
        if offline and cache_key in self._offline:
            return self._offline[cache_key]
        if not offline:
            cached = self._cached(cache_key)
            if cached is not None:
                return cached[0].key
        if self._resolver is None:
            self._resolver = DidResolver(self._fetcher)
        try:
            key = self._resolver.resolve_key(did_url, relationship="assertionMethod")
        except TesseraError as exc:
            raise _unresolvable(f"cannot resolve {did_url}: {exc.message}") from exc
        if offline:
            bounded_put(self._offline, cache_key, key)
        else:
            self._remember(cache_key, (IssuerKey(key, kid),))
        return key

    # --- JWT VC Issuer Metadata ---------------------------------------------------------------

    def _metadata_keys(self, iss: str) -> tuple[IssuerKey, ...]:
        cached = self._cached((iss, None))
        if cached is not None:
            return cached
        url = jwt_vc_issuer_url(iss)
        metadata = self._fetch_json(url, "issuer metadata")
        if metadata.get("issuer") != iss:
            raise _unresolvable(f"the metadata at {url} is for another issuer")
        has_jwks, has_uri = "jwks" in metadata, "jwks_uri" in metadata
        if has_jwks == has_uri:
            raise _unresolvable("issuer metadata must carry exactly one of jwks and jwks_uri")
        if has_jwks:
            jwks: Any = metadata["jwks"]
        else:
            jwks_uri = metadata["jwks_uri"]
            if not isinstance(jwks_uri, str):
                raise _unresolvable("the metadata's jwks_uri is not a string")
            try:
                check_fetch_url(jwks_uri)
            except TesseraError as exc:
                raise _unresolvable(exc.message) from exc
            jwks = self._fetch_json(jwks_uri, "JWK set")
        try:
            keys = keys_from_jwks(jwks)
        except InvalidInput as exc:
            raise _unresolvable(f"issuer {iss}: {exc.message}") from exc
        self._remember((iss, None), keys)
        return keys

    def _fetch_json(self, url: str, what: str) -> dict[str, Any]:
        if self._fetcher is None:
            self._fetcher = HttpxFetcher()
        fetch: Callable[[str], bytes] = self._fetcher
        try:
            body = fetch(url)
        except TesseraError as exc:
            raise _unresolvable(f"fetching the {what} failed: {exc.message}") from exc
        except Exception as exc:  # an injected fetcher must not leak its own exception types
            raise _unresolvable(f"fetching the {what} failed: {type(exc).__name__}") from exc
        if not isinstance(body, bytes | bytearray):
            raise _unresolvable("the fetcher did not return bytes")
        try:
            return parse_json_object(bytes(body), max_bytes=MAX_METADATA_BYTES)
        except InvalidInput as exc:
            raise _unresolvable(f"the {what} at {url} is not a JSON object") from exc

    # --- the per-instance cache ----------------------------------------------------------------

    def _cached(self, cache_key: tuple[str, str | None]) -> tuple[IssuerKey, ...] | None:
        entry = self._fetched.get(cache_key)
        if entry is None:
            return None
        if entry[0] <= self._clock.now():
            self._fetched.pop(cache_key, None)
            return None
        return entry[1]

    def _remember(self, cache_key: tuple[str, str | None], keys: tuple[IssuerKey, ...]) -> None:
        bounded_put(self._fetched, cache_key, (self._clock.now() + FETCHED_KEYS_TTL, keys))


def bounded_put(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Put ``key`` in a per-instance cache, dropping the oldest entry when it is full.

    Safe when threads share the cache: a lost race only drops another entry or none.
    """
    if len(cache) >= CACHE_ENTRIES:
        with contextlib.suppress(StopIteration, RuntimeError):  # emptied or changed meanwhile
            cache.pop(next(iter(cache)), None)
    cache[key] = value
