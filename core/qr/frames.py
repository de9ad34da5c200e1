"""Offline presentation frames: split a payload into QR-sized texts and put it back together.

Pure Python and standard library only, so a verifier can reassemble frames with nothing
but the core dependencies (reading the codes from pixels is ``core.qr.decode``'s job).

Frame text
----------
::

    TSR1:<id>:<index>/<total>:<chunk>

``TSR1``
    Format tag and version. Anything else is not a frame of this format.
``<id>``
    The message id: the first 5 bytes of SHA-256 over the payload's UTF-8 bytes, as 8
    characters of RFC 4648 base32 (``A``-``Z``, ``2``-``7``, no padding). Every frame of
    one payload carries it. Frames with another id belong to another payload and are
    refused (``qr_frame_foreign``); on reassembly the hash is recomputed and must match
    (``qr_payload_corrupt``), which catches a changed or misplaced chunk. 40 bits guard
    against accidents (mixing two presentations, a misread), not against an attacker: the
    presentation inside carries its own signatures, which the verifier checks afterwards.
``<index>/<total>``
    Decimal, no leading zeros, ``1 <= index <= total <= MAX_FRAMES`` (999).
``<chunk>``
    The next piece of the payload, verbatim (cut between characters, never inside one).

The header uses only characters of the QR alphanumeric set (upper-case letters, digits,
``:`` and ``/``); the chunk of an SD-JWT presentation (base64url, ``.`` and ``~``) is
ASCII, so a frame is ASCII and fits QR byte mode one byte per character.

One frame or several
--------------------
An offline presentation is always framed, even when it fits one code
(``TSR1:<id>:1/1:<payload>``): the verifier can tell a Tessera presentation from any other
code it scans, and the id checks what it read. Framing is only for offline
presentations: an ``openid4vp://`` request or ``openid-credential-offer://`` offer is
rendered as a plain QR code holding the URI itself, so that any wallet can scan it.

Reassembly: :class:`FrameAssembler` takes frames in any order; a repeated frame changes
nothing; ``missing()`` lists the frame numbers not yet seen, and ``result()`` returns the
payload once every frame is in and the id matches.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from core.errors import InvalidInput

PREFIX = "TSR1"
#: The most frames one payload may be split into (three decimal digits).
MAX_FRAMES = 999
#: How many missing frame numbers an error message lists before "and N more".
_LISTED_MISSING = 12

_FRAME = re.compile(r"TSR1:([A-Z2-7]{8}):([1-9][0-9]{0,2})/([1-9][0-9]{0,2}):")


def message_id(payload: str) -> str:
    """The 8-character message id of ``payload`` (base32 of the first 5 bytes of SHA-256)."""
    digest = hashlib.sha256(payload.encode("utf-8")).digest()
    return base64.b32encode(digest[:5]).decode("ascii")


@dataclass(frozen=True)
class Frame:
    """One parsed frame. Build it with :func:`parse_frame`."""

    message_id: str
    index: int
    total: int
    chunk: str

    def text(self) -> str:
        """The frame's text, as put in a QR code."""
        return f"{PREFIX}:{self.message_id}:{self.index}/{self.total}:{self.chunk}"


def is_frame(text: str) -> bool:
    """True when ``text`` starts like a frame of this format (``TSR1:``)."""
    return text.startswith(PREFIX + ":")


def parse_frame(text: str) -> Frame:
    """Parse one frame's text.

    Raises InvalidInput(qr_frame_malformed) when the text is not a frame of this format,
    or its index is 0 or beyond its total.
    """
    match = _FRAME.match(text)
    if match is None:
        if is_frame(text):
            raise InvalidInput(
                "this QR code looks like a Tessera frame but its header is damaged",
                code="qr_frame_malformed",
            )
        raise InvalidInput(
            "this QR code is not part of a Tessera offline presentation",
            code="qr_frame_malformed",
        )
    index, total = int(match.group(2)), int(match.group(3))
    if index > total:
        raise InvalidInput(
            f"frame number {index} is beyond the frame count {total}", code="qr_frame_malformed"
        )
    return Frame(match.group(1), index, total, text[match.end() :])


def _cut(payload: str, budget: int) -> list[str]:
    """Cut ``payload`` into pieces of at most ``budget`` UTF-8 bytes, between characters."""
    if payload.isascii():
        return [payload[i : i + budget] for i in range(0, len(payload), budget)] or [""]
    pieces: list[str] = []
    start, used = 0, 0
    for position, char in enumerate(payload):
        size = len(char.encode("utf-8"))
        if used + size > budget:
            pieces.append(payload[start:position])
            start, used = position, 0
        used += size
    pieces.append(payload[start:])
    return pieces


def split_frames(payload: str, *, max_chars: int) -> list[str]:
    """Split ``payload`` into frame texts, each at most ``max_chars`` bytes in UTF-8.

    ``max_chars`` counts UTF-8 bytes, which is characters for an ASCII payload such as an
    SD-JWT presentation; it is the QR byte-mode capacity of the chosen code size (see
    ``core.qr.render.frames_for``). A payload that fits one frame still gets one (``1/1``).

    Raises InvalidInput(invalid_input) when ``max_chars`` leaves no room after the header,
    and InvalidInput(qr_too_large) when more than MAX_FRAMES frames would be needed.
    """
    if not isinstance(payload, str):
        raise InvalidInput("the payload to split must be text")
    ident = message_id(payload)
    for digits in (1, 2, 3):
        # "TSR1:" + id + ":" + index + "/" + total + ":", index and total both `digits` long
        budget = max_chars - (len(PREFIX) + 1 + len(ident) + 1 + 2 * digits + 2)
        if budget < 4:  # room for at least one character of any size
            raise InvalidInput(
                f"max_chars={max_chars} leaves no room for data after the frame header"
            )
        pieces = _cut(payload, budget)
        if len(pieces) < 10**digits:
            total = len(pieces)
            return [Frame(ident, n, total, piece).text() for n, piece in enumerate(pieces, 1)]
    raise InvalidInput(
        f"the payload needs more than {MAX_FRAMES} frames of {max_chars} bytes",
        code="qr_too_large",
    )


@dataclass(frozen=True)
class FrameProgress:
    """Where reassembly stands after one :meth:`FrameAssembler.add`."""

    received: int
    total: int
    #: False when the frame had been seen before (duplicates change nothing).
    added: bool

    @property
    def complete(self) -> bool:
        return self.received == self.total


def _describe_missing(missing: list[int], total: int) -> str:
    shown = [str(n) for n in missing[:_LISTED_MISSING]]
    more = len(missing) - len(shown)
    if more:
        listed = ", ".join(shown) + f" and {more} more"
    elif len(shown) == 1:
        return f"frame {shown[0]} of {total} is missing"
    else:
        listed = ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"frames {listed} of {total} are missing"


class FrameAssembler:
    """Collects the frames of one payload, in any order, and returns the payload.

    The first frame added fixes the message id and the frame count; later frames must
    agree. Not thread-safe: feed it from one thread (the scanner's).
    """

    def __init__(self) -> None:
        self._id: str | None = None
        self._total = 0
        self._chunks: dict[int, str] = {}

    @property
    def message_id(self) -> str | None:
        """The id of the payload being assembled, or None before the first frame."""
        return self._id

    @property
    def total(self) -> int:
        """The number of frames of the payload, or 0 before the first frame."""
        return self._total

    @property
    def complete(self) -> bool:
        """True once every frame has been added."""
        return self._total > 0 and len(self._chunks) == self._total

    def add(self, text: str) -> FrameProgress:
        """Add one frame's text; a frame seen before is accepted and changes nothing.

        Raises InvalidInput with code qr_frame_malformed (not a frame, or a bad header),
        qr_frame_foreign (a frame of another payload) or qr_frame_inconsistent (the same
        id with another frame count, or the same frame number with another chunk). A
        refused frame leaves the assembler as it was.
        """
        frame = parse_frame(text)
        if self._id is None:
            self._id, self._total = frame.message_id, frame.total
        elif frame.message_id != self._id:
            raise InvalidInput(
                f"this frame belongs to another presentation ({frame.message_id}, not {self._id})",
                code="qr_frame_foreign",
            )
        elif frame.total != self._total:
            raise InvalidInput(
                f"this frame says {frame.total} frames, earlier ones said {self._total}",
                code="qr_frame_inconsistent",
            )
        seen = self._chunks.get(frame.index)
        if seen is not None:
            if seen != frame.chunk:
                raise InvalidInput(
                    f"frame {frame.index} arrived twice with different contents",
                    code="qr_frame_inconsistent",
                )
            return FrameProgress(len(self._chunks), self._total, added=False)
        self._chunks[frame.index] = frame.chunk
        return FrameProgress(len(self._chunks), self._total, added=True)

    def missing(self) -> list[int]:
        """The frame numbers (1-based, ascending) not yet added; [] before the first frame."""
        return [n for n in range(1, self._total + 1) if n not in self._chunks]

    def result(self) -> str:
        """The reassembled payload.

        Raises InvalidInput(qr_frames_incomplete) naming the missing frames (for example
        "frames 3 and 5 of 7 are missing") while any are, and
        InvalidInput(qr_payload_corrupt) when the joined chunks do not hash to the id.
        """
        if self._id is None:
            raise InvalidInput("no frames have been read yet", code="qr_frames_incomplete")
        missing = self.missing()
        if missing:
            raise InvalidInput(_describe_missing(missing, self._total), code="qr_frames_incomplete")
        payload = "".join(self._chunks[n] for n in range(1, self._total + 1))
        if message_id(payload) != self._id:
            raise InvalidInput(
                "the frames were read but the presentation they make up is damaged "
                "(its checksum does not match)",
                code="qr_payload_corrupt",
            )
        return payload
