"""Scan: read a credential offer or a verifier's request from a pasted link, the
clipboard (text or a QR image), an image file or the screen.

The dialog only finds the link; whoever opened it reads ``found`` (and ``kind``) once it
is accepted and opens the matching screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import explain, grow_to_fit, heading, note
from app.scanning import ScanKind, decode_file, decode_qimage, first_known, kind_of, texts_from_mime
from app.views.message import InlineMessage, Tone
from core.errors import TesseraError

if TYPE_CHECKING:
    from app.session import WalletSession

TITLE = "Scan"
INTRO = ("Open a credential offer from an issuer, or a request from a verifier. Paste the "
         "link, or read its QR code from the clipboard, an image or your screen.")
NOT_KNOWN = "This QR code is not a credential offer or a request from a verifier."
NOT_KNOWN_TEXT = "This is not a credential offer or a request from a verifier."
NO_CODE = "No QR code found {where}. Make sure the whole code is visible, then try again."
EMPTY_CLIPBOARD = "The clipboard is empty. Copy a link or a QR code image first."
SHARING_LATER = ("This is a request from a verifier. Sharing by link comes in a later "
                 "version of Tessera.")
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"


class ScanDialog(QDialog):
    """Finds one link. On success the dialog is accepted with ``found`` set to the link
    and ``kind`` to what it is; otherwise it says why, in plain words, and stays open.

    ``requests_supported`` says whether a verifier's request can be opened; when it is
    False such a request is explained instead of accepted."""

    def __init__(self, parent: QWidget | None = None, *, requests_supported: bool = False):
        super().__init__(parent)
        self.requests_supported = requests_supported
        self.found: str | None = None
        self.kind: ScanKind | None = None
        self.setWindowTitle(TITLE)
        self.setMinimumWidth(560)
        self.setAcceptDrops(True)

        self.link = QLineEdit(self)
        self.link.setAccessibleName("Link")
        self.link.setPlaceholderText("openid-credential-offer://…")
        self.link.setClearButtonEnabled(True)
        self.link.returnPressed.connect(self.open_link)
        self.message = InlineMessage(self)
        self.link.textEdited.connect(lambda _text: self.message.clear())
        self.open_button = self._button("Open", self.open_link, "Open the link")
        self.clipboard_button = self._button("From clipboard", self.from_clipboard)
        self.file_button = self._button("From image file…", self.from_file)
        self.screen_button = self._button("From screen", self.from_screen)
        self.screen_button.setToolTip("Read a QR code shown anywhere on your screen")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)

        link_row = QHBoxLayout()
        link_row.setSpacing(8)
        link_row.addWidget(self.link, 1)
        link_row.addWidget(self.open_button)
        sources = QHBoxLayout()
        sources.setSpacing(8)
        for button in (self.clipboard_button, self.file_button, self.screen_button):
            sources.addWidget(button)
        sources.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(heading(TITLE, self))
        layout.addWidget(note(INTRO, self))
        layout.addLayout(link_row)
        layout.addWidget(note("Or read a QR code:", self, small=True))
        layout.addLayout(sources)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.link.setFocus()

    def _button(
        self, text: str, slot: Callable[[], None], accessible: str | None = None
    ) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(accessible or text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _tell(self, text: str, tone: Tone, details: str = "") -> None:
        """Show a message, making room for it (wrapped text must not be squeezed)."""
        self.message.show_message(text, tone, details)
        grow_to_fit(self)

    # --- sources ---------------------------------------------------------------------------

    def open_link(self) -> None:
        text = self.link.text().strip()
        if not text:
            self._tell("Paste a link first.", Tone.WARNING)
            return
        self.dispatch([text], not_known=NOT_KNOWN_TEXT)

    def from_clipboard(self) -> None:
        clipboard = QGuiApplication.clipboard()
        mime = clipboard.mimeData()
        if mime is None:
            self._tell(EMPTY_CLIPBOARD, Tone.WARNING)
            return
        if mime.hasImage():
            self._decoded(lambda: decode_qimage(clipboard.image()), "in the copied image")
            return
        texts = self._read(lambda: texts_from_mime(mime))
        if texts is None:
            return
        if not texts:
            self._tell(EMPTY_CLIPBOARD, Tone.WARNING)
            return
        is_text = not mime.hasUrls()
        self.dispatch(texts, not_known=NOT_KNOWN_TEXT if is_text else NOT_KNOWN)

    def from_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Open a QR code image", str(Path.home()), IMAGE_FILTER
        )
        if chosen:
            self.from_path(Path(chosen))

    def from_path(self, path: Path) -> None:
        self._decoded(lambda: decode_file(path), "in that image")

    def from_screen(self) -> None:
        self._decoded(lambda: decode_qimage(self.grab_screen()), "on your screen")

    def grab_screen(self) -> QImage:
        """A capture of the primary screen (blank where there is no real display)."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            return QImage()
        return screen.grabWindow(0).toImage()

    def _read(self, read: Callable[[], list[str]]) -> list[str] | None:
        """``read()``, or None after telling the user why it failed."""
        self.message.clear()
        try:
            return read()
        except TesseraError as exc:
            sentence, details = explain(exc, "read that image")
            if exc.code == "qr_image_unreadable":
                sentence = "That file is not an image Tessera can read."
            self._tell(sentence, Tone.ERROR, details)
            return None

    def _decoded(self, read: Callable[[], list[str]], where: str) -> None:
        texts = self._read(read)
        if texts is None:
            return
        if not texts:
            self._tell(NO_CODE.format(where=where), Tone.WARNING)
            return
        self.dispatch(texts, not_known=NOT_KNOWN)

    # --- what was found ----------------------------------------------------------------------

    def dispatch(self, texts: list[str], *, not_known: str = NOT_KNOWN) -> None:
        """Accept with the first offer or request in ``texts``, or say why not."""
        found = first_known(texts)
        if found is None:
            self._tell(not_known, Tone.WARNING)
            return
        kind = kind_of(found)
        if kind is ScanKind.REQUEST and not self.requests_supported:
            self._tell(SHARING_LATER, Tone.INFO)
            return
        self.found, self.kind = found, kind
        self.accept()

    # --- drag and drop -------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage() or mime.hasText():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        texts = self._read(lambda: texts_from_mime(event.mimeData()))
        event.acceptProposedAction()
        if texts is None:
            return
        if not texts:
            self._tell(NO_CODE.format(where="in what was dropped"), Tone.WARNING)
            return
        self.dispatch(texts)


RequestDialogFactory = Callable[["WalletSession", str, QWidget | None], QDialog]


def request_dialog_class() -> RequestDialogFactory | None:
    """``RequestReviewDialog(session, request_uri, parent)`` when this build has it, else
    None."""
    try:
        from app.dialogs import request_review
    except Exception:  # not in this build, or not importable: say "later" instead
        return None
    found = getattr(request_review, "RequestReviewDialog", None)
    return found if isinstance(found, type) and issubclass(found, QDialog) else None

