"""Property: any claim tree, any disclosable set, any choice round-trips issue → present → verify.

The verified claims must be exactly the chosen subset plus the always-visible claims.
The expected value is computed here from the original claims and the selection rules
(not with :func:`core.sdjwt.process.process_claims`), so the two are checked against
each other.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.clock import FixedClock
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey
from core.sdjwt.holder import import_credential, present
from core.sdjwt.issuer import SdJwtIssuer
from core.sdjwt.process import ClaimPath
from core.verifier import Verifier, VerifierPolicy

NOW = 1_700_000_000
ISSUER = "https://issuer.example"
KEYS: dict[str, PrivateKey] = {
    "EdDSA": Ed25519PrivateKey(bytes(range(32))),
    "ES256": P256PrivateKey.from_private_bytes(bytes(range(1, 33))),
}
HOLDER_KEYS: dict[str, PrivateKey] = {
    "EdDSA": Ed25519PrivateKey(bytes(range(64, 96))),
    "ES256": P256PrivateKey.from_private_bytes(bytes(range(2, 34))),
}
VERIFIER = Verifier(
    VerifierPolicy(issuer_keys={ISSUER: [key.public_key for key in KEYS.values()]}),
    clock=FixedClock(NOW),
)
FORMAT_NAMES = {"_sd", "...", "_sd_alg"}
REGISTERED = {"iss", "iat", "exp", "nbf", "cnf", "vct", "status"}

leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
names = st.text(max_size=6).filter(lambda name: name not in FORMAT_NAMES)
trees = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(names, children, max_size=4),
    max_leaves=14,
)
claim_sets = st.dictionaries(
    names.filter(lambda name: name not in REGISTERED), trees, min_size=1, max_size=5
)


def all_paths(node: Any, path: ClaimPath = ()) -> list[ClaimPath]:
    found: list[ClaimPath] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(node, dict):
        children = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    for step, child in children:
        found.append((*path, step))
        found.extend(all_paths(child, (*path, step)))
    return found


def starts_with(path: ClaimPath, prefix: ClaimPath) -> bool:
    return path[: len(prefix)] == prefix


def expected_claims(
    claims: dict[str, Any], disclosable: set[ClaimPath], chosen: list[ClaimPath]
) -> dict[str, Any]:
    """What the verifier must see, straight from the selection rules."""
    shown: set[ClaimPath] = set()
    for path in chosen:
        shown |= {d for d in disclosable if starts_with(path, d)}  # itself and its parents
        if path not in disclosable:  # not a disclosure itself: everything beneath it
            shown |= {d for d in disclosable if starts_with(d, path)}

    def keep(path: ClaimPath) -> bool:
        return path not in disclosable or path in shown

    def prune(node: Any, path: ClaimPath) -> Any:
        if isinstance(node, dict):
            return {k: prune(v, (*path, k)) for k, v in node.items() if keep((*path, k))}
        if isinstance(node, list):
            return [prune(v, (*path, i)) for i, v in enumerate(node) if keep((*path, i))]
        return node

    pruned: dict[str, Any] = prune(claims, ())
    return pruned


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[dict[str, Any], set[ClaimPath], list[ClaimPath], str, str, int]:
    claims = draw(claim_sets)
    paths = all_paths(claims)
    disclosable = set(draw(st.lists(st.sampled_from(paths), unique=True))) if paths else set()
    chosen = draw(st.lists(st.sampled_from(paths), max_size=6)) if paths else []
    issuer_alg = draw(st.sampled_from(sorted(KEYS)))
    holder_alg = draw(st.sampled_from(sorted(HOLDER_KEYS)))
    decoys = draw(st.integers(min_value=0, max_value=3))
    return claims, disclosable, chosen, issuer_alg, holder_alg, decoys


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_round_trip_discloses_exactly_the_chosen_claims(
    scenario: tuple[dict[str, Any], set[ClaimPath], list[ClaimPath], str, str, int],
) -> None:
    claims, disclosable, chosen, issuer_alg, holder_alg, decoys = scenario
    holder_key = HOLDER_KEYS[holder_alg]
    issuer = SdJwtIssuer(KEYS[issuer_alg], ISSUER, clock=FixedClock(NOW))
    issued = issuer.issue(
        claims,
        disclosable=disclosable,
        holder_key=holder_key.public_key,
        vct="urn:test",
        decoys=decoys,
    )
    credential = import_credential(issued.sd_jwt, VERIFIER)
    assert len(issued.disclosures) == len(disclosable) == len(credential.items)
    assert {k: v for k, v in credential.claims.items() if k in claims} == claims

    presentation = present(
        credential, chosen, holder_key=holder_key, nonce="n", audience="a", clock=FixedClock(NOW)
    )
    result = VERIFIER.verify(presentation, nonce="n", audience="a")

    registered = {
        "iss": ISSUER,
        "iat": NOW,
        "vct": "urn:test",
        "cnf": {"jwk": holder_key.public_key.to_jwk()},
    }
    assert result.claims == {**registered, **expected_claims(claims, disclosable, chosen)}
    assert credential.will_disclose(chosen) == result.claims
