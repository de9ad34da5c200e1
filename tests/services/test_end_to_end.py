"""The whole chain over loopback HTTP, every part started as a user would start it:
``tessera issuer serve`` and ``tessera verifier serve`` as processes, the wallet through
the ``tessera`` command: offer → receive → request → respond → the verifier reports the
verified claims. Nothing is mocked."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import REPO_ROOT

PASSPHRASE = "correct horse battery staple"
IDENTITY_VCT = "urn:tessera:demo:identity:1"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    env.update(TESSERA_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO_ROOT))
    return env


@contextmanager
def service(*argv: str) -> Iterator[str]:
    """Run ``tessera … serve --port 0`` and yield the base URL it prints first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", *argv, "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=REPO_ROOT,
        env=_env(),
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), base_url
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=20)


def tessera(vault: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "core.cli", "--vault", str(vault), *argv],
        input="", capture_output=True, text=True, cwd=REPO_ROOT, timeout=120, check=False,
        env=_env(),
    )
    assert "Traceback" not in result.stderr
    return result


def test_offer_receive_request_respond_verified(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    assert tessera(vault, "init", "--kdf", "interactive").returncode == 0
    with service("issuer") as issuer, service("verifier") as verifier, httpx.Client(
        timeout=10, trust_env=False
    ) as http:
        offer = http.post(
            f"{issuer}/demo/offers", json={"credential_configuration_id": "identity_credential"}
        )
        assert offer.status_code == 201, offer.text
        received = tessera(vault, "receive", offer.json()["offer_uri"])
        assert received.returncode == 0, received.stderr

        query: dict[str, Any] = {
            "credentials": [
                {
                    "id": "pid",
                    "format": "dc+sd-jwt",
                    "meta": {"vct_values": [IDENTITY_VCT]},
                    "claims": [{"path": ["given_name"]}, {"path": ["address", "locality"]}],
                }
            ]
        }
        request = http.post(f"{verifier}/demo/requests", json={"dcql_query": query})
        assert request.status_code == 201, request.text
        answered = tessera(vault, "respond", request.json()["request_uri"], "--approve")
        assert answered.returncode == 0, answered.stderr

        result = http.get(f"{verifier}/demo/requests/{request.json()['id']}").json()
        assert result["status"] == "verified", result
        (shared,) = result["claims"]["pid"]
        assert shared["given_name"] == "Erika"
        assert shared["address"]["locality"] == "Köln"
        assert "birthdate" not in shared and "family_name" not in shared

    log = tessera(vault, "log", "export")
    assert "credential.imported" in log.stdout and "credential.presented" in log.stdout
    assert "Köln" not in log.stdout and "Erika" not in log.stdout
    assert tessera(vault, "log", "verify").returncode == 0
