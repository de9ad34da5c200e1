"""DIDKit (PyPI ``didkit``) as a test peer, run as a script in its own process.

Reads a JSON list of requests on stdin and writes a JSON list of answers on stdout, one
per request. Requests (``jwk`` is a private Ed25519 JWK; test keys only):

- ``{"op": "version"}`` → ``{"version"}``;
- ``{"op": "generate"}`` → ``{"jwk"}``: a new Ed25519 key made by DIDKit;
- ``{"op": "did", "jwk"}`` → ``{"did", "verification_method"}`` (did:key);
- ``{"op": "issue", "credential", "jwk", "options"}`` → ``{"credential"}``: DIDKit's
  ``issue_credential`` with ``options`` as proof options (``verificationMethod`` and
  ``proofPurpose`` default to the key's did:key method and ``assertionMethod``);
- ``{"op": "verify", "credential", "options"}`` → DIDKit's result ``{"checks",
  "warnings", "errors"}``.

A request DIDKit refuses answers ``{"error": "<exception type>: <message>"}``. The
process leaves with ``os._exit`` once the answers are written: DIDKit's native module can
crash the interpreter while it shuts down, which must not fail the test that called it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

import didkit


async def _did(jwk: str) -> dict[str, Any]:
    method = await didkit.key_to_verification_method("key", jwk)
    return {"did": didkit.key_to_did("key", jwk), "verification_method": method}


async def _answer(request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "version":
        return {"version": didkit.get_version()}
    if op == "generate":
        return {"jwk": json.loads(didkit.generate_ed25519_key())}
    if op == "did":
        return await _did(json.dumps(request["jwk"]))
    if op == "issue":
        jwk = json.dumps(request["jwk"])
        options = dict(request.get("options") or {})
        options.setdefault("verificationMethod", (await _did(jwk))["verification_method"])
        options.setdefault("proofPurpose", "assertionMethod")
        issued = await didkit.issue_credential(
            json.dumps(request["credential"]), json.dumps(options), jwk
        )
        is_jwt = options.get("proofFormat") == "jwt"
        return {"credential": issued if is_jwt else json.loads(issued)}
    if op == "verify":
        credential = request["credential"]
        text = credential if isinstance(credential, str) else json.dumps(credential)
        result = await didkit.verify_credential(text, json.dumps(request.get("options") or {}))
        answer: dict[str, Any] = json.loads(result)
        return answer
    return {"error": f"unknown op {op!r}"}


async def _main(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answers = []
    for request in requests:
        try:
            answers.append(await _answer(request))
        except Exception as exc:  # DIDKit raises ValueError and its own DIDKitException
            answers.append({"error": f"{type(exc).__name__}: {exc}"})
    return answers


if __name__ == "__main__":
    answers = asyncio.run(_main(json.load(sys.stdin)))
    sys.stdout.write(json.dumps(answers))
    sys.stdout.flush()
    os._exit(0)
