"""The SD-JWT issuer: structure of what it signs (RFC 9901 §4, §6) and what it refuses."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core import jose
from core.clock import FixedClock
from core.encoding import b64url_decode
from core.errors import InvalidInput
from core.keys import Ed25519PrivateKey, P256PrivateKey, PrivateKey
from core.sdjwt.compact import split
from core.sdjwt.disclosure import Disclosure
from core.sdjwt.issuer import IssuedSdJwt, SdJwtIssuer, random_salt
from core.sdjwt.process import process_claims

ISSUER_KEY = Ed25519PrivateKey(bytes(range(32)))
HOLDER_KEY = P256PrivateKey.from_private_bytes(bytes(range(1, 33)))
NOW = 1_700_000_000

CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "address": {"street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"},
    "nationalities": ["DE", "FR"],
    "age_equal_or_over": {"18": True, "65": False},
    "degrees": [{"type": "BSc", "year": 2001}, {"type": "MSc", "year": 2003}],
}


def counting_salts(prefix: str = "salt") -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"{prefix}-{next(counter)}"


#: The SD-JWT mechanics are tested as plain SD-JWTs; an SD-JWT VC would also need a vct.
PLAIN_TYP = "example+sd-jwt"


def make_issuer(key: PrivateKey = ISSUER_KEY, **options: Any) -> SdJwtIssuer:
    options.setdefault("typ", PLAIN_TYP)
    options.setdefault("salts", counting_salts())
    options.setdefault("clock", FixedClock(NOW))
    return SdJwtIssuer(key, "https://issuer.example", **options)


def sd_arrays(node: Any) -> Iterator[list[str]]:
    """Every ``_sd`` array in a payload or disclosure value."""
    if isinstance(node, dict):
        if "_sd" in node:
            yield node["_sd"]
        for name, value in node.items():
            if name != "_sd":
                yield from sd_arrays(value)
    elif isinstance(node, list):
        for element in node:
            yield from sd_arrays(element)


def element_digests(node: Any) -> Iterator[str]:
    """Every ``{"...": digest}`` array element."""
    if isinstance(node, dict):
        for value in node.values():
            yield from element_digests(value)
    elif isinstance(node, list):
        for element in node:
            if isinstance(element, dict) and list(element) == ["..."]:
                yield element["..."]
            else:
                yield from element_digests(element)


def all_structures(issued: IssuedSdJwt) -> list[Any]:
    return [issued.payload, *(d.value for d in issued.disclosures)]


def all_sd_digests(issued: IssuedSdJwt) -> list[str]:
    return [
        digest for node in all_structures(issued) for array in sd_arrays(node) for digest in array
    ]


def test_issued_sd_jwt_is_signed_jwt_with_every_disclosure() -> None:
    issued = make_issuer(kid="key-1", typ="dc+sd-jwt").issue(
        CLAIMS, disclosable=["given_name", "address"], vct="urn:example:pid:1"
    )
    compact = split(issued.sd_jwt)
    assert issued.sd_jwt.endswith("~") and compact.kb_jwt is None
    assert compact.disclosures == tuple(d.encoded for d in issued.disclosures)
    verified = jose.verify_compact(compact.issuer_jwt, ISSUER_KEY.public_key, algorithms={"EdDSA"})
    assert verified.header == {"alg": "EdDSA", "typ": "dc+sd-jwt", "kid": "key-1"}
    assert verified.payload_json() == issued.payload
    assert [Disclosure.parse(d.encoded) for d in issued.disclosures] == list(issued.disclosures)


@pytest.mark.parametrize("typ", ["dc+sd-jwt", "vc+sd-jwt"])
def test_an_sd_jwt_vc_needs_a_vct(typ: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_issuer(typ=typ).issue(CLAIMS)
    assert caught.value.code == "invalid_input" and "vct" in caught.value.message


def test_header_without_kid_and_other_typ() -> None:
    issued = make_issuer(P256PrivateKey.generate(), typ="example+sd-jwt").issue(CLAIMS)
    assert jose.parse(split(issued.sd_jwt).issuer_jwt).header == {
        "alg": "ES256",
        "typ": "example+sd-jwt",
    }


def test_registered_claims_are_set_and_visible() -> None:
    status = {"status_list": {"idx": 7, "uri": "https://issuer.example/status/1"}}
    issued = make_issuer().issue(
        CLAIMS,
        disclosable=["given_name"],
        holder_key=HOLDER_KEY.public_key,
        vct="https://credentials.example/identity",
        expires_in=3600,
        not_before=NOW - 60,
        status=status,
    )
    payload = issued.payload
    assert payload["iss"] == "https://issuer.example"
    assert (payload["iat"], payload["nbf"], payload["exp"]) == (NOW, NOW - 60, NOW + 3600)
    assert payload["vct"] == "https://credentials.example/identity"
    assert payload["status"] == status
    assert payload["cnf"] == {"jwk": HOLDER_KEY.public_key.to_jwk()}
    assert payload["_sd_alg"] == "sha-256"
    assert "given_name" not in payload and payload["family_name"] == "Mustermann"


def test_optional_registered_claims_are_absent_unless_asked() -> None:
    payload = make_issuer().issue({"a": 1}).payload
    assert payload == {"iss": "https://issuer.example", "iat": NOW, "a": 1, "_sd_alg": "sha-256"}


def test_every_digest_is_a_disclosure_and_every_disclosure_is_referenced_once() -> None:
    issued = make_issuer().issue(
        CLAIMS,
        disclosable=[
            "given_name",
            "address",
            "address.locality",
            "nationalities.1",
            "degrees.0",
            "degrees.0.year",
        ],
    )
    referenced = all_sd_digests(issued) + [
        d for node in all_structures(issued) for d in element_digests(node)
    ]
    assert sorted(referenced) == sorted(d.digest() for d in issued.disclosures)
    processed = process_claims(issued.payload, issued.disclosures, "sha-256")
    assert {k: v for k, v in processed.claims.items() if k not in ("iss", "iat")} == CLAIMS


def test_sd_arrays_are_sorted_at_every_level() -> None:
    issued = make_issuer().issue(
        CLAIMS,
        disclosable=[
            "given_name",
            "family_name",
            "address",
            "address.locality",
            "address.country",
            "age_equal_or_over.18",
            "age_equal_or_over.65",
        ],
        decoys=9,
    )
    arrays = [array for node in all_structures(issued) for array in sd_arrays(node)]
    assert len(arrays) == 3
    assert all(array == sorted(array) for array in arrays)


def test_recursive_disclosure_sits_inside_its_parent() -> None:
    issued = make_issuer().issue(CLAIMS, disclosable=[("address",), ("address", "locality")])
    address, locality = issued.disclosures  # parents come first
    assert (address.name, locality.name) == ("address", "locality")
    assert address.value["_sd"] == [locality.digest()]
    assert "locality" not in address.value and address.value["country"] == "DE"
    assert issued.payload["_sd"] == [address.digest()]


def test_array_elements_become_ellipsis_digests_in_place() -> None:
    issued = make_issuer().issue(CLAIMS, disclosable=["nationalities.1", ("degrees", 0)])
    france, bsc = issued.disclosures
    assert issued.payload["nationalities"] == ["DE", {"...": france.digest()}]
    assert issued.payload["degrees"] == [{"...": bsc.digest()}, {"type": "MSc", "year": 2003}]
    assert (france.name, france.value, bsc.value) == (None, "FR", {"type": "BSc", "year": 2001})


def test_member_named_by_digits_is_an_object_member() -> None:
    issued = make_issuer().issue(CLAIMS, disclosable=["age_equal_or_over.18"])
    (over_18,) = issued.disclosures
    assert (over_18.name, over_18.value) == ("18", True)
    assert issued.payload["age_equal_or_over"] == {"65": False, "_sd": [over_18.digest()]}


@pytest.mark.parametrize("decoys", [1, 2, 5, 17])
def test_decoys_are_extra_digests_at_top_level_and_in_nested_objects(decoys: int) -> None:
    issued = make_issuer().issue(
        CLAIMS,
        disclosable=["given_name", "address.locality", "age_equal_or_over.18"],
        decoys=decoys,
    )
    real = {d.digest() for d in issued.disclosures}
    digests = all_sd_digests(issued)
    extra = [d for d in digests if d not in real]
    assert len(extra) == decoys and len(set(digests)) == len(digests)
    assert any(d not in real for d in issued.payload["_sd"])
    assert all(len(b64url_decode(d)) == 32 for d in extra)


def test_decoys_without_any_disclosable_claim_go_to_the_top_level() -> None:
    issued = make_issuer().issue({"a": 1}, decoys=3)
    assert len(issued.payload["_sd"]) == 3 and issued.disclosures == ()


def test_decoys_spread_over_nested_objects() -> None:
    claims = {f"o{i}": {"x": i, "y": -i} for i in range(4)}
    issued = make_issuer().issue(claims, disclosable=[f"o{i}.x" for i in range(4)], decoys=40)
    assert all(len(issued.payload[f"o{i}"]["_sd"]) > 1 for i in range(4))


def test_same_salts_and_clock_give_the_same_credential() -> None:
    options: dict[str, Any] = {
        "disclosable": ["given_name", "address", "address.locality", "nationalities.0"],
        "decoys": 4,
        "vct": "urn:x",
    }
    first = make_issuer().issue(CLAIMS, holder_key=HOLDER_KEY.public_key, **options)
    second = make_issuer().issue(CLAIMS, holder_key=HOLDER_KEY.public_key, **options)
    assert first == second
    other = make_issuer(salts=counting_salts("other")).issue(CLAIMS, **options)
    assert other.payload["_sd"] != first.payload["_sd"]


def test_disclosure_encoding_is_compact_utf8_json() -> None:
    issued = make_issuer().issue(CLAIMS, disclosable=["address.street_address"])
    (street,) = issued.disclosures
    assert (
        b64url_decode(street.encoded).decode("utf-8")
        == '["salt-0","street_address","Heidestraße 17"]'
    )


def test_default_salts_are_128_random_bits() -> None:
    salts = {random_salt() for _ in range(50)}
    assert len(salts) == 50
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", s) and len(b64url_decode(s)) == 16 for s in salts)
    issued = SdJwtIssuer(ISSUER_KEY, "https://issuer.example").issue(
        CLAIMS, disclosable=["given_name"], vct="urn:example:pid:1"
    )
    assert len(b64url_decode(issued.disclosures[0].salt)) == 16


@pytest.mark.parametrize("hash_alg", ["sha-256", "sha-384", "sha-512"])
def test_hash_algorithm(hash_alg: str) -> None:
    issued = make_issuer(hash_alg=hash_alg).issue(CLAIMS, disclosable=["given_name"])
    assert issued.payload["_sd_alg"] == hash_alg
    assert issued.payload["_sd"] == [issued.disclosures[0].digest(hash_alg)]


def test_tuples_and_mappings_are_written_as_json() -> None:
    from types import MappingProxyType

    issued = make_issuer().issue(
        MappingProxyType({"list": (1, 2), "obj": MappingProxyType({"k": None})}),
        disclosable=["list.1"],
    )
    assert issued.payload["list"][0] == 1 and issued.payload["obj"] == {"k": None}


def test_constructor_does_no_work() -> None:
    issuer = SdJwtIssuer(ISSUER_KEY, "", hash_alg="md5", typ="")
    with pytest.raises(InvalidInput):
        issuer.issue({})


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["iss", "iat", "exp", "nbf", "cnf", "vct", "status"])
def test_registered_claims_cannot_be_disclosable(name: str) -> None:
    with pytest.raises(InvalidInput, match=name):
        make_issuer().issue(
            CLAIMS, disclosable=[name], vct="urn:x", holder_key=HOLDER_KEY.public_key
        )


@pytest.mark.parametrize("path", ["_sd", "...", "address._sd", ("address", "...")])
def test_format_names_cannot_be_disclosable(path: Any) -> None:
    with pytest.raises(InvalidInput, match="reserve"):
        make_issuer().issue(CLAIMS, disclosable=[path])


@pytest.mark.parametrize("name", ["iss", "iat", "exp", "nbf", "cnf", "vct", "status"])
def test_registered_claims_come_from_arguments_not_claims(name: str) -> None:
    with pytest.raises(InvalidInput, match=name):
        make_issuer().issue({**CLAIMS, name: "x"})


@pytest.mark.parametrize(
    "claims",
    [{"_sd": []}, {"a": {"_sd": []}}, {"a": [{"...": "x"}]}, {"_sd_alg": "sha-256"}],
    ids=["top _sd", "nested _sd", "ellipsis", "_sd_alg"],
)
def test_claims_using_format_names_are_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="reserved"):
        make_issuer().issue(claims)


@pytest.mark.parametrize(
    "path",
    [
        "middle_name",
        "address.zip",
        "nationalities.2",
        "nationalities.-1",
        "given_name.x",
        ("nationalities", "x"),
        "degrees.0.type.0",
    ],
)
def test_missing_path_is_refused_by_name(path: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        make_issuer().issue(CLAIMS, disclosable=["given_name", path])
    dotted = path if isinstance(path, str) else ".".join(map(str, path))
    assert dotted in info.value.message and "does not exist" in info.value.message


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), b"bytes", {1: "int key"}, object(), "\ud800"], ids=repr
)
def test_values_json_cannot_hold_are_refused(value: Any) -> None:
    with pytest.raises(InvalidInput):
        make_issuer().issue({"claim": value})


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"decoys": -1}, "decoys"),
        ({"decoys": True}, "decoys"),
        ({"vct": ""}, "vct"),
        ({"expires_in": float("nan")}, "expires_in"),
    ],
)
def test_bad_arguments_are_refused(options: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidInput, match=match):
        make_issuer().issue(CLAIMS, **options)


def test_salt_source_must_return_text() -> None:
    with pytest.raises(InvalidInput, match="salt"):
        make_issuer(salts=lambda: "").issue(CLAIMS, disclosable=["given_name"])


def test_empty_path_is_refused() -> None:
    with pytest.raises(InvalidInput):
        make_issuer().issue(CLAIMS, disclosable=[()])
