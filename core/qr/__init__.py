"""QR codes: payload <-> QR text, framing of large payloads, rendering and decoding.

- ``core.qr.frames``: the offline presentation frame format, splitting and reassembly
  (pure Python, core dependencies only);
- ``core.qr.render``: PNG rendering with segno, and frame sizing;
- ``core.qr.decode``: reading codes from images with zxing-cpp (and Pillow for files).

segno, zxing-cpp and Pillow come with the ``gui`` extra and are imported only inside the
functions that use them, so this package imports with the core dependencies alone.
"""

from __future__ import annotations

from core.qr.decode import decode_gray, decode_image
from core.qr.frames import (
    MAX_FRAMES,
    Frame,
    FrameAssembler,
    FrameProgress,
    is_frame,
    message_id,
    parse_frame,
    split_frames,
)
from core.qr.render import BYTE_CAPACITY, FRAME_VERSION, frames_for, render_png

__all__ = [
    "BYTE_CAPACITY",
    "FRAME_VERSION",
    "MAX_FRAMES",
    "Frame",
    "FrameAssembler",
    "FrameProgress",
    "decode_gray",
    "decode_image",
    "frames_for",
    "is_frame",
    "message_id",
    "parse_frame",
    "render_png",
    "split_frames",
]
