"""Token Status List benchmark (issue 7: decoding a 2^20-entry list under 50 ms).

The list: Appendix C.2 of draft-ietf-oauth-status-list-20 (2 bits, 2^20 entries, 256 KiB
uncompressed), from /work/shared/vectors/token-status-list.json. Measured in one run,
interleaved within each of ROUNDS rounds:

- decode: ``StatusList.from_json({"bits", "lst"})`` (base64url, bounded zlib, the list);
- lookup: ``get`` of 10,000 random indexes on the decoded list;
- reference: ``zlib.decompress`` of the same compressed bytes (no bound, no checks).

Absolute figures are medians over rounds; the ratio is the median of per-round ratios
decode / reference. The table is printed and written to artifacts/status_bench.{md,json}.
Run with ``.venv/bin/python -m pytest tests/benchmarks/test_status_bench.py -s``.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import zlib
from pathlib import Path

import pytest

from core.encoding import b64url_decode
from core.status import StatusList

pytestmark = pytest.mark.benchmark

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"
VECTORS = Path("/work/shared/vectors/token-status-list.json")
ROUNDS = 25
LOOKUPS = 10_000
DECODE_TARGET_MS = 50.0


def test_status_list_decode_and_lookup() -> None:
    vector = json.loads(VECTORS.read_text(encoding="utf-8"))["appendix_c_test_vectors"][1]
    obj = {"bits": vector["bits"], "lst": vector["lst"]}
    compressed = b64url_decode(vector["lst"])
    indexes = [random.Random(7).randrange(vector["size"]) for _ in range(LOOKUPS)]
    decode_ms: list[float] = []
    lookup_ms: list[float] = []
    reference_ms: list[float] = []
    ratios: list[float] = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        status_list = StatusList.from_json(obj)
        decode = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        for index in indexes:
            status_list.get(index)
        lookup = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        raw = zlib.decompress(compressed)
        reference = (time.perf_counter() - start) * 1000
        assert raw == status_list.data and status_list.size == 2**20
        decode_ms.append(decode)
        lookup_ms.append(lookup)
        reference_ms.append(reference)
        ratios.append(decode / reference)
    decode_median = statistics.median(decode_ms)
    figures: dict[str, object] = {
        "list": f"Appendix C.2, {vector['bits']} bits, {vector['size']} entries",
        "compressed_bytes": len(compressed),
        "decode_ms": statistics.median(decode_ms),
        "lookup_10000_ms": statistics.median(lookup_ms),
        "reference_zlib_ms": statistics.median(reference_ms),
        "decode_over_reference": statistics.median(ratios),
        "rounds": ROUNDS,
        "raw": {"decode": decode_ms, "lookup": lookup_ms, "reference": reference_ms},
    }
    table = "\n".join(
        [
            "| measure | median | target |",
            "|---|---|---|",
            f"| decode 2^20-entry list | {figures['decode_ms']:.2f} ms | < {DECODE_TARGET_MS} ms |",
            f"| 10,000 lookups | {figures['lookup_10000_ms']:.2f} ms | (reported) |",
            f"| reference: zlib.decompress | {figures['reference_zlib_ms']:.2f} ms | |",
            f"| ratio decode / reference | {figures['decode_over_reference']:.2f}x | |",
        ]
    )
    print("\n" + table)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "status_bench.md").write_text(table + "\n", encoding="utf-8")
    (ARTIFACTS / "status_bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    assert decode_median < DECODE_TARGET_MS
