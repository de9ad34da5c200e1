"""Properties of the verifier over random credentials and selections (hypothesis).

The round trip itself (verified claims = the chosen subset plus the always-visible
claims) is tests/core/test_sdjwt_properties.py; here: the verifier accounts for exactly
the presented disclosures, and any change to the presented set after the KB-JWT was made
is refused with the code the check order predicts.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.clock import FixedClock
from core.errors import VerificationError
from core.keys import Ed25519PrivateKey
from core.sdjwt.compact import split
from core.sdjwt.disclosure import Disclosure
from core.sdjwt.holder import import_credential, present
from core.sdjwt.issuer import SdJwtIssuer
from core.sdjwt.process import ClaimPath
from core.verifier import Verifier, VerifierPolicy

NOW = 1_700_000_000
ISS = "https://issuer.example"
ISSUER = Ed25519PrivateKey(bytes(range(10, 42)))
HOLDER = Ed25519PrivateKey(bytes(range(20, 52)))
VERIFIER = Verifier(VerifierPolicy(issuer_keys={ISS: [ISSUER.public_key]}), clock=FixedClock(NOW))

leaves = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5)
names = st.sampled_from(["a", "b", "c", "d", "e", "é", "x y", "0"])
trees = st.recursive(
    leaves,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(names, kids, max_size=3),
    max_leaves=10,
)
claim_sets = st.dictionaries(names, trees, min_size=1, max_size=4)


def all_paths(node: Any, path: ClaimPath = ()) -> list[ClaimPath]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    found: list[ClaimPath] = []
    for step, child in items:
        found += [(*path, step), *all_paths(child, (*path, step))]
    return found


@st.composite
def presented(draw: st.DrawFn) -> tuple[str, dict[str, tuple[str, ...]]]:
    """A presentation, and every disclosure the issuer made → the disclosures it needs
    (those of the claims around it)."""
    claims = draw(claim_sets)
    paths = all_paths(claims)
    disclosable = draw(st.lists(st.sampled_from(paths), unique=True, min_size=1))
    chosen = draw(st.lists(st.sampled_from(paths), max_size=4))
    issued = SdJwtIssuer(ISSUER, ISS, clock=FixedClock(NOW)).issue(
        claims, disclosable=disclosable, holder_key=HOLDER.public_key, vct="urn:test",
        decoys=draw(st.integers(0, 2)),
    )
    held = import_credential(issued.sd_jwt, VERIFIER)
    text = present(held, chosen, holder_key=HOLDER, nonce="n", audience="a", clock=FixedClock(NOW))
    return text, {item.disclosure.encoded: item.requires for item in held.items}


def verify(text: str) -> Any:
    return VERIFIER.verify(text, nonce="n", audience="a")


def code_of(text: str) -> str:
    with pytest.raises(VerificationError) as raised:
        verify(text)
    return raised.value.code


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(presented())
def test_every_presented_disclosure_is_accounted_for(
    case: tuple[str, dict[str, tuple[str, ...]]],
) -> None:
    text, _ = case
    result = verify(text)
    presented_ = split(text).disclosures
    assert sorted(item.disclosure.encoded for item in result.disclosures) == sorted(presented_)
    assert len(result.disclosed) == len(presented_)
    for item in result.disclosures:  # each one is in the claims, at the path it names
        node: Any = result.claims
        for step in item.path:
            node = node[step]


@PROPERTY
@given(presented(), st.data())
def test_changing_the_presented_set_after_the_kb_jwt_is_refused(
    case: tuple[str, dict[str, tuple[str, ...]]], data: st.DataObject
) -> None:
    text, needs = case
    parts = split(text)
    assert parts.kb_jwt is not None
    kb, shown = parts.kb_jwt, parts.disclosures

    def rebuilt(disclosures: tuple[str, ...]) -> str:
        return parts.issuer_jwt + "~" + "".join(d + "~" for d in disclosures) + kb

    def expected(disclosures: tuple[str, ...]) -> str:
        """Every disclosure's surroundings present: the digests all match, and only the
        KB-JWT's sd_hash can tell; otherwise one is left without a digest."""
        complete = all(set(needs[d]) <= set(disclosures) for d in disclosures)
        return "sd_hash_mismatch" if complete else "disclosure_invalid"

    if shown:
        twice = data.draw(st.sampled_from(shown))
        assert code_of(rebuilt((*shown, twice))) == "disclosure_duplicate"
        dropped = data.draw(st.sampled_from(shown))
        rest = tuple(d for d in shown if d != dropped)
        assert code_of(rebuilt(rest)) == expected(rest)
    withheld = sorted(set(needs) - set(shown))
    if withheld:
        extra = (*shown, data.draw(st.sampled_from(withheld)))
        assert code_of(rebuilt(extra)) == expected(extra)
    foreign = Disclosure.create("salt", "foreign", 1).encoded
    assert code_of(rebuilt((*shown, foreign))) == "disclosure_invalid"
