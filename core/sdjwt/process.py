"""Turn an SD-JWT payload plus disclosures into plain claims (RFC 9901 §7.1).

Used by the holder (with every disclosure, to show what can be withheld) and by the
verifier (with what was presented). The rules enforced here are the ones that make
selective disclosure safe: every digest is referenced at most once, every disclosure
is referenced by exactly one digest, object disclosures only from ``_sd`` and array
disclosures only from ``{"...": digest}``, and no disclosure overwrites a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

from core.errors import VerificationError
from core.sdjwt.disclosure import Disclosure, digest_of

ClaimPath = tuple[str | int, ...]
MAX_DEPTH: Final = 48
_CONTAINERS: Final = (dict, list)


def format_path(path: ClaimPath) -> str:
    """``("address", "locality")`` → ``address.locality``; ``("nationalities", 1)`` →
    ``nationalities.1`` (the CLI's and the GUI's way of naming a claim)."""
    return ".".join(str(step) for step in path)


class DisclosedClaim(NamedTuple):
    """Where one disclosure landed, and the disclosures it sits inside (immutable; a
    NamedTuple because verifiers build one per disclosure on their hot path)."""

    path: ClaimPath
    disclosure: Disclosure
    #: Encoded disclosures of the enclosing selectively disclosable claims, outermost first.
    requires: tuple[str, ...]

    @property
    def dotted(self) -> str:
        return format_path(self.path)


@dataclass(frozen=True)
class ProcessedClaims:
    """The plain claims and what each disclosure contributed to them."""

    claims: dict[str, Any]
    disclosed: tuple[DisclosedClaim, ...]


class _Walker:
    def __init__(self, disclosures: Sequence[Disclosure], hash_alg: str) -> None:
        self.by_digest: dict[str, Disclosure] = {}
        for disclosure in disclosures:
            digest = digest_of(disclosure.encoded, hash_alg)
            if digest in self.by_digest:
                raise VerificationError("disclosure_duplicate", "a disclosure is presented twice")
            self.by_digest[digest] = disclosure
        self.seen: set[str] = set()
        self.disclosed: list[DisclosedClaim] = []

    def _reference(self, digest: Any) -> Disclosure | None:
        if not isinstance(digest, str):
            raise VerificationError("malformed", "a digest must be a string")
        if digest in self.seen:
            raise VerificationError("disclosure_duplicate", "a digest appears more than once")
        self.seen.add(digest)
        return self.by_digest.get(digest)

    def _references(self, digests: list[Any]) -> list[Disclosure]:
        """:meth:`_reference` for a whole ``_sd`` array at C speed (set operations instead
        of a Python loop per digest): the disclosures it names, in order."""
        if not set(map(type, digests)) <= {str}:
            raise VerificationError("malformed", "a digest must be a string")
        seen = self.seen
        before = len(seen)
        seen.update(digests)
        if len(seen) != before + len(digests):
            raise VerificationError("disclosure_duplicate", "a digest appears more than once")
        by_digest = self.by_digest
        return [by_digest[digest] for digest in digests if digest in by_digest]

    def walk(self, node: Any, path: ClaimPath, requires: tuple[str, ...]) -> Any:
        if len(path) > MAX_DEPTH:
            raise VerificationError("malformed", "the claims are nested too deeply")
        if isinstance(node, dict):
            return self._object(node, path, requires)
        if isinstance(node, list):
            return self._array(node, path, requires)
        return node

    def _object(self, node: dict[str, Any], path: ClaimPath, requires: tuple[str, ...]) -> Any:
        if "..." in node:  # {"...": digest} alone is an array element, handled by _array
            raise VerificationError("malformed", "'...' cannot be a claim name")
        result = {  # scalars are copied as they are, without a call (the common case)
            name: self.walk(value, (*path, name), requires)
            if isinstance(value, _CONTAINERS)
            else value
            for name, value in node.items()
            if name != "_sd"
        }
        digests = node.get("_sd")
        if digests is None:
            return result
        if not isinstance(digests, list):
            raise VerificationError("malformed", "'_sd' must be an array of digests")
        for disclosure in self._references(digests):
            if disclosure.name is None:
                raise VerificationError(
                    "disclosure_invalid", "an array-element disclosure is referenced from '_sd'"
                )
            if disclosure.name in result:
                raise VerificationError(
                    "disclosure_invalid", f"a disclosure would overwrite {disclosure.name!r}"
                )
            claim_path = (*path, disclosure.name)
            self.disclosed.append(DisclosedClaim(claim_path, disclosure, requires))
            value = disclosure.value
            result[disclosure.name] = (
                self.walk(value, claim_path, (*requires, disclosure.encoded))
                if isinstance(value, _CONTAINERS)
                else value
            )
        return result

    def _array(self, node: list[Any], path: ClaimPath, requires: tuple[str, ...]) -> Any:
        result: list[Any] = []
        for element in node:
            if isinstance(element, dict) and len(element) == 1 and "..." in element:
                disclosure = self._reference(element["..."])
                if disclosure is None:
                    continue
                if disclosure.name is not None:
                    raise VerificationError(
                        "disclosure_invalid", "an object disclosure is referenced from an array"
                    )
                claim_path = (*path, len(result))
                self.disclosed.append(DisclosedClaim(claim_path, disclosure, requires))
                result.append(
                    self.walk(disclosure.value, claim_path, (*requires, disclosure.encoded))
                )
            else:
                result.append(self.walk(element, (*path, len(result)), requires))
        return result


def process_claims(
    payload: dict[str, Any], disclosures: Sequence[Disclosure], hash_alg: str
) -> ProcessedClaims:
    """Replace digests by the disclosed claims and drop the rest.

    Raises VerificationError: disclosure_duplicate (a disclosure or a digest twice),
    disclosure_invalid (a disclosure no digest references, one of the wrong kind for
    where it is referenced, or one that overwrites a claim), malformed (bad ``_sd``,
    non-string digests, a claim named ``...``, too deep), unsupported_alg (unknown
    ``_sd_alg``).
    """
    walker = _Walker(disclosures, hash_alg)
    claims = walker.walk(payload, (), ())
    claims.pop("_sd_alg", None)
    unreferenced = set(walker.by_digest) - walker.seen
    if unreferenced:
        raise VerificationError(
            "disclosure_invalid",
            f"{len(unreferenced)} disclosure(s) are not referenced by any digest",
        )
    return ProcessedClaims(claims, tuple(walker.disclosed))
