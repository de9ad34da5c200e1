"""What a verifier accepts (:class:`VerifierPolicy`) and what it hands back once verified.

Results are frozen dataclasses. Their ``claims``/``payload`` dicts are the verifier's own
parse of the input, handed over without copying: treat them as read-only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any, Final

from core.errors import InvalidInput
from core.keys import ALGORITHMS, PublicKey
from core.sdjwt.compact import CompactSdJwt
from core.sdjwt.issuer_keys import IssuerKey, normalize_issuer_keys
from core.sdjwt.process import DisclosedClaim

DEFAULT_ALGORITHMS: Final = frozenset({"EdDSA", "ES256"})
#: SD-JWT VC media types: ``dc+sd-jwt``, and the legacy ``vc+sd-jwt`` still in the field.
VC_TYPES: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})

#: Called with the verified issuer payload; raises VerificationError (revoked, suspended,
#: status_unavailable) to refuse. Token Status List checking plugs in here.
StatusChecker = Callable[[Mapping[str, Any]], None]


def _frozen_names(value: Any, what: str) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput(f"{what} must be a set of strings")
    names = frozenset(value)
    if not all(isinstance(name, str) and name for name in names):
        raise InvalidInput(f"{what} must hold non-empty strings")
    return names


def _seconds(value: Any, what: str, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(f"{what} must be a finite number of seconds")
    if value < 0 or (positive and value == 0):
        raise InvalidInput(f"{what} must be {'positive' if positive else 'zero or more'}")


@dataclass(frozen=True)
class VerifierPolicy:
    """What :class:`core.verifier.Verifier` accepts. Validated when built.

    - ``trusted_issuers``: the ``iss`` values accepted; None accepts any issuer whose key
      resolves (a JWT without ``iss`` is then untrusted whenever this is a set).
    - ``algorithms``: JWS algorithms for the issuer JWT and the KB-JWT; never ``none``.
    - ``issuer_keys``: ``iss`` → keys given out of band (PublicKey or IssuerKey with a
      kid; see :func:`core.sdjwt.issuer_keys.issuer_keys_from_jwks`). The entry under
      ``None`` serves JWTs without ``iss``. An issuer listed here is never resolved.
    - ``accepted_types``: header ``typ`` values accepted (exact match); None accepts any.
    - ``require_key_binding``: a credential with ``cnf`` must come with a KB-JWT.
    - ``clock_skew``: seconds of leeway for ``exp``/``nbf``/``iat`` and KB ``iat``.
    - ``max_kb_age``: a KB-JWT ``iat`` older than this (plus the skew) is stale.
    - ``require_exp``: refuse credentials without ``exp``.
    - ``status_checker``: the hook for credential status (see :data:`StatusChecker`);
      None checks no status.

    Raises InvalidInput for any value outside these rules (``none`` or an unknown
    algorithm, a negative skew, a key that is not a PublicKey, ...).
    """

    trusted_issuers: AbstractSet[str] | None = None
    algorithms: AbstractSet[str] = DEFAULT_ALGORITHMS
    issuer_keys: Mapping[str | None, Iterable[PublicKey | IssuerKey]] = field(default_factory=dict)
    accepted_types: AbstractSet[str] | None = VC_TYPES
    require_key_binding: bool = True
    clock_skew: float = 60
    max_kb_age: float = 300
    require_exp: bool = False
    status_checker: StatusChecker | None = None

    def __post_init__(self) -> None:
        if self.trusted_issuers is not None:
            object.__setattr__(
                self, "trusted_issuers", _frozen_names(self.trusted_issuers, "trusted_issuers")
            )
        algorithms = _frozen_names(self.algorithms, "algorithms")
        if "none" in algorithms:
            raise InvalidInput("'none' can never be an accepted algorithm")
        if not algorithms or not algorithms <= ALGORITHMS:
            raise InvalidInput(f"algorithms must be a non-empty subset of {sorted(ALGORITHMS)}")
        object.__setattr__(self, "algorithms", algorithms)
        object.__setattr__(
            self, "issuer_keys", MappingProxyType(normalize_issuer_keys(self.issuer_keys))
        )
        if self.accepted_types is not None:
            object.__setattr__(
                self, "accepted_types", _frozen_names(self.accepted_types, "accepted_types")
            )
        if not isinstance(self.require_key_binding, bool) or not isinstance(self.require_exp, bool):
            raise InvalidInput("require_key_binding and require_exp are booleans")
        _seconds(self.clock_skew, "clock_skew")
        _seconds(self.max_kb_age, "max_kb_age", positive=True)
        if self.status_checker is not None and not callable(self.status_checker):
            raise InvalidInput("status_checker must be callable")

    @property
    def keys_by_issuer(self) -> Mapping[str | None, tuple[IssuerKey, ...]]:
        """``issuer_keys`` as normalized when the policy was built."""
        return self.issuer_keys  # type: ignore[return-value]


@dataclass(frozen=True)
class VerifiedSdJwt:
    """What every verified SD-JWT carries.

    ``claims`` is the processed payload (RFC 9901 §7.1: disclosed claims in place, no
    ``_sd``/``_sd_alg``, ``cnf`` kept); ``payload`` is the issuer-signed payload as signed;
    ``disclosed`` names each disclosed claim by its dotted path (``address.locality``,
    ``nationalities.1``) and ``disclosures`` says where each disclosure landed.
    """

    issuer: str | None
    vct: str | None
    claims: dict[str, Any]
    holder_jwk: Mapping[str, Any] | None
    disclosures: tuple[DisclosedClaim, ...]
    header: Mapping[str, Any]
    payload: Mapping[str, Any]
    issued_at: float | None
    expires_at: float | None
    #: The ``_sd_alg`` of the credential (``sha-256`` when absent).
    hash_alg: str
    #: The parts as received.
    sd_jwt: CompactSdJwt = field(repr=False)

    @cached_property
    def disclosed(self) -> tuple[str, ...]:
        """The dotted path of each disclosed claim, in the order they were found."""
        return tuple(claim.dotted for claim in self.disclosures)


@dataclass(frozen=True)
class VerifiedCredential(VerifiedSdJwt):
    """An issued SD-JWT (no KB-JWT) whose signature, type, times and disclosures checked out."""


@dataclass(frozen=True)
class VerifiedPresentation(VerifiedSdJwt):
    """A presentation that verified; ``key_binding`` is the KB-JWT payload, or None when the
    credential has no ``cnf`` (or the policy did not require one and none was sent)."""

    key_binding: Mapping[str, Any] | None = None
