"""Shared test set-up: headless Qt before any Qt import, and the published vectors."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

# pytest-qt aborts the interpreter without a display unless this is set before Qt loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parents[1]
VECTORS_DIR = Path(os.environ.get("TESSERA_VECTORS", REPO_ROOT.parent / "shared" / "vectors"))


def load_vector(name: str) -> Any:
    """Load one published vector file from ../shared/vectors (never edited)."""
    return json.loads((VECTORS_DIR / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    assert VECTORS_DIR.is_dir(), f"published vectors not found at {VECTORS_DIR}"
    return VECTORS_DIR


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    """An HTTP client for the servers tests run on 127.0.0.1 (no proxies from the
    environment)."""
    with httpx.Client(timeout=10, trust_env=False) as client:
        yield client
