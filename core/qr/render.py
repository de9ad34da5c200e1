"""Rendering QR codes as PNG with segno (the ``gui`` extra), and sizing offline frames.

Always a full QR code (``segno.make_qr``, never Micro QR, which many scanners cannot
read) at exactly the error correction level asked for (``boost_error=False``: segno would
otherwise raise the level when the data leaves room, changing the code's size and look).

Text that is all ASCII is left to segno's mode choice (numeric, alphanumeric or byte).
Any other text is written in byte mode as UTF-8 with an ECI header saying so, so that
decoders do not have to guess the character set (segno would otherwise pick ISO-8859-1
or even Kanji mode for some characters).

Capacities (bytes in byte mode, from the QR standard's tables; checked against segno by
the tests):

=======  =====  =====  =====  =====
version    L      M      Q      H
=======  =====  =====  =====  =====
25       1,273    997    715    535
40       2,953  2,331  1,663  1,273
=======  =====  =====  =====  =====

Offline frames are sized for version 25 (117 x 117 modules, 500 px at scale 4 with the
4-module quiet zone): large enough that a 6 KB presentation takes 7 frames at level M,
small enough that each frame stays readable on a laptop screen seen by a webcam or
phone. A version-40 code (177 x 177 modules) holds more but needs a sharp, close camera.

segno is imported inside the functions that need it, so ``import core.qr`` works with
the core dependencies alone; without segno, rendering raises MissingDependency.
"""

from __future__ import annotations

import io
from typing import Final

from core.errors import InvalidInput, MissingDependency
from core.qr.frames import split_frames

#: Byte-mode capacity, by version and error correction level.
BYTE_CAPACITY: Final[dict[int, dict[str, int]]] = {
    25: {"L": 1273, "M": 997, "Q": 715, "H": 535},
    40: {"L": 2953, "M": 2331, "Q": 1663, "H": 1273},
}
#: The version offline presentation frames are sized for.
FRAME_VERSION: Final = 25
#: Bytes an ECI header (UTF-8 designator) takes from the capacity, rounded up.
ECI_OVERHEAD: Final = 2

_LEVELS = frozenset("LMQH")


def _level(error: str) -> str:
    level = error.upper() if isinstance(error, str) else ""
    if level not in _LEVELS:
        raise InvalidInput(f"QR error correction level must be L, M, Q or H, not {error!r}")
    return level


def frames_for(payload: str, error: str = "M", *, version: int = FRAME_VERSION) -> list[str]:
    """Split an offline presentation into frame texts that each fit one QR code of
    ``version`` (25 or 40) at error level ``error``. Needs no optional package.

    Raises InvalidInput for an unknown level or version, and InvalidInput(qr_too_large)
    when more than 999 frames would be needed.
    """
    level = _level(error)
    if version not in BYTE_CAPACITY:
        raise InvalidInput(f"frames are sized for QR versions {sorted(BYTE_CAPACITY)} only")
    capacity = BYTE_CAPACITY[version][level]
    if not payload.isascii():
        capacity -= ECI_OVERHEAD
    return split_frames(payload, max_chars=capacity)


def render_png(
    text: str, *, error: str = "M", scale: int = 4, border: int = 4, version: int | None = None
) -> bytes:
    """Render ``text`` as one QR code in PNG, at exactly error level ``error``.

    ``scale`` is pixels per module, ``border`` the quiet zone in modules (4 is the
    standard's minimum). ``version`` fixes the code's size (so that the frames of one
    presentation all look alike); None picks the smallest that fits.

    Raises InvalidInput(qr_too_large) when the text does not fit version 40 (or the
    given version) at that level, InvalidInput for bad arguments, and
    MissingDependency when segno is not installed.
    """
    level = _level(error)
    if not isinstance(text, str):
        raise InvalidInput("QR content must be text")
    if scale < 1 or border < 0:
        raise InvalidInput("scale must be at least 1 and border at least 0")
    if version is not None and not 1 <= version <= 40:
        raise InvalidInput(f"QR versions go from 1 to 40, not {version}")
    try:
        import segno
    except ImportError as exc:
        raise MissingDependency(
            "rendering QR codes needs segno: install tessera-wallet[gui]",
            package="segno",
            extra="gui",
        ) from exc
    plain = text.isascii()
    try:
        code = segno.make_qr(
            text,
            error=level,
            version=version,
            boost_error=False,
            mode=None if plain else "byte",
            encoding=None if plain else "utf-8",
            eci=not plain,
        )
    except segno.DataOverflowError as exc:
        size = len(text.encode("utf-8"))
        limit = BYTE_CAPACITY[40][level] if version is None else None
        detail = f" (at most {limit:,} bytes)" if limit is not None else ""
        where = "a version-40" if version is None else f"a version-{version}"
        raise InvalidInput(
            f"{size:,} bytes do not fit {where} QR code at level {level}{detail}",
            code="qr_too_large",
        ) from exc
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=border)
    return out.getvalue()
