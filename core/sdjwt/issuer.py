"""The issuer role: sign claims as an SD-JWT (VC) with selectively disclosable parts.

RFC 9901 §4 and §6: an object member made disclosable leaves its digest in the
object's ``_sd`` array, an array element leaves ``{"...": digest}`` in its place, and a
disclosable claim inside another one is a disclosure inside the other's value
(recursive disclosure). Decoy digests hide how many claims there are; every ``_sd``
array is sorted so that its order says nothing about the claims' order.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from core.clock import Clock, SystemClock
from core.encoding import b64url_decode, b64url_encode
from core.errors import InvalidInput
from core.jose import sign_json
from core.keys import PrivateKey, PublicKey
from core.sdjwt.disclosure import HASH_ALGORITHMS, Disclosure
from core.sdjwt.paths import describe, resolve_path
from core.sdjwt.policy import VC_TYPES
from core.sdjwt.process import ClaimPath

#: Claims the issuer sets itself; they are always visible and never come from ``claims``.
REGISTERED_CLAIMS: Final = frozenset({"iss", "iat", "exp", "nbf", "cnf", "vct", "status"})
#: Names with a meaning in the SD-JWT format itself; no claim may use them.
FORMAT_NAMES: Final = frozenset({"_sd", "...", "_sd_alg"})
_SALT_BYTES: Final = 16
_MAX_DEPTH: Final = 32


def random_salt() -> str:
    """128 bits from the operating system's random source, base64url."""
    return b64url_encode(secrets.token_bytes(_SALT_BYTES))


@dataclass(frozen=True)
class IssuedSdJwt:
    """A freshly issued SD-JWT: ``<issuer JWT>~<disclosure>~…~`` and what went into it."""

    sd_jwt: str
    #: The issuer-signed payload (with ``_sd``, ``...`` and ``_sd_alg``).
    payload: dict[str, Any]
    #: Every disclosure, in the order they appear in ``sd_jwt``.
    disclosures: tuple[Disclosure, ...]


def _plain(value: Any, where: ClaimPath, depth: int = 0) -> Any:
    """A plain-JSON copy of ``value`` (dicts and lists), refusing what JSON cannot hold
    and the names the SD-JWT format reserves."""
    if depth > _MAX_DEPTH:
        raise InvalidInput("the claims are nested too deeply")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInput(f"claim {describe(where)!r} is not valid Unicode text") from exc
        return value
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"claim {describe(where)!r} is not a finite number")
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for name, member in value.items():
            if not isinstance(name, str):
                raise InvalidInput(f"claim names must be text, not {name!r}")
            if name in FORMAT_NAMES:
                raise InvalidInput(f"{name!r} is reserved by SD-JWT and cannot be a claim name")
            _plain(name, (*where, name), depth + 1)
            out[name] = _plain(member, (*where, name), depth + 1)
        return out
    if isinstance(value, list | tuple):
        return [_plain(element, (*where, i), depth + 1) for i, element in enumerate(value)]
    raise InvalidInput(f"claim {describe(where)!r} is not a JSON value")


class _Build:
    """One issuance: turns the claim tree into the payload, collecting disclosures."""

    def __init__(
        self,
        disclosable: frozenset[ClaimPath],
        decoys: Mapping[ClaimPath, list[str]],
        salts: Callable[[], str],
        hash_alg: str,
    ) -> None:
        self.disclosable = disclosable
        self.decoys = decoys
        self.salts = salts
        self.hash_alg = hash_alg
        self.slots: list[Disclosure | None] = []

    def _disclose(self, name: str | None, value: Any, path: ClaimPath) -> str:
        salt = self.salts()
        if not isinstance(salt, str) or not salt:
            raise InvalidInput("the salt source must return non-empty text")
        slot = len(self.slots)  # parents before the disclosures nested in them
        self.slots.append(None)
        disclosure = Disclosure.create(salt, name, self.node(value, path))
        self.slots[slot] = disclosure
        return disclosure.digest(self.hash_alg)

    def node(self, value: Any, path: ClaimPath) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            digests = list(self.decoys.get(path, ()))
            for name, member in value.items():
                child = (*path, name)
                if child in self.disclosable:
                    digests.append(self._disclose(name, member, child))
                else:
                    out[name] = self.node(member, child)
            if digests:
                out["_sd"] = sorted(digests)
            return out
        if isinstance(value, list):
            elements: list[Any] = []
            for index, element in enumerate(value):
                child = (*path, index)
                if child in self.disclosable:
                    elements.append({"...": self._disclose(None, element, child)})
                else:
                    elements.append(self.node(element, child))
            return elements
        return value

    def disclosures(self) -> tuple[Disclosure, ...]:
        return tuple(d for d in self.slots if d is not None)


class SdJwtIssuer:
    """Issues SD-JWTs signed with ``key`` as ``issuer``.

    ``salts`` returns one fresh salt per call (default: 128 random bits, base64url);
    decoy digests are hashes of values it returns too, so a fixed source gives
    reproducible credentials. The constructor only stores its arguments.
    """

    def __init__(
        self,
        key: PrivateKey,
        issuer: str,
        *,
        kid: str | None = None,
        salts: Callable[[], str] | None = None,
        clock: Clock | None = None,
        typ: str = "dc+sd-jwt",
        hash_alg: str = "sha-256",
    ) -> None:
        self.key = key
        self.issuer = issuer
        self.kid = kid
        self.salts = salts or random_salt
        self.clock: Clock = clock or SystemClock()
        self.typ = typ
        self.hash_alg = hash_alg

    def issue(
        self,
        claims: Mapping[str, Any],
        *,
        disclosable: Iterable[ClaimPath | str] = (),
        holder_key: PublicKey | None = None,
        vct: str | None = None,
        expires_in: float | None = None,
        not_before: float | None = None,
        status: Mapping[str, Any] | None = None,
        decoys: int = 0,
    ) -> IssuedSdJwt:
        """Sign ``claims`` with the paths in ``disclosable`` made selectively disclosable.

        Paths are tuples or dotted strings (``address.locality``, ``nationalities.0``);
        naming a claim and one inside it gives a recursive disclosure. ``expires_in`` is
        seconds from now (``exp``); ``not_before`` is an absolute time (``nbf``).
        ``decoys`` extra digests are spread over the ``_sd`` arrays, the top level
        always among them. ``iss``, ``iat``, ``exp``, ``nbf``, ``vct``, ``status`` and
        ``cnf`` (from ``holder_key``) come from the arguments, always visible.

        Raises InvalidInput: claims that are not a JSON object of plain JSON values, a
        claim name reserved by SD-JWT anywhere, a registered claim name at the top level,
        a disclosable path that does not exist in ``claims`` or names a registered or
        reserved claim, a negative ``decoys``, an unknown ``hash_alg``, a salt source
        that returns no text, or bad ``issuer``/``typ``/``kid``/``vct`` values.
        CryptoError if the key cannot sign.
        """
        if not isinstance(claims, Mapping):
            raise InvalidInput("claims must be a JSON object")
        self._check_settings(vct, decoys)
        plain: dict[str, Any] = _plain(claims, ())
        taken = sorted(REGISTERED_CLAIMS.intersection(claims))
        if taken:
            raise InvalidInput(
                f"claim {taken[0]!r} is set by the issuer from its own argument, not from claims"
            )
        paths = self._disclosable_paths(plain, disclosable)
        placed = self._place_decoys(paths, decoys)
        build = _Build(paths, placed, self.salts, self.hash_alg)
        body = build.node(plain, ())
        payload = self._registered(vct, expires_in, not_before, status, holder_key)
        payload.update(body)
        payload["_sd_alg"] = self.hash_alg
        header: dict[str, Any] = {"typ": self.typ}
        if self.kid is not None:
            header["kid"] = self.kid
        jwt = sign_json(self.key, payload, header=header)
        disclosures = build.disclosures()
        sd_jwt = jwt + "~" + "".join(d.encoded + "~" for d in disclosures)
        return IssuedSdJwt(sd_jwt, payload, disclosures)

    def _check_settings(self, vct: str | None, decoys: int) -> None:
        if self.hash_alg not in HASH_ALGORITHMS:
            raise InvalidInput(f"unknown _sd_alg {self.hash_alg!r}")
        for name, value in (("issuer", self.issuer), ("typ", self.typ)):
            if not isinstance(value, str) or not value:
                raise InvalidInput(f"the issuer's {name} must be non-empty text")
        for name, optional in (("kid", self.kid), ("vct", vct)):
            if optional is not None and (not isinstance(optional, str) or not optional):
                raise InvalidInput(f"{name} must be non-empty text")
        if vct is None and self.typ in VC_TYPES:  # the SD-JWT VC profile requires it
            raise InvalidInput(
                f"an SD-JWT VC ({self.typ}) needs a vct; verifiers refuse it without"
            )
        if isinstance(decoys, bool) or not isinstance(decoys, int) or decoys < 0:
            raise InvalidInput("decoys must be a whole number, 0 or more")

    @staticmethod
    def _disclosable_paths(
        claims: dict[str, Any], disclosable: Iterable[ClaimPath | str]
    ) -> frozenset[ClaimPath]:
        if isinstance(disclosable, str):
            disclosable = (disclosable,)
        resolved: set[ClaimPath] = set()
        for path in disclosable:
            steps = tuple(path.split(".")) if isinstance(path, str) else path
            names = [s for s in steps if isinstance(s, str)] if isinstance(steps, tuple) else []
            if names and isinstance(steps[0], str) and steps[0] in REGISTERED_CLAIMS:
                raise InvalidInput(f"{describe(path)!r} is always visible, never disclosable")
            if FORMAT_NAMES.intersection(names) or path in FORMAT_NAMES:
                raise InvalidInput(f"{describe(path)!r} uses a name SD-JWT reserves")
            found = resolve_path(claims, path)
            if found is None:
                raise InvalidInput(f"claim {describe(path)!r} does not exist in the claims")
            resolved.add(found)
        return frozenset(resolved)

    def _place_decoys(self, paths: frozenset[ClaimPath], count: int) -> dict[ClaimPath, list[str]]:
        """Decoy digests by the object they go into: the first at the top level, the rest
        wherever an ``_sd`` array will be, chosen by the (random) decoy itself."""
        objects = sorted({p[:-1] for p in paths if isinstance(p[-1], str)} | {()})
        placed: dict[ClaimPath, list[str]] = {}
        hash_function = HASH_ALGORITHMS[self.hash_alg]
        for number in range(count):
            salt = self.salts()
            if not isinstance(salt, str) or not salt:
                raise InvalidInput("the salt source must return non-empty text")
            digest = b64url_encode(hash_function(salt.encode("utf-8")).digest())
            where = () if number == 0 else objects[_pick(digest, len(objects))]
            placed.setdefault(where, []).append(digest)
        return placed

    def _registered(
        self,
        vct: str | None,
        expires_in: float | None,
        not_before: float | None,
        status: Mapping[str, Any] | None,
        holder_key: PublicKey | None,
    ) -> dict[str, Any]:
        now = self.clock.now()
        payload: dict[str, Any] = {"iss": self.issuer, "iat": int(now)}
        if not_before is not None:
            payload["nbf"] = _seconds(not_before, "not_before")
        if expires_in is not None:
            payload["exp"] = _seconds(now + _seconds(expires_in, "expires_in"), "expires_in")
        if vct is not None:
            payload["vct"] = vct
        if status is not None:
            if not isinstance(status, Mapping):
                raise InvalidInput("status must be a JSON object")
            payload["status"] = _plain(status, ("status",))
        if holder_key is not None:
            if not isinstance(holder_key, PublicKey):
                raise InvalidInput("holder_key must be a public key")
            payload["cnf"] = {"jwk": holder_key.to_jwk()}
        return payload


def _pick(digest: str, choices: int) -> int:
    return int.from_bytes(b64url_decode(digest)[:4], "big") % choices


def _seconds(value: float, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number of seconds")
    return int(value)
