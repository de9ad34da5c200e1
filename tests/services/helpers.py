"""What the loopback tests share: running the demo issuer and verifier, setting a
credential's status at the issuer, opening a wallet, asking the verifier for a request's
state, and running ``tessera`` as a process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from core.clock import SystemClock
from core.keys import PrivateKey
from core.services.issuer import create_issuer_app
from core.services.runner import serve_in_thread
from core.services.verifier import DemoVerifier, create_verifier_app
from core.vault.kdf import KdfParams
from core.wallet import Wallet
from tests.conftest import REPO_ROOT

PASSPHRASE = "correct horse battery staple"


@contextmanager
def running_issuer(issuer_key: PrivateKey, **options: Any) -> Iterator[str]:
    """The demo issuer under uvicorn on 127.0.0.1; yields its base URL."""
    with serve_in_thread(
        lambda base_url: create_issuer_app(base_url=base_url, issuer_key=issuer_key, **options)
    ) as base_url:
        yield base_url


def set_status(http: httpx.Client, issuer: str, offer_id: str, status: str) -> httpx.Response:
    """Ask the demo issuer to set the status of the credential issued for ``offer_id``."""
    return http.post(f"{issuer}/demo/offers/{offer_id}/status", json={"status": status})


@contextmanager
def running_verifier(**options: Any) -> Iterator[tuple[str, DemoVerifier]]:
    """The demo verifier under uvicorn on 127.0.0.1: (base URL, its state)."""
    made: dict[str, Any] = {}

    def factory(base_url: str) -> Any:
        made["app"] = create_verifier_app(base_url=base_url, clock=SystemClock(), **options)
        return made["app"]

    with serve_in_thread(factory) as base_url:
        yield base_url, made["app"].state.verifier


@contextmanager
def unlocked(vault: Path) -> Iterator[Wallet]:
    """The wallet in ``vault``, open and unlocked with :data:`PASSPHRASE`."""
    with Wallet.open(vault) as opened:
        opened.unlock(PASSPHRASE)
        yield opened


def new_wallet(directory: Path) -> tuple[Wallet, str]:
    """A new wallet (fast KDF) with :data:`PASSPHRASE`: (wallet, its first identity's DID)."""
    wallet, _ = Wallet.create(directory, PASSPHRASE, kdf=KdfParams.FAST_INSECURE)
    return wallet, wallet.identities.all()[0].did


def request_state(base_url: str, request_id: str) -> dict[str, Any]:
    """``GET /demo/requests/{id}`` of the demo verifier."""
    response = httpx.get(f"{base_url}/demo/requests/{request_id}", timeout=10)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def tessera(vault: Path | None, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m core.cli [--vault VAULT] ARGV`` with TESSERA_PASSPHRASE set and no
    other TESSERA_ variable, stdin empty."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    env.update(TESSERA_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO_ROOT))
    vault_args = [] if vault is None else ["--vault", str(vault)]
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *vault_args, *argv],
        input="",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
        env=env,
    )
