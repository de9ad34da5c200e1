"""The issuer's status registry (core.services.issuer.status_registry): allocation,
the lifecycle (revocation is final), bounds, and the published statuslist+jwt."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

import pytest

from core.clock import FixedClock
from core.errors import InvalidInput, IssuanceError, VerificationError
from core.keys import Ed25519PrivateKey
from core.services.issuer import STATUS_BITS, STATUS_LIST_TTL, StatusRegistry
from core.services.issuer.status_registry import STATUS_LIST_LIFETIME
from core.status import verify_status_list_token

URI = "https://issuer.example/status/1"
KEY = Ed25519PrivateKey(bytes(range(1, 33)))
NOW = 1_750_000_000


def picks(values: Iterable[int]) -> Callable[[int], int]:
    it = iter(values)
    return lambda _n: next(it)


def published(registry: StatusRegistry, now: int = NOW) -> list[int]:
    token = registry.publish(KEY, now=now, kid="k1")
    verified = verify_status_list_token(
        token, keys=[KEY.public_key], expected_uri=URI, clock=FixedClock(now)
    )
    assert verified.status_list.bits == STATUS_BITS
    return [verified.status_list.get(i) for i in range(registry.size)]


def test_allocation_skips_used_entries() -> None:
    registry = StatusRegistry(URI, 8, pick=picks([3, 3, 5, 3, 5, 0]))
    assert [registry.allocate() for _ in range(3)] == [3, 5, 0]
    assert registry.allocated == 3


def test_allocation_never_repeats_until_full() -> None:
    registry = StatusRegistry(URI, 64, pick=random.Random(7).randrange)
    indexes = [registry.allocate() for _ in range(64)]
    assert sorted(indexes) == list(range(64))
    assert indexes != sorted(indexes)  # random order: indexes say nothing about issuance
    with pytest.raises(IssuanceError) as info:
        registry.allocate()
    assert info.value.code == "credential_request_denied"


def test_allocation_is_random_by_default() -> None:
    runs = {tuple(StatusRegistry(URI, 1024).allocate() for _ in range(4)) for _ in range(3)}
    assert len(runs) == 3


def test_lifecycle_and_final_revocation() -> None:
    registry = StatusRegistry(URI, 8, pick=picks([2, 6]))
    a, b = registry.allocate(), registry.allocate()
    assert registry.status(a) == "valid"
    registry.suspend(a)
    registry.suspend(a)  # twice is fine
    assert registry.status(a) == "suspended"
    assert published(registry) == [0, 0, 2, 0, 0, 0, 0, 0]
    registry.reinstate(a)
    registry.reinstate(a)
    assert registry.status(a) == "valid"
    registry.suspend(b)
    registry.revoke(b)  # a suspended credential can be revoked
    registry.revoke(b)
    assert published(registry) == [0, 0, 0, 0, 0, 0, 1, 0]
    for change in (registry.reinstate, registry.suspend):
        with pytest.raises(InvalidInput) as info:
            change(b)
        assert info.value.code == "status_revocation_final"
    assert registry.status(b) == "revoked"


@pytest.mark.parametrize("name", ["valid", "revoked", "suspended"])
def test_set_status_by_name(name: str) -> None:
    registry = StatusRegistry(URI, 4, pick=picks([1]))
    index = registry.allocate()
    registry.set_status(index, name)
    assert registry.status(index) == name


def test_set_status_refuses_unknown_names() -> None:
    registry = StatusRegistry(URI, 4, pick=picks([1]))
    index = registry.allocate()
    with pytest.raises(InvalidInput) as info:
        registry.set_status(index, "gone")
    assert info.value.code == "invalid_input"
    registry.set_status(index, "revoked")
    with pytest.raises(InvalidInput) as info:
        registry.set_status(index, "valid")
    assert info.value.code == "status_revocation_final"


@pytest.mark.parametrize("index", [-1, 10, 11, 1_000_000, True, "3", 2.0])
def test_out_of_range_indexes(index: object) -> None:
    registry = StatusRegistry(URI, 10, pick=picks([3]))
    registry.allocate()
    for operation in (registry.status, registry.revoke, registry.suspend, registry.reinstate):
        with pytest.raises(InvalidInput) as info:
            operation(index)  # type: ignore[arg-type]
        assert info.value.code == "status_index_out_of_range"


def test_unallocated_entries_cannot_change() -> None:
    registry = StatusRegistry(URI, 10, pick=picks([3]))
    registry.allocate()
    for operation in (registry.status, registry.revoke, registry.suspend, registry.reinstate):
        with pytest.raises(InvalidInput) as info:
            operation(4)
        assert info.value.code == "status_index_not_allocated"
    assert published(registry) == [0] * 10


@pytest.mark.parametrize("size", [0, -4, True, 2.5])
def test_bad_sizes(size: object) -> None:
    with pytest.raises(InvalidInput) as info:
        StatusRegistry(URI, size)  # type: ignore[arg-type]
    assert info.value.code == "invalid_status_list"


def test_published_token_claims() -> None:
    registry = StatusRegistry(URI, 16, pick=picks([15]))
    registry.revoke(registry.allocate())
    token = registry.publish(KEY, now=NOW + 0.7, kid="k1")
    verified = verify_status_list_token(
        token, keys=[KEY.public_key], expected_uri=URI, clock=FixedClock(NOW)
    )
    assert (verified.iat, verified.exp, verified.ttl) == (
        NOW,
        NOW + STATUS_LIST_LIFETIME,
        STATUS_LIST_TTL,
    )
    assert verified.status_list.get(15) == 1
    with pytest.raises(VerificationError) as info:
        verify_status_list_token(
            token,
            keys=[KEY.public_key],
            expected_uri=URI,
            clock=FixedClock(NOW + STATUS_LIST_LIFETIME + 3600),
        )
    assert info.value.code == "expired"
