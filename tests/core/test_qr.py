"""core.qr: render -> PNG -> decode round trips, offline presentation frames, errors."""

from __future__ import annotations

import io
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from core.errors import InvalidInput, MissingDependency
from core.qr import (
    BYTE_CAPACITY,
    FRAME_VERSION,
    MAX_FRAMES,
    FrameAssembler,
    decode_gray,
    decode_image,
    frames_for,
    is_frame,
    message_id,
    parse_frame,
    render_png,
    split_frames,
)
from tests.conftest import REPO_ROOT

B64URL = string.ascii_letters + string.digits + "-_"


def b64url_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(B64URL) for _ in range(size))


def presentation(size: int, seed: int = 7) -> str:
    """An SD-JWT presentation look-alike of about ``size`` characters (base64url, . and ~)."""
    rng = random.Random(seed)
    jwt = ".".join(b64url_text(rng, n) for n in (40, size // 2, 86))
    disclosures = [b64url_text(rng, 60) for _ in range((size - len(jwt)) // 61)]
    return "~".join([jwt, *disclosures, ""])


def read_one(png: bytes) -> str:
    texts = decode_image(png)
    assert len(texts) == 1, texts
    return texts[0]


def scan_all(frames: list[str]) -> list[str]:
    """Each frame rendered at the frame version, then read back from its pixels."""
    return [read_one(render_png(frame, version=FRAME_VERSION)) for frame in frames]


@pytest.fixture(scope="module")
def six_kb() -> str:
    return presentation(6000)


@pytest.fixture(scope="module")
def scanned(six_kb: str) -> list[str]:
    return scan_all(frames_for(six_kb))


# --- single codes -------------------------------------------------------------------------

SINGLE = [
    ("short", "hello", "M"),
    ("one digit (a Micro QR candidate)", "1", "L"),
    ("request URI", "openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fverifier.example.org%2Fcb&request_uri=https%3A%2F%2Fverifier.example.org%2Frequests%2Fabc", "M"),
    ("offer URI", "openid-credential-offer://?credential_offer_uri=https%3A%2F%2Fissuer.example.com%2Foffers%2F42", "Q"),
    ("non-ASCII", "Heidestraße 17, Köln \u2013 東京 ✓", "M"),
    ("version-40 capacity at L", b64url_text(random.Random(1), BYTE_CAPACITY[40]["L"]), "L"),
    ("version-40 capacity at M", b64url_text(random.Random(2), BYTE_CAPACITY[40]["M"]), "M"),
]


@pytest.mark.parametrize(("text", "error"), [case[1:] for case in SINGLE], ids=[c[0] for c in SINGLE])
def test_render_decode_round_trip(text: str, error: str) -> None:
    png = render_png(text, error=error)
    assert png.startswith(b"\x89PNG")
    assert read_one(png) == text
    # The level asked for, not a boosted one; a full QR code, never Micro QR.
    with Image.open(io.BytesIO(png)) as image:
        (barcode,) = zxingcpp.read_barcodes(image.convert("L"))
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.ec_level == error


def test_uris_stay_plain_codes() -> None:
    uri = SINGLE[2][1]
    assert not is_frame(uri)
    assert read_one(render_png(uri)) == uri  # exactly the URI: any wallet can scan it


@pytest.mark.parametrize("version", sorted(BYTE_CAPACITY))
@pytest.mark.parametrize("error", ["L", "M", "Q", "H"])
def test_capacity_table_matches_segno(version: int, error: str) -> None:
    capacity = BYTE_CAPACITY[version][error]
    render_png("a" * capacity, error=error, version=version, scale=1)
    with pytest.raises(InvalidInput) as info:
        render_png("a" * (capacity + 1), error=error, version=version, scale=1)
    assert info.value.code == "qr_too_large"


def test_too_large_for_version_40_is_refused() -> None:
    with pytest.raises(InvalidInput) as info:
        render_png("x" * (BYTE_CAPACITY[40]["M"] + 1), error="M")
    assert info.value.code == "qr_too_large"
    assert "2,331" in str(info.value)


@pytest.mark.parametrize(
    "kwargs", [{"error": "X"}, {"scale": 0}, {"border": -1}, {"version": 41}], ids=str
)
def test_render_bad_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as info:
        render_png("hello", **kwargs)  # type: ignore[arg-type]
    assert info.value.code == "invalid_input"


def test_render_without_segno(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "segno", None)
    with pytest.raises(MissingDependency) as info:
        render_png("hello")
    assert (info.value.package, info.value.extra, info.value.code) == ("segno", "gui", "missing_dependency")


# --- decoding -----------------------------------------------------------------------------


def test_decode_from_file_jpeg_and_gray_pixels(tmp_path: Path) -> None:
    text = "TSR1 decode paths"
    png = render_png(text)
    path = tmp_path / "code.png"
    path.write_bytes(png)
    assert decode_image(path) == [text]
    assert decode_image(str(path)) == [text]
    with Image.open(io.BytesIO(png)) as image:
        gray = image.convert("L")
    jpeg = io.BytesIO()
    gray.save(jpeg, format="JPEG", quality=40)
    assert decode_image(jpeg.getvalue()) == [text]
    assert decode_gray(gray.tobytes(), gray.width, gray.height) == [text]


def test_decode_finds_nothing_in_a_blank_image() -> None:
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    assert decode_image(blank.getvalue()) == []


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n" + b"\0" * 40], ids=["empty", "text", "truncated png"])
def test_decode_unreadable_bytes(data: bytes) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_image(data)
    assert info.value.code == "qr_image_unreadable"


def test_decode_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_image(tmp_path / "nowhere.png")
    assert info.value.code == "qr_image_unreadable"


def test_decode_gray_wrong_size() -> None:
    with pytest.raises(InvalidInput) as info:
        decode_gray(b"\xff" * 99, 10, 10)
    assert info.value.code == "qr_image_unreadable"


@pytest.mark.parametrize(("module", "package"), [("PIL", "Pillow"), ("zxingcpp", "zxing-cpp")])
def test_decode_without_optional_packages(monkeypatch: pytest.MonkeyPatch, module: str, package: str) -> None:
    png = render_png("hello")
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependency) as info:
        decode_image(png)
    assert info.value.package == package


@pytest.mark.parametrize("damage", ["half size", "blurred", "rotated 7 degrees"])
def test_decode_survives_a_degraded_frame(six_kb: str, damage: str) -> None:
    frame = frames_for(six_kb)[0]
    with Image.open(io.BytesIO(render_png(frame, version=FRAME_VERSION))) as image:
        gray = image.convert("L")
    if damage == "half size":
        gray = gray.resize((gray.width // 2, gray.height // 2), Image.Resampling.LANCZOS)
    elif damage == "blurred":
        gray = gray.filter(ImageFilter.GaussianBlur(1.2))
    else:
        gray = gray.rotate(7, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    assert decode_gray(gray.tobytes(), gray.width, gray.height) == [frame]


# --- frames -------------------------------------------------------------------------------


def test_multi_frame_round_trip_shuffled(six_kb: str, scanned: list[str]) -> None:
    assert len(scanned) == 7  # 6 KB at version 25, level M (997 bytes a frame)
    assert all(len(frame) <= BYTE_CAPACITY[FRAME_VERSION]["M"] for frame in scanned)
    order = scanned[:]
    random.Random(3).shuffle(order)
    assembler = FrameAssembler()
    for n, frame in enumerate(order, 1):
        assert not assembler.complete
        progress = assembler.add(frame)
        assert (progress.received, progress.total, progress.added) == (n, 7, True)
    assert progress.complete and assembler.complete
    assert assembler.missing() == []
    assert assembler.message_id == message_id(six_kb)
    assert assembler.result() == six_kb


def test_single_frame_is_still_framed() -> None:
    payload = presentation(500)
    (frame,) = frames_for(payload)
    assert frame.startswith(f"TSR1:{message_id(payload)}:1/1:")
    (read,) = scan_all([frame])
    assembler = FrameAssembler()
    assert assembler.add(read).complete
    assert assembler.result() == payload


@pytest.mark.parametrize(
    ("absent", "message"),
    [([4], "frame 4 of 7 is missing"), ([3, 5], "frames 3 and 5 of 7 are missing"), ([1, 2, 7], "frames 1, 2 and 7 of 7 are missing")],
)
def test_missing_frames_are_named(scanned: list[str], absent: list[int], message: str) -> None:
    assembler = FrameAssembler()
    for frame in reversed(scanned):
        if parse_frame(frame).index not in absent:
            assembler.add(frame)
    assert not assembler.complete
    assert assembler.missing() == absent
    with pytest.raises(InvalidInput) as info:
        assembler.result()
    assert info.value.code == "qr_frames_incomplete"
    assert str(info.value) == message


def test_many_missing_frames_are_summarised() -> None:
    frames = split_frames("z" * 2000, max_chars=40)
    assembler = FrameAssembler()
    assembler.add(frames[0])
    with pytest.raises(InvalidInput) as info:
        assembler.result()
    assert str(info.value).startswith("frames 2, 3, 4,")
    assert f"and {len(frames) - 13} more of {len(frames)} are missing" in str(info.value)


def test_result_before_any_frame() -> None:
    assembler = FrameAssembler()
    assert assembler.missing() == [] and assembler.message_id is None and assembler.total == 0
    with pytest.raises(InvalidInput) as info:
        assembler.result()
    assert info.value.code == "qr_frames_incomplete"


def test_foreign_frame_is_refused(six_kb: str, scanned: list[str]) -> None:
    other = frames_for(presentation(6000, seed=8))
    assembler = FrameAssembler()
    assembler.add(scanned[0])
    with pytest.raises(InvalidInput) as info:
        assembler.add(other[1])
    assert info.value.code == "qr_frame_foreign"
    for frame in scanned[1:]:  # the refused frame left no trace
        assembler.add(frame)
    assert assembler.result() == six_kb


def test_duplicates_change_nothing(six_kb: str, scanned: list[str]) -> None:
    assembler = FrameAssembler()
    assembler.add(scanned[2])
    again = assembler.add(scanned[2])
    assert (again.received, again.added) == (1, False)
    for frame in scanned + scanned:
        assembler.add(frame)
    assert assembler.result() == six_kb


def test_tampered_chunk_fails_the_hash(scanned: list[str]) -> None:
    frame = parse_frame(scanned[3])
    flipped = "A" if frame.chunk[10] != "A" else "B"
    tampered = frame.text()[: -len(frame.chunk)] + frame.chunk[:10] + flipped + frame.chunk[11:]
    assembler = FrameAssembler()
    for text in [*scanned[:3], tampered, *scanned[4:]]:
        assembler.add(text)
    assert assembler.complete
    with pytest.raises(InvalidInput) as info:
        assembler.result()
    assert info.value.code == "qr_payload_corrupt"


def test_inconsistent_frames_are_refused(scanned: list[str]) -> None:
    first = parse_frame(scanned[0])
    assembler = FrameAssembler()
    assembler.add(scanned[0])
    other_total = f"TSR1:{first.message_id}:2/8:abc"
    other_chunk = f"TSR1:{first.message_id}:1/7:{first.chunk[:-1]}"
    for text in (other_total, other_chunk):
        with pytest.raises(InvalidInput) as info:
            assembler.add(text)
        assert info.value.code == "qr_frame_inconsistent"
    assert assembler.missing() == [2, 3, 4, 5, 6, 7]


MALFORMED = [
    "",
    "hello",
    "openid4vp://?request_uri=https%3A%2F%2Fv.example%2Fr",
    "TSR1:",
    "TSR1:ABCDEFGH:1/3",
    "TSR1:ABCDEFGH:0/3:x",
    "TSR1:ABCDEFGH:4/3:x",
    "TSR1:ABCDEFGH:01/3:x",
    "TSR1:ABCDEFGH:1/1000:x",
    "TSR1:abcdefgh:1/3:x",
    "TSR1:ABCDEFG1:1/3:x",
    "TSR1:ABCDEFGHI:1/3:x",
    "TSR2:ABCDEFGH:1/1:x",
    "tsr1:ABCDEFGH:1/1:x",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_frames(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        FrameAssembler().add(text)
    assert info.value.code == "qr_frame_malformed"


SPLITS = [
    ("ascii, one frame", "a" * 10, 100, 1),
    ("ascii, exactly 9 frames", "b" * 9 * 82, 100, 9),
    ("ascii, 10 frames (two-digit header)", "c" * (9 * 82 + 1), 100, 10),
    ("ascii, 999 frames", "d" * 999 * 20, 42, 999),
    ("non-ASCII", "Köln\u2013東京🙂" * 300, 120, None),
    ("empty", "", 100, 1),
]


@pytest.mark.parametrize(("payload", "max_chars", "count"), [c[1:] for c in SPLITS], ids=[c[0] for c in SPLITS])
def test_split_frames_table(payload: str, max_chars: int, count: int | None) -> None:
    frames = split_frames(payload, max_chars=max_chars)
    if count is not None:
        assert len(frames) == count
    assert all(len(frame.encode("utf-8")) <= max_chars for frame in frames)
    parsed = [parse_frame(frame) for frame in frames]
    assert [p.index for p in parsed] == list(range(1, len(frames) + 1))
    assert "".join(p.chunk for p in parsed) == payload
    assembler = FrameAssembler()
    for frame in reversed(frames):
        assembler.add(frame)
    assert assembler.result() == payload


def test_non_ascii_frames_round_trip_through_pixels() -> None:
    payload = "Heidestraße 17 · Köln · 東京 · " * 60
    frames = frames_for(payload)
    assert len(frames) > 1
    assembler = FrameAssembler()
    for frame in scan_all(frames):
        assembler.add(frame)
    assert assembler.result() == payload


def test_split_limits() -> None:
    with pytest.raises(InvalidInput) as info:
        split_frames("abc", max_chars=19)
    assert info.value.code == "invalid_input"
    with pytest.raises(InvalidInput) as info:
        split_frames("e" * (MAX_FRAMES * 20 + 1), max_chars=42)
    assert info.value.code == "qr_too_large"
    with pytest.raises(InvalidInput):
        frames_for("abc", version=30)


# --- core dependencies only -----------------------------------------------------------------

BLOCKED = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("segno", "zxingcpp", "PIL", "numpy"):
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
from core.errors import MissingDependency
from core.qr import FrameAssembler, frames_for, render_png, decode_image
payload = "x" * 5000
assembler = FrameAssembler()
for frame in reversed(frames_for(payload)):
    assembler.add(frame)
assert assembler.result() == payload
for call in (lambda: render_png("x"), lambda: decode_image(b"x")):
    try:
        call()
    except MissingDependency as exc:
        print(exc.package)
"""


def test_frames_work_with_core_dependencies_only() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["segno", "Pillow"]
