"""The main window: a navigation rail on the left, the current page on the right."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.context import APP_NAME, AppContext
from app.dialogs.offer import OfferDialog
from app.dialogs.scan import SHARING_LATER, ScanDialog, request_dialog_class
from app.resources import app_icon, nav_icon
from app.scanning import ScanKind, kind_of
from app.session import WalletSession
from app.status_refresh import StatusRefresher
from app.views.activity import ActivityPage
from app.views.consents import ConsentsPage
from app.views.credentials import CredentialsPage
from app.views.empty_state import EmptyState
from app.views.identities import IdentitiesPage
from app.views.page import Page
from app.views.settings import SettingsPage
from app.views.typography import SMALL_SCALE, muted_text, scaled_font
from core.credentials import StoredCredential

MINIMUM_SIZE = QSize(960, 640)
DEFAULT_SIZE = QSize(1120, 720)
RAIL_WIDTH = 224
NAV_ICON_SIZE = 20
NAV_ROW_PADDING = 22  # vertical room around the text of a navigation row
STATUS_TIMEOUT_MS = 8000


class LockedView(EmptyState):
    """What the window shows while the wallet is locked: nothing from inside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Tessera is locked",
            "Your identities and credentials are hidden until you unlock.",
            icon_name="lock",
            primary_action="Unlock…",
            parent=parent,
        )
        self.setObjectName("lockedView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)


class MainWindow(QMainWindow):
    """The application window. ``pages`` maps each page's ``page_name`` to the page.

    With a ``session`` the pages show the wallet, a Lock action (Ctrl+L, also in the
    status bar) locks it, and while it is locked the window shows only ``locked_view``;
    ``unlock_requested`` asks the composition root for the unlock dialog.
    """

    unlock_requested = Signal()
    closed = Signal()

    def __init__(
        self,
        context: AppContext,
        session: WalletSession | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.session = session
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MINIMUM_SIZE)
        self.resize(DEFAULT_SIZE)

        # Keeps credentials' status fresh in the background while unlocked.
        self.status_refresher = (
            StatusRefresher(session, parent=self) if session is not None else None
        )
        page_list: list[Page] = [
            CredentialsPage(session, status_refresher=self.status_refresher),
            IdentitiesPage(session),
            ActivityPage(session),
            ConsentsPage(session),
            SettingsPage(context, session),
        ]
        self.pages: dict[str, Page] = {page.page_name: page for page in page_list}

        self.stack = QStackedWidget()
        self.stack.setObjectName("pageStack")
        self.stack.setAccessibleName("Pages")
        self.nav = QListWidget()
        self.nav.setObjectName("navList")
        self.nav.setAccessibleName("Navigation")
        self.nav.setIconSize(QSize(NAV_ICON_SIZE, NAV_ICON_SIZE))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        for number, page in enumerate(page_list, start=1):
            self.stack.addWidget(page)
            shortcut = QKeySequence(f"Ctrl+{number}")
            item = QListWidgetItem(
                nav_icon(page.icon_name, self.palette(), NAV_ICON_SIZE), page.title
            )
            item.setToolTip(
                f"{page.title} ({shortcut.toString(QKeySequence.SequenceFormat.NativeText)})"
            )
            item.setData(Qt.ItemDataRole.AccessibleTextRole, page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.page_name)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + NAV_ROW_PADDING))
            self.nav.addItem(item)
            QShortcut(shortcut, self, lambda row=number - 1: self.nav.setCurrentRow(row))
            page.action_requested.connect(self._page_action)
            page.status_message.connect(self.show_message)

        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.shell = QWidget()
        layout = QHBoxLayout(self.shell)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_rail())
        layout.addWidget(self.stack, 1)
        self.locked_view = LockedView()
        self.locked_view.action_requested.connect(lambda _label: self.unlock_requested.emit())
        self.root = QStackedWidget()
        self.root.addWidget(self.shell)
        self.root.addWidget(self.locked_view)
        self.setCentralWidget(self.root)
        self.statusBar().setSizeGripEnabled(False)
        self.setTabOrder(self.nav, self.stack)

        self.lock_action = QAction("Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.lock_action.setToolTip("Lock Tessera (Ctrl+L)")
        self.lock_action.setEnabled(session is not None)
        self.addAction(self.lock_action)
        self.lock_action.setIcon(nav_icon("lock", self.palette(), 16))
        self.lock_button = QToolButton(self)
        self.lock_button.setDefaultAction(self.lock_action)
        self.lock_button.setAccessibleName("Lock")
        self.lock_button.setAutoRaise(True)
        self.lock_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.statusBar().addPermanentWidget(self.lock_button)
        self.lock_button.setVisible(session is not None)
        self.scan_action = QAction("Scan…", self)
        self.scan_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.scan_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.scan_action.setToolTip("Scan a QR code or open a link (Ctrl+Shift+S)")
        self.scan_action.triggered.connect(self.scan)
        self.addAction(self.scan_action)
        self.scan_dialog: ScanDialog | None = None
        self.offer_dialog: OfferDialog | None = None
        self.request_dialog: QDialog | None = None
        if session is not None:
            self.lock_action.triggered.connect(session.lock)
            session.locked.connect(self._on_locked)
            session.unlocked.connect(self._on_unlocked)
            if session.is_locked:
                self._on_locked()

    @property
    def is_showing_locked(self) -> bool:
        return self.root.currentWidget() is self.locked_view

    def _on_locked(self) -> None:
        """Hide everything from the wallet and close dialogs that may show some of it."""
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible() and not dialog.property("keepOnLock"):
                dialog.reject()
        self.root.setCurrentWidget(self.locked_view)
        self.lock_action.setEnabled(False)
        self.statusBar().clearMessage()

    def _on_unlocked(self) -> None:
        self.root.setCurrentWidget(self.shell)
        self.lock_action.setEnabled(True)
        self.current_page().setFocus()

    def _build_rail(self) -> QFrame:
        """The left rail: app name, the page list, and the version at the bottom."""
        rail = QFrame()
        rail.setObjectName("navRail")
        rail.setFixedWidth(RAIL_WIDTH)

        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(28, 28)))
        logo.setAccessibleName("")
        name = QLabel(APP_NAME)
        name.setObjectName("brandName")
        name.setFont(scaled_font(self.font(), 1.25, QFont.Weight.DemiBold))
        brand = QHBoxLayout()
        brand.setContentsMargins(8, 0, 0, 0)
        brand.setSpacing(10)
        brand.addWidget(logo)
        brand.addWidget(name, 1)

        version = QLabel(f"Version {self.context.version}")
        version.setObjectName("railVersion")
        version.setFont(scaled_font(self.font(), SMALL_SCALE))
        version_palette = version.palette()
        version_palette.setColor(version.foregroundRole(), muted_text(self.palette()))
        version.setPalette(version_palette)

        layout = QVBoxLayout(rail)
        layout.setContentsMargins(12, 20, 12, 14)
        layout.setSpacing(0)
        layout.addLayout(brand)
        layout.addSpacing(20)
        layout.addWidget(self.nav, 1)
        layout.addWidget(version)
        version.setContentsMargins(8, 0, 0, 0)
        return rail

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends the app (the composition root listens to ``closed``)."""
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()

    def changeEvent(self, event: QEvent) -> None:
        """Re-tint the navigation icons when the system palette changes (theme switch)."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint_nav_icons()
        super().changeEvent(event)

    def _tint_nav_icons(self) -> None:
        if not hasattr(self, "nav"):  # palette events can arrive while __init__ runs
            return
        for row, page in enumerate(self.pages.values()):
            item = self.nav.item(row)
            if item is not None:
                item.setIcon(nav_icon(page.icon_name, self.palette(), NAV_ICON_SIZE))

    def current_page(self) -> Page:
        """The page on screen."""
        page = self.stack.currentWidget()
        assert isinstance(page, Page)
        return page

    def show_page(self, name: str) -> None:
        """Switch to the page with ``page_name == name``. Raises KeyError for an unknown name."""
        page = self.pages[name]
        self.nav.setCurrentRow(self.stack.indexOf(page))

    def show_message(self, text: str) -> None:
        """Show a short sentence in the status bar for a few seconds."""
        self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    # --- scan, offers and requests -----------------------------------------------------------

    def _page_action(self, action: str) -> None:
        if action == "Scan" and self.session is not None:
            self.scan()
        else:
            self._report_unavailable(action)

    def scan(self) -> None:
        """Open Scan (a link, the clipboard, an image file or the screen)."""
        if self.session is None:
            self._report_unavailable("Scan")
            return
        if self.session.is_locked or self.scan_dialog is not None:
            return
        dialog = ScanDialog(self, requests_supported=request_dialog_class() is not None)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self._scanned(dialog.found))
        dialog.finished.connect(lambda _result: setattr(self, "scan_dialog", None))
        self.scan_dialog = dialog
        dialog.open()

    def _scanned(self, found: str | None) -> None:
        if found is None or self.session is None or self.session.is_locked:
            return
        if kind_of(found) is ScanKind.OFFER:
            self.open_offer(found)
            return
        dialog_class = request_dialog_class()
        if dialog_class is None:
            self.show_message(SHARING_LATER)
            return
        request = dialog_class(self.session, found, self)
        request.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        request.finished.connect(lambda _result: setattr(self, "request_dialog", None))
        self.request_dialog = request
        request.open()

    def open_offer(self, offer_uri: str) -> None:
        """Show a credential offer; an accepted one lands selected on the Credentials page."""
        if self.session is None:
            return
        dialog = OfferDialog(self.session, offer_uri, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.received.connect(self._offer_received)
        dialog.finished.connect(lambda _result: setattr(self, "offer_dialog", None))
        self.offer_dialog = dialog
        dialog.open()

    def _offer_received(self, stored: StoredCredential) -> None:
        self.show_page("credentials")
        page = self.pages["credentials"]
        assert isinstance(page, CredentialsPage)
        page.refresh()
        page.search.clear()
        page.select(stored.id)
        row = page.model.row_of(stored.id)
        name = page.model.card(row).type if row >= 0 else "Credential"
        self.show_message(f"{name} added.")

    def _report_unavailable(self, action: str) -> None:
        """Say plainly that an action the user chose is not in this build yet."""
        self.show_message(f"{action}: not available in this build yet.")
