"""did:web: the DID → URL transform, the fetch policy, a real local server, the reader."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from core.did import DidResolver, HttpxFetcher, did_key_from_public_key, did_web_url
from core.did.fetch import check_fetch_url
from core.encoding import multibase_encode
from core.errors import ResolutionError
from core.keys import Ed25519PrivateKey, P256PrivateKey, PublicKey
from tests.loopback import Route, serving

ED = Ed25519PrivateKey(bytes(range(32))).public_key
P256 = P256PrivateKey.from_private_bytes(bytes(31) + b"\x07").public_key


def multikey(key: PublicKey) -> str:
    return multibase_encode(key.to_multicodec())


def document(did: str, key: PublicKey = ED, **extra: Any) -> dict[str, Any]:
    """A minimal did:web document with one Multikey method, #key-1."""
    vm = {"id": f"{did}#key-1", "type": "Multikey", "controller": did}
    vm["publicKeyMultibase"] = multikey(key)
    return {"id": did, "verificationMethod": [vm], "assertionMethod": ["#key-1"], **extra}


# --- DID -> URL ---------------------------------------------------------------------------

# Examples from the did:web spec (w3c-ccg/did-method-web), plus loopback cases.
TRANSFORM = [
    ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
    ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
    ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
    ("did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"),
    ("did:web:example.com:u:bob", "https://example.com/u/bob/did.json"),
    ("did:web:localhost%3A8070", "http://localhost:8070/.well-known/did.json"),
    ("did:web:127.0.0.1%3A8080:a", "http://127.0.0.1:8080/a/did.json"),
]


@pytest.mark.parametrize(("did", "url"), TRANSFORM)
def test_did_web_url(did: str, url: str) -> None:
    assert did_web_url(did) == url


def test_loopback_http_can_be_switched_off() -> None:
    url = did_web_url("did:web:localhost%3A8070", loopback_http=False)
    assert url == "https://localhost:8070/.well-known/did.json"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.com/.well-known/did.json", True),
        ("http://127.0.0.1:8000/did.json", True),
        ("http://127.9.9.9/did.json", True),
        ("http://[::1]:8000/did.json", True),
        ("http://localhost/did.json", True),
        ("http://example.com/.well-known/did.json", False),
        ("http://10.0.0.1/did.json", False),
        ("http://localhost.example.com/did.json", False),
        ("ftp://example.com/did.json", False),
        ("file:///etc/passwd", False),
        ("https://user:secret@example.com/did.json", False),
        ("https:///no-host", False),
    ],
)
def test_fetch_url_policy(url: str, allowed: bool) -> None:
    if allowed:
        assert check_fetch_url(url) == url
    else:
        with pytest.raises(ResolutionError) as info:
            check_fetch_url(url)
        assert info.value.code == "resolution_failed"


def test_default_fetcher_refuses_plain_http_before_any_network_access() -> None:
    with pytest.raises(ResolutionError) as info:
        HttpxFetcher()("http://example.com/.well-known/did.json")
    assert info.value.code == "resolution_failed"


def test_recording_fetcher_sees_only_https() -> None:
    did = "did:web:example.com"
    seen: list[str] = []

    def fetcher(url: str) -> bytes:
        seen.append(url)
        return json.dumps(document(did)).encode()

    resolver = DidResolver(fetcher)
    assert resolver.resolve_key(did) == ED
    assert resolver.resolve_key(did + "#key-1") == ED
    assert seen == ["https://example.com/.well-known/did.json"] * 2


# --- a real server on 127.0.0.1 -------------------------------------------------------------

@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Route]]]:
    """A server on 127.0.0.1 serving ``routes`` (path → status, headers, body)."""
    routes: dict[str, Route] = {}
    with serving(routes.get) as port:
        yield f"127.0.0.1%3A{port}", routes


def serve(routes: dict[str, Route], path: str, body: Any, status: int = 200) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    routes[path] = (status, {"Content-Type": "application/did+json"}, data)


def test_resolve_over_local_http(server: tuple[str, dict[str, Route]]) -> None:
    host, routes = server
    did = f"did:web:{host}"
    serve(routes, "/.well-known/did.json", document(did))
    resolver = DidResolver()
    assert resolver.resolve(did).id == did
    assert resolver.resolve_key(did + "#key-1") == ED
    assert resolver.resolve_key(did) == ED


def test_resolve_path_based_did(server: tuple[str, dict[str, Route]]) -> None:
    host, routes = server
    did = f"did:web:{host}:users:alice"
    serve(routes, "/users/alice/did.json", document(did, P256))
    assert DidResolver().resolve_key(did) == P256


def test_follows_a_same_scheme_redirect(server: tuple[str, dict[str, Route]]) -> None:
    host, routes = server
    did = f"did:web:{host}:moved"
    routes["/moved/did.json"] = (302, {"Location": "/elsewhere/did.json"}, b"")
    serve(routes, "/elsewhere/did.json", document(did))
    assert DidResolver().resolve_key(did) == ED


def _failure(did: str, resolver: DidResolver | None = None) -> str:
    with pytest.raises(ResolutionError) as info:
        (resolver or DidResolver()).resolve(did)
    return info.value.code


def test_missing_document_is_did_not_found(server: tuple[str, dict[str, Route]]) -> None:
    host, _ = server
    assert _failure(f"did:web:{host}:nobody") == "did_not_found"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (
            lambda did: (200, {}, json.dumps(document(did + ":other")).encode()),
            "invalid_did_document",
        ),
        (lambda did: (200, {}, b"<html>not json</html>"), "invalid_did_document"),
        (lambda did: (200, {}, b"[1, 2]"), "invalid_did_document"),
        (lambda did: (200, {}, b" " * (200 * 1024)), "invalid_did_document"),  # over 128 KiB
        (lambda did: (200, {}, b" " * (300 * 1024)), "resolution_failed"),  # over fetch limit
        (lambda did: (500, {}, b"oops"), "resolution_failed"),
        (lambda did: (302, {"Location": "https://127.0.0.1:1/x"}, b""), "resolution_failed"),
        (lambda did: (302, {"Location": "http://example.com/x"}, b""), "resolution_failed"),
        (lambda did: (302, {"Location": "/bad/did.json"}, b""), "resolution_failed"),
    ],
    ids=[
        "id-differs",
        "not-json",
        "json-array",
        "too-large-document",
        "too-large-response",
        "server-error",
        "redirect-to-https",
        "redirect-off-loopback",
        "redirect-loop",
    ],
)
def test_bad_responses(
    server: tuple[str, dict[str, Route]],
    setup: Callable[[str], Route],
    code: str,
) -> None:
    host, routes = server
    did = f"did:web:{host}:bad"
    routes["/bad/did.json"] = setup(did)
    assert _failure(did) == code


def test_unreachable_host_is_resolution_failed(server: tuple[str, dict[str, Route]]) -> None:
    assert _failure("did:web:127.0.0.1%3A1") == "resolution_failed"


def test_fetcher_that_raises_something_else() -> None:
    def broken(url: str) -> bytes:
        raise OSError("disk on fire")

    assert _failure("did:web:example.com", DidResolver(broken)) == "resolution_failed"


# --- reading documents: what is kept, what is refused --------------------------------------

DID = "did:web:example.com"
KEY_ID = f"{DID}#key-1"
ED_MB = multikey(ED)
X25519_MB = multibase_encode(b"\xec\x01" + bytes(range(32)))
ED_BASE58 = multibase_encode(ED.raw)[1:]  # bare base58btc of the raw key (publicKeyBase58)


def method(**fields: Any) -> dict[str, Any]:
    return {"id": "#key-1", "type": "Multikey", "controller": DID, **fields}


def resolve_document(doc: Any) -> DidResolver:
    return DidResolver(lambda url: json.dumps(doc).encode())


ACCEPTED: list[tuple[str, dict[str, Any], PublicKey]] = [
    ("multikey-relative-id", {"verificationMethod": [method(publicKeyMultibase=ED_MB)]}, ED),
    (
        "jsonwebkey2020-p256",
        {
            "verificationMethod": [
                method(type="JsonWebKey2020", id=KEY_ID, publicKeyJwk=P256.to_jwk())
            ]
        },
        P256,
    ),
    (
        "ed25519-2018-base58",
        {
            "verificationMethod": [
                method(type="Ed25519VerificationKey2018", publicKeyBase58=ED_BASE58),
            ]
        },
        ED,
    ),
    (
        "ed25519-2020-multibase",
        {
            "verificationMethod": [
                method(type="Ed25519VerificationKey2020", publicKeyMultibase=ED_MB)
            ]
        },
        ED,
    ),
    (
        "jsonwebkey",
        {"verificationMethod": [method(type="JsonWebKey", publicKeyJwk=ED.to_jwk())]},
        ED,
    ),
    ("embedded-in-relationship", {"assertionMethod": [method(publicKeyMultibase=ED_MB)]}, ED),
]


@pytest.mark.parametrize(("name", "body", "key"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_documents(name: str, body: dict[str, Any], key: PublicKey) -> None:
    doc = {"@context": "https://www.w3.org/ns/did/v1", "id": DID, **body}
    resolver = resolve_document(doc)
    assert resolver.resolve_key(KEY_ID) == key


def test_unsupported_methods_are_left_out() -> None:
    doc = {
        "id": DID,
        "verificationMethod": [
            method(publicKeyMultibase=ED_MB),
            method(id="#x", publicKeyMultibase=X25519_MB),
            {"id": "#eth", "type": "EcdsaSecp256k1RecoveryMethod2020", "controller": DID},
        ],
        "assertionMethod": ["#key-1", "#eth", "did:example:other#k"],
        "keyAgreement": ["#x"],
        "service": [{"id": "#vcs", "type": "LinkedDomains", "serviceEndpoint": "https://e.x"}],
    }
    resolver = resolve_document(doc)
    resolved = resolver.resolve(DID)
    assert [m.id for m in resolved.all_methods()] == [KEY_ID]
    assert dict(resolved.relationships) == {"assertionMethod": (KEY_ID,)}
    assert resolved.to_json()["service"] == doc["service"]
    assert resolver.resolve_key(DID) == ED
    with pytest.raises(ResolutionError) as info:
        resolver.resolve_key(DID + "#x")
    assert info.value.code == "key_not_found"


REFUSED: list[tuple[str, dict[str, Any]]] = [
    (
        "vm-of-another-did",
        {"verificationMethod": [method(id="did:web:evil.com#k", publicKeyMultibase=ED_MB)]},
    ),
    ("vm-without-fragment", {"verificationMethod": [method(id=DID, publicKeyMultibase=ED_MB)]}),
    (
        "vm-id-with-path",
        {"verificationMethod": [method(id=DID + "/p#k", publicKeyMultibase=ED_MB)]},
    ),
    (
        "controller-not-a-did",
        {"verificationMethod": [method(controller="bob", publicKeyMultibase=ED_MB)]},
    ),
    (
        "missing-controller",
        {"verificationMethod": [{"id": "#k", "type": "Multikey", "publicKeyMultibase": ED_MB}]},
    ),
    (
        "two-key-properties",
        {"verificationMethod": [method(publicKeyMultibase=ED_MB, publicKeyJwk=ED.to_jwk())]},
    ),
    ("wrong-key-property", {"verificationMethod": [method(publicKeyJwk=ED.to_jwk())]}),
    (
        "private-key-material",
        {"verificationMethod": [method(publicKeyMultibase=ED_MB, privateKeyMultibase="z1")]},
    ),
    (
        "jwk-with-d",
        {
            "verificationMethod": [
                method(type="JsonWebKey2020", publicKeyJwk={**ED.to_jwk(), "d": "AA"})
            ]
        },
    ),
    (
        "ed25519-type-with-p256",
        {
            "verificationMethod": [
                method(type="Ed25519VerificationKey2020", publicKeyMultibase=multikey(P256))
            ]
        },
    ),
    (
        "base58-not-canonical",
        {
            "verificationMethod": [
                method(type="Ed25519VerificationKey2018", publicKeyBase58=ED_BASE58 + " ")
            ]
        },
    ),
    (
        "invalid-point",
        {
            "verificationMethod": [
                method(publicKeyMultibase=multibase_encode(b"\xed\x01\x01" + bytes(31)))
            ]
        },
    ),
    (
        "duplicate-ids",
        {
            "verificationMethod": [
                method(publicKeyMultibase=ED_MB),
                method(id=KEY_ID, publicKeyMultibase=ED_MB),
            ]
        },
    ),
    (
        "dangling-reference",
        {"verificationMethod": [method(publicKeyMultibase=ED_MB)], "authentication": ["#nope"]},
    ),
    ("methods-not-a-list", {"verificationMethod": method(publicKeyMultibase=ED_MB)}),
    ("context-a-number", {"@context": 1}),
    ("service-without-id", {"service": [{"type": "X"}]}),
]


@pytest.mark.parametrize(("name", "body"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_documents(name: str, body: dict[str, Any]) -> None:
    assert _failure(DID, resolve_document({"id": DID, **body})) == "invalid_did_document"


def test_bare_did_with_two_signing_keys_needs_a_fragment() -> None:
    doc = document(DID)
    doc["verificationMethod"].append(
        {"id": "#key-2", "type": "JsonWebKey2020", "controller": DID, "publicKeyJwk": P256.to_jwk()}
    )
    doc["authentication"] = ["#key-2"]
    resolver = resolve_document(doc)
    with pytest.raises(ResolutionError) as info:
        resolver.resolve_key(DID)
    assert info.value.code == "key_not_found"
    assert resolver.resolve_key(DID + "#key-2", relationship="authentication") == P256
    with pytest.raises(ResolutionError) as info:
        resolver.resolve_key(DID + "#key-2", relationship="assertionMethod")
    assert info.value.code == "key_not_found"


def test_did_key_in_a_did_web_document_is_just_another_controller() -> None:
    controller = did_key_from_public_key(ED)
    doc = {
        "id": DID,
        "verificationMethod": [method(controller=controller, publicKeyMultibase=ED_MB)],
    }
    assert resolve_document(doc).resolve(DID).verification_method[0].controller == controller
