"""The holder role: keep an issued SD-JWT, say what it can disclose, and present it.

A presentation (RFC 9901 §4, §4.3) is the issuer-signed JWT, exactly the disclosures
the person chose (plus those of the claims that contain them), and a Key Binding JWT
signed with the key the credential is bound to (``cnf.jwk``). What the verifier will
see is computed with the same claim processing the verifier runs
(:func:`core.sdjwt.process.process_claims`), over the chosen disclosures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from core import jose
from core.clock import Clock
from core.encoding import parse_json_object
from core.errors import CryptoError, InvalidInput, TesseraError
from core.keys import PrivateKey
from core.payments import HASH_ALG, transaction_data_hash
from core.sdjwt.compact import split
from core.sdjwt.disclosure import DEFAULT_HASH_ALG, HASH_ALGORITHMS, Disclosure, digest_of
from core.sdjwt.paths import describe, is_prefix, resolve_path
from core.sdjwt.policy import VerifiedCredential
from core.sdjwt.process import ClaimPath, DisclosedClaim, process_claims

KB_JWT_TYP = "kb+jwt"
TRANSACTION_DATA_HASH_ALG = HASH_ALG


class IssuedVerifier(Protocol):
    """The part of :class:`core.verifier.Verifier` that checks a credential at import."""

    def verify_issued(self, sd_jwt: str) -> VerifiedCredential: ...


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


@dataclass(frozen=True)
class HeldCredential:
    """An SD-JWT in the wallet, with every disclosure, processed.

    Build it with :meth:`from_verified` at import (after the verifier checked it) or
    :meth:`from_storage` for text the vault already checked.
    """

    #: The issued SD-JWT as stored: ``<issuer JWT>~<disclosure>~…~``.
    sd_jwt: str = field(repr=False)
    issuer_jwt: str = field(repr=False)
    header: dict[str, Any]
    payload: dict[str, Any] = field(repr=False)
    #: Every disclosure, in issuance order.
    disclosures: tuple[Disclosure, ...] = field(repr=False)
    #: All claims with every disclosure applied.
    claims: dict[str, Any] = field(repr=False)
    #: Where each disclosure lands, in issuance order.
    items: tuple[DisclosedClaim, ...] = field(repr=False)
    hash_alg: str
    issuer: str | None
    vct: str | None
    holder_jwk: dict[str, Any] | None = field(repr=False)
    issued_at: float | None
    expires_at: float | None

    @classmethod
    def from_storage(cls, text: str) -> HeldCredential:
        """Re-read an SD-JWT that was verified when it was imported: parse and process
        only, no signature check and no network.

        Raises InvalidInput if ``text`` is not a well-formed SD-JWT without a KB-JWT
        (bad compact form, issuer JWT, payload, disclosures or digests, an unknown
        ``_sd_alg``).
        """
        try:
            compact = split(text)
            if compact.kb_jwt is not None:
                raise InvalidInput("a stored credential must not carry a Key Binding JWT")
            jws = jose.parse(compact.issuer_jwt)
            payload = parse_json_object(jws.payload)
            disclosures = tuple(Disclosure.parse(d) for d in compact.disclosures)
            hash_alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
            if not isinstance(hash_alg, str) or hash_alg not in HASH_ALGORITHMS:
                raise InvalidInput(f"unknown '_sd_alg' {hash_alg!r}")
            processed = process_claims(payload, disclosures, hash_alg)
        except TesseraError as exc:
            if isinstance(exc, InvalidInput):
                raise
            raise InvalidInput(f"not a well-formed SD-JWT: {exc.message}") from exc
        order = {d.encoded: index for index, d in enumerate(disclosures)}
        items = tuple(sorted(processed.disclosed, key=lambda i: order[i.disclosure.encoded]))
        cnf = payload.get("cnf")
        holder_jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
        return cls(
            sd_jwt=compact.without_kb,
            issuer_jwt=compact.issuer_jwt,
            header=dict(jws.header),
            payload=payload,
            disclosures=disclosures,
            claims=processed.claims,
            items=items,
            hash_alg=hash_alg,
            issuer=payload["iss"] if isinstance(payload.get("iss"), str) else None,
            vct=payload["vct"] if isinstance(payload.get("vct"), str) else None,
            holder_jwk=holder_jwk if isinstance(holder_jwk, dict) else None,
            issued_at=_number(payload.get("iat")),
            expires_at=_number(payload.get("exp")),
        )

    @classmethod
    def from_verified(cls, verified: VerifiedCredential) -> HeldCredential:
        """The credential ``Verifier.verify_issued`` checked (issuer signature, type,
        times, every disclosure), kept as the verifier parsed it. Raises nothing."""
        by_encoded = {item.disclosure.encoded: item for item in verified.disclosures}
        order = {encoded: index for index, encoded in enumerate(verified.sd_jwt.disclosures)}
        items = tuple(sorted(verified.disclosures, key=lambda i: order[i.disclosure.encoded]))
        holder_jwk = verified.holder_jwk
        return cls(
            sd_jwt=verified.sd_jwt.without_kb,
            issuer_jwt=verified.sd_jwt.issuer_jwt,
            header=dict(verified.header),
            payload=dict(verified.payload),
            disclosures=tuple(by_encoded[e].disclosure for e in verified.sd_jwt.disclosures),
            claims=verified.claims,
            items=items,
            hash_alg=verified.hash_alg,
            issuer=verified.issuer,
            vct=verified.vct,
            holder_jwk=dict(holder_jwk) if holder_jwk is not None else None,
            issued_at=verified.issued_at,
            expires_at=verified.expires_at,
        )

    @property
    def bound(self) -> bool:
        """Whether presenting needs the holder's key (the payload has ``cnf``)."""
        return "cnf" in self.payload

    def disclosable_paths(self) -> tuple[str, ...]:
        """Dotted paths of every claim a disclosure carries, in issuance order."""
        return tuple(item.dotted for item in self.items)

    def always_visible(self) -> dict[str, Any]:
        """The claims every presentation shows: those no disclosure covers."""
        return process_claims(self.payload, (), self.hash_alg).claims

    def will_disclose(self, paths: Iterable[ClaimPath | str]) -> dict[str, Any]:
        """Exactly the claims a verifier receives when ``paths`` are chosen.

        Raises InvalidInput for a path the credential does not have (see :func:`select`).
        """
        return process_claims(self.payload, select(self, paths), self.hash_alg).claims


def import_credential(sd_jwt: str, verifier: IssuedVerifier) -> HeldCredential:
    """Check an issued SD-JWT with ``verifier.verify_issued`` and keep it.

    Raises VerificationError (with its code) if it does not verify.
    """
    return HeldCredential.from_verified(verifier.verify_issued(sd_jwt))


def select(credential: HeldCredential, paths: Iterable[ClaimPath | str]) -> tuple[Disclosure, ...]:
    """The disclosures that show the claims at ``paths``, in issuance order.

    A chosen claim brings the disclosure that carries it and those of the claims
    around it. Choosing a claim that is not itself a disclosure (an always-visible
    object, or a member inside a disclosed one) also brings everything disclosable
    beneath it. Paths are tuples or dotted strings.

    Raises InvalidInput naming a path the credential does not have, with the paths that
    can be chosen.
    """
    if isinstance(paths, str):
        paths = (paths,)
    chosen: set[str] = set()
    by_path = {item.path: item for item in credential.items}
    for path in paths:
        found = resolve_path(credential.claims, path)
        if found is None:
            choices = ", ".join(credential.disclosable_paths()) or "none"
            raise InvalidInput(
                f"the credential has no claim {describe(path)!r}; disclosable: {choices}"
            )
        own = by_path.get(found)
        if own is not None:
            chosen.add(own.disclosure.encoded)
            chosen.update(own.requires)
            continue
        for item in credential.items:
            if is_prefix(item.path, found) or is_prefix(found, item.path):
                chosen.add(item.disclosure.encoded)
                chosen.update(item.requires)
    return tuple(d for d in credential.disclosures if d.encoded in chosen)


def _check_holder_key(credential: HeldCredential, holder_key: PrivateKey | None) -> None:
    if not credential.bound:
        if holder_key is not None:
            raise CryptoError("this credential is not bound to a key; present it without one")
        return
    if holder_key is None:
        raise CryptoError("this credential is bound to a key; the holder's key is needed")
    if credential.holder_jwk is None:
        raise CryptoError("the credential's 'cnf' has no 'jwk'; its key method is unsupported")
    # The key's public JWK members (kty, crv, x, y) must be those of cnf.jwk, which may
    # carry more (kid, use, alg). Comparing members avoids re-importing the key each time.
    public = holder_key.public_key.to_jwk()
    if any(credential.holder_jwk.get(name) != value for name, value in public.items()):
        raise CryptoError("this key is not the one the credential is bound to")


def present(
    credential: HeldCredential,
    paths: Iterable[ClaimPath | str],
    *,
    holder_key: PrivateKey | None,
    nonce: str,
    audience: str,
    clock: Clock,
    transaction_data: Sequence[str] = (),
) -> str:
    """An SD-JWT+KB with exactly the disclosures :func:`select` picks for ``paths``.

    The KB-JWT (``typ: kb+jwt``) carries ``iat`` (from ``clock``), ``aud``, ``nonce``,
    ``sd_hash`` over the presented ``<jwt>~<d>~…~`` with the credential's ``_sd_alg``
    and, when ``transaction_data`` is given, ``transaction_data_hashes`` (SHA-256 of
    each string as received) with ``transaction_data_hashes_alg``. A credential
    without ``cnf`` is presented without a KB-JWT (ending in ``~``), and
    ``holder_key`` must then be None.

    Raises InvalidInput for an unknown path, an empty ``nonce`` or ``audience``,
    ``transaction_data`` that is not a sequence of non-empty strings, or transaction
    data for a credential without ``cnf`` (nothing could confirm it). CryptoError if
    the credential is bound and ``holder_key`` is missing or not the bound key, if
    it is not bound and a key is given, or if the key cannot sign.
    """
    for name, value in (("nonce", nonce), ("audience", audience)):
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"the {name} must be non-empty text")
    if isinstance(transaction_data, str) or not all(
        isinstance(item, str) and item for item in transaction_data
    ):
        raise InvalidInput("transaction_data must be a list of non-empty strings")
    _check_holder_key(credential, holder_key)
    if transaction_data and holder_key is None:
        raise InvalidInput("transaction data can only be confirmed with a key-bound credential")
    chosen = select(credential, paths)
    presented = credential.issuer_jwt + "~" + "".join(d.encoded + "~" for d in chosen)
    if holder_key is None:
        return presented
    kb_payload: dict[str, Any] = {
        "iat": int(clock.now()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": digest_of(presented, credential.hash_alg),
    }
    if transaction_data:
        kb_payload["transaction_data_hashes"] = [
            transaction_data_hash(item) for item in transaction_data
        ]
        kb_payload["transaction_data_hashes_alg"] = TRANSACTION_DATA_HASH_ALG
    return presented + jose.sign_json(holder_key, kb_payload, header={"typ": KB_JWT_TYP})
