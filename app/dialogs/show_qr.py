"""Show a presentation as QR codes, for a verifier that reads it off the screen (offline
presentation).

The presentation is framed by ``core.qr.frames_for`` (``TSR1:<id>:<n>/<total>:<chunk>``,
sized for a version-25 code at level M). When it fits one frame, one still code is shown.
Otherwise the frames play as an animated sequence, one every ``interval_ms``, each frame
labelled "Frame 3 of 7"; the verifier's scanner collects them in any order. Every frame
is rendered at the same version, scale and quiet zone, so the codes do not jump in size.

Keyboard: Space pauses and resumes, Left and Right step back and forth (and pause, so the
frame stays put while someone looks at it), Escape closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import heading, note
from core.qr import FRAME_VERSION, frames_for, render_png

#: Milliseconds each frame stays on screen while the sequence plays.
INTERVAL_MS = 400
#: Pixels per QR module: a version-25 frame is (117 + 8) x 4 = 500 px square.
SCALE = 4
#: Quiet zone in modules (the standard's minimum).
BORDER = 4
#: Error correction level of every frame (what frames_for sizes them for).
LEVEL = "M"
#: A version-25 code with its quiet zone, in modules: the size every frame is drawn at.
FRAME_MODULES = 17 + 4 * FRAME_VERSION + 2 * BORDER

ONE_CODE = "Let the verifier scan this code. It holds the whole presentation."
SEVERAL = ("This presentation is too large for one code, so it is shown as {total} codes "
           "in turn. Keep this window in front of the verifier's scanner until it has read "
           "them all; it can read them in any order.")
KEYS = "Space pauses or resumes; the Left and Right arrow keys step through the codes."


def frame_image(text: str) -> QImage:
    """One frame's PNG (core.qr: full QR, level M, version 25, quiet zone) as RGB32."""
    png = render_png(text, error=LEVEL, scale=SCALE, border=BORDER, version=FRAME_VERSION)
    image = QImage()
    if not image.loadFromData(png, "PNG"):
        raise ValueError("the QR code image could not be decoded")  # pragma: no cover
    return image.convertToFormat(QImage.Format.Format_RGB32)


class ShowQrDialog(QDialog):
    """Shows ``presentation`` as one QR code, or as an animated sequence of frames.

    ``frames`` holds the frame texts, ``index`` the one on screen (0-based). Raises
    InvalidInput(qr_too_large) when the presentation needs more than 999 frames.
    """

    def __init__(
        self,
        presentation: str,
        parent: QWidget | None = None,
        *,
        interval_ms: int = INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.presentation = presentation
        self.frames = frames_for(presentation, LEVEL)
        self.pixmaps = [QPixmap.fromImage(frame_image(text)) for text in self.frames]
        self.index = 0
        self.setWindowTitle("Show as QR code")

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.advance)

        side = FRAME_MODULES * SCALE
        self.code = QLabel(self)
        self.code.setObjectName("showQrCode")
        self.code.setAccessibleName("QR code of the presentation")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setFixedSize(side + 2 * 16, side + 2 * 16)
        self.code.setAutoFillBackground(True)
        self.code.setStyleSheet("QLabel#showQrCode { background: #ffffff; border: none; }")
        self.code.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # takes the arrow keys

        self.position = QLabel(self)
        self.position.setObjectName("showQrPosition")
        self.position.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pause_button = QPushButton("Resume", self)
        self.pause_button.setMinimumWidth(self.pause_button.sizeHint().width())  # both fit
        self.pause_button.setText("Pause")
        self.pause_button.setAutoDefault(False)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.previous_button = QPushButton("Previous", self)
        self.previous_button.setAccessibleName("Previous code")
        self.previous_button.setAutoDefault(False)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton("Next", self)
        self.next_button.setAccessibleName("Next code")
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(lambda: self.step(1))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAccessibleName("Close")
        self.close_button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)

        multiple = self.animated
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading("Show as QR code", self))
        text = SEVERAL.format(total=len(self.frames)) if multiple else ONE_CODE
        layout.addWidget(note(text, self))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.code)
        row.addStretch(1)
        layout.addLayout(row, 1)
        layout.addWidget(self.position)
        controls = QHBoxLayout()
        controls.addStretch(1)
        for button in (self.previous_button, self.pause_button, self.next_button):
            controls.addWidget(button)
        controls.addStretch(1)
        layout.addLayout(controls)
        if multiple:
            layout.addWidget(note(KEYS, self, small=True))
        layout.addWidget(self.buttons)
        for widget in (self.position, self.previous_button, self.pause_button, self.next_button):
            widget.setVisible(multiple)

        self.show_frame(0)
        if multiple:
            self.timer.start()
        self.code.setFocus()

    # --- state ---------------------------------------------------------------------------

    @property
    def animated(self) -> bool:
        return len(self.frames) > 1

    @property
    def paused(self) -> bool:
        return self.animated and not self.timer.isActive()

    def position_text(self) -> str:
        return f"Frame {self.index + 1} of {len(self.frames)}"

    def show_frame(self, index: int) -> None:
        self.index = index % len(self.frames)
        self.code.setPixmap(self.pixmaps[self.index])
        self.position.setText(self.position_text())
        self.code.setToolTip(self.position_text() if self.animated else "")

    # --- moving --------------------------------------------------------------------------

    def advance(self) -> None:
        self.show_frame(self.index + 1)

    def step(self, delta: int) -> None:
        """Show the frame ``delta`` away and pause, so it stays on screen."""
        if not self.animated:
            return
        self.set_paused(True)
        self.show_frame(self.index + delta)

    def set_paused(self, paused: bool) -> None:
        if not self.animated:
            return
        if paused:
            self.timer.stop()
        else:
            self.timer.start()
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setAccessibleName("Resume" if paused else "Pause")

    def toggle_pause(self) -> None:
        self.set_paused(not self.paused)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and self.animated:
            self.toggle_pause()
        elif key == Qt.Key.Key_Left and self.animated:
            self.step(-1)
        elif key == Qt.Key.Key_Right and self.animated:
            self.step(1)
        else:
            super().keyPressEvent(event)

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
