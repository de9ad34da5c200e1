"""DCQL queries (OpenID4VP 1.0 §6) as frozen dataclasses, parsed strictly.

Every rule the specification states for a query is checked here; anything broken raises
``InvalidInput(code="invalid_dcql")`` with a message naming the credential query and
the claim at fault. Unknown members are ignored, as §6 asks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from core.encoding import parse_json_object
from core.errors import InvalidInput
from core.vc.held import W3C_FORMATS  # claims paths start at the credential; meta.type_values

#: One step of a claims path pointer (§7): a member name, an array index, or None for
#: every element of an array.
PathStep: TypeAlias = str | int | None
DcqlPath: TypeAlias = tuple[PathStep, ...]
#: What ``values`` may hold: strings, integers and booleans (§6.3).
ClaimValue: TypeAlias = str | int | bool

#: Formats whose claims are a JSON object and whose ``meta`` carries ``vct_values``.
SD_JWT_FORMATS: Final = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
_ID: Final = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class ClaimQuery:
    """One requested claim: where it is and, optionally, the values accepted."""

    id: str | None
    path: DcqlPath
    #: None when any value will do.
    values: tuple[ClaimValue, ...] | None = None

    def describe(self) -> str:
        """The path as a person reads it: ``address.locality``, ``degrees.*.type``."""
        return ".".join("*" if step is None else str(step) for step in self.path)


@dataclass(frozen=True)
class TrustedAuthority:
    """A ``trusted_authorities`` entry, kept only to say it was not checked."""

    type: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class CredentialQuery:
    """A request for one (or, with ``multiple``, several) credentials."""

    id: str
    format: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: None when the query names no claims (only what is always visible is shown).
    claims: tuple[ClaimQuery, ...] | None = None
    #: Combinations of claim ids, most preferred first; None when absent.
    claim_sets: tuple[tuple[str, ...], ...] | None = None
    multiple: bool = False
    require_binding: bool = True
    trusted_authorities: tuple[TrustedAuthority, ...] = ()

    @property
    def vct_values(self) -> tuple[str, ...] | None:
        """The accepted SD-JWT VC types (``meta.vct_values``), or None."""
        values = self.meta.get("vct_values")
        return tuple(values) if isinstance(values, list | tuple) else None

    @property
    def type_values(self) -> tuple[tuple[str, ...], ...] | None:
        """The accepted W3C type sets (``meta.type_values``: a credential's types must
        include every type of one set), or None."""
        values = self.meta.get("type_values")
        if not isinstance(values, list | tuple):
            return None
        return tuple(tuple(each) for each in values if isinstance(each, list | tuple))


@dataclass(frozen=True)
class CredentialSetQuery:
    """Alternatives (``options``, each a list of credential query ids) for one purpose."""

    options: tuple[tuple[str, ...], ...]
    required: bool = True


@dataclass(frozen=True)
class DcqlQuery:
    credentials: tuple[CredentialQuery, ...]
    #: None when absent: then every credential query is required.
    credential_sets: tuple[CredentialSetQuery, ...] | None = None

    def credential(self, query_id: str) -> CredentialQuery:
        """The credential query with this id. Raises KeyError if there is none."""
        for query in self.credentials:
            if query.id == query_id:
                return query
        raise KeyError(query_id)


def _fail(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_dcql")


def _identifier(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise _fail(f"{what} must be a non-empty string of letters, digits, '_' or '-'")
    return value


def _flag(obj: Mapping[str, Any], name: str, default: bool, where: str) -> bool:
    value = obj.get(name, default)
    if not isinstance(value, bool):
        raise _fail(f"{where}: '{name}' must be true or false")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list) or not value:
        raise _fail(f"{what} must be a non-empty array")
    return value


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = _list(value, what)
    if not all(isinstance(item, str) for item in items):
        raise _fail(f"{what} must hold only strings")
    return tuple(items)


def _path(value: Any, where: str) -> DcqlPath:
    steps = _list(value, f"{where}: 'path'")
    for step in steps:
        if step is None or isinstance(step, str):
            continue
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise _fail(
                f"{where}: 'path' steps must be strings, non-negative integers or null, "
                f"not {step!r}"
            )
    return tuple(steps)


def _values(value: Any, where: str) -> tuple[ClaimValue, ...]:
    items = _list(value, f"{where}: 'values'")
    for item in items:
        if not isinstance(item, str | int | bool):
            raise _fail(f"{where}: 'values' may hold only strings, integers and booleans")
    return tuple(items)


def _claim(obj: Any, index: int, where: str) -> ClaimQuery:
    if not isinstance(obj, Mapping):
        raise _fail(f"{where}: claim {index} must be an object")
    claim_id = obj.get("id")
    label = f"{where}, claim {index}"
    if claim_id is not None:
        _identifier(claim_id, f"{label}: 'id'")
        label = f"{where}, claim '{claim_id}'"
    values = _values(obj["values"], label) if "values" in obj else None
    if "path" not in obj:
        raise _fail(f"{label}: 'path' is missing")
    return ClaimQuery(claim_id, _path(obj["path"], label), values)


def _claims(obj: Mapping[str, Any], where: str) -> tuple[ClaimQuery, ...] | None:
    if "claims" not in obj:
        return None
    items = _list(obj["claims"], f"{where}: 'claims'")
    claims = tuple(_claim(item, index, where) for index, item in enumerate(items))
    seen: set[str] = set()
    for claim in claims:
        if claim.id is not None:
            if claim.id in seen:
                raise _fail(f"{where}: claim id '{claim.id}' appears more than once")
            seen.add(claim.id)
    return claims


def _claim_sets(
    obj: Mapping[str, Any], claims: tuple[ClaimQuery, ...] | None, where: str
) -> tuple[tuple[str, ...], ...] | None:
    if "claim_sets" not in obj:
        return None
    if claims is None:
        raise _fail(f"{where}: 'claim_sets' needs 'claims'")
    for index, claim in enumerate(claims):
        if claim.id is None:
            raise _fail(f"{where}, claim {index}: 'id' is required when 'claim_sets' is given")
    known = {claim.id for claim in claims}
    sets = tuple(
        _strings(item, f"{where}: each of 'claim_sets'")
        for item in _list(obj["claim_sets"], f"{where}: 'claim_sets'")
    )
    for claim_set in sets:
        for claim_id in claim_set:
            if claim_id not in known:
                raise _fail(f"{where}: 'claim_sets' names claim '{claim_id}', which is not there")
    return sets


def _meta(obj: Mapping[str, Any], query_format: str, where: str) -> Mapping[str, Any]:
    meta = obj.get("meta")
    if not isinstance(meta, Mapping):
        raise _fail(f"{where}: 'meta' must be an object")
    if query_format in SD_JWT_FORMATS:
        _strings(meta.get("vct_values"), f"{where}: 'meta.vct_values'")
    if query_format in W3C_FORMATS:
        for each in _list(meta.get("type_values"), f"{where}: 'meta.type_values'"):
            _strings(each, f"{where}: each of 'meta.type_values'")
    return dict(meta)


def _authorities(obj: Mapping[str, Any], where: str) -> tuple[TrustedAuthority, ...]:
    if "trusted_authorities" not in obj:
        return ()
    entries = []
    for item in _list(obj["trusted_authorities"], f"{where}: 'trusted_authorities'"):
        if not isinstance(item, Mapping) or not isinstance(item.get("type"), str):
            raise _fail(f"{where}: each trusted authority needs a 'type' string")
        values = _strings(item.get("values"), f"{where}: trusted authority 'values'")
        entries.append(TrustedAuthority(item["type"], values))
    return tuple(entries)


def _credential(obj: Any, index: int) -> CredentialQuery:
    if not isinstance(obj, Mapping):
        raise _fail(f"credential query {index} must be an object")
    query_id = _identifier(obj.get("id"), f"credential query {index}: 'id'")
    where = f"credential query '{query_id}'"
    query_format = obj.get("format")
    if not isinstance(query_format, str) or not query_format:
        raise _fail(f"{where}: 'format' must be a non-empty string")
    claims = _claims(obj, where)
    return CredentialQuery(
        id=query_id,
        format=query_format,
        meta=_meta(obj, query_format, where),
        claims=claims,
        claim_sets=_claim_sets(obj, claims, where),
        multiple=_flag(obj, "multiple", False, where),
        require_binding=_flag(obj, "require_cryptographic_holder_binding", True, where),
        trusted_authorities=_authorities(obj, where),
    )


def _credential_set(obj: Any, index: int, known: set[str]) -> CredentialSetQuery:
    where = f"credential set {index}"
    if not isinstance(obj, Mapping):
        raise _fail(f"{where} must be an object")
    options = tuple(
        _strings(option, f"{where}: each option")
        for option in _list(obj.get("options"), f"{where}: 'options'")
    )
    for option in options:
        for query_id in option:
            if query_id not in known:
                raise _fail(f"{where} names credential query '{query_id}', which is not there")
    return CredentialSetQuery(options, _flag(obj, "required", True, where))


def parse_dcql(obj: Any) -> DcqlQuery:
    """A DCQL query from its JSON object (a mapping, or JSON text or bytes).

    Raises InvalidInput(invalid_dcql) for anything §6 forbids: a missing or empty
    ``credentials``, a bad or repeated id, a missing ``format`` or ``meta`` (and
    ``meta.vct_values`` for SD-JWT VC, ``meta.type_values`` for W3C formats), empty or
    malformed paths, ``values`` that are not strings, integers or booleans,
    ``claim_sets`` without ``claims`` or naming unknown claims, a claim without ``id``
    next to ``claim_sets``, ``credential_sets`` naming unknown queries, non-boolean
    flags. InvalidInput(malformed_json) for text that is not a JSON object.
    """
    if isinstance(obj, str | bytes):
        obj = parse_json_object(obj)
    if not isinstance(obj, Mapping):
        raise _fail("a DCQL query must be a JSON object")
    credentials = tuple(
        _credential(item, index)
        for index, item in enumerate(_list(obj.get("credentials"), "'credentials'"))
    )
    known: set[str] = set()
    for query in credentials:
        if query.id in known:
            raise _fail(f"credential query id '{query.id}' appears more than once")
        known.add(query.id)
    sets = None
    if "credential_sets" in obj:
        items = _list(obj["credential_sets"], "'credential_sets'")
        sets = tuple(_credential_set(item, index, known) for index, item in enumerate(items))
    return DcqlQuery(credentials, sets)
