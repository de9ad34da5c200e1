"""Where "remember on this device" keeps a vault's data key.

A :class:`DeviceKeyStore` holds one 32-byte data key per vault, found by the vault's id.
:class:`OsKeyringStore` keeps it in the operating system's keyring through the
``keyring`` package (service ``"Tessera"``, username the vault id, value the key in
base64url); :class:`MemoryKeyStore` keeps it in a dict (tests, and sessions that must
not touch the OS). The keyring backend is injected; by default the one ``keyring``
detects is used, asked for only when first needed.

Every failure is a :class:`~core.errors.VaultError` with a stable code:

- ``keyring_unavailable``: there is no usable OS keyring (none installed, none running,
  locked, or its unlock prompt was dismissed);
- ``keyring_error``: the keyring answered with an error, or holds something that is not
  a key Tessera stored.

Both messages tell the person to use the passphrase instead. Neither keys nor the
keyring's own error text appear in messages or logs (only the error's class name).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from core.encoding import b64url_decode, b64url_encode
from core.errors import InvalidInput, VaultError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

#: The keyring "service" under which every Tessera vault key is filed.
SERVICE = "Tessera"
#: Length of a vault data key.
KEY_BYTES = 32
_MAX_VAULT_ID = 256
_USE_PASSPHRASE = "unlock with your passphrase instead"
#: Exceptions (by class name anywhere in the MRO) that mean "the keyring cannot be
#: reached or opened right now" rather than "it answered with an error". The
#: SecretStorage names are matched by name so this module never imports it.
_UNAVAILABLE_NAMES = frozenset(
    {
        "NoKeyringError",
        "InitError",
        "KeyringLocked",
        "SecretServiceNotAvailableException",
        "LockedException",
        "PromptDismissedException",
    }
)


@runtime_checkable
class DeviceKeyStore(Protocol):
    """Keeps vault data keys on this device, one per vault id."""

    @property
    def description(self) -> str:
        """Where the keys go, for people: "Secret Service (e.g. GNOME Keyring)"."""
        ...

    def available(self) -> bool:
        """Whether keys can be kept here at all (never raises)."""
        ...

    def load(self, vault_id: str) -> bytes | None:
        """The key remembered for ``vault_id``, or None if there is none.

        Raises InvalidInput for a bad vault id; VaultError(keyring_unavailable |
        keyring_error).
        """
        ...

    def save(self, vault_id: str, key: bytes) -> None:
        """Remember ``key`` for ``vault_id``, replacing any earlier one.

        Raises InvalidInput for a bad vault id or key; VaultError(keyring_unavailable |
        keyring_error).
        """
        ...

    def forget(self, vault_id: str) -> None:
        """Forget the key for ``vault_id``; nothing happens if there is none.

        Raises InvalidInput for a bad vault id; VaultError(keyring_unavailable |
        keyring_error).
        """
        ...


def _check_vault_id(vault_id: str) -> None:
    if not isinstance(vault_id, str) or not vault_id or len(vault_id) > _MAX_VAULT_ID:
        raise InvalidInput(f"a vault id must be 1 to {_MAX_VAULT_ID} characters")
    if not vault_id.isprintable():
        raise InvalidInput("a vault id must not contain control characters")


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise InvalidInput(f"a vault data key is {KEY_BYTES} bytes")


class MemoryKeyStore:
    """Keys kept in this object only: gone when it is."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}

    @property
    def description(self) -> str:
        return "memory (forgotten when Tessera quits)"

    def available(self) -> bool:
        return True

    def load(self, vault_id: str) -> bytes | None:
        _check_vault_id(vault_id)
        return self._keys.get(vault_id)

    def save(self, vault_id: str, key: bytes) -> None:
        _check_vault_id(vault_id)
        _check_key(key)
        self._keys[vault_id] = bytes(key)

    def forget(self, vault_id: str) -> None:
        _check_vault_id(vault_id)
        self._keys.pop(vault_id, None)

    def __repr__(self) -> str:
        return f"MemoryKeyStore({len(self._keys)} keys)"


def _unavailable(reason: str) -> VaultError:
    return VaultError(f"{reason}; {_USE_PASSPHRASE}", code="keyring_unavailable")


def _mro_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _unusable_reason(backend: KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep keys, judged without talking to it; None if it may."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return "there is no OS keyring on this system"
    if isinstance(backend, null.Keyring):
        return "the OS keyring is switched off (null backend)"
    if isinstance(backend, chainer.ChainerBackend) and not list(backend.backends):
        return "there is no OS keyring on this system"
    return None


def _describe(backend: KeyringBackend) -> str:
    from keyring.backends import chainer

    if _unusable_reason(backend) is not None:
        return "no OS keyring"
    if isinstance(backend, chainer.ChainerBackend):
        return " + ".join(_describe(b) for b in backend.backends)
    module = type(backend).__module__
    known = {
        "keyring.backends.SecretService": "Secret Service (e.g. GNOME Keyring)",
        "keyring.backends.libsecret": "Secret Service via libsecret (e.g. GNOME Keyring)",
        "keyring.backends.kwallet": "KWallet",
        "keyring.backends.Windows": "Windows Credential Manager",
    }
    if module in known:
        return known[module]
    if module.startswith("keyring.backends.macOS"):
        return "macOS Keychain"
    return str(type(backend).name)


class OsKeyringStore:
    """Keys kept in the OS keyring through ``keyring``, via an injected backend.

    ``backend`` defaults to ``keyring.get_keyring()``, asked for on first use; the
    process-wide default is never changed. ``service`` is for test suites that must
    not mix their entries with real ones.
    """

    def __init__(
        self, backend: KeyringBackend | None = None, *, service: str = SERVICE
    ) -> None:
        self._backend = backend
        self.service = service

    def __repr__(self) -> str:
        shown = "default" if self._backend is None else type(self._backend).__name__
        return f"OsKeyringStore(backend={shown}, service={self.service!r})"

    def _resolve(self) -> KeyringBackend:
        """The backend; raises VaultError(keyring_unavailable) if there is none."""
        if self._backend is None:
            try:
                import keyring
            except ImportError:
                raise _unavailable(
                    "OS keyring support is not installed (the 'keyring' package)"
                ) from None
            try:
                self._backend = keyring.get_keyring()
            except Exception as exc:
                log.debug("keyring backend detection failed: %s", type(exc).__name__)
                raise _unavailable(
                    f"the OS keyring could not be set up ({type(exc).__name__})"
                ) from None
        return self._backend

    def _usable(self) -> KeyringBackend:
        backend = self._resolve()
        reason = _unusable_reason(backend)
        if reason is not None:
            raise _unavailable(reason)
        return backend

    def _failure(self, exc: Exception, action: str) -> VaultError:
        name = type(exc).__name__
        log.debug("OS keyring failed to %s a key: %s", action, name)
        if _mro_names(exc) & _UNAVAILABLE_NAMES or isinstance(exc, OSError):
            return _unavailable(f"the OS keyring cannot be used right now ({name})")
        return VaultError(
            f"the OS keyring ({self.description}) could not {action} the key remembered"
            f" on this device ({name}); {_USE_PASSPHRASE}",
            code="keyring_error",
        )

    @property
    def description(self) -> str:
        try:
            backend = self._resolve()
        except VaultError:
            return "no OS keyring"
        return _describe(backend)

    def available(self) -> bool:
        try:
            backend = self._usable()
        except VaultError:
            return False
        try:
            # keyring's viability test: a backend's priority raises when it cannot work
            # here (e.g. no Secret Service on the D-Bus session).
            type(backend).priority  # noqa: B018
        except Exception as exc:
            log.debug("OS keyring backend is not viable: %s", type(exc).__name__)
            return False
        return True

    def load(self, vault_id: str) -> bytes | None:
        _check_vault_id(vault_id)
        backend = self._usable()
        try:
            value = backend.get_password(self.service, vault_id)
        except Exception as exc:
            raise self._failure(exc, "read") from None
        if value is None:
            return None
        try:
            key = b64url_decode(value) if isinstance(value, str) else b""
        except InvalidInput:
            key = b""
        if len(key) != KEY_BYTES:
            raise VaultError(
                "the OS keyring holds something for this vault that is not a key Tessera"
                f" stored; {_USE_PASSPHRASE}",
                code="keyring_error",
            )
        return key

    def save(self, vault_id: str, key: bytes) -> None:
        _check_vault_id(vault_id)
        _check_key(key)
        backend = self._usable()
        try:
            backend.set_password(self.service, vault_id, b64url_encode(key))
        except Exception as exc:
            raise self._failure(exc, "store") from None

    def forget(self, vault_id: str) -> None:
        _check_vault_id(vault_id)
        backend = self._usable()
        try:
            backend.delete_password(self.service, vault_id)
        except Exception as exc:
            # Backends raise PasswordDeleteError for "nothing there" as well as for real
            # failures; only the second is an error here.
            if "PasswordDeleteError" in _mro_names(exc) and self.load(vault_id) is None:
                return
            raise self._failure(exc, "delete") from None
