"""The holder's identities: DIDs whose keys are derived from the recovery seed.

Only public facts are stored per identity (DID, method, algorithm, derivation index,
label); the private key is derived from the seed when it is needed to sign.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from core.clock import Clock
from core.did import did_jwk_from_public_key, did_key_from_public_key
from core.errors import InvalidInput, RecordNotFound
from core.keys import PrivateKey
from core.vault.recovery import derive_identity_key
from core.vault.store import Vault

IDENTITY_KIND = "identity"
COUNTER_KIND = "identity-counter"
CREDENTIAL_KIND = "credential"
METHODS = ("key", "jwk")
ALGORITHMS = ("EdDSA", "ES256")
MAX_LABEL = 80
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Identity:
    """One DID the holder controls."""

    did: str
    method: str
    alg: str
    index: int
    label: str
    created_at: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> Identity:
        """Raises InvalidInput for a record that is not an identity."""
        try:
            return cls(**{name: value[name] for name in cls.__dataclass_fields__})
        except (KeyError, TypeError) as exc:
            raise InvalidInput("stored identity is incomplete") from exc


def clean_label(label: str) -> str:
    """Trimmed label without control characters. Raises InvalidInput if too long."""
    cleaned = _CONTROL.sub("", label).strip()
    if len(cleaned) > MAX_LABEL:
        raise InvalidInput(f"a label is at most {MAX_LABEL} characters")
    return cleaned


def did_for(key: PrivateKey, method: str) -> str:
    """The DID of ``key`` under ``method``. Raises InvalidInput for an unknown method."""
    if method == "key":
        return did_key_from_public_key(key.public_key)
    if method == "jwk":
        return did_jwk_from_public_key(key.public_key)
    raise InvalidInput(f"unsupported DID method {method!r}; use one of {', '.join(METHODS)}")


class Identities:
    """Create, list, label and delete identities stored in ``vault``.

    ``seed`` is called when a key must be derived (the vault must be unlocked).
    """

    def __init__(self, vault: Vault, seed: Callable[[], bytes], clock: Clock) -> None:
        self._vault = vault
        self._seed = seed
        self._clock = clock

    def create(self, method: str = "key", alg: str = "EdDSA", label: str = "") -> Identity:
        """Derive the next key for ``alg`` and store its DID.

        Raises InvalidInput (unknown method/alg, bad label), VaultLocked.
        """
        if alg not in ALGORITHMS:
            raise InvalidInput(f"unsupported key algorithm {alg!r}; use EdDSA or ES256")
        label = clean_label(label)
        with self._vault.transaction():
            counters = self._counters()
            index = counters.get(alg, 0)
            key = derive_identity_key(self._seed(), alg, index)
            identity = Identity(
                did=did_for(key, method),
                method=method,
                alg=alg,
                index=index,
                label=label,
                created_at=self._clock.now(),
            )
            counters[alg] = index + 1
            self._vault.put_json(COUNTER_KIND, "next", counters)
            self._vault.put_json(IDENTITY_KIND, identity.did, identity.to_json())
        return identity

    def _counters(self) -> dict[str, int]:
        try:
            value = self._vault.get(COUNTER_KIND, "next").json()
        except RecordNotFound:
            return {}
        return {alg: int(n) for alg, n in value.items()}

    def all(self) -> list[Identity]:
        """All identities, oldest first (damaged records are left out). Raises VaultLocked."""
        records, _damaged = self._vault.list_records(IDENTITY_KIND)
        identities = [Identity.from_json(record.json()) for record in records]
        return sorted(identities, key=lambda identity: (identity.created_at, identity.did))

    def get(self, did: str) -> Identity:
        """Raises RecordNotFound, RecordDamaged, VaultLocked."""
        return Identity.from_json(self._vault.get(IDENTITY_KIND, did).json())

    def relabel(self, did: str, label: str) -> Identity:
        """Give an identity a new label. Raises RecordNotFound, InvalidInput."""
        identity = self.get(did)
        updated = Identity(**{**identity.to_json(), "label": clean_label(label)})
        self._vault.put_json(IDENTITY_KIND, did, updated.to_json())
        return updated

    def bound_credentials(self, did: str) -> list[str]:
        """Ids of stored credentials bound to ``did``'s key (to warn before deleting it)."""
        records, _damaged = self._vault.list_records(CREDENTIAL_KIND)
        return [r.id for r in records if r.json().get("holder_did") == did]

    def delete(self, did: str) -> None:
        """Forget an identity. Its key can be derived again from the phrase, but the DID
        no longer shows. Raises RecordNotFound."""
        if not self._vault.delete(IDENTITY_KIND, did):
            raise RecordNotFound(f"no identity {did}")

    def private_key(self, did: str) -> PrivateKey:
        """The signing key of ``did``. Secret. Raises RecordNotFound, VaultLocked."""
        identity = self.get(did)
        return derive_identity_key(self._seed(), identity.alg, identity.index)
