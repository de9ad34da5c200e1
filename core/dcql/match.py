"""Match a DCQL query against the credentials the wallet holds (OpenID4VP 1.0 §6.4, §7).

For each credential query, every candidate of the right format and type (and with a
holder key when the verifier asks for proof of possession) is tried. W3C credentials
(``jwt_vc_json``, ``ldp_vc``) match by ``meta.type_values``, their claims are the whole
credential (paths start with ``credentialSubject``), and only those bound to one of the
wallet's identities are candidates: an unbound one cannot be presented at all. Its claims are
found with the claims path pointer rules of §7 (``None`` steps fan out over arrays;
type clashes and missing members select nothing), ``values`` keep only elements whose
type and value are equal to one of them, and the first ``claim_sets`` option whose
claims are all found is chosen. The paths to disclose are concrete: a wildcard step
becomes one path per element found, ready for :func:`core.sdjwt.holder.select`.

Required and optional claims, for the consent screen: a chosen claim is *optional*
when another satisfiable option of the same query, made only of claims already chosen,
leaves it out. Unticking it makes the wallet answer with that smaller option; unticking
a *required* claim means that credential cannot answer. Without ``claim_sets`` every
claim asked for is required.

Then ``credential_sets``: every required set needs one option whose queries all match;
optional sets are answered when they can be. Without ``credential_sets`` every
credential query is required. ``trusted_authorities`` cannot be checked against the
credentials Tessera holds (no X.509 chains, trust lists or federations); it is ignored
and a note says so (the verifier still checks the issuer itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from core.dcql.query import SD_JWT_FORMATS, ClaimQuery, CredentialQuery, DcqlQuery
from core.sdjwt.process import ClaimPath, format_path
from core.vc.held import W3C_FORMATS, matches_type_values

if TYPE_CHECKING:  # only for annotations: matching needs neither the vault nor SD-JWT code
    from core.credentials import StoredCredential
    from core.sdjwt.holder import HeldCredential


class CandidateCredential(Protocol):
    """What matching needs to know about a held credential."""

    @property
    def id(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def vct(self) -> str | None: ...
    @property
    def claims(self) -> Mapping[str, Any]: ...
    @property
    def bound(self) -> bool: ...
    @property
    def types(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Candidate:
    """A credential offered to :func:`match`: ``claims`` are all its claims (every
    disclosure applied; for a W3C credential, the credential itself); ``bound`` says
    whether it can prove possession of a key; ``types`` is a W3C credential's ``type``."""

    id: str
    format: str
    vct: str | None
    claims: Mapping[str, Any]
    bound: bool = True
    types: tuple[str, ...] = ()

    @classmethod
    def from_held(cls, held: HeldCredential, credential_id: str) -> Candidate:
        return cls(credential_id, "dc+sd-jwt", held.vct, held.claims, held.bound)

    @classmethod
    def from_stored(cls, stored: StoredCredential) -> Candidate:
        """Raises InvalidInput if the stored text cannot be read."""
        if stored.shared_whole:
            w3c = stored.w3c()
            bound = stored.holder_did is not None
            return cls(stored.id, stored.format, None, w3c.unsecured, bound, w3c.types)
        held = stored.held()
        return cls(stored.id, stored.format, held.vct, held.claims, held.bound)


@dataclass(frozen=True)
class CredentialMatch:
    """One credential that answers a credential query, and what it would show."""

    credential_id: str
    #: Every path to disclose for the chosen option, in query order.
    paths: tuple[ClaimPath, ...]
    required: tuple[ClaimPath, ...]
    optional: tuple[ClaimPath, ...]
    #: Every satisfiable option (its paths), the verifier's preference first.
    alternatives: tuple[tuple[ClaimPath, ...], ...]

    @property
    def dotted(self) -> tuple[str, ...]:
        return tuple(format_path(path) for path in self.paths)


@dataclass(frozen=True)
class QueryMatch:
    query_id: str
    #: Every candidate that answers, in the order given to :func:`match`.
    matches: tuple[CredentialMatch, ...]
    multiple: bool
    #: Whether the whole answer fails without this query (see :func:`match`).
    required: bool

    @property
    def satisfied(self) -> bool:
        return bool(self.matches)

    @property
    def chosen(self) -> tuple[CredentialMatch, ...]:
        """The first match, or all of them when the query allows ``multiple``."""
        return self.matches if self.multiple else self.matches[:1]


@dataclass(frozen=True)
class Mismatch:
    """Why part of the request cannot be answered, in words for the person."""

    query_ids: tuple[str, ...]
    #: False when the verifier can do without this part.
    required: bool
    message: str


@dataclass(frozen=True)
class DcqlMatch:
    queries: tuple[QueryMatch, ...]
    satisfied: bool
    #: The credential queries to answer, in query order; empty when not satisfied.
    selected: tuple[str, ...]
    mismatches: tuple[Mismatch, ...]
    notes: tuple[str, ...]

    def query(self, query_id: str) -> QueryMatch:
        """Raises KeyError for an unknown id."""
        for query in self.queries:
            if query.query_id == query_id:
                return query
        raise KeyError(query_id)

    @property
    def explanations(self) -> tuple[str, ...]:
        return tuple(mismatch.message for mismatch in self.mismatches)

    def answer(self) -> dict[str, tuple[CredentialMatch, ...]]:
        """What to present, keyed by credential query id (the ``vp_token`` keys)."""
        return {query_id: self.query(query_id).chosen for query_id in self.selected}


# --- claims path pointers ---------------------------------------------------------------


def _same(claim: Any, wanted: Any) -> bool:
    return type(claim) is type(wanted) and claim == wanted


def _resolve(claims: Mapping[str, Any], query: ClaimQuery) -> tuple[bool, tuple[ClaimPath, ...]]:
    """(whether the path selects anything, the concrete paths whose values are accepted)."""
    selected: list[tuple[ClaimPath, Any]] = [((), claims)]
    for step in query.path:
        following: list[tuple[ClaimPath, Any]] = []
        for path, node in selected:
            if isinstance(step, str):
                if not isinstance(node, Mapping):
                    return False, ()
                if step in node:
                    following.append(((*path, step), node[step]))
            elif not isinstance(node, list):
                return False, ()
            elif step is None:
                following.extend(((*path, index), item) for index, item in enumerate(node))
            elif step < len(node):
                following.append(((*path, step), node[step]))
        selected = following
    if query.values is not None:
        wanted = query.values
        return bool(selected), tuple(
            path for path, value in selected if any(_same(value, item) for item in wanted)
        )
    return bool(selected), tuple(path for path, _ in selected)


def _unique(paths: Sequence[ClaimPath]) -> tuple[ClaimPath, ...]:
    return tuple(dict.fromkeys(paths))


def _options(query: CredentialQuery) -> list[list[int]]:
    claims = query.claims or ()
    if query.claim_sets is None:
        return [list(range(len(claims)))]
    index = {claim.id: position for position, claim in enumerate(claims)}
    return [[index[claim_id] for claim_id in option] for option in query.claim_sets]


def _eligible(query: CredentialQuery, candidate: CandidateCredential) -> str:
    """'' when format, type and binding fit; else which of them does not."""
    sd_jwt = query.format in SD_JWT_FORMATS
    if not (candidate.format == query.format or (sd_jwt and candidate.format in SD_JWT_FORMATS)):
        return "format"
    if sd_jwt and candidate.vct not in (query.vct_values or ()):
        return "type"
    w3c = query.format in W3C_FORMATS
    if w3c and not matches_type_values(candidate.types, query.type_values or ()):
        return "type"
    if w3c and not candidate.bound:
        return "holder"
    if query.require_binding and not candidate.bound:
        return "binding"
    return ""


def _match_one(query: CredentialQuery, candidate: CandidateCredential) -> CredentialMatch | None:
    claims = query.claims or ()
    found = [_resolve(candidate.claims, claim)[1] for claim in claims]
    usable = [option for option in _options(query) if all(found[i] for i in option)]
    if not usable:
        return None
    chosen = set(usable[0])
    optional = {
        i for i in chosen if any(set(other) <= chosen and i not in other for other in usable[1:])
    }
    paths = _unique([path for i in sorted(chosen) for path in found[i]])
    spare = _unique([path for i in sorted(optional) for path in found[i]])
    return CredentialMatch(
        credential_id=candidate.id,
        paths=paths,
        required=tuple(path for path in paths if path not in spare),
        optional=spare,
        alternatives=tuple(
            _unique([path for i in sorted(set(option)) for path in found[i]]) for option in usable
        ),
    )


# --- explanations ---------------------------------------------------------------------------


def _quoted(items: Sequence[Any]) -> str:
    words = [f"'{item}'" for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _kind(query: CredentialQuery) -> str:
    if query.format in SD_JWT_FORMATS:
        return f"a credential of type {_quoted(query.vct_values or ())}"
    if query.format in W3C_FORMATS and query.type_values:
        wanted = [" + ".join(each) for each in query.type_values]
        return f"a credential of type {_quoted(wanted)} ({query.format})"
    return f"a credential in the '{query.format}' format"


def _explain_claims(query: CredentialQuery, eligible: list[CandidateCredential]) -> list[str]:
    claims = query.claims or ()
    kind = _kind(query).removeprefix("a credential ")
    used = sorted({i for option in _options(query) for i in option})
    lines = []
    if query.claim_sets is not None and len(query.claim_sets) > 1:
        lines.append(
            f"The verifier accepts {len(query.claim_sets)} combinations of claims from "
            f"{_kind(query)}; none is complete in yours."
        )
    for i in used:
        results = [_resolve(candidate.claims, claims[i]) for candidate in eligible]
        if any(paths for _, paths in results):
            continue
        name = claims[i].describe()
        if any(present for present, _ in results):
            accepted = _quoted(claims[i].values or ())
            lines.append(
                f"Your credential {kind} has the claim '{name}', but not with a value the "
                f"verifier accepts ({accepted})."
            )
        else:
            lines.append(f"No stored credential {kind} has the claim '{name}'.")
    if not lines:
        lines.append(
            f"None of your {len(eligible)} credentials {kind} has every claim the verifier "
            "asks for from it."
        )
    return lines


def _explain(query: CredentialQuery, credentials: Sequence[CandidateCredential]) -> list[str]:
    reasons = {candidate.id: _eligible(query, candidate) for candidate in credentials}
    eligible = [candidate for candidate in credentials if not reasons[candidate.id]]
    if eligible:
        return _explain_claims(query, eligible)
    if "holder" in reasons.values():
        return [
            f"Your {_kind(query).removeprefix('a ')} is about none of your identities, so "
            "this wallet cannot present it."
        ]
    if "binding" in reasons.values():
        return [
            f"Your {_kind(query).removeprefix('a ')} is not tied to a key of this wallet, and "
            "the verifier asks for proof that it is yours."
        ]
    if query.format not in SD_JWT_FORMATS | W3C_FORMATS:
        return [
            f"The verifier asks for {_kind(query)}; this wallet holds no credentials of that kind."
        ]
    return [f"The verifier asks for {_kind(query)}; you have none."]


def _describe_option(query: DcqlQuery, option: Sequence[str]) -> str:
    return " and ".join(_kind(query.credential(query_id)) for query_id in option)


def _set_mismatch(
    query: DcqlQuery,
    options: Sequence[Sequence[str]],
    required: bool,
    failed: dict[str, list[str]],
) -> Mismatch:
    ids = tuple(dict.fromkeys(query_id for option in options for query_id in option))
    lines = [line for query_id in ids for line in failed.get(query_id, [])]
    if len(options) > 1:
        choices = "; or ".join(_describe_option(query, option) for option in options)
        lines.insert(0, f"The verifier accepts any one of these, and none is complete: {choices}.")
    if not required:
        lines.insert(0, "Optional, you can go on without it:")
    return Mismatch(ids, required, " ".join(dict.fromkeys(lines)))


# --- the query ----------------------------------------------------------------------------


def match(query: DcqlQuery, credentials: Sequence[CandidateCredential]) -> DcqlMatch:
    """Which of ``credentials`` answer ``query``, what each would disclose, whether
    the whole request can be answered and, when not, why. Raises nothing."""
    found: dict[str, tuple[CredentialMatch, ...]] = {}
    failed: dict[str, list[str]] = {}
    notes = []
    for credential_query in query.credentials:
        results = [
            _match_one(credential_query, candidate)
            for candidate in credentials
            if not _eligible(credential_query, candidate)
        ]
        found[credential_query.id] = tuple(result for result in results if result is not None)
        if not found[credential_query.id]:
            failed[credential_query.id] = _explain(credential_query, credentials)
        if credential_query.trusted_authorities:
            notes.append(
                f"The verifier prefers {_kind(credential_query)} from issuers it trusts through "
                "a trust list; Tessera cannot check this, so the verifier will decide."
            )
    ids = [credential_query.id for credential_query in query.credentials]
    sets = query.credential_sets
    if sets is None:
        sets_list: list[tuple[tuple[tuple[str, ...], ...], bool]] = [((tuple(ids),), True)]
    else:
        sets_list = [(each.options, each.required) for each in sets]
    chosen: set[str] = set()
    mismatches: list[Mismatch] = []
    satisfied = True
    always: set[str] = set()
    for options, required in sets_list:
        if required:
            always |= set.intersection(*(set(option) for option in options))
        usable = [option for option in options if all(found[i] for i in option)]
        if usable:
            chosen.update(usable[0])
            continue
        satisfied = satisfied and not required
        if sets is None:
            mismatches += [Mismatch((i,), True, " ".join(failed[i])) for i in ids if i in failed]
        else:
            mismatches.append(_set_mismatch(query, options, required, failed))
    return DcqlMatch(
        queries=tuple(
            QueryMatch(q.id, found[q.id], q.multiple, q.id in always) for q in query.credentials
        ),
        satisfied=satisfied,
        selected=tuple(i for i in ids if i in chosen) if satisfied else (),
        mismatches=tuple(mismatches),
        notes=tuple(notes),
    )
