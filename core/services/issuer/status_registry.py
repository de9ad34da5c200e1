"""The issuer's side of a Token Status List: allocate entries, change them, publish.

:class:`StatusRegistry` keeps one list of :data:`STATUS_BITS` bits per entry (a
:class:`core.status.StatusList`) and which entries were given to credentials. Entries
are allocated at random among the unused ones, so an index says nothing about when a
credential was issued. An entry is valid (0), revoked (1) or suspended (2). Revocation
is final: a revoked entry never changes again. A suspended entry can be reinstated
(back to valid). :meth:`StatusRegistry.publish` signs the list as a ``statuslist+jwt``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Final, Literal

from core.errors import InvalidInput, IssuanceError
from core.keys import PrivateKey
from core.status import INVALID, SUSPENDED, VALID, StatusList, issue_status_list_token

#: Entries in the list by default: large enough to hide one credential among many.
STATUS_LIST_SIZE: Final = 16_384
STATUS_BITS: Final = 2
#: How long a verifier may reuse a published token (its ``ttl``), in seconds.
STATUS_LIST_TTL: Final = 60
#: How long a published token is valid (``exp`` - ``iat``), in seconds.
STATUS_LIST_LIFETIME: Final = 24 * 3600

StatusName = Literal["valid", "revoked", "suspended"]
#: The status names of the demo API and their values in the list.
STATUS_VALUES: Final[Mapping[StatusName, int]] = {
    "valid": VALID,
    "revoked": INVALID,
    "suspended": SUSPENDED,
}
_NAMES: Final[Mapping[int, StatusName]] = {value: name for name, value in STATUS_VALUES.items()}


class StatusRegistry:
    """One issuer status list at ``uri`` with ``size`` entries, all unallocated and valid.

    ``pick(n)`` returns a random integer in ``[0, n)`` (default :func:`secrets.randbelow`).
    Raises InvalidInput(invalid_status_list) for a size below 1.
    """

    def __init__(
        self,
        uri: str,
        size: int = STATUS_LIST_SIZE,
        *,
        pick: Callable[[int], int] = secrets.randbelow,
    ) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InvalidInput("a status list has at least one entry", code="invalid_status_list")
        self.uri = uri
        self.size = size
        self._list = StatusList(STATUS_BITS, size)
        self._allocated: set[int] = set()
        self._pick = pick

    @property
    def allocated(self) -> int:
        """How many entries were given to credentials."""
        return len(self._allocated)

    def allocate(self) -> int:
        """A random unused entry, now marked used (and valid).

        Raises IssuanceError(credential_request_denied) when every entry is used.
        """
        if len(self._allocated) >= self.size:
            raise IssuanceError("the status list is full", code="credential_request_denied")
        while True:
            index = self._pick(self.size)
            if 0 <= index < self.size and index not in self._allocated:
                self._allocated.add(index)
                return index

    def status(self, index: int) -> StatusName:
        """The status of an allocated entry.

        Raises InvalidInput: status_index_out_of_range, status_index_not_allocated.
        """
        return _NAMES[self._list.get(self._check(index))]

    def revoke(self, index: int) -> None:
        """Revoke an entry, for good (revoking twice is allowed).

        Raises InvalidInput: status_index_out_of_range, status_index_not_allocated.
        """
        self._list.set(self._check(index), INVALID)

    def suspend(self, index: int) -> None:
        """Suspend a valid entry (suspending twice is allowed).

        Raises InvalidInput: status_index_out_of_range, status_index_not_allocated,
        status_revocation_final for a revoked entry.
        """
        self._list.set(self._changeable(index), SUSPENDED)

    def reinstate(self, index: int) -> None:
        """Make a suspended entry valid again (a valid one stays valid).

        Raises InvalidInput: status_index_out_of_range, status_index_not_allocated,
        status_revocation_final for a revoked entry.
        """
        self._list.set(self._changeable(index), VALID)

    def set_status(self, index: int, status: str) -> None:
        """:meth:`reinstate`, :meth:`revoke` or :meth:`suspend` by name.

        Raises InvalidInput: invalid_input for another name, and what those raise.
        """
        if status == "valid":
            self.reinstate(index)
        elif status == "revoked":
            self.revoke(index)
        elif status == "suspended":
            self.suspend(index)
        else:
            raise InvalidInput("a status is valid, revoked or suspended")

    def publish(self, key: PrivateKey, *, now: float, kid: str | None = None) -> str:
        """The list as a ``statuslist+jwt`` signed by ``key``: ``sub`` the URI, ``iat``
        ``now``, ``exp`` a day later, ``ttl`` :data:`STATUS_LIST_TTL`."""
        iat = int(now)
        return issue_status_list_token(
            key,
            sub=self.uri,
            status_list=self._list,
            iat=iat,
            exp=iat + STATUS_LIST_LIFETIME,
            ttl=STATUS_LIST_TTL,
            kid=kid,
        )

    def _check(self, index: int) -> int:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise InvalidInput(
                f"status index {index!r} is outside the list (size {self.size})",
                code="status_index_out_of_range",
            )
        if index not in self._allocated:
            raise InvalidInput(
                f"status index {index} was not given to a credential",
                code="status_index_not_allocated",
            )
        return index

    def _changeable(self, index: int) -> int:
        if self._list.get(self._check(index)) == INVALID:
            raise InvalidInput(
                f"status index {index} is revoked, and revocation is final",
                code="status_revocation_final",
            )
        return index
