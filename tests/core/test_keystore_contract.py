"""One contract for every place "remember on this device" can keep a vault's data key.

The same tests run against MemoryKeyStore, OsKeyringStore over an in-memory keyring
backend, and OsKeyringStore over the real Secret Service when one is running and
unlocked (``make test-keyring`` provides one, and sets TESSERA_REQUIRE_SECRET_SERVICE=1 so
that a missing one fails instead of skipping). Then OsKeyringStore's own rules: how
keyring's errors and its fail/null/empty backends turn into VaultError codes.
"""

from __future__ import annotations

import functools
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

keyring = pytest.importorskip("keyring")

from keyring.backend import KeyringBackend  # noqa: E402
from keyring.backends import chainer, fail, null  # noqa: E402
from keyring.errors import (  # noqa: E402
    InitError,
    KeyringError,
    KeyringLocked,
    NoKeyringError,
    PasswordDeleteError,
    PasswordSetError,
)

from core.encoding import b64url_encode  # noqa: E402
from core.errors import InvalidInput, VaultError, WrongPassphrase  # noqa: E402
from core.vault import KdfParams, Vault  # noqa: E402
from core.vault.keystore import (  # noqa: E402
    SERVICE,
    DeviceKeyStore,
    MemoryKeyStore,
    OsKeyringStore,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Service name for entries the real-keyring run writes, so they never mix with real ones.
TEST_SERVICE = "Tessera test suite"


class DictBackend(KeyringBackend):
    """A keyring backend kept in a dict. Its negative priority means keyring's own
    detection never picks it (fail is 0, and the chainer takes only priority > 0)."""

    priority = -10

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("No such password!")


class RaisingBackend(DictBackend):
    """Every operation raises the given exception."""

    def __init__(self, exc: Exception) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


class EmptyChainer(chainer.ChainerBackend):
    """keyring's chainer when it finds nothing to chain (its usual state headless)."""

    backends = ()  # type: ignore[assignment]


@functools.cache
def secret_service() -> tuple[KeyringBackend | None, str]:
    """The real Secret Service backend if one runs here with its default collection
    unlocked (a locked one would pop up a prompt); else None and why not."""
    try:
        from keyring.backends import SecretService

        SecretService.Keyring.priority  # noqa: B018 - raises when none is reachable
    except Exception as exc:
        return None, f"no Secret Service on this D-Bus session ({exc})"
    try:
        import secretstorage

        with closing(secretstorage.dbus_init()) as connection:
            collection = secretstorage.Collection(connection)  # the default; never creates
            if collection.is_locked():
                return None, "the Secret Service's default collection is locked"
    except Exception as exc:
        return None, f"the Secret Service has no usable default collection ({exc})"
    return SecretService.Keyring(), ""


@dataclass
class Subject:
    """A store under test and a source of vault ids it can use (cleaned up afterwards)."""

    store: DeviceKeyStore
    used: list[str] = field(default_factory=list)

    def vault_id(self) -> str:
        self.used.append(f"test-{secrets.token_hex(16)}")
        return self.used[-1]


@pytest.fixture(params=["memory", "keyring-dict", "secret-service"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    if request.param == "memory":
        yield Subject(MemoryKeyStore())
        return
    if request.param == "keyring-dict":
        yield Subject(OsKeyringStore(DictBackend()))
        return
    backend, reason = secret_service()
    if backend is None:
        if os.environ.get("TESSERA_REQUIRE_SECRET_SERVICE") == "1":  # make test-keyring
            pytest.fail(reason)
        pytest.skip(reason)
    subj = Subject(OsKeyringStore(backend, service=TEST_SERVICE))
    yield subj
    for vault_id in subj.used:
        subj.store.forget(vault_id)


KEYS = [
    pytest.param(bytes(32), id="zeros"),
    pytest.param(b"\xff" * 32, id="ones"),
    pytest.param(bytes(range(32)), id="ascending"),
    pytest.param(bytes(range(224, 256)), id="high-bytes"),
    pytest.param(b"\x00\n\r\t\"'\\=+/-_" + bytes(20), id="separators-and-nul"),
    pytest.param(secrets.token_bytes(32), id="random"),
]


# --- the contract ---------------------------------------------------------------------


def test_is_a_device_key_store(subject: Subject) -> None:
    assert isinstance(subject.store, DeviceKeyStore)
    assert subject.store.available() is True
    assert isinstance(subject.store.description, str) and subject.store.description


@pytest.mark.parametrize("key", KEYS)
def test_save_load_round_trip_keeps_every_byte(subject: Subject, key: bytes) -> None:
    vault_id = subject.vault_id()
    subject.store.save(vault_id, key)
    assert subject.store.load(vault_id) == key


def test_save_overwrites(subject: Subject) -> None:
    vault_id = subject.vault_id()
    first, second = secrets.token_bytes(32), secrets.token_bytes(32)
    subject.store.save(vault_id, first)
    subject.store.save(vault_id, second)
    assert subject.store.load(vault_id) == second


def test_forget_removes_and_is_idempotent(subject: Subject) -> None:
    vault_id = subject.vault_id()
    subject.store.save(vault_id, secrets.token_bytes(32))
    subject.store.forget(vault_id)
    assert subject.store.load(vault_id) is None
    subject.store.forget(vault_id)  # nothing there: no error
    assert subject.store.load(vault_id) is None


def test_unknown_vault_loads_none_and_forgets_quietly(subject: Subject) -> None:
    vault_id = subject.vault_id()
    assert subject.store.load(vault_id) is None
    subject.store.forget(vault_id)


def test_vault_ids_are_independent(subject: Subject) -> None:
    a, b = subject.vault_id(), subject.vault_id()
    key_a, key_b = secrets.token_bytes(32), secrets.token_bytes(32)
    subject.store.save(a, key_a)
    subject.store.save(b, key_b)
    assert (subject.store.load(a), subject.store.load(b)) == (key_a, key_b)
    subject.store.forget(a)
    assert (subject.store.load(a), subject.store.load(b)) == (None, key_b)


BAD_CALLS: list[tuple[str, Callable[[DeviceKeyStore, str], object]]] = [
    ("save-empty-id", lambda s, v: s.save("", bytes(32))),
    ("save-id-with-newline", lambda s, v: s.save(v + "\n", bytes(32))),
    ("save-id-with-nul", lambda s, v: s.save(v + "\x00", bytes(32))),
    ("save-id-too-long", lambda s, v: s.save("v" * 257, bytes(32))),
    ("save-short-key", lambda s, v: s.save(v, bytes(31))),
    ("save-long-key", lambda s, v: s.save(v, bytes(33))),
    ("save-empty-key", lambda s, v: s.save(v, b"")),
    ("save-text-key", lambda s, v: s.save(v, "k" * 32)),  # type: ignore[arg-type]
    ("save-bytearray-key", lambda s, v: s.save(v, bytearray(32))),  # type: ignore[arg-type]
    ("load-empty-id", lambda s, v: s.load("")),
    ("load-non-str-id", lambda s, v: s.load(b"id")),  # type: ignore[arg-type]
    ("forget-empty-id", lambda s, v: s.forget("")),
]


@pytest.mark.parametrize(("call"), [pytest.param(c, id=i) for i, c in BAD_CALLS])
def test_bad_arguments_raise_invalid_input_and_store_nothing(
    subject: Subject, call: Callable[[DeviceKeyStore, str], object]
) -> None:
    vault_id = subject.vault_id()
    with pytest.raises(InvalidInput) as info:
        call(subject.store, vault_id)
    assert info.value.code == "invalid_input"
    assert subject.store.load(vault_id) is None


def test_remembered_key_unlocks_the_vault(subject: Subject, tmp_path: Path) -> None:
    vault = Vault.create(tmp_path, "pass phrase", kdf=KdfParams.FAST_INSECURE)
    vault.put_json("note", "n1", {"x": 1})
    subject.used.append(vault.vault_id)
    subject.store.save(vault.vault_id, vault.data_key())
    vault.close()
    with Vault.open(tmp_path) as reopened:
        key = subject.store.load(reopened.vault_id)
        assert key is not None
        reopened.unlock_with_data_key(key)
        assert reopened.get("note", "n1").json() == {"x": 1}


# --- OsKeyringStore specifics -------------------------------------------------------------


def test_entry_is_service_tessera_username_vault_id_value_base64url() -> None:
    backend = DictBackend()
    key = bytes(range(32))
    OsKeyringStore(backend).save("abc123", key)
    assert backend.entries == {(SERVICE, "abc123"): b64url_encode(key)}
    assert SERVICE == "Tessera"
    assert "=" not in backend.entries[(SERVICE, "abc123")]


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("not base64 !", id="not-base64"),
        pytest.param(b64url_encode(bytes(32)) + "==", id="padded"),
        pytest.param(b64url_encode(bytes(16)), id="too-short"),
        pytest.param(b64url_encode(bytes(33)), id="too-long"),
        pytest.param("", id="empty"),
    ],
)
def test_a_foreign_value_in_the_keyring_is_a_keyring_error(stored: str) -> None:
    backend = DictBackend()
    backend.entries[(SERVICE, "v1")] = stored
    with pytest.raises(VaultError) as info:
        OsKeyringStore(backend).load("v1")
    assert info.value.code == "keyring_error"
    assert "passphrase" in str(info.value)


SENTINEL = "SECRET-DETAIL-FROM-THE-BACKEND"


class SecretServiceNotAvailableException(Exception):
    """Stands in for secretstorage's exception of that name (matched by name)."""


ERRORS = [
    (NoKeyringError(SENTINEL), "keyring_unavailable"),
    (InitError(SENTINEL), "keyring_unavailable"),
    (KeyringLocked(SENTINEL), "keyring_unavailable"),
    (ConnectionRefusedError(SENTINEL), "keyring_unavailable"),
    (SecretServiceNotAvailableException(SENTINEL), "keyring_unavailable"),
    (PasswordSetError(SENTINEL), "keyring_error"),
    (KeyringError(SENTINEL), "keyring_error"),
    (RuntimeError(SENTINEL), "keyring_error"),
    (UnicodeDecodeError("utf-8", b"\xff", 0, 1, SENTINEL), "keyring_error"),
]
OPERATIONS: list[tuple[str, Callable[[OsKeyringStore], object]]] = [
    ("load", lambda s: s.load("v1")),
    ("save", lambda s: s.save("v1", bytes(range(32)))),
    ("forget", lambda s: s.forget("v1")),
]


@pytest.mark.parametrize(
    ("exc", "code"), [pytest.param(e, c, id=type(e).__name__) for e, c in ERRORS]
)
@pytest.mark.parametrize("operation", [pytest.param(op, id=i) for i, op in OPERATIONS])
def test_backend_errors_become_vault_errors_without_their_detail(
    exc: Exception, code: str, operation: Callable[[OsKeyringStore], object]
) -> None:
    store = OsKeyringStore(RaisingBackend(exc))
    with pytest.raises(VaultError) as info:
        operation(store)
    error = info.value
    assert type(error) is VaultError
    assert error.code == code
    assert "passphrase" in str(error)
    for text in (str(error), repr(error)):
        assert SENTINEL not in text
        assert b64url_encode(bytes(range(32))) not in text
    assert error.__cause__ is None and error.__suppress_context__


def test_forget_reports_a_delete_that_failed_while_the_entry_stayed() -> None:
    class StickyBackend(DictBackend):
        def delete_password(self, service: str, username: str) -> None:
            raise PasswordDeleteError("cannot delete")

    backend = StickyBackend()
    store = OsKeyringStore(backend)
    store.save("v1", bytes(32))
    with pytest.raises(VaultError) as info:
        store.forget("v1")
    assert info.value.code == "keyring_error"


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param(fail.Keyring(), id="fail"),
        pytest.param(null.Keyring(), id="null"),
        pytest.param(EmptyChainer(), id="empty-chainer"),
    ],
)
def test_no_keyring_backends_are_unavailable(backend: KeyringBackend) -> None:
    store = OsKeyringStore(backend)
    assert store.available() is False
    assert store.description == "no OS keyring"
    for operation in (
        lambda: store.save("v1", bytes(32)),
        lambda: store.load("v1"),
        lambda: store.forget("v1"),
    ):
        with pytest.raises(VaultError) as info:
            operation()
        assert info.value.code == "keyring_unavailable"
        assert "passphrase" in str(info.value)


def test_secret_service_backend_without_a_service_is_unavailable() -> None:
    if secret_service()[0] is not None:
        pytest.skip("a Secret Service is running here")
    from keyring.backends import SecretService

    store = OsKeyringStore(SecretService.Keyring())
    assert store.available() is False
    assert store.description == "Secret Service (e.g. GNOME Keyring)"


def test_default_backend_is_asked_for_lazily_and_never_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = DictBackend()
    calls: list[str] = []

    def get_keyring() -> KeyringBackend:
        calls.append("get")
        return backend

    def set_keyring(_: KeyringBackend) -> None:
        raise AssertionError("OsKeyringStore must not set the process-wide keyring")

    monkeypatch.setattr(keyring, "get_keyring", get_keyring)
    monkeypatch.setattr(keyring, "set_keyring", set_keyring)
    store = OsKeyringStore()
    assert calls == []
    store.save("v1", bytes(32))
    store.load("v1")
    assert calls == ["get"]
    assert (SERVICE, "v1") in backend.entries


def test_default_backend_detection_failure_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def get_keyring() -> KeyringBackend:
        raise RuntimeError(SENTINEL)

    monkeypatch.setattr(keyring, "get_keyring", get_keyring)
    store = OsKeyringStore()
    assert store.available() is False
    assert store.description == "no OS keyring"
    with pytest.raises(VaultError) as info:
        store.load("v1")
    assert info.value.code == "keyring_unavailable"
    assert SENTINEL not in str(info.value)


def test_stale_remembered_key_is_refused(tmp_path: Path) -> None:
    store = OsKeyringStore(DictBackend())
    with Vault.create(tmp_path, "pass phrase", kdf=KdfParams.FAST_INSECURE) as vault:
        vault.put_json("note", "n1", {"x": 1})
        store.save(vault.vault_id, secrets.token_bytes(32))
        vault_id = vault.vault_id
    with Vault.open(tmp_path) as vault:
        key = store.load(vault_id)
        assert key is not None
        with pytest.raises(WrongPassphrase):
            vault.unlock_with_data_key(key)
        assert vault.is_locked


def test_importing_core_and_the_keystore_does_not_import_keyring() -> None:
    code = (
        "import sys, core, core.vault, core.vault.keystore as k\n"
        "k.MemoryKeyStore().save('v', bytes(32))\n"
        "k.OsKeyringStore()\n"
        "assert 'keyring' not in sys.modules, 'keyring imported eagerly'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT, env=env)
