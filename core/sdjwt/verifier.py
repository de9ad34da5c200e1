"""Verifying SD-JWTs (RFC 9901 §7) and SD-JWT VCs: the issuer JWT, disclosures, KB-JWT.

Checks run in a fixed order, and the first failure raises VerificationError with:

1. structure: split, JWS parse, payload a JSON object, ``iss``/``kid`` strings → malformed;
   an unknown ``_sd_alg`` → unsupported_alg
2. header ``typ`` in ``accepted_types`` → malformed
3. ``alg`` in the policy's algorithms → unsupported_alg
4. ``iss`` in ``trusted_issuers`` → untrusted_issuer (before anything is fetched)
5. the issuer key (:mod:`core.sdjwt.issuer_keys`) → unresolvable_key
6. the signature → bad_signature
7. ``exp`` → expired; ``nbf``, or ``iat`` in the future beyond the skew → not_yet_valid;
   times that are not numbers, or no ``exp`` when the policy requires it → malformed
8. disclosures (:func:`core.sdjwt.process.process_claims`) → disclosure_invalid /
   disclosure_duplicate; a claim named ``...`` (``_sd`` never survives processing and
   no disclosure may carry either name) → malformed; a selectively disclosed ``cnf`` →
   disclosure_invalid
9. ``vct`` a string for SD-JWT VC types; ``cnf`` an object whose ``jwk`` is a usable
   public key → malformed
10. key binding (presentations only): missing when ``cnf`` is present and the policy
    requires it → kb_missing; a KB-JWT that does not parse, is not ``typ: kb+jwt``, has no
    holder key to check it with, or whose signature does not verify with ``cnf.jwk`` →
    kb_invalid (its ``alg`` outside the policy → unsupported_alg); then ``nonce`` →
    nonce_mismatch, ``aud`` (one string, exactly equal) → audience_mismatch, ``iat``
    older than ``max_kb_age`` or in the future beyond the skew → kb_stale, ``sd_hash`` →
    sd_hash_mismatch, ``transaction_data_hashes`` → transaction_data_mismatch
11. the policy's ``status_checker``, if any (its VerificationError passes through; any
    other failure becomes status_unavailable)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, NamedTuple

from core import jose
from core.clock import Clock, SystemClock
from core.did.resolver import DidResolver
from core.did.web import Fetcher
from core.encoding import parse_json_object
from core.errors import InvalidInput, TesseraError, VerificationError
from core.keys import PublicKey, public_key_from_jwk
from core.payments import HASH_ALG, transaction_data_hash
from core.sdjwt.compact import CompactSdJwt, split
from core.sdjwt.disclosure import DEFAULT_HASH_ALG, HASH_ALGORITHMS, Disclosure, digest_of
from core.sdjwt.issuer_keys import IssuerKeyResolver, bounded_put, select_keys
from core.sdjwt.policy import (
    VC_TYPES,
    VerifiedCredential,
    VerifiedPresentation,
    VerifierPolicy,
)
from core.sdjwt.process import DisclosedClaim, process_claims

KB_TYP: Final = "kb+jwt"
TRANSACTION_DATA_HASH_ALG: Final = HASH_ALG
_NUMBERS: Final = (int, float)
#: JSON numbers too large for a float parse as infinity (``1e400``): not a time.
_INFINITIES: Final = frozenset({math.inf, -math.inf})


class _IssuerPart(NamedTuple):
    """The issuer JWT and disclosures once checked (steps 1-9)."""

    header: Mapping[str, Any]
    payload: dict[str, Any]
    claims: dict[str, Any]
    disclosed: tuple[DisclosedClaim, ...]
    hash_alg: str
    holder_key: PublicKey | None
    holder_jwk: Mapping[str, Any] | None
    issued_at: float | None
    expires_at: float | None


def _number(claims: Mapping[str, Any], name: str, code: str = "malformed") -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, _NUMBERS) or value in _INFINITIES:
        raise VerificationError(code, f"'{name}' must be a number of seconds")
    return value


def _check_arguments(nonce: Any, audience: Any, transaction_data: Any) -> None:
    if not isinstance(nonce, str) or not nonce:
        raise InvalidInput("nonce must be a non-empty string")
    if not isinstance(audience, str) or not audience:
        raise InvalidInput("audience must be a non-empty string")
    if transaction_data is not None and (
        isinstance(transaction_data, str)
        or not isinstance(transaction_data, Sequence)
        or not all(isinstance(item, str) and item.isascii() for item in transaction_data)
    ):
        raise InvalidInput("transaction_data must be a list of base64url strings")


class SdJwtVerifier:
    """Verifies SD-JWT presentations and issued SD-JWTs under one :class:`VerifierPolicy`.

    ``clock`` defaults to the system clock; ``resolver`` (DIDs) and ``fetcher`` (JWT VC
    Issuer Metadata, JWK sets, did:web) are injectable and made only when first needed.
    Construction does no work. Resolved keys are remembered by this instance only.
    """

    def __init__(
        self,
        policy: VerifierPolicy,
        *,
        clock: Clock | None = None,
        resolver: DidResolver | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.policy = policy
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._keys = IssuerKeyResolver(self._clock, resolver=resolver, fetcher=fetcher)
        self._holder_keys: dict[tuple[Any, ...], PublicKey] = {}
        self._policy_choices: dict[tuple[str | None, str | None, str], list[PublicKey]] = {}

    # --- entry points ---------------------------------------------------------------------------

    def verify(
        self,
        unverified_presentation: str,
        *,
        nonce: str,
        audience: str,
        transaction_data: Sequence[str] | None = None,
    ) -> VerifiedPresentation:
        """Verify an SD-JWT presentation (with its KB-JWT, when the credential is bound).

        ``transaction_data`` lists the base64url strings of the request, exactly as sent;
        the KB-JWT must then carry their SHA-256 hashes in order (None or empty: it must
        carry none). Without a KB-JWT (a credential without ``cnf``, or a policy that does
        not require one) nothing binds the presentation to ``nonce`` and ``audience``.
        The status checker, if any, runs last. Raises VerificationError (codes in the
        module docstring); InvalidInput for a bad nonce, audience or transaction_data.
        """
        _check_arguments(nonce, audience, transaction_data)
        compact = split(unverified_presentation)
        part = self._issuer_part(compact)
        key_binding = self._key_binding(part, compact, nonce, audience, transaction_data)
        self._check_status(part.payload)
        return VerifiedPresentation(**self._result_fields(part, compact), key_binding=key_binding)

    def verify_issued(self, unverified_sd_jwt: str) -> VerifiedCredential:
        """Verify an issued SD-JWT (wallet import): signature, type, times, every disclosure.

        A KB-JWT is not expected: one present is malformed. The status checker, if any,
        runs last. Raises VerificationError (codes in the module docstring, steps 1-9
        and 11).
        """
        compact = split(unverified_sd_jwt)
        if compact.kb_jwt is not None:
            raise VerificationError("malformed", "an issued SD-JWT carries no KB-JWT")
        part = self._issuer_part(compact)
        self._check_status(part.payload)
        return VerifiedCredential(**self._result_fields(part, compact))

    # --- the issuer JWT ---------------------------------------------------------------------------

    def _issuer_part(self, compact: CompactSdJwt) -> _IssuerPart:
        policy = self.policy
        jws = jose.parse(compact.issuer_jwt)
        header = jws.header
        try:
            payload = parse_json_object(jws.payload)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"issuer JWT payload: {exc.message}") from exc
        hash_alg = payload.get("_sd_alg", DEFAULT_HASH_ALG)
        if not isinstance(hash_alg, str):
            raise VerificationError("malformed", "'_sd_alg' must be a string")
        if hash_alg not in HASH_ALGORITHMS:
            raise VerificationError("unsupported_alg", f"unknown _sd_alg {hash_alg!r}")
        iss = payload.get("iss")
        kid = header.get("kid")
        if (iss is not None and not isinstance(iss, str)) or (
            kid is not None and not isinstance(kid, str)
        ):
            raise VerificationError("malformed", "'iss' and 'kid' must be strings")
        typ = header.get("typ")
        if policy.accepted_types is not None and typ not in policy.accepted_types:
            raise VerificationError("malformed", f"issuer JWT typ {typ!r} is not accepted")
        jose.check_algorithm(jws.alg, policy.algorithms)
        if policy.trusted_issuers is not None and iss not in policy.trusted_issuers:
            raise VerificationError("untrusted_issuer", f"issuer {iss!r} is not trusted")

        keys = self._issuer_keys(iss, kid, jws.alg)
        if not keys:
            raise VerificationError("unresolvable_key", f"no {jws.alg} key of {iss!r} fits")
        self._check_issuer_signature(jws, keys)

        expires_at, issued_at = self._check_times(payload)
        disclosures = [Disclosure.parse(encoded) for encoded in compact.disclosures]
        processed = process_claims(payload, disclosures, hash_alg)
        claims = processed.claims
        if "cnf" in claims and "cnf" not in payload:
            raise VerificationError("disclosure_invalid", "'cnf' cannot be selectively disclosed")
        if typ in VC_TYPES and not isinstance(payload.get("vct"), str):
            raise VerificationError("malformed", "an SD-JWT VC needs a string 'vct' claim")
        holder_jwk, holder_key = self._holder(payload)
        return _IssuerPart(
            header=header,
            payload=payload,
            claims=claims,
            disclosed=processed.disclosed,
            hash_alg=hash_alg,
            holder_key=holder_key,
            holder_jwk=holder_jwk,
            issued_at=issued_at,
            expires_at=expires_at,
        )

    def _issuer_keys(self, iss: str | None, kid: str | None, alg: str) -> list[PublicKey]:
        policy_keys = self.policy.keys_by_issuer
        if iss not in policy_keys:
            return select_keys(self._keys.candidates(iss, kid, policy_keys), kid, alg)
        cache_key = (iss, kid, alg)  # the policy is immutable: its choices can be kept
        keys = self._policy_choices.get(cache_key)
        if keys is None:
            keys = select_keys(policy_keys[iss], kid, alg)
            bounded_put(self._policy_choices, cache_key, keys)
        return keys

    def _check_issuer_signature(self, jws: jose.UnverifiedJws, keys: Sequence[PublicKey]) -> None:
        for key in keys[:-1]:  # several keys may fit (no kid): the first that verifies wins
            try:
                jose.verify(jws, key, algorithms=self.policy.algorithms)
                return
            except VerificationError as exc:
                if exc.code != "bad_signature":
                    raise
        jose.verify(jws, keys[-1], algorithms=self.policy.algorithms)

    def _check_times(self, payload: Mapping[str, Any]) -> tuple[float | None, float | None]:
        policy = self.policy
        exp, nbf, iat = _number(payload, "exp"), _number(payload, "nbf"), _number(payload, "iat")
        now, skew = self._clock.now(), policy.clock_skew
        if exp is None and policy.require_exp:
            raise VerificationError("malformed", "the policy requires an 'exp' claim")
        if exp is not None and now - skew >= exp:
            raise VerificationError("expired", "the credential has expired")
        if nbf is not None and now + skew < nbf:
            raise VerificationError("not_yet_valid", "the credential is not valid yet ('nbf')")
        if iat is not None and iat > now + skew:
            raise VerificationError("not_yet_valid", "the credential is issued in the future")
        return exp, iat

    def _holder(
        self, payload: Mapping[str, Any]
    ) -> tuple[Mapping[str, Any] | None, PublicKey | None]:
        cnf = payload.get("cnf")
        if cnf is None:
            return None, None
        if not isinstance(cnf, dict):
            raise VerificationError("malformed", "'cnf' must be an object")
        jwk = cnf.get("jwk")
        if jwk is None:
            return None, None
        if not isinstance(jwk, dict):
            raise VerificationError("malformed", "'cnf.jwk' must be an object")
        cache_key = (jwk.get("kty"), jwk.get("crv"), jwk.get("x"), jwk.get("y"), "d" in jwk)
        try:
            return jwk, self._holder_keys[cache_key]
        except (KeyError, TypeError):  # not seen yet, or members that cannot be a key
            pass
        try:
            key = public_key_from_jwk(jwk)
        except InvalidInput as exc:
            raise VerificationError("malformed", f"'cnf.jwk': {exc.message}") from exc
        bounded_put(self._holder_keys, cache_key, key)
        return jwk, key

    # --- key binding ------------------------------------------------------------------------------

    def _key_binding(
        self,
        part: _IssuerPart,
        compact: CompactSdJwt,
        nonce: str,
        audience: str,
        transaction_data: Sequence[str] | None,
    ) -> dict[str, Any] | None:
        if compact.kb_jwt is None:
            if "cnf" in part.payload and self.policy.require_key_binding:
                raise VerificationError("kb_missing", "the credential is bound but has no KB-JWT")
            if transaction_data:
                raise VerificationError("kb_missing", "transaction data needs a KB-JWT")
            return None
        kb = self._verified_kb(compact.kb_jwt, part.holder_key)
        if kb.get("nonce") != nonce:
            raise VerificationError("nonce_mismatch", "the KB-JWT nonce is not the expected one")
        if kb.get("aud") != audience:
            raise VerificationError("audience_mismatch", "the KB-JWT is for another audience")
        iat = _number(kb, "iat", "kb_invalid")
        if iat is None:
            raise VerificationError("kb_invalid", "the KB-JWT has no 'iat'")
        now, skew = self._clock.now(), self.policy.clock_skew
        if iat < now - self.policy.max_kb_age - skew or iat > now + skew:
            raise VerificationError("kb_stale", "the KB-JWT was not made just now")
        if kb.get("sd_hash") != digest_of(compact.without_kb, part.hash_alg):
            raise VerificationError("sd_hash_mismatch", "the KB-JWT is for another presentation")
        self._check_transaction_data(kb, transaction_data)
        return kb

    def _verified_kb(self, kb_jwt: str, holder_key: PublicKey | None) -> dict[str, Any]:
        try:
            jws = jose.parse(kb_jwt)
        except VerificationError as exc:
            raise VerificationError("kb_invalid", f"KB-JWT: {exc.message}") from exc
        if jws.header.get("typ") != KB_TYP:
            raise VerificationError("kb_invalid", f"a KB-JWT has typ '{KB_TYP}'")
        jose.check_algorithm(jws.alg, self.policy.algorithms)
        if holder_key is None:
            raise VerificationError("kb_invalid", "the credential names no holder key (cnf.jwk)")
        if holder_key.alg != jws.alg:
            raise VerificationError("kb_invalid", "the KB-JWT alg does not fit the holder key")
        try:
            jose.verify(jws, holder_key, algorithms=self.policy.algorithms)
            return parse_json_object(jws.payload)
        except (VerificationError, InvalidInput) as exc:
            raise VerificationError("kb_invalid", f"KB-JWT: {exc.message}") from exc

    @staticmethod
    def _check_transaction_data(
        kb: Mapping[str, Any], transaction_data: Sequence[str] | None
    ) -> None:
        hashes = kb.get("transaction_data_hashes")
        if not transaction_data:
            if hashes is not None or "transaction_data_hashes_alg" in kb:
                raise VerificationError(
                    "transaction_data_mismatch",
                    "the KB-JWT confirms transaction data not asked for",
                )
            return
        if kb.get("transaction_data_hashes_alg", TRANSACTION_DATA_HASH_ALG) != (
            TRANSACTION_DATA_HASH_ALG
        ):
            raise VerificationError("transaction_data_mismatch", "unsupported hash algorithm")
        expected = [transaction_data_hash(item) for item in transaction_data]
        if not isinstance(hashes, list) or hashes != expected:
            raise VerificationError(
                "transaction_data_mismatch", "the KB-JWT does not confirm this transaction data"
            )

    # --- finishing --------------------------------------------------------------------------------

    def _check_status(self, payload: Mapping[str, Any]) -> None:
        checker = self.policy.status_checker
        if checker is None:
            return
        try:
            checker(payload)
        except VerificationError:
            raise
        except TesseraError as exc:
            raise VerificationError("status_unavailable", exc.message) from exc
        except Exception as exc:  # a status checker must not leak its own exception types
            raise VerificationError("status_unavailable", type(exc).__name__) from exc

    @staticmethod
    def _result_fields(part: _IssuerPart, compact: CompactSdJwt) -> dict[str, Any]:
        payload = part.payload
        iss, vct = payload.get("iss"), payload.get("vct")
        return {
            "issuer": iss,
            "vct": vct if isinstance(vct, str) else None,
            "claims": part.claims,
            "holder_jwk": part.holder_jwk,
            "disclosures": part.disclosed,
            "header": part.header,
            "payload": payload,
            "issued_at": part.issued_at,
            "expires_at": part.expires_at,
            "hash_alg": part.hash_alg,
            "sd_jwt": compact,
        }
